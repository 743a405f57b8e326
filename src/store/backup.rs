//! Consistent copies of a live database, and restoring one.
//!
//! Backups use `VACUUM INTO`, which reads a snapshot inside one read transaction: other
//! connections (the app, a CLI import) keep working, and the copy is compact and self-contained
//! (no WAL). Restore copies a checked backup over the live database with SQLite's backup API
//! while holding the write lock, so readers never see a half-restored file.

use std::path::{Path, PathBuf};

use super::{MIGRATIONS, Store};
use crate::error::{Error, Result};

impl Store {
    /// Writes a consistent copy of the database to `out`, which must not exist yet.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        crate::user_files::check_writable(out)?;
        if out.exists() {
            return Err(Error::BadRequest(format!(
                "{} already exists; choose a new file name for the backup",
                out.display()
            )));
        }
        let target = out
            .to_str()
            .ok_or_else(|| Error::BadRequest(format!("{} is not valid UTF-8", out.display())))?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

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
        super::migrations::apply(self)
    }
}

fn not_a_backup(path: &Path, why: &str) -> Error {
    Error::BadRequest(format!(
        "{} is not a usable Vetted backup: {why}",
        path.display()
    ))
}

/// Where the automatic pre-migration backup of `db` goes: next to it, named by the schema
/// version it had and the time, e.g. `vetted.db.v1-20261126T071500Z.bak`.
pub(super) fn pre_migration_path(db: &Path, version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".v{version}-{stamp}.bak"));
    db.with_file_name(name)
}
