//! Claim-level verdicts: an answer split into the statements a reviewer checks one by one
//! against the evidence, each with a lexical hint, and the verdicts reviewers record.
//!
//! Invariants:
//! - Claims are always of the model's answer (what the vetting model learns to judge), never of
//!   an edit; a recorded claim is a piece of that answer, so merged or split claims stay
//!   checkable against it.
//! - Evidence spans count Unicode characters (code points), as a Python slice does:
//!   `passage["text"][start:end] == span["text"]` for a consumer of the export.
//! - A span's `text` is always the passage's, set by [`check_claims`]; what a client sent there
//!   is replaced.

pub mod grounding;
mod split;

use std::ops::Range;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Evidence, ItemBody};
use crate::error::{Error, Result};
pub use grounding::PassageSupport;
pub use split::claim_ranges;

/// At most this many claims are recorded with one decision.
pub const MAX_CLAIMS: usize = 200;

/// What a reviewer found a claim to be, given the evidence shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ClaimVerdict {
    Supported,
    Unsupported,
    Contradicted,
    NotCheckable,
}

impl ClaimVerdict {
    pub const ALL: [ClaimVerdict; 4] = [
        ClaimVerdict::Supported,
        ClaimVerdict::Unsupported,
        ClaimVerdict::Contradicted,
        ClaimVerdict::NotCheckable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimVerdict::Supported => "supported",
            ClaimVerdict::Unsupported => "unsupported",
            ClaimVerdict::Contradicted => "contradicted",
            ClaimVerdict::NotCheckable => "not-checkable",
        }
    }

    /// Whether approving an answer with this claim deserves a second look.
    pub fn is_doubtful(self) -> bool {
        matches!(self, ClaimVerdict::Unsupported | ClaimVerdict::Contradicted)
    }
}

impl std::str::FromStr for ClaimVerdict {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        ClaimVerdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "'{s}' is not a claim verdict (supported, unsupported, contradicted, not-checkable)"
                ))
            })
    }
}

/// Characters `start..end` of an evidence passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvidenceSpan {
    pub passage: String,
    pub start: u32,
    pub end: u32,
    /// The passage's text in the span (set by the core).
    #[serde(default)]
    pub text: String,
}

impl EvidenceSpan {
    /// The span of a byte range of `passage.text` (on character boundaries).
    pub fn from_bytes(passage: &Evidence, range: Range<usize>) -> Self {
        let start = passage.text[..range.start].chars().count();
        let len = passage.text[range.clone()].chars().count();
        EvidenceSpan {
            passage: passage.id.clone(),
            start: start as u32,
            end: (start + len) as u32,
            text: passage.text[range].to_owned(),
        }
    }
}

/// A claim of an item's answer as offered to the reviewer, with its grounding hint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Claim {
    pub text: String,
    /// Characters `start..end` of the answer.
    pub start: u32,
    pub end: u32,
    /// Passages that share at least half its content words, best first; empty when none does.
    pub support: Vec<PassageSupport>,
    /// The sentence of the best passage to link, pre-selected for the reviewer.
    pub hint: Option<EvidenceSpan>,
}

/// A reviewer's verdict on one claim, with the evidence spans it rests on (may be none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ClaimCheck {
    pub claim: String,
    pub verdict: ClaimVerdict,
    #[serde(default)]
    pub spans: Vec<EvidenceSpan>,
}

/// The claim verdicts of one domain's answers, counted on their decisions in force (the
/// dashboard's and `vetted stats`' figures).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct ClaimFigures {
    pub domain: String,
    /// Answers whose decision in force carries claim verdicts.
    #[ts(type = "number")]
    pub answers: u64,
    #[ts(type = "number")]
    pub supported: u64,
    #[ts(type = "number")]
    pub unsupported: u64,
    #[ts(type = "number")]
    pub contradicted: u64,
    #[ts(type = "number")]
    pub not_checkable: u64,
}

