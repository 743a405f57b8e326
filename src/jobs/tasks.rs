//! The jobs the app runs in the background (imports, exports, data products, sync, backups and
//! LLM runs), each on its own connection to the database at `db` (WAL lets the app keep reading
//! and deciding meanwhile; imports stay invisible until they complete). Paths come from the user's pick in a file dialog and are checked again by
//! the core ([`crate::user_files`]) before anything is read or written.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, mpsc};
use std::time::Duration;

use super::{Tick, Work};
use crate::approval_rule::{self, EvidenceRule, RulePlan};
use crate::discovery::{Candidate, DISCOVERY_DOMAIN, DiscoveryOptions, QueuedCandidates, discover};
use crate::domain::ItemKind;
use crate::error::{Error, Result};
use crate::export::{self, ExportOptions, Format, PiiMode};
use crate::import::ImportSource;
use crate::llm::secret::ApiKey;
use crate::llm::{CancellationToken, Client, ClientOptions, PriceTable, Settings};
use crate::products::ProductSource;
use crate::roles::align::{AlignOptions, AlignmentReport, DEFAULT_SEED, align_vetter};
use crate::roles::knowledge::{DEFAULT_EXAMPLES, Variant};
use crate::roles::vet::VetSelection;
use crate::roles::{Progress, RunContext, RunOptions, RunSummary, generate, rank, relate, vet};
use crate::store::{ProductRegistration, QueueFilter, Since, Store};
use crate::team_server::{RunWrites, SnapshotScope, TeamServer};

/// What the export dialog asks for; everything else takes the CLI's defaults.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportRequest {
    pub format: Format,
    pub pii: PiiMode,
    /// Share of prompts written to the validation file, in [0, 1).
    pub val_fraction: f64,
    /// Empty lists do not filter.
    pub kinds: Vec<ItemKind>,
    pub domains: Vec<String>,
    pub models: Vec<String>,
    pub tags: Vec<String>,
    /// Preference formats: comparisons judged a tie give both orders of each pair.
    #[serde(default)]
    pub include_ties: bool,
}

impl ExportRequest {
    /// The file name the save dialog proposes, e.g. `vetted-trl-dpo.jsonl`.
    pub fn suggested_file_name(&self) -> String {
        let extension = match self.format {
            Format::DecisionsCsv => "csv",
            _ => "jsonl",
        };
        format!("vetted-{}.{extension}", self.format.name())
    }

    /// Export options writing to `out`. `force` because the save dialog already asked the user
    /// before replacing an existing file.
    fn options(self, out: PathBuf) -> ExportOptions {
        let mut options = ExportOptions::new(self.format, out);
        options.force = true;
        options.pii = self.pii;
        options.val_fraction = self.val_fraction;
        options.include_ties = self.include_ties;
        options.filters.kinds = self.kinds;
        options.filters.domains = self.domains;
        options.filters.models = self.models;
        options.filters.tags = self.tags;
        options
    }
}

/// Imports `file` into the database at `db`; progress in bytes read.
pub fn import(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let mut store = Store::open(&db)?;
        let report = store.import(
            &ImportSource::File(file),
            &mut |p| progress(Tick::of(p.bytes_read, p.bytes_total)),
            cancel,
        )?;
        Ok(report.to_string())
    })
}

/// Imports `file` onto the team server at `url` (signed in with `password`, if typed), each
/// item needing one review (`vetted --db URL import --overlap K` sets more); only the schema's
/// owner may. Progress in bytes read; a cancel while the file is read writes nothing.
pub fn import_to_server(url: String, password: Option<ApiKey>, file: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let report = TeamServer::connect_with_password(&url, password.as_ref())?
            .import_path_cancellable(&file, 1, cancel, &mut |p| {
                progress(Tick::of(p.bytes_read, p.bytes_total))
            })?;
        Ok(report.to_string())
    })
}

/// Exports from the database at `db` to `out` as `request` says; progress in rows.
pub fn export(db: PathBuf, request: ExportRequest, out: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let store = Store::open(&db)?;
        export_summary(
            &store,
            &request.options(out),
            &mut |p| progress(Tick::of(p.done, Some(p.total))),
            cancel,
        )
    })
}

