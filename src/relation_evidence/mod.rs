//! Evidence Vetted computes itself, from the data, for a proposed relationship — as opposed to
//! the rationale and confidence the model supplies. Definitions are in `docs/relationships.md`;
//! every figure says what it was computed on (the full source, or which samples).

mod cautions;
mod conflicts;
mod field_types;
mod key_counts;
mod name_similarity;
mod value_figures;

pub use conflicts::{Accepted, Conflict, ConflictKind, find_conflicts};
pub use field_types::{TypeFamily, TypeMatch, type_family, type_match};
pub(crate) use key_counts::of_registered as registered_key_counts;
pub use key_counts::{KeyCountCache, MAX_DISTINCT_KEYS};
pub use name_similarity::name_similarity;
pub(crate) use name_similarity::tokens as name_tokens;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{
    Cardinality, FieldPair, Item, ItemBody, ProductSide, Relation, RelationshipBody,
};
use crate::error::{Error, Result};
use crate::products::DataProduct;
use crate::store::{ApprovedRelationship, Store, current_relation};

/// What one side's values were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BasisKind {
    /// Every row of the registered product's source.
    SourceTable,
    /// The sample stored when the product was registered (the source was unavailable).
    RegisteredSample,
    /// The sample rows carried by the item (the product is not registered).
    ItemSample,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SideBasis {
    pub product: String,
    pub kind: BasisKind,
    /// Rows read, nulls included.
    #[ts(type = "number")]
    pub rows: i64,
    /// e.g. `source: full table, 412 rows` or `samples: 5 rows`.
    pub label: String,
    /// Why a better basis was not used, when it was not.
    pub fallback_reason: Option<String>,
}

/// Per field pair: declared types and names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PairEvidence {
    pub source_field: String,
    pub target_field: String,
    /// Declared type (registered schema first, else the item's); `None` if the field is unknown.
    pub source_type: Option<String>,
    pub target_type: Option<String>,
    pub source_family: TypeFamily,
    pub target_family: TypeFamily,
    pub type_match: TypeMatch,
    /// 0–1; see [`name_similarity`].
    pub name_similarity: f64,
}

/// The computed evidence for one mapping (all pairs together for a composite key).
///
/// Value figures count non-null keys only: a source row with a null in any mapped field is
/// neither matched nor orphaned (a nullable foreign key such as `Employee.ReportsTo` is not
/// contradicted by its nulls).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RelationshipEvidence {
    pub source_basis: SideBasis,
    pub target_basis: SideBasis,
    /// Distinct non-null source keys.
    #[ts(type = "number")]
    pub source_distinct: i64,
    /// Of those, how many occur in the target.
    #[ts(type = "number")]
    pub matched_distinct: i64,
    /// `matched_distinct / source_distinct`; `None` when the source has no non-null key.
    pub containment: Option<f64>,
    /// Source rows whose key is non-null.
    #[ts(type = "number")]
    pub source_rows_with_key: i64,
    /// Source rows whose non-null key is not in the target.
    #[ts(type = "number")]
    pub orphan_rows: i64,
    /// `orphan_rows / source_rows_with_key`.
    pub orphan_rate: Option<f64>,
    /// A few orphan keys (integers in numeric order first), for the reviewer to look up.
    pub orphan_examples: Vec<String>,
    /// Distinct non-null target keys.
    #[ts(type = "number")]
    pub target_distinct: i64,
    /// `matched_distinct / target_distinct`: how much of the target the source refers to.
    pub target_coverage: Option<f64>,
    /// Every non-null target key occurs in exactly one row (the target side is a key).
    pub target_unique: bool,
    /// The target fields are the declared primary key or a unique key; `None` when the target
    /// product is not registered.
    pub target_declared_key: Option<bool>,
    /// Every non-null source key occurs in exactly one source row.
    pub source_unique: bool,
    /// The source fields are the source product's declared primary or unique key (`None` when
    /// the source product is not registered).
    pub source_declared_key: Option<bool>,
    /// The distinct source keys are exactly the integers `1..=source_distinct` (auto-increment
    /// ids), which makes full containment likely by coincidence.
    pub sequential_source_ids: bool,
    /// From the matched keys: `N` on a side when some key occurs in several of its rows.
    pub observed_cardinality: Option<Cardinality>,
    pub claimed_cardinality: Cardinality,
    pub pairs: Vec<PairEvidence>,
    pub conflicts: Vec<Conflict>,
    /// Plain-language readings of the figures above that call for care (see `cautions.rs`).
    pub cautions: Vec<String>,
}

/// The relation a relationship item's evidence measures: the one it currently stands for (its
/// latest edit, else the proposal; for a `not_related` edit, the proposal). `None` for other
/// kinds of item.
pub fn relation_to_measure(item: &Item) -> Option<(&RelationshipBody, &Relation)> {
    let ItemBody::Relationship(body) = &item.body else {
        return None;
    };
    let relation = current_relation(item)
        .filter(|r| !r.is_not_related())
        .unwrap_or(&body.relation);
    Some((body, relation))
}

impl Store {
    /// Evidence for the relation a relationship item currently stands for (see
    /// [`relation_to_measure`]). `None` for answer items.
    pub fn relationship_evidence(&self, external_id: &str) -> Result<Option<RelationshipEvidence>> {
        let item = self.item(external_id)?;
        let Some((body, relation)) = relation_to_measure(&item) else {
            return Ok(None);
        };
        let accepted = self.approved_relationships()?;
        let cache = &mut KeyCountCache::default();
        compute_evidence(self, cache, &item.external_id, body, relation, &accepted).map(Some)
    }

