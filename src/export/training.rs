//! The training formats: one streaming pass over reviewed items in item order. Per item: build
//! the prompt once, screen it and the answers for private data, map the decision to examples,
//! drop duplicates, pick the split, and write each line (plus its sidecar line) as it goes.
//!
//! Memory: one item at a time, plus the de-duplication set (16 bytes per written line) and the
//! distinct model and reviewer names for the manifest.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::files::{PendingFile, companion_path};
use super::mapping::{self, Family, Reviewed, Sibling};
use super::selection::{ReviewedItem, bind, progress_total, read_reviewed, reviewed_items_sql};
use super::siblings::AcceptedAnswers;
use super::{
    ExportOptions, Manifest, PiiMode, Progress, action_name, completion_text, lines, prompt,
};
use crate::domain::{Action, EditedContent, Vetting};
use crate::error::{Error, Result};
use crate::privacy::{self, Findings};
use crate::store::Store;

/// Columns of the decision's action and of the evidence JSON in [`reviewed_items_sql`].
const ACTION_COLUMN: usize = 10;
const EVIDENCE_COLUMN: usize = 15;

/// Provenance of one training line, kept out of the training text.
#[derive(Serialize)]
struct SidecarLine<'a> {
    line_id: String,
    split: &'static str,
    /// 1-based line number in the split's file.
    line: u64,
    item: &'a str,
    decision: &'a str,
    action: Action,
    reviewer: &'a str,
    decided_at: String,
    reason: Option<&'a str>,
    note: Option<Cow<'a, str>>,
    vetting: Option<&'a Vetting>,
}

pub(super) fn run(
    store: &Store,
    options: &ExportOptions,
    family: Family,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    let conn = store.conn();
    let mut manifest = Manifest::new(options, store.schema_version()?);
    let mut train = PendingFile::create(&options.out, options.force)?;
    let mut validation = (options.val_fraction > 0.0)
        .then(|| PendingFile::create(&companion_path(&options.out, "val.jsonl"), options.force))
        .transpose()?;
    let mut sidecar = PendingFile::create(
        &companion_path(&options.out, "sidecar.jsonl"),
        options.force,
    )?;
    let manifest_file = PendingFile::create(
        &companion_path(&options.out, "manifest.json"),
        options.force,
    )?;

    let total = progress_total(conn, false)?;
    let accepted = match family {
        Family::Preference => Some(AcceptedAnswers::build(conn)?),
        _ => None,
    };
    let mut stmt = conn.prepare(&reviewed_items_sql())?;
    let params = options.filters.params();
    let mut rows = stmt.query(&bind(&params)[..])?;
    let mut seen: HashSet<u128> = HashSet::new();
    let mut line = Vec::with_capacity(8192);
    let mut side = Vec::with_capacity(1024);
    let mut scanned = 0u64;
    while let Some(row) = rows.next()? {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        scanned += 1;
        if scanned.is_multiple_of(64) {
            on_progress(Progress {
                done: row.get::<_, i64>(0)? as u64,
                total,
            });
        }
        // Decided before parsing: items whose action yields nothing for this format are skipped
        // without reading their payload.
        let action: Action = row.get(ACTION_COLUMN)?;
        *manifest
            .counts
            .selected
            .entry(action_name(action))
            .or_default() += 1;
        if !mapping::yields(family, action) {
            continue;
        }
        let item = read_reviewed(row, Some(EVIDENCE_COLUMN))?;
        let siblings = match (&accepted, item.decision.action) {
            (Some(accepted), Action::Reject) => accepted.for_rejected(&item)?,
            _ => Vec::new(),
        };
        let raw_prompt = prompt::build(&options.system_prompt, &item.domain, &item.body);
        let original = completion_text(&item.body);
        let edited = item.decision.edited.as_ref().map(edited_text);
        let sibling_texts: Vec<(String, String)> = siblings
            .iter()
            .map(|s| {
                let text = s
                    .decision
                    .edited
                    .as_ref()
                    .map_or_else(|| completion_text(&s.body), edited_text);
                (s.decision.item.clone(), text)
            })
            .collect();

        let mut found = Findings::default();
        let mut screen = |text: &'_ str| -> String {
            match options.pii {
                PiiMode::Off => text.to_owned(),
                PiiMode::Redact | PiiMode::Exclude => {
                    privacy::redact(text, &mut found).into_owned()
                }
            }
        };
        let user = screen(&raw_prompt.user);
        let original = screen(&original);
        let edited = edited.as_deref().map(&mut screen);
        let sibling_texts: Vec<(String, String)> = sibling_texts
            .iter()
            .map(|(id, text)| (id.clone(), screen(text)))
            .collect();
        let note = item.decision.note.as_deref().map(|n| match options.pii {
            PiiMode::Off => Cow::Borrowed(n),
            _ => privacy::redact(n, &mut Findings::default()),
        });
        manifest.privacy.found.add(&found);
        if options.pii == PiiMode::Exclude && !found.is_empty() {
            manifest.privacy.items_excluded += 1;
            continue;
        }

        let reviewed = Reviewed {
            action: item.decision.action,
            original: &original,
            edited: edited.as_deref(),
        };
        let siblings: Vec<Sibling<'_>> = sibling_texts
            .iter()
            .map(|(id, text)| Sibling { item: id, text })
            .collect();
        let (examples, below) =
            mapping::examples(family, reviewed, &siblings, options.min_edit_distance);
        manifest.counts.below_min_edit_distance += below;
        let in_validation = in_validation(&raw_prompt.user, options.val_fraction);
        let mut wrote_any = false;
        for (suffix, example) in &examples {
            line.clear();
            if !lines::write(
                options.format,
                options.prompt_completion,
                (&raw_prompt.system, &user),
                example,
                &mut line,
            ) {
                continue;
            }
            if options.dedup && !seen.insert(line_hash(&line)) {
                manifest.counts.duplicates_skipped += 1;
                continue;
            }
            let (file, split) = match (&mut validation, in_validation) {
                (Some(v), true) => (v, "validation"),
                _ => (&mut train, "train"),
            };
            file.write_line(&line)?;
            if let mapping::Example::Kto { label, .. } = example {
                if *label {
                    manifest.counts.kto_desirable += 1
                } else {
                    manifest.counts.kto_undesirable += 1
                }
            }
            side.clear();
            serde_json::to_writer(
                &mut side,
                &SidecarLine {
                    line_id: format!("{}/{suffix}", item.decision.id),
                    split,
                    line: file.lines(),
                    item: &item.decision.item,
                    decision: &item.decision.id,
                    action: item.decision.action,
                    reviewer: &item.decision.reviewer,
                    decided_at: item
                        .decision
                        .decided_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    reason: item.decision.reason.as_deref(),
                    note: note.clone(),
                    vetting: item.vetting.as_ref(),
                },
            )
            .expect("serializing to memory cannot fail");
            sidecar.write_line(&side)?;
            wrote_any = true;
        }
        if wrote_any {
            record_exported(&mut manifest, &item);
        }
    }
    drop(rows);
    drop(stmt);
    drop(accepted);
    on_progress(Progress { done: total, total });

    manifest.counts.lines_train = train.lines();
    manifest.counts.lines_validation = validation.as_ref().map_or(0, PendingFile::lines);
    if manifest.counts.lines() == 0 {
        return Err(Error::EmptySelection(empty_reason(&manifest)));
    }
    manifest.files.train = train.target().display().to_string();
    manifest.files.sidecar = Some(sidecar.target().display().to_string());
    if let Some(v) = validation.as_ref().filter(|v| v.lines() > 0) {
        manifest.files.validation = Some(v.target().display().to_string());
    }
    manifest.add_warnings();
    super::commit_all(
        options.force,
        train,
        validation,
        Some(sidecar),
        manifest_file,
        &manifest,
    )?;
    Ok(manifest)
}