/// Exports from the team server at `url` (signed in with `password`, if typed) to `out`: the
/// login's snapshot is read into a temporary folder (deleted afterwards) and exported as a
/// local database is. Progress in thousandths: reading the server fills the first
/// half, writing the second.
pub fn export_from_server(
    url: String,
    password: Option<ApiKey>,
    request: ExportRequest,
    out: PathBuf,
) -> Work {
    Box::new(move |progress, cancel| {
        let options = request.options(out);
        options.check()?;
        let snapshot = TeamServer::connect_with_password(&url, password.as_ref())?
            .temporary_snapshot(
                // Exports read every item: a rejected answer's preferred one may be in another
                // domain (see `export::siblings`).
                &SnapshotScope::Everything,
                &mut |p| progress(half(0, p)),
                cancel,
            )?;
        let store = Store::open(snapshot.path())?;
        export_summary(&store, &options, &mut |p| progress(half(1, p)), cancel)
    })
}

/// `p` as thousandths of a job in two halves, `p` being the progress of half `which` (0 or 1).
fn half(which: u64, p: export::Progress) -> Tick {
    let done = p.done.min(p.total) * 500 / p.total.max(1);
    Tick::of(which * 500 + done, Some(1000))
}

/// Runs the export `options` describe; one line for the user.
fn export_summary(
    store: &Store,
    options: &ExportOptions,
    on_progress: &mut dyn FnMut(export::Progress),
    cancel: &AtomicBool,
) -> Result<String> {
    let manifest = export::export(store, options, on_progress, cancel)?;
    let mut summary = format!(
        "{} lines written to {}",
        manifest.counts.lines(),
        options.out.display()
    );
    for warning in &manifest.warnings {
        summary.push_str("; ");
        summary.push_str(warning);
    }
    Ok(summary)
}

/// Registers the tables of a SQLite file, or a CSV file, as data products.
pub fn register_products(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |_, _| {
        let registered = Store::open(&db)?.add_products(std::slice::from_ref(&file))?;
        Ok(registration_summary(&registered, &file))
    })
}

/// Registers every product of `file` on the team server at `url` (signed in with `password`,
/// if typed); only SMEs and adjudicators may. The file is read here.
pub fn register_products_on_server(url: String, password: Option<ApiKey>, file: PathBuf) -> Work {
    Box::new(move |_, _| {
        let registered = TeamServer::connect_with_password(&url, password.as_ref())?
            .register_products(&[ProductSource::File(file.clone())])?;
        Ok(registration_summary(&registered, &file))
    })
}

/// e.g. `2 data product(s) from shop.db: orders, customers (1 refreshed)`.
fn registration_summary(registered: &[ProductRegistration], file: &Path) -> String {
    let names: Vec<&str> = registered.iter().map(|r| r.name.as_str()).collect();
    let refreshed = registered.iter().filter(|r| !r.new).count();
    let mut summary = format!(
        "{} data product(s) from {}: {}",
        registered.len(),
        file.display(),
        names.join(", ")
    );
    if refreshed > 0 {
        summary.push_str(&format!(" ({refreshed} refreshed)"));
    }
    summary
}

/// Proposes relationship candidates among the registered products without a model and queues
/// them (see [`crate::discovery`]); a cancel stops it before anything is queued.
pub fn discover_relationships(db: PathBuf) -> Work {
    Box::new(move |on_progress, cancel| {
        let mut store = Store::open(&db)?;
        discover_and_queue(&mut store, on_progress, cancel, |store, candidates| {
            store.queue_candidates(DISCOVERY_DOMAIN, candidates)
        })
    })
}

