//! The shared shape of a run: open a run row, make the calls concurrently (up to the client's
//! limit), and for each finished call write — in one transaction — the call record (tokens,
//! cost, latency, attempts, error) and what it produced. Calls are recorded whether or not they
//! succeeded; a call cancelled before it was answered is not a call and is counted as not run.
//! Database errors abort the run; LLM errors fail only their own input.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;

use futures_util::StreamExt;
use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::llm::{
    CancellationToken, ChatParams, Client, Exchange, Message, OutputMode, PriceTable, Reply, Usage,
};
use crate::store::{CallRecord, CostTotals, RunLabel, Store, insert_call};

/// Knobs shared by the roles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOptions {
    /// Stream answers over SSE instead of waiting for the whole body.
    pub stream: bool,
    /// Overrides the role's default completion limit.
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    /// Per-domain prompt overrides (see [`super::prompts`]).
    pub prompt_dir: Option<PathBuf>,
}

/// What a caller needs to run a role: the client, prices, options, a progress callback (called
/// after every finished input), a cancellation token and where else the run is recorded.
pub struct RunContext<'a> {
    pub client: &'a Client,
    pub prices: &'a PriceTable,
    pub options: RunOptions,
    pub progress: &'a (dyn Fn(&Progress) + Sync),
    pub cancel: &'a CancellationToken,
    /// Where each record is copied right after the store writes it (a team server), if
    /// anywhere; the summary then names the run by the mirror's id.
    pub mirror: Option<&'a Mutex<dyn RunMirror>>,
}

/// Where a run's records go besides the store that runs it: the store is written first, then
/// the mirror, record by record, so a run cut short leaves both with the same calls. A mirror
/// failing stops the run, as the store failing does, and the run is finished as cancelled on
/// both sides as far as they take it.
pub trait RunMirror: Send {
    /// Copies run `run_id` of `store` as it stands (opened, then finished); returns its id in
    /// the mirror.
    fn copy_run(&mut self, store: &Store, run_id: i64) -> Result<i64>;

    /// Copies call `call_id` of `store` (of a run copied before) and what it wrote.
    fn copy_call(&mut self, store: &Store, call_id: i64) -> Result<()>;

    /// Copies alignment run `alignment_id` of `store` (as it starts); returns its id in the
    /// mirror.
    fn copy_alignment(&mut self, store: &Store, alignment_id: i64) -> Result<i64>;

    /// Copies the link of `variant` of alignment run `alignment_id` (copied before) to the run
    /// `run_id` (copied before) that made its calls; ids are the store's.
    fn copy_alignment_variant(
        &mut self,
        alignment_id: i64,
        variant: &str,
        run_id: i64,
    ) -> Result<()>;
}

/// `copy` on the context's mirror, if it has one.
pub(super) fn mirrored<T>(
    ctx: &RunContext<'_>,
    copy: impl FnOnce(&mut dyn RunMirror) -> Result<T>,
) -> Result<Option<T>> {
    let Some(mirror) = ctx.mirror else {
        return Ok(None);
    };
    let mut mirror = mirror
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    copy(&mut *mirror).map(Some)
}

/// Progress after each finished input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
    pub cost_usd: f64,
}

/// One input that did not produce a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFailure {
    pub subject: String,
    pub code: crate::error::ErrorCode,
    pub message: String,
}

/// At most this many failures are kept in a summary; the rest are counted.
const MAX_LISTED_FAILURES: usize = 20;

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    /// The run's id where people look it up: the mirror's (a team server) when there is one,
    /// else the store's.
    pub run_id: i64,
    /// The run's id in the store the role ran on.
    #[serde(skip)]
    pub stored_run_id: i64,
    pub role: super::Role,
    pub provider: String,
    pub model: String,
    pub prompt_version: String,
    pub inputs: usize,
    pub succeeded: usize,
    pub failed: usize,
    /// Inputs skipped as already done, or not run because the run was cancelled.
    pub not_run: usize,
    pub items_written: usize,
    /// Calls, tokens and cost over the run, failed calls included.
    pub totals: CostTotals,
    pub failures: Vec<InputFailure>,
    pub cancelled: bool,
}

