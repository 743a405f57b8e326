//! Gathers [`Stats`]: every figure is aggregated in SQL (`GROUP BY`, or read from the aggregates
//! migration 0010 maintains as decisions are recorded), so what comes back is bounded by days ×
//! reviewers, models, domains and reasons, not by items. The one exception is
//! agreement, which needs each item's ratings together: those rows are streamed one item at a
//! time (only items rated by at least two reviewers) and folded into tallies, never collected.
//!
//! The SQL lives in [`super::stats_sql`], which says which index each query reads.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::stats_sql as sql;
use super::{Store, VettedDecision};
use crate::agreement::{Contingency, PairTally};
use crate::domain::{ItemStatus, StatusCounts};
use crate::error::Result;
use crate::stats::{
    AGREEMENT_LABELS, ActionCounts, AgreementFigures, AgreementStats, BurnDownDay, DayAgreement,
    DayDecisions, DomainAgreement, EditDistances, Outcomes, PICK_LABELS, PairAgreement,
    ReasonCount, ReviewerDecisions, Stats,
};
use crate::vetter_agreement::vetter_agreement_counted;

impl Store {
    /// Every figure of the stats dashboard (see [`crate::stats`] for the definitions).
    pub fn stats(&self) -> Result<Stats> {
        let conn = &self.conn;
        let items = self.status_counts(&Default::default())?;
        let (decisions_by_day, decisions_by_reviewer) = decisions_by_day_and_reviewer(conn)?;
        Ok(Stats {
            total: items.total(),
            items,
            decisions: decisions_by_day.iter().map(|d| d.decisions.total).sum(),
            decisions_by_day,
            decisions_by_reviewer,
            outcomes_by_model: outcomes_by(conn, "model")?,
            outcomes_by_domain: outcomes_by(conn, "domain")?,
            reject_reasons: reject_reasons(conn)?,
            edit_distance: edit_distances(conn)?,
            burn_down: burn_down(conn)?,
            agreement: agreement(conn)?,
            vetter: vetter_agreement_counted(&vetted_decision_counts(conn)?),
            forms: self.form_stats()?,
            claims: self.claim_figures()?,
        })
    }
}

fn decisions_by_day_and_reviewer(
    conn: &Connection,
) -> Result<(Vec<DayDecisions>, Vec<ReviewerDecisions>)> {
    let mut stmt = conn.prepare_cached(sql::DECISIONS_BY_DAY)?;
    let mut by_day: BTreeMap<String, ActionCounts> = BTreeMap::new();
    let mut by_reviewer: BTreeMap<String, ActionCounts> = BTreeMap::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (day, reviewer, action, n): (String, String, String, i64) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        by_day.entry(day).or_default().add(&action, n);
        by_reviewer.entry(reviewer).or_default().add(&action, n);
    }
    Ok((
        by_day
            .into_iter()
            .map(|(day, decisions)| DayDecisions { day, decisions })
            .collect(),
        by_reviewer
            .into_iter()
            .map(|(reviewer, decisions)| ReviewerDecisions {
                reviewer,
                decisions,
            })
            .collect(),
    ))
}

/// Item counts per status grouped by `column` (`model` or `domain`), visible items only.
fn outcomes_by(conn: &Connection, column: &str) -> Result<Vec<Outcomes>> {
    let mut groups: BTreeMap<String, StatusCounts> = BTreeMap::new();
    for (filter, sign) in [("", 1), (&*format!("WHERE {}", sql::UNFINISHED), -1)] {
        let mut stmt = conn.prepare_cached(&sql::outcomes(column, filter))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let counts = groups.entry(row.get(0)?).or_default();
            let n = sign * row.get::<_, i64>(2)?;
            match row.get(1)? {
                ItemStatus::Pending => counts.pending += n,
                ItemStatus::Approved => counts.approved += n,
                ItemStatus::Edited => counts.edited += n,
                ItemStatus::Rejected => counts.rejected += n,
                ItemStatus::NeedsSme => counts.needs_sme += n,
            }
            counts.conflict += sign * row.get::<_, i64>(3)?;
        }
    }
    Ok(groups
        .into_iter()
        .filter(|(_, counts)| counts.total() > 0)
        .map(|(key, counts)| Outcomes::new(key, counts))
        .collect())
}

