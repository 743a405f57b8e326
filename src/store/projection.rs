//! The item projection: an item's `status`, `decided_by`, `review`, `effective_decision` and
//! queue title, recomputed from its log by [`crate::team::resolve`] in the transaction that
//! changes the log (a decision, an undo or redo, a merge) or the required overlap.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::decision_rows::item_log;
use super::now_text;
use crate::decision_rules::title_in_force;
use crate::domain::ItemKind;
use crate::error::Result;
use crate::team::{ReviewState, resolve};

/// Required independent reviews of the item: its import's setting, else its domain's, else the
/// default, else 1.
pub(super) fn required_reviews(conn: &Connection, item_id: i64) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(
                 (SELECT k FROM review_overlap WHERE scope = 'import'
                    AND key = CAST(i.import_id AS TEXT)),
                 (SELECT k FROM review_overlap WHERE scope = 'domain' AND key = i.domain),
                 (SELECT k FROM review_overlap WHERE scope = 'default' AND key = ''),
                 1)
             FROM items i WHERE i.id = ?1",
        )?
        .query_row([item_id], |r| r.get(0))?)
}

/// The queue title of the content in force ([`title_in_force`]).
fn current_title(tx: &Transaction<'_>, item_id: i64, effective: Option<&str>) -> Result<String> {
    let (kind, title): (ItemKind, String) = tx
        .prepare_cached("SELECT kind, title FROM items WHERE id = ?1")?
        .query_row([item_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if kind == ItemKind::Answer {
        return Ok(title);
    }
    let payload: String = tx
        .prepare_cached("SELECT payload FROM items WHERE id = ?1")?
        .query_row([item_id], |r| r.get(0))?;
    let edited: Option<String> = match effective {
        Some(id) => tx
            .prepare_cached("SELECT edited_payload FROM decisions WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
        None => None,
    };
    let edited = edited.and_then(|json| serde_json::from_str(&json).ok());
    title_in_force(kind, title, &payload, edited.as_ref())
}

/// Recomputes the item's projection (status, decided_by, review, effective decision) from its
/// log. With `bump`, the version always increases (a decision, undo or redo); without, only
/// when the projection changed (a merge or an overlap change). Returns the new review state.
pub(super) fn project(
    tx: &Transaction<'_>,
    item_id: i64,
    at: &str,
    bump: bool,
) -> Result<ReviewState> {
    let k = required_reviews(tx, item_id)?;
    let resolution = resolve(&item_log(tx, item_id)?, k);
    let review = serde_json::to_value(resolution.review).expect("state serializes");
    let title = current_title(tx, item_id, resolution.effective.as_deref())?;
    tx.prepare_cached(
        "UPDATE items SET status = ?1, decided_by = ?2, review = ?3, effective_decision = ?4,
                          title = ?8, version = version + 1, updated_at = ?5
         WHERE id = ?6 AND (?7 OR status IS NOT ?1 OR decided_by IS NOT ?2 OR review IS NOT ?3
                            OR effective_decision IS NOT ?4 OR title IS NOT ?8)",
    )?
    .execute(params![
        resolution.status,
        resolution.decided_by,
        review.as_str(),
        resolution.effective,
        at,
        item_id,
        bump,
        title
    ])?;
    Ok(resolution.review)
}

/// Rewrites the item's projection from its log and bumps its version.
pub(super) fn refresh_projection(tx: &Transaction<'_>, item_id: i64, at: &str) -> Result<()> {
    project(tx, item_id, at, true)?;
    Ok(())
}

/// Recomputes the projection of every item that has a decision; returns how many changed.
pub(super) fn reproject_decided(tx: &Transaction<'_>) -> Result<usize> {
    let ids: Vec<i64> = tx
        .prepare("SELECT DISTINCT item_id FROM decisions")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let at = now_text();
    let mut changed = 0;
    for id in ids {
        let before: i64 = tx.query_row("SELECT version FROM items WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        project(tx, id, &at, false)?;
        let after: i64 = tx.query_row("SELECT version FROM items WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        changed += usize::from(after != before);
    }
    Ok(changed)
}
