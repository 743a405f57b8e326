//! The vetting model on the team server (`migrations/postgres/0013_vetting_runs.sql`): a run
//! reads a snapshot of the server, at one moment and as the login may read it, with the core's
//! role written once ([`crate::roles::vet`]), and each record is copied to the server as soon as
//! the snapshot has it ([`ServerMirror`]). Other reviewers see each verdict within a second; the
//! runs, calls and costs are the team's.
//!
//! Invariants:
//! - only SMEs and adjudicators run the model (the server refuses anyone else; the client asks
//!   first so an analyst is told before a snapshot is taken);
//! - the server holds exactly the calls the snapshot recorded, in order, up to the first that
//!   could not be copied (which stops the run), and the summary names the server's run.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use postgres::{Client, GenericClient};

use super::decisions::enum_text;
use super::{TeamServer, TemporarySnapshot, server_error};
use crate::error::{Error, Result};
use crate::export::Progress;
use crate::off_runtime::off_runtime;
use crate::roles::RunMirror;
use crate::store::{CostTotals, Store, StoredCall};
use crate::team::Role;

const START_RUN: &str = "INSERT INTO llm_runs (role, provider, model, prompt_version)
     VALUES ($1, $2, $3, $4) RETURNING id";

/// Finishing a run: the server stamps the time (see `stamp_llm_run`).
const FINISH_RUN: &str = "UPDATE llm_runs SET cancelled = $2 WHERE id = $1";

