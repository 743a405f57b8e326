//! The stats dashboard on the team server ([`crate::Store::stats`]'s figures, with the same
//! definitions: see [`crate::stats`]). The rows come from PostgreSQL's SQL below; they are folded
//! into figures by the core's [`crate::stats::tally`], as the local store's are.
//!
//! Invariants:
//! - Every figure is read in one read-only REPEATABLE READ transaction, so they describe one
//!   moment of the server (a decision recorded meanwhile is in all of them or in none).
//! - Figures about items (counts, outcomes, reject reasons, edit distances, the burn-down) are
//!   of every item, as the queue's counts are: an item's status is readable by every reviewer,
//!   and the server's aggregate functions (migration 0006) give the outcome figures without
//!   naming an item, so they agree with the counts beside them. Figures about reviewers' work
//!   (decisions per day and reviewer, agreement) are of what the login may read: row-level
//!   security hides other reviewers' decisions under blind review until the login decided the
//!   item, so none of them reveals those earlier.
//! - Form answers and claim verdicts are figures of the decisions in force the login may read
//!   (they are readable exactly when their decision is).
//! - Decisions are read in one pass per figure, not from maintained aggregates as the local
//!   store does (`docs/PERFORMANCE.md`, *the stats dashboard on the server*).

use super::forms::{FormToAnswer, json_text};
use super::leases::enum_value;
use super::{TeamServer, server_error};
use crate::claims::ClaimFigures;
use crate::decision_rules::not_reverted;
use crate::domain::{ItemStatus, StatusCounts};
use crate::error::{Error, Result};
use crate::review_form::stats::{GivenAnswers, RatedAnswer, form_stats, text_questions};
use crate::stats::tally::{self, BurnDown, DecisionTally, OutcomeTally, RatingsFolder};
use crate::stats::{EditDistances, ReasonCount, Stats};
use crate::store::VettedDecision;
use crate::vetter_agreement::vetter_agreement_counted;

/// The decisions in force that the login may read: events that are not reverts and that no
/// revert cancels (the core's [`not_reverted!`] rule, as the local store's).
macro_rules! with_decisions_in_force {
    ($query:literal) => {
        concat!(
            "WITH live AS (
                 SELECT d.id, d.seq, d.item_id, d.reviewer, d.action, d.decided_at, d.pick
                   FROM decisions d
                  WHERE d.action <> 'revert' AND ",
            not_reverted!(),
            ") ",
            $query
        )
    };
}

/// (day, reviewer, action, decisions in force).
const DECISIONS_BY_DAY: &str = with_decisions_in_force!(
    "SELECT substr(decided_at, 1, 10), reviewer, action, count(*) FROM live GROUP BY 1, 2, 3"
);

/// (item, domain, reviewer, label, decided_at): each reviewer's rating — latest decision in
/// force, by `seq` — of the items rated by two or more reviewers, one item's rows together. A
/// comparison's approve is labelled by its pick (`pick:N`, `pick:tie`), as the local store's
/// ratings are (migration 0018).
const RATINGS: &str = with_decisions_in_force!(
    ", rated AS (
         SELECT DISTINCT ON (item_id, reviewer) item_id, reviewer, action, pick, decided_at
           FROM live ORDER BY item_id, reviewer, seq DESC)
     SELECT r.item_id, i.domain, r.reviewer,
            CASE WHEN r.action = 'approve' AND r.pick IS NOT NULL
                 THEN 'pick:' || coalesce(r.pick::jsonb ->> 'best', 'tie')
                 ELSE r.action END,
            r.decided_at
       FROM (SELECT rated.*, count(*) OVER (PARTITION BY item_id) AS raters FROM rated) r
       JOIN items i ON i.id = r.item_id
      WHERE r.raters >= 2
      ORDER BY r.item_id"
);

/// (item, question, value): the answers under form `$1` of each reviewer's rating (as in
/// [`RATINGS`]) of the items rated by two or more reviewers.
const FORM_RATINGS: &str = with_decisions_in_force!(
    ", rated AS (
         SELECT DISTINCT ON (item_id, reviewer) id, item_id
           FROM live ORDER BY item_id, reviewer, seq DESC)
     SELECT r.item_id, a.question, a.value
       FROM (SELECT rated.*, count(*) OVER (PARTITION BY item_id) AS raters FROM rated) r
       JOIN form_answers a ON a.decision_id = r.id
      WHERE r.raters >= 2 AND a.form_id = $1"
);

/// (id, domain, version, questions) of each domain's latest form version, by domain.
const FORMS_LATEST: &str =
    "SELECT DISTINCT ON (domain COLLATE \"C\") id, domain, version, questions
                              FROM review_forms ORDER BY domain COLLATE \"C\", version DESC";

/// (question, value, items): the answers under form `$1` of the items' decisions in force,
/// the values of the questions named in `$2` (texts) counted as one `null`.
const FORM_EFFECTIVE: &str = "SELECT a.question,
            CASE WHEN a.question = ANY($2) THEN 'null' ELSE a.value END AS given, count(*)
       FROM form_answers a
       JOIN decisions d ON d.id = a.decision_id
       JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
      WHERE a.form_id = $1
      GROUP BY 1, 2";

/// (domain, verdict, claims) of the claim verdicts of the items' decisions in force.
const CLAIM_VERDICTS: &str = "SELECT i.domain, c.verdict, count(*)
       FROM claim_checks c
       JOIN decisions d ON d.id = c.decision_id
       JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
      GROUP BY 1, 2";

/// (domain, answers whose decision in force carries claim verdicts).
const CLAIM_ANSWERS: &str = "SELECT i.domain, count(DISTINCT c.decision_id)
       FROM claim_checks c
       JOIN decisions d ON d.id = c.decision_id
       JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
      GROUP BY 1";

