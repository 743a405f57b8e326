//! Aligning the vetting model with the reviewers (#20, `vetted align vetter`): the vetting model
//! judges held-out, human-decided items of one domain once per prompt variant (the item alone,
//! with the domain's guidelines, with similar reviewed items, with both), and each variant is
//! measured against what the humans decided.
//!
//! Invariants:
//! - The held-out set is a fixed share of the domain's decided items, chosen by a seeded hash of
//!   each external id, so the same seed holds out the same items as the database grows.
//! - No prompt carries a held-out item as an example (nor the judged item itself, nor a copy of
//!   a held-out item imported under another id).
//! - A run judges; it never stores a suggestion on an item nor writes a decision.
//!
//! Measures, with the binarisation of [`crate::vetter_agreement`] (the vetter *keeps* an item
//! with `pass`; the human kept it when it was approved or edited): Cohen's κ and accuracy; and,
//! for catching what humans rejected (positive = rejected, caught = `flag` or `fail`), precision
//! and recall — `None` where undefined (nothing caught, or nothing rejected).

use std::collections::HashSet;

use serde::Serialize;

use super::knowledge::{Knowledge, Variant};
use super::run::{Progress, RunContext, Written, mirrored};
use super::vet::{ToVet, run_vet_calls};
use crate::auto_approve::{self, HeldOutVerdict, Threshold};
use crate::domain::{ItemStatus, Verdict};
use crate::error::{Error, Result};
use crate::store::{
    AlignmentResult, AlignmentRun, AlignmentStart, ConfidentPass, CostTotals, Store,
    record_alignment_result,
};
use crate::vetter_agreement::cohens_kappa;

/// The seed that chooses the held-out items unless another is given.
pub const DEFAULT_SEED: u64 = 42;

/// What to align.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignOptions {
    pub domain: String,
    /// Share of the domain's decided items held out (judged, never used as examples), in 0..1.
    pub holdout: f64,
    pub seed: u64,
    /// Each is run once, in the order given (a repeat would judge the same items again).
    pub variants: Vec<Variant>,
    /// Judge at most this many held-out items (the first by external id), to bound the cost.
    pub limit: Option<usize>,
    /// Examples per prompt, for the variants that carry them.
    pub examples: usize,
}

/// How one variant agreed with the humans on the held-out items.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VariantReport {
    pub variant: Variant,
    /// The LLM run that made the variant's calls.
    #[ts(type = "number")]
    pub run_id: i64,
    /// Held-out items the variant judged (its failed calls are not counted).
    #[ts(type = "number")]
    pub judged: usize,
    #[ts(type = "number")]
    pub failed: usize,
    pub kappa: Option<f64>,
    pub accuracy: Option<f64>,
    /// Of the items the vetter flagged or failed, the share humans rejected.
    pub precision: Option<f64>,
    /// Of the items humans rejected, the share the vetter flagged or failed.
    pub recall: Option<f64>,
    pub cost_usd: f64,
    /// Median latency of the variant's successful calls.
    #[ts(type = "number | null")]
    pub latency_p50_ms: Option<i64>,
}

/// A stored alignment run with its figures, for the history (`vetted align runs`, the
/// dashboard's alignment chart).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AlignmentSummary {
    #[ts(type = "number")]
    pub alignment_id: i64,
    pub domain: String,
    pub provider: String,
    pub model: String,
    pub started_at: String,
    /// Who ran it (a team server's login); `None` for a run made on this local database.
    pub run_by: Option<String>,
    #[ts(type = "number")]
    pub held_out: usize,
    pub variants: Vec<VariantReport>,
}

/// The auto-approve threshold an alignment run's variant supports (see [`crate::auto_approve`]).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AutoApproveSuggestion {
    #[ts(type = "number")]
    pub alignment_id: i64,
    pub domain: String,
    /// The vetting model; only its verdicts on pending items are counted.
    pub model: String,
    pub variant: Variant,
    pub target_precision: f64,
    #[ts(type = "number")]
    pub min_support: usize,
    /// Held-out items the variant judged, and how many it passed.
    #[ts(type = "number")]
    pub judged: usize,
    #[ts(type = "number")]
    pub passes: usize,
    pub threshold: Option<Threshold>,
    /// The queue filter listing what the threshold clears (`QueueFilter::vetter_confident`).
    pub confident: Option<ConfidentPass>,
    /// Pending items of the domain the model vetted, and how many the threshold would clear
    /// (0 without a threshold).
    #[ts(type = "number")]
    pub pending_vetted: u64,
    #[ts(type = "number")]
    pub pending_cleared: u64,
}

