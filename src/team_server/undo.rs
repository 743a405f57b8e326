//! Undo and redo on the team server: the same targets as a local database
//! ([`crate::decision_rules::UNDO_TARGET`], [`crate::decision_rules::REDO_TARGET`]), recorded as
//! a `revert` event the server stamps like any decision. A bulk approval by rule is one step, as
//! locally: its decisions still in force are reverted together, and the reverts form a batch of
//! their own, which the next redo reverts together (`batches`).

use super::batches::naming_item;
use super::decisions::{LockedItem, read_decision};
use super::{TeamServer, server_error};
use crate::decision_rules::{
    BATCH_IN_FORCE, REDO_TARGET, UNDO_TARGET, batch_revert_id, revert_batch_id,
};
use crate::domain::Decision;
use crate::error::{Error, Result};

const INSERT_REVERT: &str =
    "INSERT INTO decisions (id, item_id, item_version, reviewer, action, reverts)
     VALUES ($1, $2, $3, session_user, 'revert', $4)";

const LOCK_BATCH_ITEMS: &str = "SELECT lock_batch_items($1)";

/// With the item's external id last, to name it.
const ITEM_BY_ID: &str = "SELECT id, kind, version, payload, review, required_reviews, title,
                                 external_id
                            FROM items WHERE id = $1";

impl TeamServer {
    /// Reverts the signed-in reviewer's latest decision still in force, recording the revert
    /// under `id` (a retried id returns the recorded revert). `None`: nothing to undo.
    pub fn undo(&mut self, id: &str) -> Result<Option<Decision>> {
        self.append_revert(id, UNDO_TARGET)
    }

    /// Reverts the signed-in reviewer's latest undo still in force, unless they decided
    /// anything since. `None`: nothing to redo.
    pub fn redo(&mut self, id: &str) -> Result<Option<Decision>> {
        self.append_revert(id, REDO_TARGET)
    }

    fn append_revert(&mut self, id: &str, target_query: &'static str) -> Result<Option<Decision>> {
        if id.trim().is_empty() {
            return Err(Error::BadRequest("undo and redo need an event id".into()));
        }
        let sql = self.recording()?;
        let target = self.prepared(target_query)?;
        let in_batch = self.prepared(BATCH_IN_FORCE)?;
        let batch = self.batch_statements()?;
        let item_by_id = self.prepared(ITEM_BY_ID)?;
        let insert = self.prepared(INSERT_REVERT)?;
        let lock_items = self.prepared(LOCK_BATCH_ITEMS)?;
        let (server, reviewer) = (self.server.clone(), self.reviewer.clone());
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        if let Some(existing) = tx.query_opt(&sql.by_id, &[&id]).map_err(failed)? {
            return read_decision(&existing).map(Some);
        }
        let Some(found) = tx.query_opt(&target, &[&reviewer]).map_err(failed)? else {
            return Ok(None);
        };
        let (target_id, item_id): (String, i64) = (found.get(0), found.get(1));
        let members: Vec<(String, i64)> = tx
            .query(&in_batch, &[&target_id, &reviewer])
            .map_err(failed)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let rule = match members.is_empty() {
            true => None,
            false => batch.rule_of(&mut tx, &target_id, &server)?,
        };
        let steps: Vec<(String, String, i64)> = match &rule {
            None => vec![(id.to_owned(), target_id, item_id)],
            Some(_) => {
                // The batch's items are locked first, in item order, as a bulk approval locks
                // them: two such steps never wait on each other.
                tx.execute(&lock_items, &[&target_id]).map_err(failed)?;
                // Latest first, as locally: the caller's id reverts the latest decision.
                (members.into_iter().enumerate())
                    .map(|(n, (member, item))| (batch_revert_id(id, n), member, item))
                    .collect()
            }
        };
        for (revert_id, member, member_item) in &steps {
            if revert_id != id
                && tx
                    .query_opt(&sql.by_id, &[revert_id])
                    .map_err(failed)?
                    .is_some()
            {
                return Err(Error::Duplicate(format!(
                    "decision id '{revert_id}' is already used; undo with a fresh id"
                )));
            }
            let row = tx.query_one(&item_by_id, &[member_item]).map_err(failed)?;
            let item = LockedItem::read(&row)?;
            tx.execute(&insert, &[revert_id, &item.id, &item.version, member])
                .map_err(|e| match &rule {
                    None => failed(e),
                    // One refusal stops the whole step: say which.
                    Some(rule) => naming_item(
                        failed(e),
                        &format!(
                            "the bulk approval '{rule}' is undone or redone whole ({} decisions), \
                             and {}",
                            steps.len(),
                            row.get::<_, &str>(7)
                        ),
                    ),
                })?;
            item.project(&mut tx, &sql, &server)?;
            if let Some(rule) = &rule {
                batch.add(&mut tx, revert_id, &revert_batch_id(id), rule, &server)?;
            }
        }
        let recorded = tx.query_one(&sql.by_id, &[&id]).map_err(failed)?;
        let recorded = read_decision(&recorded)?;
        tx.commit().map_err(failed)?;
        Ok(Some(recorded))
    }
}
