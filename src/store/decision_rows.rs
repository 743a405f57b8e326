//! Reading the `decisions` log: its columns and row reader, an item's events for display and
//! for the resolver, the effective decision, and the Lamport clock. The bottom of the store's
//! modules: everything that decides, undoes, merges or projects reads the log through here.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{parse_json, parse_time};
use crate::domain::{Decision, Pick};
use crate::error::Result;
use crate::team::LogEntry;

/// SQL expression: the pick recorded with decision `d` (`comparison_picks`) as JSON — `{"best":
/// n}` or `"tie"`, as [`crate::domain::Pick`] deserializes — or NULL without one. A macro so that
/// `concat!` can put it in the column lists of constant queries.
macro_rules! pick_json_sql {
    () => {
        r#"(SELECT CASE WHEN p.best IS NULL THEN '"tie"' ELSE json_object('best', p.best) END
            FROM comparison_picks p WHERE p.decision_id = d.id)"#
    };
}
pub(crate) use pick_json_sql;

/// Read by [`read_decision`]; a query's own columns come after them, from [`DECISION_COLUMN_COUNT`].
pub(super) const DECISION_COLUMNS: &str = concat!(
    "d.id, i.external_id, d.item_version, d.reviewer, d.action, d.edited_payload, d.reason,
     d.note, d.decided_at, d.reverts, d.edit_distance, ",
    pick_json_sql!()
);

/// SQL expression: the `seq` of the effective decision of the item whose id is `item_id_sql`,
/// for bulk queries such as the export: the item's `effective_decision` projection, which
/// [`crate::team::resolve`] computes from the log (see [`effective_decision`]). NULL while the
/// item is pending, awaiting reviews or in conflict.
pub fn effective_decision_seq_sql(item_id_sql: &str) -> String {
    format!(
        "(SELECT ed.seq FROM decisions ed
          WHERE ed.id = (SELECT ei.effective_decision FROM items ei WHERE ei.id = {item_id_sql}))"
    )
}

/// The effective decision of an item: the decision that counts, as [`crate::team::resolve`]
/// computes it from the log (with one required review, the latest decision no revert cancels
/// and no other reviewer's unseen decision contradicts; with several, the latest of `k` agreeing
/// reviews; an adjudication always). `None` means the item is pending, awaiting reviews or in
/// conflict. The item's `status`, `decided_by`, `review` and `effective_decision` columns are a
/// projection of this; exports must use it so that undone and disputed decisions never count.
pub fn effective_decision(conn: &Connection, item_id: i64) -> Result<Option<Decision>> {
    let id: Option<String> = conn
        .prepare_cached("SELECT effective_decision FROM items WHERE id = ?1")?
        .query_row([item_id], |r| r.get(0))
        .optional()?
        .flatten();
    match id {
        Some(id) => decision_by_id(conn, &id),
        None => Ok(None),
    }
}

pub(super) fn decision_by_id(conn: &Connection, id: &str) -> Result<Option<Decision>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE d.id = ?1"
        ))?
        .query_row([id], read_decision)
        .optional()?)
}

pub(super) fn read_decision(r: &Row<'_>) -> rusqlite::Result<Decision> {
    Ok(Decision {
        id: r.get(0)?,
        item: r.get(1)?,
        item_version: r.get(2)?,
        reviewer: r.get(3)?,
        action: r.get(4)?,
        edited: r
            .get::<_, Option<String>>(5)?
            .map(|p| parse_json(&p))
            .transpose()?,
        reason: r.get(6)?,
        note: r.get(7)?,
        decided_at: parse_time(&r.get::<_, String>(8)?)?,
        reverts: r.get(9)?,
        edit_distance: r.get(10)?,
        pick: read_pick(r, 11)?,
    })
}

/// How many columns [`DECISION_COLUMNS`] has.
const DECISION_COLUMN_COUNT: usize = 12;

/// The pick in column `column`, written by [`pick_json_sql`].
pub(crate) fn read_pick(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<Pick>> {
    r.get_ref(column)?
        .as_str_or_null()?
        .map(parse_json)
        .transpose()
}

/// Every event on an item in log order: [`Store::history`].
pub(super) fn item_history(conn: &Connection, external_id: &str) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
         WHERE i.external_id = ?1 ORDER BY d.clock, d.id"
    ))?;
    let rows = stmt.query_map([external_id], read_decision)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The Lamport clock of the next event recorded here: one more than any clock in the database.
pub(super) fn next_clock(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(clock), 0) + 1 FROM decisions")?
        .query_row([], |r| r.get(0))?)
}

/// Every event on the item, as the resolver reads it.
pub(super) fn item_log(conn: &Connection, item_id: i64) -> Result<Vec<LogEntry>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT id, reviewer, action, edited_payload, reverts, clock, supersedes,
                    adjudication, ",
        pick_json_sql!(),
        " FROM decisions d WHERE item_id = ?1 ORDER BY clock, id"
    ))?;
    let rows = stmt.query_map([item_id], |r| {
        Ok(LogEntry {
            id: r.get(0)?,
            reviewer: r.get(1)?,
            action: r.get(2)?,
            edited: r
                .get::<_, Option<String>>(3)?
                .map(|p| parse_json(&p))
                .transpose()?,
            reverts: r.get(4)?,
            clock: r.get(5)?,
            supersedes: r
                .get::<_, Option<String>>(6)?
                .map(|s| parse_json(&s))
                .transpose()?
                .unwrap_or_default(),
            adjudication: r.get(7)?,
            pick: read_pick(r, 8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// See [`crate::decision_rules::BATCH_IN_FORCE`].
pub(super) fn batch_in_force(
    conn: &Connection,
    decision_id: &str,
    reviewer: &str,
) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(crate::decision_rules::BATCH_IN_FORCE)?;
    let rows = stmt.query_map([decision_id, reviewer], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The batch `decision_id` was recorded in, if any.
pub(super) fn batch_of(conn: &Connection, decision_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT batch_id FROM decision_batches WHERE decision_id = ?1")?
        .query_row([decision_id], |r| r.get(0))
        .optional()?)
}

/// Records `decision_id` as part of batch `batch_id`, which applied `rule`.
pub(super) fn add_to_batch(
    conn: &Connection,
    decision_id: &str,
    batch_id: &str,
    rule: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO decision_batches (decision_id, batch_id, rule) VALUES (?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![decision_id, batch_id, rule])?;
    Ok(())
}

/// The rule batch `batch_id` applied, and its events in log order; `None` for an unknown batch.
pub(super) fn batch_events(
    conn: &Connection,
    batch_id: &str,
) -> Result<Option<(String, Vec<Decision>)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DECISION_COLUMNS}, b.rule FROM decision_batches b
         JOIN decisions d ON d.id = b.decision_id JOIN items i ON i.id = d.item_id
         WHERE b.batch_id = ?1 ORDER BY d.clock, d.id"
    ))?;
    let mut rule = None;
    let events = stmt
        .query_map([batch_id], |r| {
            rule = Some(r.get::<_, String>(DECISION_COLUMN_COUNT)?);
            read_decision(r)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rule.map(|rule| (rule, events)))
}
