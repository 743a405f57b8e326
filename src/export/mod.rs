//! Export of review decisions as fine-tuning data (OpenAI SFT/DPO, TRL SFT/DPO/KTO) and as an
//! audit trail, streamed from SQLite to disk.
//!
//! Guarantees: rows are read by one prepared statement and each line is written as it is made
//! (never all examples in memory); every output file is written to a temporary file in the
//! target directory and renamed at the end, so an error or a cancel leaves no partial file; an
//! existing target is refused unless `force`; an empty selection is an error and writes nothing.
//! A manifest (`NAME.manifest.json`) is written next to every export.
//!

mod answer_lines;
mod audit;
mod claims;
mod files;
mod json_string;
mod lines;
mod manifest;
mod mapping;
mod prompt;
mod screen;
mod selection;
mod siblings;
mod sidecar;
mod training;
mod vetter_sft;

pub use claims::{CLAIM_CHECK_INSTRUCTION, nli_label};
pub use files::companion_path;
pub use manifest::{KTO_MAX_IMBALANCE, Manifest, OPENAI_MIN_EXAMPLES};
pub use mapping::Family;
pub use prompt::{DEFAULT_ANSWER_SYSTEM_PROMPT, DEFAULT_RELATIONSHIP_SYSTEM_PROMPT, SystemPrompt};
pub use selection::{Filters, effective_decision_seq, reviewed_items_sql};
pub use vetter_sft::{HeldOut, implied_verdict};

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::domain::Action;
use crate::error::{Error, Result};
use crate::store::Store;
use files::PendingFile;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Format {
    OpenaiSft,
    OpenaiDpo,
    TrlSft,
    TrlDpo,
    /// Preference pairs for a reward model: TRL's implicit-prompt `chosen`/`rejected`.
    TrlReward,
    TrlKto,
    /// The audit trail as JSONL.
    Decisions,
    /// The audit trail as CSV.
    DecisionsCsv,
    /// Training data for the vetting model: the vet prompt → the verdict reviewers implied.
    VetterSft,
    /// Claim verdicts as NLI rows: linked evidence, claim, entailment/neutral/contradiction.
    ClaimsNli,
    /// Training data for the vetting model: the item → per-claim verdicts as JSON.
    VetterClaims,
}

impl Format {
    /// The name used on the command line and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            Format::OpenaiSft => "openai-sft",
            Format::OpenaiDpo => "openai-dpo",
            Format::TrlSft => "trl-sft",
            Format::TrlDpo => "trl-dpo",
            Format::TrlReward => "trl-reward",
            Format::TrlKto => "trl-kto",
            Format::Decisions => "decisions",
            Format::DecisionsCsv => "decisions-csv",
            Format::VetterSft => "vetter-sft",
            Format::ClaimsNli => "claims-nli",
            Format::VetterClaims => "vetter-claims",
        }
    }

    /// The kind of example a training format takes; `None` for the audit trail.
    pub fn family(self) -> Option<Family> {
        match self {
            Format::OpenaiSft | Format::TrlSft => Some(Family::Sft),
            Format::OpenaiDpo | Format::TrlDpo | Format::TrlReward => Some(Family::Preference),
            Format::TrlKto => Some(Family::Kto),
            Format::Decisions
            | Format::DecisionsCsv
            | Format::VetterSft
            | Format::ClaimsNli
            | Format::VetterClaims => None,
        }
    }
}

/// What the privacy screen does with findings.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PiiMode {
    /// Replace each finding with a typed placeholder such as `[EMAIL]`.
    #[default]
    Redact,
    /// Leave out every item with a finding in its prompt or answers.
    Exclude,
    /// No screening.
    Off,
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Format,
    /// The (training) file; companions are named after it (see [`companion_path`]).
    pub out: PathBuf,
    pub force: bool,
    pub filters: Filters,
    /// `trl-sft` only: `prompt`/`completion` instead of `messages`.
    pub prompt_completion: bool,
    /// Minimum word-level edit distance between the two texts of a preference pair.
    pub min_edit_distance: usize,
    /// Drop lines identical to an earlier line (same prompt and completions).
    pub dedup: bool,
    /// Share of prompts in the validation file (0 = no split), in [0, 1).
    pub val_fraction: f64,
    pub pii: PiiMode,
    pub system_prompt: SystemPrompt,
    /// `vetter-sft` and `vetter-claims` only: leave out what `vetted align vetter` holds out
    /// under this share and seed.
    pub held_out: Option<HeldOut>,
    /// Preference formats: a comparison judged a tie yields both orders of each pair of its
    /// candidates (a tie to a Bradley–Terry model); left out otherwise.
    pub include_ties: bool,
}

impl ExportOptions {
    /// The defaults: dedup on, minimum edit distance 1, no split, redact.
    pub fn new(format: Format, out: impl Into<PathBuf>) -> ExportOptions {
        ExportOptions {
            format,
            out: out.into(),
            force: false,
            filters: Filters::default(),
            prompt_completion: false,
            min_edit_distance: 1,
            dedup: true,
            val_fraction: 0.0,
            pii: PiiMode::Redact,
            system_prompt: SystemPrompt::Default,
            held_out: None,
            include_ties: false,
        }
    }

