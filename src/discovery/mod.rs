//! Relationship candidates proposed from the data-product registry without a model: the first
//! layer of relationship inference. It reads what the registry already holds — declared foreign
//! and primary keys, field names and types — and, where a product's source can be read whole,
//! the values themselves. The LLM `relate` role then ranks and explains candidates or adds its
//! own, and reviewers decide. Every candidate carries the signals that proposed it.
//!
//! For each field of each product, against every single-field key of every product
//! ([`keys::single_field_keys`]):
//!
//! 1. A foreign key the source declares is proposed as it is (composite ones whole), and its
//!    fields are not examined further.
//! 2. A field whose name points at the key ([`names`]) is a *named* candidate, unless the values
//!    say otherwise (under 90 % of its distinct values found in the key). Types must be
//!    compatible, except for an exact name match (real schemas declare `Track_ID` as text in one
//!    table and a number in another).
//! 3. A field no name explains is a *value* candidate where every one of its (at least two)
//!    distinct values is among the key's: integer or text fields only, never the field's own
//!    product's sole primary key.
//! 4. Per field, the best-scored named candidates are kept (ties all kept); without any, the
//!    [`VALUE_CANDIDATES_PER_FIELD`] value candidates that cover most of their key's values (a
//!    self-reference whose field has nulls — the roots of a hierarchy, like
//!    `Employee.ReportsTo` — comes first).
//!
//! A product's sole primary key is proposed as referring to another key only when its name
//! does not mark it as the product's own and the target's key is named after the target (or the
//! target's name is part of the product's: `publication_keyword.kid` → `keyword.kid`).
//!
//! Recall and false candidates per true key on Chinook, Northwind and Spider are measured by
//! `tests/vetted/discovery.rs` and recorded in `docs/relationships.md`.

mod keys;
mod names;
mod queue;
mod recall;
mod values;

pub use names::{NameMatch, NamePattern};
pub use queue::{DISCOVERY_DOMAIN, DISCOVERY_MODEL, QueuedCandidates};
pub use recall::{KeyPair, Recall, declared_key_pairs, measure};

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::Serialize;

use crate::domain::{Cardinality, FieldPair};
use crate::products::{DataProduct, ForeignKey};
use crate::relation_evidence::{TypeFamily, TypeMatch, type_family, type_match};
use names::{Words, name_match, owns};
use values::{FieldValues, KeyValueCache, Overlap, overlap};

/// Value candidates kept per field when no name explains it.
pub const VALUE_CANDIDATES_PER_FIELD: usize = 2;

/// A named candidate is dropped when fewer of its distinct values than this are in the key.
const MIN_NAMED_CONTAINMENT: f64 = 0.9;

/// What discovery may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscoveryOptions {
    /// Propose the foreign keys sources declare. Off to measure inference against them.
    pub declared: bool,
    /// Read field values from sources that can be read whole. Off for schema-only discovery.
    pub values: bool,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            declared: true,
            values: true,
        }
    }
}

/// One reason a candidate was proposed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// The source product declares this foreign key.
    Declared,
    Name(NameMatch),
    Types {
        source: TypeFamily,
        target: TypeFamily,
        matched: TypeMatch,
    },
    Values {
        /// Share of the field's distinct values found in the key.
        containment: f64,
        /// Share of the key's values the field uses.
        coverage: f64,
        /// The field's distinct non-null values.
        distinct: usize,
        /// What was read, e.g. `source: full table, 412 rows`.
        basis: String,
    },
    /// A field referring to its own product's key, with rows where it is null: the roots of a
    /// hierarchy.
    HierarchyRoots {
        null_rows: u64,
    },
}

impl Signal {
    /// The signal in words, for the item's rationale and the CLI.
    pub fn describe(&self) -> String {
        match self {
            Signal::Declared => "the source declares this foreign key".to_owned(),
            Signal::Name(m) => format!(
                "name: {} (strength {:.2})",
                match m.pattern {
                    NamePattern::SameName => "the same words as the key",
                    NamePattern::TableAndKey => "the target's name with its key",
                    NamePattern::NamesTable => "names the target product",
                    NamePattern::EndsWithKey => "ends with the key's words",
                    NamePattern::EndsWithTable => "ends with the target's name",
                },
                m.strength
            ),
            Signal::Types {
                source,
                target,
                matched,
            } => format!("types: {source:?} → {target:?} ({matched:?})").to_lowercase(),
            Signal::Values {
                containment,
                coverage,
                distinct,
                basis,
            } => format!(
                "values: {:.0} % of its {distinct} distinct values are keys of the target, \
                 covering {:.0} % of them ({basis})",
                containment * 100.0,
                coverage * 100.0
            ),
            Signal::HierarchyRoots { null_rows } => format!(
                "refers to its own product and is null in {null_rows} row(s): a hierarchy's roots"
            ),
        }
    }
}

