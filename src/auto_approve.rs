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
//! - Of the thresholds whose held-out precision reaches the target and that admit at least
//!   `min_support` passes, the one admitting the most is suggested; none otherwise.
//! - The Wilson 95 % lower bound of that precision is reported with it, so a threshold backed by
//!   few items looks as uncertain as it is.

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
        if last_of_score && admitted >= min_support.max(1) && precision >= target {
            best = Some(Threshold {
                min_score: *score,
                admitted,
                approved,
                precision,
                precision_low: wilson_lower_bound(approved, admitted),
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

    #[test]
    fn the_threshold_admitting_most_passes_at_the_target_precision_is_suggested() {
        let verdicts = [
            v(Pass, 0.99, Approved),
            v(Pass, 0.97, Approved),
            v(Pass, 0.95, Approved),
            v(Pass, 0.95, Approved),
            v(Pass, 0.90, Edited), // needed a change: a miss
            v(Pass, 0.85, Approved),
            v(Pass, 0.80, Rejected),
            v(Fail, 0.99, Approved), // not a pass: never admitted
            v(Flag, 0.95, Rejected),
        ];
        let at_full = suggest(&verdicts, 1.0, 1).expect("the top four passes were all approved");
        assert_eq!(
            (at_full.min_score, at_full.admitted, at_full.approved),
            (0.95, 4, 4),
            "equal scores are admitted together"
        );
        let at_80 = suggest(&verdicts, 0.8, 1).unwrap();
        assert_eq!(
            (at_80.min_score, at_80.admitted, at_80.approved),
            (0.85, 6, 5),
            "5 of 6 ≥ 0.8, while 5 of 7 is not"
        );
        assert!(
            suggest(&verdicts, 1.0, 5).is_none(),
            "no threshold has 5 passes at full precision"
        );
        assert!(suggest(&[], 0.9, 1).is_none());
    }

    #[test]
    fn two_passes_at_one_score_are_never_split() {
        // At 0.9 the first pass alone is approved, but its twin at the same score is not.
        let verdicts = [v(Pass, 0.9, Approved), v(Pass, 0.9, Rejected)];
        assert!(suggest(&verdicts, 1.0, 1).is_none());
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
