//! The `comparison_picks` table: the candidate a reviewer picked as the best of a comparison
//! (or a tie), stored with the approve decision that made the pick. Append-only like the log.
//! An edit of a comparison names the candidate it started from in its content instead.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::domain::{Action, Candidate, DecisionInput, EditedContent, ItemKind, Pick};
use crate::error::{Error, Result};

/// The stored payload of a comparison item, read for its candidates.
#[derive(serde::Deserialize)]
struct Candidates {
    candidates: Vec<Candidate>,
}

/// What of a decision a pick is checked against.
pub(crate) struct Picking<'a> {
    pub item: &'a str,
    pub action: Action,
    pub edited: Option<&'a EditedContent>,
}

impl<'a> From<&'a DecisionInput> for Picking<'a> {
    fn from(input: &'a DecisionInput) -> Picking<'a> {
        Picking {
            item: &input.item,
            action: input.action,
            edited: input.edited.as_ref(),
        }
    }
}

/// Refuses a pick that does not fit the decision: only an approve of a comparison takes one,
/// and it must; a best candidate, like an edit's starting candidate, must be one of the
/// item's. `payload` is the item's stored payload. A revert (undo, redo) takes none.
pub(crate) fn check_pick(
    kind: ItemKind,
    payload: &str,
    input: Picking<'_>,
    pick: Option<Pick>,
) -> Result<()> {
    if input.action == Action::Revert && pick.is_some() {
        return Err(Error::BadRequest("an undo or redo carries no pick".into()));
    }
    if kind != ItemKind::Comparison || input.action == Action::Revert {
        return match pick {
            Some(_) => Err(Error::BadRequest(format!(
                "item '{}' is not a comparison: a pick names one of a comparison's candidates",
                input.item
            ))),
            None => Ok(()),
        };
    }
    let count = super::parse_json::<Candidates>(payload)?.candidates.len();
    let in_range = |n: u8, what: &str| {
        if usize::from(n) < count {
            Ok(())
        } else {
            Err(Error::BadRequest(format!(
                "item '{}' has candidates 1–{count}; {what} {} is not one of them",
                input.item,
                n + 1
            )))
        }
    };
    match (input.action, pick, input.edited) {
        (Action::Approve, None, _) => Err(Error::BadRequest(format!(
            "approving comparison '{}' needs a pick: the best candidate (1–{count}) or a tie",
            input.item
        ))),
        (Action::Approve, Some(Pick::Best(n)), _) => in_range(n, "the pick"),
        (Action::Approve, Some(Pick::Tie), _) => Ok(()),
        (_, Some(_), _) => Err(Error::BadRequest(
            "only an approve carries a pick; an edit names the candidate it started from".into(),
        )),
        (Action::Edit, None, Some(EditedContent::Comparison { based_on, .. })) => {
            in_range(*based_on, "the edit's starting candidate")
        }
        _ => Ok(()),
    }
}

/// The pick stored with decision `decision_id`, if any.
pub(super) fn pick_of(conn: &rusqlite::Connection, decision_id: &str) -> Result<Option<Pick>> {
    let best: Option<Option<i64>> = conn
        .prepare_cached("SELECT best FROM comparison_picks WHERE decision_id = ?1")?
        .query_row([decision_id], |r| r.get(0))
        .optional()?;
    Ok(best.map(|best| match best {
        Some(n) => Pick::Best(n as u8),
        None => Pick::Tie,
    }))
}

/// Stores `pick` with decision `decision_id` (just recorded in `tx`).
pub(super) fn insert_pick(tx: &Transaction<'_>, decision_id: &str, pick: Pick) -> Result<()> {
    let best = match pick {
        Pick::Best(n) => Some(i64::from(n)),
        Pick::Tie => None,
    };
    tx.prepare_cached("INSERT INTO comparison_picks (decision_id, best) VALUES (?1, ?2)")?
        .execute(params![decision_id, best])?;
    Ok(())
}
