//! The claim formats: training data from reviewers' claim verdicts (#19), read from the claim
//! checks of each reviewed answer's effective decision.
//!
//! - `claims-nli`: one row per checked claim, `{"premise", "hypothesis", "label"}` — the linked
//!   evidence text (the spans joined by a blank line; all the item's passages when none is
//!   linked), the claim, and `entailment` (supported), `neutral` (unsupported) or
//!   `contradiction` (contradicted). Not-checkable claims are left out.
//! - `vetter-claims`: one chat per answer in OpenAI's fine-tuning format (`messages`, which TRL's
//!   SFTTrainer also reads): Vetted's claim-checking instruction, the item as `vetted vet` shows
//!   it (question, answer, evidence), and the verdicts as JSON
//!   `{"claims": [{"claim", "verdict", "evidence": [{"passage", "quote"}]}]}`. Only answers whose
//!   every claim got a verdict: the instruction asks for all of them, so a partial check would
//!   teach the model to leave claims out. With a held-out share, what `vetted align vetter`
//!   measures is left out, as in `vetter-sft`.
//!
//! Invariants: like every training format, never items marked do-not-train nor deferred to an
//! SME; the privacy screen applies to every text written except Vetted's own instruction, each
//! string screened before it is serialized, and in `exclude` mode an item with a finding
//! anywhere is left out whole.

use std::sync::atomic::AtomicBool;

use serde_json::json;

use super::answer_lines::{HELD_OUT, Lines, export_answers};
use super::screen::{screen_strings, screened_body};
use super::{ExportOptions, Manifest, PiiMode, Progress};
use crate::claims::{ClaimCheck, ClaimVerdict, claim_ranges};
use crate::domain::{AnswerBody, ItemBody};
use crate::error::Result;
use crate::roles::knowledge::Knowledge;
use crate::roles::vet::body_message;
use crate::store::{Store, claims_of_decision};

/// The system message of `vetter-claims`: what the vetting model is trained to do.
pub const CLAIM_CHECK_INSTRUCTION: &str = "You check an answer against its evidence, claim by \
claim. Split the answer into its claims (sentences or list items) and judge each against the \
evidence passages only: \"supported\" (a passage states it), \"unsupported\" (no passage states \
it), \"contradicted\" (a passage states otherwise) or \"not-checkable\" (not a factual claim). \
Quote the passage text each verdict rests on. Reply with JSON only: {\"claims\": [{\"claim\": \
string, \"verdict\": string, \"evidence\": [{\"passage\": passage id, \"quote\": string}]}]}.";

/// Which claim format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClaimFormat {
    Nli,
    VetterClaims,
}

/// The NLI label of a verdict; `None` for a claim that is not checkable.
pub fn nli_label(verdict: ClaimVerdict) -> Option<&'static str> {
    match verdict {
        ClaimVerdict::Supported => Some("entailment"),
        ClaimVerdict::Unsupported => Some("neutral"),
        ClaimVerdict::Contradicted => Some("contradiction"),
        ClaimVerdict::NotCheckable => None,
    }
}

/// The premise of a claim: its linked spans, else every passage of the answer.
fn premise(check: &ClaimCheck, answer: &AnswerBody) -> String {
    let texts: Vec<&str> = if check.spans.is_empty() {
        answer.evidence.iter().map(|p| p.text.as_str()).collect()
    } else {
        check.spans.iter().map(|s| s.text.as_str()).collect()
    };
    texts.join("\n\n")
}

/// Whether `checks` give a verdict to every claim of `answer` (as split, or merged and split
/// by the reviewer: each claim lies in a checked one, or holds one).
fn checks_every_claim(answer: &str, checks: &[ClaimCheck]) -> bool {
    claim_ranges(answer).into_iter().all(|range| {
        let claim = &answer[range];
        checks
            .iter()
            .any(|c| c.claim.contains(claim) || claim.contains(c.claim.as_str()))
    })
}

/// The lines one reviewed answer gives, every string of them screened; `None` when the privacy
/// screen's `exclude` mode found something.
fn lines_of(
    format: ClaimFormat,
    domain: &str,
    body: &ItemBody,
    answer: &AnswerBody,
    checks: &[ClaimCheck],
    pii: PiiMode,
    manifest: &mut Manifest,
) -> Option<Vec<serde_json::Value>> {
    match format {
        ClaimFormat::Nli => {
            let mut rows: Vec<_> = checks
                .iter()
                .filter_map(|check| {
                    let label = nli_label(check.verdict)?;
                    let premise = premise(check, answer);
                    (!premise.is_empty()).then(
                        || json!({"premise": premise, "hypothesis": check.claim, "label": label}),
                    )
                })
                .collect();
            let mut clean = true;
            for row in &mut rows {
                clean &= screen_strings(row, pii, manifest);
            }
            clean.then_some(rows)
        }
        ClaimFormat::VetterClaims => {
            let claims: Vec<_> = checks
                .iter()
                .map(|check| {
                    let evidence: Vec<_> = check
                        .spans
                        .iter()
                        .map(|s| json!({"passage": s.passage, "quote": s.text}))
                        .collect();
                    json!({"claim": check.claim, "verdict": check.verdict.as_str(), "evidence": evidence})
                })
                .collect();
            let mut verdicts = json!({ "claims": claims });
            let verdicts_clean = screen_strings(&mut verdicts, pii, manifest);
            let body = screened_body(body, pii, manifest)?;
            if !verdicts_clean {
                return None;
            }
            let user = body_message(domain, &body, None, &Knowledge::default());
            Some(vec![json!({"messages": [
                {"role": "system", "content": CLAIM_CHECK_INSTRUCTION},
                {"role": "user", "content": user},
                {"role": "assistant", "content": verdicts.to_string()},
            ]})])
        }
    }
}

