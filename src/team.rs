//! Team review: who reviews (profiles and roles), how many independent reviews an item needs,
//! and the one rule that turns an item's decision log into its outcome ([`resolve`]).
//!
//! The rule depends only on the *set* of decisions in the log, never on the local `seq` or on
//! wall-clock times, so two databases holding the same decisions (merged in any order, any number
//! of times) agree on every item's status and effective decision. "Latest" always means the
//! greatest `(clock, id)`: `clock` is a Lamport clock stored on each decision (one more than the
//! largest clock its database held when it was recorded), `id` the globally unique decision id.
//!
//! The rule, for an item needing `k` reviews:
//! 1. A decision is *alive* when it is not a revert and no alive revert cancels it (a revert is
//!    cancelled by a revert of it: undo, then redo).
//! 2. An alive adjudication is final: the latest one is the effective decision.
//! 3. Otherwise each reviewer's latest alive decision is their review. With `k = 1`, a review
//!    that another alive decision superseded (its `supersedes` chain reaches it: that decision
//!    was made knowing it, as when one reviewer overrides another on the same laptop) drops out.
//!    With `k > 1` reviews are independent and none is dropped.
//! 4. If the remaining reviews disagree ([`agree`]), the item is in **conflict** and waits for an
//!    adjudicator; if they agree and there are at least `k` of them, the latest is effective and
//!    the item is **settled**; otherwise it is **open** (pending).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Action, Decision, EditedContent, ItemStatus, Pick, QueueEntry};
use crate::edit_distance::{word_edit_distance, words};

/// What a reviewer may do. Analysts and SMEs review; adjudicators also record final decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    Analyst,
    Sme,
    Adjudicator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Sme => "sme",
            Role::Adjudicator => "adjudicator",
        }
    }
}

/// A reviewer profile, stored in the database and carried by sync bundles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ReviewerProfile {
    pub name: String,
    pub role: Role,
    /// Lamport stamp of the latest role change; a merge keeps the greatest `(stamp, role)`.
    #[ts(type = "number")]
    pub stamp: i64,
}

/// Where an item stands in team review (the `items.review` projection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReviewState {
    /// Awaiting reviews: fewer than `k` agreeing reviews so far.
    Open,
    /// Has an effective decision: `k` agreeing reviews, or an adjudication.
    Settled,
    /// The reviews disagree: in the adjudication queue.
    Conflict,
}

/// Two answer edits agree when their word-level edit distance is at most this fraction of the
/// longer text's words (rounded down): 10 %, so a one-word difference in a ten-word answer still
/// agrees and any difference in a shorter one does not. Relationship edits agree only when the
/// corrected relations are equal.
pub const EDIT_AGREEMENT_FRACTION: f64 = 0.10;

/// One event of an item's log, as [`resolve`] needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub id: String,
    pub reviewer: String,
    pub action: Action,
    pub edited: Option<EditedContent>,
    pub reverts: Option<String>,
    pub clock: i64,
    pub supersedes: Vec<String>,
    pub adjudication: bool,
    /// A comparison's pick, given with an approve.
    pub pick: Option<Pick>,
}

impl LogEntry {
    fn order_key(&self) -> (i64, &str) {
        (self.clock, &self.id)
    }
}

/// The outcome of an item's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub review: ReviewState,
    /// `Pending` unless settled.
    pub status: ItemStatus,
    /// Id of the effective decision (settled only).
    pub effective: Option<String>,
    /// Its reviewer.
    pub decided_by: Option<String>,
}

/// Whether two reviews agree: the same action, the same pick of a comparison's candidates and,
/// for edits, corrections within [`EDIT_AGREEMENT_FRACTION`] (a comparison's new answers too,
/// whichever candidate they started from). Reject reasons and notes do not matter.
pub fn agree(a: &LogEntry, b: &LogEntry) -> bool {
    if a.action != b.action || a.pick != b.pick {
        return false;
    }
    match (&a.edited, &b.edited) {
        (
            Some(EditedContent::Answer { answer: x } | EditedContent::Comparison { answer: x, .. }),
            Some(EditedContent::Answer { answer: y } | EditedContent::Comparison { answer: y, .. }),
        ) => {
            let longer = words(x).count().max(words(y).count());
            let allowed = (longer as f64 * EDIT_AGREEMENT_FRACTION).floor() as usize;
            word_edit_distance(x, y) <= allowed
        }
        (x, y) => x == y,
    }
}