fn reject_reasons(conn: &Connection) -> Result<Vec<ReasonCount>> {
    let mut stmt = conn.prepare_cached(&sql::reject_reasons())?;
    let mut reasons = stmt
        .query_map([], |r| {
            Ok(ReasonCount {
                reason: r.get(0)?,
                label: r.get(1)?,
                count: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    Ok(reasons)
}

fn edit_distances(conn: &Connection) -> Result<EditDistances> {
    let mut stmt = conn.prepare_cached(&sql::edit_distances())?;
    let histogram = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(EditDistances::from_histogram(&histogram))
}

fn burn_down(conn: &Connection) -> Result<Vec<BurnDownDay>> {
    // (added, decided) per day.
    let mut days: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (filter, sign) in [("", 1), (&*format!("WHERE {}", sql::UNFINISHED), -1)] {
        let mut stmt = conn.prepare_cached(&sql::items_added(filter))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            days.entry(row.get(0)?).or_default().0 += sign * row.get::<_, i64>(1)?;
        }
    }
    let mut stmt = conn.prepare_cached(sql::ITEMS_DECIDED_BY_DAY)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        days.entry(row.get(0)?).or_default().1 += row.get::<_, i64>(1)?;
    }
    let mut remaining = 0;
    Ok(days
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
        .collect())
}

/// Folds each reviewer's rating of every item rated by two or more reviewers into the tallies.
fn agreement(conn: &Connection) -> Result<AgreementStats> {
    // Streamed in item order so one item's ratings arrive together.
    let mut stmt = conn.prepare_cached(sql::RATINGS)?;
    let mut folder = AgreementFolder::default();
    let mut current: Option<(i64, Unit)> = None;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let item: i64 = row.get(0)?;
        if current.as_ref().is_none_or(|(id, _)| *id != item) {
            if let Some((_, unit)) = current.take() {
                folder.add(unit);
            }
            current = Some((
                item,
                Unit {
                    domain: row.get(1)?,
                    ..Unit::default()
                },
            ));
        }
        let (_, unit) = current.as_mut().expect("set above");
        let action: String = row.get(3)?;
        let label = AGREEMENT_LABELS
            .iter()
            .chain(&PICK_LABELS)
            .find(|l| **l == action);
        match label {
            Some(label) => {
                let decided_at: String = row.get(4)?;
                let day = decided_at.get(..10).unwrap_or(&decided_at);
                if day > unit.day.as_str() {
                    unit.day = day.to_owned();
                }
                unit.ratings.push((row.get(2)?, label));
            }
            None => unit.needs_sme += 1,
        }
    }
    if let Some((_, unit)) = current {
        folder.add(unit);
    }
    Ok(folder.finish())
}

/// One item's counted ratings, by reviewer name.
#[derive(Default)]
struct Unit {
    domain: String,
    day: String,
    ratings: Vec<(String, &'static str)>,
    /// Reviewers whose rating is a needs-SME hand-off.
    needs_sme: i64,
}

#[derive(Default)]
struct AgreementFolder {
    needs_sme_ratings: i64,
    /// Comparisons with a pick, apart from everything else.
    picks: PairTally<&'static str>,
    overall: PairTally<&'static str>,
    by_domain: BTreeMap<String, PairTally<&'static str>>,
    by_day: BTreeMap<String, PairTally<&'static str>>,
    by_pair: BTreeMap<(String, String), Contingency<&'static str>>,
}

impl AgreementFolder {
    fn add(&mut self, unit: Unit) {
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
        // Ratings are sorted by reviewer, so (a, b) has a < b.
        for (i, (a, la)) in unit.ratings.iter().enumerate() {
            for (b, lb) in &unit.ratings[i + 1..] {
                self.by_pair
                    .entry((a.clone(), b.clone()))
                    .or_default()
                    .add(*la, *lb);
            }
        }
    }

    fn finish(self) -> AgreementStats {
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

/// Decided items carrying a vetting verdict, counted per (domain, vetter, verdict, status).
fn vetted_decision_counts(conn: &Connection) -> Result<Vec<(VettedDecision, u32)>> {
    let mut stmt = conn.prepare_cached(sql::VETTED_DECISIONS)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            VettedDecision {
                domain: r.get(0)?,
                vetter: r.get(1)?,
                verdict: r.get(2)?,
                status: r.get(3)?,
            },
            r.get(4)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
