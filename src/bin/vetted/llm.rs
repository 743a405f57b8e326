//! `generate`, `relate` (and `relate --rank`) and `vet`: provider flags, a progress bar on stderr, Ctrl-C to cancel
//! (calls in flight are abandoned, finished ones are kept), and a run summary.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use vetted::llm::provider::DEFAULT_KEY_ENV;
use vetted::llm::{
    CancellationToken, Client, ClientOptions, KeyLookup, PriceTable, Provider, RetryPolicy,
    Settings,
};
use vetted::roles::knowledge::{DEFAULT_EXAMPLES, KnowledgeOptions, Variant};
use vetted::roles::rank::{self, RankSelection};
use vetted::roles::vet::{self, VetSelection};
use vetted::roles::{Progress, RunContext, RunMirror, RunOptions, RunSummary};
use vetted::store::Assessed;
use vetted::team_server::{RunWrites, SnapshotScope, TeamServer};
use vetted::{Error, Result, Store};

use crate::export::with_progress_bar;
use crate::output::{one_line, print_json};

/// What a prompt carries besides its subject (docs/llm.md#knowledge-in-the-prompt).
#[derive(Args, Debug, Clone, Copy)]
pub struct KnowledgeArgs {
    /// base (nothing), guidelines (the domain's), examples (similar reviewed items of the
    /// domain) or both.
    #[arg(long, default_value = "base", value_name = "VARIANT")]
    knowledge: Variant,
    /// How many similar reviewed items a prompt with examples carries.
    #[arg(long, default_value_t = DEFAULT_EXAMPLES, value_name = "K")]
    examples: usize,
}

impl From<KnowledgeArgs> for KnowledgeOptions {
    fn from(args: KnowledgeArgs) -> KnowledgeOptions {
        KnowledgeOptions {
            variant: args.knowledge,
            examples: args.examples,
        }
    }
}

/// Which server and model to call, and how.
#[derive(Args, Debug)]
pub struct LlmArgs {
    /// A provider named in the settings file.
    #[arg(long, conflicts_with_all = ["base_url", "model"])]
    provider: Option<String>,
    /// An OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 (with --model).
    #[arg(long, requires = "model", value_name = "URL")]
    base_url: Option<String>,
    #[arg(long, requires = "base_url", value_name = "NAME")]
    model: Option<String>,
    /// Environment variable holding the key for --base-url.
    #[arg(long, default_value = DEFAULT_KEY_ENV, value_name = "VAR")]
    api_key_env: String,
    /// With --base-url: when the variable is unset, use the key this named provider stores in
    /// the OS keyring (see `vetted provider set-key`).
    #[arg(long, requires = "base_url", value_name = "PROVIDER")]
    keyring_key: Option<String>,
    /// Settings file with named providers (default: vetted.toml beside the database, else in
    /// the OS config directory).
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// Price table (TOML or JSON) adding to the built-in prices (default: the settings file's
    /// `[prices."MODEL"]` tables).
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Retries after a failed attempt (408, 409, 429, 5xx, connection errors).
    #[arg(long, default_value_t = 2)]
    max_retries: u32,
    /// Seconds per attempt, from request to the last byte.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    connect_timeout: u64,
    /// Stream answers (SSE) instead of waiting for the whole body.
    #[arg(long)]
    stream: bool,
    /// Completion token limit (default depends on the role).
    #[arg(long)]
    max_tokens: Option<u32>,
    #[arg(long)]
    temperature: Option<f32>,
    /// Directory of per-domain prompt overrides: DIR/DOMAIN/ROLE.md.
    #[arg(long, value_name = "DIR")]
    prompts: Option<PathBuf>,
    /// Print the run summary (with --discover: the candidates and their signals) as JSON.
    #[arg(long)]
    pub json: bool,
}

impl LlmArgs {
    fn provider(&self, db: Option<&Path>) -> Result<Provider> {
        match (&self.provider, &self.base_url, &self.model) {
            (Some(name), _, _) => self.settings(db)?.provider(name),
            (None, Some(url), Some(model)) => {
                let lookup = KeyLookup {
                    env_var: &self.api_key_env,
                    keyring_entry: self.keyring_key.as_deref(),
                };
                Provider::new("cli", url, model, lookup)
            }
            _ => Err(Error::Config(
                "say which model to call: --provider NAME (from the settings file) or \
                 --base-url URL --model NAME"
                    .to_owned(),
            )),
        }
    }

