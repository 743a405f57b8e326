//! The training formats: one streaming pass over reviewed items in item order. Per item: build
//! the prompt once, screen it and the answers for private data, map the decision to examples,
//! drop duplicates, pick the split, and write each line (plus its sidecar line) as it goes.
//!
//! Memory: one item at a time, plus the de-duplication set (16 bytes per written line) and the
//! distinct model and reviewer names for the manifest.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use super::files::{PendingFile, companion_path};
use super::lines::PromptJson;
use super::mapping::{self, Family, Reviewed, ReviewedComparison, Sibling};
use super::selection::{
    EVIDENCE_COLUMN, ReviewedItem, bind, progress_total, read_reviewed, reviewed_items_sql,
};
use super::siblings::AcceptedAnswers;
use super::sidecar::Provenance;
use super::{ExportOptions, Manifest, PiiMode, Progress, SystemPrompt, action_name, lines, prompt};
use crate::domain::{Action, EditedContent, ItemBody, ItemKind};
use crate::error::{Error, Result};
use crate::privacy::{self, Findings};
use crate::store::Store;

/// Columns of the item's kind and of the decision's action in [`reviewed_items_sql`].
const KIND_COLUMN: usize = 2;
const ACTION_COLUMN: usize = 10;

/// Rows per message from the reading thread to the writing thread, and messages in flight.
const CHUNK_ROWS: usize = 64;
const CHUNKS_IN_FLIGHT: usize = 8;
/// Capacity of the channel that returns written chunks to the reading thread. The reader takes a
/// returned chunk whenever it starts one and makes a new chunk only when none is waiting (then
/// at most `CHUNKS_IN_FLIGHT` are queued, one is being written and one is full in the reader's
/// hands), so at most `CHUNKS_IN_FLIGHT` + 3 chunks ever exist and this channel is never full.
const CHUNKS_RETURNED: usize = CHUNKS_IN_FLIGHT + 3;

/// A row for the writing thread: an item with its effective decision, and — for a rejected
/// answer in a preference export — the other accepted answers to its prompt.
struct Row {
    item: ReviewedItem,
    siblings: Vec<ReviewedItem>,
}

/// What the writing thread owns and hands back at the end.
struct Output {
    manifest: Manifest,
    train: PendingFile,
    validation: Option<PendingFile>,
    sidecar: PendingFile,
}