    /// Evidence for a relation a reviewer is drafting on an item, before it is saved.
    pub fn evidence_for_relation(
        &self,
        external_id: &str,
        relation: &Relation,
    ) -> Result<RelationshipEvidence> {
        let item: Item = self.item(external_id)?;
        let ItemBody::Relationship(body) = &item.body else {
            return Err(Error::BadRequest(format!(
                "item '{external_id}' is not a relationship"
            )));
        };
        let accepted = self.approved_relationships()?;
        let cache = &mut KeyCountCache::default();
        compute_evidence(self, cache, external_id, body, relation, &accepted)
    }
}

/// Computes every figure for `relation` between the item's two products, as registered in
/// `store`; key counts of registered products come from `cache` when an earlier call read them.
pub(crate) fn compute_evidence(
    store: &Store,
    cache: &mut KeyCountCache,
    item: &str,
    body: &RelationshipBody,
    relation: &Relation,
    accepted: &[ApprovedRelationship],
) -> Result<RelationshipEvidence> {
    let products = Products {
        source: store.product(&body.source.product)?,
        target: store.product(&body.target.product)?,
    };
    measure(
        &products,
        cache,
        item,
        body,
        relation,
        accepted.iter().map(Accepted::from),
    )
}

/// The registered products at the two ends of a relationship item (`None`: not registered).
pub(crate) struct Products {
    pub source: Option<DataProduct>,
    pub target: Option<DataProduct>,
}

/// Computes every figure for `relation` between the item's two `products`, whatever database
/// registered them; `accepted` are the accepted relationships it may conflict with.
pub(crate) fn measure<'a>(
    products: &Products,
    cache: &mut KeyCountCache,
    item: &str,
    body: &RelationshipBody,
    relation: &Relation,
    accepted: impl IntoIterator<Item = Accepted<'a>>,
) -> Result<RelationshipEvidence> {
    if relation.mapping.is_empty() {
        return Err(Error::BadRequest(format!(
            "the relation of item '{item}' maps no fields; there is nothing to measure"
        )));
    }
    let source_fields: Vec<&str> = relation
        .mapping
        .iter()
        .map(|p| p.source_field.as_str())
        .collect();
    let target_fields: Vec<&str> = relation
        .mapping
        .iter()
        .map(|p| p.target_field.as_str())
        .collect();
    let (source_product, target_product) = (products.source.as_ref(), products.target.as_ref());
    let source = key_counts::gather(cache, &body.source, source_product, &source_fields);
    let target = key_counts::gather(cache, &body.target, target_product, &target_fields);
    let figures = value_figures::compare(&source, &target);
    let pairs = relation
        .mapping
        .iter()
        .map(|pair| pair_evidence(body, source_product, target_product, pair))
        .collect();
    let mut evidence = RelationshipEvidence {
        source_basis: source.basis.clone(),
        target_basis: target.basis.clone(),
        source_distinct: figures.source_distinct,
        matched_distinct: figures.matched_distinct,
        containment: figures.containment,
        source_rows_with_key: figures.source_rows_with_key,
        orphan_rows: figures.orphan_rows,
        orphan_rate: figures.orphan_rate,
        orphan_examples: figures.orphan_examples,
        target_distinct: figures.target_distinct,
        target_coverage: figures.target_coverage,
        target_unique: figures.target_unique,
        target_declared_key: target_product.map(|p| p.schema.is_declared_key(&target_fields)),
        source_unique: figures.source_unique,
        source_declared_key: source_product.map(|p| p.schema.is_declared_key(&source_fields)),
        sequential_source_ids: figures.sequential_source_ids,
        observed_cardinality: figures.observed_cardinality,
        claimed_cardinality: relation.cardinality,
        pairs,
        conflicts: conflicts::find_conflicts(item, body, relation, accepted),
        cautions: Vec::new(),
    };
    evidence.cautions = cautions::cautions(&evidence);
    Ok(evidence)
}

/// A field's declared type: from the registered schema first, else from the item's own fields.
fn declared_type(
    side: &ProductSide,
    registered: Option<&DataProduct>,
    field: &str,
) -> Option<String> {
    registered
        .and_then(|p| p.schema.field(field))
        .map(|f| f.declared_type.clone())
        .or_else(|| {
            side.fields
                .iter()
                .find(|f| f.name == field)
                .map(|f| f.field_type.clone())
        })
}

fn pair_evidence(
    body: &RelationshipBody,
    source_product: Option<&DataProduct>,
    target_product: Option<&DataProduct>,
    pair: &FieldPair,
) -> PairEvidence {
    let source_type = declared_type(&body.source, source_product, &pair.source_field);
    let target_type = declared_type(&body.target, target_product, &pair.target_field);
    let family = |t: &Option<String>| t.as_deref().map_or(TypeFamily::Unknown, type_family);
    let (source_family, target_family) = (family(&source_type), family(&target_type));
    PairEvidence {
        source_field: pair.source_field.clone(),
        target_field: pair.target_field.clone(),
        source_type,
        target_type,
        source_family,
        target_family,
        type_match: type_match(source_family, target_family),
        name_similarity: name_similarity(&pair.source_field, &pair.target_field),
    }
}
