//! The relationship graph: nodes are data products (every registered product, plus products
//! only named by accepted items), edges are accepted relationships with their provenance (who
//! decided, when, which decision) and the evidence figures at export time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::{Field, ItemStatus, ProductSide, Relation};
use crate::error::Result;
use crate::relation_evidence::{KeyCountCache, RelationshipEvidence, compute_evidence};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RelationshipGraph {
    pub generated_at: DateTime<Utc>,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GraphNode {
    /// The product name; edges refer to it.
    pub id: String,
    pub registered: bool,
    /// `path` or `path#table` of a registered product.
    pub source: Option<String>,
    #[ts(type = "number | null")]
    pub row_count: Option<i64>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GraphEdge {
    /// The relationship item's external id.
    pub item: String,
    pub source: String,
    pub target: String,
    pub relation: Relation,
    pub status: ItemStatus,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
    pub decision_id: String,
    /// `None` when it could not be computed (see `evidence_error`).
    pub evidence: Option<RelationshipEvidence>,
    pub evidence_error: Option<String>,
}

impl Store {
    /// The graph of accepted relationships (`not_related` verdicts are not edges).
    pub fn relationship_graph(&self) -> Result<RelationshipGraph> {
        let accepted = self.approved_relationships()?;
        let mut nodes: BTreeMap<String, GraphNode> = BTreeMap::new();
        for product in self.list_products()? {
            let registered = self.product(&product.name)?.expect("listed just now");
            nodes.insert(
                product.name.clone(),
                GraphNode {
                    id: product.name,
                    registered: true,
                    source: Some(registered.source_label()),
                    row_count: Some(registered.row_count),
                    fields: registered
                        .schema
                        .fields
                        .iter()
                        .map(|f| Field {
                            name: f.name.clone(),
                            field_type: f.declared_type.clone(),
                        })
                        .collect(),
                },
            );
        }
        let mut edges = Vec::new();
        let cache = &mut KeyCountCache::default();
        for a in accepted.iter().filter(|a| !a.relation.is_not_related()) {
            for side in [&a.body.source, &a.body.target] {
                nodes
                    .entry(side.product.clone())
                    .or_insert_with(|| unregistered_node(side));
            }
            let (evidence, evidence_error) =
                match compute_evidence(self, cache, &a.item, &a.body, &a.relation, &accepted) {
                    Ok(e) => (Some(e), None),
                    Err(e) => (None, Some(e.to_string())),
                };
            edges.push(GraphEdge {
                item: a.item.clone(),
                source: a.body.source.product.clone(),
                target: a.body.target.product.clone(),
                relation: a.relation.clone(),
                status: if a.decision.edited.is_some() {
                    ItemStatus::Edited
                } else {
                    ItemStatus::Approved
                },
                decided_by: a.decision.reviewer.clone(),
                decided_at: a.decision.decided_at,
                decision_id: a.decision.id.clone(),
                evidence,
                evidence_error,
            });
        }
        Ok(RelationshipGraph {
            generated_at: Utc::now(),
            nodes: nodes.into_values().collect(),
            edges,
        })
    }
}

fn unregistered_node(side: &ProductSide) -> GraphNode {
    GraphNode {
        id: side.product.clone(),
        registered: false,
        source: None,
        row_count: None,
        fields: side.fields.clone(),
    }
}
