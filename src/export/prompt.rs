//! The prompt every format shares, built once per item: a per-domain system prompt from a
//! template, and a user turn holding what the model saw — the question and the evidence passages
//! with their ids, or the two data products' schemas and sample rows.
//!
//! Reviewer notes, reject reasons and the vetting model's output never enter the prompt.

use std::fmt::Write as _;

use crate::domain::{Evidence, ItemBody, ItemKind, ProductSide, RelationshipBody};

/// The default system prompt for answer items; `{domain}` is replaced by the item's domain.
pub const DEFAULT_ANSWER_SYSTEM_PROMPT: &str = "You are a careful assistant for the {domain} \
domain. Answer the question using only the evidence passages provided. If the evidence does not \
contain the answer, say so.";

/// The default system prompt for relationship items; `{domain}` is replaced by the item's domain.
pub const DEFAULT_RELATIONSHIP_SYSTEM_PROMPT: &str = "You are a data-modelling assistant for the \
{domain} domain. Given two data products with their fields and sample rows, state how they are \
related as JSON with the keys \"type\", \"cardinality\" (one of 1:1, N:1, 1:N, N:M) and \
\"mapping\" (a list of {\"source_field\", \"target_field\"} pairs).";

/// Where the system prompt comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SystemPrompt {
    /// [`DEFAULT_ANSWER_SYSTEM_PROMPT`] or [`DEFAULT_RELATIONSHIP_SYSTEM_PROMPT`] by kind.
    #[default]
    Default,
    /// One template for every item; `{domain}` and `{kind}` are replaced.
    Template(String),
}

impl SystemPrompt {
    pub fn render(&self, kind: ItemKind, domain: &str) -> String {
        let template = match (self, kind) {
            (SystemPrompt::Template(t), _) => t.as_str(),
            // A comparison's candidates answer its question: they train the answering model.
            (SystemPrompt::Default, ItemKind::Answer | ItemKind::Comparison) => {
                DEFAULT_ANSWER_SYSTEM_PROMPT
            }
            (SystemPrompt::Default, ItemKind::Relationship) => DEFAULT_RELATIONSHIP_SYSTEM_PROMPT,
        };
        let kind = match kind {
            ItemKind::Answer | ItemKind::Comparison => "answer",
            ItemKind::Relationship => "relationship",
        };
        template.replace("{domain}", domain).replace("{kind}", kind)
    }
}

/// The user turn of an item's prompt; the system turn is [`SystemPrompt::render`]. The same
/// for every format and every line the item yields.
pub fn user_turn(body: &ItemBody) -> String {
    match body {
        ItemBody::Answer(a) => answer_turn(&a.question, &a.evidence),
        ItemBody::Comparison(c) => answer_turn(&c.question, &c.evidence),
        ItemBody::Relationship(r) => relationship_turn(r),
    }
}

/// The prompt of a question with its evidence: the same for an answer item and a comparison,
/// whose candidates answer it.
fn answer_turn(question: &str, evidence: &[Evidence]) -> String {
    let mut out = String::with_capacity(question.len() + 64 + evidence_len(evidence));
    out.push_str("Question: ");
    out.push_str(question.trim());
    out.push_str("\n\nEvidence:");
    if evidence.is_empty() {
        out.push_str("\n(none)");
    }
    for e in evidence {
        let _ = write!(out, "\n\n[{}]", e.id);
        if !e.title.trim().is_empty() {
            let _ = write!(out, " {}", e.title.trim());
        }
        out.push('\n');
        out.push_str(e.text.trim());
    }
    out
}

fn evidence_len(evidence: &[Evidence]) -> usize {
    evidence
        .iter()
        .map(|e| e.id.len() + e.title.len() + e.text.len() + 8)
        .sum()
}

fn relationship_turn(r: &RelationshipBody) -> String {
    let mut out = String::new();
    side(&mut out, "Source", &r.source);
    out.push_str("\n\n");
    side(&mut out, "Target", &r.target);
    out.push_str("\n\nHow is the source product related to the target product?");
    out
}

fn side(out: &mut String, label: &str, p: &ProductSide) {
    let _ = write!(out, "{label} product: {}\nFields:", p.product);
    for f in &p.fields {
        let _ = write!(out, "\n- {} ({})", f.name, f.field_type);
    }
    out.push_str("\nSample rows:");
    if p.sample_rows.is_empty() {
        out.push_str("\n(none)");
    }
    for row in &p.sample_rows {
        out.push('\n');
        out.push_str(&serde_json::to_string(row).expect("sample row serializes"));
    }
}
