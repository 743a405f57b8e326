//! Decisions → training examples. The rules (documented in `docs/export.md`):
//!
//! | effective decision | SFT | preference (DPO) | KTO |
//! |---|---|---|---|
//! | approve | original answer | — | original `true` |
//! | edit | edited answer | chosen = edited, rejected = original | edited `true`, original `false` |
//! | reject | — | chosen = each other answer to the same prompt that was approved or edited, rejected = this answer | original `false` |
//!
//! A comparison's decision maps by [`comparison_examples`]; *chosen* is the picked candidate
//! (approve) or the reviewer's new answer (edit):
//!
//! | effective decision | SFT | preference (DPO, reward) | KTO |
//! |---|---|---|---|
//! | approve, best k | candidate k | chosen = k, rejected = each other candidate | k `true` |
//! | approve, tie | — | only with `include_ties`: both orders of every pair | — |
//! | edit | new answer | chosen = new answer, rejected = each candidate | new `true`, each candidate `false` |
//! | reject (all) | — | — | each candidate `false` |
//!
//! A preference pair, and the `false` KTO line of an edit, need the two texts to differ by at
//! least `min_edit_distance` words: a whitespace-only edit carries no signal and would teach
//! contradicting labels for the same text.

use crate::domain::{Action, ItemKind, Pick};
use crate::edit_distance::word_edit_distance_at_least;

/// Which kind of example a format takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Sft,
    Preference,
    Kto,
}

/// One example; the prompt is shared and kept by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Example<'a> {
    Sft { completion: &'a str },
    Preference { chosen: &'a str, rejected: &'a str },
    Kto { completion: &'a str, label: bool },
}

/// The texts of one reviewed item, after the privacy screen.
#[derive(Debug, Clone, Copy)]
pub struct Reviewed<'a> {
    pub action: Action,
    pub original: &'a str,
    /// The reviewer's correction; present exactly when `action` is edit.
    pub edited: Option<&'a str>,
}

/// The final text of another answer to the same prompt that was approved or edited.
#[derive(Debug, Clone, Copy)]
pub struct Sibling<'a> {
    pub item: &'a str,
    pub text: &'a str,
}

/// Whether a decision with `action` on an item of `kind` can yield examples of `family` at
/// all: lets the export skip building and screening the prompt of items that would yield
/// nothing.
pub fn yields(family: Family, kind: ItemKind, action: Action) -> bool {
    match (family, action) {
        (Family::Sft, Action::Reject) => false,
        (Family::Preference, Action::Approve) => kind == ItemKind::Comparison,
        (Family::Preference, Action::Reject) => kind != ItemKind::Comparison,
        _ => true,
    }
}

/// The texts of one reviewed comparison, after the privacy screen.
#[derive(Debug, Clone, Copy)]
pub struct ReviewedComparison<'a> {
    pub action: Action,
    pub candidates: &'a [&'a str],
    /// The approve's pick.
    pub pick: Option<Pick>,
    /// The reviewer's new chosen answer; present exactly when `action` is edit.
    pub edited: Option<&'a str>,
}

