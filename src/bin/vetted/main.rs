//! `vetted` — the command-line face of the core: import, search, list, decide, show, count and
//! export, register data products and export accepted relationships, and run the LLM roles
//! (generate, relate, vet), on the same database the desktop app uses. Errors go to stderr with a
//! non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
mod align;
mod bulk;
mod claims;
mod discover;
mod evidence_view;
mod export;
mod forms;
mod guidelines;
mod hints;
mod import;
mod interrupt;
mod item_runs;
mod llm;
mod output;
mod products;
mod prompts;
mod provider;
mod reasons;
mod review;
mod server;
mod stats;
mod team;
mod workspace;

use item_runs::{ItemRun, Place};
use vetted::domain::{Action, ItemStatus};
use vetted::roles::vet;
use vetted::roles::vet::VetSelection;
use vetted::store::{ConfidentPass, QueueFilter, QueueSort};
use vetted::team::ReviewState;
use vetted::vetter_agreement::vetter_agreement;
use vetted::{Error, ErrorCode, Result, Store, db_path};
use workspace::Workspace;

#[derive(Parser)]
#[command(
    name = "vetted",
    version,
    about = "Review LLM output next to its evidence."
)]
struct Cli {
    /// Database file (default: $VETTED_DB, else vetted.db in the OS app-data directory), or a
    /// team server: postgres://USER@HOST:PORT/DATABASE (see docs/team-server.md).
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import items from JSONL or CSV files, or an OpenAI batch (see docs/import-format.md).
    ///
    /// Each file is all-or-nothing; `-` reads JSONL from standard input; gzip works too.
    Import {
        #[arg(required_unless_present = "openai_batch")]
        files: Vec<PathBuf>,
        /// Import an OpenAI Batch API job: its input (requests) and output (responses) files.
        #[arg(long, num_args = 2, value_names = ["INPUT", "OUTPUT"], conflicts_with = "files")]
        openai_batch: Option<Vec<PathBuf>>,
        /// Domain of the answers of an OpenAI batch.
        #[arg(long, default_value = "general", requires = "openai_batch")]
        domain: String,
        /// On a team server: how many distinct reviewers review each item (k, default 1). On a
        /// local database, overlap is set with `vetted overlap set`.
        #[arg(long, value_name = "K")]
        overlap: Option<u32>,
    },
    /// Full-text search over questions, answers, evidence and relationships.
    ///
    /// Words are matched literally (no query syntax); every word must occur.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// List what is waiting: pending items, oldest first (`--status` for others).
    Queue {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Items with this status, or `all`. Default: pending, or any status with `--review`.
        #[arg(long, value_enum, value_name = "STATUS")]
        status: Option<QueueStatusArg>,
        /// `risk`: riskiest first by the vetting verdict's score; unvetted items last.
        /// `likely`: relationships most likely to hold first (the relate model's confidence
        /// from `relate --rank`, else the proposal's own); answers last.
        #[arg(long, value_enum, default_value = "oldest")]
        order: OrderArg,
        /// Team review state: open (awaiting reviews), settled, conflict (see `adjudication`).
        #[arg(long, value_enum)]
        review: Option<ReviewArg>,
        /// Only items REVIEWER still has to review (open, not decided by them).
        #[arg(long, value_name = "REVIEWER")]
        awaiting: Option<String>,
        #[arg(long)]
        domain: Option<String>,
        /// Only items the vetting model --vetter passed with a vetting score of at least SCORE
        /// (0..1), e.g. the threshold `vetted align threshold` suggests.
        #[arg(long, value_name = "SCORE", requires = "vetter")]
        vetter_confident: Option<f64>,
        /// The vetting model of --vetter-confident.
        #[arg(long, value_name = "MODEL", requires = "vetter_confident")]
        vetter: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a decision on an item (by its external id).
    Decide {
        item: String,
        #[arg(value_enum)]
        action: ActionArg,
        /// Corrected answer text (for `edit` of an answer item).
        #[arg(long, conflicts_with = "answer_file")]
        answer: Option<String>,
        /// File holding the corrected answer text.
        #[arg(long, value_name = "FILE")]
        answer_file: Option<PathBuf>,
        /// JSON file holding the corrected relation (`{"type", "cardinality", "mapping"}`),
        /// for `edit` of a relationship item.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["answer", "answer_file"])]
        relation_file: Option<PathBuf>,
        /// Edit a relationship item to say its products are not related (relation type
        /// `not_related`, keeping the proposed mapping as the pairing judged unrelated).
        #[arg(long, conflicts_with_all = ["answer", "answer_file", "relation_file"])]
        not_related: bool,
        /// Edit an answer item: the answer as shown with the personal data and secrets the
        /// privacy screen finds replaced by typed placeholders ([EMAIL], [API_KEY], …); see
        /// `vetted show ITEM`.
        #[arg(long, conflicts_with_all = ["answer", "answer_file", "relation_file", "not_related"])]
        redact: bool,
        /// Also leave the item out of training exports (see `vetted do-not-train`).
        #[arg(long)]
        do_not_train: bool,
        /// An answer to the domain's review form, QUESTION=VALUE (repeatable): a point or a
        /// number as digits, yes/no, one option, several labels separated by commas, or text
        /// (see `vetted forms show DOMAIN`).
        #[arg(long = "form", value_name = "QUESTION=VALUE")]
        form: Vec<String>,
        /// A verdict on one of the answer's claims, N=VERDICT (repeatable): supported,
        /// unsupported, contradicted or not-checkable, for claim N as `vetted show ITEM` lists
        /// them; `@hint`, `@PASSAGE` or `@PASSAGE:START-END` (characters) links evidence.
        #[arg(long = "claim", value_name = "N=VERDICT[@LINK]")]
        claim: Vec<String>,
        /// A comparison's pick: with approve, the best candidate (1–4) or `tie`; with edit,
        /// the candidate the new answer (--answer, --answer-file) starts from.
        #[arg(long, value_name = "N|tie")]
        pick: Option<String>,
        /// Reject reason: its id (e.g. unsupported_by_evidence) or its label, in any case
        /// (e.g. "Unsupported by evidence"); see `vetted reasons list`.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Reviewer name (default: $VETTED_REVIEWER, else `vetted reviewer use`, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
        /// Record the adjudicator's final decision (the reviewer must be an adjudicator).
        #[arg(long)]
        adjudicate: bool,
    },
    /// Leave an item out of training exports, or with --clear put it back (the app's
    /// "Do not train" checkbox). Not a decision: the item stays in the queue as it is.
    DoNotTrain {
        item: String,
        /// Put the item back into training exports.
        #[arg(long)]
        clear: bool,
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Approve, as one step, the relationship candidates waiting for you whose computed evidence
    /// meets RULE, e.g. "containment>=100%, target-key" (docs/relationships.md). Each approval
    /// is a decision of yours that notes the rule; `vetted undo` takes them all back.
    ApproveWhere(bulk::ApproveWhereArgs),
    /// Undo your latest decision still in force (a bulk approval as a whole).
    Undo {
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Redo what you last undid, unless you decided something since.
    Redo {
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Show an item, its evidence and its decision history (as the reviewer may see it: with
    /// several required reviews, others' decisions only once the reviewer decided).
    Show {
        item: String,
        #[arg(long)]
        reviewer: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A team server on PostgreSQL: set it up, add reviewers, release claimed work (see
    /// docs/team-server.md).
    Team {
        #[command(subcommand)]
        command: server::TeamCommand,
    },
    /// Reviewer profiles (name and role) and the current reviewer.
    Reviewer {
        #[command(subcommand)]
        command: team::ReviewerCommand,
    },
    /// How many independent reviews items need (default 1).
    Overlap {
        #[command(subcommand)]
        command: team::OverlapCommand,
    },
    /// The adjudication queue: items whose reviews disagree.
    Adjudication {
        #[command(subcommand)]
        command: team::AdjudicationCommand,
    },
    /// Offline merge: pack the decision log into a bundle, merge another laptop's bundle
    /// (docs/sync.md).
    Sync {
        #[command(subcommand)]
        command: team::SyncCommand,
    },
    /// Review statistics: items by status, decisions per day and reviewer, outcomes by model and
    /// domain, reject reasons, edit distances, burn-down, agreement between reviewers (percent,
    /// Cohen's kappa per pair, Krippendorff's alpha) and vetter vs reviewers (docs/stats.md).
    Stats {
        /// Only the vetter: confusion matrix and Cohen's kappa per domain and vetting model.
        #[arg(long)]
        vetter: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the database (safe while the app is running).
    Backup {
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Replace the database with a backup (close the app first).
    Restore { backup: PathBuf },
    /// Data products: register SQLite tables, CSV and Parquet files, list them.
    Products {
        #[command(subcommand)]
        command: products::ProductsCommand,
    },
    /// LLM providers (settings file) and their API keys (OS keyring).
    Provider {
        /// Settings file (default: vetted.toml beside the database, else in the OS config
        /// directory).
        #[arg(long, value_name = "FILE")]
        settings: Option<PathBuf>,
        #[command(subcommand)]
        command: provider::ProviderCommand,
    },
    /// Answer questions from their evidence with an LLM; the answers join the queue.
    Generate {
        /// JSONL: {"id", "domain", "question", "evidence": [{"id", "title", "text", "source"}]}.
        #[arg(long, value_name = "FILE")]
        questions: PathBuf,
        /// Answer each question N times (2–4, sampled at temperature 0.8 unless --temperature
        /// says otherwise) and queue the answers as one comparison item to pick the best of.
        #[arg(long, value_name = "N", default_value_t = 1)]
        samples: usize,
        /// On a team server: how many distinct reviewers review each new item (k, default 1),
        /// as with `import --overlap`. On a local database, overlap is set with `vetted overlap
        /// set`.
        #[arg(long, value_name = "K")]
        overlap: Option<u32>,
        #[command(flatten)]
        knowledge: llm::KnowledgeArgs,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
    /// Propose relationships from PRODUCT_A (source) to PRODUCT_B (target) with an LLM.
    Relate {
        #[arg(required_unless_present_any = ["from_item", "discover", "rank"])]
        product_a: Option<String>,
        #[arg(required_unless_present_any = ["from_item", "discover", "rank"])]
        product_b: Option<String>,
        /// Propose candidates among all registered products without a model (declared keys,
        /// names and types, values where the source can be read whole) and queue them
        /// (docs/relationships.md).
        #[arg(long, conflicts_with_all = ["product_a", "product_b", "products", "from_item"])]
        discover: bool,
        /// With --discover: do not copy declared foreign keys; infer them, and report recall
        /// against them.
        #[arg(long, requires = "discover")]
        ignore_declared: bool,
        /// With --discover: use names, types and declared keys only; read no values.
        #[arg(long, requires = "discover")]
        schema_only: bool,
        /// With --discover: list the candidates, queue nothing.
        #[arg(long, requires = "discover")]
        dry_run: bool,
        /// Have the model judge the pending candidates discovery queued, pair by pair: a
        /// confidence and a rationale for each (shown with the item; `queue --order likely`
        /// ranks by it), and at most two relationships of its own per pair.
        #[arg(long, conflicts_with_all = ["product_a", "product_b", "products", "from_item", "discover"])]
        rank: bool,
        /// With --rank: at most this many candidates.
        #[arg(long, requires = "rank", default_value_t = 200)]
        limit: usize,
        /// With --rank: judge again candidates this model already ranked.
        #[arg(long, requires = "rank")]
        again: bool,
        /// JSON array of products ({"product", "fields", "sample_rows"}) to pick both from
        /// (default: the registered data products, see `vetted products add`).
        #[arg(long, value_name = "FILE")]
        products: Option<PathBuf>,
        /// Use the source and target of this relationship item instead.
        #[arg(long, value_name = "ITEM", conflicts_with_all = ["product_a", "product_b", "products"])]
        from_item: Option<String>,
        /// Domain of the new items (and of the prompt override); with --rank, of the candidates
        /// to rank.
        #[arg(long, default_value = vetted::discovery::DISCOVERY_DOMAIN)]
        domain: String,
        /// On a team server: how many distinct reviewers review each new item — proposed,
        /// discovered or ranked (k, default 1), as with `import --overlap`. On a local
        /// database, overlap is set with `vetted overlap set`.
        #[arg(long, value_name = "K", conflicts_with = "dry_run")]
        overlap: Option<u32>,
        #[command(flatten)]
        knowledge: llm::KnowledgeArgs,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
    /// Screen items with the vetting model: verdict, reasons and risk, stored as a suggestion.
    Vet {
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Vet items of this domain only (on a team server, only its items are read first).
        #[arg(long)]
        domain: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Vet again items this vetting model already judged.
        #[arg(long)]
        revet: bool,
        #[command(flatten)]
        knowledge: llm::KnowledgeArgs,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
    /// Measure how well a model agrees with the reviewers (docs/llm.md#aligning-the-vetter).
    Align {
        #[command(subcommand)]
        command: align::AlignCommand,
    },
    /// Export decisions as fine-tuning data or an audit trail (docs/export.md), or approved
    /// relationships as a graph or dbt tests (docs/relationships.md).
    Export(Box<export::ExportArgs>),
    /// Review guidelines per domain; promote a decision's note into one.
    Guidelines {
        #[command(subcommand)]
        command: guidelines::GuidelinesCommand,
    },
    /// Claim-level verdicts: a domain's setting for approving with doubtful claims
    /// (docs/claims.md).
    Claims {
        #[command(subcommand)]
        command: claims::ClaimsCommand,
    },
    /// A domain's review form (rubric): questions answered with every decision, versioned
    /// (docs/forms.md).
    Forms {
        #[command(subcommand)]
        command: forms::FormsCommand,
    },
    /// A domain's own prompt templates (the vetting prompt above all), versioned.
    Prompts {
        #[command(subcommand)]
        command: prompts::PromptsCommand,
    },
    /// List or extend the reject-reason taxonomy.
    Reasons {
        #[command(subcommand)]
        command: ReasonsCommand,
    },
}

#[derive(Subcommand)]
enum ReasonsCommand {
    /// Print the reasons in the order reviewers see them.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Append a reason, e.g. `vetted reasons add outdated "Outdated source"`.
    Add { id: String, label: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum OrderArg {
    Oldest,
    Newest,
    Risk,
    Likely,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReviewArg {
    Open,
    Settled,
    Conflict,
}

impl From<ReviewArg> for ReviewState {
    fn from(r: ReviewArg) -> Self {
        match r {
            ReviewArg::Open => ReviewState::Open,
            ReviewArg::Settled => ReviewState::Settled,
            ReviewArg::Conflict => ReviewState::Conflict,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Pending,
    Approved,
    Edited,
    Rejected,
    NeedsSme,
}

impl From<StatusArg> for ItemStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => ItemStatus::Pending,
            StatusArg::Approved => ItemStatus::Approved,
            StatusArg::Edited => ItemStatus::Edited,
            StatusArg::Rejected => ItemStatus::Rejected,
            StatusArg::NeedsSme => ItemStatus::NeedsSme,
        }
    }
}

/// `vetted queue --status`: an item status, or every status.
#[derive(Clone, Copy, ValueEnum)]
enum QueueStatusArg {
    Pending,
    Approved,
    Edited,
    Rejected,
    NeedsSme,
    All,
}

impl QueueStatusArg {
    fn status(self) -> Option<ItemStatus> {
        Some(match self {
            QueueStatusArg::Pending => ItemStatus::Pending,
            QueueStatusArg::Approved => ItemStatus::Approved,
            QueueStatusArg::Edited => ItemStatus::Edited,
            QueueStatusArg::Rejected => ItemStatus::Rejected,
            QueueStatusArg::NeedsSme => ItemStatus::NeedsSme,
            QueueStatusArg::All => return None,
        })
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ActionArg {
    Approve,
    Edit,
    Reject,
    /// Defer to a subject-matter expert; `--note` is the question.
    NeedsSme,
}

/// A session on the team server at `url`, for a command that runs on both kinds of database.
fn on_server(url: &str) -> Result<Workspace<'static>> {
    Ok(Workspace::Server(Box::new(
        vetted::team_server::TeamServer::connect(url)?,
    )))
}

/// The commands a team server runs today; the rest say so.
fn run_on_server(url: &str, command: Command) -> Result<()> {
    let command = match ItemRun::of(command) {
        Ok(run) => return run.run(Place::Server(url)),
        Err(command) => *command,
    };
    match command {
        Command::Import {
            files,
            openai_batch: None,
            overlap,
            ..
        } => server::import(url, &files, overlap),
        Command::Queue {
            limit,
            status: None,
            review: None,
            awaiting: None,
            domain: None,
            vetter_confident: None,
            json,
            ..
        } => server::queue(url, limit, json),
        Command::Decide {
            item,
            action,
            answer,
            answer_file,
            relation_file,
            not_related,
            redact,
            do_not_train: false,
            form,
            claim,
            pick,
            reason,
            note,
            reviewer: None,
            adjudicate,
        } => server::decide(
            url,
            server::ServerDecision {
                item,
                action: action.into(),
                correction: review::correction(
                    answer,
                    answer_file,
                    relation_file,
                    not_related,
                    redact,
                )?,
                pick,
                reason,
                note,
                adjudicate,
                form,
                claims: claim,
            },
        ),
        Command::Show {
            item,
            reviewer: None,
            json,
        } => review::show(
            review::Shown::on_server(&mut vetted::team_server::TeamServer::connect(url)?, &item)?,
            json,
        ),
        Command::Backup { out } => server::snapshot(url, &out),
        Command::Export(args) => server::export(url, *args),
        Command::Adjudication {
            command: team::AdjudicationCommand::List { limit, json },
        } => server::conflicts(url, limit, json),
        Command::Sync {
            command:
                team::SyncCommand::Merge {
                    bundle,
                    json: false,
                },
        } => server::merge_bundle(url, &bundle),
        Command::Forms { command } => forms::run(on_server(url)?, command),
        Command::Claims { command } => claims::run(on_server(url)?, command),
        Command::Guidelines { command } => guidelines::run(on_server(url)?, command),
        Command::Products { command } => products::run(on_server(url)?, command),
        Command::DoNotTrain {
            item,
            clear,
            reviewer: None,
        } => server::set_do_not_train(url, &item, !clear),
        Command::DoNotTrain {
            reviewer: Some(_), ..
        } => Err(Error::BadRequest(
            "on a team server you mark as your login; leave out --reviewer".into(),
        )),
        Command::Undo { reviewer } => bulk::undo(on_server(url)?, reviewer, false),
        Command::Redo { reviewer } => bulk::undo(on_server(url)?, reviewer, true),
        Command::ApproveWhere(args) => bulk::approve_where(on_server(url)?, args),
        Command::Vet {
            status,
            domain,
            limit,
            revet,
            knowledge,
            llm,
        } => llm::vet_on_server(
            url,
            &llm,
            vet_selection(status, domain, limit, revet, knowledge),
        ),
        Command::Align { command } => align::run_on_server(url, command),
        Command::Overlap {
            command: team::OverlapCommand::Set {
                import: Some(_), ..
            },
        } => Err(Error::BadRequest(
            "a team server keeps no imports by id: set the overlap of a domain (--domain) or of \
             every item"
                .into(),
        )),
        Command::Overlap {
            command: team::OverlapCommand::Set { k, domain, .. },
        } => server::set_overlap(url, domain.as_deref(), k),
        Command::Overlap {
            command: team::OverlapCommand::List { json },
        } => server::overlaps(url, json),
        Command::Stats { vetter, json } => {
            let stats = vetted::team_server::TeamServer::connect(url)?.stats()?;
            match vetter {
                true => review::vetter_stats(stats.vetter, json),
                false => stats::print(&stats, json),
            }
        }
        _ => Err(Error::BadRequest(
            "on a team server Vetted runs import (with --overlap), queue (which claims your next \
             items), decide (approve, edit, reject, needs-sme, with --form, --claim and relation \
             edits), approve-where, undo, redo, show, guidelines, forms, claims confirm, \
             products, do-not-train, vet and align (SMEs and adjudicators), generate and relate \
             (with --discover and --rank; the owner), overlap (set: the owner), adjudication \
             list, stats, backup (a local \
             snapshot), export, sync merge and team for now; run the rest on a local database"
                .into(),
        )),
    }
}

/// What `vet` picks: the first `limit` items of the queue (of a status, if given).
fn vet_selection(
    status: Option<StatusArg>,
    domain: Option<String>,
    limit: usize,
    revet: bool,
    knowledge: llm::KnowledgeArgs,
) -> VetSelection {
    VetSelection {
        filter: QueueFilter {
            status: status.map(Into::into),
            domain,
            ..QueueFilter::default()
        },
        limit,
        revet,
        knowledge: knowledge.into(),
    }
}

impl From<ActionArg> for Action {
    fn from(action: ActionArg) -> Action {
        match action {
            ActionArg::Approve => Action::Approve,
            ActionArg::Edit => Action::Edit,
            ActionArg::Reject => Action::Reject,
            ActionArg::NeedsSme => Action::NeedsSme,
        }
    }
}

fn main() -> ExitCode {
    output::exit_quietly_when_stdout_closes();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = hints::cli_hint(&e) {
                eprintln!("hint: {hint}");
            }
            // 130 = interrupted by Ctrl-C (SIGINT), as shells report it.
            if e.code() == ErrorCode::Cancelled {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let path = cli.db.unwrap_or_else(db_path::default_db_path);
    // Providers live in the settings file and the keyring, not in the database.
    if let Command::Provider { settings, command } = cli.command {
        return provider::run(&path, settings, command);
    }
    let server_url = path
        .to_str()
        .filter(|p| vetted::products::postgres_source::is_postgres_url(p));
    if let Command::Team { command } = cli.command {
        return server::team(server_url, command);
    }
    if let Some(url) = server_url {
        return run_on_server(url, cli.command);
    }
    // Refused before the file is opened (which would create it).
    if let Command::Import {
        overlap: Some(_), ..
    } = cli.command
    {
        return Err(item_runs::overlap_is_for_a_server());
    }
    let command = match ItemRun::of(cli.command) {
        Ok(run) if run.overlap().is_some() => return Err(item_runs::overlap_is_for_a_server()),
        Ok(run) => return run.run(Place::File(&mut Store::open(&path)?)),
        Err(command) => *command,
    };
    let mut store = Store::open(&path)?;
    match command {
        Command::Team { .. } => unreachable!("handled before the database is opened"),
        Command::Provider { .. } => unreachable!("handled before the database is opened"),
        Command::Generate { .. } | Command::Relate { .. } => {
            unreachable!("runs that add items are handled as an ItemRun")
        }
        Command::Import {
            files,
            openai_batch,
            domain,
            ..
        } => import::import(&mut store, import::sources(files, openai_batch, domain)),
        Command::Search { query, limit, json } => import::search(&store, &query, limit, json),
        Command::Queue {
            limit,
            status,
            order,
            review,
            awaiting,
            domain,
            vetter_confident,
            vetter,
            json,
        } => {
            let order = match order {
                OrderArg::Oldest => QueueSort::Oldest,
                OrderArg::Newest => QueueSort::Newest,
                OrderArg::Risk => QueueSort::Risk,
                OrderArg::Likely => QueueSort::Likely,
            };
            let status = match (status, review) {
                (Some(status), _) => status.status(),
                (None, Some(_)) => None,
                (None, None) => Some(ItemStatus::Pending),
            };
            if vetter_confident.is_some_and(|score| !(0.0..=1.0).contains(&score)) {
                return Err(Error::BadRequest(
                    "--vetter-confident is a vetting score between 0 and 1 (e.g. 0.9)".into(),
                ));
            }
            let filter = QueueFilter {
                status,
                sort: order,
                review: review.map(Into::into),
                awaiting,
                domain,
                vetter_confident: vetter
                    .zip(vetter_confident)
                    .map(|(model, min_score)| ConfidentPass { model, min_score }),
                ..QueueFilter::default()
            };
            review::queue(&store, &filter, limit, json)
        }
        Command::Decide {
            item,
            action,
            answer,
            answer_file,
            relation_file,
            not_related,
            redact,
            do_not_train,
            form,
            claim,
            pick,
            reason,
            note,
            reviewer,
            adjudicate,
        } => {
            let correction =
                review::correction(answer, answer_file, relation_file, not_related, redact)?;
            let action = action.into();
            let decision = review::DecisionArgs {
                item,
                action,
                correction,
                reason,
                note,
                reviewer,
                adjudicate,
                do_not_train,
                form,
                claims: claim,
                pick,
            };
            review::decide(&mut store, decision)
        }
        Command::DoNotTrain {
            item,
            clear,
            reviewer,
        } => review::set_do_not_train(&mut store, &item, reviewer, !clear),
        Command::ApproveWhere(args) => bulk::approve_where(Workspace::Local(&mut store), args),
        Command::Undo { reviewer } => bulk::undo(Workspace::Local(&mut store), reviewer, false),
        Command::Redo { reviewer } => bulk::undo(Workspace::Local(&mut store), reviewer, true),
        Command::Show {
            item,
            reviewer,
            json,
        } => review::show(review::Shown::local(&store, &item, reviewer)?, json),
        Command::Reviewer { command } => team::reviewer(&mut store, command),
        Command::Overlap { command } => team::overlap(&mut store, command),
        Command::Adjudication { command } => team::adjudication(&store, command),
        Command::Sync { command } => team::sync(&mut store, command),
        Command::Backup { out } => {
            store.backup_to(&out)?;
            println!("backed up {} to {}", store.path().display(), out.display());
            Ok(())
        }
        Command::Restore { backup } => {
            store.restore_from(&backup)?;
            println!(
                "restored {} from {}",
                store.path().display(),
                backup.display()
            );
            Ok(())
        }
        Command::Products { command } => products::run(Workspace::Local(&mut store), command),
        Command::Stats { vetter: true, json } => {
            review::vetter_stats(vetter_agreement(&store.vetted_decisions()?), json)
        }
        Command::Stats {
            vetter: false,
            json,
        } => stats::print(&store.stats()?, json),
        Command::Vet {
            status,
            domain,
            limit,
            revet,
            knowledge,
            llm,
        } => {
            let selection = vet_selection(status, domain, limit, revet, knowledge);
            llm::run_role(&mut store, &llm, async |store, ctx| {
                vet::vet(store, ctx, selection).await
            })
        }
        Command::Align { command } => align::run(&mut store, command),
        Command::Export(args) => export::run(&store, args.plan()?),
        Command::Guidelines { command } => guidelines::run(Workspace::Local(&mut store), command),
        Command::Claims { command } => claims::run(Workspace::Local(&mut store), command),
        Command::Forms { command } => forms::run(Workspace::Local(&mut store), command),
        Command::Prompts { command } => prompts::run(&mut store, command),
        Command::Reasons { command } => match command {
            ReasonsCommand::List { json } => reasons::list(&store, json),
            ReasonsCommand::Add { id, label } => reasons::add(&mut store, &id, &label),
        },
    }
}
