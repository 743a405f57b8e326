//! `vetted export`: training files and the audit trail, with a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use vetted::domain::{Action, ItemKind};
use vetted::export::{
    ExportOptions, Filters, Format, HeldOut, PiiMode, Progress, SystemPrompt, export,
};
use vetted::relation_export::{RelationFormat, write_new_file};
use vetted::roles::align::DEFAULT_SEED;
use vetted::{Error, Result, Store};

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Output file; companions (NAME.val.jsonl, NAME.sidecar.jsonl, NAME.manifest.json) go next to it.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Only these item kinds (repeatable).
    #[arg(long, value_enum)]
    kind: Vec<KindArg>,
    /// Only these domains (repeatable).
    #[arg(long)]
    domain: Vec<String>,
    /// Only items produced by these models (repeatable).
    #[arg(long)]
    model: Vec<String>,
    /// Only decisions by these reviewers (repeatable).
    #[arg(long)]
    reviewer: Vec<String>,
    /// Only these decisions (repeatable).
    #[arg(long, value_enum)]
    action: Vec<ActionArg>,
    /// Decided at or after this time (YYYY-MM-DD or RFC 3339, UTC).
    #[arg(long, value_parser = parse_time)]
    since: Option<DateTime<Utc>>,
    /// Decided before this time (YYYY-MM-DD or RFC 3339, UTC; exclusive).
    #[arg(long, value_parser = parse_time)]
    until: Option<DateTime<Utc>>,
    /// Only items carrying this tag (repeatable: any of them).
    #[arg(long)]
    tag: Vec<String>,
    /// trl-sft: write prompt/completion instead of messages.
    #[arg(long)]
    prompt_completion: bool,
    /// Minimum word-level edit distance for a preference pair (and an edit's KTO negative).
    #[arg(long, default_value_t = 1)]
    min_edit_distance: usize,
    /// Keep lines identical to an earlier line.
    #[arg(long)]
    no_dedup: bool,
    /// Share of prompts written to NAME.val.jsonl, chosen by prompt hash (0 = no split).
    #[arg(long, default_value_t = 0.0)]
    val_fraction: f64,
    /// Private data in prompts and answers: redact it, exclude the item, or leave it.
    #[arg(long, value_enum, default_value_t = PiiArg::Redact)]
    pii: PiiArg,
    /// System prompt template file ({domain} and {kind} are replaced); default: built in.
    #[arg(long, value_name = "FILE")]
    system_prompt: Option<PathBuf>,
    /// vetter-sft, vetter-claims: leave out the items `vetted align vetter --holdout SHARE --seed SEED` judges,
    /// so the fine-tuned vetter is measured on items it never saw.
    #[arg(long, value_name = "SHARE")]
    holdout: Option<f64>,
    /// vetter-sft, vetter-claims: the seed of --holdout (as `vetted align vetter --seed`).
    #[arg(long, default_value_t = DEFAULT_SEED, requires = "holdout")]
    seed: u64,
    /// openai-dpo, trl-dpo, trl-reward: a comparison judged a tie gives both orders of each
    /// pair of its candidates (otherwise ties are left out).
    #[arg(long)]
    include_ties: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    OpenaiSft,
    OpenaiDpo,
    TrlSft,
    TrlDpo,
    /// Preference pairs for a reward model (TRL's RewardTrainer): implicit-prompt chosen and
    /// rejected conversations, the same pairs as trl-dpo.
    TrlReward,
    TrlKto,
    Decisions,
    DecisionsCsv,
    /// Training data for the vetting model: each reviewed answer's vet prompt → the verdict the
    /// decision implies (OpenAI chat format).
    VetterSft,
    /// Claim verdicts as NLI rows: premise = linked evidence, hypothesis = claim, label =
    /// entailment, neutral or contradiction.
    ClaimsNli,
    /// Training data for the vetting model: each answer with claim verdicts → the verdicts as
    /// JSON (OpenAI chat format).
    VetterClaims,
    /// Approved relationships as JSON: nodes = products, edges with provenance and evidence.
    Graph,
    /// dbt schema.yml with one `relationships` test per approved foreign key.
    Dbt,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Answer,
    Relationship,
    Comparison,
}

#[derive(Clone, Copy, ValueEnum)]
enum ActionArg {
    Approve,
    Edit,
    Reject,
}

#[derive(Clone, Copy, ValueEnum)]
enum PiiArg {
    Redact,
    Exclude,
    Off,
}

fn parse_time(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| format!("'{text}' is neither YYYY-MM-DD nor an RFC 3339 time"))
}

/// What `vetted export` writes: training data or the audit trail, or approved relationships.
pub enum Planned {
    Training(Box<ExportOptions>),
    Relations {
        format: RelationFormat,
        out: PathBuf,
        force: bool,
    },
}

