//! The append-only `decisions` log and the item projection it drives.
//!
//! Invariants: a decision row is never updated or deleted (triggers refuse it); the item's
//! `status`, `decided_by` and `version` change only in the transaction that appends to the log
//! (a decision here, a revert in [`super::undo`]); a decision id is recorded at most once, so a
//! client retrying after a lost acknowledgement gets the original decision back.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::items::VISIBLE;
use super::relation_edit::check_edited_relation;
use super::{Store, now_text, parse_json, parse_time, reasons};
use crate::domain::{Action, Decision, DecisionInput, EditedContent, ItemKind, RelationshipBody};
use crate::edit_distance::edit_distance;
use crate::error::{Error, Result};

pub(super) const DECISION_COLUMNS: &str = "d.id, i.external_id, d.item_version, d.reviewer,
     d.action, d.edited_payload, d.reason, d.note, d.decided_at, d.reverts, d.edit_distance";

/// SQL condition: decision `d` is not cancelled. A revert `r` of `d` cancels it unless `r` is
/// itself reverted (a redo). Chains are at most two deep: undo reverts a decision, redo reverts
/// that undo, and neither ever targets a redo.
pub(super) const NOT_REVERTED: &str = "NOT EXISTS (
     SELECT 1 FROM decisions r WHERE r.reverts = d.id
       AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))";

/// SQL expression: the `seq` of the effective decision of the item whose id is `item_id_sql`
/// (the same rule as [`effective_decision`]: the latest non-revert decision no revert cancels),
/// for bulk queries such as the export.
pub fn effective_decision_seq_sql(item_id_sql: &str) -> String {
    format!(
        "(SELECT max(d.seq) FROM decisions d
          WHERE d.item_id = {item_id_sql} AND d.action <> 'revert' AND {NOT_REVERTED})"
    )
}

impl Store {
    /// Appends a decision and updates the item's projection in one transaction.
    ///
    /// Errors: `ItemNotFound`; `Conflict` when `input.item_version` is not the item's current
    /// version; `BadRequest` when the input is inconsistent (an edit without content, a reject
    /// without a known reason, a needs-SME without a question, content of the wrong kind, a
    /// revert — those come only from [`Store::undo`] and [`Store::redo`]); `UnknownField` when
    /// an edited relation maps a field its product does not have.
    pub fn decide(&mut self, input: &DecisionInput) -> Result<Decision> {
        validate(input)?;
        self.write(|tx| {
            if let Some(existing) = decision_by_id(tx, &input.id)? {
                return if existing.item == input.item {
                    Ok(existing)
                } else {
                    Err(Error::BadRequest(format!(
                        "decision id '{}' is already used for item '{}'",
                        input.id, existing.item
                    )))
                };
            }
            if let (Action::Reject, Some(reason)) = (input.action, &input.reason) {
                reasons::ensure_known(tx, reason)?;
            }
            let (item_id, kind, version, payload): (i64, ItemKind, i64, String) = tx
                .prepare_cached(&format!(
                    "SELECT id, kind, version, payload FROM items WHERE external_id = ?1 AND {VISIBLE}"
                ))?
                .query_row([&input.item], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?
                .ok_or_else(|| Error::ItemNotFound(input.item.clone()))?;
            if version != input.item_version {
                return Err(Error::Conflict {
                    item: input.item.clone(),
                    seen: input.item_version,
                    current: version,
                });
            }
            if let Some(EditedContent::Relationship { relation }) = &input.edited
                && kind == ItemKind::Relationship
            {
                let body: RelationshipBody = parse_json(&payload)?;
                check_edited_relation(tx, &body, relation)?;
            }
            let distance = match &input.edited {
                Some(edit) if edit.kind() != kind => {
                    return Err(Error::BadRequest(format!(
                        "item '{}' is {kind:?}; the edit is for {:?}",
                        input.item,
                        edit.kind()
                    )));
                }
                Some(edit) => {
                    Some(edit_distance(&super::items::body_of(tx, item_id)?, edit) as i64)
                }
                None => None,
            };
            let decided_at = now_text();
            tx.prepare_cached(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action,
                                        edited_payload, reason, note, decided_at, edit_distance)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                input.id,
                item_id,
                input.item_version,
                input.reviewer,
                input.action,
                input
                    .edited
                    .as_ref()
                    .map(|e| serde_json::to_string(e).expect("edit serializes")),
                input.reason,
                input.note,
                decided_at,
                distance,
            ])?;
            refresh_projection(tx, item_id, &decided_at)?;
            Ok(decision_by_id(tx, &input.id)?.expect("decision was just inserted"))
        })
    }

    /// Every event on an item — decisions and reverts — oldest first.
    pub fn history(&self, external_id: &str) -> Result<Vec<Decision>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE i.external_id = ?1 ORDER BY d.seq"
        ))?;
        let rows = stmt.query_map([external_id], read_decision)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The decision that counts for an item: see [`effective_decision`].
    pub fn effective_decision(&self, external_id: &str) -> Result<Option<Decision>> {
        let item_id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM items WHERE external_id = ?1")?
            .query_row([external_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        effective_decision(&self.conn, item_id)
    }
}

/// The effective decision of an item: its latest decision (approve, edit, reject or needs-SME)
/// that no revert cancels. `None` means the item is pending: never decided, or every decision
/// undone. The item's `status` and `decided_by` columns are a projection of this; exports must
/// use it (or [`NOT_REVERTED`]) so that undone decisions never count.
pub fn effective_decision(conn: &Connection, item_id: i64) -> Result<Option<Decision>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE d.item_id = ?1 AND d.action <> 'revert' AND {NOT_REVERTED}
             ORDER BY d.seq DESC LIMIT 1"
        ))?
        .query_row([item_id], read_decision)
        .optional()?)
}

/// Rewrites the item's projection from its effective decision and bumps its version.
pub(super) fn refresh_projection(tx: &Transaction<'_>, item_id: i64, at: &str) -> Result<()> {
    let effective = effective_decision(tx, item_id)?;
    let status = effective
        .as_ref()
        .and_then(|d| d.action.status())
        .unwrap_or(crate::domain::ItemStatus::Pending);
    tx.prepare_cached(
        "UPDATE items SET status = ?1, decided_by = ?2, version = version + 1, updated_at = ?3
         WHERE id = ?4",
    )?
    .execute(params![status, effective.map(|d| d.reviewer), at, item_id])?;
    Ok(())
}

fn validate(input: &DecisionInput) -> Result<()> {
    let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
    let problem = match input.action {
        Action::Revert => Some("reverts are recorded by undo and redo, not decided"),
        Action::Edit if input.edited.is_none() => Some("an edit needs the corrected content"),
        Action::Approve | Action::Reject | Action::NeedsSme if input.edited.is_some() => {
            Some("only an edit carries corrected content")
        }
        Action::Reject if blank(&input.reason) => Some("a reject needs a reason"),
        Action::NeedsSme if blank(&input.note) => Some("a needs-SME request needs a question"),
        _ if input.reviewer.trim().is_empty() => Some("the reviewer name is empty"),
        _ if input.id.trim().is_empty() => Some("the decision id is empty"),
        _ => None,
    };
    match problem {
        Some(p) => Err(Error::BadRequest(p.to_owned())),
        None => Ok(()),
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

fn read_decision(r: &Row<'_>) -> rusqlite::Result<Decision> {
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
    })
}