/// An alignment run's outcome, one report per variant in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignmentReport {
    pub alignment_id: i64,
    pub domain: String,
    pub provider: String,
    pub model: String,
    /// The domain's decided items, and how many of them were held out.
    pub decided: usize,
    pub held_out: usize,
    /// How many held-out items each variant judged (`--limit`).
    pub judged_per_variant: usize,
    pub variants: Vec<VariantReport>,
    pub cancelled: bool,
}

/// Agreement figures of (vetter verdict, human decision) pairs (see the module header).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Agreement {
    pub kappa: Option<f64>,
    pub accuracy: Option<f64>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

pub fn agreement(pairs: &[(Verdict, ItemStatus)]) -> Agreement {
    if pairs.is_empty() {
        return Agreement::default();
    }
    // [vetter keeps?][human keeps?]
    let mut table = [[0u32; 2]; 2];
    for (verdict, human) in pairs {
        let vetter_keeps = *verdict == Verdict::Pass;
        let human_keeps = *human != ItemStatus::Rejected;
        table[usize::from(vetter_keeps)][usize::from(human_keeps)] += 1;
    }
    let (accuracy, kappa) = cohens_kappa(table);
    let caught_rejected = f64::from(table[0][0]);
    let caught = f64::from(table[0][0] + table[0][1]);
    let rejected = f64::from(table[0][0] + table[1][0]);
    Agreement {
        kappa,
        accuracy: Some(accuracy),
        precision: (caught > 0.0).then(|| caught_rejected / caught),
        recall: (rejected > 0.0).then(|| caught_rejected / rejected),
    }
}

/// Where alignment runs are read from: a local database or a team server. Only the SQL differs;
/// the figures are computed here, once.
pub trait AlignmentRecords {
    /// Alignment runs, newest first; only those of `domain` when given.
    fn alignment_runs(&mut self, domain: Option<&str>) -> Result<Vec<AlignmentRun>>;
    /// The variants run `alignment_id` ran, each with its LLM run, in the order run.
    fn alignment_variants(&mut self, alignment_id: i64) -> Result<Vec<(String, i64)>>;
    /// What the vetter said on each held-out item `variant` judged, with the human's decision.
    fn alignment_verdicts(
        &mut self,
        alignment_id: i64,
        variant: &str,
    ) -> Result<Vec<HeldOutVerdict>>;
    /// Latencies (ms) of the successful calls of LLM run `run_id`, ascending.
    fn run_latencies(&mut self, run_id: i64) -> Result<Vec<i64>>;
    /// Calls, tokens and cost of LLM run `run_id`.
    fn run_totals(&mut self, run_id: i64) -> Result<CostTotals>;
    /// Pending items of `domain` that `model` vetted, and how many it passed with a vetting
    /// score of at least `min_score`.
    fn pending_vetted_by(
        &mut self,
        domain: &str,
        model: &str,
        min_score: f64,
    ) -> Result<(u64, u64)>;
}

impl AlignmentRecords for Store {
    fn alignment_runs(&mut self, domain: Option<&str>) -> Result<Vec<AlignmentRun>> {
        Store::alignment_runs(self, domain)
    }
    fn alignment_variants(&mut self, alignment_id: i64) -> Result<Vec<(String, i64)>> {
        Store::alignment_variants(self, alignment_id)
    }
    fn alignment_verdicts(
        &mut self,
        alignment_id: i64,
        variant: &str,
    ) -> Result<Vec<HeldOutVerdict>> {
        Store::alignment_verdicts(self, alignment_id, variant)
    }
    fn run_latencies(&mut self, run_id: i64) -> Result<Vec<i64>> {
        Store::run_latencies(self, run_id)
    }
    fn run_totals(&mut self, run_id: i64) -> Result<CostTotals> {
        Store::run_totals(self, run_id)
    }
    fn pending_vetted_by(
        &mut self,
        domain: &str,
        model: &str,
        min_score: f64,
    ) -> Result<(u64, u64)> {
        Store::pending_vetted_by(self, domain, model, min_score)
    }
}