impl std::fmt::Display for RunSummary {
    /// One line, e.g. `vet run 4 with gpt-4o-mini (openai, prompt vet.v3): 10 inputs · 9 ok ·
    /// 1 failed · 0 not run · 9 items written`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} run {} with {} ({}, prompt {}): {} inputs · {} ok · {} failed · {} not run · {} items written{}",
            self.role.as_str(),
            self.run_id,
            self.model,
            self.provider,
            self.prompt_version,
            self.inputs,
            self.succeeded,
            self.failed,
            self.not_run,
            self.items_written,
            if self.cancelled { " · cancelled" } else { "" }
        )
    }
}

/// One finished call: what it was about, how it was asked, and the parsed value or the error.
pub(crate) struct Outcome<T> {
    pub subject: String,
    /// The existing item the call was about (vet), if any.
    pub item_id: Option<i64>,
    /// Which guidelines and examples the prompt carried (see `super::knowledge`), if any.
    pub knowledge: Option<String>,
    pub prompt_version: String,
    pub mode: OutputMode,
    pub streamed: bool,
    pub usage: Usage,
    pub attempts: u32,
    pub latency: std::time::Duration,
    pub finish_reason: Option<String>,
    pub value: Result<T>,
}

impl<T> Outcome<T> {
    /// Builds the outcome of `exchange`, parsing a successful reply with `parse`.
    pub fn new(
        subject: String,
        prompt_version: String,
        (exchange, mode): (Exchange, OutputMode),
        streamed: bool,
        parse: impl FnOnce(&Reply) -> Result<T>,
    ) -> Outcome<T> {
        let reply = exchange.reply.as_ref().ok();
        Outcome {
            subject,
            item_id: None,
            knowledge: None,
            prompt_version,
            mode,
            streamed,
            usage: reply.and_then(|r| r.usage).unwrap_or_default(),
            attempts: exchange.attempts,
            latency: exchange.latency,
            finish_reason: reply.and_then(|r| r.finish_reason.clone()),
            value: exchange.reply.and_then(|r| parse(&r)),
        }
    }
}

impl RunContext<'_> {
    /// A system + user exchange with the run's options and the role's default token limit.
    pub(crate) fn params(&self, system: &str, user: String, default_max_tokens: u32) -> ChatParams {
        ChatParams {
            messages: vec![Message::system(system), Message::user(user)],
            max_tokens: Some(self.options.max_tokens.unwrap_or(default_max_tokens)),
            temperature: self.options.temperature,
            response_format: None,
            stream: self.options.stream,
        }
    }
}

/// What persisting one successful call wrote.
pub(crate) struct Written {
    /// The item the call produced, to link the call to (generate).
    pub item_id: Option<i64>,
    pub items: usize,
}

