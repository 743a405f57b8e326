//! One app window per database file: the desktop shell holds an exclusive advisory lock on
//! `<db>.lock` for as long as it runs. The CLI does not take it — a CLI import or export next to
//! the open app is expected and safe (SQLite serializes the writes).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Held for the life of the app; the OS releases the lock when the process exits, even on a crash.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

impl InstanceLock {
    /// Takes the lock for `db`, or fails with `AlreadyOpen` if another process holds it.
    pub fn acquire(db: &Path) -> Result<InstanceLock> {
        let path = lock_path(db);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(InstanceLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::AlreadyOpen {
                path: db.to_owned(),
            }),
            Err(TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}
