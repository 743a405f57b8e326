//! Running an import: a reader thread parses, validates and hashes entries and prepares every
//! SQL value of their rows (payload JSON, full-text context, …) while the calling thread writes
//! them, so that the writing thread — the one that sets the pace — does little but SQLite's work.
//! Written batches travel back to the reader, which frees them (memory is cheapest to free on
//! the thread that allocated it) and reuses their buffers.
//!
//! Memory is bounded: entries travel in batches of [`BATCH_ITEMS`] through a channel holding
//! at most [`BATCHES_IN_FLIGHT`]; the only state that grows with the file is the set of ids
//! seen (16-byte key + line + 8 bytes of content hash per item; ~70 MB for a million), which
//! finds a repeated id in O(1) instead of comparing with every earlier line. It is split into
//! [`SEEN_SHARDS`] tables that grow one at a time, so growing never holds an old and a new copy
//! of the whole set at once. Each batch in flight holds ~10 MB of parsed and prepared ~2 KB
//! items.
//!
//! Once any problem is found nothing more is written, but reading continues so that up to 50
//! problems can be listed; then the staged rows are deleted (see `store::staging`).

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use super::openai_batch::id_key;
use super::problems::Problems;
use super::{Entries, Entry, ImportProgress, ImportReport, Opened};
use crate::error::{Error, Result};
use crate::store::{Offered, PreparedItem, StagedImport, Store};

/// Items per write transaction: large enough to amortize the commit, small enough that the WAL
/// stays at a few tens of MB and other writers wait well under a second.
pub const BATCH_ITEMS: usize = 2_000;
const BATCHES_IN_FLIGHT: usize = 2;
const SEEN_SHARDS: usize = 16;

struct Batch {
    /// The line of each item.
    lines: Vec<u64>,
    items: Vec<PreparedItem>,
    /// Input bytes read when the batch was cut.
    bytes_read: u64,
}

impl Batch {
    fn with_capacity(n: usize) -> Batch {
        Batch {
            lines: Vec::with_capacity(n),
            items: Vec::with_capacity(n),
            bytes_read: 0,
        }
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn clear(&mut self) {
        self.lines.clear();
        self.items.clear();
    }
}

/// The ids seen so far: id key → (first line, 64 bits of content hash), in shards.
struct Seen(Vec<HashMap<u128, (u64, u64)>>);

impl Seen {
    fn new() -> Seen {
        Seen((0..SEEN_SHARDS).map(|_| HashMap::new()).collect())
    }

    fn entry(&mut self, key: u128) -> MapEntry<'_, u128, (u64, u64)> {
        // The key is a hash already: its top bits pick the shard evenly.
        self.0[(key >> 124) as usize % SEEN_SHARDS].entry(key)
    }
}

/// What the reader thread found besides the items it sent.
struct ReadOutcome {
    problems: Problems,
    skipped: Problems,
    /// Lines repeating an earlier line's id and content.
    repeated: usize,
}

pub(super) fn run(
    store: &mut Store,
    opened: Opened,
    progress: &mut dyn FnMut(&ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let Opened {
        source,
        entries,
        tally,
        bytes_total,
    } = opened;
    let failed = AtomicBool::new(false);
    let mut staged = store.begin_import(&source)?;
    let (read, written) = std::thread::scope(|s| {
        let (sender, receiver) = sync_channel(BATCHES_IN_FLIGHT);
        let (recycle, recycled) = channel();
        let reader =
            s.spawn(|| read_entries(&source, entries, sender, recycled, &failed, cancel, &tally));
        let written = write_batches(
            &mut staged,
            &source,
            receiver,
            recycle,
            &failed,
            cancel,
            &mut |items, bytes_read| {
                progress(&ImportProgress {
                    items,
                    bytes_read,
                    bytes_total,
                })
            },
        );
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, written)
    });
    let outcome = match (read, written) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        _ if cancel.load(Ordering::Relaxed) => Err(Error::ImportCancelled {
            file: source.clone(),
        }),
        (Ok(mut read), Ok(clashes)) => {
            let problems = std::mem::take(&mut read.problems).merge(clashes);
            problems.into_result().map(|()| read)
        }
    };
    let read = match outcome {
        Ok(read) => read,
        Err(e) => {
            // If deleting fails too, the rows stay invisible and the next open removes them.
            let _ = staged.abandon();
            return Err(e);
        }
    };
    staged.count_present(read.repeated);
    let (new, already_present) = staged.finish(&tally.sha256_hex())?;
    let skipped = read.skipped.total();
    Ok(ImportReport {
        source,
        new,
        already_present,
        skipped,
        notes: read.skipped.messages(),
    })
}

