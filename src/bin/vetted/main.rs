//! `vetted` — the command-line face of the core: import, list, decide, show and count, on the
//! same database the desktop app uses. Errors go to stderr with a non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
mod output;
mod reasons;
mod review;

use vetted::domain::{Action, ItemStatus};
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
        /// Reject reason id, e.g. unsupported_by_evidence (see `vetted reasons list`).
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
    /// Counts of items by status.
    Stats {
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

#[derive(Clone, Copy, ValueEnum)]
enum ActionArg {
    Approve,
    Edit,
    Reject,
    /// Defer to a subject-matter expert; `--note` is the question.
    NeedsSme,
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
            json,
        } => review::queue(&store, limit, status.map(Into::into), json),
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
                ActionArg::NeedsSme => Action::NeedsSme,
            };
            review::decide(&mut store, item, action, answer, reason, note, reviewer)
        }
        Command::Show { item, json } => review::show(&store, &item, json),
        Command::Stats { json } => review::stats(&store, json),
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
        Command::Reasons { command } => match command {
            ReasonsCommand::List { json } => reasons::list(&store, json),
            ReasonsCommand::Add { id, label } => reasons::add(&mut store, &id, &label),
        },
    }
}
