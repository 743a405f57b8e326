//! The rules a decision must meet and what it replaces, written once for every storage backend
//! (the local SQLite store and the team server): each backend reads and writes its own SQL
//! around these checks, in the transaction that records the decision.

use crate::domain::{Action, Decision, DecisionInput, EditedContent, ItemBody, ItemKind, Pick};
use crate::edit_distance::edit_distance;
use crate::error::{Error, Result};
use crate::store::{check_pick, read_body};
use crate::team::LogEntry;

/// SQL condition (both backends' dialects): decision `d` is not cancelled. A revert `r` of `d`
/// cancels it unless `r` is itself reverted (a redo). Chains are at most two deep: undo reverts a
/// decision, redo reverts that undo, and neither ever targets a redo. A macro so that `concat!`
/// can build the constant queries below.
macro_rules! not_reverted {
    () => {
        "NOT EXISTS (
     SELECT 1 FROM decisions r WHERE r.reverts = d.id
       AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))"
    };
}

pub(crate) use not_reverted;

/// SQL (both backends' dialects; `$1` is the reviewer): the target of the reviewer's undo, their
/// latest decision still in force in log order, as `(id, item_id)`.
pub(crate) const UNDO_TARGET: &str = concat!(
    "SELECT d.id, d.item_id FROM decisions d
     WHERE d.reviewer = $1 AND d.action <> 'revert' AND ",
    not_reverted!(),
    " ORDER BY d.clock DESC, d.id DESC LIMIT 1"
);

/// SQL (both dialects; `$1` is the reviewer): the target of the reviewer's redo, their latest
/// undo still in force, unless they decided anything since (a new decision clears the redo
/// stack, as in an editor), as `(id, item_id)`.
pub(crate) const REDO_TARGET: &str = concat!(
    "SELECT d.id, d.item_id FROM decisions d
     JOIN decisions target ON target.id = d.reverts AND target.action <> 'revert'
     WHERE d.reviewer = $1 AND d.action = 'revert' AND ",
    not_reverted!(),
    " AND d.clock > coalesce((SELECT max(clock) FROM decisions
                              WHERE reviewer = $1 AND action <> 'revert'), 0)
     ORDER BY d.clock DESC, d.id DESC LIMIT 1"
);

/// SQL (both dialects; `$1` is a decision id, `$2` the reviewer): the reviewer's events recorded
/// in one batch with `$1` (a bulk approval, or the undo or redo of one) that no revert cancels,
/// latest first, as `(id, item_id)`; none when `$1` was recorded on its own. Undo and redo revert
/// these together: a batch is one step. Only the reviewer's own events, whatever a merged bundle
/// grouped.
pub(crate) const BATCH_IN_FORCE: &str = concat!(
    "SELECT d.id, d.item_id FROM decision_batches b JOIN decisions d ON d.id = b.decision_id
     WHERE b.batch_id = (SELECT batch_id FROM decision_batches WHERE decision_id = $1)
       AND d.reviewer = $2 AND ",
    not_reverted!(),
    " ORDER BY d.clock DESC, d.id DESC"
);

/// The id of the `n`th revert (from 0) of one undo or redo of a batch recorded under `id`: the
/// first takes the caller's id (what a retry finds), the others derive theirs from it.
pub(crate) fn batch_revert_id(id: &str, n: usize) -> String {
    match n {
        0 => id.to_owned(),
        n => format!("{id}.{n}"),
    }
}

/// The batch the reverts of one undo or redo recorded under `id` form (apart from the ids of
/// bulk approvals), which the next redo or undo reverts together.
pub(crate) fn revert_batch_id(id: &str) -> String {
    format!("revert:{id}")
}

/// Refuses a decision that is malformed whatever item it is for.
pub(crate) fn validate(input: &DecisionInput) -> Result<()> {
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

/// A decision id already recorded: the same decision again (a client retrying after a lost
/// acknowledgement) gets the recorded one back; the id on another item is refused.
pub(crate) fn retried(existing: Decision, input: &DecisionInput) -> Result<Decision> {
    if existing.item == input.item {
        Ok(existing)
    } else {
        Err(Error::Duplicate(format!(
            "decision id '{}' is already used for item '{}'",
            input.id, existing.item
        )))
    }
}

/// The stored item a decision is about to be recorded on.
pub(crate) struct DecidedItem<'a> {
    pub kind: ItemKind,
    pub version: i64,
    /// The item's stored payload (its kind's body as JSON).
    pub payload: &'a str,
    /// The decision is a blind review: the item needs several independent reviews and the
    /// decider has none on it yet (and is not adjudicating). It depends on nothing the decider
    /// could see, so reviews others recorded since they loaded the item do not make it stale.
    pub blind: bool,
}

/// Checks a valid decision against its item: the version the reviewer saw is current (unless
/// the decision is a blind review), a pick
/// fits ([`check_pick`]) and an edit is of the item's kind. Returns an edit's word-level
/// distance from the content it corrects.
pub(crate) fn check_against_item(
    input: &DecisionInput,
    pick: Option<Pick>,
    item: &DecidedItem<'_>,
) -> Result<Option<i64>> {
    if item.version != input.item_version && !item.blind {
        return Err(Error::Conflict {
            item: input.item.clone(),
            seen: input.item_version,
            current: item.version,
        });
    }
    check_pick(item.kind, item.payload, input.into(), pick)?;
    match &input.edited {
        Some(edit) if edit.kind() != item.kind => Err(Error::BadRequest(format!(
            "item '{}' is {:?}; the edit is for {:?}",
            input.item,
            item.kind,
            edit.kind()
        ))),
        Some(edit) => {
            let body = read_body(item.kind, item.payload)?;
            Ok(Some(edit_distance(&body, edit) as i64))
        }
        None => Ok(None),
    }
}

/// The `supersedes` of a new decision (JSON array of ids, `None` for none): every decision in
/// `log` that is not a revert, undone or not (a decision made after an undo replaces the undone
/// one too, should a redo re-instate it), when the decider `knows` them.
pub(crate) fn supersedes(log: &[LogEntry], knows: bool) -> Option<String> {
    if !knows {
        return None;
    }
    let ids: Vec<&str> = log
        .iter()
        .filter(|e| e.action != Action::Revert)
        .map(|e| e.id.as_str())
        .collect();
    (!ids.is_empty()).then(|| serde_json::to_string(&ids).expect("ids serialize"))
}

/// The queue title of the content in force: an edited relation's mapping replaces the proposed
/// one (so the row reads as the reviewer corrected it, and reverts with an undo). An answer's
/// title is its question, which no decision changes. `edited` is the effective decision's
/// edit, if any.
pub(crate) fn title_in_force(
    kind: ItemKind,
    title: String,
    payload: &str,
    edited: Option<&EditedContent>,
) -> Result<String> {
    if kind == ItemKind::Answer {
        return Ok(title);
    }
    let mut body = read_body(kind, payload)?;
    if let (ItemBody::Relationship(r), Some(EditedContent::Relationship { relation })) =
        (&mut body, edited)
    {
        r.relation = relation.clone();
    }
    Ok(body.title())
}