/// Runs `call` over `inputs` with the client's concurrency and records every finished call;
/// `persist` stores a successful value in the same transaction as its call record.
pub(crate) async fn execute<'i, I, T, Fut>(
    store: &mut Store,
    ctx: &RunContext<'_>,
    label: RunLabel,
    inputs: &'i [I],
    skipped: usize,
    call: impl Fn(&'i I) -> Fut,
    mut persist: impl FnMut(&Transaction<'_>, &I, T, i64) -> Result<Written>,
) -> Result<RunSummary>
where
    Fut: Future<Output = Outcome<T>>,
{
    let run_id = store.start_run(&label)?;
    let mirrored_run = match mirrored(ctx, |m| m.copy_run(store, run_id)) {
        Ok(id) => id,
        Err(e) => return Err(finish_stopped(store, ctx, run_id, e)),
    };
    let mut summary = RunSummary {
        run_id: mirrored_run.unwrap_or(run_id),
        stored_run_id: run_id,
        role: label.role,
        provider: label.provider.clone(),
        model: label.model.clone(),
        prompt_version: label.prompt_version.clone(),
        inputs: inputs.len() + skipped,
        succeeded: 0,
        failed: 0,
        not_run: skipped,
        items_written: 0,
        totals: CostTotals::default(),
        failures: Vec::new(),
        cancelled: false,
    };
    let mut progress = Progress {
        total: inputs.len(),
        ..Progress::default()
    };
    // Any failure stops the run: it is then finished as cancelled on both sides, as far as they
    // take it, so nobody adds to it later.
    let called: Result<()> = async {
        let call = &call;
        let mut finished = futures_util::stream::iter(inputs)
            .map(|input| async move { (input, call(input).await) })
            .buffer_unordered(ctx.client.options().concurrency.max(1));
        while let Some((input, outcome)) = finished.next().await {
            progress.done += 1;
            if matches!(outcome.value, Err(Error::Cancelled)) {
                summary.not_run += 1;
                continue;
            }
            let cost = ctx.prices.cost(&label.model, outcome.usage);
            progress.cost_usd += cost.usd;
            let subject = outcome.subject.clone();
            let (call_id, result) = store.write(|tx| {
                let record = CallRecord {
                    run_id,
                    item_id: outcome.item_id,
                    subject: &outcome.subject,
                    knowledge: outcome.knowledge.as_deref(),
                    label: &label,
                    prompt_version: &outcome.prompt_version,
                    output_mode: outcome.mode,
                    streamed: outcome.streamed,
                    usage: outcome.usage,
                    cost,
                    latency: outcome.latency,
                    attempts: outcome.attempts,
                    finish_reason: outcome.finish_reason.as_deref(),
                    error: outcome.value.as_ref().err(),
                };
                let call_id = insert_call(tx, &record)?;
                let value = match outcome.value {
                    Ok(value) => value,
                    Err(e) => return Ok((call_id, Err(e))),
                };
                match persist(tx, input, value, call_id) {
                    Ok(written) => {
                        tx.execute(
                            "UPDATE llm_calls SET item_id = coalesce(?2, item_id) WHERE id = ?1",
                            params![call_id, written.item_id],
                        )?;
                        Ok((call_id, Ok(written)))
                    }
                    Err(e @ Error::Sqlite(_)) => Err(e),
                    Err(e) => {
                        tx.execute(
                            "UPDATE llm_calls SET error_code = ?2, error = ?3 WHERE id = ?1",
                            params![call_id, e.code(), e.to_string()],
                        )?;
                        Ok((call_id, Err(e)))
                    }
                }
            })?;
            mirrored(ctx, |m| m.copy_call(store, call_id))?;
            match result {
                Ok(written) => {
                    summary.succeeded += 1;
                    summary.items_written += written.items;
                }
                Err(e) => {
                    summary.failed += 1;
                    progress.failed += 1;
                    if summary.failures.len() < MAX_LISTED_FAILURES {
                        summary.failures.push(InputFailure {
                            subject,
                            code: e.code(),
                            message: e.to_string(),
                        });
                    }
                }
            }
            (ctx.progress)(&progress);
        }
        drop(finished);
        Ok(())
    }
    .await;
    if let Err(e) = called {
        return Err(finish_stopped(store, ctx, run_id, e));
    }
    summary.cancelled = ctx.cancel.is_cancelled();
    let finished = store
        .finish_run(run_id, summary.cancelled)
        .and_then(|()| mirrored(ctx, |m| m.copy_run(store, run_id)));
    if let Err(e) = finished {
        return Err(finish_stopped(store, ctx, run_id, e));
    }
    summary.totals = store.run_totals(run_id)?;
    Ok(summary)
}

/// Finishes run `run_id`, stopped by `error`, as cancelled in the store and the mirror (as far
/// as each takes it: the error may be theirs); returns `error`.
fn finish_stopped(store: &mut Store, ctx: &RunContext<'_>, run_id: i64, error: Error) -> Error {
    let _ = store.finish_run(run_id, true);
    let _ = mirrored(ctx, |m| m.copy_run(store, run_id));
    error
}
