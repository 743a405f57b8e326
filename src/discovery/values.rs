//! Distinct values of single fields, read from the products' full sources, and how a field's
//! values overlap a key's. Only full-source reads count: containment measured on two samples
//! says little, so a product whose source cannot be read whole gives no value evidence.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::products::DataProduct;
use crate::relation_evidence::{BasisKind, registered_key_counts};

/// The non-null values of one field, read from its full source.
#[derive(Debug)]
pub(crate) struct FieldValues {
    pub distinct: HashSet<String>,
    /// Rows whose value is null.
    pub null_rows: u64,
    /// Every non-null value occurs in exactly one row.
    pub unique: bool,
    /// What was read, e.g. `source: full table, 412 rows`.
    pub basis: String,
}

impl FieldValues {
    /// Reads `field` of `product` from its full source; `None` when the source cannot be read
    /// whole (gone, unreadable, or too many distinct values).
    pub fn read(product: &DataProduct, field: &str) -> Option<FieldValues> {
        let counts = registered_key_counts(product, &[field]);
        (counts.basis.kind == BasisKind::SourceTable).then(|| FieldValues {
            unique: counts.counts.values().all(|&rows| rows == 1),
            distinct: counts.counts.into_keys().collect(),
            null_rows: counts.null_rows,
            basis: counts.basis.label,
        })
    }
}

/// How a field's distinct values meet a key's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Overlap {
    /// Share of the field's distinct values found among the key's.
    pub containment: f64,
    /// Share of the key's distinct values the field uses.
    pub coverage: f64,
}

/// `None` when either side has no value.
pub(crate) fn overlap(field: &FieldValues, key: &FieldValues) -> Option<Overlap> {
    if field.distinct.is_empty() || key.distinct.is_empty() {
        return None;
    }
    let matched = field
        .distinct
        .iter()
        .filter(|v| key.distinct.contains(*v))
        .count() as f64;
    Some(Overlap {
        containment: matched / field.distinct.len() as f64,
        coverage: matched / key.distinct.len() as f64,
    })
}

/// Key values read once per (product, key field) and kept for the whole run; a field being
/// examined is read on demand and dropped after, so memory holds the keys plus one field.
pub(crate) struct KeyValueCache {
    enabled: bool,
    keys: HashMap<(usize, String), Option<Rc<FieldValues>>>,
}

impl KeyValueCache {
    /// With `enabled` false nothing is ever read (schema-only discovery).
    pub fn new(enabled: bool) -> KeyValueCache {
        KeyValueCache {
            enabled,
            keys: HashMap::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The values of key `field` of `products[index]`.
    pub fn key(
        &mut self,
        products: &[DataProduct],
        index: usize,
        field: &str,
    ) -> Option<Rc<FieldValues>> {
        if !self.enabled {
            return None;
        }
        self.keys
            .entry((index, field.to_owned()))
            .or_insert_with(|| FieldValues::read(&products[index], field).map(Rc::new))
            .clone()
    }
}