/// A proposed relationship between two registered products.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub source_product: String,
    pub target_product: String,
    /// One pair, or a declared composite key's pairs.
    pub mapping: Vec<FieldPair>,
    pub cardinality: Cardinality,
    /// Ranks candidates, 0–1: 1 for a declared key, about 0.8–1 for a name match, 0.3–0.8 for
    /// values alone. Not a calibrated probability.
    pub score: f64,
    pub signals: Vec<Signal>,
}

/// Proposes candidates among `products`. `progress(done, total)` is called after each product;
/// when it breaks, discovery stops and returns `None`. Candidates are ordered by source product
/// and field, best first.
pub fn discover(
    products: &[DataProduct],
    options: DiscoveryOptions,
    progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
) -> Option<Vec<Candidate>> {
    let targets = targets(products);
    let mut key_values = KeyValueCache::new(options.values);
    let mut candidates = Vec::new();
    for (index, source) in products.iter().enumerate() {
        let mut declared_fields = HashSet::new();
        if options.declared {
            for key in &source.schema.foreign_keys {
                if let Some(candidate) = declared(source, key, products) {
                    declared_fields.extend(key.fields.iter().map(String::as_str));
                    candidates.push(candidate);
                }
            }
        }
        for field in &source.schema.fields {
            if !declared_fields.contains(field.name.as_str()) {
                let mut examined = FieldExamination::new(products, index, &field.name);
                candidates.extend(examined.candidates(&targets, &mut key_values));
            }
        }
        if progress(index + 1, products.len()).is_break() {
            return None;
        }
    }
    Some(candidates)
}

/// A key another field may refer to.
struct Target {
    product: usize,
    key: String,
    key_words: Words,
    product_words: Words,
}

fn targets(products: &[DataProduct]) -> Vec<Target> {
    products
        .iter()
        .enumerate()
        .flat_map(|(product, p)| {
            keys::single_field_keys(p)
                .into_iter()
                .map(move |key| Target {
                    product,
                    key_words: Words::of(&key),
                    product_words: Words::of(&p.name),
                    key,
                })
        })
        .collect()
}

fn declared(source: &DataProduct, key: &ForeignKey, products: &[DataProduct]) -> Option<Candidate> {
    let target = products.iter().find(|p| p.name == key.target_product)?;
    let fields: Vec<&str> = key.fields.iter().map(String::as_str).collect();
    let cardinality = if source.schema.is_declared_key(&fields) {
        Cardinality::OneToOne
    } else {
        Cardinality::ManyToOne
    };
    Some(Candidate {
        source_product: source.name.clone(),
        target_product: target.name.clone(),
        mapping: key
            .fields
            .iter()
            .zip(&key.target_fields)
            .map(|(s, t)| FieldPair {
                source_field: s.clone(),
                target_field: t.clone(),
            })
            .collect(),
        cardinality,
        score: 1.0,
        signals: vec![Signal::Declared],
    })
}

/// One field of one product, examined against every target key.
struct FieldExamination<'a> {
    products: &'a [DataProduct],
    source: usize,
    field: &'a str,
    family: TypeFamily,
    words: Words,
    source_words: Words,
    /// The field is its product's whole primary key.
    sole_key: bool,
    /// Read on first need; `Some(None)` once a read failed.
    values: Option<Option<FieldValues>>,
}

/// A candidate before the per-field choice: `rank` orders value candidates.
struct Scored {
    candidate: Candidate,
    rank: f64,
}

impl<'a> FieldExamination<'a> {
    fn new(products: &'a [DataProduct], source: usize, field: &'a str) -> Self {
        let product = &products[source];
        let declared_type = product
            .schema
            .field(field)
            .map_or("", |f| f.declared_type.as_str());
        FieldExamination {
            products,
            source,
            field,
            family: type_family(declared_type),
            words: Words::of(field),
            source_words: Words::of(&product.name),
            sole_key: product.schema.primary_key == [field],
            values: None,
        }
    }