pub(super) fn run(
    store: &Store,
    options: &ExportOptions,
    format: ClaimFormat,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    let nothing = "no reviewed answer with claim verdicts matches the filters (record them with \
                   `vetted decide ITEM … --claim N=VERDICT` or the claims panel)";
    let conn = store.conn();
    export_answers(
        store,
        options,
        on_progress,
        cancel,
        nothing,
        |item, answer, held, manifest| {
            let checks = claims_of_decision(conn, &item.decision.id)?;
            if checks.is_empty() {
                return Ok(Lines::Skip(None));
            }
            if held {
                return Ok(Lines::Skip(Some(HELD_OUT)));
            }
            if format == ClaimFormat::VetterClaims && !checks_every_claim(&answer.answer, &checks) {
                return Ok(Lines::Skip(Some(
                    "with claims left unchecked (vetter-claims takes answers whose every claim has \
                 a verdict)",
                )));
            }
            let lines = lines_of(
                format,
                &item.domain,
                &item.body,
                answer,
                &checks,
                options.pii,
                manifest,
            );
            Ok(lines.map_or(Lines::Excluded, Lines::Write))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::EvidenceSpan;
    use crate::domain::Evidence;

    fn answer() -> AnswerBody {
        AnswerBody {
            question: "How tall?".into(),
            answer: "It is 330 m. It is red.".into(),
            evidence: vec![
                Evidence {
                    id: "a".into(),
                    title: String::new(),
                    text: "The tower is 330 m tall.".into(),
                    source: String::new(),
                },
                Evidence {
                    id: "b".into(),
                    title: String::new(),
                    text: "It is painted brown.".into(),
                    source: String::new(),
                },
            ],
        }
    }

    /// The lines `format` makes of `answer()` with `checks`, redacted.
    fn lines(format: ClaimFormat, checks: &[ClaimCheck]) -> Vec<serde_json::Value> {
        let answer = answer();
        let body = ItemBody::Answer(answer.clone());
        let options = ExportOptions::new(crate::export::Format::ClaimsNli, "x");
        let mut manifest = Manifest::new(&options, 17);
        lines_of(
            format,
            "d",
            &body,
            &answer,
            checks,
            PiiMode::Redact,
            &mut manifest,
        )
        .expect("nothing to exclude")
    }

    fn check(claim: &str, verdict: ClaimVerdict, spans: Vec<EvidenceSpan>) -> ClaimCheck {
        ClaimCheck {
            claim: claim.into(),
            verdict,
            spans,
        }
    }

    #[test]
    fn nli_rows_map_verdicts_to_labels_and_premises_to_linked_text() {
        let span = EvidenceSpan {
            passage: "a".into(),
            start: 0,
            end: 24,
            text: "The tower is 330 m tall.".into(),
        };
        let checks = [
            check("It is 330 m.", ClaimVerdict::Supported, vec![span]),
            check("It is red.", ClaimVerdict::Contradicted, vec![]),
            check("It is red.", ClaimVerdict::Unsupported, vec![]),
            check("It is red.", ClaimVerdict::NotCheckable, vec![]),
        ];
        let rows = lines(ClaimFormat::Nli, &checks);
        assert_eq!(rows.len(), 3, "a not-checkable claim gives no row");
        assert_eq!(
            rows[0],
            json!({"premise": "The tower is 330 m tall.", "hypothesis": "It is 330 m.", "label": "entailment"})
        );
        assert_eq!(
            rows[1]["premise"], "The tower is 330 m tall.\n\nIt is painted brown.",
            "without a link the premise is every passage"
        );
        assert_eq!(rows[1]["label"], "contradiction");
        assert_eq!(rows[2]["label"], "neutral");
    }

    #[test]
    fn an_answer_counts_as_checked_when_every_claim_lies_in_a_checked_one_or_holds_one() {
        let all = |claims: &[&str]| {
            let checks: Vec<_> = claims
                .iter()
                .map(|c| check(c, ClaimVerdict::Supported, vec![]))
                .collect();
            checks_every_claim("It is 330 m. It is red, and it is tall.", &checks)
        };
        assert!(
            all(&["It is 330 m.", "It is red, and it is tall."]),
            "as split"
        );
        assert!(all(&["It is 330 m. It is red, and it is tall."]), "merged");
        assert!(
            all(&["It is 330 m.", "It is red,", "and it is tall."]),
            "split further"
        );
        assert!(!all(&["It is 330 m."]), "a claim left unchecked");
    }

    #[test]
    fn vetter_claims_chats_answer_with_the_verdicts_as_json() {
        let checks = [check("It is red.", ClaimVerdict::Contradicted, vec![])];
        let rows = lines(ClaimFormat::VetterClaims, &checks);
        let messages = rows[0]["messages"].as_array().unwrap();
        assert_eq!(messages[0]["content"], CLAIM_CHECK_INSTRUCTION);
        assert!(
            messages[1]["content"]
                .as_str()
                .unwrap()
                .contains("It is 330 m. It is red.")
        );
        let verdicts: serde_json::Value =
            serde_json::from_str(messages[2]["content"].as_str().unwrap()).unwrap();
        assert_eq!(
            verdicts,
            json!({"claims": [{"claim": "It is red.", "verdict": "contradicted", "evidence": []}]})
        );
    }
}
