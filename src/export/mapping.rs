//! Decisions → training examples. The rules (documented in `docs/export.md`):
//!
//! | effective decision | SFT | preference (DPO) | KTO |
//! |---|---|---|---|
//! | approve | original answer | — | original `true` |
//! | edit | edited answer | chosen = edited, rejected = original | edited `true`, original `false` |
//! | reject | — | chosen = each other answer to the same prompt that was approved or edited, rejected = this answer | original `false` |
//!
//! A preference pair, and the `false` KTO line of an edit, need the two texts to differ by at
//! least `min_edit_distance` words: a whitespace-only edit carries no signal and would teach
//! contradicting labels for the same text.

use crate::domain::Action;
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

/// Whether a decision with `action` can yield examples of `family` at all: lets the export skip
/// building and screening the prompt of items that would yield nothing.
pub fn yields(family: Family, action: Action) -> bool {
    !matches!(
        (family, action),
        (Family::Sft, Action::Reject) | (Family::Preference, Action::Approve)
    )
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