impl ClaimFigures {
    /// The figures per domain, by domain, from rows of `(domain, verdict, claims)` and of
    /// `(domain, answers with verdicts)`.
    pub fn per_domain(
        verdicts: Vec<(String, ClaimVerdict, u64)>,
        answers: Vec<(String, u64)>,
    ) -> Vec<ClaimFigures> {
        let mut figures: std::collections::BTreeMap<String, ClaimFigures> = Default::default();
        for (domain, verdict, n) in verdicts {
            figures
                .entry(domain.clone())
                .or_insert_with(|| ClaimFigures {
                    domain,
                    ..ClaimFigures::default()
                })
                .add(verdict, n);
        }
        for (domain, n) in answers {
            if let Some(entry) = figures.get_mut(&domain) {
                entry.answers = n;
            }
        }
        figures.into_values().collect()
    }

    /// Counts `n` more claims with `verdict`.
    pub fn add(&mut self, verdict: ClaimVerdict, n: u64) {
        *match verdict {
            ClaimVerdict::Supported => &mut self.supported,
            ClaimVerdict::Unsupported => &mut self.unsupported,
            ClaimVerdict::Contradicted => &mut self.contradicted,
            ClaimVerdict::NotCheckable => &mut self.not_checkable,
        } += n;
    }
}

/// The claims of `answer`, with hints from `evidence`.
pub fn claims_of(answer: &str, evidence: &[Evidence]) -> Vec<Claim> {
    let words = grounding::PassageWords::new(evidence);
    let mut chars_before = 0;
    let mut last_byte = 0;
    claim_ranges(answer)
        .into_iter()
        .map(|range| {
            chars_before += answer[last_byte..range.start].chars().count();
            let text = &answer[range.clone()];
            let start = chars_before;
            let end = start + text.chars().count();
            chars_before = end;
            last_byte = range.end;
            let support = words.support(text);
            let hint = words.hint(&support);
            Claim {
                text: text.to_owned(),
                start: start as u32,
                end: end as u32,
                support,
                hint,
            }
        })
        .collect()
}

/// `checks` made fit to record for an answer: each claim a non-empty piece of `answer`, each
/// span inside a passage of `evidence` with the passage's text filled in. Errors name the
/// claim (1-based) and what is wrong; nothing is changed on error.
pub fn check_claims(
    answer: &str,
    evidence: &[Evidence],
    checks: &[ClaimCheck],
) -> Result<Vec<ClaimCheck>> {
    if checks.len() > MAX_CLAIMS {
        return Err(Error::BadRequest(format!(
            "{} claims were sent; at most {MAX_CLAIMS} are recorded with a decision",
            checks.len()
        )));
    }
    checks
        .iter()
        .enumerate()
        .map(|(i, check)| {
            let n = i + 1;
            let claim = check.claim.trim();
            if claim.is_empty() {
                return Err(Error::BadRequest(format!("claim {n}: the claim is empty")));
            }
            if !answer.contains(claim) {
                return Err(Error::BadRequest(format!(
                    "claim {n}: not a part of the answer: '{}'",
                    shorten(claim)
                )));
            }
            let spans = check
                .spans
                .iter()
                .map(|span| resolve_span(evidence, span).map_err(|e| claim_error(n, e)))
                .collect::<Result<_>>()?;
            Ok(ClaimCheck {
                claim: claim.to_owned(),
                verdict: check.verdict,
                spans,
            })
        })
        .collect()
}

/// `checks` given with a decision on item `external_id` ([`check_claims`] against its model
/// answer and `evidence`): none for any item, claims only for an answer item.
pub fn check_item_claims(
    external_id: &str,
    body: &ItemBody,
    evidence: &[Evidence],
    checks: &[ClaimCheck],
) -> Result<Vec<ClaimCheck>> {
    if checks.is_empty() {
        return Ok(Vec::new());
    }
    match body {
        ItemBody::Answer(answer) => check_claims(&answer.answer, evidence, checks),
        other => Err(Error::BadRequest(format!(
            "item '{external_id}' is a {:?}: claims are checked on answers only",
            other.kind()
        ))),
    }
}