/// Examples of one family from a comparison's decision (see the module's table), each with the
/// suffix of its line id (`sft`, `dpo/<candidate>`, `dpo/tie/<a>-<b>`, `kto/desirable`,
/// `kto/undesirable/<candidate>`; candidates numbered from 1 as shown), and how many candidate
/// pairs fell below `min_edit_distance`.
pub fn comparison_examples<'a>(
    family: Family,
    reviewed: ReviewedComparison<'a>,
    include_ties: bool,
    min_edit_distance: usize,
) -> (Vec<(String, Example<'a>)>, u64) {
    let differs = |a: &str, b: &str| word_edit_distance_at_least(a, b, min_edit_distance);
    let candidates = reviewed.candidates;
    let mut out = Vec::new();
    let mut below = 0;
    let chosen = match (reviewed.action, reviewed.pick, reviewed.edited) {
        (Action::Approve, Some(Pick::Best(k)), _) => {
            candidates.get(usize::from(k)).map(|text| (Some(k), *text))
        }
        (Action::Edit, _, Some(edited)) => Some((None, edited)),
        _ => None,
    };
    match (family, chosen) {
        (Family::Sft, Some((_, completion))) => {
            out.push(("sft".into(), Example::Sft { completion }));
        }
        (Family::Preference, Some((best, chosen))) => {
            for (n, rejected) in candidates.iter().enumerate() {
                if best == Some(n as u8) {
                    continue;
                }
                if differs(chosen, rejected) {
                    let pair = Example::Preference { chosen, rejected };
                    out.push((format!("dpo/{}", n + 1), pair));
                } else {
                    below += 1;
                }
            }
        }
        (Family::Preference, None)
            if include_ties
                && reviewed.action == Action::Approve
                && reviewed.pick == Some(Pick::Tie) =>
        {
            for (a, first) in candidates.iter().enumerate() {
                for (b, second) in candidates.iter().enumerate().skip(a + 1) {
                    if !differs(first, second) {
                        below += 1;
                        continue;
                    }
                    for (c, r, chosen, rejected) in [(a, b, first, second), (b, a, second, first)] {
                        let pair = Example::Preference { chosen, rejected };
                        out.push((format!("dpo/tie/{}-{}", c + 1, r + 1), pair));
                    }
                }
            }
        }
        (Family::Kto, chosen) => {
            if let Some((_, completion)) = chosen {
                let positive = Example::Kto {
                    completion,
                    label: true,
                };
                out.push(("kto/desirable".into(), positive));
            }
            // Every candidate of an edit fell short, as did every one of a reject.
            if matches!(reviewed.action, Action::Edit | Action::Reject) {
                for (n, completion) in candidates.iter().enumerate() {
                    if chosen.is_some_and(|(_, text)| !differs(text, completion)) {
                        below += 1;
                        continue;
                    }
                    let negative = Example::Kto {
                        completion,
                        label: false,
                    };
                    out.push((format!("kto/undesirable/{}", n + 1), negative));
                }
            }
        }
        _ => {}
    }
    (out, below)
}

/// Examples of one family from one decision, each with the suffix of its line id
/// (`sft`, `dpo`, `dpo/<sibling item>`, `kto/desirable`, `kto/undesirable`), and how many
/// candidate pairs fell below `min_edit_distance`.
pub fn examples<'a>(
    family: Family,
    reviewed: Reviewed<'a>,
    siblings: &[Sibling<'a>],
    min_edit_distance: usize,
) -> (Vec<(String, Example<'a>)>, u64) {
    let differs = |a: &str, b: &str| word_edit_distance_at_least(a, b, min_edit_distance);
    let mut out = Vec::new();
    let mut below = 0;
    let original = reviewed.original;
    match (family, reviewed.action, reviewed.edited) {
        (Family::Sft, Action::Approve, _) => {
            out.push((
                "sft".into(),
                Example::Sft {
                    completion: original,
                },
            ));
        }
        (Family::Sft, Action::Edit, Some(edited)) => {
            out.push(("sft".into(), Example::Sft { completion: edited }));
        }
        (Family::Preference, Action::Edit, Some(edited)) => {
            if differs(edited, original) {
                let pair = Example::Preference {
                    chosen: edited,
                    rejected: original,
                };
                out.push(("dpo".into(), pair));
            } else {
                below += 1;
            }
        }
        (Family::Preference, Action::Reject, _) => {
            for sibling in siblings {
                if differs(sibling.text, original) {
                    let pair = Example::Preference {
                        chosen: sibling.text,
                        rejected: original,
                    };
                    out.push((format!("dpo/{}", sibling.item), pair));
                } else {
                    below += 1;
                }
            }
        }
        (Family::Kto, Action::Approve, _) => {
            out.push((
                "kto/desirable".into(),
                Example::Kto {
                    completion: original,
                    label: true,
                },
            ));
        }
        (Family::Kto, Action::Edit, Some(edited)) => {
            out.push((
                "kto/desirable".into(),
                Example::Kto {
                    completion: edited,
                    label: true,
                },
            ));
            if differs(edited, original) {
                let negative = Example::Kto {
                    completion: original,
                    label: false,
                };
                out.push(("kto/undesirable".into(), negative));
            } else {
                below += 1;
            }
        }
        (Family::Kto, Action::Reject, _) => {
            let negative = Example::Kto {
                completion: original,
                label: false,
            };
            out.push(("kto/undesirable".into(), negative));
        }
        _ => {}
    }
    (out, below)
}
