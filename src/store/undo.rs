//! Undo and redo, per reviewer, derived from the log alone (so they work across restarts).
//! "Latest" is in log order, `(clock, id)`, so merged-in decisions take their place in it.
//!
//! Undo appends a `revert` naming the reviewer's latest decision that is still in force. Redo
//! appends a `revert` of the reviewer's latest undo that is still in force, provided the reviewer
//! has made no new decision since that undo (a new decision clears the redo stack, as in an
//! editor). Redo is therefore "a revert of the revert": the original decision row becomes
//! effective again, so its id, reviewer and time stay those of the real decision.
//! Nothing is updated or deleted; the item projection is refreshed in the same transaction.
//!
//! A batch (a bulk approval by rule, see `batches`) is one step: undoing any of its decisions
//! reverts every decision of the batch still in force, and those reverts form a batch of their
//! own, which redo reverts together.

use rusqlite::{OptionalExtension, Transaction, params};

use super::decision_rows::{add_to_batch, batch_in_force, decision_by_id, next_clock};
use super::projection::refresh_projection;
use super::{Store, now_text};
use crate::decision_rules::{REDO_TARGET, UNDO_TARGET, batch_revert_id, revert_batch_id};
use crate::domain::Decision;
use crate::error::{Error, Result};

impl Store {
    /// Reverts `reviewer`'s latest decision still in force, recording the revert under `id`
    /// (a retried id returns the recorded revert). `None` when there is nothing to undo.
    pub fn undo(&mut self, id: &str, reviewer: &str) -> Result<Option<Decision>> {
        self.append_revert(id, reviewer, UNDO_TARGET)
    }

    /// Reverts `reviewer`'s latest undo still in force, unless they decided anything since.
    /// `None` when there is nothing to redo.
    pub fn redo(&mut self, id: &str, reviewer: &str) -> Result<Option<Decision>> {
        self.append_revert(id, reviewer, REDO_TARGET)
    }

    fn append_revert(
        &mut self,
        id: &str,
        reviewer: &str,
        target_query: &str,
    ) -> Result<Option<Decision>> {
        if id.trim().is_empty() || reviewer.trim().is_empty() {
            return Err(Error::BadRequest(
                "undo and redo need an event id and a reviewer".to_owned(),
            ));
        }
        self.write(|tx| {
            if let Some(existing) = decision_by_id(tx, id)? {
                return Ok(Some(existing));
            }
            let target: Option<(String, i64)> = tx
                .prepare_cached(target_query)?
                .query_row([reviewer], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((target, item_id)) = target else {
                return Ok(None);
            };
            let batch = batch_in_force(tx, &target, reviewer)?;
            if batch.is_empty() {
                insert_revert(tx, id, reviewer, &target, item_id)?;
            } else {
                // One step for the whole batch; the reverts form a batch of their own.
                let rule: String = tx
                    .prepare_cached("SELECT rule FROM decision_batches WHERE decision_id = ?1")?
                    .query_row([&target], |r| r.get(0))?;
                let revert_batch = revert_batch_id(id);
                for (n, (member, member_item)) in batch.iter().enumerate() {
                    let revert_id = batch_revert_id(id, n);
                    if decision_by_id(tx, &revert_id)?.is_some() {
                        return Err(Error::Duplicate(format!(
                            "decision id '{revert_id}' is already used; undo with a fresh id"
                        )));
                    }
                    insert_revert(tx, &revert_id, reviewer, member, *member_item)?;
                    add_to_batch(tx, &revert_id, &revert_batch, &rule)?;
                }
            }
            decision_by_id(tx, id)
        })
    }
}

fn insert_revert(
    tx: &Transaction<'_>,
    id: &str,
    reviewer: &str,
    target: &str,
    item_id: i64,
) -> Result<()> {
    let at = now_text();
    tx.prepare_cached(
        "INSERT INTO decisions (id, item_id, item_version, reviewer, action, reverts, decided_at,
                                clock)
         SELECT ?1, id, version, ?2, 'revert', ?3, ?4, ?6 FROM items WHERE id = ?5",
    )?
    .execute(params![id, reviewer, target, at, item_id, next_clock(tx)?])?;
    refresh_projection(tx, item_id, &at)
}
