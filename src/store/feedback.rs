//! Recording a decision with the feedback given with it — answers to the domain's review form,
//! verdicts on the answer's claims — in one transaction, so a decision is never stored without
//! its feedback nor the feedback without its decision.

use rusqlite::Transaction;

use super::Store;
use super::claim_checks::{checked_claims, insert_claims};
use super::decision_rows::decision_by_id;
use super::decisions::record_in;
use super::review_forms::{form_for_answers, insert_answers};
use crate::domain::{Decision, DecisionInput, Feedback};
use crate::error::Result;

impl Store {
    /// Appends a decision and updates the item's projection in one transaction.
    ///
    /// Errors: `ItemNotFound`; `Conflict` when `input.item_version` is not the item's current
    /// version; `BadRequest` when the input is inconsistent (an edit without content, a reject
    /// without a known reason, a needs-SME without a question, content of the wrong kind, a
    /// revert — those come only from [`Store::undo`] and [`Store::redo`]); `Duplicate` when
    /// `input.id` is already recorded for another item; `UnknownField` when an edited relation
    /// maps a field its product does not have.
    pub fn decide(&mut self, input: &DecisionInput) -> Result<Decision> {
        self.decide_with(input, &Feedback::default())
    }

    /// [`Store::decide`] with `feedback`, in the same transaction. Form answers must fit the
    /// form in force in the item's domain (and an approve, edit or reject must answer its
    /// required questions); without a form, answers are refused. Claim verdicts must be about
    /// pieces of an answer item's model answer and link spans of its evidence
    /// (`claims::check_claims`). A comparison's approve needs a pick, which nothing else takes
    /// (`comparison_picks::check_pick`). A retried decision id returns the recorded decision
    /// and adds no feedback.
    pub fn decide_with(&mut self, input: &DecisionInput, feedback: &Feedback) -> Result<Decision> {
        self.write(|tx| record_with(tx, input, feedback))
    }
}

fn record_with(
    tx: &Transaction<'_>,
    input: &DecisionInput,
    feedback: &Feedback,
) -> Result<Decision> {
    // A retry of a recorded decision: its answer is the recorded decision (or the refusal of
    // an id used for another item), whatever the form says now.
    if decision_by_id(tx, &input.id)?.is_some() {
        return record_in(tx, input, None, false);
    }
    let form = form_for_answers(tx, input, &feedback.answers)?;
    let claims = checked_claims(tx, &input.item, &feedback.claims)?;
    let decision = record_in(tx, input, feedback.pick, false)?;
    if let Some(form) = form {
        insert_answers(tx, &decision.id, &form, &feedback.answers)?;
    }
    insert_claims(tx, &decision.id, &claims)?;
    Ok(decision)
}
