//! Vetter vs human: how often the vetting model's verdict agrees with what the reviewer decided,
//! per domain and vetting model, as a confusion matrix and Cohen's κ.
//!
//! Binarisation for κ: the vetter says *keep* when its verdict is `pass`, *stop* when it is
//! `flag` or `fail`; the human says *keep* when the item was approved or edited (its content was
//! kept, possibly corrected), *stop* when it was rejected. Pending items are not counted.
//! κ = (p_o − p_e) / (1 − p_e), with p_o the observed agreement and p_e the agreement expected
//! by chance from both sides' keep rates; it is undefined (`None`) when p_e = 1, e.g. when both
//! sides said *keep* to every item.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{ItemStatus, Verdict};
use crate::store::VettedDecision;

/// Agreement for one domain and one vetting model.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export, rename = "VetterAgreement")]
pub struct Agreement {
    pub domain: String,
    pub vetter: String,
    pub items: u32,
    /// verdict → human outcome (`approved`, `edited`, `rejected`) → count.
    #[ts(type = "Record<string, Record<string, number>>")]
    pub matrix: BTreeMap<&'static str, BTreeMap<&'static str, u32>>,
    /// Share of items where the binarised verdict and decision agree.
    pub observed_agreement: f64,
    pub kappa: Option<f64>,
}

/// One [`Agreement`] per (domain, vetter), sorted by domain then vetter.
pub fn vetter_agreement(observations: &[VettedDecision]) -> Vec<Agreement> {
    let counted: Vec<(VettedDecision, u32)> = observations.iter().map(|o| (o.clone(), 1)).collect();
    vetter_agreement_counted(&counted)
}

/// [`vetter_agreement`] over observations with multiplicities (identical observations counted
/// once with their number, as a `GROUP BY` returns them).
pub fn vetter_agreement_counted(observations: &[(VettedDecision, u32)]) -> Vec<Agreement> {
    let mut groups: BTreeMap<(&str, &str), Vec<(&VettedDecision, u32)>> = BTreeMap::new();
    for (o, n) in observations {
        if o.status != ItemStatus::Pending {
            groups
                .entry((&o.domain, &o.vetter))
                .or_default()
                .push((o, *n));
        }
    }
    groups
        .into_iter()
        .map(|((domain, vetter), group)| {
            let mut matrix: BTreeMap<&'static str, BTreeMap<&'static str, u32>> = BTreeMap::new();
            for verdict in ["pass", "flag", "fail"] {
                let row = matrix.entry(verdict).or_default();
                for outcome in ["approved", "edited", "rejected"] {
                    row.insert(outcome, 0);
                }
            }
            // [vetter keep?][human keep?]
            let mut table = [[0u32; 2]; 2];
            for &(o, n) in &group {
                let Some(cell) = matrix
                    .get_mut(verdict_name(o.verdict))
                    .and_then(|row| row.get_mut(status_name(o.status)))
                else {
                    // needs_sme: no keep/stop judgement yet, so not an observation.
                    continue;
                };
                *cell += n;
                let vetter_keeps = o.verdict == Verdict::Pass;
                let human_keeps = o.status != ItemStatus::Rejected;
                table[usize::from(vetter_keeps)][usize::from(human_keeps)] += n;
            }
            let (observed, kappa) = cohens_kappa(table);
            Agreement {
                domain: domain.to_owned(),
                vetter: vetter.to_owned(),
                items: table.iter().flatten().sum(),
                matrix,
                observed_agreement: observed,
                kappa,
            }
        })
        .collect()
}

/// Observed agreement and κ of a 2×2 table `[rater A][rater B]`.
pub fn cohens_kappa(table: [[u32; 2]; 2]) -> (f64, Option<f64>) {
    let n = f64::from(table.iter().flatten().sum::<u32>());
    if n == 0.0 {
        return (0.0, None);
    }
    let cell = |a: usize, b: usize| f64::from(table[a][b]) / n;
    let observed = cell(0, 0) + cell(1, 1);
    let a_yes = cell(1, 0) + cell(1, 1);
    let b_yes = cell(0, 1) + cell(1, 1);
    let expected = a_yes * b_yes + (1.0 - a_yes) * (1.0 - b_yes);
    let kappa = (expected < 1.0).then(|| (observed - expected) / (1.0 - expected));
    (observed, kappa)
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Flag => "flag",
        Verdict::Fail => "fail",
    }
}

fn status_name(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Approved => "approved",
        ItemStatus::Edited => "edited",
        ItemStatus::Rejected => "rejected",
        // Filtered out before counting; named only so the match is total.
        ItemStatus::Pending => "pending",
        ItemStatus::NeedsSme => "needs_sme",
    }
}
