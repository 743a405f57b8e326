//! `vetted --db postgres://… backup --out snap.db`: a consistent local SQLite snapshot of the
//! team server, for offline work and for exports (which read a snapshot, so the export mapping is
//! the local one, written once).
//!
//! Everything is read in one read-only `REPEATABLE READ` transaction (one moment of the server)
//! through server-side cursors (portals), [`ROWS_PER_READ`] rows at a time, on a thread of its
//! own, and each batch is merged into a new local database with the core's merge on the calling
//! thread meanwhile (items first, then the decision log in clock order, so a revert always
//! follows what it reverts). Memory holds a few batches, never the whole server. The file is written under a temporary name and linked into place at the
//! end, so `out` is complete or absent; a cancel or an error leaves nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};

use postgres::{Row, Transaction};

use super::decisions::{json_column, json_value};
use super::forms::{feedback_of, json_text};
use super::guidelines::read as read_guideline;
use super::leases::enum_value;
use super::products::{PRODUCTS, read_product};
use super::{TeamServer, refusal, server_error};
use crate::domain::{Evidence, RejectReason};
use crate::error::{Error, Result};
use crate::export::Progress;
use crate::products::DataProduct;
use crate::store::{
    Guideline, MergeReport, NewItem, QueueFilter, Store, StoredAlignment, StoredAlignmentResult,
    StoredAssessment, StoredCall, StoredRun, StoredSuggestion, Suggestion, read_body,
};
use crate::sync::{
    BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, BundleBatch, BundleDecision, BundleForm, new_item_record,
};

/// Rows fetched from a cursor per round trip, and merged into the snapshot per transaction.
pub const ROWS_PER_READ: i32 = 1_000;

/// A snapshot in a temporary folder, deleted with it when dropped: what an export reads on a
/// team server (see [`TeamServer::temporary_snapshot`]).
pub struct TemporarySnapshot {
    _folder: tempfile::TempDir,
    path: PathBuf,
}

impl TemporarySnapshot {
    /// The snapshot's database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Which items a snapshot holds. Whatever names an item (its passages, decisions with their
/// feedback, tags, do-not-train marks, the guidelines made from it, the LLM calls about it and
/// what each judged relationship shows) comes with it or not at all; the records that name no
/// item (reject reasons, forms, claim settings, data products, LLM and alignment runs, alignment
/// variants) always come. A run about one domain whose prompts carry no reviewed examples reads
/// that domain's items (its queue, guidelines, held-out items) and waits for those alone, not
/// for the whole server (see [`SnapshotScope::for_run`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotScope {
    /// Every item the login may read: a backup, an export, a run that reads any domain
    /// (answering questions, vetting without a domain).
    Everything,
    /// The items of one domain, with its guidelines only: a run about that domain without
    /// reviewed examples in its prompts (ranking relationships; proposing them, aligning,
    /// vetting one domain).
    Domain(String),
    /// The relationship items of every domain: what discovery reads to queue a candidate
    /// some item already proposes only once.
    Relationships,
}

impl SnapshotScope {
    /// What a run about `domain` (none: any domain) reads: that domain's items, unless its
    /// prompts carry reviewed examples (`with_examples`). Those are found and ranked by words
    /// counted over every item the store holds (see `Store::reviewed_examples`), so such a run
    /// reads every item, and its prompts are those a whole snapshot or a local database gives.
    pub fn for_run(domain: Option<String>, with_examples: bool) -> SnapshotScope {
        match domain {
            Some(domain) if !with_examples => SnapshotScope::Domain(domain),
            _ => SnapshotScope::Everything,
        }
    }

    /// The domain and the relationships-only flag, as the scoped queries' `$1` and `$2`.
    fn parameters(&self) -> (Option<&str>, bool) {
        match self {
            SnapshotScope::Everything => (None, false),
            SnapshotScope::Domain(domain) => (Some(domain), false),
            SnapshotScope::Relationships => (None, true),
        }
    }
}