/// [`discover_relationships`] on the team server at `url` (signed in with `password`, if
/// typed), by who may add items (its owner): on a snapshot of the server's products and
/// relationship items (progress counts its rows, then the products), the new candidates then
/// copied to the server in one transaction, each for `reviews` distinct reviewers (1–10).
pub fn discover_relationships_on_server(
    url: String,
    password: Option<ApiKey>,
    reviews: u32,
) -> Work {
    Box::new(move |on_progress, cancel| {
        let mut run = TeamServer::connect_with_password(&url, password.as_ref())?.prepare_run(
            RunWrites::Items { reviews },
            &SnapshotScope::Relationships,
            &mut |p| on_progress(Tick::of(p.done, Some(p.total))),
            cancel,
        )?;
        let (store, mirror) = run.parts();
        discover_and_queue(store, on_progress, cancel, |store, candidates| {
            let mut mirror = mirror.lock().unwrap_or_else(PoisonError::into_inner);
            mirror.queue_candidates(store, DISCOVERY_DOMAIN, candidates)
        })
    })
}

/// Discovers the candidates among `store`'s products and has `queue` queue them; one line for
/// the user.
fn discover_and_queue(
    store: &mut Store,
    on_progress: &mut dyn FnMut(Tick),
    cancel: &AtomicBool,
    queue: impl FnOnce(&mut Store, &[Candidate]) -> Result<QueuedCandidates>,
) -> Result<String> {
    let products = store.products_for_discovery()?;
    let candidates = discover(
        &products,
        DiscoveryOptions::default(),
        &mut steps(on_progress, cancel),
    )
    .ok_or(Error::Cancelled)?;
    let queued = queue(store, &candidates)?;
    Ok(format!(
        "{} relationship candidate(s) among {} data products: {} queued, {} already in the \
         queue",
        candidates.len(),
        products.len(),
        queued.new,
        queued.already_queued
    ))
}

/// Checks which relationship candidates of `filter` waiting for `reviewer` meet `rule` (see
/// [`approval_rule::plan`]) on its own connection, so the review goes on meanwhile; progress is
/// candidates checked, and a cancel stops it with nothing delivered. `deliver` receives the plan.
/// Reads only.
pub fn check_rule(
    db: PathBuf,
    rule: EvidenceRule,
    filter: QueueFilter,
    reviewer: String,
    deliver: impl FnOnce(RulePlan) + Send + 'static,
) -> Work {
    Box::new(move |on_progress, cancel| {
        let store = Store::open(&db)?;
        let plan = approval_rule::plan(
            &store,
            &filter,
            &rule,
            &reviewer,
            &mut steps(on_progress, cancel),
        )?
        .ok_or(Error::Cancelled)?;
        Ok(deliver_plan(plan, deliver))
    })
}

/// [`check_rule`] on the team server at `url` (signed in with `password`, if typed), on a
/// session of its own: the candidates (of `domain`, if given) are those the server lets the
/// login approve (see [`TeamServer::plan_rule`]).
pub fn check_rule_on_server(
    url: String,
    password: Option<ApiKey>,
    rule: EvidenceRule,
    domain: Option<String>,
    deliver: impl FnOnce(RulePlan) + Send + 'static,
) -> Work {
    Box::new(move |on_progress, cancel| {
        let mut server = TeamServer::connect_with_password(&url, password.as_ref())?;
        let plan = server
            .plan_rule(
                domain.as_deref(),
                None,
                &rule,
                &mut steps(on_progress, cancel),
            )?
            .ok_or(Error::Cancelled)?;
        Ok(deliver_plan(plan, deliver))
    })
}

/// Tells `on_progress` of each of `total` steps done; stops the work once `cancel` is set.
fn steps<'a>(
    on_progress: &'a mut dyn FnMut(Tick),
    cancel: &'a AtomicBool,
) -> impl FnMut(usize, usize) -> ControlFlow<()> + 'a {
    move |done, total| {
        on_progress(Tick::of(done as u64, Some(total as u64)));
        if cancel.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Hands `plan` over and says what it found.
fn deliver_plan(plan: RulePlan, deliver: impl FnOnce(RulePlan)) -> String {
    let summary = format!(
        "{} of {} candidates meet the rule {}",
        plan.approve.len(),
        plan.approve.len() + plan.leave.len(),
        plan.rule
    );
    deliver(plan);
    summary
}

/// Packs every decision, the items they refer to and the reviewer profiles into `out`.
pub fn sync_pack(db: PathBuf, out: PathBuf) -> Work {
    Box::new(move |_, _| {
        let report = Store::open(&db)?.pack(&out, &Since::All)?;
        Ok(format!("packed into {}: {report}", out.display()))
    })
}

/// Merges the sync bundle `file` (all or nothing); disagreements enter adjudication.
pub fn sync_merge(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |_, _| {
        let report = Store::open(&db)?.merge_bundle(&file)?;
        Ok(format!("merged {}: {report}", file.display()))
    })
}

