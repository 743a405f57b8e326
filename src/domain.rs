//! The review domain: items (LLM answers and inferred relationships), their evidence, and the
//! decisions reviewers make about them. These types cross the IPC boundary, so they derive
//! `TS` and are generated into `ui/src/bindings/` (run `cargo test`; the files are committed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What an item asks a reviewer to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ItemKind {
    Answer,
    Relationship,
    /// One question with 2–4 candidate answers; the reviewer picks the best.
    Comparison,
}

impl ItemKind {
    /// The serde spelling, as stored in `items.kind`, without serializing (imports write it
    /// for every item).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Answer => "answer",
            ItemKind::Relationship => "relationship",
            ItemKind::Comparison => "comparison",
        }
    }
}

/// Projection of an item's effective decision (see `store::effective_decision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ItemStatus {
    Pending,
    Approved,
    Edited,
    Rejected,
    /// Deferred to a subject-matter expert with a question.
    NeedsSme,
}

/// What a reviewer decided, or `Revert`: an undo or redo event appended to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    Approve,
    Edit,
    Reject,
    /// Defers the item to the SME queue; the decision's `note` is the question.
    NeedsSme,
    /// Cancels the decision (undo) or the revert (redo) named in `reverts`.
    Revert,
}

impl Action {
    /// The status an effective decision with this action gives its item; `None` for `Revert`.
    pub fn status(self) -> Option<ItemStatus> {
        match self {
            Action::Approve => Some(ItemStatus::Approved),
            Action::Edit => Some(ItemStatus::Edited),
            Action::Reject => Some(ItemStatus::Rejected),
            Action::NeedsSme => Some(ItemStatus::NeedsSme),
            Action::Revert => None,
        }
    }
}

/// One source passage an answer was generated from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Evidence {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub source: String,
}

/// A field of a data product, with its declared type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: String,
}

/// One side of a proposed relationship: a data product's schema and a few sample rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ProductSide {
    pub product: String,
    pub fields: Vec<Field>,
    #[serde(default)]
    #[ts(type = "Array<Record<string, unknown>>")]
    pub sample_rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Observed or claimed cardinality between source and target rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Cardinality {
    #[serde(rename = "1:1")]
    OneToOne,
    #[serde(rename = "N:1")]
    ManyToOne,
    #[serde(rename = "1:N")]
    OneToMany,
    #[serde(rename = "N:M")]
    ManyToMany,
}

/// A source field mapped to a target field; several pairs form a composite key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct FieldPair {
    pub source_field: String,
    pub target_field: String,
}

/// The relation type a reviewer uses to say two products are not related (an `edit` decision):
/// the mapping then names the pairing judged unrelated and the cardinality is ignored.
pub const NOT_RELATED: &str = "not_related";

/// The relationship a model proposes (or a reviewer corrects) between two products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Relation {
    /// e.g. `foreign_key`, or [`NOT_RELATED`].
    #[serde(rename = "type")]
    pub relation_type: String,
    pub cardinality: Cardinality,
    pub mapping: Vec<FieldPair>,
}

impl Relation {
    pub fn is_not_related(&self) -> bool {
        self.relation_type == NOT_RELATED
    }

    /// The relation as a completion: compact JSON with the keys `type`, `cardinality`,
    /// `mapping`, as the relationship system prompt asks.
    pub fn completion(&self) -> String {
        serde_json::to_string(self).expect("relation serializes")
    }
}

impl Cardinality {
    /// The same relationship read from the target's side (`N:1` ↔ `1:N`).
    pub fn reversed(self) -> Cardinality {
        match self {
            Cardinality::ManyToOne => Cardinality::OneToMany,
            Cardinality::OneToMany => Cardinality::ManyToOne,
            same => same,
        }
    }

    /// The spelling used in files and messages: `1:1`, `N:1`, `1:N`, `N:M`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::OneToOne => "1:1",
            Cardinality::ManyToOne => "N:1",
            Cardinality::OneToMany => "1:N",
            Cardinality::ManyToMany => "N:M",
        }
    }
}

/// The vetting model's opinion: shown to reviewers, never treated as a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Verdict {
    Pass,
    Flag,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Vetting {
    pub model: String,
    pub verdict: Verdict,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub reasons: Vec<String>,
    /// The prompt version that produced the verdict: set by `vetted vet` from its call (`vet.v3`,
    /// `vet.v3+finance:1a2b3c4d` for a domain's own prompt); an imported verdict may carry its
    /// own pipeline's, or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prompt: Option<String>,
}

