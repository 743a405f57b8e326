//! Restoring a backup: SQLite's backup API copies a checked backup over the live database while
//! holding the write lock, so readers never see a half-restored file; the restored database is
//! then migrated like one opened from disk.

use std::path::Path;

use super::Store;
use super::migrations::{self, MIGRATIONS};
use crate::error::{Error, Result};

impl Store {
    /// Replaces the whole database with the contents of `backup`, after checking that the backup
    /// is an intact Vetted database this binary understands.
    pub fn restore_from(&mut self, backup: &Path) -> Result<()> {
        crate::user_files::check_readable(backup)?;
        let source = rusqlite::Connection::open_with_flags(
            backup,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .map_err(|e| Error::io(backup, std::io::Error::other(e)))?;
        let check: String = source
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| not_a_backup(backup, &e.to_string()))?;
        if check != "ok" {
            return Err(not_a_backup(
                backup,
                &format!("integrity check says: {check}"),
            ));
        }
        let version: i64 = source.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 || version > MIGRATIONS.len() as i64 {
            return Err(not_a_backup(
                backup,
                &format!("schema version {version} is not one this Vetted knows"),
            ));
        }
        self.conn.restore(
            rusqlite::MAIN_DB,
            backup,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        migrations::apply(self)
    }
}

fn not_a_backup(path: &Path, why: &str) -> Error {
    Error::BadRequest(format!(
        "{} is not a usable Vetted backup: {why}",
        path.display()
    ))
}