/// Two threads: this one (which owns the connection) steps the SELECT, reads each row into
/// typed values and looks up DPO siblings; a writing thread builds, screens, serializes,
/// de-duplicates and writes the lines. They exchange chunks of [`CHUNK_ROWS`] rows through a
/// channel holding at most [`CHUNKS_IN_FLIGHT`], so memory stays bounded and the output order is
/// the item order of the SELECT, exactly as with one thread.
///
/// Written chunks go back to the reading thread, which drops their rows and refills the vector:
/// memory is freed by the thread that allocated it. Freed by the writer instead, every row's
/// ~25 allocations went back to the reader's malloc arena under its lock, and the two threads
/// spent much of their time waking each other on that lock.
pub(super) fn run(
    store: &Store,
    options: &ExportOptions,
    family: Family,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Manifest> {
    let conn = store.conn();
    let manifest = Manifest::new(options, store.schema_version()?);
    let train = PendingFile::create(&options.out, options.force)?;
    let validation = (options.val_fraction > 0.0)
        .then(|| PendingFile::create(&companion_path(&options.out, "val.jsonl"), options.force))
        .transpose()?;
    let sidecar = PendingFile::create(
        &companion_path(&options.out, "sidecar.jsonl"),
        options.force,
    )?;
    let manifest_file = PendingFile::create(
        &companion_path(&options.out, "manifest.json"),
        options.force,
    )?;
    let output = Output {
        manifest,
        train,
        validation,
        sidecar,
    };

    let total = progress_total(conn, false)?;
    let mut accepted = match family {
        Family::Preference => Some(AcceptedAnswers::build(conn)?),
        _ => None,
    };
    let (read, written) = std::thread::scope(|s| {
        let (sender, receiver) = sync_channel::<Vec<Row>>(CHUNKS_IN_FLIGHT);
        let (returner, returned) = sync_channel::<Vec<Row>>(CHUNKS_RETURNED);
        let writer =
            s.spawn(move || write_lines(options, family, receiver, returner, cancel, output));
        let read = read_rows(
            conn,
            options,
            family,
            accepted.as_mut(),
            (sender, returned),
            on_progress,
            cancel,
            total,
        );
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, written)
    });
    drop(accepted);
    // A failed read explains a failed write (the writer saw the channel close early).
    let selected = read?;
    let Output {
        mut manifest,
        train,
        validation,
        sidecar,
    } = written?;
    manifest.counts.selected = selected;
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

/// Steps the SELECT and sends the rows that can yield lines in chunks, each started from a chunk
/// the writer has `returned` (its rows dropped here) when one is waiting; returns the decisions
/// selected per action. Stops early, without an error of its own, when the writer has stopped
/// (it reports why).
#[allow(clippy::too_many_arguments)]
fn read_rows(
    conn: &rusqlite::Connection,
    options: &ExportOptions,
    family: Family,
    mut accepted: Option<&mut AcceptedAnswers<'_>>,
    (sender, returned): (SyncSender<Vec<Row>>, Receiver<Vec<Row>>),
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    total: u64,
) -> Result<BTreeMap<&'static str, u64>> {
    let mut selected: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut stmt = conn.prepare(&reviewed_items_sql())?;
    let params = options.filters.params();
    let mut rows = stmt.query(&bind(&params)[..])?;
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
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
        *selected.entry(action_name(action)).or_default() += 1;
        if !mapping::yields(family, row.get(KIND_COLUMN)?, action) {
            continue;
        }
        let item = read_reviewed(row, Some(EVIDENCE_COLUMN))?;
        let siblings = match (accepted.as_deref_mut(), item.decision.action, &item.body) {
            (Some(accepted), Action::Reject, ItemBody::Answer(_)) => {
                accepted.for_rejected(&item)?
            }
            _ => Vec::new(),
        };
        chunk.push(Row { item, siblings });
        if chunk.len() == CHUNK_ROWS {
            let mut next = returned
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(CHUNK_ROWS));
            next.clear();
            let full = std::mem::replace(&mut chunk, next);
            if sender.send(full).is_err() {
                return Ok(selected);
            }
        }
    }
    if !chunk.is_empty() {
        let _ = sender.send(chunk);
    }
    Ok(selected)
}

/// The writing thread: every line of every row received, in order; each written chunk is
/// returned to the reading thread (dropped here only if it is not listening any more).
fn write_lines(
    options: &ExportOptions,
    family: Family,
    receiver: Receiver<Vec<Row>>,
    returner: SyncSender<Vec<Row>>,
    cancel: &AtomicBool,
    mut out: Output,
) -> Result<Output> {
    let mut state = WriterState::default();
    for chunk in receiver {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        for row in &chunk {
            write_row(options, family, row, &mut state, &mut out)?;
        }
        let _ = returner.try_send(chunk);
    }
    Ok(out)
}

/// What the writing thread carries from row to row: caches and reused buffers.
#[derive(Default)]
struct WriterState {
    systems: SystemPrompts,
    /// Keys ([`line_key`]) of the lines written so far, for de-duplication.
    seen: HashSet<u128, BuildHasherDefault<KeyHasher>>,
    /// The current item's prompt turns, escaped once for all its lines.
    prompt: PromptJson,
    /// The current item's sidecar fields, serialized once for all its lines.
    provenance: Provenance,
    line: Vec<u8>,
    side: Vec<u8>,
}