/// Claim verdicts as `vetted decide --claim` takes them, in claim order: each `N=VERDICT`,
/// optionally linked with `@LINK[,LINK…]` where a link is `hint` (the claim's pre-selected
/// sentence), a passage id (the whole passage) or `PASSAGE:START-END` (characters). `N` counts
/// from 1 in `claims`, the item's claims as `vetted show` lists them; a claim named twice is
/// refused.
pub fn parse_cli_claims(
    specs: &[String],
    claims: &[Claim],
    evidence: &[Evidence],
) -> Result<Vec<ClaimCheck>> {
    let mut parsed = specs
        .iter()
        .map(|spec| parse_cli_claim(spec, claims, evidence))
        .collect::<Result<Vec<_>>>()?;
    parsed.sort_by_key(|(n, _)| *n);
    if let Some(pair) = parsed.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(Error::BadRequest(format!(
            "--claim: claim {} is given two verdicts; give each claim one",
            pair[0].0
        )));
    }
    Ok(parsed.into_iter().map(|(_, check)| check).collect())
}

/// One `--claim` spec: the claim's number and its check.
fn parse_cli_claim(
    spec: &str,
    claims: &[Claim],
    evidence: &[Evidence],
) -> Result<(usize, ClaimCheck)> {
    let bad = |why: String| Error::BadRequest(format!("--claim {spec}: {why}"));
    let (number, rest) = spec.split_once('=').ok_or_else(|| {
        bad("expected N=VERDICT[@LINK,…], e.g. 2=unsupported or 1=supported@hint".into())
    })?;
    let (verdict, links) = match rest.split_once('@') {
        Some((verdict, links)) => (verdict, Some(links)),
        None => (rest, None),
    };
    let n = number
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=claims.len()).contains(n))
        .ok_or_else(|| {
            bad(format!(
                "the answer has {} claims, numbered from 1 (see `vetted show ITEM`)",
                claims.len()
            ))
        })?;
    let claim = &claims[n - 1];
    let verdict = verdict
        .trim()
        .parse::<ClaimVerdict>()
        .map_err(|e| bad(e.to_string()))?;
    let spans = links
        .into_iter()
        .flat_map(|links| links.split(','))
        .map(|link| parse_link(link.trim(), claim, evidence).map_err(bad))
        .collect::<Result<_>>()?;
    Ok((
        n,
        ClaimCheck {
            claim: claim.text.clone(),
            verdict,
            spans,
        },
    ))
}

fn parse_link(
    link: &str,
    claim: &Claim,
    evidence: &[Evidence],
) -> std::result::Result<EvidenceSpan, String> {
    if link == "hint" {
        return claim.hint.clone().ok_or_else(|| {
            "this claim has no hint to link (no passage shares half its words)".into()
        });
    }
    // A passage id may hold a colon itself: the whole link as an id comes first.
    let (passage, range) = match link.rsplit_once(':') {
        Some((passage, range)) if !evidence.iter().any(|p| p.id == link) => (passage, Some(range)),
        _ => (link, None),
    };
    let found = evidence
        .iter()
        .find(|p| p.id == passage)
        .ok_or_else(|| format!("no evidence passage '{passage}'"))?;
    let (start, end) = match range {
        None => (0, found.text.chars().count() as u32),
        Some(range) => range
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
            .ok_or_else(|| format!("'{range}' is not START-END in characters"))?,
    };
    resolve_span(
        evidence,
        &EvidenceSpan {
            passage: passage.to_owned(),
            start,
            end,
            text: String::new(),
        },
    )
}

