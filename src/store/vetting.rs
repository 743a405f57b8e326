//! Vetting suggestions: the vetting model's verdict on an item, kept in `vetting_suggestions`
//! and mirrored into `items.vetting` (what reviewers see). A suggestion never touches the
//! decision log, the item's status or its version: it is an opinion, not a decision.
//!
//! `items.vetting.score` keeps the import format's meaning (confidence that the item is fine,
//! 0..1), so a suggestion's risk is stored there as `1 − risk`.

use rusqlite::{Transaction, params};

use super::{Store, now_text};
use crate::domain::{ItemStatus, Verdict, Vetting};
use crate::error::Result;

/// What a vetting model said about one item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    pub verdict: Verdict,
    /// Reason ids from the vetting taxonomy (see `roles::vet::REASONS`).
    pub reasons: Vec<String>,
    /// 0 (harmless) ..= 1 (certainly wrong or unsafe).
    pub risk: f64,
}

/// The vetting score (confidence that the item is fine, 0..1, three decimals) shown for a
/// suggestion of `risk`: what `items.vetting.score` holds and the queue filters on.
pub fn score_of_risk(risk: f64) -> f64 {
    ((1.0 - risk) * 1000.0).round() / 1000.0
}

/// Records `suggestion` from `agent` (the vetting model's name) for the item at `item_id`.
pub(crate) fn record_suggestion(
    tx: &Transaction<'_>,
    item_id: i64,
    call_id: i64,
    agent: &str,
    suggestion: &Suggestion,
) -> Result<()> {
    let now = now_text();
    tx.prepare_cached(
        "INSERT INTO vetting_suggestions (item_id, call_id, agent, verdict, risk, reasons,
                                          item_version, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT version FROM items WHERE id = ?1), ?7)",
    )?
    .execute(params![
        item_id,
        call_id,
        agent,
        suggestion.verdict,
        suggestion.risk,
        serde_json::to_string(&suggestion.reasons).expect("reasons serialize"),
        now,
    ])?;
    let prompt = tx
        .prepare_cached("SELECT prompt_version FROM llm_calls WHERE id = ?1")?
        .query_row([call_id], |r| r.get(0))?;
    let vetting = Vetting {
        model: agent.to_owned(),
        verdict: suggestion.verdict,
        score: Some(score_of_risk(suggestion.risk)),
        reasons: suggestion.reasons.clone(),
        prompt: Some(prompt),
    };
    tx.prepare_cached("UPDATE items SET vetting = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![
            item_id,
            serde_json::to_string(&vetting).expect("vetting serializes"),
            now
        ])?;
    Ok(())
}

/// A decided item that carries a vetting verdict: one observation for vetter-vs-human stats.
#[derive(Debug, Clone, PartialEq)]
pub struct VettedDecision {
    pub domain: String,
    /// The vetting model (agent) whose verdict the item carries.
    pub vetter: String,
    pub verdict: Verdict,
    /// Approved, edited or rejected (pending items are not observations).
    pub status: ItemStatus,
}

impl Store {
    /// Every item that has both a vetting verdict and a human decision.
    pub fn vetted_decisions(&self) -> Result<Vec<VettedDecision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT domain, vetting ->> '$.model', vetting ->> '$.verdict', status
             FROM items WHERE vetting IS NOT NULL AND status <> 'pending'
             ORDER BY domain, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(VettedDecision {
                domain: r.get(0)?,
                vetter: r.get(1)?,
                verdict: r.get(2)?,
                status: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