impl ExportArgs {
    /// The export these arguments ask for, checked (options, an existing output without
    /// --force) before anything is read: on a team server, reading takes minutes.
    pub fn plan(self) -> Result<Planned> {
        let format = match self.format {
            FormatArg::OpenaiSft => Format::OpenaiSft,
            FormatArg::OpenaiDpo => Format::OpenaiDpo,
            FormatArg::TrlSft => Format::TrlSft,
            FormatArg::TrlDpo => Format::TrlDpo,
            FormatArg::TrlReward => Format::TrlReward,
            FormatArg::TrlKto => Format::TrlKto,
            FormatArg::Decisions => Format::Decisions,
            FormatArg::DecisionsCsv => Format::DecisionsCsv,
            FormatArg::VetterSft => Format::VetterSft,
            FormatArg::ClaimsNli => Format::ClaimsNli,
            FormatArg::VetterClaims => Format::VetterClaims,
            FormatArg::Graph | FormatArg::Dbt => {
                vetted::user_files::check_writable(&self.out)?;
                if !self.force && self.out.exists() {
                    return Err(Error::AlreadyExists { path: self.out });
                }
                return Ok(Planned::Relations {
                    format: match self.format {
                        FormatArg::Graph => RelationFormat::Graph,
                        _ => RelationFormat::Dbt,
                    },
                    out: self.out,
                    force: self.force,
                });
            }
        };
        let options = options(format, self)?;
        options.check()?;
        Ok(Planned::Training(Box::new(options)))
    }
}

pub fn run(store: &Store, planned: Planned) -> Result<()> {
    let options = match planned {
        Planned::Training(options) => *options,
        Planned::Relations { format, out, force } => {
            write_new_file(&out, &store.export_relations(format)?, force)?;
            println!("wrote {}", out.display());
            return Ok(());
        }
    };
    let manifest = with_progress_bar("", |on_progress| {
        export(
            store,
            &options,
            on_progress,
            crate::interrupt::cancel_flag(),
        )
    })?;
    let c = &manifest.counts;
    println!(
        "{}: {} lines ({} train, {} validation) from {} decisions",
        manifest.format.name(),
        c.lines(),
        c.lines_train,
        c.lines_validation,
        c.exported.values().sum::<u64>()
    );
    for path in [
        Some(&manifest.files.train),
        manifest.files.validation.as_ref(),
        manifest.files.sidecar.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        println!("  {path}");
    }
    println!(
        "  {}",
        vetted::export::companion_path(&options.out, "manifest.json").display()
    );
    if !manifest.privacy.found.is_empty() {
        println!(
            "privacy screen ({:?}): {} findings, {} items excluded",
            manifest.privacy.mode,
            manifest.privacy.found.total(),
            manifest.privacy.items_excluded
        );
    }
    for warning in &manifest.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// Runs `work` with a bar on stderr for its [`Progress`] reports when stderr is a terminal;
/// `label` (may be empty) says what runs.
pub fn with_progress_bar<T>(label: &str, work: impl FnOnce(&mut dyn FnMut(Progress)) -> T) -> T {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg}{bar:40} {percent:>3}% {elapsed} eta {eta}")
                .expect("template is valid"),
        );
        bar.set_message(label.to_owned());
        bar
    });
    let result = work(&mut |p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

fn options(format: Format, args: ExportArgs) -> Result<ExportOptions> {
    let system_prompt = match args.system_prompt {
        Some(path) => {
            SystemPrompt::Template(std::fs::read_to_string(&path).map_err(|e| Error::io(path, e))?)
        }
        None => SystemPrompt::Default,
    };
    Ok(ExportOptions {
        force: args.force,
        filters: Filters {
            kinds: args
                .kind
                .into_iter()
                .map(|k| match k {
                    KindArg::Answer => ItemKind::Answer,
                    KindArg::Relationship => ItemKind::Relationship,
                    KindArg::Comparison => ItemKind::Comparison,
                })
                .collect(),
            domains: args.domain,
            models: args.model,
            reviewers: args.reviewer,
            actions: args
                .action
                .into_iter()
                .map(|a| match a {
                    ActionArg::Approve => Action::Approve,
                    ActionArg::Edit => Action::Edit,
                    ActionArg::Reject => Action::Reject,
                })
                .collect(),
            since: args.since,
            until: args.until,
            tags: args.tag,
        },
        prompt_completion: args.prompt_completion,
        min_edit_distance: args.min_edit_distance,
        dedup: !args.no_dedup,
        val_fraction: args.val_fraction,
        pii: match args.pii {
            PiiArg::Redact => PiiMode::Redact,
            PiiArg::Exclude => PiiMode::Exclude,
            PiiArg::Off => PiiMode::Off,
        },
        system_prompt,
        held_out: args.holdout.map(|share| HeldOut {
            share,
            seed: args.seed,
        }),
        include_ties: args.include_ties,
        ..ExportOptions::new(format, args.out)
    })
}
