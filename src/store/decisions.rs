//! Recording decisions in the append-only `decisions` log, and reading an item's history.
//!
//! Invariants: a decision row is never updated or deleted (triggers refuse it); the item's
//! `status`, `decided_by` and `version` change only in the transaction that appends to the log
//! (a decision here, a revert in `undo`, see `projection`); a decision id is recorded at most once, so a
//! client retrying after a lost acknowledgement gets the original decision back.

use rusqlite::{OptionalExtension, Transaction, params};

use super::comparison_picks::insert_pick;
use super::decision_rows::{decision_by_id, effective_decision, item_history, next_clock};
use super::item_rows::VISIBLE;
use super::profiles::{ensure_adjudicator, ensure_reviewer};
use super::projection::refresh_projection;
use super::relation_edit::{check_edited_relation, registered_schema};
use super::visibility::supersedes_for;
use super::{Store, now_text, parse_json, reasons};
use crate::decision_rules::{DecidedItem, check_against_item, retried, validate};
use crate::domain::{
    Action, Decision, DecisionInput, EditedContent, ItemKind, Pick, RelationshipBody,
};
use crate::error::{Error, Result};

impl Store {
    /// Records an adjudicator's final decision: it becomes the item's effective decision (and
    /// what export uses) whatever the reviews say, until it is undone or adjudicated again.
    /// `pick` is a comparison's, as with [`Store::decide_with`].
    ///
    /// Errors: as [`Store::decide`], and `Forbidden` unless `input.reviewer` has the
    /// adjudicator role.
    pub fn adjudicate(&mut self, input: &DecisionInput, pick: Option<Pick>) -> Result<Decision> {
        ensure_adjudicator(&self.conn, &input.reviewer)?;
        self.write(|tx| record_in(tx, input, pick, true))
    }

    /// Every event on an item — decisions and reverts — in log order (Lamport clock, then id:
    /// the same on every database holding them). For a reviewer's view use
    /// [`Store::history_for`], which hides other reviewers' decisions until they decided.
    pub fn history(&self, external_id: &str) -> Result<Vec<Decision>> {
        item_history(&self.conn, external_id)
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

/// Records one decision inside `tx`: the body of [`Store::decide`], shared with bulk approvals,
/// which record many in one transaction.
pub(super) fn record_in(
    tx: &Transaction<'_>,
    input: &DecisionInput,
    pick: Option<Pick>,
    adjudication: bool,
) -> Result<Decision> {
    validate(input)?;
    if let Some(existing) = decision_by_id(tx, &input.id)? {
        return retried(existing, input);
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
    let distance = check_against_item(
        input,
        pick,
        &DecidedItem {
            kind,
            version,
            payload: &payload,
            // One database, one reviewer at a time: every decision is taken on what it showed.
            blind: false,
        },
    )?;
    if let Some(EditedContent::Relationship { relation }) = &input.edited
        && kind == ItemKind::Relationship
    {
        let body: RelationshipBody = parse_json(&payload)?;
        check_edited_relation(&body, relation, |product| registered_schema(tx, product))?;
    }
    let decided_at = now_text();
    ensure_reviewer(tx, &input.reviewer)?;
    let supersedes = supersedes_for(tx, item_id, &input.reviewer, adjudication)?;
    tx.prepare_cached(
        "INSERT INTO decisions (id, item_id, item_version, reviewer, action,
                                edited_payload, reason, note, decided_at, edit_distance,
                                clock, supersedes, adjudication)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
        next_clock(tx)?,
        supersedes,
        adjudication,
    ])?;
    if let Some(pick) = pick {
        insert_pick(tx, &input.id, pick)?;
    }
    refresh_projection(tx, item_id, &decided_at)?;
    Ok(decision_by_id(tx, &input.id)?.expect("decision was just inserted"))
}