/// Writes a consistent copy of the database at `db` to `out` (which must not exist).
pub fn backup(db: PathBuf, out: PathBuf) -> Work {
    Box::new(move |_, _| {
        Store::open(&db)?.backup_to(&out)?;
        Ok(format!("backup written to {}", out.display()))
    })
}

/// Writes a local snapshot of what the login may read on the team server at `url` to `out`
/// (see [`TeamServer::snapshot`]); progress in rows read.
pub fn snapshot_from_server(url: String, password: Option<ApiKey>, out: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let mut server = TeamServer::connect_with_password(&url, password.as_ref())?;
        let report = server.snapshot(
            &out,
            &mut |p| progress(Tick::of(p.done, Some(p.total))),
            cancel,
        )?;
        Ok(format!(
            "snapshot of {} written to {}: {} items, {} events",
            server.server(),
            out.display(),
            report.items_added,
            report.decisions_added
        ))
    })
}

/// What the app's "Run a model" dialog asks for. The provider is a name from the settings file;
/// its key is looked up in the environment, then the OS keyring, by the core.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "role", rename_all = "snake_case")]
#[ts(export)]
pub enum LlmRunRequest {
    /// Vet the first `limit` items of the queue under `filter`, in its order.
    Vet {
        provider: String,
        filter: QueueFilter,
        limit: u32,
        /// Vet again items this vetting model already judged.
        revet: bool,
        /// What each prompt carries besides the item (guidelines, similar reviewed items).
        #[serde(default)]
        knowledge: Variant,
    },
    /// Propose relationships from registered product `source` to `target`.
    Relate {
        provider: String,
        source: String,
        target: String,
        domain: String,
        /// What the prompt carries besides the two products.
        #[serde(default)]
        knowledge: Variant,
    },
    /// Have the relate model judge (rank and explain) the pending candidates discovery queued
    /// in `domain`, at most `limit` of them, and add its own.
    Rank {
        provider: String,
        domain: String,
        limit: u32,
    },
    /// Answer the questions of a JSONL file the user picks.
    Generate {
        provider: String,
        /// What each prompt carries besides the question and its evidence.
        #[serde(default)]
        knowledge: Variant,
    },
    /// Align the vetting model with the reviewers of `domain` (`vetted align vetter`): judge at
    /// most `limit` held-out decided items under each of `variants` and store the figures.
    Align {
        provider: String,
        domain: String,
        /// Share of the domain's decided items held out, in 0..1.
        holdout: f64,
        variants: Vec<Variant>,
        limit: u32,
    },
}

impl LlmRunRequest {
    /// What the run reads on a team server (see [`SnapshotScope::for_run`]): one domain's
    /// items for a run about one domain without reviewed examples in its prompts, every item
    /// otherwise and for answering questions (each names its own domain).
    pub fn scope(&self) -> SnapshotScope {
        match self {
            LlmRunRequest::Vet {
                filter, knowledge, ..
            } => SnapshotScope::for_run(filter.domain.clone(), knowledge.examples()),
            LlmRunRequest::Relate {
                domain, knowledge, ..
            } => SnapshotScope::for_run(Some(domain.clone()), knowledge.examples()),
            LlmRunRequest::Rank { domain, .. } => {
                SnapshotScope::for_run(Some(domain.clone()), false)
            }
            LlmRunRequest::Align {
                domain, variants, ..
            } => {
                SnapshotScope::for_run(Some(domain.clone()), variants.iter().any(|v| v.examples()))
            }
            LlmRunRequest::Generate { .. } => SnapshotScope::Everything,
        }
    }

