//! Offline merge: the sync bundle format (docs/sync.md). A bundle is one JSON document holding
//! decisions (with their Lamport clocks), the items they refer to (as import records, so a
//! database that lacks an item recreates it exactly as `vetted import` would) and reviewer
//! profiles. [`crate::Store::pack`] writes one, [`crate::Store::merge_bundle`] merges one.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Action, EditedContent, Item, ItemBody, RejectReason, Vetting};
use crate::error::{Error, Result};
use crate::review_form::{FormAnswers, FormQuestion};
use crate::store::NewItem;
use crate::team::ReviewerProfile;

/// The `format` field of every bundle.
pub const BUNDLE_FORMAT: &str = "vetted-sync-bundle";
/// The bundle version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;

/// A sync bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// [`BUNDLE_VERSION`]; a reader refuses versions it does not know.
    pub version: u32,
    /// Wall-clock time of packing: information only.
    pub created_at: DateTime<Utc>,
    /// The packing database's greatest Lamport clock: pass it as `--since` next time to pack
    /// only what was recorded after this bundle.
    pub max_clock: i64,
    /// What `--since` selected, as given (information only).
    #[serde(default)]
    pub since: Option<String>,
    pub reviewers: Vec<ReviewerProfile>,
    /// Reject reasons the decisions use, so a database without them learns them.
    #[serde(default)]
    pub reject_reasons: Vec<RejectReason>,
    /// The items the decisions refer to, in the import record format (docs/import-format.md).
    pub items: Vec<serde_json::Value>,
    /// The review form versions the decisions' answers were given under. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<BundleForm>,
    /// Decisions and reverts, in log order (`clock`, then `id`).
    pub decisions: Vec<BundleDecision>,
}

/// A decision (or revert) as carried by a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDecision {
    pub id: String,
    /// The item's external id.
    pub item: String,
    pub reviewer: String,
    pub action: Action,
    #[serde(default)]
    pub edited: Option<EditedContent>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Wall-clock time on the deciding laptop: information only.
    pub decided_at: DateTime<Utc>,
    #[serde(default)]
    pub reverts: Option<String>,
    /// Lamport clock: with `id`, the log order on every database.
    pub clock: i64,
    /// Decisions this one was made knowing about and replaces.
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// An adjudicator's final decision.
    #[serde(default)]
    pub adjudication: bool,
    /// For a decision of a bulk approval, or of its undo or redo: its batch, so that undo takes
    /// the batch back in one step on every database that merged it. Absent otherwise (so a
    /// bundle without bulk approvals reads as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BundleBatch>,
    /// The review form answers given with the decision. Absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<BundleAnswers>,
    /// The claim verdicts given with the decision (`claims`), in claim order. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<crate::claims::ClaimCheck>,
    /// A comparison's pick given with an approve. Absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick: Option<crate::domain::Pick>,
}

/// A version of a domain's review form, as a bundle carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleForm {
    pub domain: String,
    pub version: i64,
    pub questions: Vec<FormQuestion>,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// A decision's answers and the form version they were given under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleAnswers {
    pub domain: String,
    pub version: i64,
    pub answers: FormAnswers,
}

impl BundleForm {
    /// Whether a database holding `held` (its questions of this domain and version, if any)
    /// adds this version: a held version must have the same questions (versions are numbered
    /// per database, so two laptops that each wrote a version N of a domain's form cannot
    /// merge: the refusal names it).
    /// A version without questions is a retirement.
    pub(crate) fn is_new(&self, held: Option<&[FormQuestion]>) -> Result<bool> {
        let retired = self.questions.is_empty();
        (if retired {
            Ok(())
        } else {
            crate::review_form::check_questions(&self.questions)
        })
        .map_err(|p| {
            Error::BadRequest(format!(
                "review form '{}' version {}: {p}",
                self.domain, self.version
            ))
        })?;
        match held {
            None => Ok(true),
            Some(held) if held == self.questions => Ok(false),
            Some(_) => Err(Error::BadRequest(format!(
                "review form '{}' version {} differs from this database's version {}: set one \
                 form for the domain on one laptop and share it before reviewing",
                self.domain, self.version, self.version
            ))),
        }
    }
}

impl BundleAnswers {
    /// Checks the answers of merged decision `decision_id`, on an item of `item_domain`, against
    /// the form version they name (`questions`: `None` when the database has no such version).
    pub(crate) fn check(
        &self,
        decision_id: &str,
        item_domain: &str,
        questions: Option<&[FormQuestion]>,
    ) -> Result<()> {
        let Some(questions) = questions else {
            return Err(Error::BadRequest(format!(
                "decision '{decision_id}' answers review form '{}' version {}, which is \
                 neither in the bundle nor in this database",
                self.domain, self.version
            )));
        };
        if item_domain != self.domain {
            return Err(Error::BadRequest(format!(
                "decision '{decision_id}' answers the review form of '{}', but its item is in '{item_domain}'",
                self.domain
            )));
        }
        crate::review_form::check_values(questions, &self.answers)
            .map_err(|e| Error::BadRequest(format!("decision '{decision_id}': {e}")))
    }
}

