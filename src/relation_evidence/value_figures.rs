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
    pub source_unique: bool,
    pub target_distinct: i64,
    pub target_coverage: Option<f64>,
    pub sequential_source_ids: bool,
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
    // Integers in numeric order (`9` before `10`), then text.
    orphans.sort_by(|a, b| match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    });
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
        target_unique: is_unique(target),
        source_unique: is_unique(source),
        target_distinct: target.counts.len() as i64,
        target_coverage: ratio(matched_distinct, target.counts.len() as i64),
        sequential_source_ids: is_one_to_n(source),
        observed_cardinality: (matched_distinct > 0).then_some(match (source_many, target_many) {
            (false, false) => Cardinality::OneToOne,
            (true, false) => Cardinality::ManyToOne,
            (false, true) => Cardinality::OneToMany,
            (true, true) => Cardinality::ManyToMany,
        }),
    }
}

/// Every key occurs in exactly one row (and there is at least one).
fn is_unique(side: &KeyCounts) -> bool {
    !side.counts.is_empty() && side.counts.values().all(|&n| n == 1)
}

/// The distinct keys are exactly the integers `1..=n`: the shape of an auto-increment id, which
/// any other id column with at least `n` rows also contains.
fn is_one_to_n(side: &KeyCounts) -> bool {
    let n = side.counts.len() as i64;
    n > 0
        && side
            .counts
            .keys()
            .all(|k| k.parse::<i64>().is_ok_and(|i| (1..=n).contains(&i)))
}