fn read_entries(
    source: &str,
    entries: Entries,
    sender: SyncSender<Batch>,
    recycled: Receiver<Batch>,
    failed: &AtomicBool,
    cancel: &AtomicBool,
    tally: &super::tally::ReadTally,
) -> Result<ReadOutcome> {
    let mut outcome = ReadOutcome {
        problems: Problems::default(),
        skipped: Problems::default(),
        repeated: 0,
    };
    let mut seen = Seen::new();
    let mut batch = Batch::with_capacity(BATCH_ITEMS);
    for entry in entries {
        if cancel.load(Ordering::Relaxed) {
            return Ok(outcome);
        }
        match entry? {
            Entry::Problem(line, message) => {
                failed.store(true, Ordering::Relaxed);
                outcome.problems.push(line, message);
            }
            Entry::Skipped(line, message) => outcome.skipped.push(line, message),
            Entry::Item { line, item } => {
                let hash = u64::from_str_radix(&item.content_hash[..16], 16).unwrap_or_default();
                match seen.entry(id_key(&item.external_id)) {
                    MapEntry::Occupied(first) if first.get().1 == hash => outcome.repeated += 1,
                    MapEntry::Occupied(first) => {
                        failed.store(true, Ordering::Relaxed);
                        outcome.problems.push(
                            line,
                            format!(
                                "{source}:{line}: id: '{}' is also used on line {} with different content",
                                item.external_id,
                                first.get().0
                            ),
                        );
                    }
                    MapEntry::Vacant(slot) => {
                        slot.insert((line, hash));
                        batch.lines.push(line);
                        batch.items.push(PreparedItem::new(*item));
                    }
                }
            }
        }
        if batch.len() == BATCH_ITEMS {
            // Written batches are freed here; one is reused for the next batch.
            let mut spare = None;
            while let Ok(mut written) = recycled.try_recv() {
                written.clear();
                spare.get_or_insert(written);
            }
            let next = spare.unwrap_or_else(|| Batch::with_capacity(BATCH_ITEMS));
            let mut full = std::mem::replace(&mut batch, next);
            full.bytes_read = tally.bytes();
            if sender.send(full).is_err() {
                // The writer stopped (an error or a cancel); it reports why.
                return Ok(outcome);
            }
        }
    }
    if !batch.is_empty() {
        batch.bytes_read = tally.bytes();
        let _ = sender.send(batch);
    }
    Ok(outcome)
}

/// Writes (or, after a failure, only checks) each batch; returns the id clashes found.
fn write_batches(
    staged: &mut StagedImport<'_>,
    source: &str,
    receiver: Receiver<Batch>,
    recycle: Sender<Batch>,
    failed: &AtomicBool,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Problems> {
    let mut clashes = Problems::default();
    let mut done = 0;
    for batch in receiver {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let outcomes = staged.offer_prepared(&batch.items, !failed.load(Ordering::Relaxed))?;
        for ((line, prepared), outcome) in batch.lines.iter().zip(&batch.items).zip(outcomes) {
            let id = &prepared.item.external_id;
            let problem = match outcome {
                Offered::Clash => {
                    format!(
                        "{source}:{line}: id: an item '{id}' already exists with different content"
                    )
                }
                Offered::Unfinished => format!(
                    "{source}:{line}: id: '{id}' is being imported by another import that has \
                     not finished; import this file again once it has"
                ),
                Offered::New | Offered::AlreadyPresent | Offered::NotWritten => continue,
            };
            failed.store(true, Ordering::Relaxed);
            clashes.push(*line, problem);
        }
        done += batch.len() as u64;
        progress(done, batch.bytes_read);
        // Once the reader has finished, the batch is simply dropped here.
        let _ = recycle.send(batch);
    }
    Ok(clashes)
}
