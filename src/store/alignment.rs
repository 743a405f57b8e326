//! Alignment runs (`vetted align vetter`, see `roles::align`): which held-out items each prompt
//! variant's vetting call judged, what it said and what the human had decided. Append-only.

use std::collections::HashSet;

use rusqlite::{Transaction, params};

use super::item_rows::VISIBLE;
use super::queue::CONFIDENT_PASS;
use super::vetting::score_of_risk;
use super::{Store, now_text};
use crate::auto_approve::HeldOutVerdict;
use crate::domain::{ItemStatus, Verdict};
use crate::error::Result;

/// An alignment run as stored (its figures are computed from its results, see
/// `roles::align::alignment_history`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentRun {
    pub id: i64,
    pub domain: String,
    pub provider: String,
    pub model: String,
    pub started_at: String,
    pub held_out: usize,
    /// Who ran it, where the database that made it says (a team server's login); `None` for a
    /// run made on this database.
    pub run_by: Option<String>,
}

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

/// An alignment run as stored, for copying it to another database (a team server, a snapshot
/// of one).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlignment {
    pub domain: String,
    pub provider: String,
    pub model: String,
    pub holdout: f64,
    pub seed: i64,
    pub held_out: i64,
    pub started_at: String,
    /// Who ran it, where the database that made it says (a team server's login).
    pub run_by: Option<String>,
}

/// One result of an alignment run as stored, its item named by external id: what a call of the
/// run wrote (`alignment_id` is the holding database's).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlignmentResult {
    pub alignment_id: i64,
    pub variant: String,
    pub item: String,
    pub verdict: Verdict,
    pub risk: f64,
    pub human: ItemStatus,
}

fn insert_alignment(tx: &Transaction<'_>, run: &StoredAlignment) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO alignment_runs (domain, provider, model, holdout, seed, held_out, started_at,
                                     run_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        run.domain,
        run.provider,
        run.model,
        run.holdout,
        run.seed,
        run.held_out,
        run.started_at,
        run.run_by
    ])?;
    Ok(tx.last_insert_rowid())
}

fn link_variant(tx: &Transaction<'_>, alignment_id: i64, variant: &str, run_id: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO alignment_variants (alignment_id, variant, run_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![alignment_id, variant, run_id])?;
    Ok(())
}

