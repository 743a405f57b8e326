//! The manifest written next to every export: what was exported, from which database, with
//! which options, how many lines per split and per decision, what the privacy screen found, and
//! warnings about training-readiness.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ExportOptions, Format, PiiMode, action_name};
use crate::domain::Action;
use crate::privacy::Findings;

/// OpenAI refuses fine-tuning files with fewer examples than this.
pub const OPENAI_MIN_EXAMPLES: u64 = 10;

/// KTO is warned about when desirable:undesirable is outside 1:3 … 3:1. TRL recommends
/// weighting the two so that `desirable_weight·D / (undesirable_weight·U)` lies in [1, 4/3];
/// beyond 3:1 the weights needed are large enough to be worth a warning.
pub const KTO_MAX_IMBALANCE: f64 = 3.0;

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub format: Format,
    pub vetted_version: &'static str,
    /// `PRAGMA user_version` of the database exported from.
    pub schema_version: i64,
    pub created_at: String,
    pub files: ManifestFiles,
    pub filters: super::Filters,
    pub options: ManifestOptions,
    pub counts: Counts,
    /// Distinct models and reviewers of the exported decisions.
    pub models: BTreeSet<String>,
    pub reviewers: BTreeSet<String>,
    pub privacy: PrivacyReport,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ManifestFiles {
    pub train: String,
    /// Present when `val_fraction` > 0 and at least one line fell into validation.
    pub validation: Option<String>,
    /// Line id → provenance (decision, reviewer, note, vetting); absent for the audit trail.
    pub sidecar: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestOptions {
    pub prompt_completion: bool,
    pub min_edit_distance: usize,
    pub dedup: bool,
    pub val_fraction: f64,
    /// `default`, or `custom` when a template was given.
    pub system_prompt: &'static str,
    /// Whether comparisons judged a tie gave both orders of their pairs.
    pub include_ties: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Decisions matching the filters (effective decisions for training formats).
    pub selected: BTreeMap<&'static str, u64>,
    /// Decisions that produced at least one written line.
    pub exported: BTreeMap<&'static str, u64>,
    pub lines_train: u64,
    pub lines_validation: u64,
    pub duplicates_skipped: u64,
    pub below_min_edit_distance: u64,
    /// KTO only: lines labelled `true` / `false`.
    pub kto_desirable: u64,
    pub kto_undesirable: u64,
}

impl Counts {
    pub fn lines(&self) -> u64 {
        self.lines_train + self.lines_validation
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivacyReport {
    pub mode: PiiMode,
    pub screen_version: &'static str,
    /// Occurrences found per kind (redacted in `redact` mode; in excluded items in `exclude`).
    pub found: Findings,
    pub items_excluded: u64,
}

impl Manifest {
    pub fn new(options: &ExportOptions, schema_version: i64) -> Manifest {
        Manifest {
            format: options.format,
            vetted_version: env!("CARGO_PKG_VERSION"),
            schema_version,
            created_at: crate::store::now_text(),
            files: ManifestFiles::default(),
            filters: options.filters.clone(),
            options: ManifestOptions {
                prompt_completion: options.prompt_completion,
                min_edit_distance: options.min_edit_distance,
                dedup: options.dedup,
                val_fraction: options.val_fraction,
                system_prompt: match options.system_prompt {
                    super::SystemPrompt::Default => "default",
                    super::SystemPrompt::Template(_) => "custom",
                },
                include_ties: options.include_ties,
            },
            counts: Counts::default(),
            models: BTreeSet::new(),
            reviewers: BTreeSet::new(),
            privacy: PrivacyReport {
                mode: options.pii,
                screen_version: crate::privacy::SCREEN_VERSION,
                found: Findings::default(),
                items_excluded: 0,
            },
            warnings: Vec::new(),
        }
    }

    /// Counts a decision matching the filters (of a format that counts them row by row).
    pub(super) fn count_selected(&mut self, action: Action) {
        *self.counts.selected.entry(action_name(action)).or_default() += 1;
    }

    /// Counts a decision that produced a written line, with its model and reviewer.
    pub(super) fn count_exported(&mut self, action: Action, model: &str, reviewer: &str) {
        *self.counts.exported.entry(action_name(action)).or_default() += 1;
        self.models.insert(model.to_owned());
        self.reviewers.insert(reviewer.to_owned());
    }

    /// Adds the training-readiness warnings implied by the counts.
    pub fn add_warnings(&mut self) {
        let c = &self.counts;
        let mut warnings = Vec::new();
        if matches!(self.format, Format::OpenaiSft | Format::OpenaiDpo) {
            for (split, n) in [("train", c.lines_train), ("validation", c.lines_validation)] {
                if n > 0 && n < OPENAI_MIN_EXAMPLES {
                    warnings.push(format!(
                        "the {split} file has {n} examples; OpenAI requires at least {OPENAI_MIN_EXAMPLES}"
                    ));
                }
            }
        }
        if self.format == Format::TrlKto {
            let (d, u) = (c.kto_desirable as f64, c.kto_undesirable as f64);
            if d == 0.0 || u == 0.0 {
                warnings.push(format!(
                    "KTO needs both labels; this export has {} desirable and {} undesirable examples",
                    c.kto_desirable, c.kto_undesirable
                ));
            } else if d / u > KTO_MAX_IMBALANCE || u / d > KTO_MAX_IMBALANCE {
                warnings.push(format!(
                    "KTO desirable:undesirable is {}:{} (outside 1:{KTO_MAX_IMBALANCE}…{KTO_MAX_IMBALANCE}:1); \
                     set undesirable_weight ≈ {:.2} (desirable_weight 1) in KTOConfig",
                    c.kto_desirable,
                    c.kto_undesirable,
                    d / u
                ));
            }
        }
        if self.options.val_fraction > 0.0 && c.lines_validation == 0 {
            warnings.push(
                "no line fell into the validation split; no validation file was written".into(),
            );
        }
        self.warnings = warnings;
    }
}