fn edited_text(edit: &EditedContent) -> String {
    match edit {
        EditedContent::Answer { answer } => answer.clone(),
        EditedContent::Relationship { relation } => prompt::relation_completion(relation),
    }
}

fn record_exported(manifest: &mut Manifest, item: &ReviewedItem) {
    *manifest
        .counts
        .exported
        .entry(action_name(item.decision.action))
        .or_default() += 1;
    if !manifest.models.contains(&item.model) {
        manifest.models.insert(item.model.clone());
    }
    if !manifest.reviewers.contains(&item.decision.reviewer) {
        manifest.reviewers.insert(item.decision.reviewer.clone());
    }
}

/// De-duplication key: the first 128 bits of SHA-256 over the whole line, i.e. over the prompt
/// and the completion(s) (and the label, for KTO).
fn line_hash(line: &[u8]) -> u128 {
    let digest = Sha256::digest(line);
    u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"))
}

/// The deterministic split: the first 64 bits of SHA-256 over the user turn as the item stored it
/// (before redaction, so the privacy mode does not move lines between splits), as a fraction of
/// 2^64. Every line of one prompt lands in the same split, so validation never sees a training
/// prompt.
pub fn in_validation(user_prompt: &str, val_fraction: f64) -> bool {
    if val_fraction <= 0.0 {
        return false;
    }
    let digest = Sha256::digest(user_prompt.as_bytes());
    let position = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (position as f64) / (u64::MAX as f64 + 1.0) < val_fraction
}

fn empty_reason(manifest: &Manifest) -> String {
    let c = &manifest.counts;
    let selected: u64 = c.selected.values().sum();
    if selected == 0 {
        return "no reviewed item matches the filters".into();
    }
    format!(
        "{selected} decisions match the filters, but none yields a {} line \
         ({} items excluded by the privacy screen, {} duplicates, {} pairs below the minimum edit distance)",
        manifest.format.name(),
        manifest.privacy.items_excluded,
        c.duplicates_skipped,
        c.below_min_edit_distance
    )
}
