//! `vetted align vetter`: the vetting model over held-out, human-decided items under each prompt
//! variant, with its agreement with the reviewers (docs/llm.md#aligning-the-vetter).

use clap::Subcommand;
use vetted::roles::align::{AlignOptions, AlignmentReport, align_vetter};
use vetted::roles::knowledge::{DEFAULT_EXAMPLES, Variant};
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
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Judge at most N held-out items per variant (to bound the cost).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Similar reviewed items per prompt, for the variants with examples.
        #[arg(long, default_value_t = DEFAULT_EXAMPLES, value_name = "K")]
        examples: usize,
        #[command(flatten)]
        llm: LlmArgs,
    },
}

pub fn run(store: &mut Store, command: AlignCommand) -> Result<()> {
    let AlignCommand::Vetter {
        domain,
        holdout,
        mut variants,
        seed,
        limit,
        examples,
        llm,
    } = command;
    // Each variant once, in the order given (a repeat would judge the same items twice).
    let mut seen = std::collections::HashSet::new();
    variants.retain(|v| seen.insert(*v));
    let options = AlignOptions {
        domain,
        holdout,
        seed,
        variants,
        limit,
        examples,
    };
    let report = llm::run(store, &llm, async |store, ctx| {
        align_vetter(store, ctx, options).await
    })?;
    if llm.json {
        print_json(&report);
    } else {
        print_report(&report);
    }
    if report.variants.iter().all(|v| v.judged == 0) {
        return Err(Error::BadRequest(format!(
            "no call of alignment run {} gave a verdict; see the failures with --json",
            report.alignment_id
        )));
    }
    Ok(())
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
    let figure = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"));
    println!(
        "{:<11} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>10} {:>8}",
        "variant", "judged", "failed", "kappa", "accuracy", "precision", "recall", "cost", "p50"
    );
    for v in &r.variants {
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
    println!(
        "precision and recall are of catching what reviewers rejected (flag or fail); κ and \
         accuracy binarise pass vs flag/fail against approved/edited vs rejected"
    );
}