/// The relate model's judgement of a relationship candidate it did not propose (discovery's):
/// how likely the relation holds, and why. A suggestion like [`Vetting`], never a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Assessment {
    pub model: String,
    /// 0..1, the model's confidence that the relation holds.
    pub confidence: f64,
    pub rationale: String,
}

/// An LLM answer to a domain question, with the passages it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnswerBody {
    pub question: String,
    pub answer: String,
    pub evidence: Vec<Evidence>,
}

/// A relationship inferred between two data products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RelationshipBody {
    pub source: ProductSide,
    pub target: ProductSide,
    pub relation: Relation,
    pub rationale: String,
    pub confidence: Option<f64>,
}

/// One of a comparison's candidate answers, with the model that wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Candidate {
    pub model: String,
    pub answer: String,
}

/// The fewest and most candidates a comparison has.
pub const CANDIDATES: std::ops::RangeInclusive<usize> = 2..=4;

/// One question, its evidence, and 2–4 candidate answers (possibly from different models) for
/// a reviewer to compare. Candidates are numbered from 0 in data and from 1 on screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComparisonBody {
    pub question: String,
    pub candidates: Vec<Candidate>,
    pub evidence: Vec<Evidence>,
}

/// A reviewer's choice among a comparison's candidates, given with an approve decision: the
/// best one (`{"best": 1}`, numbered from 0), or a tie (`"tie"`: none is better than another).
/// An edit names the candidate it started from instead (`EditedContent::Comparison`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Pick {
    Best(u8),
    Tie,
}

/// The kind-specific content of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ItemBody {
    Answer(AnswerBody),
    Relationship(RelationshipBody),
    Comparison(ComparisonBody),
}

impl ItemBody {
    pub fn kind(&self) -> ItemKind {
        match self {
            ItemBody::Answer(_) => ItemKind::Answer,
            ItemBody::Relationship(_) => ItemKind::Relationship,
            ItemBody::Comparison(_) => ItemKind::Comparison,
        }
    }

    /// The model's output as text: the answer, or the relation as [`Relation::completion`]. The
    /// text the export trains on and the edit distance is measured on. A comparison has one
    /// output per candidate, so this is `None` for it (see [`ItemBody::edited_from`]).
    pub fn output_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ItemBody::Answer(a) => Some(a.answer.as_str().into()),
            ItemBody::Relationship(r) => Some(r.relation.completion().into()),
            ItemBody::Comparison(_) => None,
        }
    }

    /// The model's text `edit` corrects: [`ItemBody::output_text`], or for a comparison the
    /// candidate the edit started from (empty when `edit` names none of its candidates, which
    /// `Store::decide` refuses).
    pub fn edited_from(&self, edit: &EditedContent) -> std::borrow::Cow<'_, str> {
        match (self, edit) {
            (ItemBody::Comparison(c), EditedContent::Comparison { based_on, .. }) => c
                .candidates
                .get(usize::from(*based_on))
                .map_or("", |c| c.answer.as_str())
                .into(),
            _ => self.output_text().unwrap_or_default(),
        }
    }

    /// The question and evidence of an answer or a comparison; `None` for a relationship.
    pub fn question_and_evidence(&self) -> Option<(&str, &[Evidence])> {
        match self {
            ItemBody::Answer(a) => Some((&a.question, &a.evidence)),
            ItemBody::Comparison(c) => Some((&c.question, &c.evidence)),
            ItemBody::Relationship(_) => None,
        }
    }

    /// The evidence of an answer or a comparison, to fill in; `None` for a relationship.
    pub fn evidence_mut(&mut self) -> Option<&mut Vec<Evidence>> {
        match self {
            ItemBody::Answer(a) => Some(&mut a.evidence),
            ItemBody::Comparison(c) => Some(&mut c.evidence),
            ItemBody::Relationship(_) => None,
        }
    }

    /// One-line summary shown in the queue.
    pub fn title(&self) -> String {
        match self {
            ItemBody::Answer(a) => a.question.clone(),
            ItemBody::Comparison(c) => c.question.clone(),
            ItemBody::Relationship(r) => {
                let side = |product: &str, pick: fn(&FieldPair) -> &str| {
                    let fields: Vec<&str> = r.relation.mapping.iter().map(pick).collect();
                    format!("{product}.{}", fields.join("+"))
                };
                format!(
                    "{} → {}",
                    side(&r.source.product, |p| &p.source_field),
                    side(&r.target.product, |p| &p.target_field)
                )
            }
        }
    }
}

/// A reviewer's correction, stored with an `edit` decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export)]
pub enum EditedContent {
    Answer {
        answer: String,
    },
    Relationship {
        relation: Relation,
    },
    /// A comparison's new chosen answer, written starting from candidate `based_on` (from 0).
    Comparison {
        answer: String,
        based_on: u8,
    },
}

