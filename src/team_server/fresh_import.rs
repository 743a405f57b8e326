//! The fast path of an import onto the team server (see `import`), also used by a push: items
//! that are all new go straight into `items` and `evidence` with `COPY`, while a reader thread
//! parses the file (or reads the local database).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

use postgres::Transaction;

use super::import::copy_text;
use super::{TeamServer, server_error};
use crate::error::{Error, Result};
use crate::import::{BATCH_ITEMS, ImportProgress, ImportReport, read_for_server};
use crate::store::PreparedItem;

/// Only one import at a time assigns item ids.
pub(super) const IMPORT_LOCK: i64 = 0x7665_7474_6564_0001;

/// Items per `COPY` batch: the reader parses the next batch while this one is written.
const ROWS_PER_BATCH: usize = 5 * BATCH_ITEMS;

/// One batch of rows in `COPY`'s text format.
#[derive(Default)]
struct Batch {
    items: Vec<u8>,
    evidence: Vec<u8>,
    count: usize,
}

impl TeamServer {
    /// Imports `path` if none of its ids is stored yet; `Err(Duplicate)` (and nothing written)
    /// when one is. `on_progress` hears of every batch written; a set `cancel` stops it with
    /// [`Error::Cancelled`] while the file is read.
    pub(super) fn import_new(
        &mut self,
        path: &Path,
        reviews: i32,
        cancel: &AtomicBool,
        on_progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let bytes_total = std::fs::metadata(path).ok().map(|m| m.len());
        let bytes_read = &AtomicU64::new(0);
        let mut tx = self.client.transaction().map_err(failed)?;
        let report = copy_items(
            &mut tx,
            &server,
            move |write| {
                read_for_server(path, &mut |_, item, read| {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    bytes_read.store(read, Ordering::Relaxed);
                    write(item, reviews)
                })
            },
            &mut |items| {
                on_progress(ImportProgress {
                    items: items as u64,
                    bytes_read: bytes_read.load(Ordering::Relaxed),
                    bytes_total,
                })
            },
        )?;
        tx.commit().map_err(failed)?;
        Ok(report)
    }
}

/// What a producer hands [`copy_items`]: an item and the reviews it needs.
pub(super) type WriteItem<'a> = dyn FnMut(PreparedItem, i32) -> Result<()> + 'a;

/// Copies the items `produce` yields (on a thread of its own, while the batches before are
/// written) into `items` and `evidence` within `tx`, with ids assigned here, after taking the
/// import lock, telling `on_written` the items written after each batch. Any stored id makes it
/// fail with `Duplicate`; the caller's transaction is then to be rolled back.
pub(super) fn copy_items<F>(
    tx: &mut Transaction<'_>,
    server: &str,
    produce: F,
    on_written: &mut dyn FnMut(usize),
) -> Result<ImportReport>
where
    F: FnOnce(&mut WriteItem<'_>) -> Result<ImportReport> + Send,
{
    let failed = |e| server_error(server, e);
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
        .map_err(failed)?;
    let row = tx
        .query_one(
            "SELECT nextval(pg_get_serial_sequence('items', 'id')), now_text()",
            &[],
        )
        .map_err(failed)?;
    let (first_id, now): (i64, String) = (row.get(0), row.get(1));
    let (sender, batches) = sync_channel::<Batch>(1);
    let report = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch = Batch::default();
            let mut next_id = first_id;
            let report = produce(&mut |item, reviews| {
                add_rows(&mut batch, next_id, &item, reviews, &now);
                next_id += 1;
                if batch.count == ROWS_PER_BATCH {
                    let full = std::mem::take(&mut batch);
                    // The writer is gone only after it failed; its error is the one shown.
                    sender.send(full).map_err(|_| Error::Cancelled)?;
                }
                Ok(())
            })?;
            if batch.count > 0 {
                sender.send(batch).map_err(|_| Error::Cancelled)?;
            }
            Ok(report)
        });
        let written = write_batches(tx, batches, server, on_written);
        let read: Result<ImportReport> = reader.join().expect("the item reader panicked");
        match (written, read) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
            (Ok(count), Ok(report)) => {
                debug_assert_eq!(count, report.new, "every item read was written");
                Ok(report)
            }
        }
    })?;
    if report.new > 0 {
        let last = first_id + report.new as i64 - 1;
        tx.execute(
            "SELECT setval(pg_get_serial_sequence('items', 'id'), $1)",
            &[&last],
        )
        .map_err(failed)?;
    }
    Ok(report)
}

/// `COPY`s each batch into `items`, then its passages into `evidence`, telling `progress` the
/// items written so far; returns them.
fn write_batches(
    tx: &mut Transaction<'_>,
    batches: Receiver<Batch>,
    server: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<usize> {
    let mut written = 0;
    for batch in batches {
        for (sql, rows) in [
            (
                "COPY items (id, external_id, kind, domain, model, title, payload, vetting, \
                 metadata, content_hash, required_reviews, created_at, updated_at, search_text) \
                 FROM STDIN",
                &batch.items,
            ),
            (
                "COPY evidence (item_id, position, passage_id, title, text, source) FROM STDIN",
                &batch.evidence,
            ),
        ] {
            if rows.is_empty() {
                continue;
            }
            let mut copy = tx.copy_in(sql).map_err(|e| server_error(server, e))?;
            // A refused row surfaces when the copy ends, with the server's reason.
            let sent = copy.write_all(rows);
            copy.finish().map_err(|e| server_error(server, e))?;
            sent.map_err(|e| Error::io(format!("{server} (COPY)"), e))?;
        }
        written += batch.count;
        progress(written);
    }
    Ok(written)
}

/// The item's row and its passages' rows.
fn add_rows(batch: &mut Batch, id: i64, prepared: &PreparedItem, reviews: i32, now: &str) {
    let item = &prepared.item;
    let (id_text, reviews) = (id.to_string(), reviews.to_string());
    let search_text = prepared.search_text();
    row(
        &mut batch.items,
        &[
            Some(&id_text),
            Some(&item.external_id),
            Some(item.body.kind().as_str()),
            Some(&item.domain),
            Some(&item.model),
            Some(prepared.title()),
            Some(prepared.payload()),
            prepared.vetting(),
            Some(prepared.metadata()),
            Some(&item.content_hash),
            Some(&reviews),
            Some(now),
            Some(now),
            Some(&search_text),
        ],
    );
    if let Some((_, evidence)) = item.body.question_and_evidence() {
        for (position, e) in evidence.iter().enumerate() {
            let position = position.to_string();
            row(
                &mut batch.evidence,
                &[
                    Some(&id_text),
                    Some(&position),
                    Some(&e.id),
                    Some(&e.title),
                    Some(&e.text),
                    Some(&e.source),
                ],
            );
        }
    }
    batch.count += 1;
}

/// One row in `COPY`'s text format.
pub(super) fn row(out: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        copy_text(out, *field);
    }
    out.push(b'\n');
}
