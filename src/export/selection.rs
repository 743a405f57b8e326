//! Which rows an export reads, and reading them: reviewed items joined with their effective
//! decision, filtered in SQL and streamed in item order by one prepared statement.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, Row, ToSql};

use crate::domain::{Action, Decision, Evidence, ItemBody, ItemKind, Vetting};
use crate::store::{parse_json, parse_time, pick_json_sql, read_body, read_pick};

/// The `seq` of the decision that counts for item `item_id_sql`.
///
/// There is one definition of an item's effective decision: [`crate::team::resolve`] computes
/// it from the item's log (reverted decisions never count; with several required reviews only
/// `k` agreeing reviews settle an item; an adjudicator's decision is final; items in conflict
/// have none) and the store keeps it in the item's `effective_decision` column, written in the
/// transaction of every decision, undo, redo and merge. This expression, and [`EFFECTIVE_JOIN`]
/// which the export queries use, read that column — as do the app and
/// [`crate::store::effective_decision`].
pub fn effective_decision_seq(item_id_sql: &str) -> String {
    crate::store::effective_decision_seq_sql(item_id_sql)
}

/// Join condition of an item `i` with its effective decision `d` (see [`effective_decision_seq`]).
pub const EFFECTIVE_JOIN: &str = "d.id = i.effective_decision";

/// Which decisions to export. Empty lists mean "any"; several values are alternatives.
/// Training formats match them against each item's effective decision; the audit trail
/// against every decision.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Filters {
    pub kinds: Vec<ItemKind>,
    pub domains: Vec<String>,
    pub models: Vec<String>,
    pub reviewers: Vec<String>,
    pub actions: Vec<Action>,
    /// Decided at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Decided strictly before this time.
    pub until: Option<DateTime<Utc>>,
    /// Items carrying at least one of these tags.
    pub tags: Vec<String>,
}

/// The `WHERE` clause for [`Filters`]; parameters `?1`–`?8` come from [`Filters::params`].
pub const FILTER_SQL: &str = "(?1 IS NULL OR i.kind IN (SELECT value FROM json_each(?1)))
     AND (?2 IS NULL OR i.domain IN (SELECT value FROM json_each(?2)))
     AND (?3 IS NULL OR i.model IN (SELECT value FROM json_each(?3)))
     AND (?4 IS NULL OR d.reviewer IN (SELECT value FROM json_each(?4)))
     AND (?5 IS NULL OR d.action IN (SELECT value FROM json_each(?5)))
     AND (?6 IS NULL OR d.decided_at >= ?6)
     AND (?7 IS NULL OR d.decided_at < ?7)
     AND (?8 IS NULL OR EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id
                                AND t.tag IN (SELECT value FROM json_each(?8))))";

impl Filters {
    /// The eight SQL parameters of [`FILTER_SQL`]: lists as JSON arrays (NULL when empty), times
    /// in the stored format (RFC 3339, milliseconds, `Z`) so text comparison orders them.
    pub fn params(&self) -> [Option<String>; 8] {
        fn list<T: serde::Serialize>(values: &[T]) -> Option<String> {
            (!values.is_empty()).then(|| serde_json::to_string(values).expect("list serializes"))
        }
        let time =
            |t: &Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        [
            list(&self.kinds),
            list(&self.domains),
            list(&self.models),
            list(&self.reviewers),
            list(&self.actions),
            time(&self.since),
            time(&self.until),
            list(&self.tags),
        ]
    }
}

/// Evidence passages of item `i`, in order, as one JSON array (empty for relationships).
pub(super) const EVIDENCE_JSON: &str =
    "(SELECT json_group_array(json_object('id', passage_id, 'title', title,
        'text', text, 'source', source))
     FROM (SELECT passage_id, title, text, source FROM evidence e
           WHERE e.item_id = i.id ORDER BY position))";

/// Columns read by [`read_reviewed`]; the last is a comparison's pick. Queries add their own
/// columns from [`EVIDENCE_COLUMN`] on.
pub(super) const ROW_COLUMNS: &str = concat!(
    "i.id, i.external_id, i.kind, i.domain, i.model, i.payload, i.vetting,
     d.id, d.item_version, d.reviewer, d.action, d.edited_payload, d.reason, d.note, d.decided_at, ",
    pick_json_sql!()
);

