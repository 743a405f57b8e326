//! Opening a database file for the app window: the file must already exist (only *New database*
//! creates one), one window per file (the instance lock is held with the store), and every way
//! the open can fail becomes an error the window can explain with what to do next:
//!
//! | the file | error (code) |
//! |---|---|
//! | is not there | [`Error::MissingDatabase`] (`missing_database`) |
//! | is a folder, device, … | [`Error::NotARegularFile`] (`not_a_regular_file`) |
//! | or its folder cannot be written | [`Error::ReadOnlyDatabase`] (`read_only`) |
//! | is open in another window | [`Error::AlreadyOpen`] (`already_open`) |
//! | is not SQLite / is corrupt | [`Error::NotADatabase`] (`not_a_database`) |
//! | is another program's SQLite database | [`Error::ForeignDatabase`] (`not_a_database`) |
//! | has a newer schema than this build | [`Error::SchemaTooNew`] (`schema_too_new`) |
//! | is on a full disk (SQLite cannot grow its index file) | [`Error::DiskFull`] (`disk_full`) |
//!
//! A read-only database is refused rather than opened read-only: every review action writes, so
//! a window on it could do nothing but fail.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::instance_lock::InstanceLock;
use crate::store::Store;

/// A database open in the app: the store and the lock that keeps other windows off the file.
/// Dropping it closes the connection and releases the lock.
pub struct OpenDatabase {
    // Declared first so the connection closes before the lock is released.
    store: Store,
    _lock: InstanceLock,
}

impl OpenDatabase {
    /// Opens an existing database (see the module table for what can fail). Never creates,
    /// changes or truncates a file it then refuses.
    pub fn open_existing(path: &Path) -> Result<OpenDatabase> {
        let path = absolute(path)?;
        check_existing(&path)?;
        Self::lock_and_open(&path)
    }

    /// Creates a new, empty database at `path` (and its folder, for the demo's first use). An
    /// existing file is never replaced (it may hold someone's decisions): that is refused with
    /// `already_exists`.
    pub fn create_new(path: &Path) -> Result<OpenDatabase> {
        let path = absolute(path)?;
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(Error::Duplicate(format!(
                "{} already exists; nothing was written. Open it instead, or choose another name.",
                path.display()
            )));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| read_only_io(dir, e))?;
        }
        Self::lock_and_open(&path)
    }

    /// Opens the demo database at `db`, creating it first by importing `fixture` (the bundled
    /// demo items) when it does not exist yet. A failed import leaves no database behind.
    pub fn open_demo(db: &Path, fixture: &Path) -> Result<OpenDatabase> {
        if db.exists() {
            return Self::open_existing(db);
        }
        let mut opened = Self::create_new(db)?;
        if let Err(e) = opened.store.import_path(fixture) {
            let db = opened.store.path().to_owned();
            drop(opened);
            for suffix in ["", "-wal", "-shm"] {
                let mut file = db.clone().into_os_string();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
            return Err(e);
        }
        Ok(opened)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    fn lock_and_open(path: &Path) -> Result<OpenDatabase> {
        let lock = InstanceLock::acquire(path).map_err(|e| read_only_folder(path, e))?;
        let store = Store::open(path).map_err(|e| match e {
            Error::ReadOnly => Error::ReadOnlyDatabase {
                path: path.to_owned(),
            },
            other => other,
        })?;
        // SQLite falls back to read-only when it may not write the file; refuse that too.
        if store.conn().is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::ReadOnlyDatabase {
                path: path.to_owned(),
            });
        }
        Ok(OpenDatabase { store, _lock: lock })
    }
}

/// `path` made absolute, so the window title, the recent list and the lock all name one file.
fn absolute(path: &Path) -> Result<PathBuf> {
    crate::db_path::file_identity(path).map_err(|e| Error::io(path, e))
}

/// The file is there, is a regular file (a symlink to one is fine: the user chose it), and can
/// be opened for writing.
fn check_existing(path: &Path) -> Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::MissingDatabase {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        return Err(Error::NotARegularFile {
            path: path.to_owned(),
            problem: if meta.is_dir() {
                "it is a folder, not a database file".to_owned()
            } else {
                "it is not a regular file".to_owned()
            },
        });
    }
    // Opening for writing creates and changes nothing; it asks the OS the real question
    // (permissions, a read-only file system, an immutable file — which root cannot write either).
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map(drop)
        .map_err(|e| read_only_io(path, e))?;
    check_not_foreign(path)
}

/// Refuses a SQLite file that has tables but no Vetted schema (`user_version` 0): opening it
/// would add Vetted's tables to another program's data. Whatever cannot be read here is left
/// for [`Store::open`] to classify.
fn check_not_foreign(path: &Path) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return Ok(());
    };
    let peek = conn.query_row(
        "SELECT (SELECT count(*) FROM sqlite_schema), (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    );
    match peek {
        Ok((objects, 0)) if objects > 0 => Err(Error::ForeignDatabase {
            path: path.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// A failure to take the lock (it creates `<db>.lock` beside the file) because the folder
/// cannot be written is a read-only database; the rest is unchanged.
fn read_only_folder(path: &Path, e: Error) -> Error {
    match e {
        Error::Io { source, .. } if is_read_only(&source) => Error::ReadOnlyDatabase {
            path: path.to_owned(),
        },
        other => other,
    }
}

fn read_only_io(path: &Path, e: std::io::Error) -> Error {
    if is_read_only(&e) {
        Error::ReadOnlyDatabase {
            path: path.to_owned(),
        }
    } else {
        Error::io(path, e)
    }
}

fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
    )
}
