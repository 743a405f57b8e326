//! Bulk approval: many approvals recorded in one transaction, each a decision of its own by the
//! reviewer who applied the rule, grouped as one batch (`decision_batches`) so that undo and
//! redo treat them as one step (see `undo`).
//!
//! Invariant: a batch is all-or-nothing. If any item changed since the caller read its version
//! (someone decided it meanwhile), nothing is recorded.

use serde::Serialize;
use ts_rs::TS;

use super::Store;
use super::decision_rows::{add_to_batch, batch_events, batch_of};
use super::decisions::record_in;
use crate::domain::{Action, Decision, DecisionInput};
use crate::error::{Error, Result};

/// Approvals to record together.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchApproval {
    /// Client-generated, unique: a retried batch is recorded once.
    pub id: String,
    pub reviewer: String,
    /// What the reviewer applied, in words: recorded with the batch and as each decision's note.
    pub rule: String,
    /// `(external id, version the rule was checked on)`.
    pub items: Vec<(String, i64)>,
}

/// One undo or redo as the reviewer sees it: what it recorded, and how much it took back or
/// brought back.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Reverted {
    /// The revert recorded under the caller's id (for a batch, the one of its latest decision).
    pub event: Decision,
    /// For a bulk approval taken back or brought back: the rule it applied.
    pub rule: Option<String>,
    /// Decisions taken back or brought back: 1, or the size of the batch.
    pub decisions: u32,
}

impl BatchApproval {
    /// Refuses a batch without an id, a rule or an item.
    pub(crate) fn check(&self) -> Result<()> {
        if self.id.trim().is_empty() || self.rule.trim().is_empty() || self.items.is_empty() {
            return Err(Error::BadRequest(
                "a bulk approval needs an id, a rule and at least one item".to_owned(),
            ));
        }
        Ok(())
    }

    /// The approvals to record, one per item, each with a fresh id and the rule as its note.
    pub(crate) fn approvals(&self) -> Vec<DecisionInput> {
        let note = format!("approved by rule: {}", self.rule);
        self.items
            .iter()
            .map(|(item, version)| DecisionInput {
                id: uuid::Uuid::now_v7().to_string(),
                item: item.clone(),
                item_version: *version,
                reviewer: self.reviewer.clone(),
                action: Action::Approve,
                edited: None,
                reason: None,
                note: Some(note.clone()),
            })
            .collect()
    }
}

impl Reverted {
    /// `event`, an undo or redo just recorded, and the batch it was recorded in (its rule and
    /// events), if any.
    pub(crate) fn of(event: Decision, batch: Option<(String, Vec<Decision>)>) -> Reverted {
        match batch {
            Some((rule, events)) => Reverted {
                event,
                rule: Some(rule),
                decisions: events.len() as u32,
            },
            None => Reverted::single(event),
        }
    }

    /// The revert of one decision (not of a bulk approval).
    pub fn single(event: Decision) -> Reverted {
        Reverted {
            event,
            rule: None,
            decisions: 1,
        }
    }
}

impl Store {
    /// Records `batch` as one approval per item, in one transaction, and returns the decisions.
    /// A batch id already recorded returns its decisions unchanged.
    ///
    /// Errors: `BadRequest` for an empty batch, id, reviewer or rule; and for any item, what
    /// [`Store::decide`] refuses (`Conflict` when it changed since its version was read).
    pub fn approve_batch(&mut self, batch: &BatchApproval) -> Result<Vec<Decision>> {
        batch.check()?;
        self.write(|tx| {
            if let Some((_, events)) = batch_events(tx, &batch.id)? {
                return Ok(events);
            }
            let approvals = batch.approvals();
            let mut decisions = Vec::with_capacity(approvals.len());
            for input in &approvals {
                let decision = record_in(tx, input, None, false)?;
                add_to_batch(tx, &decision.id, &batch.id, &batch.rule)?;
                decisions.push(decision);
            }
            Ok(decisions)
        })
    }

    /// Describes `event`, an undo or redo just recorded under its id: see [`Reverted`].
    pub fn reverted(&self, event: Decision) -> Result<Reverted> {
        let batch = match batch_of(&self.conn, &event.id)? {
            Some(batch) => batch_events(&self.conn, &batch)?,
            None => None,
        };
        Ok(Reverted::of(event, batch))
    }

    /// The rule batch `batch_id` applied and its events (approvals, or the reverts of an undo
    /// or redo), in log order; `None` for an unknown batch.
    pub fn batch(&self, batch_id: &str) -> Result<Option<(String, Vec<Decision>)>> {
        batch_events(&self.conn, batch_id)
    }
}