/// The alive decisions of `log`: not reverts, not cancelled by an alive revert.
pub fn alive(log: &[LogEntry]) -> Vec<&LogEntry> {
    let mut reverters: HashMap<&str, Vec<&LogEntry>> = HashMap::new();
    for e in log {
        if let Some(target) = &e.reverts {
            reverters.entry(target.as_str()).or_default().push(e);
        }
    }
    fn cancelled<'a>(
        id: &'a str,
        reverters: &HashMap<&str, Vec<&'a LogEntry>>,
        memo: &mut HashMap<&'a str, bool>,
        depth: usize,
    ) -> bool {
        if let Some(&known) = memo.get(id) {
            return known;
        }
        // A well-formed log nests at most undo → redo; the bound guards a crafted cycle.
        let result = depth < 64
            && reverters.get(id).is_some_and(|rs| {
                rs.iter()
                    .any(|r| !cancelled(&r.id, reverters, memo, depth + 1))
            });
        memo.insert(id, result);
        result
    }
    let mut memo = HashMap::new();
    log.iter()
        .filter(|e| e.action != Action::Revert)
        .filter(|e| !cancelled(&e.id, &reverters, &mut memo, 0))
        .collect()
}

/// Each reviewer's latest alive decision (adjudications excluded), keyed by reviewer.
pub fn reviews<'a>(alive: &[&'a LogEntry]) -> BTreeMap<&'a str, &'a LogEntry> {
    let mut latest: BTreeMap<&str, &LogEntry> = BTreeMap::new();
    for e in alive.iter().filter(|e| !e.adjudication) {
        let slot = latest.entry(e.reviewer.as_str()).or_insert(e);
        if e.order_key() > slot.order_key() {
            *slot = e;
        }
    }
    latest
}