/// Hashes a de-duplication key for the `seen` set by taking its low 64 bits: a key is already
/// an XXH3-128 hash, uniformly distributed, so hashing it again (SipHash) would only cost time.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write_u128(&mut self, key: u128) {
        self.0 = key as u64;
    }

    /// Not called for `u128` keys; mixes any other input in, as the trait requires.
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// System prompts rendered so far, by domain and kind (the template is the same for every item).
#[derive(Default)]
struct SystemPrompts(HashMap<String, [Option<String>; 2]>);

impl SystemPrompts {
    fn get(&mut self, system: &SystemPrompt, kind: ItemKind, domain: &str) -> &str {
        let slot = match kind {
            ItemKind::Answer | ItemKind::Comparison => 0,
            ItemKind::Relationship => 1,
        };
        if !self.0.contains_key(domain) {
            self.0.insert(domain.to_owned(), [None, None]);
        }
        let rendered = self.0.get_mut(domain).expect("inserted above");
        rendered[slot].get_or_insert_with(|| system.render(kind, domain))
    }
}

fn write_row(
    options: &ExportOptions,
    family: Family,
    row: &Row,
    state: &mut WriterState,
    out: &mut Output,
) -> Result<()> {
    let WriterState {
        systems,
        seen,
        prompt,
        provenance,
        line,
        side,
    } = state;
    let item = &row.item;
    let system = systems.get(&options.system_prompt, item.body.kind(), &item.domain);
    let raw_user = prompt::user_turn(&item.body);
    // Empty for a comparison, which has a text per candidate instead.
    let original = item.body.output_text().unwrap_or_default();
    let candidates: Vec<&str> = match &item.body {
        ItemBody::Comparison(c) => c.candidates.iter().map(|c| c.answer.as_str()).collect(),
        _ => Vec::new(),
    };
    let edited = item.decision.edited.as_ref().map(EditedContent::text);
    let sibling_texts: Vec<(&str, Cow<'_, str>)> = row
        .siblings
        .iter()
        .map(|s| {
            let text = s.decision.edited.as_ref().map_or_else(
                || s.body.output_text().unwrap_or_default(),
                EditedContent::text,
            );
            (s.decision.item.as_str(), text)
        })
        .collect();

    let mut found = Findings::default();
    let user = screen(options.pii, &raw_user, &mut found);
    let original = screen(options.pii, &original, &mut found);
    let candidates: Vec<Cow<'_, str>> = (candidates.iter())
        .map(|text| screen(options.pii, text, &mut found))
        .collect();
    let candidates: Vec<&str> = candidates.iter().map(|text| text.as_ref()).collect();
    let edited = edited
        .as_deref()
        .map(|text| screen(options.pii, text, &mut found));
    let sibling_texts: Vec<(&str, Cow<'_, str>)> = sibling_texts
        .iter()
        .map(|(id, text)| (*id, screen(options.pii, text, &mut found)))
        .collect();
    let note = item.decision.note.as_deref().map(|n| match options.pii {
        PiiMode::Off => Cow::Borrowed(n),
        _ => privacy::redact(n, &mut Findings::default()),
    });
    let manifest = &mut out.manifest;
    manifest.privacy.found.add(&found);
    if options.pii == PiiMode::Exclude && !found.is_empty() {
        manifest.privacy.items_excluded += 1;
        return Ok(());
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
    let (examples, below) = match item.body.kind() {
        ItemKind::Comparison => {
            let compared = ReviewedComparison {
                action: item.decision.action,
                candidates: &candidates,
                pick: item.decision.pick,
                edited: edited.as_deref(),
            };
            let ties = options.include_ties;
            mapping::comparison_examples(family, compared, ties, options.min_edit_distance)
        }
        _ => mapping::examples(family, reviewed, &siblings, options.min_edit_distance),
    };
    manifest.counts.below_min_edit_distance += below;
    if examples.is_empty() {
        return Ok(());
    }
    let in_validation = in_validation(&raw_user, options.val_fraction);
    prompt.set(system, &user);
    let prompt_digest = options.dedup.then(|| xxh3_128(prompt.as_bytes()));
    provenance.set(item, note.as_deref());
    let mut wrote_any = false;
    for (suffix, example) in &examples {
        line.clear();
        let Some(prompt_start) = lines::write(
            options.format,
            options.prompt_completion,
            prompt,
            example,
            line,
        ) else {
            continue;
        };
        let prompt_range = prompt_start..prompt_start + prompt.as_bytes().len();
        if let Some(digest) = prompt_digest
            && !seen.insert(line_key(digest, line, prompt_range))
        {
            out.manifest.counts.duplicates_skipped += 1;
            continue;
        }
        let (file, split) = match (&mut out.validation, in_validation) {
            (Some(v), true) => (v, "validation"),
            _ => (&mut out.train, "train"),
        };
        file.write_line(line)?;
        if let mapping::Example::Kto { label, .. } = example {
            if *label {
                out.manifest.counts.kto_desirable += 1
            } else {
                out.manifest.counts.kto_undesirable += 1
            }
        }
        provenance.write_line(suffix, split, file.lines(), side);
        out.sidecar.write_line(side)?;
        wrote_any = true;
    }
    if wrote_any {
        record_exported(&mut out.manifest, item);
    }
    Ok(())
}

/// The privacy screen as `pii` asks: `text` itself when there is nothing to change.
fn screen<'t>(pii: PiiMode, text: &'t str, found: &mut Findings) -> Cow<'t, str> {
    match pii {
        PiiMode::Off => Cow::Borrowed(text),
        PiiMode::Redact | PiiMode::Exclude => privacy::redact(text, found),
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

/// De-duplication key of `line`, whose prompt turns (XXH3-128 `prompt_digest`) sit at `prompt`:
/// XXH3-128 over the prompt's digest and the rest of the line. Every line of one export has the
/// same bytes before its prompt ([`lines::write`]), so two lines share a key when they are equal
/// — the same prompt, completion(s) and (KTO) label — and, but for a hash collision, only then;
/// the ~2 KB prompt is hashed once per item instead of once per line.
///
/// Collisions: for n lines the chance of any is about n²/2¹²⁹ (below 10⁻²⁰ at a billion lines),
/// the same as with the SHA-256 prefix used before. XXH3 is not collision-resistant against an
/// adversary, so a crafted line could be dropped as a duplicate of another; a key is never
/// written anywhere (the split uses SHA-256, see [`in_validation`]), so nothing else depends
/// on it.
fn line_key(prompt_digest: u128, line: &[u8], prompt: Range<usize>) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&prompt_digest.to_le_bytes());
    hasher.update(&line[..prompt.start]);
    hasher.update(&line[prompt.end..]);
    hasher.digest128()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Format;
    use crate::export::mapping::Example;

    /// The key of the KTO line for (user turn, completion, label).
    fn key(user: &str, completion: &str, label: bool) -> u128 {
        let mut prompt = PromptJson::default();
        prompt.set("system", user);
        let digest = xxh3_128(prompt.as_bytes());
        let example = Example::Kto { completion, label };
        let mut line = Vec::new();
        let start = lines::write(Format::TrlKto, false, &prompt, &example, &mut line).unwrap();
        line_key(digest, &line, start..start + prompt.as_bytes().len())
    }

    #[test]
    fn line_keys_are_equal_exactly_for_equal_lines() {
        let base = key("q", "a", true);
        assert_eq!(base, key("q", "a", true));
        assert_ne!(base, key("q", "a", false), "label");
        assert_ne!(base, key("q", "b", true), "completion");
        assert_ne!(base, key("p", "a", true), "prompt");
        assert_ne!(
            key("qa", "", true),
            key("q", "a", true),
            "text moved across"
        );
    }
}
