//! One pass over the reviewed answers for the one-file formats made of them (`vetter-sft`,
//! `claims-nli`, `vetter-claims`): filters, progress and cancel, the held-out share, each line
//! written as it is made, the manifest — and nothing written unless the whole export succeeds.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use super::selection::{
    EVIDENCE_COLUMN, ReviewedItem, bind, progress_total, read_reviewed, reviewed_items_sql,
};
use super::vetter_sft::held_out_ids;
use super::{ExportOptions, Manifest, Progress};
use crate::domain::{AnswerBody, ItemBody};
use crate::error::{Error, Result};
use crate::store::Store;

/// The reason an answer `vetted align vetter` measures is left out (see [`Lines::Skip`]).
pub(super) const HELD_OUT: &str = "held out for `vetted align vetter`";

/// What a format makes of one reviewed answer.
pub(super) enum Lines {
    /// Its lines (it counts as selected, and as exported when there is at least one).
    Write(Vec<Value>),
    /// Left out by the privacy screen's `exclude` mode (it counts as selected).
    Excluded,
    /// Not for this format, for the reason given (counted in a warning), or for none.
    Skip(Option<&'static str>),
}

/// Writes the lines `lines` makes of each reviewed answer matching `options`. `lines` is told
/// whether the held-out share covers the answer (or a copy of it): the format leaves it out with
/// [`HELD_OUT`] once it knows the answer would have given lines. `nothing` says what an empty
/// export lacked.
pub(super) fn export_answers(
    store: &Store,
    options: &ExportOptions,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    nothing: &str,
    mut lines: impl FnMut(&ReviewedItem, &AnswerBody, bool, &mut Manifest) -> Result<Lines>,
) -> Result<Manifest> {
    let conn = store.conn();
    let (mut manifest, mut out, manifest_file) = super::single_file_outputs(store, options)?;
    let held_out = held_out_ids(store, options)?;
    let total = progress_total(conn, false)?;
    let mut stmt = conn.prepare(&reviewed_items_sql())?;
    let params = options.filters.params();
    let mut rows = stmt.query(&bind(&params)[..])?;
    let mut line = Vec::with_capacity(4096);
    let mut skipped: BTreeMap<&'static str, u64> = BTreeMap::new();
    while let Some(row) = rows.next()? {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let item = read_reviewed(row, Some(EVIDENCE_COLUMN))?;
        if item.row_id % 64 == 0 {
            on_progress(Progress {
                done: item.row_id as u64,
                total,
            });
        }
        let ItemBody::Answer(answer) = &item.body else {
            continue;
        };
        let held = !held_out.is_empty() && held_out.contains(&item.decision.item);
        let outcome = lines(&item, answer, held, &mut manifest)?;
        let d = &item.decision;
        match outcome {
            Lines::Skip(reason) => {
                if let Some(reason) = reason {
                    *skipped.entry(reason).or_default() += 1;
                }
            }
            Lines::Excluded => {
                manifest.count_selected(d.action);
                manifest.privacy.items_excluded += 1;
            }
            Lines::Write(values) => {
                manifest.count_selected(d.action);
                for value in &values {
                    line.clear();
                    serde_json::to_writer(&mut line, value)
                        .expect("serializing to memory cannot fail");
                    out.write_line(&line)?;
                    manifest.counts.lines_train += 1;
                }
                if !values.is_empty() {
                    manifest.count_exported(d.action, &item.model, &d.reviewer);
                }
            }
        }
    }
    drop(rows);
    drop(stmt);
    on_progress(Progress { done: total, total });
    let left_out: Vec<String> = skipped
        .iter()
        .map(|(reason, n)| {
            format!(
                "left out {n} {} {reason}",
                if *n == 1 { "item" } else { "items" }
            )
        })
        .collect();
    if manifest.counts.lines_train == 0 {
        let why = if left_out.is_empty() {
            String::new()
        } else {
            format!(" ({})", left_out.join("; "))
        };
        return Err(Error::EmptySelection(format!("{nothing}{why}")));
    }
    manifest.warnings.extend(left_out);
    manifest.files.train = out.target().display().to_string();
    super::commit_all(options.force, out, None, None, manifest_file, &manifest)?;
    Ok(manifest)
}
