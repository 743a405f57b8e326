//! One error type for the core. Every variant has a stable `code` the UI and scripts can branch on;
//! the message says what went wrong and, where it can, what to do next.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error(
        "{path}: the database has schema version {found}, but this Vetted only knows up to {known}. \
         Upgrade Vetted, or open another database with --db / VETTED_DB."
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{}", .0)]
    Invalid(InvalidInput),

    #[error("no item with id '{0}'")]
    ItemNotFound(String),

    #[error(
        "item '{item}' changed since you loaded it (you saw version {seen}, it is now at {current}); \
         reload it and decide again"
    )]
    Conflict {
        item: String,
        seen: i64,
        current: i64,
    },

    #[error("{0}")]
    BadRequest(String),

    #[error("{path} already exists; pass --force to overwrite it")]
    AlreadyExists { path: PathBuf },

    #[error("nothing to export: {0}; no file was written")]
    EmptySelection(String),

    #[error("the export was cancelled; no file was written")]
    Cancelled,
}

impl Error {
    /// Stable machine-readable code, shared with the UI (`{code, message}` over IPC).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Sqlite(_) => "database",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Invalid(_) => "invalid_input",
            Error::ItemNotFound(_) => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::BadRequest(_) => "bad_request",
            Error::AlreadyExists { .. } => "already_exists",
            Error::EmptySelection(_) => "empty_selection",
            Error::Cancelled => "cancelled",
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// A rejected input file: the first problems found, each as `FILE:LINE: field: problem`,
/// and how many there were in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub problems: Vec<String>,
    pub total: usize,
}

/// At most this many problems are listed; the rest are counted.
pub const MAX_LISTED_PROBLEMS: usize = 50;

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for problem in &self.problems {
            writeln!(f, "{problem}")?;
        }
        let hidden = self.total - self.problems.len();
        if hidden > 0 {
            writeln!(f, "… and {hidden} more problems")?;
        }
        write!(
            f,
            "{} problem{} found; nothing was imported from this file",
            self.total,
            if self.total == 1 { "" } else { "s" }
        )
    }
}

/// Errors cross IPC as `{ "code": …, "message": … }`; the UI branches on `code`.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("AppError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// The TypeScript shape of a serialized [`Error`].
#[derive(ts_rs::TS)]
#[ts(export, rename = "AppError")]
#[allow(dead_code)]
struct AppErrorShape {
    code: String,
    message: String,
}
