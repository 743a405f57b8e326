//! The `llm_runs` and `llm_calls` tables: one row per run of a role and one per call it made,
//! failed calls included (they cost tokens too). Totals per run and per item are sums over the
//! calls, so they cannot drift from what was recorded.

use std::time::Duration;

use rusqlite::{Transaction, params};

use super::alignment::keep_alignment_results;
use super::assessments::keep_assessments;
use super::vetting::keep_suggestions;
use super::{Store, StoredAlignmentResult, StoredAssessment, StoredSuggestion, now_text};
use crate::error::{Error, Result};
use crate::llm::{Cost, OutputMode, Usage};
use crate::roles::Role;

/// Who ran: recorded once per run and with every call.
#[derive(Debug, Clone, PartialEq)]
pub struct RunLabel {
    pub role: Role,
    pub provider: String,
    pub model: String,
    pub prompt_version: String,
}

/// One finished call, successful or not.
#[derive(Debug)]
pub struct CallRecord<'a> {
    pub run_id: i64,
    pub item_id: Option<i64>,
    pub subject: &'a str,
    /// Which guidelines and examples the prompt carried (JSON), if any.
    pub knowledge: Option<&'a str>,
    pub label: &'a RunLabel,
    /// The prompt version actually used (a per-domain override differs from the run's).
    pub prompt_version: &'a str,
    pub output_mode: OutputMode,
    pub streamed: bool,
    pub usage: Usage,
    pub cost: Cost,
    pub latency: Duration,
    pub attempts: u32,
    pub finish_reason: Option<&'a str>,
    pub error: Option<&'a Error>,
}

/// Calls, tokens and cost summed over a run or an item.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CostTotals {
    #[ts(type = "number")]
    pub calls: i64,
    #[ts(type = "number")]
    pub failed_calls: i64,
    #[ts(type = "number")]
    pub prompt_tokens: i64,
    #[ts(type = "number")]
    pub completion_tokens: i64,
    pub cost_usd: f64,
    /// Calls whose model had no price: their cost counts as 0.
    #[ts(type = "number")]
    pub unpriced_calls: i64,
}

impl std::fmt::Display for CostTotals {
    /// e.g. `calls 3 (1 failed) · tokens 1200 prompt + 90 completion · cost $0.000234`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "calls {} ({} failed) · tokens {} prompt + {} completion · cost ${:.6}",
            self.calls,
            self.failed_calls,
            self.prompt_tokens,
            self.completion_tokens,
            self.cost_usd
        )?;
        if self.unpriced_calls > 0 {
            write!(
                f,
                " ({} calls unpriced: add the model to the price table)",
                self.unpriced_calls
            )?;
        }
        Ok(())
    }
}

/// A run as stored, for copying it between databases (a team server and a file).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    /// Who ran it, where the database that made it says (a team server's login).
    pub run_by: Option<String>,
    pub role: String,
    pub provider: String,
    pub model: String,
    pub prompt_version: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub cancelled: bool,
}

/// A call as stored, its item named by external id, with the suggestions it wrote: what a copy
/// in another database needs (`run_id` is the holding database's).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCall {
    pub run_id: i64,
    pub item: Option<String>,
    pub subject: String,
    pub role: String,
    pub provider: String,
    pub model: String,
    pub prompt_version: String,
    pub output_mode: String,
    pub streamed: bool,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub cost_usd: f64,
    pub priced: bool,
    pub latency_ms: i64,
    pub attempts: i64,
    pub finish_reason: Option<String>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub knowledge: Option<String>,
    pub created_at: String,
    pub suggestions: Vec<StoredSuggestion>,
    /// The alignment results it wrote (an alignment run's call).
    pub alignment: Vec<StoredAlignmentResult>,
    /// The relationships it judged (a ranking call).
    pub assessments: Vec<StoredAssessment>,
}

pub(crate) fn insert_call(tx: &Transaction<'_>, call: &CallRecord<'_>) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO llm_calls (run_id, item_id, subject, role, provider, model, prompt_version,
             output_mode, streamed, prompt_tokens, completion_tokens, cost_usd, priced, latency_ms,
             attempts, finish_reason, error_code, error, created_at, knowledge)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20)",
    )?
    .execute(params![
        call.run_id,
        call.item_id,
        call.subject,
        call.label.role.as_str(),
        call.label.provider,
        call.label.model,
        call.prompt_version,
        call.output_mode.as_str(),
        call.streamed,
        call.usage.prompt_tokens,
        call.usage.completion_tokens,
        call.cost.usd,
        call.cost.priced,
        i64::try_from(call.latency.as_millis()).unwrap_or(i64::MAX),
        call.attempts,
        call.finish_reason,
        call.error.map(Error::code),
        call.error.map(ToString::to_string),
        now_text(),
        call.knowledge,
    ])?;
    Ok(tx.last_insert_rowid())
}

const TOTALS: &str = "SELECT count(*), count(error_code), coalesce(sum(prompt_tokens), 0),
        coalesce(sum(completion_tokens), 0), coalesce(sum(cost_usd), 0.0),
        coalesce(sum(NOT priced), 0)
     FROM llm_calls";

fn read_totals(r: &rusqlite::Row<'_>) -> rusqlite::Result<CostTotals> {
    Ok(CostTotals {
        calls: r.get(0)?,
        failed_calls: r.get(1)?,
        prompt_tokens: r.get(2)?,
        completion_tokens: r.get(3)?,
        cost_usd: r.get(4)?,
        unpriced_calls: r.get(5)?,
    })
}

