//! The SQL of every stats figure ([`super::stats`] runs it), kept together so one test can pin
//! the plan of each: at a million items the dashboard is only fast while every query is a
//! covering-index scan (migrations 0008 and 0009) that reads neither the items' ~2 KB rows
//! (`review` and `effective_decision` sit after the payload, in overflow pages) nor the whole
//! decision log. The expressions and the `action <> 'revert'` conditions are spelled as in the
//! indexes, or SQLite will not use them.

/// Items of imports still running: invisible, so their counts are subtracted.
pub(super) const UNFINISHED: &str = "import_id IN (SELECT id FROM imports WHERE state = 'running')";

/// The `seq` of every cancelled decision: one a revert targets that is not itself reverted
/// (undone and not redone) — exactly the decisions
/// [`NOT_REVERTED`](super::decision_rows::NOT_REVERTED) rejects. About 1 % of the log, built once
/// per query, instead of probing the log for reverts row by row.
const CANCELLED: &str = "SELECT c.seq FROM decisions c WHERE c.id IN (
     SELECT r.reverts FROM decisions r WHERE r.reverts IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))";

/// Decisions `d` in force: not reverts, and not cancelled by one.
fn in_force() -> String {
    format!("d.action <> 'revert' AND d.seq NOT IN ({CANCELLED})")
}

/// (day, reviewer, action, count) of the decisions in force, from `decisions_by_day`.
pub(super) fn decisions_by_day() -> String {
    format!(
        "SELECT substr(d.decided_at, 1, 10), d.reviewer, d.action, count(*)
         FROM decisions d WHERE {} GROUP BY 1, 2, 3",
        in_force()
    )
}

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

/// The earliest `decided_at` among each decided item's decisions in force (one row per item; the
/// burn-down counts them per day), from `decisions_by_item_reviewer`.
pub(super) fn items_first_decided() -> String {
    format!(
        "SELECT min(d.decided_at) FROM decisions d WHERE {} GROUP BY d.item_id",
        in_force()
    )
}

/// (item, domain, reviewer, action, decided_at): each reviewer's latest decision in force on
/// the items rated by two or more reviewers, in item then reviewer order. With `max(d.seq)`,
/// SQLite takes the bare columns from the row holding the maximum, so the groups are read from
/// `decisions_by_item_reviewer` alone; the domain comes from `items_by_id_domain` (SQLite would
/// read each item's row, a page per item, through the primary key).
pub(super) fn ratings() -> String {
    format!(
        "SELECT g.item_id, i.domain, g.reviewer, g.action, g.decided_at
         FROM (SELECT d.item_id, d.reviewer, d.action, d.decided_at, max(d.seq)
               FROM decisions d
               WHERE {} AND d.item_id IN (
                   SELECT d.item_id FROM decisions d WHERE d.action <> 'revert'
                   GROUP BY d.item_id HAVING min(d.reviewer) <> max(d.reviewer))
               GROUP BY d.item_id, d.reviewer) g
         JOIN items i INDEXED BY items_by_id_domain ON i.id = g.item_id
         ORDER BY g.item_id, g.reviewer",
        in_force()
    )
}

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

    /// Every stats query with the table reads its plan may make besides covering-index scans:
    /// the running imports' items and the reverts behind [`CANCELLED`] (both a few rows).
    fn queries() -> Vec<(String, &'static [&'static str])> {
        let unfinished = format!("WHERE {UNFINISHED}");
        let cancelled: &[&str] = &["SEARCH r USING INDEX decisions_by_reverts"];
        let mut all = vec![
            (decisions_by_day(), cancelled),
            (reject_reasons(), &[][..]),
            (edit_distances(), &[]),
            (items_first_decided(), cancelled),
            (VETTED_DECISIONS.to_owned(), &[][..]),
            (items_added(""), &[]),
        ];
        all.push((items_added(&unfinished), &["USING INDEX items_by_import"]));
        for column in ["model", "domain"] {
            all.push((outcomes(column, ""), &[]));
            all.push((
                outcomes(column, &unfinished),
                &["USING INDEX items_by_import"],
            ));
        }
        all.push((ratings(), cancelled));
        all
    }

    /// Indexes on expressions: SQLite reads them without the table but does not say
    /// `COVERING` for them.
    const EXPRESSION_INDEXES: &[&str] = &[
        "USING INDEX items_by_created_day",
        "USING INDEX items_by_vetting",
        "USING INDEX decisions_by_day",
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
                let large = matches!(
                    words.next(),
                    Some("items" | "decisions" | "i" | "d" | "c" | "r" | "rr")
                );
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