    fn candidates(&mut self, targets: &[Target], key_values: &mut KeyValueCache) -> Vec<Candidate> {
        let mut named = Vec::new();
        let mut by_values = Vec::new();
        for target in targets {
            if target.product == self.source && target.key == self.field {
                continue;
            }
            let target_product = &self.products[target.product];
            let key_type = target_product
                .schema
                .field(&target.key)
                .map_or("", |f| f.declared_type.as_str());
            let target_family = type_family(key_type);
            let types = type_match(self.family, target_family);
            let name = name_match(&self.words, &target.key_words, &target.product_words);
            let exact = name.is_some_and(|n| n.strength >= 1.0);
            if (types == TypeMatch::Incompatible && !exact)
                || (self.sole_key && !self.sole_key_may_refer(target, name))
            {
                continue;
            }
            let values_possible = name.is_none()
                && !self.sole_key
                && types != TypeMatch::Incompatible
                && matches!(self.family, TypeFamily::Integer | TypeFamily::Text);
            if name.is_none() && !values_possible {
                continue;
            }
            let overlap = self.overlap_with(target, key_values);
            let mut signals = Vec::new();
            signals.extend(name.map(Signal::Name));
            signals.push(Signal::Types {
                source: self.family,
                target: target_family,
                matched: types,
            });
            if let (Some(o), Some(values)) =
                (overlap, self.values.as_ref().and_then(Option::as_ref))
            {
                signals.push(Signal::Values {
                    containment: o.containment,
                    coverage: o.coverage,
                    distinct: values.distinct.len(),
                    basis: values.basis.clone(),
                });
            }
            match name {
                Some(name) => {
                    if overlap.is_some_and(|o| o.containment < MIN_NAMED_CONTAINMENT) {
                        continue;
                    }
                    let owner = owns(&target.product_words, &target.key_words);
                    let score = name.strength + if owner { 0.05 } else { 0.0 }
                        - if types == TypeMatch::Incompatible {
                            0.15
                        } else {
                            0.0
                        };
                    named.push(Scored {
                        candidate: self.candidate(target, score.min(1.0), signals),
                        rank: score,
                    });
                }
                None => {
                    let Some(o) = overlap.filter(|o| o.containment >= 1.0) else {
                        continue;
                    };
                    let values = self.values.as_ref().and_then(Option::as_ref);
                    if values.is_none_or(|v| v.distinct.len() < 2) {
                        continue;
                    }
                    let null_rows = values.map_or(0, |v| v.null_rows);
                    let roots = target.product == self.source && null_rows > 0;
                    if roots {
                        signals.push(Signal::HierarchyRoots { null_rows });
                    }
                    let rank = o.coverage + if roots { 0.5 } else { 0.0 };
                    let score = 0.3 + 0.5 * rank.min(1.0);
                    by_values.push(Scored {
                        candidate: self.candidate(target, score, signals),
                        rank,
                    });
                }
            }
        }
        choose(named, by_values)
    }

    /// The rule for a product's sole primary key (see the module doc).
    fn sole_key_may_refer(&self, target: &Target, name: Option<NameMatch>) -> bool {
        let target_owns_key = owns(&target.product_words, &target.key_words)
            || target.product_words.is_proper_part_of(&self.source_words);
        name.is_some_and(|n| n.strength >= 0.9)
            && target_owns_key
            && !owns(&self.source_words, &self.words)
    }

    fn overlap_with(&mut self, target: &Target, key_values: &mut KeyValueCache) -> Option<Overlap> {
        if !key_values.enabled() {
            return None;
        }
        let key: Rc<FieldValues> = key_values.key(self.products, target.product, &target.key)?;
        let (products, source, field) = (self.products, self.source, self.field);
        let values = self
            .values
            .get_or_insert_with(|| FieldValues::read(&products[source], field))
            .as_ref()?;
        overlap(values, &key)
    }

    fn candidate(&self, target: &Target, score: f64, signals: Vec<Signal>) -> Candidate {
        let unique = match self.values.as_ref().and_then(Option::as_ref) {
            Some(values) => values.unique,
            None => {
                self.sole_key
                    || self.products[self.source]
                        .schema
                        .is_declared_key(&[self.field])
            }
        };
        Candidate {
            source_product: self.products[self.source].name.clone(),
            target_product: self.products[target.product].name.clone(),
            mapping: vec![FieldPair {
                source_field: self.field.to_owned(),
                target_field: target.key.clone(),
            }],
            cardinality: if unique {
                Cardinality::OneToOne
            } else {
                Cardinality::ManyToOne
            },
            score,
            signals,
        }
    }
}

/// The best named candidates (ties all kept), else the best value candidates.
fn choose(named: Vec<Scored>, mut by_values: Vec<Scored>) -> Vec<Candidate> {
    if let Some(best) = named.iter().map(|s| s.rank).reduce(f64::max) {
        return named
            .into_iter()
            .filter(|s| s.rank >= best - 1e-9)
            .map(|s| s.candidate)
            .collect();
    }
    by_values.sort_by(|a, b| {
        b.rank
            .total_cmp(&a.rank)
            .then_with(|| a.candidate.target_product.cmp(&b.candidate.target_product))
    });
    by_values
        .into_iter()
        .take(VALUE_CANDIDATES_PER_FIELD)
        .map(|s| s.candidate)
        .collect()
}