/// Keeps the alignment results call `call_id` (this database's) wrote in another database;
/// their alignment runs must be this database's, their items held here.
pub(crate) fn keep_alignment_results(
    tx: &Transaction<'_>,
    call_id: i64,
    results: &[StoredAlignmentResult],
) -> Result<()> {
    for r in results {
        let item_id: i64 = tx
            .prepare_cached("SELECT id FROM items WHERE external_id = ?1")?
            .query_row([&r.item], |row| row.get(0))?;
        record_alignment_result(
            tx,
            &AlignmentResult {
                alignment_id: r.alignment_id,
                variant: &r.variant,
                item_id,
                call_id,
                verdict: r.verdict,
                risk: r.risk,
                human: r.human,
            },
        )?;
    }
    Ok(())
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
    /// in row order; not comparisons, which the vetting model does not judge.
    pub fn decided_in_domain(&self, domain: &str) -> Result<Vec<(i64, String, ItemStatus)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, external_id, status FROM items
             WHERE domain = ?1 AND status IN ('approved', 'edited', 'rejected')
               AND kind <> 'comparison' AND {VISIBLE}
             ORDER BY id"
        ))?;
        let rows = stmt.query_map([domain], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// External ids of every item `held_out` picks by its external id, and of every copy of one
    /// (same content hash: domain, model and body) imported under another id. One pass.
    pub fn held_out_with_copies(&self, held_out: impl Fn(&str) -> bool) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT external_id, content_hash FROM items")?;
        let items: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let hashes: HashSet<&str> = items
            .iter()
            .filter(|(id, _)| held_out(id))
            .map(|(_, hash)| hash.as_str())
            .collect();
        Ok(items
            .iter()
            .filter(|(_, hash)| hashes.contains(hash.as_str()))
            .map(|(id, _)| id.clone())
            .collect())
    }

    pub fn start_alignment(&mut self, start: &AlignmentStart<'_>) -> Result<i64> {
        let run = StoredAlignment {
            domain: start.domain.to_owned(),
            provider: start.provider.to_owned(),
            model: start.model.to_owned(),
            holdout: start.holdout,
            seed: start.seed as i64,
            held_out: start.held_out as i64,
            started_at: now_text(),
            run_by: None,
        };
        self.write(|tx| insert_alignment(tx, &run))
    }

    /// Keeps alignment runs of another database as they are there (times included); their ids
    /// here, in order.
    pub fn keep_alignments(&mut self, runs: &[StoredAlignment]) -> Result<Vec<i64>> {
        self.write(|tx| runs.iter().map(|run| insert_alignment(tx, run)).collect())
    }

    /// Keeps the links `(alignment run, variant, LLM run)` of another database; the ids must be
    /// this database's.
    pub fn keep_alignment_variants(&mut self, variants: &[(i64, String, i64)]) -> Result<()> {
        self.write(|tx| {
            for (alignment_id, variant, run_id) in variants {
                link_variant(tx, *alignment_id, variant, *run_id)?;
            }
            Ok(())
        })
    }

    /// Links `variant` of alignment run `alignment_id` to the LLM run that made its calls.
    pub fn add_alignment_variant(
        &mut self,
        alignment_id: i64,
        variant: &str,
        run_id: i64,
    ) -> Result<()> {
        self.write(|tx| link_variant(tx, alignment_id, variant, run_id))
    }

    /// What the vetter said on each held-out item `variant` of an alignment run judged, with the
    /// human's decision, by item.
    pub fn alignment_verdicts(
        &self,
        alignment_id: i64,
        variant: &str,
    ) -> Result<Vec<HeldOutVerdict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT verdict, risk, human FROM alignment_results
             WHERE alignment_id = ?1 AND variant = ?2 ORDER BY item_id",
        )?;
        let rows = stmt.query_map(params![alignment_id, variant], |r| {
            Ok(HeldOutVerdict {
                verdict: r.get(0)?,
                score: score_of_risk(r.get(1)?),
                human: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Alignment runs, newest first; only those of `domain` when given.
    pub fn alignment_runs(&self, domain: Option<&str>) -> Result<Vec<AlignmentRun>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, domain, provider, model, started_at, held_out, run_by FROM alignment_runs
             WHERE ?1 IS NULL OR domain = ?1 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([domain], |r| {
            Ok(AlignmentRun {
                id: r.get(0)?,
                domain: r.get(1)?,
                provider: r.get(2)?,
                model: r.get(3)?,
                started_at: r.get(4)?,
                held_out: r.get::<_, i64>(5)? as usize,
                run_by: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The variants alignment run `alignment_id` ran, each with its LLM run, in the order run.
    pub fn alignment_variants(&self, alignment_id: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT variant, run_id FROM alignment_variants WHERE alignment_id = ?1
             ORDER BY run_id",
        )?;
        let rows = stmt.query_map([alignment_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pending items of `domain` that `model` vetted, and how many of them it passed with a
    /// vetting score of at least `min_score`.
    pub fn pending_vetted_by(
        &self,
        domain: &str,
        model: &str,
        min_score: f64,
    ) -> Result<(u64, u64)> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT count(*), count(*) FILTER (WHERE {CONFIDENT_PASS})
             FROM items
             WHERE domain = :domain AND status = 'pending' AND vetting ->> '$.model' = :vetter
               AND {VISIBLE}"
        ))?;
        let named: &[(&str, &dyn rusqlite::ToSql)] = &[
            (":domain", &domain),
            (":vetter", &model),
            (":confident", &min_score),
        ];
        Ok(stmt.query_row(named, |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })?)
    }

    /// Alignment run `alignment_id` as stored.
    pub fn stored_alignment(&self, alignment_id: i64) -> Result<StoredAlignment> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT domain, provider, model, holdout, seed, held_out, started_at, run_by
                 FROM alignment_runs WHERE id = ?1",
            )?
            .query_row([alignment_id], |r| {
                Ok(StoredAlignment {
                    domain: r.get(0)?,
                    provider: r.get(1)?,
                    model: r.get(2)?,
                    holdout: r.get(3)?,
                    seed: r.get(4)?,
                    held_out: r.get(5)?,
                    started_at: r.get(6)?,
                    run_by: r.get(7)?,
                })
            })?)
    }

    /// The alignment results call `call_id` wrote.
    pub(crate) fn call_alignment_results(
        &self,
        call_id: i64,
    ) -> Result<Vec<StoredAlignmentResult>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.alignment_id, r.variant, i.external_id, r.verdict, r.risk, r.human
             FROM alignment_results r JOIN items i ON i.id = r.item_id
             WHERE r.call_id = ?1 ORDER BY r.alignment_id, r.variant",
        )?;
        let rows = stmt.query_map([call_id], |r| {
            Ok(StoredAlignmentResult {
                alignment_id: r.get(0)?,
                variant: r.get(1)?,
                item: r.get(2)?,
                verdict: r.get(3)?,
                risk: r.get(4)?,
                human: r.get(5)?,
            })
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