/// Item outcomes over every item, whoever asks (aggregates only, see migration 0006):
/// (day, items whose earliest decision in force falls on it).
const ITEMS_DECIDED_BY_DAY: &str = "SELECT day, items FROM stats_items_decided_by_day()";

/// (reason, label, count) of the rejected items' effective decisions.
const REJECT_REASONS: &str = "SELECT reason, label, items FROM stats_reject_reasons()";

/// (edit distance, count) of the edited items' effective decisions.
const EDIT_DISTANCES: &str = "SELECT distance, items FROM stats_edit_distances()";

/// The items in groups of (model, domain, status, day added, vetter, verdict), with their
/// number and conflicts: one pass over the items gives the counts, the outcomes by model and by
/// domain, the burn-down's items added and the vetter's observations. The groups are bounded by
/// models × domains × statuses × days × vetters, not by items.
const ITEM_GROUPS: &str = "SELECT model, domain, status, substr(created_at, 1, 10),
            vetting::jsonb ->> 'model', vetting::jsonb ->> 'verdict',
            count(*), count(*) FILTER (WHERE review = 'conflict')
       FROM items GROUP BY 1, 2, 3, 4, 5, 6";

impl TeamServer {
    /// Every figure of the stats dashboard, of what the login may read (see the module
    /// documentation).
    pub fn stats(&mut self) -> Result<Stats> {
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self.one_moment()?;
        let mut query = |sql: &str| tx.query(sql, &[]).map_err(failed);

        let mut items = StatusCounts::default();
        let (mut by_model, mut by_domain) = (OutcomeTally::default(), OutcomeTally::default());
        let mut burn_down = BurnDown::default();
        let mut vetted = Vec::new();
        for r in query(ITEM_GROUPS)? {
            let (model, domain, status): (String, String, ItemStatus) =
                (r.get(0), r.get(1), enum_value(r.get(2))?);
            let (n, conflicts): (i64, i64) = (r.get(6), r.get(7));
            items.add(status, n);
            items.conflict += conflicts;
            by_model.add(model, status, n, conflicts);
            by_domain.add(domain.clone(), status, n, conflicts);
            burn_down.added(r.get(3), n);
            let vetter: Option<String> = r.get(4);
            if let (Some(vetter), false) = (vetter, status == ItemStatus::Pending) {
                // The importer requires a verdict beside its model.
                let verdict: Option<&str> = r.get(5);
                let decision = VettedDecision {
                    domain,
                    vetter,
                    verdict: enum_value(verdict.unwrap_or_default())?,
                    status,
                };
                let count = u32::try_from(n).map_err(|_| {
                    Error::BadRequest("more vetted items than a count holds".into())
                })?;
                vetted.push((decision, count));
            }
        }

        let mut decisions = DecisionTally::default();
        for r in query(DECISIONS_BY_DAY)? {
            decisions.add(r.get(0), r.get(1), r.get(2), r.get(3));
        }
        let (decisions_by_day, decisions_by_reviewer) = decisions.finish();

        let reject_reasons = tally::by_frequency(
            query(REJECT_REASONS)?
                .iter()
                .map(|r| ReasonCount {
                    reason: r.get(0),
                    label: r.get(1),
                    count: r.get(2),
                })
                .collect(),
        );
        let histogram: Vec<(Option<i64>, i64)> = query(EDIT_DISTANCES)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();

        for r in query(ITEMS_DECIDED_BY_DAY)? {
            burn_down.decided(r.get(0), r.get(1));
        }

        let mut ratings = RatingsFolder::default();
        for r in query(RATINGS)? {
            ratings.rating(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        }

        let verdicts = query(CLAIM_VERDICTS)?
            .iter()
            .map(|r| {
                Ok((
                    r.get(0),
                    r.get::<_, &str>(1).parse()?,
                    r.get::<_, i64>(2) as u64,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let answers = query(CLAIM_ANSWERS)?
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect();
        let claims = ClaimFigures::per_domain(verdicts, answers);

        let mut forms = Vec::new();
        for r in query(FORMS_LATEST)? {
            let (form_id, domain, version): (i64, String, i32) = (r.get(0), r.get(1), r.get(2));
            // A retired form has no figures.
            let Some(form) = FormToAnswer::read(Some(form_id), Some(r.get(3)))? else {
                continue;
            };
            let texts = text_questions(&form.questions);
            let effective = tx
                .query(FORM_EFFECTIVE, &[&form_id, &texts])
                .map_err(failed)?
                .iter()
                .map(|r| {
                    Ok(GivenAnswers {
                        question: r.get(0),
                        value: json_text::<serde_json::Value>(r.get(1))?,
                        items: r.get::<_, i64>(2) as u64,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let ratings = tx
                .query(FORM_RATINGS, &[&form_id])
                .map_err(failed)?
                .iter()
                .map(|r| {
                    Ok(RatedAnswer {
                        item: r.get(0),
                        question: r.get(1),
                        value: json_text::<serde_json::Value>(r.get(2))?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            forms.push(form_stats(
                &domain,
                i64::from(version),
                &form.questions,
                &effective,
                &ratings,
            ));
        }

        tx.commit().map_err(failed)?;

        Ok(Stats {
            total: items.total(),
            items,
            decisions: decisions_by_day.iter().map(|d| d.decisions.total).sum(),
            decisions_by_day,
            decisions_by_reviewer,
            outcomes_by_model: by_model.finish(),
            outcomes_by_domain: by_domain.finish(),
            reject_reasons,
            edit_distance: EditDistances::from_histogram(&histogram),
            burn_down: burn_down.finish(),
            agreement: ratings.finish(),
            vetter: vetter_agreement_counted(&vetted),
            forms,
            claims,
        })
    }
}
