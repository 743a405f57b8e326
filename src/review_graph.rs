//! The review graph: every relationship item — pending, decided or rejected — as an edge between
//! data products, with its status, the relation it stands for now, its domain and its conflicts
//! with accepted relationships. What the app's graph view draws; unlike the export graph
//! ([`crate::relation_export`]) it computes no evidence figures, so it stays cheap at thousands
//! of items (one query for the items, one for the products, conflicts through an index).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use ts_rs::TS;

use crate::domain::{ItemStatus, Relation};
use crate::error::Result;
use crate::products::ProductSummary;
use crate::relation_evidence::{Accepted, Conflict, find_conflicts};
use crate::store::{RelationshipItem, Store};

/// Data products as nodes, relationship items as edges.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewGraph {
    /// Sorted by id; every edge's ends are among them.
    pub nodes: Vec<ReviewNode>,
    /// In import order.
    pub edges: Vec<ReviewEdge>,
}

/// A data product.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewNode {
    /// The product name; edges refer to it.
    pub id: String,
    /// A registered product (else only named by items).
    pub registered: bool,
    #[ts(type = "number | null")]
    pub row_count: Option<i64>,
}

/// A relationship item, from its source product to its target product.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewEdge {
    /// The relationship item's external id.
    pub item: String,
    /// Source and target product (node ids).
    pub source: String,
    pub target: String,
    pub domain: String,
    pub status: ItemStatus,
    /// The relation the item stands for now: its latest edit, else the proposal.
    pub relation: Relation,
    /// `relation` is a `not_related` verdict: the reviewer judged the products unrelated.
    pub not_related: bool,
    /// Disagreements with other accepted items (see `relation_evidence::find_conflicts`);
    /// empty for rejected items, whose relation no longer counts.
    pub conflicts: Vec<Conflict>,
}

impl Store {
    /// Every registered product and every relationship item, for review.
    pub fn review_graph(&self) -> Result<ReviewGraph> {
        Ok(ReviewGraph::of(
            &self.relationship_items()?,
            self.list_products()?,
        ))
    }
}

impl ReviewGraph {
    /// The graph of relationship `items` (in import order) between the registered `products`
    /// and the products the items name, whatever database holds them.
    pub fn of(items: &[RelationshipItem], products: Vec<ProductSummary>) -> ReviewGraph {
        let mut nodes: BTreeMap<String, ReviewNode> = products
            .into_iter()
            .map(|p| {
                let node = ReviewNode {
                    id: p.name.clone(),
                    registered: true,
                    row_count: Some(p.row_count),
                };
                (p.name, node)
            })
            .collect();
        for item in items {
            for product in [&item.body.source.product, &item.body.target.product] {
                nodes.entry(product.clone()).or_insert_with(|| ReviewNode {
                    id: product.clone(),
                    registered: false,
                    row_count: None,
                });
            }
        }
        let accepted = AcceptedIndex::new(items);
        let edges = items
            .iter()
            .map(|item| ReviewEdge {
                item: item.item.clone(),
                source: item.body.source.product.clone(),
                target: item.body.target.product.clone(),
                domain: item.domain.clone(),
                status: item.status,
                relation: item.relation.clone(),
                not_related: item.relation.is_not_related(),
                conflicts: if item.status == ItemStatus::Rejected {
                    Vec::new()
                } else {
                    accepted.conflicts_of(item)
                },
            })
            .collect();
        ReviewGraph {
            nodes: nodes.into_values().collect(),
            edges,
        }
    }
}

/// The accepted items by product they name, so that an item is only compared with the accepted
/// items that can conflict with it (those naming its source product), not with all of them.
struct AcceptedIndex<'a> {
    accepted: Vec<Accepted<'a>>,
    /// Product name → indexes into `accepted`, ascending, each once.
    by_product: HashMap<&'a str, Vec<usize>>,
}

impl<'a> AcceptedIndex<'a> {
    fn new(items: &'a [RelationshipItem]) -> Self {
        let accepted: Vec<Accepted<'a>> = items.iter().filter_map(|i| i.accepted()).collect();
        let mut by_product: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (index, a) in accepted.iter().enumerate() {
            let (source, target) = (
                a.body.source.product.as_str(),
                a.body.target.product.as_str(),
            );
            by_product.entry(source).or_default().push(index);
            if target != source {
                by_product.entry(target).or_default().push(index);
            }
        }
        AcceptedIndex {
            accepted,
            by_product,
        }
    }

    fn conflicts_of(&self, item: &RelationshipItem) -> Vec<Conflict> {
        let Some(indexes) = self.by_product.get(item.body.source.product.as_str()) else {
            return Vec::new();
        };
        let candidates = indexes.iter().map(|&i| self.accepted[i]);
        find_conflicts(&item.item, &item.body, &item.relation, candidates)
    }
}