/// The figures of `variant` of an alignment run, from what was stored.
fn variant_report(
    store: &mut impl AlignmentRecords,
    alignment_id: i64,
    variant: Variant,
    run_id: i64,
) -> Result<VariantReport> {
    let pairs: Vec<(Verdict, ItemStatus)> = store
        .alignment_verdicts(alignment_id, variant.as_str())?
        .iter()
        .map(|v| (v.verdict, v.human))
        .collect();
    let latencies = store.run_latencies(run_id)?;
    let totals = store.run_totals(run_id)?;
    let figures = agreement(&pairs);
    Ok(VariantReport {
        variant,
        run_id,
        judged: pairs.len(),
        failed: totals.failed_calls as usize,
        kappa: figures.kappa,
        accuracy: figures.accuracy,
        precision: figures.precision,
        recall: figures.recall,
        cost_usd: totals.cost_usd,
        latency_p50_ms: latencies.get(latencies.len() / 2).copied(),
    })
}

/// Stored alignment runs with their figures, newest first; only those of `domain` when given.
pub fn alignment_history(
    store: &mut impl AlignmentRecords,
    domain: Option<&str>,
) -> Result<Vec<AlignmentSummary>> {
    store
        .alignment_runs(domain)?
        .into_iter()
        .map(|run| {
            let variants = store
                .alignment_variants(run.id)?
                .into_iter()
                .map(|(variant, run_id)| variant_report(store, run.id, variant.parse()?, run_id))
                .collect::<Result<_>>()?;
            Ok(AlignmentSummary {
                alignment_id: run.id,
                domain: run.domain,
                provider: run.provider,
                model: run.model,
                started_at: run.started_at,
                run_by: run.run_by,
                held_out: run.held_out,
                variants,
            })
        })
        .collect()
}

/// The variant of a run with the highest κ (the first of equals), if any has one.
pub fn best_variant(variants: &[VariantReport]) -> Option<Variant> {
    variants
        .iter()
        .filter(|v| v.kappa.is_some())
        .fold(None, |best: Option<&VariantReport>, v| match best {
            Some(b) if b.kappa >= v.kappa => Some(b),
            _ => Some(v),
        })
        .map(|v| v.variant)
}

/// The auto-approve threshold `variant` of alignment run `alignment_id` supports at precision
/// `target` (by default the variant with the highest κ, else the first run), and the pending
/// items it would clear. Writes nothing.
pub fn suggest_auto_approve(
    store: &mut impl AlignmentRecords,
    alignment_id: i64,
    variant: Option<Variant>,
    target: f64,
    min_support: usize,
) -> Result<AutoApproveSuggestion> {
    if !(target > 0.0 && target <= 1.0) {
        return Err(Error::BadRequest(format!(
            "precision {target} must be a share between 0 and 1 (e.g. 0.98)"
        )));
    }
    let run = store
        .alignment_runs(None)?
        .into_iter()
        .find(|run| run.id == alignment_id)
        .ok_or_else(|| Error::NotFound(format!("no alignment run {alignment_id}")))?;
    let variant = match variant {
        Some(v) => v,
        None => {
            let variants: Vec<VariantReport> = store
                .alignment_variants(alignment_id)?
                .into_iter()
                .map(|(v, run_id)| variant_report(store, alignment_id, v.parse()?, run_id))
                .collect::<Result<_>>()?;
            best_variant(&variants)
                .or(variants.first().map(|v| v.variant))
                .ok_or_else(|| {
                    Error::BadRequest(format!("alignment run {alignment_id} ran no variant"))
                })?
        }
    };
    let verdicts = store.alignment_verdicts(alignment_id, variant.as_str())?;
    if verdicts.is_empty() {
        return Err(Error::BadRequest(format!(
            "alignment run {alignment_id} has no verdict of the {} variant",
            variant.as_str()
        )));
    }
    let threshold = auto_approve::suggest(&verdicts, target, min_support);
    let (pending_vetted, cleared) = store.pending_vetted_by(
        &run.domain,
        &run.model,
        threshold.map_or(f64::INFINITY, |t| t.min_score),
    )?;
    Ok(AutoApproveSuggestion {
        alignment_id,
        confident: threshold.map(|t| ConfidentPass {
            model: run.model.clone(),
            min_score: t.min_score,
        }),
        domain: run.domain,
        model: run.model,
        variant,
        target_precision: target,
        min_support,
        judged: verdicts.len(),
        passes: verdicts
            .iter()
            .filter(|v| v.verdict == Verdict::Pass)
            .count(),
        threshold,
        pending_vetted,
        pending_cleared: cleared,
    })
}

