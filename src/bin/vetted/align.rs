//! `vetted align vetter`: the vetting model over held-out, human-decided items under each prompt
//! variant, with its agreement with the reviewers (docs/llm.md#aligning-the-vetter).

use clap::Subcommand;
use vetted::auto_approve::DEFAULT_MIN_SUPPORT;
use vetted::roles::align::{
    AlignOptions, AlignmentRecords, AlignmentReport, AlignmentSummary, AutoApproveSuggestion,
    DEFAULT_SEED, VariantReport, align_vetter, alignment_history, suggest_auto_approve,
};
use vetted::roles::knowledge::{DEFAULT_EXAMPLES, Variant};
use vetted::team_server::{RunWrites, SnapshotScope, TeamServer};
use vetted::{Error, Result, Store};

use crate::llm::{self, LlmArgs};
use crate::output::print_json;

#[derive(Subcommand, Debug)]
pub enum AlignCommand {
    /// Judge held-out decided items of DOMAIN once per prompt variant and report Cohen's κ,
    /// accuracy, and precision and recall of catching what reviewers rejected, with cost and
    /// latency. Stores the run; never changes an item or writes a decision.
    Vetter {
        #[arg(long)]
        domain: String,
        /// Share of the domain's decided items held out (judged, never used as examples).
        #[arg(long, default_value_t = 0.2)]
        holdout: f64,
        /// Prompt variants, comma-separated: base, guidelines, examples, both.
        #[arg(
            long,
            default_value = "base,guidelines,examples,both",
            value_delimiter = ','
        )]
        variants: Vec<Variant>,
        /// Chooses the held-out items; the same seed holds out the same items.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Judge at most N held-out items per variant (to bound the cost).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Similar reviewed items per prompt, for the variants with examples.
        #[arg(long, default_value_t = DEFAULT_EXAMPLES, value_name = "K")]
        examples: usize,
        #[command(flatten)]
        llm: Box<LlmArgs>,
    },
    /// List stored alignment runs, newest first, with each variant's figures.
    Runs {
        #[arg(long)]
        domain: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Suggest a vetting score above which the vetter's `pass` matched the reviewers at
    /// PRECISION on the held-out items of an alignment run, and count the pending items it would
    /// clear (`vetted queue --vetter-confident SCORE` lists them). Never decides anything.
    Threshold {
        /// The alignment run (default: the latest, of --domain when given).
        #[arg(long, value_name = "ID")]
        run: Option<i64>,
        #[arg(long)]
        domain: Option<String>,
        /// The variant whose verdicts to use (default: the run's variant with the highest κ).
        #[arg(long)]
        variant: Option<Variant>,
        /// Share of admitted passes humans must have approved as they were.
        #[arg(long, default_value_t = 0.98)]
        precision: f64,
        /// Held-out passes a threshold must admit before it is suggested.
        #[arg(long, default_value_t = DEFAULT_MIN_SUPPORT, value_name = "N")]
        min_support: usize,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &mut Store, command: AlignCommand) -> Result<()> {
    match alignment_asked(command) {
        Ok((options, llm)) => {
            let report = llm::run(store, &llm, async |store, ctx| {
                align_vetter(store, ctx, options).await
            })?;
            report_alignment(&report, &llm)
        }
        Err(read) => report_stored(store, read),
    }
}

/// `vetted --db postgres://… align`: an SME or adjudicator aligns the vetting model on the team
/// server (a snapshot read, each call and result copied, as `vet`); runs and thresholds are read
/// from the server by anyone.
pub fn run_on_server(url: &str, command: AlignCommand) -> Result<()> {
    match alignment_asked(command) {
        Ok((options, llm)) => {
            let examples = options.variants.iter().any(|v| v.examples());
            let scope = SnapshotScope::for_run(Some(options.domain.clone()), examples);
            let report = llm::run_on_server(
                url,
                &llm,
                RunWrites::Verdicts,
                &scope,
                async |store, ctx| align_vetter(store, ctx, options).await,
            )?;
            report_alignment(&report, &llm)
        }
        Err(read) => report_stored(&mut TeamServer::connect(url)?, read),
    }
}

/// The alignment run `align vetter` asks for, with its model flags; the other commands back.
fn alignment_asked(
    command: AlignCommand,
) -> std::result::Result<(AlignOptions, Box<LlmArgs>), AlignCommand> {
    match command {
        AlignCommand::Vetter {
            domain,
            holdout,
            variants,
            seed,
            limit,
            examples,
            llm,
        } => Ok((
            AlignOptions {
                domain,
                holdout,
                seed,
                variants,
                limit,
                examples,
            },
            llm,
        )),
        read => Err(read),
    }
}

/// Prints an alignment run's report; fails when no call gave a verdict.
fn report_alignment(report: &AlignmentReport, llm: &LlmArgs) -> Result<()> {
    if llm.json {
        print_json(report);
    } else {
        print_report(report);
    }
    if report.variants.iter().all(|v| v.judged == 0) {
        return Err(Error::BadRequest(format!(
            "no call of alignment run {} gave a verdict; see the failures with --json",
            report.alignment_id
        )));
    }
    Ok(())
}

/// `align runs` and `align threshold`, over the runs `records` holds.
fn report_stored(records: &mut impl AlignmentRecords, command: AlignCommand) -> Result<()> {
    match command {
        AlignCommand::Vetter { .. } => unreachable!("a run is made, not read"),
        AlignCommand::Runs { domain, json } => {
            let runs = alignment_history(records, domain.as_deref())?;
            if json {
                print_json(&runs);
            } else if runs.is_empty() {
                println!("no alignment run yet; start one with `vetted align vetter --domain D`");
            }
            for run in runs.iter().filter(|_| !json) {
                print_summary(run);
            }
            Ok(())
        }
        AlignCommand::Threshold {
            run,
            domain,
            variant,
            precision,
            min_support,
            json,
        } => {
            let runs = alignment_history(records, domain.as_deref())?;
            let chosen = match run {
                Some(id) => runs.iter().find(|r| r.alignment_id == id),
                None => runs.first(),
            }
            .ok_or_else(|| {
                Error::NotFound(match (run, &domain) {
                    (Some(id), _) => format!("no alignment run {id}; see `vetted align runs`"),
                    (None, Some(d)) => format!(
                        "no alignment run of domain '{d}'; start one with `vetted align vetter \
                         --domain {d}`"
                    ),
                    (None, None) => {
                        "no alignment run yet; start one with `vetted align vetter --domain D`"
                            .to_owned()
                    }
                })
            })?;
            let suggestion = suggest_auto_approve(
                records,
                chosen.alignment_id,
                variant,
                precision,
                min_support,
            )?;
            if json {
                print_json(&suggestion);
            } else {
                print_suggestion(&suggestion);
            }
            Ok(())
        }
    }
}

fn print_report(r: &AlignmentReport) {
    println!(
        "alignment run {} · domain {} · {} ({}) · {} decided, {} held out, {} judged per variant{}",
        r.alignment_id,
        r.domain,
        r.model,
        r.provider,
        r.decided,
        r.held_out,
        r.judged_per_variant,
        if r.cancelled { " · cancelled" } else { "" }
    );
    print_variants(&r.variants);
    println!(
        "precision and recall are of catching what reviewers rejected (flag or fail); κ and \
         accuracy binarise pass vs flag/fail against approved/edited vs rejected"
    );
}

fn print_summary(r: &AlignmentSummary) {
    let by = r
        .run_by
        .as_deref()
        .map_or_else(String::new, |login| format!(" · by {login}"));
    println!(
        "alignment run {} · {}{by} · domain {} · {} ({}) · {} held out",
        r.alignment_id, r.started_at, r.domain, r.model, r.provider, r.held_out
    );
    print_variants(&r.variants);
    println!();
}

fn print_suggestion(s: &AutoApproveSuggestion) {
    println!(
        "alignment run {} · domain {} · {} · variant {}: {} held-out items judged, {} passed",
        s.alignment_id,
        s.domain,
        s.model,
        s.variant.as_str(),
        s.judged,
        s.passes
    );
    let Some(t) = s.threshold else {
        println!(
            "no vetting score reaches {:.1} % precision with 95 % confidence on {} or more \
             held-out passes; lower --precision or --min-support, or align on more decided items",
            s.target_precision * 100.0,
            s.min_support,
        );
        return;
    };
    println!(
        "suggested: passes with a vetting score ≥ {:.3} — {} of {} held-out passes at or above it \
         were approved as they were ({:.1} %; at least {:.1} % with 95 % confidence)",
        t.min_score,
        t.approved,
        t.admitted,
        t.precision * 100.0,
        t.precision_low * 100.0
    );
    println!(
        "it would clear {} of the {} pending items {} vetted; list them with `vetted queue \
         --domain {} --vetter {} --vetter-confident {:.3}`",
        s.pending_cleared, s.pending_vetted, s.model, s.domain, s.model, t.min_score
    );
    println!(
        "a suggestion only: nothing is approved. It holds for verdicts of the same model and \
         prompt (`vetted vet --knowledge {}`).",
        s.variant.as_str()
    );
}

fn print_variants(variants: &[VariantReport]) {
    let figure = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"));
    println!(
        "{:<11} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>10} {:>8}",
        "variant", "judged", "failed", "kappa", "accuracy", "precision", "recall", "cost", "p50"
    );
    for v in variants {
        println!(
            "{:<11} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>10} {:>8}",
            v.variant.as_str(),
            v.judged,
            v.failed,
            figure(v.kappa),
            figure(v.accuracy),
            figure(v.precision),
            figure(v.recall),
            format!("${:.4}", v.cost_usd),
            v.latency_p50_ms
                .map_or_else(|| "–".to_owned(), |ms| format!("{ms} ms")),
        );
    }
}
