//! What a reviewer may see of the others' decisions (no anchoring while several independent
//! reviews are required), and so which decisions a new one knows about and supersedes.

use rusqlite::{Connection, Transaction, params};

use super::decision_rows::{item_history, item_log};
use super::item_rows::item_row_id;
use super::profiles::role_of;
use super::projection::required_reviews;
use super::{Store, parse_json};
use crate::domain::Decision;
use crate::error::Result;
use crate::team::{ReviewState, Role};

/// Whether `reviewer` has recorded a decision (not a revert) on the item, undone or not: once
/// they have decided, they have formed their own view and may see the others'.
fn has_decided(conn: &Connection, item_id: i64, reviewer: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM decisions WHERE item_id = ?1 AND reviewer = ?2
                              AND action <> 'revert')",
        )?
        .query_row(params![item_id, reviewer], |r| r.get(0))?)
}

/// Whether `viewer` may see other reviewers' decisions on the item: always when one review is
/// required; with `k > 1` only once they decided it themselves, or as an adjudicator.
fn may_see_others(conn: &Connection, item_id: i64, viewer: &str) -> Result<bool> {
    Ok(required_reviews(conn, item_id)? <= 1
        || has_decided(conn, item_id, viewer)?
        || role_of(conn, viewer)? == Some(Role::Adjudicator))
}

/// The `supersedes` of a decision `reviewer` is about to record on the item: the decisions
/// they could see and that this one replaces. An adjudication replaces them all; a
/// review of an item in conflict replaces none (only an adjudicator settles a conflict); a blind
/// review (k > 1, not yet decided) knows none.
pub(super) fn supersedes_for(
    tx: &Transaction<'_>,
    item_id: i64,
    reviewer: &str,
    adjudication: bool,
) -> Result<Option<String>> {
    let review: ReviewState = tx
        .prepare_cached("SELECT review FROM items WHERE id = ?1")?
        .query_row([item_id], |r| {
            let text: String = r.get(0)?;
            parse_json(&format!("\"{text}\""))
        })?;
    let knows =
        adjudication || (review != ReviewState::Conflict && may_see_others(tx, item_id, reviewer)?);
    Ok(crate::decision_rules::supersedes(
        &item_log(tx, item_id)?,
        knows,
    ))
}

impl Store {
    /// The item's history as `viewer` may see it: everything, unless the item needs several
    /// independent reviews and `viewer` has not decided it yet (and is not an adjudicator) —
    /// then only their own events, so nobody is anchored by the others' decisions.
    pub fn history_for(&self, external_id: &str, viewer: &str) -> Result<Vec<Decision>> {
        let item_id = item_row_id(&self.conn, external_id)?;
        let history = item_history(&self.conn, external_id)?;
        if may_see_others(&self.conn, item_id, viewer)? {
            return Ok(history);
        }
        Ok(history
            .into_iter()
            .filter(|d| d.reviewer == viewer)
            .collect())
    }
}
