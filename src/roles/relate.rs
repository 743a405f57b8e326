//! The relationship role: two data products (fields + sample rows) → relationship candidates
//! (type, cardinality, field mapping, rationale, confidence) via structured output, each queued
//! as a relationship item.
//!
//! The products come from the registry ([`products_from_registry`]), a JSON file
//! ([`products_from_file`]) or an existing item ([`products_from_item`]). `super::rank` reuses
//! the candidate shape, its checks and how a candidate is queued.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::Role;
use super::knowledge::{Knowledge, KnowledgeOptions, Subject};
use super::prompts::{Template, prompt_for, run_version};
use super::run::{Outcome, RunContext, RunSummary, Written, execute};
use crate::content_hash::content_hash;
use crate::domain::{
    Cardinality, Field, FieldPair, ItemBody, ItemKind, ProductSide, Relation, RelationshipBody,
};
use crate::error::{Error, Result};
use crate::llm::OutputSchema;
use crate::llm::structured::{chat_structured, parse_reply};
use crate::products::DataProduct;
use crate::store::{Inserted, NewItem, RunLabel, Store, insert_item, now_text};

const DEFAULT_MAX_TOKENS: u32 = 600;

/// Two products to relate, source first.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductPair {
    pub domain: String,
    pub source: ProductSide,
    pub target: ProductSide,
}

/// Products `a` and `b` from a JSON file holding an array of product sides
/// (`[{"product", "fields", "sample_rows"}, …]`).
pub fn products_from_file(path: &Path, a: &str, b: &str) -> Result<(ProductSide, ProductSide)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let products: Vec<ProductSide> = serde_json::from_str(&text).map_err(|e| {
        Error::BadRequest(format!(
            "{}: expected a JSON array of products ({{\"product\", \"fields\", \"sample_rows\"}}): {e}",
            path.display()
        ))
    })?;
    let pick = |name: &str| {
        products
            .iter()
            .find(|p| p.product == name)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = products.iter().map(|p| p.product.as_str()).collect();
                Error::BadRequest(format!(
                    "{}: no product '{name}' (the file has: {})",
                    path.display(),
                    known.join(", ")
                ))
            })
    };
    Ok((pick(a)?, pick(b)?))
}

/// How many registered sample rows go into a relate prompt per product (prompts stay small).
const PROMPT_SAMPLE_ROWS: usize = 5;

/// A registered product as one side of a relationship: its schema (field names and declared
/// types) and its first few sample rows. Relate prompts and import lines that name a product
/// without its fields (`crate::import`) both use this form.
pub fn registered_side(product: DataProduct) -> ProductSide {
    ProductSide {
        product: product.name,
        fields: product
            .schema
            .fields
            .into_iter()
            .map(|f| Field {
                name: f.name,
                field_type: f.declared_type,
            })
            .collect(),
        sample_rows: product
            .sample_rows
            .into_iter()
            .take(PROMPT_SAMPLE_ROWS)
            .collect(),
    }
}

/// Products `a` and `b` from the data-product registry (`vetted products add`): the schema and
/// the first few sample rows.
pub fn products_from_registry(
    store: &Store,
    a: &str,
    b: &str,
) -> Result<(ProductSide, ProductSide)> {
    let side = |name: &str| -> Result<ProductSide> {
        let product = store.product(name)?.ok_or_else(|| {
            Error::NotFound(format!(
                "no registered product '{name}'; add its database or CSV file to the data \
                 products first"
            ))
        })?;
        Ok(registered_side(product))
    };
    Ok((side(a)?, side(b)?))
}

