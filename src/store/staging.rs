//! The database side of an import that stays all-or-nothing without one huge transaction.
//!
//! A million ~2 KB items in one transaction would grow a multi-GB WAL and block every other
//! writer for minutes. Instead an import is a row in `imports` with `state = 'running'`; its
//! items are inserted in short `IMMEDIATE` transactions of a few thousand rows (full-text rows
//! included), invisible to the queue, counts, search, `show` and `decide` (see `items::VISIBLE`).
//! One last transaction flips the import to `'complete'`, which makes every item appear at once.
//!
//! Invariants:
//! - Failure or cancellation deletes the import's rows (items, evidence, full-text rows) and the
//!   import row itself, chunk by chunk, so every table has the row count it had before.
//! - A process that dies mid-import leaves a `running` import behind. Importers hold a shared
//!   lock on `<db>-import.lock` for as long as they run; [`recover_abandoned`] (run on open) takes
//!   that lock exclusively, and only when it gets it — no importer alive on this machine — does it
//!   delete what running imports left.

use std::fs::{File, OpenOptions};
use std::path::PathBuf;

use rusqlite::params;

use super::items::{Inserted, ItemWriter, NewItem, PreparedItem, check_item};
use super::{Store, now_text};
use crate::error::{Error, Result};

/// Rows deleted per transaction when an import is rolled back.
const DELETE_CHUNK: i64 = 5_000;

/// What happened to one item offered to [`StagedImport::offer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    New,
    AlreadyPresent,
    /// The id is stored with different content.
    Clash,
    /// The id is being imported by another import that has not finished.
    Unfinished,
    /// Not written: the import has already failed, and the id is not stored yet.
    NotWritten,
}

/// An import in progress. Finish it with [`StagedImport::finish`] or undo it with
/// [`StagedImport::abandon`]; dropping it without either leaves its rows for
/// [`recover_abandoned`].
pub struct StagedImport<'s> {
    store: &'s mut Store,
    id: i64,
    new: usize,
    already_present: usize,
    _lock: File,
}

impl Store {
    /// Starts an import from `source`: records it as running and takes the importers' lock.
    pub fn begin_import(&mut self, source: &str) -> Result<StagedImport<'_>> {
        let lock = open_lock(self)?;
        lock.lock_shared()
            .map_err(|e| Error::io(lock_path(self), e))?;
        let id = self.write(|tx| {
            tx.execute(
                "INSERT INTO imports (source, file_sha256, items_new, items_present, imported_at, state)
                 VALUES (?1, '', 0, 0, ?2, 'running')",
                params![source, now_text()],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        Ok(StagedImport {
            store: self,
            id,
            new: 0,
            already_present: 0,
            _lock: lock,
        })
    }
}

impl StagedImport<'_> {
    /// Offers a batch of items in one short transaction. With `write` false nothing is inserted
    /// (the import has failed) but ids are still checked, so clashes can be reported.
    pub fn offer(&mut self, items: &[&NewItem], write: bool) -> Result<Vec<Offered>> {
        let prepared: Vec<PreparedItem> = items
            .iter()
            .map(|item| PreparedItem::new((*item).clone()))
            .collect();
        self.offer_prepared(&prepared, write)
    }

    /// [`StagedImport::offer`] for items whose SQL values were prepared beforehand (by an
    /// importer's reading thread): this thread then only runs the statements.
    pub fn offer_prepared(&mut self, items: &[PreparedItem], write: bool) -> Result<Vec<Offered>> {
        let import_id = self.id;
        let (outcomes, new, present) = self.store.write(|tx| {
            let now = now_text();
            let mut writer = ItemWriter::new(tx)?;
            let mut outcomes = Vec::with_capacity(items.len());
            let (mut new, mut present) = (0, 0);
            for prepared in items {
                let outcome = if write {
                    writer.insert(tx, prepared, Some(import_id), &now)?
                } else {
                    check_item(tx, &prepared.item, Some(import_id))?
                };
                outcomes.push(match outcome {
                    Inserted::New => {
                        new += 1;
                        Offered::New
                    }
                    Inserted::AlreadyPresent => {
                        present += 1;
                        Offered::AlreadyPresent
                    }
                    Inserted::Clash => Offered::Clash,
                    Inserted::Unfinished => Offered::Unfinished,
                    Inserted::Absent => Offered::NotWritten,
                });
            }
            Ok((outcomes, new, present))
        })?;
        self.new += new;
        self.already_present += present;
        Ok(outcomes)
    }

    /// Items counted as already present without being offered (repeated lines of one file).
    pub fn count_present(&mut self, n: usize) {
        self.already_present += n;
    }

    /// Makes every item of the import visible at once and records its totals.
    /// Returns `(new, already_present)`.
    pub fn finish(self, file_sha256: &str) -> Result<(usize, usize)> {
        let (id, new, present) = (self.id, self.new, self.already_present);
        self.store.write(|tx| {
            tx.execute(
                "UPDATE imports SET state = 'complete', file_sha256 = ?2, items_new = ?3,
                        items_present = ?4, imported_at = ?5
                 WHERE id = ?1",
                params![id, file_sha256, new as i64, present as i64, now_text()],
            )?;
            Ok(())
        })?;
        Ok((new, present))
    }

    /// Deletes everything the import wrote, leaving every table as it was before it began.
    pub fn abandon(self) -> Result<()> {
        delete_import(self.store, self.id)
    }
}

/// Deletes what imports left `running` by processes that died. Does nothing while any importer
/// holds the lock (it may be one of those imports, alive in another process).
pub(super) fn recover_abandoned(store: &mut Store) -> Result<()> {
    let running: Vec<i64> = store
        .conn
        .prepare("SELECT id FROM imports WHERE state = 'running'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if running.is_empty() {
        return Ok(());
    }
    let lock = open_lock(store)?;
    if lock.try_lock().is_err() {
        return Ok(());
    }
    for id in running {
        delete_import(store, id)?;
    }
    Ok(())
}

fn delete_import(store: &mut Store, id: i64) -> Result<()> {
    loop {
        let done = store.write(|tx| {
            let ids: Vec<i64> = tx
                .prepare_cached("SELECT id FROM items WHERE import_id = ?1 LIMIT ?2")?
                .query_map(params![id, DELETE_CHUNK], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for sql in [
                "DELETE FROM items_fts WHERE rowid = ?1",
                "DELETE FROM evidence WHERE item_id = ?1",
                "DELETE FROM items WHERE id = ?1",
            ] {
                let mut stmt = tx.prepare_cached(sql)?;
                for item in &ids {
                    stmt.execute([item])?;
                }
            }
            if (ids.len() as i64) < DELETE_CHUNK {
                tx.execute("DELETE FROM imports WHERE id = ?1", [id])?;
                return Ok(true);
            }
            Ok(false)
        })?;
        if done {
            return Ok(());
        }
    }
}

fn lock_path(store: &Store) -> PathBuf {
    let mut name = store.path.clone().into_os_string();
    name.push("-import.lock");
    PathBuf::from(name)
}

fn open_lock(store: &Store) -> Result<File> {
    let path = lock_path(store);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(path, e))
}