fn resolve_span(
    evidence: &[Evidence],
    span: &EvidenceSpan,
) -> std::result::Result<EvidenceSpan, String> {
    let passage = evidence
        .iter()
        .find(|p| p.id == span.passage)
        .ok_or_else(|| format!("spans: no evidence passage '{}'", span.passage))?;
    let chars = passage.text.chars().count() as u32;
    if span.start >= span.end || span.end > chars {
        return Err(format!(
            "spans: {}..{} is not a span of passage '{}' (it has {chars} characters)",
            span.start, span.end, span.passage
        ));
    }
    let text: String = passage
        .text
        .chars()
        .skip(span.start as usize)
        .take((span.end - span.start) as usize)
        .collect();
    Ok(EvidenceSpan {
        text,
        ..span.clone()
    })
}

fn claim_error(n: usize, message: String) -> Error {
    Error::BadRequest(format!("claim {n}: {message}"))
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Vec<Evidence> {
        vec![Evidence {
            id: "doc-1".into(),
            title: "Zürich".into(),
            text: "Zürich lies on Lake Zürich. It has 420,000 inhabitants.".into(),
            source: String::new(),
        }]
    }

    #[test]
    fn claims_carry_character_offsets_and_hints() {
        let answer = "Zürich – a city. Zürich has 420,000 inhabitants. Bananas grow there.";
        let claims = claims_of(answer, &evidence());
        let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Zürich – a city.",
                "Zürich has 420,000 inhabitants.",
                "Bananas grow there."
            ]
        );
        let chars: Vec<char> = answer.chars().collect();
        for claim in &claims {
            let sliced: String = chars[claim.start as usize..claim.end as usize]
                .iter()
                .collect();
            assert_eq!(sliced, claim.text, "offsets count characters");
        }
        assert_eq!(
            claims[1].hint.as_ref().map(|h| h.text.as_str()),
            Some("It has 420,000 inhabitants."),
            "the passage sentence sharing the most words is the hint"
        );
        assert!(claims[2].support.is_empty() && claims[2].hint.is_none());
    }

    #[test]
    fn checks_are_trimmed_and_spans_get_the_passages_text() {
        let answer = "Zürich has 420,000 inhabitants. It is big.";
        let checked = check_claims(
            answer,
            &evidence(),
            &[ClaimCheck {
                claim: " Zürich has 420,000 inhabitants. It is big. ".into(),
                verdict: ClaimVerdict::Supported,
                spans: vec![EvidenceSpan {
                    passage: "doc-1".into(),
                    start: 28,
                    end: 55,
                    text: "whatever the client says".into(),
                }],
            }],
        )
        .unwrap();
        assert_eq!(
            checked[0].claim,
            "Zürich has 420,000 inhabitants. It is big."
        );
        assert_eq!(checked[0].spans[0].text, "It has 420,000 inhabitants.");
    }

    #[test]
    fn bad_checks_are_refused_naming_the_claim_and_field() {
        let answer = "Zürich has 420,000 inhabitants.";
        let span = |passage: &str, start, end| EvidenceSpan {
            passage: passage.into(),
            start,
            end,
            text: String::new(),
        };
        let cases = [
            ("Paris is big.", vec![], "claim 1: not a part of the answer"),
            ("  ", vec![], "claim 1: the claim is empty"),
            (
                "Zürich",
                vec![span("doc-9", 0, 3)],
                "claim 1: spans: no evidence passage 'doc-9'",
            ),
            (
                "Zürich",
                vec![span("doc-1", 5, 5)],
                "claim 1: spans: 5..5 is not a span",
            ),
            ("Zürich", vec![span("doc-1", 0, 56)], "it has 55 characters"),
        ];
        for (claim, spans, expected) in cases {
            let check = ClaimCheck {
                claim: claim.into(),
                verdict: ClaimVerdict::Unsupported,
                spans,
            };
            let err = check_claims(answer, &evidence(), &[check])
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{claim:?}: {err}");
        }
        assert_eq!(
            "not-checkable".parse::<ClaimVerdict>().unwrap(),
            ClaimVerdict::NotCheckable
        );
        assert!("maybe".parse::<ClaimVerdict>().is_err());
    }
}
