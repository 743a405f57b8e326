//! Consistent copies of a live database (restoring one is in `restore`, which migrates it).
//!
//! Backups use `VACUUM INTO`, which reads a snapshot inside one read transaction: other
//! connections (the app, a CLI import) keep working, and the copy is compact and self-contained
//! (no WAL).

use std::path::{Path, PathBuf};

use super::Store;
use crate::error::{Error, Result};

impl Store {
    /// Writes a consistent copy of the database to `out`, which must not exist yet.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        crate::user_files::check_writable(out)?;
        if out.exists() {
            return Err(Error::Duplicate(format!(
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
}

/// Where the automatic pre-migration backup of `db` goes: next to it, named by the schema
/// version it had and the time, e.g. `vetted.db.v1-20261126T071500Z.bak`.
pub(super) fn pre_migration_path(db: &Path, version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".v{version}-{stamp}.bak"));
    db.with_file_name(name)
}
