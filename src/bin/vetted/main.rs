//! `vetted` — the command-line face of the core: import, list, decide, show and count, and run
//! the LLM roles (generate, relate, vet), on the same database the desktop app uses. Errors go
//! to stderr with a non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
mod llm;
mod output;
mod review;

use vetted::domain::{Action, ItemStatus};
use vetted::roles::vet::VetSelection;
use vetted::roles::{generate, relate, vet};
use vetted::store::QueueOrder;
use vetted::{Error, Result, Store, db_path};

#[derive(Parser)]
#[command(
    name = "vetted",
    version,
    about = "Review LLM output next to its evidence."
)]
struct Cli {
    /// Database file (default: $VETTED_DB, else vetted.db in the OS app-data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import items from JSONL files (`-` reads standard input; .jsonl.gz works too).
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List items in the queue.
    Queue {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// `risk`: riskiest first by the vetting verdict's score; unvetted items last.
        #[arg(long, value_enum, default_value = "oldest")]
        order: OrderArg,
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
        /// Reject reason id, e.g. unsupported_by_evidence.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Reviewer name (default: $VETTED_REVIEWER, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Show an item, its evidence and its decision history.
    Show {
        item: String,
        #[arg(long)]
        json: bool,
    },
    /// Counts of items by status; with --vetter, how the vetting model agrees with reviewers.
    Stats {
        /// Confusion matrix and Cohen's kappa per domain and vetting model.
        #[arg(long)]
        vetter: bool,
        #[arg(long)]
        json: bool,
    },
    /// Answer questions from their evidence with an LLM; the answers join the queue.
    Generate {
        /// JSONL: {"id", "domain", "question", "evidence": [{"id", "title", "text", "source"}]}.
        #[arg(long, value_name = "FILE")]
        questions: PathBuf,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
    /// Propose relationships from PRODUCT_A (source) to PRODUCT_B (target) with an LLM.
    Relate {
        #[arg(required_unless_present = "from_item")]
        product_a: Option<String>,
        #[arg(required_unless_present = "from_item")]
        product_b: Option<String>,
        /// JSON array of products ({"product", "fields", "sample_rows"}) to pick both from.
        #[arg(long, value_name = "FILE", required_unless_present = "from_item")]
        products: Option<PathBuf>,
        /// Use the source and target of this relationship item instead.
        #[arg(long, value_name = "ITEM", conflicts_with_all = ["product_a", "product_b", "products"])]
        from_item: Option<String>,
        /// Domain of the new items (and of the prompt override).
        #[arg(long, default_value = "data")]
        domain: String,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
    /// Screen items with the vetting model: verdict, reasons and risk, stored as a suggestion.
    Vet {
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Vet again items this vetting model already judged.
        #[arg(long)]
        revet: bool,
        #[command(flatten)]
        llm: llm::LlmArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OrderArg {
    Oldest,
    Risk,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Pending,
    Approved,
    Edited,
    Rejected,
}

impl From<StatusArg> for ItemStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => ItemStatus::Pending,
            StatusArg::Approved => ItemStatus::Approved,
            StatusArg::Edited => ItemStatus::Edited,
            StatusArg::Rejected => ItemStatus::Rejected,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ActionArg {
    Approve,
    Edit,
    Reject,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let path = cli.db.unwrap_or_else(db_path::default_db_path);
    let mut store = Store::open(&path)?;
    match cli.command {
        Command::Import { files } => {
            for file in files {
                println!("{}", store.import_path(&file)?);
            }
            Ok(())
        }
        Command::Queue {
            limit,
            status,
            order,
            json,
        } => {
            let order = match order {
                OrderArg::Oldest => QueueOrder::Oldest,
                OrderArg::Risk => QueueOrder::Risk,
            };
            review::queue(&store, limit, status.map(Into::into), order, json)
        }
        Command::Decide {
            item,
            action,
            answer,
            answer_file,
            reason,
            note,
            reviewer,
        } => {
            let answer = match answer_file {
                Some(f) => Some(std::fs::read_to_string(&f).map_err(|e| Error::io(f, e))?),
                None => answer,
            };
            let action = match action {
                ActionArg::Approve => Action::Approve,
                ActionArg::Edit => Action::Edit,
                ActionArg::Reject => Action::Reject,
            };
            review::decide(&mut store, item, action, answer, reason, note, reviewer)
        }
        Command::Show { item, json } => review::show(&store, &item, json),
        Command::Stats { vetter: true, json } => review::vetter_stats(&store, json),
        Command::Stats {
            vetter: false,
            json,
        } => review::stats(&store, json),
        Command::Generate { questions, llm } => {
            let questions = generate::read_questions(&questions)?;
            llm::run_role(&mut store, &llm, async |store, ctx| {
                generate::generate(store, ctx, questions).await
            })
        }
        Command::Relate {
            product_a,
            product_b,
            products,
            from_item,
            domain,
            llm,
        } => {
            let (source, target) = match (from_item, products, product_a, product_b) {
                (Some(item), ..) => relate::products_from_item(&store, &item)?,
                (None, Some(file), Some(a), Some(b)) => relate::products_from_file(&file, &a, &b)?,
                _ => {
                    return Err(Error::BadRequest(
                        "name PRODUCT_A PRODUCT_B with --products FILE, or --from-item ITEM".into(),
                    ));
                }
            };
            let pair = relate::ProductPair {
                domain,
                source,
                target,
            };
            llm::run_role(&mut store, &llm, async |store, ctx| {
                relate::relate(store, ctx, vec![pair]).await
            })
        }
        Command::Vet {
            status,
            limit,
            revet,
            llm,
        } => {
            let selection = VetSelection {
                status: status.map(Into::into),
                limit,
                revet,
            };
            llm::run_role(&mut store, &llm, async |store, ctx| {
                vet::vet(store, ctx, selection).await
            })
        }
    }
}
