//! Plain-language cautions derived from the figures: where a good-looking number may mislead, or
//! where the data disagrees with the proposal. They add no new measurement; each restates figures
//! of [`RelationshipEvidence`] so a reviewer does not have to combine them in their head.

use super::{BasisKind, RelationshipEvidence, TypeMatch};

pub(super) fn cautions(e: &RelationshipEvidence) -> Vec<String> {
    let mut out = Vec::new();
    if e.containment.is_none() {
        out.push("no non-null source value to compare".to_owned());
    }
    if e.sequential_source_ids && e.containment == Some(1.0) {
        out.push(format!(
            "the source values are exactly the integers 1..{n}: any id column with {n} or more \
             rows contains them, so containment alone proves little here",
            n = e.source_distinct
        ));
    }
    if e.source_unique && e.source_declared_key == Some(true) && e.target_unique {
        out.push(
            "both sides are keys of their own products (key to key): a 1:1 extension table, \
             or two unrelated ids"
                .to_owned(),
        );
    }
    if let Some(observed) = e.observed_cardinality
        && observed != e.claimed_cardinality
    {
        out.push(format!(
            "the data shows {}, the proposal claims {}",
            observed.as_str(),
            e.claimed_cardinality.as_str()
        ));
    }
    if !e.target_unique && e.target_distinct > 0 {
        out.push("the target fields are not unique, so they are not a key to refer to".to_owned());
    }
    for p in e
        .pairs
        .iter()
        .filter(|p| p.type_match == TypeMatch::Incompatible)
    {
        out.push(format!(
            "{} ({}) and {} ({}) have incompatible types",
            p.source_field,
            p.source_type.as_deref().unwrap_or("?"),
            p.target_field,
            p.target_type.as_deref().unwrap_or("?")
        ));
    }
    if e.target_basis.kind != BasisKind::SourceTable {
        out.push(format!(
            "the target is only a sample ({}): containment is understated",
            e.target_basis.label
        ));
    }
    out
}
