//! Folds the rows each storage backend's SQL returns into [`Stats`](super::Stats) figures, so
//! the definitions (see the parent module) are written once: the local store and the team
//! server differ only in how they select the rows (their dialects, their indexes and
//! aggregates), never in what the figures mean.

use std::collections::BTreeMap;

use super::{
    AGREEMENT_LABELS, ActionCounts, AgreementFigures, AgreementStats, BurnDownDay, DayAgreement,
    DayDecisions, DomainAgreement, Outcomes, PICK_LABELS, PairAgreement, ReasonCount,
    ReviewerDecisions,
};
use crate::agreement::{Contingency, PairTally};
use crate::domain::StatusCounts;

/// Decisions in force per UTC day and per reviewer, from (day, reviewer, action, count) rows.
#[derive(Default)]
pub(crate) struct DecisionTally {
    by_day: BTreeMap<String, ActionCounts>,
    by_reviewer: BTreeMap<String, ActionCounts>,
}

impl DecisionTally {
    pub(crate) fn add(&mut self, day: String, reviewer: String, action: &str, n: i64) {
        self.by_day.entry(day).or_default().add(action, n);
        self.by_reviewer.entry(reviewer).or_default().add(action, n);
    }

    /// The figures by day (oldest first) and by reviewer (by name).
    pub(crate) fn finish(self) -> (Vec<DayDecisions>, Vec<ReviewerDecisions>) {
        (
            self.by_day
                .into_iter()
                .map(|(day, decisions)| DayDecisions { day, decisions })
                .collect(),
            self.by_reviewer
                .into_iter()
                .map(|(reviewer, decisions)| ReviewerDecisions {
                    reviewer,
                    decisions,
                })
                .collect(),
        )
    }
}

/// Item outcomes per model or domain, from (key, status, items, conflicts) rows; a negative
/// count takes items away (the local store's unfinished imports).
#[derive(Default)]
pub(crate) struct OutcomeTally(BTreeMap<String, StatusCounts>);

impl OutcomeTally {
    pub(crate) fn add(
        &mut self,
        key: String,
        status: crate::domain::ItemStatus,
        items: i64,
        conflicts: i64,
    ) {
        let counts = self.0.entry(key).or_default();
        counts.add(status, items);
        counts.conflict += conflicts;
    }

    /// Every key with items, by name.
    pub(crate) fn finish(self) -> Vec<Outcomes> {
        self.0
            .into_iter()
            .filter(|(_, counts)| counts.total() > 0)
            .map(|(key, counts)| Outcomes::new(key, counts))
            .collect()
    }
}

/// Reject reasons, most frequent first (ties by id).
pub(crate) fn by_frequency(mut reasons: Vec<ReasonCount>) -> Vec<ReasonCount> {
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    reasons
}

/// The burn-down, from items added and items decided per UTC day.
#[derive(Default)]
pub(crate) struct BurnDown(BTreeMap<String, (i64, i64)>);

impl BurnDown {
    pub(crate) fn added(&mut self, day: String, items: i64) {
        self.0.entry(day).or_default().0 += items;
    }

    pub(crate) fn decided(&mut self, day: String, items: i64) {
        self.0.entry(day).or_default().1 += items;
    }

    /// Days with anything added or decided, oldest first, each with the items still pending
    /// at its end.
    pub(crate) fn finish(self) -> Vec<BurnDownDay> {
        let mut remaining = 0;
        self.0
            .into_iter()
            .filter(|(_, (added, decided))| *added != 0 || *decided != 0)
            .map(|(day, (added, decided))| {
                remaining += added - decided;
                BurnDownDay {
                    day,
                    added,
                    decided,
                    remaining,
                }
            })
            .collect()
    }
}

/// Agreement, from each reviewer's rating (latest decision in force) of the items rated by
/// two or more reviewers, streamed one item's ratings after another (rows of one item must
/// come together; their order within the item does not matter).
#[derive(Default)]
pub(crate) struct RatingsFolder {
    current: Option<(i64, Unit)>,
    needs_sme_ratings: i64,
    /// Comparisons with a pick, apart from everything else.
    picks: PairTally<&'static str>,
    overall: PairTally<&'static str>,
    by_domain: BTreeMap<String, PairTally<&'static str>>,
    by_day: BTreeMap<String, PairTally<&'static str>>,
    by_pair: BTreeMap<(String, String), Contingency<&'static str>>,
}

