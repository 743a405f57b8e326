//! LLM runs on the team server (`migrations/postgres/0013_vetting_runs.sql`): a run reads a
//! snapshot of the server, at one moment and as the login may read it, with the core's role
//! written once ([`crate::roles`]), and each record is copied to the server as soon as the
//! snapshot has it ([`ServerMirror`]). Other reviewers see each verdict and each new item within
//! a second; the runs, calls and costs are the team's.
//!
//! Invariants:
//! - only SMEs and adjudicators run the vetting model (vet, align), and only who may import
//!   (the schema's owner) runs the roles that add items (generate, relate): the server refuses
//!   anyone else; the client asks first, so they are told before a snapshot is taken;
//! - the server holds exactly the calls the snapshot recorded, up to the first that could not
//!   be copied (which stops the run), each with what it wrote, and the summary names the
//!   server's run. The one reordering: the samples of a comparison are copied with the item
//!   they make (so each is linked to it), or unlinked when the run ends without it;
//! - an item a call wrote reaches the server in the call's transaction, naming the server's
//!   calls (`metadata.generated_by`), with one review required, as an import's default.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use postgres::error::SqlState;
use postgres::{Client, GenericClient, Transaction};

use super::decisions::enum_text;
use super::fresh_import::{IMPORT_LOCK, copy_items};
use super::import::check_reviews;
use super::push::{new_item, stored_hashes};
use super::{SnapshotScope, TeamServer, TemporarySnapshot, refusal, server_error};
use crate::discovery::{Candidate, QueuedCandidates};
use crate::domain::Assessment;
use crate::error::{Error, Result};
use crate::export::Progress;
use crate::import::ImportReport;
use crate::off_runtime::off_runtime;
use crate::roles::RunMirror;
use crate::store::{CostTotals, NewItem, PreparedItem, Store, StoredCall, shown_assessment};
use crate::team::Role;

const START_RUN: &str = "INSERT INTO llm_runs (role, provider, model, prompt_version)
     VALUES ($1, $2, $3, $4) RETURNING id";

/// Finishing a run: the server stamps the time (see `stamp_llm_run`).
const FINISH_RUN: &str = "UPDATE llm_runs SET cancelled = $2 WHERE id = $1";

/// Adding a call; with `$20` as its id when the first two arguments are `"id, "` and
/// `"OVERRIDING SYSTEM VALUE"` (an id reserved with [`RESERVE_CALL_IDS`]).
macro_rules! add_call {
    ($id:literal, $overriding:literal, $value:literal) => {
        concat!(
            "INSERT INTO llm_calls (",
            $id,
            "run_id, item_id, subject, role, provider, model, prompt_version, output_mode,
                 streamed, prompt_tokens, completion_tokens, cost_usd, priced, latency_ms,
                 attempts, finish_reason, error_code, error, knowledge) ",
            $overriding,
            " VALUES (",
            $value,
            "$1, (SELECT id FROM items WHERE external_id = $2), $3, $4, $5, $6, $7, $8, $9,
                     $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
             RETURNING id"
        )
    };
}

const ADD_CALL: &str = add_call!("", "", "");

/// [`ADD_CALL`] with the id `$20`: the calls an item names get their ids before the item is
/// written, so that it names them by the server's ids.
const ADD_CALL_AS: &str = add_call!("id, ", "OVERRIDING SYSTEM VALUE", "$20, ");

const RESERVE_CALL_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('llm_calls', 'id')) FROM generate_series(1, $1::bigint)";

const START_ALIGNMENT: &str = "INSERT INTO alignment_runs
         (domain, provider, model, holdout, seed, held_out)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

const ADD_VARIANT: &str =
    "INSERT INTO alignment_variants (alignment_id, variant, run_id) VALUES ($1, $2, $3)";

