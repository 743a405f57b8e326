//! Discovered candidates queued as pending relationship items, each at most once: a candidate
//! some item already proposes (same products, same mapping, from any model or import) is not
//! queued again, and running discovery twice queues nothing new.

use std::collections::HashSet;

use super::Candidate;
use crate::content_hash::content_hash;
use crate::domain::{FieldPair, ItemBody, Relation, RelationshipBody};
use crate::error::{Error, Result};
use crate::products::DataProduct;
use crate::roles::relate::registered_side;
use crate::store::{Inserted, NewItem, Store, insert_item, now_text, parse_json};

/// The `model` of items discovery queues.
pub const DISCOVERY_MODEL: &str = "discovery";

/// The domain the app queues discovered candidates in (the CLI's `--domain` default too).
pub const DISCOVERY_DOMAIN: &str = "data";

/// The relation type of discovered candidates.
const RELATION_TYPE: &str = "foreign_key";

/// What [`Store::queue_candidates`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct QueuedCandidates {
    /// Items queued now.
    pub new: usize,
    /// Candidates an item already proposed.
    pub already_queued: usize,
}

/// Products and mapping: what makes two relationship items propose the same thing.
type Proposal = (String, String, Vec<(String, String)>);

fn proposal(source: &str, target: &str, mapping: &[FieldPair]) -> Proposal {
    (
        source.to_owned(),
        target.to_owned(),
        mapping
            .iter()
            .map(|p| (p.source_field.clone(), p.target_field.clone()))
            .collect(),
    )
}

impl Store {
    /// Every registered product, for discovery; at least two must be registered.
    pub fn products_for_discovery(&self) -> Result<Vec<DataProduct>> {
        let products = self.products()?;
        if products.len() < 2 {
            return Err(Error::BadRequest(format!(
                "discovery needs at least two registered data products, and {} {} registered; \
                 add a database or CSV files as data products first",
                products.len(),
                if products.len() == 1 { "is" } else { "are" }
            )));
        }
        Ok(products)
    }

    /// Queues each candidate as a pending relationship item of `domain`, all in one
    /// transaction. Both products must be registered.
    pub fn queue_candidates(
        &mut self,
        domain: &str,
        candidates: &[Candidate],
    ) -> Result<QueuedCandidates> {
        let mut known = self.proposed_relations()?;
        let mut items = Vec::new();
        let mut already_queued = 0;
        for candidate in candidates {
            let key = proposal(
                &candidate.source_product,
                &candidate.target_product,
                &candidate.mapping,
            );
            if !known.insert(key) {
                already_queued += 1;
                continue;
            }
            items.push(self.discovered_item(domain, candidate)?);
        }
        let now = now_text();
        let new = self.write(|tx| {
            let mut new = 0;
            for item in &items {
                if insert_item(tx, item, None, &now)? == Inserted::New {
                    new += 1;
                }
            }
            Ok(new)
        })?;
        Ok(QueuedCandidates {
            new,
            already_queued: already_queued + items.len() - new,
        })
    }

    /// What every relationship item proposes (its proposal, not later edits).
    fn proposed_relations(&self) -> Result<HashSet<Proposal>> {
        let mut stmt = self.conn().prepare(
            "SELECT json_extract(payload, '$.source.product'),
                    json_extract(payload, '$.target.product'),
                    json_extract(payload, '$.relation.mapping')
             FROM items WHERE kind = 'relationship'",
        )?;
        let rows = stmt.query_map([], |r| {
            let mapping: Vec<FieldPair> = parse_json(&r.get::<_, String>(2)?)?;
            Ok(proposal(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
                &mapping,
            ))
        })?;
        let proposals = rows.collect::<rusqlite::Result<HashSet<_>>>()?;
        Ok(proposals)
    }

    fn discovered_item(&self, domain: &str, candidate: &Candidate) -> Result<NewItem> {
        let side = |name: &str| -> Result<_> {
            let product = self
                .product(name)?
                .ok_or_else(|| Error::NotFound(format!("no registered product '{name}'")))?;
            Ok(registered_side(product))
        };
        let reasons: Vec<String> = candidate.signals.iter().map(|s| s.describe()).collect();
        let body = ItemBody::Relationship(RelationshipBody {
            source: side(&candidate.source_product)?,
            target: side(&candidate.target_product)?,
            relation: Relation {
                relation_type: RELATION_TYPE.to_owned(),
                cardinality: candidate.cardinality,
                mapping: candidate.mapping.clone(),
            },
            rationale: format!(
                "Proposed by discovery, without a model: {}.",
                reasons.join("; ")
            ),
            confidence: Some(candidate.score),
        });
        let hash = content_hash(domain, DISCOVERY_MODEL, &body);
        Ok(NewItem {
            external_id: format!(
                "discovered-{}-{}-{}",
                candidate.source_product,
                candidate.target_product,
                &hash[..8]
            ),
            domain: domain.to_owned(),
            model: DISCOVERY_MODEL.to_owned(),
            body,
            vetting: None,
            metadata: serde_json::json!({"generated_by": {"discovery": {
                "score": candidate.score,
                "signals": candidate.signals,
            }}}),
            content_hash: hash,
        })
    }
}
