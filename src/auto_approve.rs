//! Where the vetting model can be trusted to approve (#20): from an alignment run's verdicts on
//! held-out, human-decided items, the lowest vetting score above which the vetter's `pass`
//! matched the humans at a chosen precision, and how many pending items it would clear.
//!
//! It is a suggestion and a queue filter (`vetter confident`), never a decision: nothing here
//! writes.
//!
//! Invariants:
//! - A pass *matched* when the human approved the item as it was. An edited item needed a
//!   change, so a pass on it counts against the vetter, like a pass on a rejected item.
//! - The suggested score is one the vetter gave on held-out data, and every held-out pass at or
//!   above it is counted (equal scores are admitted together).
//! - A threshold qualifies when the **Wilson 95 % lower bound** of its held-out precision reaches
//!   the target, and it admits at least `min_support` passes: the precision is reached with
//!   confidence, not by luck on a few items (98 % needs some 190 passes without a miss). Of the
//!   qualifying thresholds the one admitting the most passes is suggested; none otherwise.
//! - A band of lower scores is admitted only with the evidence it adds: a few misses at low
//!   scores pull the bound under the target even when the observed precision stays above it.

use serde::Serialize;

use crate::domain::{ItemStatus, Verdict};

/// Held-out passes a threshold must admit by default before it is suggested.
pub const DEFAULT_MIN_SUPPORT: usize = 20;

/// One verdict of an alignment run on a held-out item, with what the human decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOutVerdict {
    pub verdict: Verdict,
    /// The vetting score of the verdict (see `store::score_of_risk`).
    pub score: f64,
    pub human: ItemStatus,
}

/// A vetting score above which the vetter's passes matched the humans.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Threshold {
    /// Passes scored at least this are admitted.
    pub min_score: f64,
    /// Held-out passes at or above `min_score`, and how many of them humans approved.
    #[ts(type = "number")]
    pub admitted: usize,
    #[ts(type = "number")]
    pub approved: usize,
    pub precision: f64,
    /// Wilson 95 % lower bound of `precision`.
    pub precision_low: f64,
}

/// The best threshold of a set of held-out verdicts at a target precision, if any.
pub fn suggest(verdicts: &[HeldOutVerdict], target: f64, min_support: usize) -> Option<Threshold> {
    let mut passes: Vec<(f64, bool)> = verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Pass)
        .map(|v| (v.score, v.human == ItemStatus::Approved))
        .collect();
    passes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best = None;
    let (mut admitted, mut approved) = (0usize, 0usize);
    for (i, (score, matched)) in passes.iter().enumerate() {
        admitted += 1;
        approved += usize::from(*matched);
        let last_of_score = passes.get(i + 1).is_none_or(|next| next.0 != *score);
        let precision = approved as f64 / admitted as f64;
        let precision_low = wilson_lower_bound(approved, admitted);
        if last_of_score && admitted >= min_support.max(1) && precision_low >= target {
            best = Some(Threshold {
                min_score: *score,
                admitted,
                approved,
                precision,
                precision_low,
            });
        }
    }
    best
}

/// Lower bound of the Wilson score interval (95 %, z = 1.96) of `successes` in `n` trials.
pub fn wilson_lower_bound(successes: usize, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    const Z: f64 = 1.96;
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::{Approved, Edited, Rejected};
    use Verdict::{Fail, Flag, Pass};

    fn v(verdict: Verdict, score: f64, human: ItemStatus) -> HeldOutVerdict {
        HeldOutVerdict {
            verdict,
            score,
            human,
        }
    }

    /// `n` passes at `score`, the first `approved` of them approved, the rest edited.
    fn band(n: usize, approved: usize, score: f64) -> Vec<HeldOutVerdict> {
        (0..n)
            .map(|i| v(Pass, score, if i < approved { Approved } else { Edited }))
            .collect()
    }

    #[test]
    fn the_threshold_is_where_the_lower_bound_of_precision_reaches_the_target() {
        // 60 approved passes at 0.95, then 20 at 0.90 with one edit, then 20 at 0.80 with 10
        // misses; a confident failure and a flag are never admitted.
        let mut verdicts = band(60, 60, 0.95);
        verdicts.extend(band(20, 19, 0.90));
        verdicts.extend(band(20, 10, 0.80));
        verdicts.push(v(Fail, 0.99, Approved));
        verdicts.push(v(Flag, 0.99, Rejected));
        let at_90 = suggest(&verdicts, 0.9, 1).expect("79 of 80 is enough for 90 %");
        assert_eq!(
            (at_90.min_score, at_90.admitted, at_90.approved),
            (0.90, 80, 79)
        );
        assert!((at_90.precision_low - wilson_lower_bound(79, 80)).abs() < 1e-12);
        assert!(at_90.precision_low >= 0.9);
        // Admitting the 0.80 band: 89 of 100 observed, bound 0.81 — under 90 %, so it stays out.
        assert!(wilson_lower_bound(89, 100) < 0.9);
        // 60 of 60 bounds at 0.9398 and 79 of 80 at 0.9325: at 93.5 % only the top band.
        let top = suggest(&verdicts, 0.935, 1).expect("60 clean passes bound at 94 %");
        assert_eq!((top.min_score, top.admitted), (0.95, 60));
        assert!(
            suggest(&verdicts, 0.98, 1).is_none(),
            "98 % needs more evidence than 60 clean passes (bound {:.3})",
            wilson_lower_bound(60, 60)
        );
        assert!(
            suggest(&verdicts, 0.9, 81).is_none(),
            "no threshold admits 81 passes at 90 %"
        );
        assert!(suggest(&[], 0.5, 1).is_none());
    }

    #[test]
    fn a_few_misses_at_low_scores_do_not_ride_on_many_clean_passes() {
        // 100 clean passes at 0.95 and 1 of 2 at 0.60: 101 of 102 observed is 99 %, but the
        // threshold stays at 0.95 for 95 % because the bound with the 0.60 band falls under it.
        let mut verdicts = band(100, 100, 0.95);
        verdicts.extend(band(2, 1, 0.60));
        let t = suggest(&verdicts, 0.95, 1).unwrap();
        assert_eq!(t.min_score, 0.95, "{t:?}");
    }

    #[test]
    fn two_passes_at_one_score_are_never_split() {
        // 30 approved passes at 0.9 and one rejected at the same score: 30 of 30 would bound at
        // 0.886, but the 31 are admitted together or not at all, and 30 of 31 bound at 0.838.
        let mut verdicts = band(30, 30, 0.9);
        verdicts.push(v(Pass, 0.9, Rejected));
        assert!(wilson_lower_bound(30, 30) >= 0.85 && wilson_lower_bound(30, 31) < 0.85);
        assert!(suggest(&verdicts, 0.85, 1).is_none());
        let t = suggest(&verdicts, 0.8, 1).unwrap();
        assert_eq!((t.admitted, t.approved), (31, 30));
    }

    #[test]
    fn wilson_lower_bound_matches_the_closed_form() {
        // All n successes: the bound is n / (n + z²).
        assert!((wilson_lower_bound(50, 50) - 50.0 / (50.0 + 1.96 * 1.96)).abs() < 1e-12);
        // 8 of 10: (0.8 + 0.19208 − 1.96·√(0.016 + 0.009604)) / 1.38416 = 0.49016.
        assert!(
            (wilson_lower_bound(8, 10) - 0.490_16).abs() < 1e-4,
            "{}",
            wilson_lower_bound(8, 10)
        );
        assert_eq!(wilson_lower_bound(0, 0), 0.0);
        assert_eq!(wilson_lower_bound(0, 10), 0.0);
    }
}