impl EditedContent {
    pub fn kind(&self) -> ItemKind {
        match self {
            EditedContent::Answer { .. } => ItemKind::Answer,
            EditedContent::Relationship { .. } => ItemKind::Relationship,
            EditedContent::Comparison { .. } => ItemKind::Comparison,
        }
    }

    /// The correction as text, like [`ItemBody::output_text`].
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            EditedContent::Answer { answer } | EditedContent::Comparison { answer, .. } => {
                answer.as_str().into()
            }
            EditedContent::Relationship { relation } => relation.completion().into(),
        }
    }
}

/// An item as a reviewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Item {
    pub external_id: String,
    pub domain: String,
    pub model: String,
    pub status: ItemStatus,
    /// Incremented by every decision; a decision must name the version it was made on.
    #[ts(type = "number")]
    pub version: i64,
    pub body: ItemBody,
    pub vetting: Option<Vetting>,
    /// The relate model's latest judgement of this relationship (`vetted relate --rank`).
    #[serde(default)]
    pub assessment: Option<Assessment>,
    #[ts(type = "Record<string, unknown>")]
    pub metadata: serde_json::Value,
    /// The correction of the effective decision, when that decision is an edit.
    pub latest_edit: Option<EditedContent>,
    /// Free-form labels, sorted; mutable annotations, not decisions.
    pub tags: Vec<String>,
    /// Exclude this item from training exports.
    pub do_not_train: bool,
    /// Personal data and secrets the privacy screen finds in what a reviewer is shown (question,
    /// answer, latest edit, evidence; sample rows); filled by `Store::item_shown`.
    #[serde(default)]
    pub sensitive: Vec<crate::privacy::Sensitive>,
    /// An answer item's claims with their grounding hints (`claims::claims_of` on the model's
    /// answer); empty for a relationship. Filled by `Store::item_shown`.
    #[serde(default)]
    pub claims: Vec<crate::claims::Claim>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Item {
    /// Fills what a reviewer is shown beside the item: the privacy screen's findings
    /// ([`Item::sensitive`]) and an answer's claims with their grounding hints ([`Item::claims`]).
    pub fn add_review_aids(&mut self) {
        self.sensitive = self.privacy_findings();
        if let ItemBody::Answer(answer) = &self.body {
            self.claims = crate::claims::claims_of(&answer.answer, &answer.evidence);
        }
    }

    /// What the privacy screen finds in the texts a reviewer is shown: an answer item's
    /// question, answer, latest edit and evidence (a comparison's: its candidates for the
    /// answer); a relationship item's sample rows.
    /// [`Item::sensitive`] holds it once loaded by `Store::item_shown`.
    pub fn privacy_findings(&self) -> Vec<crate::privacy::Sensitive> {
        use crate::privacy::SensitivePlace;
        let (question, answers, evidence) = match &self.body {
            ItemBody::Answer(a) => (
                &a.question,
                vec![(SensitivePlace::Answer, a.answer.as_str())],
                &a.evidence,
            ),
            ItemBody::Comparison(c) => (
                &c.question,
                (0u8..)
                    .zip(&c.candidates)
                    .map(|(candidate, c)| {
                        (SensitivePlace::Candidate { candidate }, c.answer.as_str())
                    })
                    .collect(),
                &c.evidence,
            ),
            ItemBody::Relationship(r) => {
                let mut found =
                    crate::privacy::sensitive_in_samples("source", &r.source.sample_rows);
                found.extend(crate::privacy::sensitive_in_samples(
                    "target",
                    &r.target.sample_rows,
                ));
                return found;
            }
        };
        let edit = match &self.latest_edit {
            Some(EditedContent::Answer { answer } | EditedContent::Comparison { answer, .. }) => {
                Some(answer.as_str())
            }
            _ => None,
        };
        crate::privacy::sensitive_in(crate::privacy::ShownAnswer {
            question,
            answers,
            edit,
            passages: evidence.iter().map(|p| (p.id.as_str(), p.text.as_str())),
        })
    }
}

/// A row of the queue list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QueueEntry {
    /// Keyset cursor: the internal row id.
    #[ts(type = "number")]
    pub id: i64,
    pub external_id: String,
    pub kind: ItemKind,
    pub domain: String,
    pub model: String,
    pub title: String,
    pub status: ItemStatus,
    pub verdict: Option<Verdict>,
}

/// A page of the queue; pass `next_after` back to get the following page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QueuePage {
    pub entries: Vec<QueueEntry>,
    pub next_after: Option<QueueCursor>,
}