    /// Refuses inconsistent options (`BadRequest`), a target that cannot be written (no such
    /// folder, not a regular file) and an existing one without `force` (`AlreadyExists`),
    /// before anything is read: [`export`] starts with it, and a team
    /// server's export calls it before reading the server.
    pub fn check(&self) -> Result<()> {
        crate::user_files::check_writable(&self.out)?;
        if !self.force && self.out.exists() {
            return Err(Error::AlreadyExists {
                path: self.out.clone(),
            });
        }
        if !(0.0..1.0).contains(&self.val_fraction) {
            return Err(Error::BadRequest(format!(
                "the validation fraction must be at least 0 and below 1, not {}",
                self.val_fraction
            )));
        }
        if self.prompt_completion && self.format != Format::TrlSft {
            return Err(Error::BadRequest(
                "prompt-completion records only apply to trl-sft".into(),
            ));
        }
        if self.include_ties && self.format.family() != Some(Family::Preference) {
            return Err(Error::BadRequest(
                "ties only go into preference pairs: openai-dpo, trl-dpo or trl-reward".into(),
            ));
        }
        if let Some(h) = self.held_out.filter(|h| !(h.share > 0.0 && h.share < 1.0)) {
            return Err(Error::BadRequest(format!(
                "the held-out share must be between 0 and 1 (e.g. 0.2), not {}",
                h.share
            )));
        }
        if self.held_out.is_some()
            && !matches!(self.format, Format::VetterSft | Format::VetterClaims)
        {
            return Err(Error::BadRequest(
                "a held-out share only applies to vetter-sft and vetter-claims".into(),
            ));
        }
        if matches!(
            self.format,
            Format::VetterSft | Format::ClaimsNli | Format::VetterClaims
        ) && (self.val_fraction > 0.0 || self.system_prompt != SystemPrompt::Default)
        {
            return Err(Error::BadRequest(format!(
                "{} writes Vetted's own prompt, with no validation split; leave out the \
                 validation fraction and the system prompt",
                self.format.name()
            )));
        }
        Ok(())
    }
}

/// How far an export is: `done` out of `total` positions (item row ids for training formats,
/// decision sequence numbers for the audit trail), not a count of lines. A team server's
/// snapshot (what an export reads there) reports rows read of the rows there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Exports the decisions selected by `options` and returns the manifest that was written.
///
/// `on_progress` is called every few dozen rows; setting `cancel` stops the export at the next
/// row with [`Error::Cancelled`] and writes nothing. Errors: `BadRequest` for inconsistent
/// options, `AlreadyExists`, `EmptySelection`, `Io` naming the path that could not be written.
pub fn export(
    store: &Store,
    options: &ExportOptions,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    options.check()?;
    match (options.format.family(), options.format) {
        (Some(family), _) => training::run(store, options, family, on_progress, cancel),
        (None, Format::VetterSft) => vetter_sft::run(store, options, on_progress, cancel),
        (None, Format::ClaimsNli) => claims::run(
            store,
            options,
            claims::ClaimFormat::Nli,
            on_progress,
            cancel,
        ),
        (None, Format::VetterClaims) => claims::run(
            store,
            options,
            claims::ClaimFormat::VetterClaims,
            on_progress,
            cancel,
        ),
        (None, format) => audit::run(
            store,
            options,
            format == Format::DecisionsCsv,
            on_progress,
            cancel,
        ),
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Approve => "approve",
        Action::Edit => "edit",
        Action::Reject => "reject",
        Action::NeedsSme => "needs_sme",
        Action::Revert => "revert",
    }
}

/// What a one-file export (the audit trail, the vetting model's and claims' formats) writes: its manifest, the file and the
/// manifest's file, created (to be committed at the end, or dropped) before any row is read.
fn single_file_outputs(
    store: &Store,
    options: &ExportOptions,
) -> Result<(Manifest, PendingFile, PendingFile)> {
    let manifest = Manifest::new(options, store.schema_version()?);
    let out = PendingFile::create(&options.out, options.force)?;
    let manifest_file = PendingFile::create(
        &companion_path(&options.out, "manifest.json"),
        options.force,
    )?;
    Ok((manifest, out, manifest_file))
}

/// Renames every finished file onto its target, the manifest last; an empty validation file is
/// discarded instead.
fn commit_all(
    force: bool,
    main: PendingFile,
    validation: Option<PendingFile>,
    sidecar: Option<PendingFile>,
    mut manifest_file: PendingFile,
    manifest: &Manifest,
) -> Result<()> {
    let json = serde_json::to_vec_pretty(manifest).expect("manifest serializes");
    manifest_file.write_line(&json)?;
    main.commit(force)?;
    if let Some(v) = validation.filter(|v| v.lines() > 0) {
        v.commit(force)?;
    }
    if let Some(s) = sidecar {
        s.commit(force)?;
    }
    manifest_file.commit(force)
}
