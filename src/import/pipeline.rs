//! Running an import: a reader thread parses and validates entries while the calling thread
//! writes them, so parsing (JSON, validation, content hashing) overlaps with SQLite's work.
//!
//! Memory is bounded: entries travel in batches of [`BATCH_ITEMS`] through a channel holding
//! at most [`BATCHES_IN_FLIGHT`]; the only state that grows with the file is the set of ids
//! seen (16-byte key + line + 8 bytes of content hash per item; ~70 MB for a million, as the
//! table doubles while it grows), which finds a repeated id in O(1) instead of comparing with
//! every earlier line. Each batch in flight holds ~6 MB of parsed ~2 KB items.
//!
//! Once any problem is found nothing more is written, but reading continues so that up to 50
//! problems can be listed; then the staged rows are deleted (see `store::staging`).

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::openai_batch::id_key;
use super::problems::Problems;
use super::{Entries, Entry, ImportProgress, ImportReport, Opened};
use crate::error::{Error, Result};
use crate::store::{NewItem, Offered, StagedImport, Store};

/// Items per write transaction: large enough to amortize the commit, small enough that the WAL
/// stays at a few tens of MB and other writers wait well under a second.
pub const BATCH_ITEMS: usize = 2_000;
const BATCHES_IN_FLIGHT: usize = 4;

struct Batch {
    items: Vec<(u64, Box<NewItem>)>,
    /// Input bytes read when the batch was cut.
    bytes_read: u64,
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
        let reader = s.spawn(|| read_entries(&source, entries, sender, &failed, cancel, &tally));
        let written = write_batches(
            &mut staged,
            &source,
            receiver,
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
    failed: &AtomicBool,
    cancel: &AtomicBool,
    tally: &super::tally::ReadTally,
) -> Result<ReadOutcome> {
    let mut outcome = ReadOutcome {
        problems: Problems::default(),
        skipped: Problems::default(),
        repeated: 0,
    };
    let mut seen: HashMap<u128, (u64, u64)> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH_ITEMS);
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
                        batch.push((line, item));
                    }
                }
            }
        }
        if batch.len() == BATCH_ITEMS {
            let items = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ITEMS));
            if sender
                .send(Batch {
                    items,
                    bytes_read: tally.bytes(),
                })
                .is_err()
            {
                // The writer stopped (an error or a cancel); it reports why.
                return Ok(outcome);
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(Batch {
            items: batch,
            bytes_read: tally.bytes(),
        });
    }
    Ok(outcome)
}

/// Writes (or, after a failure, only checks) each batch; returns the id clashes found.
fn write_batches(
    staged: &mut StagedImport<'_>,
    source: &str,
    receiver: Receiver<Batch>,
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
        let items: Vec<&NewItem> = batch.items.iter().map(|(_, item)| item.as_ref()).collect();
        let outcomes = staged.offer(&items, !failed.load(Ordering::Relaxed))?;
        for ((line, item), outcome) in batch.items.iter().zip(outcomes) {
            let id = &item.external_id;
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
        done += batch.items.len() as u64;
        progress(done, batch.bytes_read);
    }
    Ok(clashes)
}
