//! How discovery compares with the foreign keys a schema declares: recall of the declared keys
//! and false candidates per declared key. Field pairs are compared without regard to case, and a
//! composite key counts as its pairs.

use std::collections::HashSet;

use serde::Serialize;

use super::Candidate;
use crate::products::DataProduct;

/// One source field referring to one target field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct KeyPair {
    pub source_product: String,
    pub source_field: String,
    pub target_product: String,
    pub target_field: String,
}

impl KeyPair {
    fn folded(&self) -> KeyPair {
        KeyPair {
            source_product: self.source_product.to_lowercase(),
            source_field: self.source_field.to_lowercase(),
            target_product: self.target_product.to_lowercase(),
            target_field: self.target_field.to_lowercase(),
        }
    }
}

/// Every pair of every foreign key the products declare.
pub fn declared_key_pairs(products: &[DataProduct]) -> Vec<KeyPair> {
    products
        .iter()
        .flat_map(|p| {
            p.schema.foreign_keys.iter().flat_map(move |key| {
                key.fields
                    .iter()
                    .zip(&key.target_fields)
                    .map(move |(s, t)| KeyPair {
                        source_product: p.name.clone(),
                        source_field: s.clone(),
                        target_product: key.target_product.clone(),
                        target_field: t.clone(),
                    })
            })
        })
        .collect()
}

/// Candidates measured against the true keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recall {
    /// Distinct true pairs.
    pub true_keys: usize,
    /// True pairs some candidate proposes.
    pub found: usize,
    /// Distinct proposed pairs that are not true.
    pub false_candidates: usize,
}

impl Recall {
    /// `found / true_keys`; 1 when there is nothing to find.
    pub fn recall(&self) -> f64 {
        if self.true_keys == 0 {
            1.0
        } else {
            self.found as f64 / self.true_keys as f64
        }
    }

    /// `false_candidates / true_keys`; 0 when there is nothing to find.
    pub fn false_per_key(&self) -> f64 {
        if self.true_keys == 0 {
            0.0
        } else {
            self.false_candidates as f64 / self.true_keys as f64
        }
    }

    /// The sum of two measurements (e.g. of several databases).
    pub fn plus(self, other: Recall) -> Recall {
        Recall {
            true_keys: self.true_keys + other.true_keys,
            found: self.found + other.found,
            false_candidates: self.false_candidates + other.false_candidates,
        }
    }
}

/// Measures `candidates` against `truth`.
pub fn measure(candidates: &[Candidate], truth: &[KeyPair]) -> Recall {
    let truth: HashSet<KeyPair> = truth.iter().map(KeyPair::folded).collect();
    let proposed: HashSet<KeyPair> = candidates
        .iter()
        .flat_map(|c| {
            c.mapping.iter().map(|pair| {
                KeyPair {
                    source_product: c.source_product.clone(),
                    source_field: pair.source_field.clone(),
                    target_product: c.target_product.clone(),
                    target_field: pair.target_field.clone(),
                }
                .folded()
            })
        })
        .collect();
    Recall {
        true_keys: truth.len(),
        found: proposed.intersection(&truth).count(),
        false_candidates: proposed.difference(&truth).count(),
    }
}