    fn client(&self, db: Option<&Path>) -> Result<Client> {
        let options = ClientOptions {
            connect_timeout: Duration::from_secs(self.connect_timeout),
            timeout: Duration::from_secs(self.timeout),
            concurrency: self.concurrency.max(1),
            retry: RetryPolicy {
                max_retries: self.max_retries,
                ..RetryPolicy::default()
            },
        };
        Client::new(self.provider(db)?, options)
    }

    /// `--settings FILE`, else the default beside the local database `db`, else (on a team
    /// server) the user's own.
    fn settings(&self, db: Option<&Path>) -> Result<Settings> {
        let path = match (&self.settings, db) {
            (Some(file), _) => file.clone(),
            (None, Some(db)) => Settings::default_path(db),
            (None, None) => Settings::user_path().ok_or_else(|| {
                Error::Config(
                    "this system names no configuration folder; say which settings file to \
                     read with --settings FILE"
                        .to_owned(),
                )
            })?,
        };
        Settings::load(&path)
    }

    /// `--prices FILE` over the defaults, else the settings file's prices over them.
    fn prices(&self, db: Option<&Path>) -> Result<PriceTable> {
        match &self.prices {
            Some(file) => PriceTable::load(file),
            None => self.settings(db)?.prices(),
        }
    }

    fn run_options(&self) -> RunOptions {
        RunOptions {
            stream: self.stream,
            max_tokens: self.max_tokens,
            temperature: self.temperature,
            prompt_dir: self.prompts.clone(),
        }
    }
}

/// Runs one role on a fresh runtime with a progress bar and Ctrl-C cancellation, then prints
/// the summary. Fails (non-zero exit) when every input failed.
pub fn run_role<F>(store: &mut Store, args: &LlmArgs, role: F) -> Result<()>
where
    F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<RunSummary>,
{
    let summary = run(store, args, role)?;
    report(&summary, args)
}

/// Prints the summary (as JSON with `--json`); fails when every input failed.
fn report(summary: &RunSummary, args: &LlmArgs) -> Result<()> {
    if args.json {
        print_json(summary);
    } else {
        print_summary(summary);
    }
    every_call_failed(summary)
}

/// `relate --rank`: the run, then what it judged, most likely first (with `--json`, as the
/// summary's `ranking`).
pub fn run_ranking(store: &mut Store, args: &LlmArgs, selection: RankSelection) -> Result<()> {
    let (summary, ranking) = run(store, args, async |store, ctx| {
        ranked(store, ctx, selection).await
    })?;
    print_ranking(&summary, &ranking, args)
}

/// `vetted --db postgres://… relate --rank`: [`run_ranking`] on the team server, by its owner
/// (ranking adds the model's own relationships, each for `reviews` distinct reviewers).
pub fn run_ranking_on_server(
    url: &str,
    args: &LlmArgs,
    selection: RankSelection,
    reviews: u32,
) -> Result<()> {
    let writes = RunWrites::Items { reviews };
    let scope = SnapshotScope::for_run(Some(selection.domain.clone()), false);
    let (summary, ranking) = run_on_server(url, args, writes, &scope, async |store, ctx| {
        ranked(store, ctx, selection).await
    })?;
    print_ranking(&summary, &ranking, args)
}

/// Ranks `selection` on `store`: the run, and what it judged, most likely first.
async fn ranked(
    store: &mut Store,
    ctx: &RunContext<'_>,
    selection: RankSelection,
) -> Result<(RunSummary, Vec<Assessed>)> {
    let summary = rank::rank(store, ctx, selection).await?;
    let ranking = store.run_assessments(summary.stored_run_id)?;
    Ok((summary, ranking))
}

/// The ranking, most likely first, then the summary (with `--json`, the summary with its
/// `ranking`); fails when every call failed.
fn print_ranking(summary: &RunSummary, ranking: &[Assessed], args: &LlmArgs) -> Result<()> {
    if args.json {
        let mut value = serde_json::to_value(summary).expect("summary serializes");
        value["ranking"] = serde_json::to_value(ranking).expect("ranking serializes");
        print_json(&value);
    } else {
        for r in ranking {
            println!(
                "{:.2}  {}  {}\n      {}",
                r.assessment.confidence,
                r.external_id,
                r.title,
                one_line(&r.assessment.rationale, 160)
            );
        }
        print_summary(summary);
        if summary.inputs == 0 {
            println!(
                "nothing to rank: no pending candidates from `vetted relate --discover` in this \
                 domain (--domain to pick another)"
            );
        } else if summary.not_run == summary.inputs && !summary.cancelled {
            println!(
                "{} already ranked every pending candidate; --again to judge them again",
                summary.model
            );
        }
    }
    every_call_failed(summary)
}