const ADD_CALL: &str = "INSERT INTO llm_calls (run_id, item_id, subject, role, provider, model,
         prompt_version, output_mode, streamed, prompt_tokens, completion_tokens, cost_usd,
         priced, latency_ms, attempts, finish_reason, error_code, error, knowledge)
     VALUES ($1, (SELECT id FROM items WHERE external_id = $2), $3, $4, $5, $6, $7, $8, $9,
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     RETURNING id";

const START_ALIGNMENT: &str = "INSERT INTO alignment_runs
         (domain, provider, model, holdout, seed, held_out)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

const ADD_VARIANT: &str =
    "INSERT INTO alignment_variants (alignment_id, variant, run_id) VALUES ($1, $2, $3)";

const ADD_ALIGNMENT_RESULT: &str = "INSERT INTO alignment_results
         (alignment_id, variant, item_id, call_id, verdict, risk, human)
     VALUES ($1, $2, (SELECT id FROM items WHERE external_id = $3), $4, $5, $6, $7)";

const ADD_SUGGESTION: &str = "INSERT INTO vetting_suggestions
         (item_id, call_id, agent, verdict, risk, reasons, shown)
     VALUES ((SELECT id FROM items WHERE external_id = $1), $2, $3, $4, $5, $6, $7)";

/// Calls, tokens and cost summed over the calls a `WHERE` after it selects (see [`read_totals`]).
macro_rules! call_totals {
    () => {
        "SELECT count(*), count(error_code),
                coalesce(sum(prompt_tokens), 0)::bigint, coalesce(sum(completion_tokens), 0)::bigint,
                coalesce(sum(cost_usd), 0)::float8, count(*) FILTER (WHERE NOT priced)
           FROM llm_calls"
    };
}
pub(super) use call_totals;

/// Calls, tokens and cost of every call about an item (`$1`, external id), over all runs.
const ITEM_COSTS: &str = concat!(
    call_totals!(),
    " WHERE item_id = (SELECT id FROM items WHERE external_id = $1)"
);

/// The totals of a [`call_totals`] row.
pub(super) fn read_totals(r: &postgres::Row) -> CostTotals {
    CostTotals {
        calls: r.get(0),
        failed_calls: r.get(1),
        prompt_tokens: r.get(2),
        completion_tokens: r.get(3),
        cost_usd: r.get(4),
        unpriced_calls: r.get(5),
    }
}

/// A vetting run on the team server, ready to start: the snapshot it reads and writes first,
/// and the mirror that copies each record to the server.
pub struct ServerRun {
    store: Store,
    mirror: Mutex<ServerMirror>,
    _snapshot: TemporarySnapshot,
}

impl ServerRun {
    /// The snapshot to run the role on, and the mirror for its [`crate::roles::RunContext`].
    pub fn parts(&mut self) -> (&mut Store, &Mutex<ServerMirror>) {
        (&mut self.store, &self.mirror)
    }
}

impl TeamServer {
    /// Prepares a run of the vetting model as this login: refuses a login that may not run it,
    /// then takes a snapshot to read (`on_progress` counts its rows; `cancel` stops it). The
    /// session goes with the run: its records are written through it.
    ///
    /// Errors: `Forbidden` for an analyst (or a login in no Vetted group); the snapshot's.
    pub fn prepare_vetting(
        mut self,
        on_progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<ServerRun> {
        if !matches!(self.role()?, Some(Role::Sme | Role::Adjudicator)) {
            return Err(Error::Forbidden(format!(
                "on the team server {} only SMEs and adjudicators run the vetting model (its \
                 verdicts are what every reviewer sees); {} is not one. Ask an SME, or the \
                 server's owner for `vetted team add-reviewer {} --role sme`",
                self.server, self.reviewer, self.reviewer
            )));
        }
        let snapshot = self.temporary_snapshot(on_progress, cancel)?;
        let store = Store::open(snapshot.path())?;
        Ok(ServerRun {
            store,
            mirror: Mutex::new(ServerMirror::new(self)?),
            _snapshot: snapshot,
        })
    }

    /// Calls, tokens and cost of every LLM call about the item, over everyone's runs.
    pub fn item_costs(&mut self, external_id: &str) -> Result<CostTotals> {
        let statement = self.prepared(ITEM_COSTS)?;
        let row = self
            .client
            .query_one(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?;
        Ok(read_totals(&row))
    }
}

/// Copies a run's records to the team server, each right after the local store has it. A run's
/// calls are made on an async runtime, so each copy is made [`off_runtime`].
pub struct ServerMirror {
    server: TeamServer,
    /// Local run id → the server's.
    runs: HashMap<i64, i64>,
    /// Local alignment run id → the server's.
    alignments: HashMap<i64, i64>,
}

/// A copy waits this long at most for a row another session holds (an item being decided),
/// and any statement this long: a run's calls wait on each copy.
const MIRROR_TIMEOUTS: &str = "SET lock_timeout = '10s'; SET statement_timeout = '60s'";

impl ServerMirror {
    fn new(mut server: TeamServer) -> Result<ServerMirror> {
        server
            .client
            .batch_execute(MIRROR_TIMEOUTS)
            .map_err(|e| server.failed(e))?;
        Ok(ServerMirror {
            server,
            runs: HashMap::new(),
            alignments: HashMap::new(),
        })
    }

    /// The server's id of run `run_id` of the store, which must have been copied.
    fn run(&self, run_id: i64) -> Result<i64> {
        self.runs.get(&run_id).copied().ok_or_else(|| {
            Error::BadRequest(format!("run {run_id} was not copied to the team server"))
        })
    }

    /// The server's id of alignment run `alignment_id` of the store, which must have been
    /// copied.
    fn alignment(&self, alignment_id: i64) -> Result<i64> {
        self.alignments.get(&alignment_id).copied().ok_or_else(|| {
            Error::BadRequest(format!(
                "alignment run {alignment_id} was not copied to the team server"
            ))
        })
    }

    /// Runs `work` on the session, off the async runtime; a driver error is the server's refusal.
    fn on_server<T: Send>(
        &mut self,
        work: impl FnOnce(&mut Client) -> std::result::Result<T, postgres::Error> + Send,
    ) -> Result<T> {
        let server = &mut self.server;
        off_runtime(|| work(&mut server.client).map_err(|e| server_error(&server.server, e)))
    }
}

impl RunMirror for ServerMirror {
    fn copy_run(&mut self, store: &Store, run_id: i64) -> Result<i64> {
        let run = store.stored_run(run_id)?;
        let id = match self.runs.get(&run_id).copied() {
            None => self.on_server(|client| {
                let row = client.query_one(
                    START_RUN,
                    &[&run.role, &run.provider, &run.model, &run.prompt_version],
                )?;
                Ok(row.get(0))
            })?,
            Some(id) if run.finished_at.is_some() => self.on_server(|client| {
                client.execute(FINISH_RUN, &[&id, &run.cancelled])?;
                Ok(id)
            })?,
            Some(id) => id,
        };
        self.runs.insert(run_id, id);
        Ok(id)
    }

    fn copy_call(&mut self, store: &Store, call_id: i64) -> Result<()> {
        let call = store.stored_call(call_id)?;
        let run = self.run(call.run_id)?;
        let alignments = (call.alignment.iter())
            .map(|r| Ok((r.alignment_id, self.alignment(r.alignment_id)?)))
            .collect::<Result<HashMap<i64, i64>>>()?;
        self.on_server(|client| {
            let mut tx = client.transaction()?;
            let id = add_call(&mut tx, run, &call)?;
            for r in &call.alignment {
                tx.execute(
                    ADD_ALIGNMENT_RESULT,
                    &[
                        &alignments[&r.alignment_id],
                        &r.variant,
                        &r.item,
                        &id,
                        &enum_text(&r.verdict),
                        &r.risk,
                        &enum_text(&r.human),
                    ],
                )?;
            }
            tx.commit()
        })
    }

    fn copy_alignment(&mut self, store: &Store, alignment_id: i64) -> Result<i64> {
        let a = store.stored_alignment(alignment_id)?;
        let held_out = i32::try_from(a.held_out).unwrap_or(i32::MAX);
        let id = self.on_server(|client| {
            let row = client.query_one(
                START_ALIGNMENT,
                &[
                    &a.domain,
                    &a.provider,
                    &a.model,
                    &a.holdout,
                    &a.seed,
                    &held_out,
                ],
            )?;
            Ok(row.get(0))
        })?;
        self.alignments.insert(alignment_id, id);
        Ok(id)
    }

    fn copy_alignment_variant(
        &mut self,
        alignment_id: i64,
        variant: &str,
        run_id: i64,
    ) -> Result<()> {
        let (alignment, run) = (self.alignment(alignment_id)?, self.run(run_id)?);
        self.on_server(|client| {
            client.execute(ADD_VARIANT, &[&alignment, &variant, &run])?;
            Ok(())
        })
    }
}

/// Adds `call` to the server's run `run` with the suggestions it wrote; returns the call's id.
fn add_call(
    client: &mut impl GenericClient,
    run: i64,
    call: &StoredCall,
) -> std::result::Result<i64, postgres::Error> {
    let attempts = i32::try_from(call.attempts).unwrap_or(i32::MAX);
    // A provider's words may hold NUL, which SQLite keeps and PostgreSQL's text does not.
    let text = |t: &str| t.replace('\0', "\u{fffd}");
    let (subject, finish_reason, error) = (
        text(&call.subject),
        call.finish_reason.as_deref().map(text),
        call.error.as_deref().map(text),
    );
    let id: i64 = client
        .query_one(
            ADD_CALL,
            &[
                &run,
                &call.item,
                &subject,
                &call.role,
                &call.provider,
                &call.model,
                &call.prompt_version,
                &call.output_mode,
                &call.streamed,
                &call.prompt_tokens,
                &call.completion_tokens,
                &call.cost_usd,
                &call.priced,
                &call.latency_ms,
                &attempts,
                &finish_reason,
                &call.error_code,
                &error,
                &call.knowledge,
            ],
        )?
        .get(0);
    for s in &call.suggestions {
        let reasons = serde_json::to_string(&s.suggestion.reasons).expect("reasons serialize");
        let verdict = enum_text(&s.suggestion.verdict);
        client.execute(
            ADD_SUGGESTION,
            &[
                &s.item,
                &id,
                &s.agent,
                &verdict,
                &s.suggestion.risk,
                &reasons,
                &s.shown,
            ],
        )?;
    }
    Ok(id)
}
