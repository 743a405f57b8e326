//! The figures behind the stats dashboard and `vetted stats`, as one serializable value
//! ([`Stats`], from [`crate::Store::stats`] or [`crate::team_server::TeamServer::stats`]). Each
//! backend's SQL selects the rows (`store::stats`, `team_server::stats`); [`tally`] folds them
//! into figures for both; the agreement math is in [`crate::agreement`].
//!
//! Definitions (also in docs/stats.md):
//!
//! * **Decisions** are decision events still in force: approve, edit, reject and needs-SME rows
//!   of the log that no undo cancels (reverts themselves are not decisions). A reviewer who
//!   changes their mind made two decisions.
//! * **Outcomes** (by model, by domain) are the items' statuses: the effective decision of each
//!   item, the one export uses. Rates are shares of the decided (non-pending) items.
//! * **Reject reasons** and **edit distances** are those of the items' effective decisions.
//! * **Burn-down**: per UTC day, items added (by creation time), items decided (by the time of
//!   the earliest decision still in force on the item) and items remaining pending after that day.
//! * **Agreement** is computed from each reviewer's *rating* of an item: their latest decision on
//!   it that is not undone. The label is the rating's action, and only `approve`, `edit` and
//!   `reject` count ([`AGREEMENT_LABELS`]): `needs_sme` is a hand-off ("I cannot judge this;
//!   ask an expert"), not a judgement of the content, so it is treated as a missing rating —
//!   counting it would score every SME hand-off as a disagreement with the expert who then
//!   decides. Two edits agree on the label whatever their texts (comparing edited texts is
//!   adjudication's job). Items with fewer than two counted ratings contribute nothing. An
//!   item's agreement day is the day of its latest counted rating.
//! * A comparison's approvals are labelled by their pick ([`PICK_LABELS`]), since two approvals
//!   that pick different candidates disagree: comparisons with a pick are counted on their own
//!   ([`AgreementStats::picks`]), not in the action figures.

pub(crate) mod tally;

use serde::Serialize;
use ts_rs::TS;

use crate::domain::StatusCounts;
use crate::vetter_agreement::Agreement as VetterAgreement;

/// The actions whose decisions are labels for agreement (see the module documentation).
pub const AGREEMENT_LABELS: [&str; 3] = ["approve", "edit", "reject"];

/// The labels of a comparison's approvals, by pick: the candidate from 0, or a tie (the stored
/// rating labels, written by migration 0018's triggers). A comparison on which any reviewer
/// picked is counted in [`AgreementStats::picks`], its edits and rejects as labels beside them.
pub const PICK_LABELS: [&str; 5] = ["pick:0", "pick:1", "pick:2", "pick:3", "pick:tie"];

/// Every figure of the stats dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Stats {
    /// Items per status (flattened: `pending`, `approved`, … at the top level).
    #[serde(flatten)]
    pub items: StatusCounts,
    /// All items.
    #[ts(type = "number")]
    pub total: i64,
    /// Decisions in force, all reviewers.
    #[ts(type = "number")]
    pub decisions: i64,
    /// Per UTC day (`YYYY-MM-DD`), oldest first.
    pub decisions_by_day: Vec<DayDecisions>,
    /// Per reviewer, by name.
    pub decisions_by_reviewer: Vec<ReviewerDecisions>,
    /// Item outcomes per generating model, by name.
    pub outcomes_by_model: Vec<Outcomes>,
    /// Item outcomes per domain, by name.
    pub outcomes_by_domain: Vec<Outcomes>,
    /// Reasons of rejected items, most frequent first.
    pub reject_reasons: Vec<ReasonCount>,
    /// Word-level edit distances of edited items.
    pub edit_distance: EditDistances,
    /// Queue burn-down per UTC day, oldest first.
    pub burn_down: Vec<BurnDownDay>,
    pub agreement: AgreementStats,
    /// Vetting model vs reviewers, per domain and vetting model (see `vetter_agreement`).
    pub vetter: Vec<VetterAgreement>,
    /// Each domain's review form in force, question by question (see `review_form::stats`).
    pub forms: Vec<crate::review_form::stats::FormStats>,
    /// Claim verdicts per domain, on the decisions in force (see `claims`).
    pub claims: Vec<crate::claims::ClaimFigures>,
}

