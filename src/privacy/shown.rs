//! What the privacy screen finds in what a reviewer is shown: an answer item's question, answer,
//! latest edit and evidence passages (a comparison's: its candidates for the answer), a relationship item's sample rows. The app highlights each
//! finding and redacts those of an answer into the edit as their typed placeholders; `vetted
//! show` lists them.
//!
//! Invariant: every [`Sensitive`] is a finding [`super::find`] makes in the text its place
//! names, so replacing it with its placeholder is what the export's screen would do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{PiiKind, find};

/// Where in the item a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "place", rename_all = "snake_case")]
#[ts(export)]
pub enum SensitivePlace {
    Question,
    /// The model's answer.
    Answer,
    /// A comparison's candidate answer, numbered from 0.
    Candidate {
        candidate: u8,
    },
    /// The answer as corrected by the effective edit decision.
    Edit,
    Evidence {
        passage: String,
    },
    /// A text cell of a relationship item's sample rows.
    Sample {
        /// `source` or `target`.
        side: String,
        /// The row's place among the side's sample rows, from 0.
        row: u32,
        column: String,
    },
}

/// Personal data or a secret in what the reviewer is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sensitive {
    #[serde(flatten)]
    pub place: SensitivePlace,
    pub kind: PiiKind,
    /// The text found, exactly as it occurs in its place.
    pub text: String,
    /// What redacting it puts in its stead, e.g. `[EMAIL]`.
    pub placeholder: String,
}

/// Every finding in the text cells of one side's sample rows, row by row.
pub fn sensitive_in_samples(
    side: &str,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> Vec<Sensitive> {
    let mut out = Vec::new();
    for (row, cells) in rows.iter().enumerate() {
        for (column, value) in cells {
            let Some(text) = value.as_str() else {
                continue;
            };
            for found in find(text) {
                out.push(Sensitive {
                    place: SensitivePlace::Sample {
                        side: side.to_owned(),
                        row: row as u32,
                        column: column.clone(),
                    },
                    kind: found.kind,
                    text: text[found.range].to_owned(),
                    placeholder: found.kind.placeholder().to_owned(),
                });
            }
        }
    }
    out
}

/// The texts of an answer item a reviewer is shown.
pub struct ShownAnswer<'a, P> {
    pub question: &'a str,
    /// The model's answer ([`SensitivePlace::Answer`]), or a comparison's candidates
    /// ([`SensitivePlace::Candidate`]).
    pub answers: Vec<(SensitivePlace, &'a str)>,
    /// The effective edit's answer, if any.
    pub edit: Option<&'a str>,
    /// Evidence passages as (id, text).
    pub passages: P,
}

/// Every finding in an answer item's shown texts, place by place in reading order (question,
/// answer, edit, passages) and in text order within a place.
pub fn sensitive_in<'a>(
    shown: ShownAnswer<'a, impl IntoIterator<Item = (&'a str, &'a str)>>,
) -> Vec<Sensitive> {
    let mut out = Vec::new();
    let mut screen = |place: SensitivePlace, text: &str| {
        for found in find(text) {
            out.push(Sensitive {
                place: place.clone(),
                kind: found.kind,
                text: text[found.range].to_owned(),
                placeholder: found.kind.placeholder().to_owned(),
            });
        }
    };
    screen(SensitivePlace::Question, shown.question);
    for (place, answer) in shown.answers {
        screen(place, answer);
    }
    if let Some(edit) = shown.edit {
        screen(SensitivePlace::Edit, edit);
    }
    for (id, text) in shown.passages {
        let place = SensitivePlace::Evidence {
            passage: id.to_owned(),
        };
        screen(place, text);
    }
    out
}