/// The first column after [`ROW_COLUMNS`]: the evidence JSON in the training formats.
pub(super) const EVIDENCE_COLUMN: usize = 16;

/// Reviewed items matching [`FILTER_SQL`] with their effective decision, in item order — never
/// items marked "do not train", nor items deferred to an SME (no verdict to learn from). Columns:
/// [`ROW_COLUMNS`], then the evidence JSON.
pub fn reviewed_items_sql() -> String {
    format!(
        "SELECT {ROW_COLUMNS}, {EVIDENCE_JSON}
         FROM items i JOIN decisions d ON {EFFECTIVE_JOIN}
         WHERE {FILTER_SQL} AND d.action <> 'needs_sme'
           AND NOT EXISTS (SELECT 1 FROM do_not_train n WHERE n.item_id = i.id)
         ORDER BY i.id"
    )
}

/// Every decision matching [`FILTER_SQL`], in log order, with whether it is its item's
/// effective decision. Columns: [`ROW_COLUMNS`], `effective`, `seq`.
pub fn all_decisions_sql() -> String {
    format!(
        "SELECT {ROW_COLUMNS}, d.id IS i.effective_decision, d.seq,
                (SELECT f.version FROM form_answers a JOIN review_forms f ON f.id = a.form_id
                 WHERE a.decision_id = d.id LIMIT 1),
                (SELECT json_group_object(a.question, json(a.value)) FROM form_answers a
                 WHERE a.decision_id = d.id HAVING count(*) > 0)
         FROM decisions d JOIN items i ON i.id = d.item_id
         WHERE {FILTER_SQL}
         ORDER BY d.seq"
    )
}

/// An item as an export sees it, with the decision being exported.
#[derive(Debug, Clone)]
pub struct ReviewedItem {
    pub row_id: i64,
    pub domain: String,
    pub model: String,
    pub body: ItemBody,
    pub vetting: Option<Vetting>,
    pub decision: Decision,
}

/// Reads a row of [`reviewed_items_sql`] or [`all_decisions_sql`]. The evidence column is read
/// only when `evidence_column` is given (the audit trail does not need it).
pub fn read_reviewed(
    r: &Row<'_>,
    evidence_column: Option<usize>,
) -> rusqlite::Result<ReviewedItem> {
    let mut body = read_body(r.get(2)?, text(r, 5)?)?;
    if let (Some(evidence), Some(col)) = (body.evidence_mut(), evidence_column) {
        *evidence = parse_json::<Vec<Evidence>>(text(r, col)?)?;
    }
    let external_id: String = r.get(1)?;
    Ok(ReviewedItem {
        row_id: r.get(0)?,
        domain: r.get(3)?,
        model: r.get(4)?,
        body,
        vetting: r
            .get_ref(6)?
            .as_str_or_null()?
            .map(parse_json)
            .transpose()?,
        decision: Decision {
            id: r.get(7)?,
            item: external_id,
            item_version: r.get(8)?,
            reviewer: r.get(9)?,
            action: r.get(10)?,
            edited: r
                .get_ref(11)?
                .as_str_or_null()?
                .map(parse_json)
                .transpose()?,
            reason: r.get(12)?,
            note: r.get(13)?,
            decided_at: parse_time(text(r, 14)?)?,
            reverts: None,
            edit_distance: None,
            pick: read_pick(r, 15)?,
        },
    })
}

/// A text column in SQLite's own buffer: JSON and times are parsed from it without a copy.
fn text<'r>(r: &'r Row<'_>, col: usize) -> rusqlite::Result<&'r str> {
    Ok(r.get_ref(col)?.as_str()?)
}

/// Binds [`Filters::params`] as `?1`–`?7`.
pub fn bind(params: &[Option<String>; 8]) -> [&dyn ToSql; 8] {
    params.each_ref().map(|p| p as &dyn ToSql)
}

/// The largest item row id (training formats) or decision seq (audit): the `total` of progress.
pub fn progress_total(conn: &Connection, audit: bool) -> rusqlite::Result<u64> {
    let sql = if audit {
        "SELECT coalesce(max(seq), 0) FROM decisions"
    } else {
        "SELECT coalesce(max(id), 0) FROM items"
    };
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .map(|n| n.max(0) as u64)
}