const ADD_ALIGNMENT_RESULT: &str = "INSERT INTO alignment_results
         (alignment_id, variant, item_id, call_id, verdict, risk, human)
     VALUES ($1, $2, (SELECT id FROM items WHERE external_id = $3), $4, $5, $6, $7)";

const ADD_ASSESSMENT: &str = "INSERT INTO relation_assessments
         (item_id, call_id, agent, confidence, rationale, shown)
     VALUES ((SELECT id FROM items WHERE external_id = $1), $2, $3, $4, $5, $6)";

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

/// What a run on the team server writes, which decides who may run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunWrites {
    /// Verdicts on items and alignment figures (vet, align): SMEs and adjudicators.
    Verdicts,
    /// New items (generate, relate, rank, discovery): who may import, the schema's owner. Each
    /// new item goes to `reviews` distinct reviewers (the overlap k, 1–10), as an import's
    /// `--overlap` does.
    Items { reviews: u32 },
    /// Nothing (a dry run, which only reads): any login.
    Nothing,
}

/// An LLM run on the team server, ready to start: the snapshot it reads and writes first, and
/// the mirror that copies each record to the server.
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
    /// Prepares a run as this login: refuses a login that may not write what the run writes,
    /// then takes a snapshot of what it reads, the items in `scope` (`on_progress` counts its
    /// rows; `cancel` stops it). The session goes with the run: its records are written
    /// through it.
    ///
    /// Errors: `Forbidden` for a login that may not (see [`RunWrites`]); the snapshot's.
    pub fn prepare_run(
        mut self,
        writes: RunWrites,
        scope: &SnapshotScope,
        on_progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<ServerRun> {
        match writes {
            RunWrites::Verdicts if !matches!(self.role()?, Some(Role::Sme | Role::Adjudicator)) => {
                return Err(Error::Forbidden(format!(
                    "on the team server {} only SMEs and adjudicators run the vetting model (its \
                     verdicts are what every reviewer sees); {} is not one. Ask an SME, or the \
                     server's owner for `vetted team add-reviewer {} --role sme`",
                    self.server, self.reviewer, self.reviewer
                )));
            }
            RunWrites::Items { reviews } => {
                check_reviews(reviews)?;
                if !self.may_add_items()? {
                    return Err(Error::Forbidden(format!(
                        "on the team server {} only its owner adds items, as with imports \
                         (answers to questions, proposed, discovered or ranked relationships); \
                         {} may not. Ask the owner to run it, or run it on a local database and \
                         ask the owner to push its items (its calls and costs stay on your file)",
                        self.server, self.reviewer
                    )));
                }
            }
            RunWrites::Verdicts | RunWrites::Nothing => {}
        }
        let snapshot = self.temporary_snapshot(scope, on_progress, cancel)?;
        let store = Store::open(snapshot.path())?;
        let last_item = store.last_item_id()?;
        let reviews = match writes {
            RunWrites::Items { reviews } => reviews as i32,
            RunWrites::Verdicts | RunWrites::Nothing => 1,
        };
        Ok(ServerRun {
            store,
            mirror: Mutex::new(ServerMirror::new(self, last_item, reviews)?),
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
    /// Successful answering calls that wrote no item yet: samples of a comparison, copied with
    /// it, or when the run ends without it.
    waiting: Vec<i64>,
    /// The store's last item copied (at first, the snapshot's last): later ones were written
    /// by the run.
    last_item: i64,
    /// How many distinct reviewers each item the run adds goes to (see [`RunWrites::Items`]).
    reviews: i32,
}

/// A copy waits this long at most for a row another session holds (an item being decided),
/// and any statement this long: a run's calls wait on each copy.
const MIRROR_TIMEOUTS: &str = "SET lock_timeout = '10s'; SET statement_timeout = '60s'";

/// A copy of new items waits this long at most for an import or push to end (they hold the
/// item ids, see `fresh_import::IMPORT_LOCK`, for their whole transaction).
const ITEM_LOCK_TIMEOUT: &str =
    "SET LOCAL lock_timeout = '2min'; SET LOCAL statement_timeout = '3min'";

impl ServerMirror {
    fn new(mut server: TeamServer, last_item: i64, reviews: i32) -> Result<ServerMirror> {
        server
            .client
            .batch_execute(MIRROR_TIMEOUTS)
            .map_err(|e| server.failed(e))?;
        Ok(ServerMirror {
            server,
            runs: HashMap::new(),
            alignments: HashMap::new(),
            waiting: Vec::new(),
            last_item,
            reviews,
        })
    }

    /// Copies call `call_id` of `store` with the items it wrote (`items`, as `(id, external
    /// id)`) and the waiting samples they name, in one transaction: the calls' server ids are
    /// reserved first, so each item names the server's calls. An item the server gained
    /// meanwhile with the same content is left as it is (the calls link to it); one with other
    /// content stops the run.
    fn copy_with_items(
        &mut self,
        store: &Store,
        call_id: i64,
        items: &[(i64, String)],
    ) -> Result<()> {
        let mut new_items = Vec::new();
        let mut named = Vec::new();
        for (_, external_id) in items {
            let item = new_item(store, external_id)?;
            named.extend(calls_named(&item.metadata));
            new_items.push(item);
        }
        let mut group: Vec<i64> = (self.waiting.iter().copied())
            .filter(|c| named.contains(c))
            .collect();
        group.push(call_id);
        let calls = (group.iter())
            .map(|&id| store.stored_call(id))
            .collect::<Result<Vec<_>>>()?;
        let runs = (calls.iter())
            .map(|c| self.run(c.run_id))
            .collect::<Result<Vec<_>>>()?;
        let (server, reviews) = (&mut self.server, self.reviews);
        off_runtime(|| {
            let name = server.server.clone();
            let failed = |e| server_error(&name, e);
            let mut tx = server.client.transaction().map_err(failed)?;
            let count = group.len() as i64;
            let call_ids: Vec<i64> = (tx.query(RESERVE_CALL_IDS, &[&count]).map_err(failed)?)
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mapped: HashMap<i64, i64> = group
                .iter()
                .copied()
                .zip(call_ids.iter().copied())
                .collect();
            let items = (new_items.into_iter())
                .map(|item| name_server_calls(item, &mapped))
                .collect::<Result<Vec<_>>>()?;
            add_items(&mut tx, &name, items, reviews)?;
            for ((call, run), id) in calls.iter().zip(&runs).zip(&call_ids) {
                add_call(&mut tx, *run, call, Some(*id)).map_err(failed)?;
            }
            tx.commit().map_err(failed)
        })?;
        // Only now: a copy that failed leaves its samples to be kept when the run ends.
        self.waiting.retain(|c| !group.contains(c));
        self.last_item = items.last().map_or(self.last_item, |(id, _)| *id);
        Ok(())
    }

    /// Queues `candidates` (discovery's) in the snapshot `store` as [`Store::queue_candidates`]
    /// does, then copies the new items to the server in one transaction: what the server gained.
    pub fn queue_candidates(
        &mut self,
        store: &mut Store,
        domain: &str,
        candidates: &[Candidate],
    ) -> Result<QueuedCandidates> {
        store.queue_candidates(domain, candidates)?;
        let new = self.copy_added_items(store)?;
        Ok(QueuedCandidates {
            new,
            already_queued: candidates.len() - new,
        })
    }

    /// Copies the items added to `store` since the last copy, in one transaction; returns how
    /// many the server did not hold yet.
    fn copy_added_items(&mut self, store: &Store) -> Result<usize> {
        let added = store.items_added_after(self.last_item)?;
        let items = (added.iter())
            .map(|(_, external_id)| new_item(store, external_id))
            .collect::<Result<Vec<_>>>()?;
        let (server, reviews) = (&mut self.server, self.reviews);
        let new = off_runtime(|| {
            let name = server.server.clone();
            let mut tx = (server.client.transaction()).map_err(|e| server_error(&name, e))?;
            let new = add_items(&mut tx, &name, items, reviews)?;
            tx.commit().map_err(|e| server_error(&name, e))?;
            Ok::<usize, Error>(new)
        })?;
        self.last_item = added.last().map_or(self.last_item, |(id, _)| *id);
        Ok(new)
    }

    /// Copies the waiting samples unlinked (their comparison never reached the server), in one
    /// transaction, before their run is finished.
    fn keep_waiting(&mut self, store: &Store) -> Result<()> {
        if self.waiting.is_empty() {
            return Ok(());
        }
        let calls = (self.waiting.iter())
            .map(|&id| {
                let mut call = store.stored_call(id)?;
                // The snapshot may hold the comparison (its copy failed): the server does not,
                // or holds another item under its id.
                call.item = None;
                Ok(call)
            })
            .collect::<Result<Vec<_>>>()?;
        let runs = (calls.iter())
            .map(|c| self.run(c.run_id))
            .collect::<Result<Vec<_>>>()?;
        self.on_server(|client| {
            let mut tx = client.transaction()?;
            for (call, run) in calls.iter().zip(&runs) {
                add_call(&mut tx, *run, call, None)?;
            }
            tx.commit()
        })?;
        self.waiting.clear();
        Ok(())
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
            // A run stopped before it was copied (see `finish_stopped`) is not started there.
            None if run.finished_at.is_some() => {
                return Err(Error::BadRequest(format!(
                    "run {run_id} ended before it was copied to the team server"
                )));
            }
            None => self.on_server(|client| {
                let row = client.query_one(
                    START_RUN,
                    &[&run.role, &run.provider, &run.model, &run.prompt_version],
                )?;
                Ok(row.get(0))
            })?,
            Some(id) if run.finished_at.is_some() => {
                // Samples whose comparison never came: kept, unlinked, before the run ends.
                self.keep_waiting(store)?;
                self.on_server(|client| {
                    client.execute(FINISH_RUN, &[&id, &run.cancelled])?;
                    Ok(id)
                })?
            }
            Some(id) => id,
        };
        self.runs.insert(run_id, id);
        Ok(id)
    }

    fn copy_call(&mut self, store: &Store, call_id: i64) -> Result<()> {
        let call = store.stored_call(call_id)?;
        let run = self.run(call.run_id)?;
        if call.role == crate::roles::Role::Generate.as_str()
            && call.error_code.is_none()
            && call.item.is_none()
        {
            self.waiting.push(call_id);
            return Ok(());
        }
        let written = store.items_added_after(self.last_item)?;
        if !written.is_empty() {
            return self.copy_with_items(store, call_id, &written);
        }
        let alignments = (call.alignment.iter())
            .map(|r| Ok((r.alignment_id, self.alignment(r.alignment_id)?)))
            .collect::<Result<HashMap<i64, i64>>>()?;
        self.on_server(|client| {
            let mut tx = client.transaction()?;
            let id = add_call(&mut tx, run, &call, None)?;
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

/// Adds `items` to the server in `tx`, under the import lock (waiting up to
/// [`ITEM_LOCK_TIMEOUT`] for an import or push): an item the server holds with the same content
/// is left as it is; one with other content refuses them all. Each new item goes to `reviews`
/// distinct reviewers. Returns how many were new.
fn add_items(
    tx: &mut Transaction<'_>,
    name: &str,
    items: Vec<NewItem>,
    reviews: i32,
) -> Result<usize> {
    let failed = |e| server_error(name, e);
    tx.batch_execute(ITEM_LOCK_TIMEOUT).map_err(failed)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
        .map_err(|e| match e.code() {
            Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE => refusal(
                name,
                "an import or push has been adding items for minutes; this stops here: run it \
                 again once that is done",
            ),
            _ => failed(e),
        })?;
    let ids: Vec<&str> = items.iter().map(|i| i.external_id.as_str()).collect();
    let stored = stored_hashes(tx, &ids, name)?;
    let mut fresh = Vec::new();
    for item in items {
        match stored.get(&item.external_id) {
            None => fresh.push(item),
            Some(hash) if *hash == item.content_hash => {}
            Some(_) => {
                return Err(Error::BadRequest(format!(
                    "the team server gained an item '{}' with other content meanwhile; this stops \
                     here (the server's item is kept)",
                    item.external_id
                )));
            }
        }
    }
    let new = fresh.len();
    if new > 0 {
        copy_items(
            tx,
            name,
            move |write| {
                for item in fresh {
                    write(PreparedItem::new(item), reviews)?;
                }
                Ok(ImportReport {
                    source: String::new(),
                    new,
                    already_present: 0,
                    skipped: 0,
                    notes: Vec::new(),
                })
            },
            &mut |_| {},
        )?;
    }
    Ok(new)
}

/// The calls an item's `metadata.generated_by` names (`llm_call`, or a comparison's
/// `llm_calls`).
fn calls_named(metadata: &serde_json::Value) -> Vec<i64> {
    let by = &metadata["generated_by"];
    let listed = by["llm_calls"].as_array().into_iter().flatten();
    (by["llm_call"].as_i64().into_iter())
        .chain(listed.filter_map(serde_json::Value::as_i64))
        .collect()
}

/// `item` naming the server's ids of its calls (`calls`: local id → the server's).
fn name_server_calls(mut item: NewItem, calls: &HashMap<i64, i64>) -> Result<NewItem> {
    let server_id = |local: &serde_json::Value| {
        (local.as_i64().and_then(|id| calls.get(&id)).copied()).ok_or_else(|| {
            Error::BadRequest(format!(
                "item '{}' names call {local}, which is not on the team server",
                item.external_id
            ))
        })
    };
    let by = &item.metadata["generated_by"];
    let single = match &by["llm_call"] {
        serde_json::Value::Null => None,
        local => Some(server_id(local)?),
    };
    let listed = match by["llm_calls"].as_array() {
        Some(locals) => Some(locals.iter().map(server_id).collect::<Result<Vec<_>>>()?),
        None => None,
    };
    let by = &mut item.metadata["generated_by"];
    if let Some(id) = single {
        by["llm_call"] = id.into();
    }
    if let Some(ids) = listed {
        by["llm_calls"] = ids.into();
    }
    Ok(item)
}

/// Adds `call` to the server's run `run` (as call `id`, when reserved) with the suggestions it
/// wrote; returns the call's id.
fn add_call(
    client: &mut impl GenericClient,
    run: i64,
    call: &StoredCall,
    id: Option<i64>,
) -> std::result::Result<i64, postgres::Error> {
    let attempts = i32::try_from(call.attempts).unwrap_or(i32::MAX);
    // A provider's words may hold NUL, which SQLite keeps and PostgreSQL's text does not.
    let text = |t: &str| t.replace('\0', "\u{fffd}");
    let (subject, finish_reason, error) = (
        text(&call.subject),
        call.finish_reason.as_deref().map(text),
        call.error.as_deref().map(text),
    );
    let statement = match id {
        Some(_) => ADD_CALL_AS,
        None => ADD_CALL,
    };
    let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![
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
    ];
    if let Some(id) = &id {
        params.push(id);
    }
    let id: i64 = client.query_one(statement, &params)?.get(0);
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
    for a in &call.assessments {
        let assessment = Assessment {
            rationale: text(&a.assessment.rationale),
            ..a.assessment.clone()
        };
        client.execute(
            ADD_ASSESSMENT,
            &[
                &a.item,
                &id,
                &assessment.model,
                &assessment.confidence,
                &assessment.rationale,
                &shown_assessment(&assessment),
            ],
        )?;
    }
    Ok(id)
}
