//! The figures that compare the key values of both sides: containment, orphans, uniqueness and
//! the cardinality the data shows. Only non-null keys count (see [`KeyCounts`]).

use super::key_counts::{KeyCounts, display_key};
use crate::domain::Cardinality;

/// Orphan keys listed as examples, at most.
const ORPHAN_EXAMPLES: usize = 5;

pub(super) struct ValueFigures {
    pub source_distinct: i64,
    pub matched_distinct: i64,
    pub containment: Option<f64>,
    pub source_rows_with_key: i64,
    pub orphan_rows: i64,
    pub orphan_rate: Option<f64>,
    pub orphan_examples: Vec<String>,
    pub target_unique: bool,
    pub observed_cardinality: Option<Cardinality>,
}

pub(super) fn compare(source: &KeyCounts, target: &KeyCounts) -> ValueFigures {
    let mut matched_distinct = 0i64;
    let mut orphan_rows = 0i64;
    let mut source_rows_with_key = 0i64;
    let mut orphans: Vec<&String> = Vec::new();
    let (mut source_many, mut target_many) = (false, false);
    for (key, &rows) in &source.counts {
        source_rows_with_key += rows as i64;
        match target.counts.get(key) {
            Some(&target_rows) => {
                matched_distinct += 1;
                source_many |= rows > 1;
                target_many |= target_rows > 1;
            }
            None => {
                orphan_rows += rows as i64;
                orphans.push(key);
            }
        }
    }
    orphans.sort();
    let source_distinct = source.counts.len() as i64;
    let ratio = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
    ValueFigures {
        source_distinct,
        matched_distinct,
        containment: ratio(matched_distinct, source_distinct),
        source_rows_with_key,
        orphan_rows,
        orphan_rate: ratio(orphan_rows, source_rows_with_key),
        orphan_examples: orphans
            .into_iter()
            .take(ORPHAN_EXAMPLES)
            .map(|k| display_key(k))
            .collect(),
        target_unique: !target.counts.is_empty() && target.counts.values().all(|&n| n == 1),
        observed_cardinality: (matched_distinct > 0).then_some(match (source_many, target_many) {
            (false, false) => Cardinality::OneToOne,
            (true, false) => Cardinality::ManyToOne,
            (false, true) => Cardinality::OneToMany,
            (true, true) => Cardinality::ManyToMany,
        }),
    }
}
