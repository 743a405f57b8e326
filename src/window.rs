//! What the app window holds: at most one open database, or none (the welcome screen), plus
//! the recent list and why the last open failed. The desktop shell keeps one [`Window`] behind
//! a mutex; everything here runs without Tauri.
//!
//! Switching databases needs no restart: the new file is opened (and its instance lock taken)
//! first, then the old one is closed and its lock released. A failed open leaves the current
//! database open and is reported in [`WindowState::failure`]. Every successful open bumps the
//! generation, which the UI keys its review state on, so nothing of the old file survives.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::database_file::OpenDatabase;
use crate::error::{Error, ErrorCode, Result};
use crate::recent::{RecentDatabase, RecentList};
use crate::store::Store;

/// The database to open at start: the first argument that is not an option (`vetted-app PATH`,
/// also what a desktop entry's `%f` passes; options are a launcher's, not ours), else
/// `VETTED_DB`, else none — the welcome screen.
pub fn startup_database(mut args: impl Iterator<Item = OsString>) -> Option<PathBuf> {
    args.find(|a| !a.is_empty() && !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .or_else(crate::db_path::env_db_path)
}

/// The window title: the open file's name, then the app's.
pub fn window_title(db: Option<&Path>) -> String {
    match db.and_then(Path::file_name) {
        Some(name) => format!("{} — Vetted", name.to_string_lossy()),
        None => "Vetted".to_owned(),
    }
}

/// What the UI renders: the open database (or the welcome screen), why the last open failed,
/// and the recent list.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WindowState {
    pub database: Option<OpenedDatabase>,
    pub failure: Option<OpenFailure>,
    pub recent: Vec<RecentDatabase>,
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OpenedDatabase {
    pub path: String,
    pub name: String,
    /// Grows with every database opened in this window; the UI's review state is keyed on it.
    pub generation: u32,
}

/// A database that could not be opened, and why (`code` says which case: see
/// [`crate::database_file`]); `message` says what to do next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OpenFailure {
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
}

pub struct Window {
    open: Option<OpenDatabase>,
    generation: u32,
    failure: Option<OpenFailure>,
    recent: RecentList,
}

impl Window {
    /// An empty window (the welcome screen) with the recent list read from `recent_file`.
    pub fn new(recent_file: &Path) -> Window {
        Window {
            open: None,
            generation: 0,
            failure: None,
            recent: RecentList::load(recent_file),
        }
    }

    pub fn state(&self) -> WindowState {
        WindowState {
            database: self.open.as_ref().map(|db| {
                let path = db.store().path();
                OpenedDatabase {
                    path: path.display().to_string(),
                    name: path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    generation: self.generation,
                }
            }),
            failure: self.failure.clone(),
            recent: self.recent.databases(),
        }
    }

    /// The open database's store, or an error when the welcome screen is showing.
    pub fn store(&self) -> Result<&Store> {
        self.open
            .as_ref()
            .map(OpenDatabase::store)
            .ok_or_else(no_database)
    }

    pub fn store_mut(&mut self) -> Result<&mut Store> {
        self.open
            .as_mut()
            .map(OpenDatabase::store_mut)
            .ok_or_else(no_database)
    }

    /// Opens an existing database (see [`OpenDatabase::open_existing`]); the current one stays
    /// open when this fails. Opening the file already open changes nothing.
    pub fn open(&mut self, path: &Path) {
        if self.is_open(path) {
            self.failure = None;
            return;
        }
        self.replace_with(path, OpenDatabase::open_existing(path));
    }

    /// Creates a new, empty database and opens it.
    pub fn create(&mut self, path: &Path) {
        self.replace_with(path, OpenDatabase::create_new(path));
    }

    /// Opens the demo database `db`, creating it from `fixture` on first use.
    pub fn open_demo(&mut self, db: &Path, fixture: &Path) {
        if self.is_open(db) {
            self.failure = None;
            return;
        }
        self.replace_with(db, OpenDatabase::open_demo(db, fixture));
    }

    /// Closes the open database (its lock is released): back to the welcome screen.
    pub fn close(&mut self) {
        self.open = None;
        self.failure = None;
    }

    /// Takes `path` off the recent list (the file is left alone).
    pub fn forget_recent(&mut self, path: &Path) -> Result<()> {
        self.recent.remove(path)
    }

    fn is_open(&self, path: &Path) -> bool {
        let Ok(wanted) = crate::db_path::file_identity(path) else {
            return false;
        };
        self.open
            .as_ref()
            .is_some_and(|db| db.store().path() == wanted)
    }

    /// Swaps in the newly opened database (dropping, so unlocking, the old one after the new
    /// lock is held), or records why it could not be opened.
    fn replace_with(&mut self, path: &Path, opened: Result<OpenDatabase>) {
        match opened {
            Ok(db) => {
                // The recent list is a convenience: failing to save it must not fail the open.
                if let Err(e) = self.recent.opened(db.store().path()) {
                    eprintln!("Vetted could not update its recent list: {e}");
                }
                self.open = Some(db);
                self.generation += 1;
                self.failure = None;
            }
            Err(e) => {
                // Absolute, as on the recent list, so the UI can match the two.
                let path = crate::db_path::file_identity(path).unwrap_or_else(|_| path.to_owned());
                self.failure = Some(OpenFailure {
                    path: path.display().to_string(),
                    code: e.code(),
                    message: e.to_string(),
                });
            }
        }
    }
}

fn no_database() -> Error {
    Error::BadRequest(
        "no database is open; open or create one from the welcome screen (File menu)".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = OsString> {
        list.iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_first_argument_that_is_not_an_option_is_the_database() {
        assert_eq!(
            startup_database(args(&["/data/q3.db"])),
            Some(PathBuf::from("/data/q3.db")),
            "`vetted-app PATH` (and a desktop entry's %f) opens PATH"
        );
        assert_eq!(
            startup_database(args(&["--some-launcher-flag", "", "rel/q3.db", "other.db"])),
            Some(PathBuf::from("rel/q3.db")),
            "options and empty arguments are a launcher's, not a database"
        );
    }

    #[test]
    fn the_title_names_the_open_file() {
        assert_eq!(
            window_title(Some(Path::new(
                "/home/me/.local/share/vetted/vetted-demo.db"
            ))),
            "vetted-demo.db — Vetted"
        );
        assert_eq!(window_title(None), "Vetted", "the welcome screen");
    }
}
