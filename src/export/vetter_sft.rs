//! The `vetter-sft` format: training data for the vetting model, from the reviewers' decisions
//! (#20). One chat per reviewed answer, in OpenAI's fine-tuning format (`messages`, which TRL's
//! SFTTrainer also reads): the system and user messages are exactly what `vetted vet` sends for
//! the item (the domain's vet prompt in force, the item alone), and the assistant message is the verdict
//! the reviewers' decision implies, in the vet role's output schema:
//!
//! | effective decision | verdict | reasons | risk |
//! |---|---|---|---|
//! | approve | pass | none | 0.0 |
//! | edit | flag | none (the answer needed a correction) | 0.5 |
//! | reject | fail | the reject reason in the vetter's taxonomy, when it has one | 1.0 |
//!
//! Invariants:
//! - Answer items only: a relationship is vetted with figures computed from live data, which an
//!   export cannot reproduce faithfully.
//! - With a held-out share and seed, the items `vetted align vetter` would hold out under them,
//!   and copies of them imported under other ids, are left out, so a fine-tuned vetter is never
//!   measured on what it was trained on.
//! - Like every training format: never items marked do-not-train nor deferred to an SME; the
//!   privacy screen applies to the user message (the system message is Vetted's own prompt).

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use serde_json::json;

use super::answer_lines::{HELD_OUT, Lines, export_answers};
use super::screen::screened_body;
use super::{ExportOptions, Manifest, Progress};
use crate::domain::{Action, Verdict};
use crate::error::Result;
use crate::roles::align::is_held_out;
use crate::roles::knowledge::Knowledge;
use crate::roles::prompts::{Template, prompt_for};
use crate::roles::vet::body_message;
use crate::store::Store;

/// Items `vetted align vetter --holdout SHARE --seed SEED` judges, left out of the export.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct HeldOut {
    pub share: f64,
    pub seed: u64,
}

/// The verdict, reasons and risk a decision implies (see the module table).
pub fn implied_verdict(
    action: Action,
    reason: Option<&str>,
) -> Option<(Verdict, Vec<&'static str>, f64)> {
    match action {
        Action::Approve => Some((Verdict::Pass, Vec::new(), 0.0)),
        Action::Edit => Some((Verdict::Flag, Vec::new(), 0.5)),
        Action::Reject => Some((
            Verdict::Fail,
            vetter_reason(reason).into_iter().collect(),
            1.0,
        )),
        Action::NeedsSme | Action::Revert => None,
    }
}

/// A reviewer's reject reason in the vetting model's taxonomy (`roles::vet::REASONS`), if it
/// has a counterpart there.
fn vetter_reason(reason: Option<&str>) -> Option<&'static str> {
    match reason? {
        "unsupported_by_evidence" => Some("unsupported_claim"),
        "contradicts_evidence" => Some("contradicts_evidence"),
        "privacy_governance" => Some("privacy_pii"),
        "off_domain" => Some("off_domain"),
        _ => None,
    }
}

/// The external ids `vetted align vetter` holds out under `options.held_out` (its share and
/// seed), and copies of those items imported under other ids; empty without a share.
pub(super) fn held_out_ids(store: &Store, options: &ExportOptions) -> Result<HashSet<String>> {
    match options.held_out {
        Some(h) => store.held_out_with_copies(|id| is_held_out(h.seed, id, h.share)),
        None => Ok(HashSet::new()),
    }
}

pub(super) fn run(
    store: &Store,
    options: &ExportOptions,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    let nothing = "no reviewed answer matches the filters";
    export_answers(
        store,
        options,
        on_progress,
        cancel,
        nothing,
        |item, _, held, manifest| {
            let d = &item.decision;
            let Some((verdict, reasons, risk)) = implied_verdict(d.action, d.reason.as_deref())
            else {
                return Ok(Lines::Skip(None));
            };
            if held {
                return Ok(Lines::Skip(Some(HELD_OUT)));
            }
            // The system prompt is Vetted's own text; the user message holds the reviewed content,
            // screened field by field before it is written as JSON.
            let system = prompt_for(store, Template::Vet, &item.domain, None)?.text;
            let Some(body) = screened_body(&item.body, options.pii, manifest) else {
                return Ok(Lines::Excluded);
            };
            let user = body_message(&item.domain, &body, None, &Knowledge::default());
            let verdict = json!({"verdict": verdict, "reasons": reasons, "risk": risk}).to_string();
            Ok(Lines::Write(vec![json!({"messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
                {"role": "assistant", "content": verdict},
            ]})]))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_decision_implies_a_verdict_in_the_vetters_own_terms() {
        assert_eq!(
            implied_verdict(Action::Approve, None),
            Some((Verdict::Pass, vec![], 0.0))
        );
        assert_eq!(
            implied_verdict(Action::Edit, None),
            Some((Verdict::Flag, vec![], 0.5))
        );
        assert_eq!(
            implied_verdict(Action::Reject, Some("unsupported_by_evidence")),
            Some((Verdict::Fail, vec!["unsupported_claim"], 1.0))
        );
        assert_eq!(
            implied_verdict(Action::Reject, Some("incomplete")),
            Some((Verdict::Fail, vec![], 1.0)),
            "a reason the vetter has no word for is left out, the verdict stays"
        );
        assert_eq!(implied_verdict(Action::NeedsSme, None), None);
        for reason in [
            "unsupported_by_evidence",
            "contradicts_evidence",
            "privacy_governance",
            "off_domain",
        ] {
            let mapped = vetter_reason(Some(reason)).unwrap();
            assert!(
                crate::roles::vet::REASONS.contains(&mapped),
                "{reason} maps into the vetter's taxonomy, not {mapped}"
            );
        }
    }
}
