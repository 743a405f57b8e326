//! The fields another product's fields may refer to: each product's single-field keys.

use super::names::{Words, owns};
use crate::products::DataProduct;

/// The single-field keys of `product`: its declared primary key (if it has one field) and its
/// single-field unique keys. A product that declares no key at all (a CSV file, a warehouse
/// table without constraints) offers the fields its own name marks as its key: a generic name
/// (`id`, `code`) or the product's name with a generic word (`customers.customer_id`).
///
/// Composite keys are not offered: discovery proposes single-field relations only.
pub(crate) fn single_field_keys(product: &DataProduct) -> Vec<String> {
    let schema = &product.schema;
    let mut keys: Vec<String> = Vec::new();
    if let [only] = schema.primary_key.as_slice() {
        keys.push(only.clone());
    }
    for unique in &schema.unique_keys {
        if let [only] = unique.as_slice()
            && !keys.contains(only)
        {
            keys.push(only.clone());
        }
    }
    if keys.is_empty() && schema.primary_key.is_empty() {
        let name = Words::of(&product.name);
        keys = schema
            .fields
            .iter()
            .filter(|f| {
                let words = Words::of(&f.name);
                words.ends_generic() && owns(&name, &words)
            })
            .map(|f| f.name.clone())
            .collect();
    }
    keys
}