/// One item's counted ratings.
#[derive(Default)]
struct Unit {
    domain: String,
    day: String,
    /// (reviewer, label).
    ratings: Vec<(String, &'static str)>,
    /// Reviewers whose rating is a needs-SME hand-off.
    needs_sme: i64,
}

impl RatingsFolder {
    /// One reviewer's rating of `item`: its `label` is the decision's action, or a comparison
    /// approval's pick ([`PICK_LABELS`]); anything else (`needs_sme`) is a hand-off.
    /// `decided_at` is the rating's RFC 3339 time.
    pub(crate) fn rating(
        &mut self,
        item: i64,
        domain: &str,
        reviewer: String,
        label: &str,
        decided_at: &str,
    ) {
        if self.current.as_ref().is_none_or(|(id, _)| *id != item) {
            if let Some((_, unit)) = self.current.take() {
                self.add(unit);
            }
            let unit = Unit {
                domain: domain.to_owned(),
                ..Unit::default()
            };
            self.current = Some((item, unit));
        }
        let (_, unit) = self.current.as_mut().expect("set above");
        let counted = AGREEMENT_LABELS
            .iter()
            .chain(&PICK_LABELS)
            .find(|l| **l == label);
        match counted {
            Some(label) => {
                let day = decided_at.get(..10).unwrap_or(decided_at);
                if day > unit.day.as_str() {
                    unit.day = day.to_owned();
                }
                unit.ratings.push((reviewer, label));
            }
            None => unit.needs_sme += 1,
        }
    }

    fn add(&mut self, mut unit: Unit) {
        if unit.ratings.len() + unit.needs_sme as usize >= 2 {
            self.needs_sme_ratings += unit.needs_sme;
        }
        if unit.ratings.len() < 2 {
            return;
        }
        let labels: Vec<&'static str> = unit.ratings.iter().map(|(_, l)| *l).collect();
        let mut tally = PairTally::new();
        tally.add_unit(&labels);
        if labels.iter().any(|l| PICK_LABELS.contains(l)) {
            self.picks.merge(&tally);
            return;
        }
        self.overall.merge(&tally);
        self.by_domain.entry(unit.domain).or_default().merge(&tally);
        self.by_day.entry(unit.day).or_default().merge(&tally);
        // By name, so every pair (a, b) has a < b whatever order the rows came in.
        unit.ratings.sort_unstable();
        for (i, (a, la)) in unit.ratings.iter().enumerate() {
            for (b, lb) in &unit.ratings[i + 1..] {
                self.by_pair
                    .entry((a.clone(), b.clone()))
                    .or_default()
                    .add(*la, *lb);
            }
        }
    }

    pub(crate) fn finish(mut self) -> AgreementStats {
        if let Some((_, unit)) = self.current.take() {
            self.add(unit);
        }
        AgreementStats {
            labels: AGREEMENT_LABELS.iter().map(|l| (*l).to_owned()).collect(),
            needs_sme_ratings: self.needs_sme_ratings,
            overall: AgreementFigures::of(&self.overall),
            by_domain: self
                .by_domain
                .iter()
                .map(|(domain, t)| DomainAgreement {
                    domain: domain.clone(),
                    agreement: AgreementFigures::of(t),
                })
                .collect(),
            by_day: self
                .by_day
                .iter()
                .map(|(day, t)| DayAgreement {
                    day: day.clone(),
                    agreement: AgreementFigures::of(t),
                })
                .collect(),
            by_pair: self
                .by_pair
                .into_iter()
                .map(|((reviewer_a, reviewer_b), t)| PairAgreement {
                    reviewer_a,
                    reviewer_b,
                    items: t.units(),
                    percent_agreement: t.percent_agreement(),
                    kappa: t.cohens_kappa(),
                })
                .collect(),
            picks: AgreementFigures::of(&self.picks),
        }
    }
}
