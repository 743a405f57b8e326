//! The `decisions` formats: the audit trail of every decision matching the filters, in log
//! order, as JSONL or CSV — reviewer, time, action, reason, note, diff stats of edits and the
//! vetting verdict. Not training data: no split, no de-duplication, no sidecar. Notes are free
//! text, so the privacy screen redacts them (unless `--pii off`); rows are never excluded.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::selection::{all_decisions_sql, bind, progress_total, read_reviewed};
use super::{ExportOptions, Manifest, PiiMode, Progress, action_name};
use crate::domain::{EditedContent, ItemKind, Pick};
use crate::edit_distance::{word_edit_distance, words};
use crate::error::{Error, Result};
use crate::privacy;
use crate::store::Store;

/// Columns of the `effective` flag, `seq` and the review form's version and answers in
/// [`all_decisions_sql`].
const EFFECTIVE_COLUMN: usize = 16;
const SEQ_COLUMN: usize = 17;
const FORM_VERSION_COLUMN: usize = 18;
const FORM_ANSWERS_COLUMN: usize = 19;

/// One audit record; the CSV header is [`COLUMNS`], in this order.
#[derive(Serialize)]
struct AuditRecord<'a> {
    decision_id: &'a str,
    seq: i64,
    item: &'a str,
    kind: ItemKind,
    domain: &'a str,
    model: &'a str,
    reviewer: &'a str,
    decided_at: String,
    action: &'static str,
    reason: Option<&'a str>,
    note: Option<Cow<'a, str>>,
    /// Whether this is the item's effective (latest) decision.
    effective: bool,
    /// Diff stats, for edits only: words before and after, and the word-level edit distance.
    words_original: Option<usize>,
    words_edited: Option<usize>,
    word_edit_distance: Option<usize>,
    vetting_model: Option<&'a str>,
    vetting_verdict: Option<crate::domain::Verdict>,
    vetting_score: Option<f64>,
    /// The review form version the decision answered, and its answers as a JSON object (text,
    /// so every row has the same type), when it answered one.
    form_version: Option<i64>,
    form_answers: Option<String>,
    /// A comparison's candidate, numbered from 1 as shown: the best one an approve picked
    /// (`tie` for a tie), or the one an edit started from.
    pick: Option<String>,
}

const COLUMNS: &[&str] = &[
    "decision_id",
    "seq",
    "item",
    "kind",
    "domain",
    "model",
    "reviewer",
    "decided_at",
    "action",
    "reason",
    "note",
    "effective",
    "words_original",
    "words_edited",
    "word_edit_distance",
    "vetting_model",
    "vetting_verdict",
    "vetting_score",
    "form_version",
    "form_answers",
    "pick",
];

pub(super) fn run(
    store: &Store,
    options: &ExportOptions,
    csv: bool,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    let conn = store.conn();
    let (mut manifest, mut out, manifest_file) = super::single_file_outputs(store, options)?;
    if csv {
        out.write_line(COLUMNS.join(",").as_bytes())?;
    }
    let total = progress_total(conn, true)?;
    let mut stmt = conn.prepare(&all_decisions_sql())?;
    let params = options.filters.params();
    let mut rows = stmt.query(&bind(&params)[..])?;
    let mut line = Vec::with_capacity(1024);
    let mut records = 0u64;
    while let Some(row) = rows.next()? {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let item = read_reviewed(row, None)?;
        let seq: i64 = row.get(SEQ_COLUMN)?;
        if seq % 64 == 0 {
            on_progress(Progress {
                done: seq as u64,
                total,
            });
        }
        let d = &item.decision;
        let diff = d.edited.as_ref().map(|edit| {
            let (original, edited) = (item.body.edited_from(edit), edit.text());
            (
                words(&original).count(),
                words(&edited).count(),
                word_edit_distance(&original, &edited),
            )
        });
        let note = d.note.as_deref().map(|n| match options.pii {
            PiiMode::Off => Cow::Borrowed(n),
            _ => privacy::redact(n, &mut manifest.privacy.found),
        });
        let record = AuditRecord {
            decision_id: &d.id,
            seq,
            item: &d.item,
            kind: item.body.kind(),
            domain: &item.domain,
            model: &item.model,
            reviewer: &d.reviewer,
            decided_at: d
                .decided_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            action: action_name(d.action),
            reason: d.reason.as_deref(),
            note,
            effective: row.get(EFFECTIVE_COLUMN)?,
            words_original: diff.map(|d| d.0),
            words_edited: diff.map(|d| d.1),
            word_edit_distance: diff.map(|d| d.2),
            vetting_model: item.vetting.as_ref().map(|v| v.model.as_str()),
            vetting_verdict: item.vetting.as_ref().map(|v| v.verdict),
            vetting_score: item.vetting.as_ref().and_then(|v| v.score),
            form_version: row.get(FORM_VERSION_COLUMN)?,
            form_answers: row
                .get::<_, Option<String>>(FORM_ANSWERS_COLUMN)?
                .map(|answers| {
                    screened_answers(&answers, options.pii, &mut manifest.privacy.found)
                }),
            pick: match (d.pick, d.edited.as_ref()) {
                (Some(Pick::Best(n)), _)
                | (_, Some(&EditedContent::Comparison { based_on: n, .. })) => {
                    Some((n + 1).to_string())
                }
                (Some(Pick::Tie), _) => Some("tie".into()),
                _ => None,
            },
        };
        line.clear();
        if csv {
            write_csv_row(&record, &mut line);
        } else {
            serde_json::to_writer(&mut line, &record).expect("serializing to memory cannot fail");
        }
        out.write_line(&line)?;
        records += 1;
        manifest.count_selected(d.action);
        manifest.count_exported(d.action, &item.model, &d.reviewer);
    }
    drop(rows);
    drop(stmt);
    on_progress(Progress { done: total, total });
    if records == 0 {
        return Err(Error::EmptySelection(
            "no decision matches the filters".into(),
        ));
    }
    manifest.counts.lines_train = records;
    manifest.files.train = out.target().display().to_string();
    manifest.add_warnings();
    super::commit_all(options.force, out, None, None, manifest_file, &manifest)?;
    Ok(manifest)
}

/// A decision's answers (a JSON object) with the privacy screen applied to every text in it, as
/// to notes (unless `--pii off`).
fn screened_answers(json: &str, pii: PiiMode, found: &mut privacy::Findings) -> String {
    fn screen(value: &mut serde_json::Value, found: &mut privacy::Findings) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(redacted) = privacy::redact(text, found) {
                    *text = redacted;
                }
            }
            serde_json::Value::Array(values) => values.iter_mut().for_each(|v| screen(v, found)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| screen(v, found)),
            _ => {}
        }
    }
    if pii == PiiMode::Off {
        return json.to_owned();
    }
    let mut value: serde_json::Value =
        serde_json::from_str(json).expect("the database holds answers as JSON");
    screen(&mut value, found);
    value.to_string()
}

/// One CSV row (RFC 4180): the record's JSON values in [`COLUMNS`] order; strings as text,
/// null as an empty cell, every cell quoted when it holds a comma, quote or line break.
fn write_csv_row(record: &AuditRecord<'_>, out: &mut Vec<u8>) {
    let value = serde_json::to_value(record).expect("record serializes");
    for (i, column) in COLUMNS.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let cell = match &value[*column] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
}