impl Store {
    /// Opens a run; close it with [`Store::finish_run`].
    pub fn start_run(&mut self, label: &RunLabel) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO llm_runs (role, provider, model, prompt_version, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    label.role.as_str(),
                    label.provider,
                    label.model,
                    label.prompt_version,
                    now_text()
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    pub fn finish_run(&mut self, run_id: i64, cancelled: bool) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE llm_runs SET finished_at = ?2, cancelled = ?3 WHERE id = ?1",
                params![run_id, now_text(), cancelled],
            )?;
            Ok(())
        })
    }

    pub fn run_totals(&self, run_id: i64) -> Result<CostTotals> {
        Ok(self
            .conn
            .prepare_cached(&format!("{TOTALS} WHERE run_id = ?1"))?
            .query_row([run_id], read_totals)?)
    }

    /// Run `run_id` as stored.
    pub fn stored_run(&self, run_id: i64) -> Result<StoredRun> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT role, provider, model, prompt_version, started_at, finished_at, cancelled,
                        run_by
                 FROM llm_runs WHERE id = ?1",
            )?
            .query_row([run_id], |r| {
                Ok(StoredRun {
                    role: r.get(0)?,
                    provider: r.get(1)?,
                    model: r.get(2)?,
                    prompt_version: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                    cancelled: r.get(6)?,
                    run_by: r.get(7)?,
                })
            })?)
    }

    /// Call `call_id` as stored, with the suggestions it wrote.
    pub fn stored_call(&self, call_id: i64) -> Result<StoredCall> {
        let mut call = self
            .conn
            .prepare_cached(
                "SELECT c.run_id, i.external_id, c.subject, c.role, c.provider, c.model,
                        c.prompt_version, c.output_mode, c.streamed, c.prompt_tokens,
                        c.completion_tokens, c.cost_usd, c.priced, c.latency_ms, c.attempts,
                        c.finish_reason, c.error_code, c.error, c.knowledge, c.created_at
                 FROM llm_calls c LEFT JOIN items i ON i.id = c.item_id WHERE c.id = ?1",
            )?
            .query_row([call_id], |r| {
                Ok(StoredCall {
                    run_id: r.get(0)?,
                    item: r.get(1)?,
                    subject: r.get(2)?,
                    role: r.get(3)?,
                    provider: r.get(4)?,
                    model: r.get(5)?,
                    prompt_version: r.get(6)?,
                    output_mode: r.get(7)?,
                    streamed: r.get(8)?,
                    prompt_tokens: r.get(9)?,
                    completion_tokens: r.get(10)?,
                    cost_usd: r.get(11)?,
                    priced: r.get(12)?,
                    latency_ms: r.get(13)?,
                    attempts: r.get(14)?,
                    finish_reason: r.get(15)?,
                    error_code: r.get(16)?,
                    error: r.get(17)?,
                    knowledge: r.get(18)?,
                    created_at: r.get(19)?,
                    suggestions: Vec::new(),
                    alignment: Vec::new(),
                    assessments: Vec::new(),
                })
            })?;
        call.suggestions = self.call_suggestions(call_id)?;
        call.alignment = self.call_alignment_results(call_id)?;
        call.assessments = self.call_assessments(call_id)?;
        Ok(call)
    }

    /// Keeps `runs` of another database as they are there (times included); their ids here,
    /// in order.
    pub fn keep_runs(&mut self, runs: &[StoredRun]) -> Result<Vec<i64>> {
        self.write(|tx| {
            let mut add = tx.prepare_cached(
                "INSERT INTO llm_runs (role, provider, model, prompt_version, started_at,
                                       finished_at, cancelled, run_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            runs.iter()
                .map(|r| {
                    add.execute(params![
                        r.role,
                        r.provider,
                        r.model,
                        r.prompt_version,
                        r.started_at,
                        r.finished_at,
                        r.cancelled,
                        r.run_by
                    ])?;
                    Ok(tx.last_insert_rowid())
                })
                .collect()
        })
    }

    /// Keeps `calls` of another database as they are there, each with its suggestions,
    /// alignment results and assessments (history here: what the items show comes with them);
    /// `run_id` and the results' alignment runs must be this database's, and each item one it
    /// holds.
    pub fn keep_calls(&mut self, calls: &[StoredCall]) -> Result<()> {
        self.write(|tx| {
            let mut add = tx.prepare_cached(
                "INSERT INTO llm_calls (run_id, item_id, subject, role, provider, model,
                     prompt_version, output_mode, streamed, prompt_tokens, completion_tokens,
                     cost_usd, priced, latency_ms, attempts, finish_reason, error_code, error,
                     knowledge, created_at)
                 VALUES (?1, (SELECT id FROM items WHERE external_id = ?2), ?3, ?4, ?5, ?6, ?7,
                         ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?;
            for c in calls {
                add.execute(params![
                    c.run_id,
                    c.item,
                    c.subject,
                    c.role,
                    c.provider,
                    c.model,
                    c.prompt_version,
                    c.output_mode,
                    c.streamed,
                    c.prompt_tokens,
                    c.completion_tokens,
                    c.cost_usd,
                    c.priced,
                    c.latency_ms,
                    c.attempts,
                    c.finish_reason,
                    c.error_code,
                    c.error,
                    c.knowledge,
                    c.created_at
                ])?;
                let call_id = tx.last_insert_rowid();
                keep_suggestions(tx, call_id, &c.suggestions)?;
                keep_alignment_results(tx, call_id, &c.alignment)?;
                keep_assessments(tx, call_id, &c.assessments)?;
            }
            Ok(())
        })
    }

    /// Every call that produced or judged the item, over all runs.
    pub fn item_costs(&self, external_id: &str) -> Result<CostTotals> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{TOTALS} WHERE item_id = (SELECT id FROM items WHERE external_id = ?1)"
            ))?
            .query_row([external_id], read_totals)?)
    }
}
