//! Reviewers' verdicts on an answer's claims, stored per decision (`claim_checks`, append-only)
//! and written in the decision's transaction (see `feedback`); what a claim check may hold is
//! `claims`' rule.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::item_rows::{body_of, evidence_of};
use super::{Store, now_text, parse_json};
use crate::claims::{ClaimCheck, ClaimFigures, check_item_claims};
use crate::error::{Error, Result};

/// The claim checks recorded with one decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecordedClaims {
    pub decision_id: String,
    pub claims: Vec<ClaimCheck>,
}

/// A domain's claim settings (`claim_settings`, the latest row in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ClaimSettings {
    /// Approving an answer with a claim marked unsupported or contradicted asks to confirm.
    pub confirm_approve: bool,
}

impl Default for ClaimSettings {
    /// A domain nobody configured asks.
    fn default() -> Self {
        ClaimSettings {
            confirm_approve: true,
        }
    }
}

/// `domain` as a claim setting names it: refused when blank.
pub(crate) fn settings_domain(domain: &str) -> Result<&str> {
    if domain.trim().is_empty() {
        return Err(Error::BadRequest(
            "name the domain the setting is for".into(),
        ));
    }
    Ok(domain)
}

impl Store {
    /// The claim settings in force in `domain` (the defaults when never set).
    pub fn claim_settings(&self, domain: &str) -> Result<ClaimSettings> {
        let confirm: Option<bool> = self
            .conn
            .prepare_cached(
                "SELECT confirm_approve FROM claim_settings WHERE domain = ?1
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([domain], |r| r.get(0))
            .optional()?;
        Ok(
            confirm.map_or_else(ClaimSettings::default, |confirm_approve| ClaimSettings {
                confirm_approve,
            }),
        )
    }

    /// Records `settings` as `domain`'s, by `changed_by` (a new row: the history is kept).
    pub fn set_claim_settings(
        &mut self,
        domain: &str,
        settings: ClaimSettings,
        changed_by: &str,
    ) -> Result<()> {
        let domain = settings_domain(domain)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO claim_settings (domain, confirm_approve, changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![domain, settings.confirm_approve, changed_by, now_text()],
            )?;
            Ok(())
        })
    }

    /// Every claim setting as recorded `(domain, confirm approve, changed by, changed at)`,
    /// oldest first: what `team push` copies (the latest of a domain is in force).
    pub fn every_claim_setting(&self) -> Result<Vec<(String, bool, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT domain, confirm_approve, changed_by, changed_at FROM claim_settings
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds claim settings `(domain, confirm approve, changed by, changed at)` as they are, in
    /// their order, in one transaction (a snapshot copies a team server's this way).
    pub fn keep_claim_settings(
        &mut self,
        settings: &[(String, bool, String, String)],
    ) -> Result<()> {
        self.write(|tx| {
            let mut add = tx.prepare_cached(
                "INSERT INTO claim_settings (domain, confirm_approve, changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (domain, confirm, by, at) in settings {
                add.execute(params![domain, confirm, by, at])?;
            }
            Ok(())
        })
    }

    /// Per domain, the claim verdicts of the answers' decisions in force: a later decision
    /// without verdicts (or an undo) takes an item's out of the figures.
    pub fn claim_figures(&self) -> Result<Vec<ClaimFigures>> {
        let verdicts = self
            .conn
            .prepare_cached(
                "SELECT i.domain, c.verdict, count(*)
                 FROM claim_checks c
                 JOIN decisions d ON d.id = c.decision_id
                 JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
                 GROUP BY i.domain, c.verdict",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)? as u64,
                ))
            })?
            .map(|row| {
                let (domain, verdict, n) = row?;
                Ok((domain, verdict.parse()?, n))
            })
            .collect::<Result<Vec<_>>>()?;
        let answers = self
            .conn
            .prepare_cached(
                "SELECT i.domain, count(DISTINCT c.decision_id)
                 FROM claim_checks c
                 JOIN decisions d ON d.id = c.decision_id
                 JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
                 GROUP BY i.domain",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ClaimFigures::per_domain(verdicts, answers))
    }

    /// The claim checks of every decision on item `external_id` that has some, in log order.
    pub fn claim_checks(&self, external_id: &str) -> Result<Vec<RecordedClaims>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE i.external_id = ?1
               AND EXISTS (SELECT 1 FROM claim_checks c WHERE c.decision_id = d.id)
             ORDER BY d.clock, d.id",
        )?;
        let ids: Vec<String> = stmt
            .query_map([external_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter()
            .map(|decision_id| {
                let claims = claims_of_decision(&self.conn, &decision_id)?;
                Ok(RecordedClaims {
                    decision_id,
                    claims,
                })
            })
            .collect()
    }
}

/// The claim checks recorded with decision `decision_id`, in claim order.
pub(crate) fn claims_of_decision(conn: &Connection, decision_id: &str) -> Result<Vec<ClaimCheck>> {
    let mut stmt = conn.prepare_cached(
        "SELECT claim, verdict, spans FROM claim_checks WHERE decision_id = ?1 ORDER BY position",
    )?;
    let mut rows = stmt.query([decision_id])?;
    let mut claims = Vec::new();
    while let Some(r) = rows.next()? {
        claims.push(ClaimCheck {
            claim: r.get(0)?,
            verdict: r.get::<_, String>(1)?.parse()?,
            spans: parse_json(&r.get::<_, String>(2)?)?,
        });
    }
    Ok(claims)
}

/// `claims` checked against the model answer and evidence of item `external_id` (see
/// `claims::check_item_claims`). A missing item is left to the decision to report.
pub(super) fn checked_claims(
    tx: &Transaction<'_>,
    external_id: &str,
    claims: &[ClaimCheck],
) -> Result<Vec<ClaimCheck>> {
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let Some(item_id) = tx
        .prepare_cached("SELECT id FROM items WHERE external_id = ?1")?
        .query_row([external_id], |r| r.get::<_, i64>(0))
        .optional()?
    else {
        return Ok(Vec::new());
    };
    check_item_claims(
        external_id,
        &body_of(tx, item_id)?,
        &evidence_of(tx, item_id)?,
        claims,
    )
}

/// Records `claims` (checked by [`checked_claims`]) with decision `decision_id`.
pub(super) fn insert_claims(
    tx: &Transaction<'_>,
    decision_id: &str,
    claims: &[ClaimCheck],
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO claim_checks (decision_id, position, claim, verdict, spans)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, check) in claims.iter().enumerate() {
        insert.execute(params![
            decision_id,
            position as i64,
            check.claim,
            check.verdict.as_str(),
            serde_json::to_string(&check.spans).expect("spans serialize"),
        ])?;
    }
    Ok(())
}