/// Keyset position in a sorted queue: the last entry's sort key and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QueueCursor {
    #[ts(type = "number")]
    pub key: i64,
    #[ts(type = "number")]
    pub id: i64,
}

/// Number of items per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatusCounts {
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "number")]
    pub approved: i64,
    #[ts(type = "number")]
    pub edited: i64,
    #[ts(type = "number")]
    pub rejected: i64,
    #[ts(type = "number")]
    pub needs_sme: i64,
    /// Items whose reviews disagree, waiting for an adjudicator (counted among `pending`).
    #[ts(type = "number")]
    pub conflict: i64,
}

impl StatusCounts {
    pub fn total(&self) -> i64 {
        self.pending + self.approved + self.edited + self.rejected + self.needs_sme
    }

    /// Adds `n` items of `status` (a negative `n` takes them away).
    pub fn add(&mut self, status: ItemStatus, n: i64) {
        *match status {
            ItemStatus::Pending => &mut self.pending,
            ItemStatus::Approved => &mut self.approved,
            ItemStatus::Edited => &mut self.edited,
            ItemStatus::Rejected => &mut self.rejected,
            ItemStatus::NeedsSme => &mut self.needs_sme,
        } += n;
    }
}

/// A decision as recorded in the append-only log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Decision {
    pub id: String,
    pub item: String,
    #[ts(type = "number")]
    pub item_version: i64,
    pub reviewer: String,
    pub action: Action,
    pub edited: Option<EditedContent>,
    pub reason: Option<String>,
    /// For `needs_sme`: the question for the SME.
    pub note: Option<String>,
    pub decided_at: DateTime<Utc>,
    /// For `revert`: the id of the decision (undo) or revert (redo) this event cancels.
    pub reverts: Option<String>,
    /// For `edit`: word-level edit distance from the model's output (computed by the core).
    #[ts(type = "number | null")]
    pub edit_distance: Option<i64>,
    /// For an approve of a comparison: the best candidate, or a tie.
    #[serde(default)]
    pub pick: Option<Pick>,
}

/// What a reviewer submits (the CLI directly, the app as a [`DecisionDraft`]). `id` is generated
/// by the client so a retry is recorded once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub id: String,
    pub item: String,
    /// The item version the reviewer saw; a stale version is refused as a conflict.
    pub item_version: i64,
    pub reviewer: String,
    pub action: Action,
    pub edited: Option<EditedContent>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// What the app's webview submits: a [`DecisionInput`] without the reviewer. The shell fills in
/// the reviewer of its session, so the webview cannot record a decision in anyone else's name;
/// a draft that names a reviewer is refused when it is deserialized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DecisionDraft {
    pub id: String,
    pub item: String,
    /// The item version the reviewer saw; a stale version is refused as a conflict.
    #[ts(type = "number")]
    pub item_version: i64,
    pub action: Action,
    pub edited: Option<EditedContent>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Answers to the domain's review form, by question id (see `review_form`).
    #[serde(default)]
    #[ts(type = "Record<string, unknown>")]
    pub answers: crate::review_form::FormAnswers,
    /// Verdicts on the answer's claims (see `claims`).
    #[serde(default)]
    pub claims: Vec<crate::claims::ClaimCheck>,
    /// A comparison's best candidate, or a tie: required with an approve of a comparison.
    #[serde(default)]
    pub pick: Option<Pick>,
}

/// What a reviewer gives beside a decision, recorded in the decision's own transaction
/// (`Store::decide_with`): answers to the domain's review form, verdicts on the answer's
/// claims, a comparison's pick. Empty for a plain decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    pub answers: crate::review_form::FormAnswers,
    pub claims: Vec<crate::claims::ClaimCheck>,
    pub pick: Option<Pick>,
}

impl DecisionDraft {
    /// The decision `reviewer` submits with this draft, and the feedback given with it.
    pub fn into_input(self, reviewer: impl Into<String>) -> (DecisionInput, Feedback) {
        let DecisionDraft {
            id,
            item,
            item_version,
            action,
            edited,
            reason,
            note,
            answers,
            claims,
            pick,
        } = self;
        let input = DecisionInput {
            id,
            item,
            item_version,
            reviewer: reviewer.into(),
            action,
            edited,
            reason,
            note,
        };
        (
            input,
            Feedback {
                answers,
                claims,
                pick,
            },
        )
    }
}

/// A reject reason from the taxonomy (`reject_reasons` table; see `Store::reject_reasons`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RejectReason {
    pub id: String,
    pub label: String,
}

/// A reviewer's key binding for a UI action id (e.g. `approve` → `y`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeyBinding {
    pub action: String,
    pub binding: String,
}