/// The source and target products of an existing relationship item.
pub fn products_from_item(store: &Store, external_id: &str) -> Result<(ProductSide, ProductSide)> {
    match store.item(external_id)?.body {
        ItemBody::Relationship(r) => Ok((r.source, r.target)),
        other => Err(Error::BadRequest(format!(
            "item '{external_id}' is {}, not a relationship; name a relationship item",
            match other.kind() {
                ItemKind::Comparison => "a comparison",
                _ => "an answer",
            }
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Candidates {
    candidates: Vec<Candidate>,
}

/// A relationship the model proposes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Candidate {
    #[serde(rename = "type")]
    relation_type: String,
    cardinality: Cardinality,
    pub(super) mapping: Vec<FieldPair>,
    rationale: String,
    confidence: f64,
}

/// The JSON schema of a list of at most `max_items` proposed relationships.
pub(super) fn candidates_schema(max_items: usize) -> serde_json::Value {
    serde_json::json!({"type": "array", "maxItems": max_items, "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "cardinality": {"type": "string", "enum": ["1:1", "N:1", "1:N", "N:M"]},
            "mapping": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "properties": {"source_field": {"type": "string"},
                               "target_field": {"type": "string"}},
                "required": ["source_field", "target_field"],
                "additionalProperties": false}},
            "rationale": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["type", "cardinality", "mapping", "rationale", "confidence"],
        "additionalProperties": false}})
}

/// The JSON the model must answer with.
pub fn output_schema() -> OutputSchema {
    OutputSchema {
        name: "relationship_candidates",
        schema: serde_json::json!({
            "type": "object",
            "properties": {"candidates": candidates_schema(3)},
            "required": ["candidates"],
            "additionalProperties": false,
        }),
    }
}

/// Every candidate must map existing fields and give a confidence in 0..1.
pub(super) fn check_candidates(
    pair: &ProductPair,
    candidates: &[Candidate],
) -> std::result::Result<(), String> {
    for (i, c) in candidates.iter().enumerate() {
        if c.relation_type.trim().is_empty() || c.mapping.is_empty() {
            return Err(format!(
                "candidate {i}: needs a type and at least one field pair"
            ));
        }
        if !(0.0..=1.0).contains(&c.confidence) {
            return Err(format!(
                "candidate {i}: confidence {} is outside 0..1",
                c.confidence
            ));
        }
        for m in &c.mapping {
            for (side, field) in [
                (&pair.source, &m.source_field),
                (&pair.target, &m.target_field),
            ] {
                if !side.fields.iter().any(|f| &f.name == field) {
                    return Err(format!(
                        "candidate {i}: '{field}' is not a field of '{}'",
                        side.product
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The words reviewed relationships are matched on: both product names and their field names.
fn similarity_text(pair: &ProductPair) -> String {
    let names = |p: &ProductSide| {
        std::iter::once(p.product.clone())
            .chain(p.fields.iter().map(|f| f.name.clone()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!("{} {}", names(&pair.source), names(&pair.target))
}

fn user_message(pair: &ProductPair) -> String {
    let side = |p: &ProductSide| serde_json::to_string_pretty(p).expect("product serializes");
    format!(
        "Source product:\n{}\n\nTarget product:\n{}",
        side(&pair.source),
        side(&pair.target)
    )
}

/// Asks for relationship candidates between each pair and queues every valid candidate.
pub async fn relate(
    store: &mut Store,
    ctx: &RunContext<'_>,
    pairs: Vec<ProductPair>,
    knowledge: KnowledgeOptions,
) -> Result<RunSummary> {
    let provider = ctx.client.provider();
    let known = pairs
        .iter()
        .map(|pair| {
            let subject = Subject {
                domain: &pair.domain,
                kind: ItemKind::Relationship,
                text: &similarity_text(pair),
            };
            Knowledge::for_subject(
                store,
                knowledge.variant,
                subject,
                knowledge.examples,
                &HashSet::new(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let dir = ctx.options.prompt_dir.as_deref();
    let prompts = pairs
        .iter()
        .map(|p| prompt_for(store, Template::Relate, &p.domain, dir))
        .collect::<Result<Vec<_>>>()?;
    let label = RunLabel {
        role: Role::Relate,
        provider: provider.name.clone(),
        model: provider.model.clone(),
        prompt_version: run_version(Template::Relate, &prompts),
    };
    let model = label.model.clone();
    let schema = output_schema();
    let indexed: Vec<(usize, ProductPair)> = pairs.into_iter().enumerate().collect();
    execute(
        store,
        ctx,
        label,
        &indexed,
        0,
        |(index, pair): &(usize, ProductPair)| {
            let prompt = &prompts[*index];
            let known = &known[*index];
            let message = format!("{}{}", known.sections(&pair.domain), user_message(pair));
            let params = ctx.params(&prompt.text, message, DEFAULT_MAX_TOKENS);
            let schema = &schema;
            async move {
                let exchange = chat_structured(ctx.client, params, schema, ctx.cancel).await;
                let mut outcome = Outcome::new(
                    format!("{}|{}", pair.source.product, pair.target.product),
                    prompt.version.clone(),
                    exchange,
                    ctx.options.stream,
                    |reply| {
                        parse_reply(&provider.name, reply, |c: &Candidates| {
                            check_candidates(pair, &c.candidates)
                        })
                    },
                );
                outcome.knowledge = known.record();
                outcome
            }
        },
        |tx, (index, pair), out: Candidates, call_id| {
            let generated_by = GeneratedBy {
                model: &model,
                provider: &provider.name,
                prompt_version: &prompts[*index].version,
                call_id,
            };
            let mut written = 0;
            for c in out.candidates {
                written += usize::from(queue_candidate(tx, pair, c, &generated_by)?);
            }
            Ok(Written {
                item_id: None,
                items: written,
            })
        },
    )
    .await
}

/// Which call proposed a candidate (kept in the item's `metadata.generated_by`).
pub(super) struct GeneratedBy<'a> {
    pub model: &'a str,
    pub provider: &'a str,
    pub prompt_version: &'a str,
    pub call_id: i64,
}

/// Queues `candidate` as a pending relationship item from `pair.source` to `pair.target`;
/// false when the same item (same content) is already queued.
pub(super) fn queue_candidate(
    tx: &rusqlite::Transaction<'_>,
    pair: &ProductPair,
    candidate: Candidate,
    by: &GeneratedBy<'_>,
) -> Result<bool> {
    let body = ItemBody::Relationship(RelationshipBody {
        source: pair.source.clone(),
        target: pair.target.clone(),
        relation: Relation {
            relation_type: candidate.relation_type,
            cardinality: candidate.cardinality,
            mapping: candidate.mapping,
        },
        rationale: candidate.rationale,
        confidence: Some(candidate.confidence),
    });
    let hash = content_hash(&pair.domain, by.model, &body);
    let item = NewItem {
        external_id: format!(
            "{}-{}-{}",
            pair.source.product,
            pair.target.product,
            &hash[..8]
        ),
        domain: pair.domain.clone(),
        model: by.model.to_owned(),
        body,
        vetting: None,
        metadata: serde_json::json!({"generated_by": {"provider": by.provider,
            "prompt_version": by.prompt_version, "llm_call": by.call_id}}),
        content_hash: hash,
    };
    Ok(insert_item(tx, &item, None, &now_text())? == Inserted::New)
}
