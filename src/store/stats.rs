//! Gathers [`Stats`]: every figure is aggregated in SQL (`GROUP BY`, or read from the aggregates
//! migration 0010 maintains as decisions are recorded), so what comes back is bounded by days ×
//! reviewers, models, domains and reasons, not by items. The one exception is
//! agreement, which needs each item's ratings together: those rows are streamed one item at a
//! time (only items rated by at least two reviewers) and folded into tallies, never collected.
//!
//! The SQL lives in [`super::stats_sql`], which says which index each query reads.

use rusqlite::Connection;

use super::stats_sql as sql;
use super::{Store, VettedDecision};
use crate::error::Result;
use crate::stats::tally::{self, BurnDown, DecisionTally, OutcomeTally, RatingsFolder};
use crate::stats::{
    AgreementStats, BurnDownDay, DayDecisions, EditDistances, Outcomes, ReasonCount,
    ReviewerDecisions, Stats,
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
    let mut tally = DecisionTally::default();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let action: String = row.get(2)?;
        tally.add(row.get(0)?, row.get(1)?, &action, row.get(3)?);
    }
    Ok(tally.finish())
}

/// Item counts per status grouped by `column` (`model` or `domain`), visible items only.
fn outcomes_by(conn: &Connection, column: &str) -> Result<Vec<Outcomes>> {
    let mut tally = OutcomeTally::default();
    for (filter, sign) in [("", 1), (&*format!("WHERE {}", sql::UNFINISHED), -1)] {
        let mut stmt = conn.prepare_cached(&sql::outcomes(column, filter))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            tally.add(
                row.get(0)?,
                row.get(1)?,
                sign * row.get::<_, i64>(2)?,
                sign * row.get::<_, i64>(3)?,
            );
        }
    }
    Ok(tally.finish())
}

fn reject_reasons(conn: &Connection) -> Result<Vec<ReasonCount>> {
    let mut stmt = conn.prepare_cached(&sql::reject_reasons())?;
    let reasons = stmt
        .query_map([], |r| {
            Ok(ReasonCount {
                reason: r.get(0)?,
                label: r.get(1)?,
                count: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tally::by_frequency(reasons))
}

fn edit_distances(conn: &Connection) -> Result<EditDistances> {
    let mut stmt = conn.prepare_cached(&sql::edit_distances())?;
    let histogram = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(EditDistances::from_histogram(&histogram))
}

fn burn_down(conn: &Connection) -> Result<Vec<BurnDownDay>> {
    let mut days = BurnDown::default();
    for (filter, sign) in [("", 1), (&*format!("WHERE {}", sql::UNFINISHED), -1)] {
        let mut stmt = conn.prepare_cached(&sql::items_added(filter))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            days.added(row.get(0)?, sign * row.get::<_, i64>(1)?);
        }
    }
    let mut stmt = conn.prepare_cached(sql::ITEMS_DECIDED_BY_DAY)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        days.decided(row.get(0)?, row.get(1)?);
    }
    Ok(days.finish())
}

/// Folds each reviewer's rating of every item rated by two or more reviewers into the tallies,
/// streamed in item order so one item's ratings arrive together.
fn agreement(conn: &Connection) -> Result<AgreementStats> {
    let mut stmt = conn.prepare_cached(sql::RATINGS)?;
    let mut folder = RatingsFolder::default();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (domain, label, decided_at): (String, String, String) =
            (row.get(1)?, row.get(3)?, row.get(4)?);
        folder.rating(row.get(0)?, &domain, row.get(2)?, &label, &decided_at);
    }
    Ok(folder.finish())
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