/// The batch a bundled decision belongs to (see `decision_batches`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleBatch {
    pub id: String,
    /// The rule the batch applied.
    pub rule: String,
}

impl BundleBatch {
    /// Whether a database could not keep it: the team server takes batch ids of 1 to 200
    /// characters, and every batch states its rule.
    fn is_malformed(&self) -> bool {
        let length = self.id.chars().count();
        !(1..=200).contains(&length) || self.id.trim().is_empty() || self.rule.trim().is_empty()
    }
}

impl BundleDecision {
    /// The same rules the store applies to a decision it records, checked before merging.
    pub(crate) fn problem(&self) -> Option<String> {
        let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
        let problem = match self.action {
            _ if self.id.trim().is_empty() => "the decision id is empty",
            _ if self.item.trim().is_empty() => "the item id is empty",
            _ if self.reviewer.trim().is_empty() => "the reviewer is empty",
            _ if self.clock < 1 => "the clock must be at least 1",
            _ if self.batch.as_ref().is_some_and(BundleBatch::is_malformed) => {
                "its batch needs an id of 1 to 200 characters and a rule"
            }
            Action::Revert if self.reverts.is_none() => "a revert must name what it reverts",
            Action::Revert if self.adjudication => "a revert cannot be an adjudication",
            a if a != Action::Revert && self.reverts.is_some() => "only a revert reverts",
            Action::Edit if self.edited.is_none() => "an edit needs the corrected content",
            a if a != Action::Edit && self.edited.is_some() => {
                "only an edit carries corrected content"
            }
            Action::Reject if blank(&self.reason) => "a reject needs a reason",
            Action::NeedsSme if blank(&self.note) => "a needs-SME request needs a question",
            _ => return None,
        };
        Some(format!("decision '{}': {problem}", self.id))
    }
}

/// The import record of a stored item (the format `vetted import` reads).
pub fn item_record(item: &Item) -> serde_json::Value {
    record(
        &item.external_id,
        &item.domain,
        &item.model,
        &item.body,
        &item.vetting,
        &item.metadata,
    )
}

/// The import record of an item as an import reads it (what `vetted import` would read back
/// into the same item).
pub fn new_item_record(item: &NewItem) -> serde_json::Value {
    record(
        &item.external_id,
        &item.domain,
        &item.model,
        &item.body,
        &item.vetting,
        &item.metadata,
    )
}

fn record(
    external_id: &str,
    domain: &str,
    model: &str,
    body: &ItemBody,
    vetting: &Option<Vetting>,
    metadata: &serde_json::Value,
) -> serde_json::Value {
    let mut record = match body {
        ItemBody::Answer(a) => serde_json::json!({
            "kind": "answer",
            "question": a.question,
            "answer": a.answer,
            "evidence": a.evidence,
        }),
        ItemBody::Comparison(c) => serde_json::json!({
            "kind": "comparison",
            "question": c.question,
            "candidates": c.candidates,
            "evidence": c.evidence,
        }),
        ItemBody::Relationship(r) => serde_json::json!({
            "kind": "relationship",
            "source": r.source,
            "target": r.target,
            "relation": r.relation,
            "rationale": r.rationale,
            "confidence": r.confidence,
        }),
    };
    let fields = record.as_object_mut().expect("a record is an object");
    fields.insert("id".into(), external_id.into());
    fields.insert("domain".into(), domain.into());
    fields.insert("model".into(), model.into());
    fields.insert(
        "vetting".into(),
        serde_json::to_value(vetting).expect("vetting serializes"),
    );
    fields.insert("metadata".into(), metadata.clone());
    record
}

/// Writes `bundle` to `path` (via a temporary file renamed into place, so a reader never sees
/// half a bundle).
pub fn write_bundle(bundle: &Bundle, path: &Path) -> Result<()> {
    crate::user_files::check_writable(path)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    let mut writer = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut writer, bundle)
        .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    let file = writer
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Reads and checks the envelope of the bundle at `path`. Errors: `BadRequest` naming the file
/// and, for malformed JSON, the path of the offending field.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    crate::user_files::check_readable(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |problem: String| {
        Error::BadRequest(format!(
            "{} is not a valid Vetted sync bundle: {problem}; nothing was merged",
            path.display()
        ))
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(BUNDLE_FORMAT) => {}
        Some(other) => return Err(bad(format!("format is '{other}', not '{BUNDLE_FORMAT}'"))),
        None => return Err(bad(format!("no \"format\": \"{BUNDLE_FORMAT}\" field"))),
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(BUNDLE_VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "version {v} is not supported (this build reads version {BUNDLE_VERSION})"
            )));
        }
        None => return Err(bad("no numeric \"version\" field".into())),
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        bad(if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        })
    })
}
