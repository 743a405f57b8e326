//! The append-only `decisions` log and the item-status projection it drives.
//!
//! Invariants: a decision row is never updated or deleted (triggers refuse it); the item's
//! `status` and `version` change only in the transaction that appends a decision; a decision id
//! is recorded at most once, so a client retrying after a lost acknowledgement gets the original
//! decision back instead of a duplicate.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::items::VISIBLE;
use super::relation_edit::check_edited_relation;
use super::{Store, now_text, parse_json, parse_time};
use crate::domain::{
    Action, Decision, DecisionInput, EditedContent, ItemKind, ItemStatus, RelationshipBody,
    default_reject_reasons,
};
use crate::error::{Error, Result};

const DECISION_COLUMNS: &str = "d.id, i.external_id, d.item_version, d.reviewer, d.action,
     d.edited_payload, d.reason, d.note, d.decided_at";

impl Store {
    /// Appends a decision and updates the item's status in one transaction.
    ///
    /// Errors: `ItemNotFound`; `Conflict` when `input.item_version` is not the item's current
    /// version; `BadRequest` when the input is inconsistent (an edit without content, a reject
    /// without a reason, content of the wrong kind); `UnknownField` when an edited relation
    /// maps a field its product does not have.
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
            if let Some(edit) = &input.edited
                && edit.kind() != kind
            {
                return Err(Error::BadRequest(format!(
                    "item '{}' is {kind:?}; the edit is for {:?}",
                    input.item,
                    edit.kind()
                )));
            }
            if let Some(EditedContent::Relationship { relation }) = &input.edited
                && kind == ItemKind::Relationship
            {
                let body: RelationshipBody = parse_json(&payload)?;
                check_edited_relation(tx, &body, relation)?;
            }
            let decided_at = now_text();
            tx.prepare_cached(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action,
                                        edited_payload, reason, note, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
            ])?;
            tx.prepare_cached(
                "UPDATE items SET status = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3",
            )?
            .execute(params![status_after(input.action), decided_at, item_id])?;
            Ok(decision_by_id(tx, &input.id)?.expect("decision was just inserted"))
        })
    }

    /// Every decision on an item, oldest first.
    pub fn history(&self, external_id: &str) -> Result<Vec<Decision>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE i.external_id = ?1 ORDER BY d.seq"
        ))?;
        let rows = stmt.query_map([external_id], read_decision)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The content of the item's latest decision, if that decision was an edit.
    pub(crate) fn latest_edit(&self, item_id: i64) -> Result<Option<EditedContent>> {
        let latest: Option<Option<String>> = self
            .conn
            .prepare_cached(
                "SELECT edited_payload FROM decisions WHERE item_id = ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([item_id], |r| r.get(0))
            .optional()?;
        Ok(latest.flatten().map(|p| parse_json(&p)).transpose()?)
    }
}

fn validate(input: &DecisionInput) -> Result<()> {
    let problem = match input.action {
        Action::Edit if input.edited.is_none() => Some("an edit needs the corrected content"),
        Action::Approve | Action::Reject if input.edited.is_some() => {
            Some("only an edit carries corrected content")
        }
        Action::Reject if input.reason.as_deref().is_none_or(str::is_empty) => {
            Some("a reject needs a reason")
        }
        Action::Reject
            if !default_reject_reasons()
                .iter()
                .any(|r| Some(r.id.as_str()) == input.reason.as_deref()) =>
        {
            return Err(Error::BadRequest(format!(
                "unknown reject reason '{}'; use one of: {}",
                input.reason.as_deref().unwrap_or_default(),
                default_reject_reasons()
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        _ if input.reviewer.trim().is_empty() => Some("the reviewer name is empty"),
        _ if input.id.trim().is_empty() => Some("the decision id is empty"),
        _ => None,
    };
    match problem {
        Some(p) => Err(Error::BadRequest(p.to_owned())),
        None => Ok(()),
    }
}

fn status_after(action: Action) -> ItemStatus {
    match action {
        Action::Approve => ItemStatus::Approved,
        Action::Edit => ItemStatus::Edited,
        Action::Reject => ItemStatus::Rejected,
    }
}

fn decision_by_id(tx: &Transaction<'_>, id: &str) -> Result<Option<Decision>> {
    Ok(tx
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
    })
}