/// The decisions that the current reviews of `log` consist of (see the module docs): with
/// `k = 1`, reviews no alive decision superseded; otherwise every reviewer's review.
pub fn heads<'a>(log: &'a [LogEntry], alive: &[&'a LogEntry], k: u32) -> Vec<&'a LogEntry> {
    let reviews = reviews(alive);
    if k > 1 {
        return reviews.into_values().collect();
    }
    let by_id: HashMap<&str, &LogEntry> = log.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut superseded: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = alive
        .iter()
        .flat_map(|e| e.supersedes.iter().map(String::as_str))
        .collect();
    while let Some(id) = stack.pop() {
        if superseded.insert(id)
            && let Some(e) = by_id.get(id)
        {
            stack.extend(e.supersedes.iter().map(String::as_str));
        }
    }
    reviews
        .into_values()
        .filter(|e| !superseded.contains(e.id.as_str()))
        .collect()
}

/// The outcome of an item's log when it needs `k` reviews.
pub fn resolve(log: &[LogEntry], k: u32) -> Resolution {
    let alive = alive(log);
    let settled = |e: &LogEntry| Resolution {
        review: ReviewState::Settled,
        status: e.action.status().unwrap_or(ItemStatus::Pending),
        effective: Some(e.id.clone()),
        decided_by: Some(e.reviewer.clone()),
    };
    let unsettled = |review| Resolution {
        review,
        status: ItemStatus::Pending,
        effective: None,
        decided_by: None,
    };
    if let Some(last) = alive
        .iter()
        .filter(|e| e.adjudication)
        .max_by(|a, b| a.order_key().cmp(&b.order_key()))
    {
        return settled(last);
    }
    let heads = heads(log, &alive, k);
    let Some(first) = heads.first() else {
        return unsettled(ReviewState::Open);
    };
    if !heads.iter().all(|h| agree(first, h)) {
        return unsettled(ReviewState::Conflict);
    }
    if (heads.len() as u32) < k.max(1) {
        return unsettled(ReviewState::Open);
    }
    let latest = heads
        .iter()
        .max_by(|a, b| a.order_key().cmp(&b.order_key()))
        .expect("heads are not empty");
    settled(latest)
}

/// An item in the adjudication queue with every reviewer's decision in force, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AdjudicationCase {
    pub entry: QueueEntry,
    /// The reviews that disagree, by reviewer name (a comparison's with their picks).
    pub decisions: Vec<Decision>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, reviewer: &str, action: Action, clock: i64) -> LogEntry {
        LogEntry {
            id: id.into(),
            reviewer: reviewer.into(),
            action,
            edited: None,
            reverts: None,
            clock,
            supersedes: Vec::new(),
            adjudication: false,
            pick: None,
        }
    }

    fn edit(id: &str, reviewer: &str, text: &str, clock: i64) -> LogEntry {
        LogEntry {
            edited: Some(EditedContent::Answer {
                answer: text.into(),
            }),
            ..entry(id, reviewer, Action::Edit, clock)
        }
    }

    #[test]
    fn one_review_settles_when_k_is_one_and_overrides_replace() {
        let a = entry("a", "ann", Action::Approve, 1);
        assert_eq!(
            resolve(std::slice::from_ref(&a), 1).status,
            ItemStatus::Approved
        );
        let mut b = entry("b", "bob", Action::Reject, 2);
        b.supersedes = vec!["a".into()];
        let r = resolve(&[a.clone(), b.clone()], 1);
        assert_eq!(
            (r.status, r.effective.as_deref()),
            (ItemStatus::Rejected, Some("b"))
        );
        // Made without knowing each other (e.g. on two laptops): a conflict.
        b.supersedes.clear();
        assert_eq!(resolve(&[a, b], 1).review, ReviewState::Conflict);
    }

    #[test]
    fn k_two_waits_for_a_second_review_and_ignores_supersession() {
        let a = entry("a", "ann", Action::Approve, 1);
        assert_eq!(
            resolve(std::slice::from_ref(&a), 2).review,
            ReviewState::Open
        );
        let mut b = entry("b", "bob", Action::Approve, 2);
        b.supersedes = vec!["a".into()];
        let r = resolve(&[a.clone(), b.clone()], 2);
        assert_eq!(
            (r.review, r.effective.as_deref()),
            (ReviewState::Settled, Some("b"))
        );
        b.action = Action::Reject;
        assert_eq!(resolve(&[a, b], 2).review, ReviewState::Conflict);
    }

    #[test]
    fn adjudication_is_final_until_undone() {
        let a = entry("a", "ann", Action::Approve, 1);
        let b = entry("b", "bob", Action::Reject, 2);
        let mut j = entry("j", "jo", Action::Reject, 3);
        j.adjudication = true;
        let r = resolve(&[a.clone(), b.clone(), j.clone()], 2);
        assert_eq!(
            (r.status, r.effective.as_deref()),
            (ItemStatus::Rejected, Some("j"))
        );
        let mut undo = entry("u", "jo", Action::Revert, 4);
        undo.reverts = Some("j".into());
        assert_eq!(resolve(&[a, b, j, undo], 2).review, ReviewState::Conflict);
    }

    #[test]
    fn edits_agree_within_the_threshold() {
        let long = "one two three four five six seven eight nine ten";
        let a = edit("a", "ann", long, 1);
        let b = edit("b", "bob", &long.replace("ten", "eleven"), 2);
        assert!(agree(&a, &b), "one word in ten is within 10%");
        let c = edit("c", "cy", &long.replace("ten", "x").replace("one", "y"), 3);
        assert!(!agree(&a, &c), "two words in ten is not");
        assert!(!agree(
            &edit("d", "d", "short text", 1),
            &edit("e", "e", "short txt", 2)
        ));
    }

    #[test]
    fn reviews_of_a_comparison_agree_only_on_the_same_pick() {
        let pick = |id: &str, reviewer: &str, pick: Pick| LogEntry {
            pick: Some(pick),
            ..entry(id, reviewer, Action::Approve, 1)
        };
        let (a, b) = (
            pick("a", "ann", Pick::Best(0)),
            pick("b", "bo", Pick::Best(1)),
        );
        assert!(
            !agree(&a, &b),
            "both approve, but pick different candidates"
        );
        assert_eq!(resolve(&[a.clone(), b], 2).review, ReviewState::Conflict);
        assert!(agree(&a, &pick("c", "cy", Pick::Best(0))));
        assert!(
            !agree(&pick("t", "ann", Pick::Tie), &a),
            "a tie is not a pick"
        );
        let from = |id: &str, text: &str, based_on: u8| LogEntry {
            edited: Some(EditedContent::Comparison {
                answer: text.into(),
                based_on,
            }),
            ..entry(id, "ann", Action::Edit, 1)
        };
        let text = "one two three four five six seven eight nine ten";
        assert!(
            agree(
                &from("x", text, 0),
                &from("y", &text.replace("ten", "11"), 1)
            ),
            "new answers agree like answer edits, whichever candidate they started from"
        );
    }

    #[test]
    fn undo_then_redo_restores() {
        let a = entry("a", "ann", Action::Approve, 1);
        let mut u = entry("u", "ann", Action::Revert, 2);
        u.reverts = Some("a".into());
        assert_eq!(
            resolve(&[a.clone(), u.clone()], 1).review,
            ReviewState::Open
        );
        let mut r = entry("r", "ann", Action::Revert, 3);
        r.reverts = Some("u".into());
        assert_eq!(resolve(&[a, u, r], 1).status, ItemStatus::Approved);
    }
}