/// Runs `role` on a fresh runtime with a progress bar on stderr and Ctrl-C cancellation.
pub fn run<T, F>(store: &mut Store, args: &LlmArgs, role: F) -> Result<T>
where
    F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<T>,
{
    let model = args.model(Some(store.path()))?;
    run_with(store, None, &model, args, role)
}

/// `vetted --db postgres://… vet`: the vetting model on the team server (see [`run_on_server`]);
/// the summary names the server's run.
pub fn vet_on_server(url: &str, args: &LlmArgs, selection: VetSelection) -> Result<()> {
    let scope = SnapshotScope::for_run(
        selection.filter.domain.clone(),
        selection.knowledge.variant.examples(),
    );
    let summary = run_on_server(
        url,
        args,
        RunWrites::Verdicts,
        &scope,
        async |store, ctx| vet::vet(store, ctx, selection).await,
    )?;
    report(&summary, args)
}

/// Runs `role` on the team server at `url`, as the login (one that may write what the role
/// writes: see `RunWrites`), on a snapshot of the items in `scope` whose every record is copied
/// to the server as it is written (see `TeamServer::prepare_run`), with progress bars and
/// Ctrl-C.
pub fn run_on_server<T, F>(
    url: &str,
    args: &LlmArgs,
    writes: RunWrites,
    scope: &SnapshotScope,
    role: F,
) -> Result<T>
where
    F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<T>,
{
    // A provider missing from the settings is said before the server is read.
    let model = args.model(None)?;
    let server = TeamServer::connect(url)?;
    let mut run = with_progress_bar("reading the server ", |on_progress| {
        server.prepare_run(writes, scope, on_progress, crate::interrupt::cancel_flag())
    })?;
    let (store, mirror) = run.parts();
    run_with(store, Some(mirror), &model, args, role)
}

/// `vetted --db postgres://… generate` or `relate`: `role`, which adds items, each for `reviews`
/// distinct reviewers, on the team server, reading the items in `scope` (see
/// [`run_on_server`]); the summary names the server's run.
pub fn add_items_on_server<F>(
    url: &str,
    args: &LlmArgs,
    reviews: u32,
    scope: &SnapshotScope,
    role: F,
) -> Result<()>
where
    F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<RunSummary>,
{
    let summary = run_on_server(url, args, RunWrites::Items { reviews }, scope, role)?;
    report(&summary, args)
}

/// The model a run calls, and its prices.
pub struct Model {
    client: Client,
    prices: PriceTable,
}

impl LlmArgs {
    /// The model and prices these flags name (settings beside the local database `db`, else
    /// the user's).
    fn model(&self, db: Option<&Path>) -> Result<Model> {
        Ok(Model {
            client: self.client(db)?,
            prices: self.prices(db)?,
        })
    }
}

/// [`run`] with `model`, each record also copied to `mirror` if given.
fn run_with<T, F>(
    store: &mut Store,
    mirror: Option<&Mutex<dyn RunMirror>>,
    model: &Model,
    args: &LlmArgs,
    role: F,
) -> Result<T>
where
    F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<T>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Config(format!("cannot start the async runtime: {e}")))?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]")
            .expect("template is valid"),
    );
    let progress = |p: &Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} failed · ${:.4}", p.failed, p.cost_usd));
    };
    let cancel = CancellationToken::new();
    let summary = runtime.block_on(async {
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let ctx = RunContext {
            client: &model.client,
            prices: &model.prices,
            options: args.run_options(),
            progress: &progress,
            cancel: &cancel,
            mirror,
        };
        role(store, &ctx).await
    })?;
    bar.finish_and_clear();
    Ok(summary)
}

/// A run whose every call failed is a failed command (non-zero exit).
fn every_call_failed(summary: &RunSummary) -> Result<()> {
    if summary.failed > 0 && summary.succeeded == 0 {
        return Err(Error::BadRequest(format!(
            "every call of run {} failed; see the failures above",
            summary.run_id
        )));
    }
    Ok(())
}

fn print_summary(s: &RunSummary) {
    println!("{s}");
    println!("{}", s.totals);
    for f in &s.failures {
        println!("  {} [{}] {}", f.subject, f.code, one_line(&f.message, 160));
    }
    let mut codes = Vec::new();
    for f in &s.failures {
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    for hint in codes.into_iter().filter_map(crate::hints::code_hint) {
        println!("hint: {hint}");
    }
}
