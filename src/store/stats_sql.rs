//! The SQL of every stats figure ([`super::stats`] runs it), kept together so one test can pin
//! the plan of each: at a million items the dashboard is only fast while every query reads
//! either a covering index (migrations 0008 and 0009) — never the items' ~2 KB rows (`review`
//! and `effective_decision` sit after the payload, in overflow pages) — or one of the aggregates
//! migration 0010 maintains as decisions are recorded, never a pass over the whole decision log.

/// Items of imports still running: invisible, so their counts are subtracted.
pub(super) const UNFINISHED: &str = "import_id IN (SELECT id FROM imports WHERE state = 'running')";

/// (day, reviewer, action, count) of the decisions in force, maintained (0010). Rows an undo
/// brought to 0 are skipped.
pub(super) const DECISIONS_BY_DAY: &str =
    "SELECT day, reviewer, action, decisions FROM stats_decisions_per_day WHERE decisions > 0";

/// (`column`, status, items, conflicts) of the items `filter` keeps, grouped in the order of
/// `items_by_{column}_status` (`column` is `model` or `domain`) so the scan needs no sort.
pub(super) fn outcomes(column: &str, filter: &str) -> String {
    format!(
        "SELECT {column}, status, count(*), sum(review = 'conflict') FROM items {filter}
         GROUP BY 1, 2"
    )
}

/// The effective decision `d` of each item `i` in `status` (the item's `effective_decision`
/// projection, read from `items_by_status_decision`; the decision's columns from
/// `decisions_by_id_outcome`), when it is an `action` (as the projection guarantees).
fn effective_of(status: &str, action: &str) -> String {
    format!(
        "items i JOIN decisions d ON d.id = i.effective_decision
         WHERE i.status = '{status}' AND d.action = '{action}'"
    )
}

/// (reason, label, count) of the rejected items' effective decisions. Labels are looked up
/// after grouping, so the join runs once per reason, not per item.
pub(super) fn reject_reasons() -> String {
    format!(
        "SELECT g.reason, coalesce(t.label, g.reason), g.n
         FROM (SELECT d.reason AS reason, count(*) AS n FROM {} GROUP BY d.reason) g
         LEFT JOIN reject_reasons t ON t.id = g.reason",
        effective_of("rejected", "reject")
    )
}

/// (edit distance, count) of the edited items' effective decisions.
pub(super) fn edit_distances() -> String {
    format!(
        "SELECT d.edit_distance, count(*) FROM {} GROUP BY 1",
        effective_of("edited", "edit")
    )
}

/// (day, items added) of the items `filter` keeps, from `items_by_created_day`.
pub(super) fn items_added(filter: &str) -> String {
    format!("SELECT substr(created_at, 1, 10), count(*) FROM items {filter} GROUP BY 1")
}

/// (day, items whose earliest decision in force falls on it), maintained (0010).
pub(super) const ITEMS_DECIDED_BY_DAY: &str =
    "SELECT day, items FROM stats_decided_per_day WHERE items > 0";

/// (item, domain, reviewer, action, decided_at): each reviewer's rating (latest decision in
/// force) of the items rated by two or more reviewers, maintained (0010), in item then reviewer
/// order; the domain comes from `items_by_id_domain` (SQLite would read each item's row, a page
/// per item, through the primary key).
pub(super) const RATINGS: &str = "SELECT s.item_id, i.domain, s.reviewer, s.action, s.decided_at
     FROM stats_ratings s JOIN items i INDEXED BY items_by_id_domain ON i.id = s.item_id
     ORDER BY s.item_id, s.reviewer";

/// Decided items carrying a vetting verdict, counted per (domain, vetter, verdict, status),
/// from `items_by_vetting`.
pub(super) const VETTED_DECISIONS: &str =
    "SELECT domain, vetting ->> '$.model', vetting ->> '$.verdict', status, count(*)
     FROM items
     WHERE vetting IS NOT NULL AND status <> 'pending'
     GROUP BY 1, 2, 3, 4";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stats query with the table reads its plan may make besides covering-index scans
    /// and the maintained aggregates (read whole: they hold nothing else): the running imports'
    /// items (a few rows).
    fn queries() -> Vec<(String, &'static [&'static str])> {
        let unfinished = format!("WHERE {UNFINISHED}");
        let mut all: Vec<(String, &'static [&'static str])> = vec![
            (DECISIONS_BY_DAY.to_owned(), &[]),
            (reject_reasons(), &[]),
            (edit_distances(), &[]),
            (ITEMS_DECIDED_BY_DAY.to_owned(), &[]),
            (VETTED_DECISIONS.to_owned(), &[]),
            (items_added(""), &[]),
            (RATINGS.to_owned(), &[]),
        ];
        all.push((items_added(&unfinished), &["USING INDEX items_by_import"]));
        for column in ["model", "domain"] {
            all.push((outcomes(column, ""), &[]));
            all.push((
                outcomes(column, &unfinished),
                &["USING INDEX items_by_import"],
            ));
        }
        all
    }

    /// Indexes on expressions: SQLite reads them without the table but does not say
    /// `COVERING` for them.
    const EXPRESSION_INDEXES: &[&str] = &[
        "USING INDEX items_by_created_day",
        "USING INDEX items_by_vetting",
    ];

    #[test]
    fn every_stats_query_reads_covering_indexes_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("vetted.db")).unwrap();
        for (sql, allowed) in queries() {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let plan: Vec<String> = stmt
                .query_map([], |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for step in &plan {
                let mut words = step.split(' ');
                let reads = matches!(words.next(), Some("SCAN" | "SEARCH"));
                // `items` and `decisions`, under any of the aliases the queries give them.
                let large = matches!(words.next(), Some("items" | "decisions" | "i" | "d"));
                let table_scan = reads
                    && large
                    && !step.contains("COVERING INDEX")
                    && !EXPRESSION_INDEXES.iter().any(|i| step.contains(i))
                    && !allowed.iter().any(|a| step.contains(a));
                assert!(
                    !table_scan,
                    "a stats query must read covering indexes, not rows: `{step}` in\n{}\n{sql}",
                    plan.join("\n")
                );
            }
        }
    }
}