    fn provider(&self) -> &str {
        match self {
            LlmRunRequest::Vet { provider, .. }
            | LlmRunRequest::Relate { provider, .. }
            | LlmRunRequest::Rank { provider, .. }
            | LlmRunRequest::Align { provider, .. }
            | LlmRunRequest::Generate { provider, .. } => provider,
        }
    }
}

/// How often a running LLM job looks at its cancel flag and forwards progress.
const LLM_POLL: Duration = Duration::from_millis(50);

/// Runs one LLM role against the database at `db` with the provider named in the settings file
/// at `settings`; `questions` is the picked file of a generate run. Progress counts inputs and
/// carries the cost so far. Cancelling abandons calls in flight and keeps finished ones (each
/// call is recorded in its own transaction), as on the CLI.
pub fn llm_run(
    db: PathBuf,
    settings: PathBuf,
    request: LlmRunRequest,
    questions: Option<PathBuf>,
) -> Work {
    Box::new(move |progress, cancel| {
        let model = ModelAccess::load(&settings, &request)?;
        let mut store = Store::open(&db)?;
        model.run(&mut store, None, request, questions, progress, cancel)
    })
}

/// [`llm_run`] on the team server at `url` (signed in with `password`, if typed), on a snapshot
/// of the server whose every record is copied to the server as it is written (see
/// [`TeamServer::prepare_run`]): vetting and aligning by an SME or adjudicator; answering
/// questions, proposing relationships and ranking discovery's candidates (which adds the
/// model's own) by who may import, each item it adds going to `reviews` distinct reviewers
/// (the overlap k; only runs that add items take more than 1). Progress counts the snapshot's
/// rows, then the inputs.
pub fn llm_run_on_server(
    url: String,
    password: Option<ApiKey>,
    settings: PathBuf,
    request: LlmRunRequest,
    questions: Option<PathBuf>,
    reviews: u32,
) -> Work {
    Box::new(move |progress, cancel| {
        let writes = match request {
            LlmRunRequest::Vet { .. } | LlmRunRequest::Align { .. } if reviews != 1 => {
                return Err(Error::BadRequest(format!(
                    "vetting and aligning add no items, so no item of theirs needs {reviews} \
                     reviews; only answering questions and proposing or ranking relationships \
                     take reviews per new item"
                )));
            }
            LlmRunRequest::Vet { .. } | LlmRunRequest::Align { .. } => RunWrites::Verdicts,
            LlmRunRequest::Generate { .. }
            | LlmRunRequest::Relate { .. }
            | LlmRunRequest::Rank { .. } => RunWrites::Items { reviews },
        };
        let model = ModelAccess::load(&settings, &request)?;
        let mut run = TeamServer::connect_with_password(&url, password.as_ref())?.prepare_run(
            writes,
            &request.scope(),
            &mut |p| progress(Tick::of(p.done, Some(p.total))),
            cancel,
        )?;
        let (store, mirror) = run.parts();
        model.run(store, Some(mirror), request, questions, progress, cancel)
    })
}

/// The model a run calls, and its prices: read before anything else, so a provider missing
/// from the settings is said at once.
struct ModelAccess {
    client: Client,
    prices: PriceTable,
}

impl ModelAccess {
    fn load(settings: &Path, request: &LlmRunRequest) -> Result<ModelAccess> {
        let settings = Settings::load(settings)?;
        Ok(ModelAccess {
            client: Client::new(
                settings.provider(request.provider())?,
                ClientOptions::default(),
            )?,
            prices: settings.prices()?,
        })
    }

