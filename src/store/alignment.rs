//! Alignment runs (`vetted align vetter`, see `roles::align`): which held-out items each prompt
//! variant's vetting call judged, what it said and what the human had decided. Append-only.

use rusqlite::{Transaction, params};

use super::item_rows::VISIBLE;
use super::{Store, now_text};
use crate::domain::{ItemStatus, Verdict};
use crate::error::Result;

/// An alignment run as it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentStart<'a> {
    pub domain: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub holdout: f64,
    pub seed: u64,
    pub held_out: usize,
}

/// One verdict of an alignment run on a held-out item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignmentResult<'a> {
    pub alignment_id: i64,
    pub variant: &'a str,
    pub item_id: i64,
    pub call_id: i64,
    pub verdict: Verdict,
    pub risk: f64,
    /// What the human decided: approved, edited or rejected.
    pub human: ItemStatus,
}

pub(crate) fn record_alignment_result(
    tx: &Transaction<'_>,
    result: &AlignmentResult<'_>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO alignment_results (alignment_id, variant, item_id, call_id, verdict, risk,
                                        human)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        result.alignment_id,
        result.variant,
        result.item_id,
        result.call_id,
        result.verdict,
        result.risk,
        result.human,
    ])?;
    Ok(())
}

impl Store {
    /// Row id, external id and status of every approved, edited or rejected item of `domain`,
    /// in row order.
    pub fn decided_in_domain(&self, domain: &str) -> Result<Vec<(i64, String, ItemStatus)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, external_id, status FROM items
             WHERE domain = ?1 AND status IN ('approved', 'edited', 'rejected') AND {VISIBLE}
             ORDER BY id"
        ))?;
        let rows = stmt.query_map([domain], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn start_alignment(&mut self, start: &AlignmentStart<'_>) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO alignment_runs (domain, provider, model, holdout, seed, held_out,
                                             started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    start.domain,
                    start.provider,
                    start.model,
                    start.holdout,
                    start.seed as i64,
                    start.held_out as i64,
                    now_text()
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Links `variant` of alignment run `alignment_id` to the LLM run that made its calls.
    pub fn add_alignment_variant(
        &mut self,
        alignment_id: i64,
        variant: &str,
        run_id: i64,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO alignment_variants (alignment_id, variant, run_id) VALUES (?1, ?2, ?3)",
                params![alignment_id, variant, run_id],
            )?;
            Ok(())
        })
    }

    /// The (vetter verdict, human decision) pairs `variant` of an alignment run produced.
    pub fn alignment_pairs(
        &self,
        alignment_id: i64,
        variant: &str,
    ) -> Result<Vec<(Verdict, ItemStatus)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT verdict, human FROM alignment_results
             WHERE alignment_id = ?1 AND variant = ?2 ORDER BY item_id",
        )?;
        let rows = stmt.query_map(params![alignment_id, variant], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Latencies (ms) of the successful calls of LLM run `run_id`, ascending.
    pub fn run_latencies(&self, run_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT latency_ms FROM llm_calls
             WHERE run_id = ?1 AND error_code IS NULL ORDER BY latency_ms",
        )?;
        let rows = stmt.query_map([run_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
