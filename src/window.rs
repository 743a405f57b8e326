//! What the app window holds: at most one open database — a local file or a session on a team
//! server — or none (the welcome screen), plus the recent list and why the last open failed. The desktop shell keeps one [`Window`] behind
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
use crate::llm::secret::ApiKey;
use crate::recent::{RecentDatabase, RecentList};
use crate::store::Store;
use crate::team_server::{ServerAddress, TeamServer};

/// The database to open at start: the first argument that is not an option (`vetted-app PATH`,
/// also what a desktop entry's `%f` passes; options are a launcher's, not ours), else
/// `VETTED_DB`, else none — the welcome screen.
pub fn startup_database(mut args: impl Iterator<Item = OsString>) -> Option<PathBuf> {
    args.find(|a| !a.is_empty() && !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .or_else(crate::db_path::env_db_path)
}

/// The window title: the open database's name (a file's, or `login@host:port/database` for a
/// team server), then the app's.
pub fn window_title(database: Option<&OpenedDatabase>) -> String {
    match database {
        Some(db) => format!("{} — Vetted", db.name),
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
    /// The team server last signed in to, offered again by Connect to team server….
    pub team_server: Option<ServerAddress>,
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OpenedDatabase {
    /// The file's path, or the team server's URL (which never carries a password).
    pub path: String,
    /// The file's name, or `login@host:port/database`.
    pub name: String,
    /// A session on a team server rather than a local file.
    pub team_server: bool,
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

/// What a window has open.
enum Opened {
    File(OpenDatabase),
    /// A team server: the session, and the URL and password it signed in with (for the
    /// live-changes listener's own session).
    Team {
        server: Box<TeamServer>,
        url: String,
        password: Option<ApiKey>,
    },
}

/// What Connect to team server… did: the window, and why the password typed could not be kept
/// in the keyring, if so.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TeamSignIn {
    pub window: WindowState,
    pub keyring_problem: Option<String>,
}

/// A session on a team server, signed in but not shown yet: signing in (and keeping the
/// password) can take seconds, so it happens before the window is touched.
pub struct TeamSession {
    server: TeamServer,
    address: ServerAddress,
    url: String,
    password: Option<ApiKey>,
    keyring_problem: Option<String>,
}

impl TeamSession {
    /// Signs in to the team server at `address` (see [`TeamServer::connect_with_password`]).
    /// A password typed (`Some`) is kept in the OS keyring once the server took it, so a
    /// mistyped one is never kept.
    pub fn sign_in(address: &ServerAddress, password: Option<ApiKey>) -> Result<TeamSession> {
        let url = address.url()?;
        let server = TeamServer::connect_with_password(&url, password.as_ref())?;
        let keyring_problem = password.as_ref().and_then(|password| {
            TeamServer::remember_password(&url, password)
                .err()
                .map(|e| format!("signed in, but the password was not kept for next time: {e}"))
        });
        Ok(TeamSession {
            server,
            address: address.clone(),
            url,
            password,
            keyring_problem,
        })
    }
}

pub struct Window {
    open: Option<Opened>,
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
            database: self.open.as_ref().map(|opened| match opened {
                Opened::File(db) => {
                    let path = db.store().path();
                    OpenedDatabase {
                        path: path.display().to_string(),
                        name: path
                            .file_name()
                            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                        team_server: false,
                        generation: self.generation,
                    }
                }
                Opened::Team { server, url, .. } => OpenedDatabase {
                    path: url.clone(),
                    name: server.server().to_owned(),
                    team_server: true,
                    generation: self.generation,
                },
            }),
            failure: self.failure.clone(),
            recent: self.recent.databases(),
            team_server: self.recent.team_server().cloned(),
        }
    }

    /// The open database's store, or an error when the welcome screen is showing or a team
    /// server is open.
    pub fn store(&self) -> Result<&Store> {
        match &self.open {
            Some(Opened::File(db)) => Ok(db.store()),
            Some(Opened::Team { .. }) => Err(not_on_team_server()),
            None => Err(no_database()),
        }
    }

    pub fn store_mut(&mut self) -> Result<&mut Store> {
        match &mut self.open {
            Some(Opened::File(db)) => Ok(db.store_mut()),
            Some(Opened::Team { .. }) => Err(not_on_team_server()),
            None => Err(no_database()),
        }
    }

    /// The team server session, when one is open.
    pub fn team_server(&mut self) -> Option<&mut TeamServer> {
        match &mut self.open {
            Some(Opened::Team { server, .. }) => Some(server),
            _ => None,
        }
    }

    /// Whether a team server is open.
    pub fn is_team_server(&self) -> bool {
        matches!(self.open, Some(Opened::Team { .. }))
    }

    /// How to sign in to the team server open again (its URL and the password typed, if
    /// any), with the generation it was opened as.
    pub fn team_server_sign_in(&self) -> Option<(String, Option<ApiKey>, u32)> {
        match &self.open {
            Some(Opened::Team { url, password, .. }) => {
                Some((url.clone(), password.clone(), self.generation))
            }
            _ => None,
        }
    }

    /// The generation of what the window shows; an error on the welcome screen.
    pub fn generation(&self) -> Result<u32> {
        match self.open {
            Some(_) => Ok(self.generation),
            None => Err(no_database()),
        }
    }

    /// Whether the window still shows what was opened as `generation`.
    pub fn is_generation(&self, generation: u32) -> bool {
        self.open.is_some() && self.generation == generation
    }

    /// Shows the team server `session` in place of what is open, and remembers its address;
    /// returns why the password typed could not be kept, if so.
    pub fn open_team_server(&mut self, session: TeamSession) -> Option<String> {
        // Like the recent list, a convenience: failing to save it must not fail the sign-in.
        if let Err(e) = self.recent.signed_in(&session.address) {
            eprintln!("Vetted could not remember the team server: {e}");
        }
        self.open = Some(Opened::Team {
            server: Box::new(session.server),
            url: session.url,
            password: session.password,
        });
        self.generation += 1;
        self.failure = None;
        session.keyring_problem
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
        self.store().is_ok_and(|store| store.path() == wanted)
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
                self.open = Some(Opened::File(db));
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

fn not_on_team_server() -> Error {
    Error::BadRequest(
        "the app does not do this on a team server yet: there it reviews the queue (decide, edit, \
         reject, needs SME, undo, redo, adjudicate). For the rest, take a snapshot with \
         `vetted --db URL backup --out snap.db` and open it"
            .into(),
    )
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
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("vetted-demo.db");
        let mut window = Window::new(&dir.path().join("recent.json"));
        window.create(&db);
        assert_eq!(
            window_title(window.state().database.as_ref()),
            "vetted-demo.db — Vetted"
        );
        assert_eq!(window_title(None), "Vetted", "the welcome screen");
    }
}