/// Whether item `i` is in the snapshot's scope (`$1`: the domain, or null for any; `$2`:
/// relationships only): the predicate of every query that reads what names an item.
macro_rules! in_scope {
    ($item:literal) => {
        concat!(
            "($1::text IS NULL OR ",
            $item,
            ".domain = $1) AND (NOT $2::boolean OR ",
            $item,
            ".kind = 'relationship')"
        )
    };
}

/// The guidelines of the scope's domain (any, for no domain), each made from an item only
/// with it: `FROM … WHERE …`, the source item as `i`.
macro_rules! guidelines_in_scope {
    () => {
        concat!(
            "FROM guidelines g LEFT JOIN items i ON i.id = g.source_item
              WHERE ($1::text IS NULL OR g.domain = $1) AND (g.source_item IS NULL OR ",
            in_scope!("i"),
            ")"
        )
    };
}

/// The LLM calls that name only items in scope (as the call's item, the suggestion's, the
/// alignment result's or a judged relationship), with the rows [`CALLS`] reads of them:
/// `FROM … WHERE …`, one row per call.
macro_rules! calls_in_scope {
    () => {
        concat!(
            "FROM llm_calls c LEFT JOIN items i ON i.id = c.item_id
               LEFT JOIN vetting_suggestions s ON s.call_id = c.id
               LEFT JOIN items si ON si.id = s.item_id
               LEFT JOIN alignment_results a ON a.call_id = c.id
               LEFT JOIN items ai ON ai.id = a.item_id
              WHERE (i.id IS NULL OR ",
            in_scope!("i"),
            ") AND (si.id IS NULL OR ",
            in_scope!("si"),
            ") AND (ai.id IS NULL OR ",
            in_scope!("ai"),
            ") AND NOT EXISTS (SELECT 1 FROM relation_assessments j
                                  JOIN items ji ON ji.id = j.item_id
                                 WHERE j.call_id = c.id AND NOT (",
            in_scope!("ji"),
            "))"
        )
    };
}

impl TeamServer {
    /// Writes the snapshot to `out`, which must not exist. Each item keeps its own k (see
    /// [`Store::keep_overlap`]). `on_progress` counts rows read (items, events, tags, marks,
    /// guidelines, claim settings, data products, LLM runs, alignment runs, calls, alignment
    /// variants and the items' judgements) of all there are; setting `cancel` stops at the next
    /// batch with [`Error::Cancelled`], leaving no file.
    pub fn snapshot(
        &mut self,
        out: &Path,
        on_progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<MergeReport> {
        crate::user_files::check_writable(out)?;
        if out.exists() {
            return Err(Error::AlreadyExists {
                path: out.to_owned(),
            });
        }
        // A name of this run's own, so concurrent snapshots never touch each other's file.
        let partial = out.with_file_name(format!(
            ".{}.{}-{}.partial",
            out.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let copied = Store::open(&partial).and_then(|mut store| {
            self.copy_into(&mut store, &SnapshotScope::Everything, on_progress, cancel)
        });
        let placed = copied.and_then(|report| place(&partial, out).map(|()| report));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        placed
    }

    /// A snapshot of the items in `scope` in a new folder of the system's temporary
    /// directory, deleted when the result is dropped (what an export or an LLM run reads):
    /// never next to the user's file, which may be on a USB stick without hard links or a
    /// synced folder that would upload it.
    pub fn temporary_snapshot(
        &mut self,
        scope: &SnapshotScope,
        on_progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<TemporarySnapshot> {
        let folder = tempfile::Builder::new()
            .prefix("vetted-snapshot-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let path = folder.path().join("snapshot.db");
        // The folder is this run's own: the database is written in place, and the folder goes
        // with everything in it on an error or a cancel.
        let mut store = Store::open(&path)?;
        self.copy_into(&mut store, scope, on_progress, cancel)?;
        drop(store);
        Ok(TemporarySnapshot {
            _folder: folder,
            path,
        })
    }

    /// Streams every item in `scope` the login may read, with what names it, and every record
    /// that names no item, at one moment, into `store`.
    fn copy_into(
        &mut self,
        store: &mut Store,
        scope: &SnapshotScope,
        on_progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<MergeReport> {
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self.one_moment()?;
        let (domain, relationships) = scope.parameters();
        let counted = tx
            .query_one(COUNT_ROWS, &[&domain, &relationships])
            .map_err(failed)?;
        let total = counted.get::<_, i64>(0) as u64;
        let mut done = 0u64;
        on_progress(Progress { done, total });
        let reject_reasons = tx
            .query(
                "SELECT id, label FROM reject_reasons ORDER BY position",
                &[],
            )
            .map_err(failed)?
            .iter()
            .map(|r| RejectReason {
                id: r.get(0),
                label: r.get(1),
            })
            .collect();
        // Every form version (few), before the decisions whose answers name them.
        let forms = tx
            .query(
                "SELECT domain, version, questions, author, created_at FROM review_forms
                  ORDER BY domain COLLATE \"C\", version",
                &[],
            )
            .map_err(failed)?
            .iter()
            .map(bundle_form)
            .collect::<Result<Vec<_>>>()?;
        let mut first = bundle(reject_reasons, Vec::new(), Vec::new());
        first.forms = forms;
        let mut report = store.merge(&first)?;

        // The server's run ids → this copy's, and its alignment run ids.
        let mut runs_here: HashMap<i64, i64> = HashMap::new();
        let mut alignments_here: HashMap<i64, i64> = HashMap::new();
        // The server reads the next batch while this thread merges the last one.
        let (sender, receiver) = sync_channel::<Batch>(BATCHES_IN_FLIGHT);
        std::thread::scope(|threads| {
            let reader = threads.spawn(|| read_batches(tx, &server, scope, sender, cancel));
            let merged = (|| {
                for batch in &receiver {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    let (rows, merged) = match batch {
                        Batch::Items(items) => {
                            let rows = items.len();
                            let mut beyond_one: HashMap<u32, Vec<String>> = HashMap::new();
                            let records = items
                                .into_iter()
                                .map(|(record, external_id, k)| {
                                    if k > 1 {
                                        beyond_one.entry(k).or_default().push(external_id);
                                    }
                                    record
                                })
                                .collect();
                            let merged = store.merge(&bundle(Vec::new(), records, Vec::new()))?;
                            for (k, ids) in beyond_one {
                                store.keep_overlap(k, &ids)?;
                            }
                            (rows, merged)
                        }
                        Batch::Events(events) => (
                            events.len(),
                            store.merge(&bundle(Vec::new(), Vec::new(), events))?,
                        ),
                        Batch::Tags(tags) => {
                            store.keep_tags(&tags)?;
                            (tags.len(), MergeReport::default())
                        }
                        Batch::DoNotTrain(marks) => {
                            store.keep_do_not_train(&marks)?;
                            (marks.len(), MergeReport::default())
                        }
                        Batch::Guidelines(entries) => {
                            store.keep_guidelines(&entries)?;
                            (entries.len(), MergeReport::default())
                        }
                        Batch::ClaimSettings(settings) => {
                            store.keep_claim_settings(&settings)?;
                            (settings.len(), MergeReport::default())
                        }
                        Batch::Products(products) => {
                            store.keep_products(&products)?;
                            (products.len(), MergeReport::default())
                        }
                        Batch::Runs(runs) => {
                            let (ids, runs): (Vec<i64>, Vec<StoredRun>) = runs.into_iter().unzip();
                            let kept = store.keep_runs(&runs)?;
                            runs_here.extend(ids.into_iter().zip(kept));
                            (runs.len(), MergeReport::default())
                        }
                        Batch::Alignments(runs) => {
                            let (ids, runs): (Vec<i64>, Vec<StoredAlignment>) =
                                runs.into_iter().unzip();
                            let kept = store.keep_alignments(&runs)?;
                            alignments_here.extend(ids.into_iter().zip(kept));
                            (runs.len(), MergeReport::default())
                        }
                        Batch::Calls(mut calls) => {
                            for call in &mut calls {
                                call.run_id = here(&runs_here, call.run_id, "run", &server)?;
                                for result in &mut call.alignment {
                                    result.alignment_id = here(
                                        &alignments_here,
                                        result.alignment_id,
                                        "alignment run",
                                        &server,
                                    )?;
                                }
                            }
                            store.keep_calls(&calls)?;
                            (calls.len(), MergeReport::default())
                        }
                        Batch::Assessed(shown) => {
                            store.keep_shown_assessments(&shown)?;
                            (shown.len(), MergeReport::default())
                        }
                        Batch::AlignmentVariants(mut variants) => {
                            for (alignment_id, _, run_id) in &mut variants {
                                *alignment_id = here(
                                    &alignments_here,
                                    *alignment_id,
                                    "alignment run",
                                    &server,
                                )?;
                                *run_id = here(&runs_here, *run_id, "run", &server)?;
                            }
                            store.keep_alignment_variants(&variants)?;
                            (variants.len(), MergeReport::default())
                        }
                    };
                    add(&mut report, merged);
                    done += rows as u64;
                    on_progress(Progress { done, total });
                }
                Ok(())
            })();
            // A merge that failed closes the channel, which stops the reader.
            drop(receiver);
            let read = reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            merged.and(read)
        })?;
        // What a fresh copy gained: the items awaiting adjudication in it, as the login sees them.
        // (Counted batch by batch, an item in conflict in one batch and settled in the next
        // would count.)
        report.conflicts = store.status_counts(&QueueFilter::default())?.conflict as usize;
        Ok(report)
    }
}

/// What the reading thread hands over: a batch of items (as import records, with their
/// external ids and required reviews), of events, of tags `(item, tag)`, of do-not-train
/// marks `(item, marked by, marked at)`, of guidelines (archived or not) the login may read, or
/// of claim settings.
enum Batch {
    Items(Vec<(serde_json::Value, String, u32)>),
    Events(Vec<BundleDecision>),
    Tags(Vec<(String, String)>),
    DoNotTrain(Vec<(String, String, String)>),
    Guidelines(Vec<(Guideline, bool)>),
    /// `(domain, confirm approve, changed by, changed at)`, oldest first.
    ClaimSettings(Vec<(String, bool, String, String)>),
    Products(Vec<DataProduct>),
    /// LLM runs with their server ids, then alignment runs with theirs, then the calls (each
    /// with its suggestion or alignment result, if any), then which run each alignment
    /// variant made `(alignment run, variant, run)`, by the server's ids.
    Runs(Vec<(i64, StoredRun)>),
    Alignments(Vec<(i64, StoredAlignment)>),
    Calls(Vec<StoredCall>),
    AlignmentVariants(Vec<(i64, String, i64)>),
    /// What each judged relationship shows `(item, assessment)`: the server's latest, whatever
    /// order its calls were made in.
    Assessed(Vec<(String, String)>),
}

/// This copy's id of the server's `kind` `id`, read before what names it.
fn here(ids: &HashMap<i64, i64>, id: i64, kind: &str, server: &str) -> Result<i64> {
    ids.get(&id)
        .copied()
        .ok_or_else(|| refusal(server, &format!("a record of {kind} {id} came without it")))
}

/// A query of annotations, whether it takes the scope's parameters (it reads what names an
/// item), and how its rows become a batch.
type AnnotationRead = (&'static str, bool, fn(&[Row]) -> Result<Batch>);

/// Batches read ahead of the merge.
const BATCHES_IN_FLIGHT: usize = 2;

/// Reads every item in `scope` (with its passages), then their events in clock order (with
/// their feedback), then their tags, do-not-train marks and guidelines, every claim setting,
/// data product, LLM run and alignment run, the calls about them (with their suggestions,
/// alignment results and judgements), what each of them judged a relationship shows, and every
/// alignment variant, through cursors, and sends them in batches of [`ROWS_PER_READ`]; commits
/// the read-only transaction at the end. Stops without an error of its own when the merging
/// side has stopped (it says why).
fn read_batches(
    mut tx: Transaction<'_>,
    server: &str,
    scope: &SnapshotScope,
    sender: SyncSender<Batch>,
    cancel: &AtomicBool,
) -> Result<()> {
    let failed = |e| server_error(server, e);
    let (domain, relationships) = scope.parameters();
    let scoped: [&(dyn postgres::types::ToSql + Sync); 2] = [&domain, &relationships];
    let items = tx
        .bind(
            concat!(
                "SELECT id, external_id, kind, domain, model, payload, vetting, metadata,
                        content_hash, required_reviews
                   FROM items i WHERE ",
                in_scope!("i"),
                " ORDER BY id"
            ),
            &scoped,
        )
        .map_err(failed)?;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let rows = tx.query_portal(&items, ROWS_PER_READ).map_err(failed)?;
        if rows.is_empty() {
            break;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        let mut evidence = evidence_of(&mut tx, &ids).map_err(failed)?;
        let records = rows
            .iter()
            .map(|r| {
                let k: i32 = r.get(9);
                Ok((item_record(r, &mut evidence)?, r.get(1), k as u32))
            })
            .collect::<Result<Vec<_>>>()?;
        if sender.send(Batch::Items(records)).is_err() {
            return Ok(());
        }
    }
    let decisions = tx
        .bind(
            concat!(
                "SELECT d.id, i.external_id, d.reviewer, d.action, d.edited_payload, d.reason,
                        d.note, d.decided_at, d.reverts, d.clock, d.supersedes, d.adjudication,
                        d.pick, b.batch_id, b.rule
                   FROM decisions d JOIN items i ON i.id = d.item_id
                   LEFT JOIN decision_batches b ON b.decision_id = d.id
                  WHERE ",
                in_scope!("i"),
                " ORDER BY d.clock, d.id COLLATE \"C\""
            ),
            &scoped,
        )
        .map_err(failed)?;
    // Feedback is looked up batch by batch only on a server that holds some the login may read.
    let with_feedback: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM form_answers) OR EXISTS (SELECT 1 FROM claim_checks)",
            &[],
        )
        .map_err(failed)?
        .get(0);
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let rows = tx.query_portal(&decisions, ROWS_PER_READ).map_err(failed)?;
        if rows.is_empty() {
            break;
        }
        let mut events: Vec<BundleDecision> =
            rows.iter().map(bundle_decision).collect::<Result<_>>()?;
        if with_feedback {
            add_feedback(&mut tx, &mut events, server)?;
        }
        if sender.send(Batch::Events(events)).is_err() {
            return Ok(());
        }
    }
    let annotations: [AnnotationRead; 10] = [
        (
            concat!(
                "SELECT i.external_id, t.tag FROM item_tags t JOIN items i ON i.id = t.item_id
                  WHERE ",
                in_scope!("i"),
                " ORDER BY t.item_id, t.tag COLLATE \"C\""
            ),
            true,
            |rows| {
                Ok(Batch::Tags(
                    rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
                ))
            },
        ),
        (
            concat!(
                "SELECT i.external_id, n.marked_by, n.marked_at
                   FROM do_not_train n JOIN items i ON i.id = n.item_id WHERE ",
                in_scope!("i"),
                " ORDER BY n.item_id"
            ),
            true,
            |rows| {
                Ok(Batch::DoNotTrain(
                    rows.iter()
                        .map(|r| (r.get(0), r.get(1), r.get(2)))
                        .collect(),
                ))
            },
        ),
        (
            // A domain's own guidelines; those made from an item, with it.
            concat!(
                "SELECT g.id, g.domain, g.body, i.external_id, g.source_decision, g.created_by,
                        g.created_at, g.updated_by, g.updated_at, g.archived ",
                guidelines_in_scope!(),
                " ORDER BY g.id"
            ),
            true,
            |rows| {
                rows.iter()
                    .map(|r| Ok((read_guideline(r)?, r.get(9))))
                    .collect::<Result<_>>()
                    .map(Batch::Guidelines)
            },
        ),
        (
            "SELECT domain, confirm_approve, changed_by, changed_at FROM claim_settings
              ORDER BY id",
            false,
            |rows| {
                Ok(Batch::ClaimSettings(
                    rows.iter()
                        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                        .collect(),
                ))
            },
        ),
        (PRODUCTS, false, |rows| {
            rows.iter()
                .map(read_product)
                .collect::<Result<_>>()
                .map(Batch::Products)
        }),
        (
            "SELECT id, role, provider, model, prompt_version, started_at, finished_at, cancelled,
                    run_by
               FROM llm_runs ORDER BY id",
            false,
            |rows| Ok(Batch::Runs(rows.iter().map(read_run).collect())),
        ),
        (
            "SELECT id, domain, provider, model, holdout, seed, held_out, started_at, run_by
               FROM alignment_runs ORDER BY id",
            false,
            |rows| Ok(Batch::Alignments(rows.iter().map(read_alignment).collect())),
        ),
        (CALLS, true, |rows| {
            rows.iter()
                .map(read_call)
                .collect::<Result<_>>()
                .map(Batch::Calls)
        }),
        (
            concat!(
                "SELECT external_id, assessment FROM items i WHERE assessment IS NOT NULL AND ",
                in_scope!("i"),
                " ORDER BY id"
            ),
            true,
            |rows| {
                Ok(Batch::Assessed(
                    rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
                ))
            },
        ),
        (
            "SELECT alignment_id, variant, run_id FROM alignment_variants
              ORDER BY alignment_id, run_id",
            false,
            |rows| {
                Ok(Batch::AlignmentVariants(
                    rows.iter()
                        .map(|r| (r.get(0), r.get(1), r.get(2)))
                        .collect(),
                ))
            },
        ),
    ];
    for (sql, takes_scope, batch) in annotations {
        let parameters: &[&(dyn postgres::types::ToSql + Sync)] = match takes_scope {
            true => &scoped,
            false => &[],
        };
        let portal = tx.bind(sql, parameters).map_err(failed)?;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            let rows = tx.query_portal(&portal, ROWS_PER_READ).map_err(failed)?;
            if rows.is_empty() {
                break;
            }
            if sender.send(batch(&rows)?).is_err() {
                return Ok(());
            }
        }
    }
    tx.commit().map_err(failed)
}

/// How many rows a snapshot of the scope (`$1`, `$2`: see [`in_scope`]) reads: its progress's
/// total, one count per query [`read_batches`] makes.
const COUNT_ROWS: &str = concat!(
    "SELECT (SELECT count(*) FROM items i WHERE ",
    in_scope!("i"),
    ") + (SELECT count(*) FROM decisions d JOIN items i ON i.id = d.item_id WHERE ",
    in_scope!("i"),
    ") + (SELECT count(*) FROM item_tags t JOIN items i ON i.id = t.item_id WHERE ",
    in_scope!("i"),
    ") + (SELECT count(*) FROM do_not_train n JOIN items i ON i.id = n.item_id WHERE ",
    in_scope!("i"),
    ") + (SELECT count(*) ",
    guidelines_in_scope!(),
    ") + (SELECT count(*) FROM claim_settings) + (SELECT count(*) FROM products)
      + (SELECT count(*) FROM llm_runs) + (SELECT count(*) ",
    calls_in_scope!(),
    ") + (SELECT count(*) FROM alignment_runs) + (SELECT count(*) FROM alignment_variants)
      + (SELECT count(*) FROM items i WHERE assessment IS NOT NULL AND ",
    in_scope!("i"),
    ")"
);

/// Every LLM call that names only items in scope (`$1`, `$2`: see [`calls_in_scope`]), its
/// item by external id, with its suggestion or alignment result if it wrote one (one at most of each),
/// and the relationships it judged (JSON, in order).
const CALLS: &str = concat!(
    "SELECT c.run_id, i.external_id, c.subject, c.role, c.provider, c.model,
        c.prompt_version, c.output_mode, c.streamed, c.prompt_tokens, c.completion_tokens,
        c.cost_usd, c.priced, c.latency_ms, c.attempts, c.finish_reason, c.error_code, c.error,
        c.knowledge, c.created_at,
        si.external_id, s.agent, s.verdict, s.risk, s.reasons, s.shown, s.item_version,
        s.created_at,
        ai.external_id, a.alignment_id, a.variant, a.verdict, a.risk, a.human,
        (SELECT json_agg(json_build_object('item', ri.external_id, 'shown', j.shown,
                                           'item_version', j.item_version,
                                           'created_at', j.created_at) ORDER BY j.id)::text
           FROM relation_assessments j JOIN items ri ON ri.id = j.item_id
          WHERE j.call_id = c.id) ",
    calls_in_scope!(),
    " ORDER BY c.id"
);

/// An alignment run from `id, domain, provider, model, holdout, seed, held_out, started_at,
/// run_by`.
fn read_alignment(r: &Row) -> (i64, StoredAlignment) {
    (
        r.get(0),
        StoredAlignment {
            domain: r.get(1),
            provider: r.get(2),
            model: r.get(3),
            holdout: r.get(4),
            seed: r.get(5),
            held_out: i64::from(r.get::<_, i32>(6)),
            started_at: r.get(7),
            run_by: r.get(8),
        },
    )
}

/// A run from `id, role, provider, model, prompt_version, started_at, finished_at, cancelled,
/// run_by`.
fn read_run(r: &Row) -> (i64, StoredRun) {
    (
        r.get(0),
        StoredRun {
            role: r.get(1),
            provider: r.get(2),
            model: r.get(3),
            prompt_version: r.get(4),
            started_at: r.get(5),
            finished_at: r.get(6),
            cancelled: r.get(7),
            run_by: r.get(8),
        },
    )
}

/// A judgement as [`CALLS`] lists a call's.
#[derive(serde::Deserialize)]
struct JudgedRow {
    item: String,
    shown: String,
    item_version: i64,
    created_at: String,
}

/// A call from a row of [`CALLS`], its `run_id` the server's.
fn read_call(r: &Row) -> Result<StoredCall> {
    let suggestion = match r.get::<_, Option<String>>(20) {
        None => None,
        Some(item) => Some(StoredSuggestion {
            item,
            agent: r.get(21),
            suggestion: Suggestion {
                verdict: enum_value(r.get(22))?,
                risk: r.get(23),
                reasons: json_column(Some(r.get(24)))?.unwrap_or_default(),
            },
            shown: r.get(25),
            item_version: r.get(26),
            created_at: r.get(27),
        }),
    };
    let alignment = match r.get::<_, Option<String>>(28) {
        None => None,
        Some(item) => Some(StoredAlignmentResult {
            alignment_id: r.get(29),
            variant: r.get(30),
            item,
            verdict: enum_value(r.get(31))?,
            risk: r.get(32),
            human: enum_value(r.get(33))?,
        }),
    };
    Ok(StoredCall {
        run_id: r.get(0),
        item: r.get(1),
        subject: r.get(2),
        role: r.get(3),
        provider: r.get(4),
        model: r.get(5),
        prompt_version: r.get(6),
        output_mode: r.get(7),
        streamed: r.get(8),
        prompt_tokens: r.get(9),
        completion_tokens: r.get(10),
        cost_usd: r.get(11),
        priced: r.get(12),
        latency_ms: r.get(13),
        attempts: i64::from(r.get::<_, i32>(14)),
        finish_reason: r.get(15),
        error_code: r.get(16),
        error: r.get(17),
        knowledge: r.get(18),
        created_at: r.get(19),
        suggestions: suggestion.into_iter().collect(),
        alignment: alignment.into_iter().collect(),
        assessments: json_column::<Vec<JudgedRow>>(r.get(34))?
            .unwrap_or_default()
            .into_iter()
            .map(|j| {
                Ok(StoredAssessment {
                    item: j.item,
                    assessment: json_value(&j.shown)?,
                    item_version: j.item_version,
                    created_at: j.created_at,
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Fills in the form answers and claim verdicts recorded with `events` (those the login may
/// read, as the events themselves).
fn add_feedback(
    tx: &mut Transaction<'_>,
    events: &mut [BundleDecision],
    server: &str,
) -> Result<()> {
    let ids: Vec<String> = events.iter().map(|d| d.id.clone()).collect();
    let mut found = feedback_of(tx, &ids, server)?;
    for event in events {
        if let Some(feedback) = found.remove(&event.id) {
            event.form = feedback.answers;
            event.claims = feedback.claims;
        }
    }
    Ok(())
}

/// A form version as a bundle carries it.
fn bundle_form(r: &Row) -> Result<BundleForm> {
    Ok(BundleForm {
        domain: r.get(0),
        version: i64::from(r.get::<_, i32>(1)),
        questions: json_text(r.get(2))?,
        author: r.get(3),
        created_at: crate::store::parse_time(r.get(4))?,
    })
}

/// Links the finished copy at `partial` to `out`. A hard link, unlike a rename, never replaces
/// a file that appeared at `out` meanwhile; where the file system has none (FAT, exFAT, some
/// network shares), an empty file created at `out` (which fails if one is there) is replaced.
fn place(partial: &Path, out: &Path) -> Result<()> {
    let taken = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
            path: out.to_owned(),
        },
        _ => Error::io(out, e),
    };
    match std::fs::hard_link(partial, out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(taken(e)),
        Err(_) => {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(out)
                .map_err(taken)?;
            std::fs::rename(partial, out).map_err(|e| {
                // Complete or absent: the empty file made above goes.
                let _ = std::fs::remove_file(out);
                Error::io(out, e)
            })
        }
    }
}

/// The passages of the items with ids `ids`, by item, in order.
fn evidence_of(
    tx: &mut Transaction<'_>,
    ids: &[i64],
) -> std::result::Result<HashMap<i64, Vec<Evidence>>, postgres::Error> {
    let mut evidence: HashMap<i64, Vec<Evidence>> = HashMap::new();
    for r in tx.query(
        "SELECT item_id, passage_id, title, text, source FROM evidence
          WHERE item_id = ANY($1) ORDER BY item_id, position",
        &[&ids],
    )? {
        evidence.entry(r.get(0)).or_default().push(Evidence {
            id: r.get(1),
            title: r.get(2),
            text: r.get(3),
            source: r.get(4),
        });
    }
    Ok(evidence)
}

/// An item row as the import record a bundle carries, with its passages taken from `evidence`.
fn item_record(r: &Row, evidence: &mut HashMap<i64, Vec<Evidence>>) -> Result<serde_json::Value> {
    let mut body = read_body(enum_value(r.get(2))?, r.get(5))?;
    if let Some(passages) = body.evidence_mut() {
        *passages = evidence.remove(&r.get::<_, i64>(0)).unwrap_or_default();
    }
    Ok(new_item_record(&NewItem {
        external_id: r.get(1),
        domain: r.get(3),
        model: r.get(4),
        body,
        vetting: json_column(r.get(6))?,
        metadata: json_column(Some(r.get(7)))?.unwrap_or_default(),
        content_hash: r.get(8),
    }))
}

fn bundle_decision(r: &Row) -> Result<BundleDecision> {
    let decided_at: String = r.get(7);
    Ok(BundleDecision {
        id: r.get(0),
        item: r.get(1),
        reviewer: r.get(2),
        action: enum_value(r.get(3))?,
        edited: json_column(r.get(4))?,
        reason: r.get(5),
        note: r.get(6),
        decided_at: crate::store::parse_time(&decided_at)?,
        reverts: r.get(8),
        clock: r.get(9),
        supersedes: json_column(r.get(10))?.unwrap_or_default(),
        adjudication: r.get(11),
        batch: match (r.get(13), r.get(14)) {
            (Some(id), Some(rule)) => Some(BundleBatch { id, rule }),
            _ => None,
        },
        form: None,
        claims: Vec::new(),
        pick: json_column(r.get(12))?,
    })
}

/// A bundle of one batch.
fn bundle(
    reject_reasons: Vec<RejectReason>,
    items: Vec<serde_json::Value>,
    decisions: Vec<BundleDecision>,
) -> Bundle {
    Bundle {
        format: BUNDLE_FORMAT.into(),
        version: BUNDLE_VERSION,
        created_at: chrono::Utc::now(),
        max_clock: decisions.iter().map(|d| d.clock).max().unwrap_or(0),
        since: None,
        reviewers: Vec::new(),
        reject_reasons,
        items,
        forms: Vec::new(),
        decisions,
    }
}

/// Adds what one batch's merge did to the whole snapshot's report.
fn add(report: &mut MergeReport, batch: MergeReport) {
    report.decisions_added += batch.decisions_added;
    report.decisions_present += batch.decisions_present;
    report.items_added += batch.items_added;
    report.reviewers_added += batch.reviewers_added;
    report.conflicts += batch.conflicts;
}