    /// Runs `request` on `store` (its records copied to `mirror` too, if given) on a runtime
    /// of its own, forwarding progress and cancel; one line for the user.
    fn run(
        &self,
        store: &mut Store,
        mirror: Option<&std::sync::Mutex<dyn crate::roles::RunMirror>>,
        request: LlmRunRequest,
        questions: Option<PathBuf>,
        progress: &mut dyn FnMut(Tick),
        cancel: &AtomicBool,
    ) -> Result<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the async runtime: {e}")))?;
        let (ticks, ticked) = mpsc::channel::<Tick>();
        let on_progress = move |p: &Progress| {
            let _ = ticks.send(Tick {
                done: p.done as u64,
                total: Some(p.total as u64),
                cost_usd: Some(p.cost_usd),
                failed: p.failed as u64,
            });
        };
        let token = CancellationToken::new();
        let ctx = RunContext {
            client: &self.client,
            prices: &self.prices,
            options: RunOptions::default(),
            progress: &on_progress,
            cancel: &token,
            mirror,
        };
        let finished = runtime.block_on(async {
            let run = run_role(store, &ctx, request, questions);
            tokio::pin!(run);
            loop {
                tokio::select! {
                    finished = &mut run => break finished,
                    () = tokio::time::sleep(LLM_POLL) => {
                        ticked.try_iter().for_each(&mut *progress);
                        if cancel.load(Ordering::Relaxed) {
                            token.cancel();
                        }
                    }
                }
            }
        })?;
        ticked.try_iter().for_each(&mut *progress);
        if finished.cancelled {
            return Err(Error::Cancelled);
        }
        Ok(finished.message)
    }
}

/// How an LLM job ended: its one-line report, and whether it was cancelled.
struct Finished {
    message: String,
    cancelled: bool,
}

impl From<RunSummary> for Finished {
    fn from(summary: RunSummary) -> Finished {
        Finished {
            message: format!("{summary}; {}", summary.totals),
            cancelled: summary.cancelled,
        }
    }
}

impl From<AlignmentReport> for Finished {
    /// e.g. `alignment run 3 of finance with qwen (40 held-out items per variant): κ base 0.41,
    /// both 0.61 · cost $0.0042`.
    fn from(report: AlignmentReport) -> Finished {
        let kappas: Vec<String> = report
            .variants
            .iter()
            .map(|v| {
                let kappa = v
                    .kappa
                    .map_or_else(|| "n/a".to_owned(), |k| format!("{k:.2}"));
                format!("{} {kappa}", v.variant.as_str())
            })
            .collect();
        let cost: f64 = report.variants.iter().map(|v| v.cost_usd).sum();
        Finished {
            message: format!(
                "alignment run {} of {} with {} ({} held-out items per variant): κ {} · cost ${cost:.4}",
                report.alignment_id,
                report.domain,
                report.model,
                report.judged_per_variant,
                kappas.join(", ")
            ),
            cancelled: report.cancelled,
        }
    }
}

async fn run_role(
    store: &mut Store,
    ctx: &RunContext<'_>,
    request: LlmRunRequest,
    questions: Option<PathBuf>,
) -> Result<Finished> {
    let summary = match request {
        LlmRunRequest::Vet {
            filter,
            limit,
            revet,
            knowledge,
            ..
        } => {
            let selection = VetSelection {
                filter,
                limit: limit as usize,
                revet,
                knowledge: knowledge.into(),
            };
            vet::vet(store, ctx, selection).await
        }
        LlmRunRequest::Relate {
            source,
            target,
            domain,
            knowledge,
            ..
        } => {
            let (source, target) = relate::products_from_registry(store, &source, &target)?;
            let pair = relate::ProductPair {
                domain,
                source,
                target,
            };
            relate::relate(store, ctx, vec![pair], knowledge.into()).await
        }
        LlmRunRequest::Rank { domain, limit, .. } => {
            let selection = rank::RankSelection {
                domain,
                limit: limit as usize,
                again: false,
            };
            rank::rank(store, ctx, selection).await
        }
        LlmRunRequest::Generate { knowledge, .. } => {
            let file = questions.ok_or_else(|| {
                Error::BadRequest("a generate run needs a questions file".to_owned())
            })?;
            let questions = generate::read_questions(&file)?;
            generate::generate(store, ctx, questions, knowledge.into(), 1).await
        }
        LlmRunRequest::Align {
            domain,
            holdout,
            variants,
            limit,
            ..
        } => {
            let options = AlignOptions {
                domain,
                holdout,
                seed: DEFAULT_SEED,
                variants,
                limit: Some(limit as usize),
                examples: DEFAULT_EXAMPLES,
            };
            return Ok(align_vetter(store, ctx, options).await?.into());
        }
    };
    summary.map(Finished::from)
}
