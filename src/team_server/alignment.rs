//! Alignment runs of the vetting model on the team server
//! (`migrations/postgres/0014_alignment_runs.sql`), read for the stats dashboard and the
//! auto-approve suggestion: only the SQL is here; the figures are the core's
//! ([`crate::roles::align::AlignmentRecords`]). A run is made as a vetting run is (a snapshot,
//! each call copied: see `llm_runs`).

use super::TeamServer;
use super::leases::enum_value;
use super::llm_runs::{call_totals, read_totals};
use crate::auto_approve::HeldOutVerdict;
use crate::error::Result;
use crate::roles::align::AlignmentRecords;
use crate::store::{AlignmentRun, CostTotals, score_of_risk};

const RUNS: &str = "SELECT id, domain, provider, model, started_at, held_out, run_by
     FROM alignment_runs WHERE $1::text IS NULL OR domain = $1 ORDER BY id DESC";

const VARIANTS: &str = "SELECT variant, run_id FROM alignment_variants WHERE alignment_id = $1
     ORDER BY run_id";

const VERDICTS: &str = "SELECT r.verdict, r.risk, r.human FROM alignment_results r
     JOIN items i ON i.id = r.item_id
     WHERE r.alignment_id = $1 AND r.variant = $2 ORDER BY i.external_id COLLATE \"C\"";

const LATENCIES: &str = "SELECT latency_ms FROM llm_calls
     WHERE run_id = $1 AND error_code IS NULL ORDER BY latency_ms";

const RUN_TOTALS: &str = concat!(call_totals!(), " WHERE run_id = $1");

/// As the local store's `pending_vetted_by` (and the queue's confident-pass filter).
const PENDING_VETTED: &str = "SELECT count(*),
        count(*) FILTER (WHERE vetting::jsonb ->> 'verdict' = 'pass'
                           AND (vetting::jsonb ->> 'score')::float8 >= $3)
     FROM items
     WHERE domain = $1 AND status = 'pending' AND vetting::jsonb ->> 'model' = $2";

impl AlignmentRecords for TeamServer {
    fn alignment_runs(&mut self, domain: Option<&str>) -> Result<Vec<AlignmentRun>> {
        Ok(self
            .rows(RUNS, &[&domain])?
            .iter()
            .map(|r| AlignmentRun {
                id: r.get(0),
                domain: r.get(1),
                provider: r.get(2),
                model: r.get(3),
                started_at: r.get(4),
                held_out: r.get::<_, i32>(5) as usize,
                run_by: r.get(6),
            })
            .collect())
    }

    fn alignment_variants(&mut self, alignment_id: i64) -> Result<Vec<(String, i64)>> {
        Ok(self
            .rows(VARIANTS, &[&alignment_id])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn alignment_verdicts(
        &mut self,
        alignment_id: i64,
        variant: &str,
    ) -> Result<Vec<HeldOutVerdict>> {
        self.rows(VERDICTS, &[&alignment_id, &variant])?
            .iter()
            .map(|r| {
                Ok(HeldOutVerdict {
                    verdict: enum_value(r.get(0))?,
                    score: score_of_risk(r.get(1)),
                    human: enum_value(r.get(2))?,
                })
            })
            .collect()
    }

    fn run_latencies(&mut self, run_id: i64) -> Result<Vec<i64>> {
        Ok(self
            .rows(LATENCIES, &[&run_id])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn run_totals(&mut self, run_id: i64) -> Result<CostTotals> {
        Ok(read_totals(&self.rows(RUN_TOTALS, &[&run_id])?[0]))
    }

    fn pending_vetted_by(
        &mut self,
        domain: &str,
        model: &str,
        min_score: f64,
    ) -> Result<(u64, u64)> {
        let rows = self.rows(PENDING_VETTED, &[&domain, &model, &min_score])?;
        Ok((
            rows[0].get::<_, i64>(0) as u64,
            rows[0].get::<_, i64>(1) as u64,
        ))
    }
}
