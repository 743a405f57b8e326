//! Vetting suggestions: the vetting model's verdict on an item, kept in `vetting_suggestions`
//! and mirrored into `items.vetting` (what reviewers see). A suggestion never touches the
//! decision log, the item's status or its version: it is an opinion, not a decision.
//!
//! `items.vetting.score` keeps the import format's meaning (confidence that the item is fine,
//! 0..1), so a suggestion's risk is stored there as `1 − risk`.

use rusqlite::{Transaction, params};

use super::{Store, now_text, parse_json};
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
    tx.prepare_cached("UPDATE items SET vetting = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![item_id, shown(agent, suggestion, prompt), now])?;
    Ok(())
}

/// What an item shows (`items.vetting`, as JSON) for `suggestion` from `agent` made with the
/// prompt version `prompt`.
fn shown(agent: &str, suggestion: &Suggestion, prompt: String) -> String {
    let vetting = Vetting {
        model: agent.to_owned(),
        verdict: suggestion.verdict,
        score: Some(score_of_risk(suggestion.risk)),
        reasons: suggestion.reasons.clone(),
        prompt: Some(prompt),
    };
    serde_json::to_string(&vetting).expect("vetting serializes")
}

/// A suggestion as stored, its item named by external id, with what the item shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSuggestion {
    pub item: String,
    pub agent: String,
    pub suggestion: Suggestion,
    /// `items.vetting` for it, byte for byte.
    pub shown: String,
    /// The item's version it judged, and when (as the holding database recorded them).
    pub item_version: i64,
    pub created_at: String,
}

/// Keeps `suggestions` of call `call_id` as another database recorded them, without touching
/// their items (a copy of that database carries what each item shows).
pub(super) fn keep_suggestions(
    tx: &Transaction<'_>,
    call_id: i64,
    suggestions: &[StoredSuggestion],
) -> Result<()> {
    let mut add = tx.prepare_cached(
        "INSERT INTO vetting_suggestions (item_id, call_id, agent, verdict, risk, reasons,
                                          item_version, created_at)
         VALUES ((SELECT id FROM items WHERE external_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for s in suggestions {
        add.execute(params![
            s.item,
            call_id,
            s.agent,
            s.suggestion.verdict,
            s.suggestion.risk,
            serde_json::to_string(&s.suggestion.reasons).expect("reasons serialize"),
            s.item_version,
            s.created_at
        ])?;
    }
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
    /// The suggestions call `call_id` wrote, in the order it wrote them.
    pub(crate) fn call_suggestions(&self, call_id: i64) -> Result<Vec<StoredSuggestion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.external_id, s.agent, s.verdict, s.risk, s.reasons, c.prompt_version,
                    s.item_version, s.created_at
             FROM vetting_suggestions s JOIN items i ON i.id = s.item_id
             JOIN llm_calls c ON c.id = s.call_id
             WHERE s.call_id = ?1 ORDER BY s.id",
        )?;
        let rows = stmt.query_map([call_id], |r| {
            let (agent, prompt): (String, String) = (r.get(1)?, r.get(5)?);
            let suggestion = Suggestion {
                verdict: r.get(2)?,
                risk: r.get(3)?,
                reasons: parse_json(&r.get::<_, String>(4)?)?,
            };
            Ok(StoredSuggestion {
                item: r.get(0)?,
                shown: shown(&agent, &suggestion, prompt),
                agent,
                suggestion,
                item_version: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

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