/// Decisions per action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActionCounts {
    #[ts(type = "number")]
    pub approve: i64,
    #[ts(type = "number")]
    pub edit: i64,
    #[ts(type = "number")]
    pub reject: i64,
    #[ts(type = "number")]
    pub needs_sme: i64,
    #[ts(type = "number")]
    pub total: i64,
}

impl ActionCounts {
    /// Adds `n` decisions of `action` (`approve`, `edit`, `reject`, `needs_sme`).
    pub fn add(&mut self, action: &str, n: i64) {
        match action {
            "approve" => self.approve += n,
            "edit" => self.edit += n,
            "reject" => self.reject += n,
            "needs_sme" => self.needs_sme += n,
            _ => return,
        }
        self.total += n;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DayDecisions {
    pub day: String,
    #[serde(flatten)]
    pub decisions: ActionCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReviewerDecisions {
    pub reviewer: String,
    #[serde(flatten)]
    pub decisions: ActionCounts,
}

/// Item outcomes of one model or domain (`key`), with rates over its decided items.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Outcomes {
    pub key: String,
    #[serde(flatten)]
    pub items: StatusCounts,
    /// Non-pending items: the denominator of the rates.
    #[ts(type = "number")]
    pub decided: i64,
    pub approve_rate: Option<f64>,
    pub edit_rate: Option<f64>,
    pub reject_rate: Option<f64>,
    pub needs_sme_rate: Option<f64>,
}

impl Outcomes {
    pub fn new(key: String, items: StatusCounts) -> Outcomes {
        let decided = items.total() - items.pending;
        let rate = |n: i64| (decided > 0).then(|| n as f64 / decided as f64);
        Outcomes {
            key,
            decided,
            approve_rate: rate(items.approved),
            edit_rate: rate(items.edited),
            reject_rate: rate(items.rejected),
            needs_sme_rate: rate(items.needs_sme),
            items,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReasonCount {
    /// Reason id from the taxonomy.
    pub reason: String,
    /// Its label (the id again when the taxonomy no longer has it).
    pub label: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Distribution of the word-level edit distances of edited items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EditDistances {
    /// Edited items.
    #[ts(type = "number")]
    pub edits: i64,
    /// Edited items whose distance is unknown (edits recorded before distances were).
    #[ts(type = "number")]
    pub unknown: i64,
    pub mean: Option<f64>,
    #[ts(type = "number | null")]
    pub median: Option<i64>,
    #[ts(type = "number | null")]
    pub max: Option<i64>,
    /// Fixed buckets, every one present (zero counts included).
    pub buckets: Vec<DistanceBucket>,
}

/// Edits whose distance is in `from ..= to` (`to` is `null` for the open last bucket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DistanceBucket {
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number | null")]
    pub to: Option<i64>,
    #[ts(type = "number")]
    pub count: i64,
}

/// Lower bounds of the edit-distance buckets: 0, 1, 2, 3–5, 6–10, 11–20, 21–50, 51–100, 101+.
pub const DISTANCE_BUCKETS: [i64; 9] = [0, 1, 2, 3, 6, 11, 21, 51, 101];

impl EditDistances {
    /// From (distance, edits) pairs, `None` standing for an unknown distance.
    pub fn from_histogram(histogram: &[(Option<i64>, i64)]) -> EditDistances {
        let mut known: Vec<(i64, i64)> = histogram
            .iter()
            .filter_map(|(d, n)| d.map(|d| (d, *n)))
            .collect();
        known.sort_unstable();
        let measured: i64 = known.iter().map(|(_, n)| n).sum();
        let unknown: i64 = histogram
            .iter()
            .filter(|(d, _)| d.is_none())
            .map(|(_, n)| n)
            .sum();
        let sum: i64 = known.iter().map(|(d, n)| d * n).sum();
        // The lower median: the distance of the ⌈measured / 2⌉-th edit in order.
        let median = (measured > 0).then(|| {
            let middle = (measured + 1) / 2;
            let mut seen = 0;
            known
                .iter()
                .find(|(_, n)| {
                    seen += n;
                    seen >= middle
                })
                .map_or(0, |(d, _)| *d)
        });
        let buckets = DISTANCE_BUCKETS
            .iter()
            .enumerate()
            .map(|(i, &from)| {
                let to = DISTANCE_BUCKETS.get(i + 1).map(|next| next - 1);
                let count = known
                    .iter()
                    .filter(|(d, _)| *d >= from && to.is_none_or(|to| *d <= to))
                    .map(|(_, n)| n)
                    .sum();
                DistanceBucket { from, to, count }
            })
            .collect();
        EditDistances {
            edits: measured + unknown,
            unknown,
            mean: (measured > 0).then(|| sum as f64 / measured as f64),
            median,
            max: known.last().map(|(d, _)| *d),
            buckets,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BurnDownDay {
    pub day: String,
    /// Items created that day.
    #[ts(type = "number")]
    pub added: i64,
    /// Items whose earliest decision still in force was made that day.
    #[ts(type = "number")]
    pub decided: i64,
    /// Items pending at the end of the day (as far as today's log says).
    #[ts(type = "number")]
    pub remaining: i64,
}

/// Agreement between reviewers (see the module documentation for what counts).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AgreementStats {
    /// The actions that count as labels: `approve`, `edit`, `reject`.
    pub labels: Vec<String>,
    /// `needs_sme` ratings left out (hand-offs), on items rated by two or more reviewers.
    #[ts(type = "number")]
    pub needs_sme_ratings: i64,
    pub overall: AgreementFigures,
    /// Per domain, by name.
    pub by_domain: Vec<DomainAgreement>,
    /// Per UTC day of the item's latest counted rating, oldest first.
    pub by_day: Vec<DayAgreement>,
    /// Cohen's κ per pair of reviewers on the items both rated, by names.
    pub by_pair: Vec<PairAgreement>,
    /// Comparisons on which a reviewer picked, over their picks (a candidate or a tie), edits
    /// and rejects: all domains together.
    pub picks: AgreementFigures,
}

/// Agreement over a set of items with at least two counted ratings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AgreementFigures {
    /// Items with at least two counted ratings.
    #[ts(type = "number")]
    pub items: u64,
    /// Counted ratings on those items.
    #[ts(type = "number")]
    pub ratings: u64,
    pub percent_agreement: Option<f64>,
    /// Krippendorff's α (nominal); `null` when only one label occurs.
    pub alpha: Option<f64>,
}

impl AgreementFigures {
    pub fn of(tally: &crate::agreement::PairTally<&'static str>) -> AgreementFigures {
        AgreementFigures {
            items: tally.units(),
            ratings: tally.ratings(),
            percent_agreement: tally.percent_agreement(),
            alpha: tally.alpha_nominal(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DomainAgreement {
    pub domain: String,
    #[serde(flatten)]
    pub agreement: AgreementFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DayAgreement {
    pub day: String,
    #[serde(flatten)]
    pub agreement: AgreementFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PairAgreement {
    /// The pair's names in order (`reviewer_a` < `reviewer_b`).
    pub reviewer_a: String,
    pub reviewer_b: String,
    /// Items both rated (with counted labels).
    #[ts(type = "number")]
    pub items: u64,
    pub percent_agreement: Option<f64>,
    /// Cohen's κ; `null` when both used one and the same label throughout.
    pub kappa: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances_summarise_a_histogram() {
        let d = EditDistances::from_histogram(&[
            (Some(0), 1),
            (Some(2), 2),
            (Some(7), 1),
            (None, 3),
            (Some(250), 1),
        ]);
        assert_eq!(
            (d.edits, d.unknown, d.max, d.median),
            (8, 3, Some(250), Some(2))
        );
        assert_eq!(d.mean, Some(f64::from(2 * 2 + 7 + 250) / 5.0));
        let counts: Vec<i64> = d.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 2, 0, 1, 0, 0, 0, 1]);
        assert_eq!(d.buckets[3].to, Some(5));
        assert_eq!(d.buckets[8].to, None);
        let empty = EditDistances::from_histogram(&[]);
        assert_eq!((empty.mean, empty.median, empty.max), (None, None, None));
        assert_eq!(empty.buckets.len(), DISTANCE_BUCKETS.len());
    }
}