/// Whether `external_id` is held out under `seed` at share `holdout`.
pub fn is_held_out(seed: u64, external_id: &str, holdout: f64) -> bool {
    let hash = xxhash_rust::xxh3::xxh3_64_with_seed(external_id.as_bytes(), seed);
    (hash as f64 / u64::MAX as f64) < holdout
}

/// Runs every variant of `options` over the held-out items and reports each against the humans.
pub async fn align_vetter(
    store: &mut Store,
    ctx: &RunContext<'_>,
    options: AlignOptions,
) -> Result<AlignmentReport> {
    if i64::try_from(options.seed).is_err() {
        return Err(Error::BadRequest(format!(
            "--seed {} is too large to be recorded; use a seed up to {}",
            options.seed,
            i64::MAX
        )));
    }
    if !(options.holdout > 0.0 && options.holdout < 1.0) {
        return Err(Error::BadRequest(format!(
            "--holdout {} must be a share between 0 and 1 (e.g. 0.2)",
            options.holdout
        )));
    }
    let mut variants: Vec<Variant> = Vec::with_capacity(options.variants.len());
    for variant in &options.variants {
        if !variants.contains(variant) {
            variants.push(*variant);
        }
    }
    if variants.is_empty() {
        return Err(Error::BadRequest(
            "choose at least one prompt variant (base, guidelines, examples, both)".into(),
        ));
    }
    let decided = store.decided_in_domain(&options.domain)?;
    let mut held_out: Vec<(i64, String, ItemStatus)> = decided
        .iter()
        .filter(|(_, id, _)| is_held_out(options.seed, id, options.holdout))
        .cloned()
        .collect();
    if held_out.is_empty() {
        return Err(Error::BadRequest(format!(
            "none of the {} decided items of domain '{}' falls in the held-out share {}; decide \
             more items or raise --holdout",
            decided.len(),
            options.domain,
            options.holdout
        )));
    }
    let held_ids: HashSet<String> = held_out.iter().map(|(_, id, _)| id.clone()).collect();
    // Never an example: a held-out item, nor a copy of one imported under another id.
    let exclude =
        store.held_out_with_copies(|id| is_held_out(options.seed, id, options.holdout))?;
    held_out.sort_by(|a, b| a.1.cmp(&b.1));
    held_out.truncate(options.limit.unwrap_or(usize::MAX));
    let provider = ctx.client.provider();
    let alignment_id = store.start_alignment(&AlignmentStart {
        domain: &options.domain,
        provider: &provider.name,
        model: &provider.model,
        holdout: options.holdout,
        seed: options.seed,
        held_out: held_ids.len(),
    })?;
    let mirrored_alignment = mirrored(ctx, |m| m.copy_alignment(store, alignment_id))?;
    let mut report = AlignmentReport {
        alignment_id: mirrored_alignment.unwrap_or(alignment_id),
        domain: options.domain.clone(),
        provider: provider.name.clone(),
        model: provider.model.clone(),
        decided: decided.len(),
        held_out: held_ids.len(),
        judged_per_variant: held_out.len(),
        variants: Vec::new(),
        cancelled: false,
    };
    let total = held_out.len() * variants.len();
    let mut before = Progress::default();
    for variant in &variants {
        // One progress over all variants: this variant's counts follow the previous ones'.
        let offset = before;
        let progress = |p: &Progress| {
            (ctx.progress)(&Progress {
                done: offset.done + p.done,
                total,
                failed: offset.failed + p.failed,
                cost_usd: offset.cost_usd + p.cost_usd,
            })
        };
        let variant_ctx = RunContext {
            client: ctx.client,
            prices: ctx.prices,
            options: ctx.options.clone(),
            progress: &progress,
            cancel: ctx.cancel,
            mirror: ctx.mirror,
        };
        let to_vet = held_out
            .iter()
            .map(|(item_id, external_id, _)| {
                let item = store.item(external_id)?;
                let knowledge =
                    Knowledge::for_item(store, *variant, &item, options.examples, &exclude)?;
                Ok(ToVet {
                    item_id: *item_id,
                    item,
                    knowledge,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let human: std::collections::HashMap<i64, ItemStatus> = held_out
            .iter()
            .map(|(item_id, _, status)| (*item_id, *status))
            .collect();
        let summary = run_vet_calls(
            store,
            &variant_ctx,
            &to_vet,
            0,
            |tx, to_vet, suggestion, call_id| {
                record_alignment_result(
                    tx,
                    &AlignmentResult {
                        alignment_id,
                        variant: variant.as_str(),
                        item_id: to_vet.item_id,
                        call_id,
                        verdict: suggestion.verdict,
                        risk: suggestion.risk,
                        human: human[&to_vet.item_id],
                    },
                )?;
                Ok(Written {
                    item_id: Some(to_vet.item_id),
                    items: 0,
                })
            },
        )
        .await?;
        store.add_alignment_variant(alignment_id, variant.as_str(), summary.stored_run_id)?;
        mirrored(ctx, |m| {
            m.copy_alignment_variant(alignment_id, variant.as_str(), summary.stored_run_id)
        })?;
        let mut variant_report =
            variant_report(store, alignment_id, *variant, summary.stored_run_id)?;
        // Named where people look it up (the mirror's run, if any).
        variant_report.run_id = summary.run_id;
        before = Progress {
            done: before.done + to_vet.len(),
            total,
            failed: before.failed + variant_report.failed,
            cost_usd: before.cost_usd + variant_report.cost_usd,
        };
        report.variants.push(variant_report);
        if summary.cancelled {
            report.cancelled = true;
            break;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_counts_rejections_caught_and_missed() {
        use ItemStatus::{Approved, Edited, Rejected};
        use Verdict::{Fail, Flag, Pass};
        // Caught 2 of 3 rejections; one approved item flagged; one edited item passed.
        let pairs = [
            (Fail, Rejected),
            (Flag, Rejected),
            (Pass, Rejected),
            (Flag, Approved),
            (Pass, Edited),
            (Pass, Approved),
        ];
        let a = agreement(&pairs);
        assert_eq!(
            a.precision,
            Some(2.0 / 3.0),
            "2 of the 3 caught were rejected"
        );
        assert_eq!(a.recall, Some(2.0 / 3.0), "2 of the 3 rejected were caught");
        assert_eq!(a.accuracy, Some(4.0 / 6.0));
        // p_o = 4/6; vetter keeps 3/6, human keeps 3/6: p_e = 1/2; κ = (2/3 − 1/2) / (1/2).
        assert!((a.kappa.unwrap() - 1.0 / 3.0).abs() < 1e-12, "{a:?}");
        let none_rejected = agreement(&[(Pass, Approved), (Flag, Edited)]);
        assert_eq!(
            (none_rejected.precision, none_rejected.recall),
            (Some(0.0), None),
            "recall is undefined without a rejection"
        );
        assert_eq!(agreement(&[]), Agreement::default());
    }

    #[test]
    fn the_held_out_share_is_stable_and_near_the_asked_share() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("item-{i}")).collect();
        let held = ids.iter().filter(|id| is_held_out(7, id, 0.2)).count();
        assert!((1_850..2_150).contains(&held), "{held} of 10,000 at 0.2");
        let again = ids.iter().filter(|id| is_held_out(7, id, 0.2)).count();
        assert_eq!(held, again, "the same seed holds out the same items");
        let other = ids.iter().filter(|id| is_held_out(8, id, 0.2)).count();
        assert_ne!(
            ids.iter()
                .filter(|id| is_held_out(7, id, 0.2))
                .collect::<Vec<_>>(),
            ids.iter()
                .filter(|id| is_held_out(8, id, 0.2))
                .collect::<Vec<_>>(),
            "another seed holds out others ({other})"
        );
    }
}
