//! One error type for the core. Every variant has a stable `code` the UI and scripts can branch on;
//! the message says what went wrong and, where it can, what to do next — in words that fit both
//! the app and the CLI (no flags or commands: the CLI adds those as a hint, see its `hints.rs`).

use std::path::PathBuf;

pub use code::ErrorCode;

mod code;

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
    Sqlite(rusqlite::Error),

    #[error(
        "{path} is not a usable SQLite database (not SQLite, encrypted, or corrupt). \
         Open another database, or restore a backup."
    )]
    NotADatabase { path: PathBuf },

    #[error(
        "the database is read-only (check the file's and its folder's permissions); \
         nothing was written"
    )]
    ReadOnly,

    #[error(
        "the database stayed locked by another process for too long; nothing was written. \
         Try again when the other import or export has finished."
    )]
    Locked,

    #[error("the disk is full; nothing was written. Free some space and try again.")]
    DiskFull,

    /// A path given for reading or writing that is not a plain file (see `user_files`).
    #[error("{path}: {problem}; nothing was read or written. Choose a regular file.")]
    NotARegularFile { path: PathBuf, problem: String },

    /// A SQLite file of another program (tables, but no Vetted schema): never migrated.
    #[error(
        "{path} is a SQLite database of another program, not a Vetted database; it was left \
         alone. Open a Vetted database, or create a new one."
    )]
    ForeignDatabase { path: PathBuf },

    /// A database to open that is not there: never created in its place.
    #[error(
        "{path} does not exist (it was moved, renamed or deleted). Open another database, or \
         create a new one."
    )]
    MissingDatabase { path: PathBuf },

    /// A database to open whose file or folder cannot be written: Vetted writes every decision
    /// (and SQLite's journal next to the file), so it is not opened at all.
    #[error(
        "{path} is read-only (the file or its folder cannot be written), and Vetted writes every \
         decision into it. Copy it to a folder you can write to and open the copy, or change its \
         permissions."
    )]
    ReadOnlyDatabase { path: PathBuf },

    #[error("{path} is already open in another Vetted window; switch to that window")]
    AlreadyOpen { path: PathBuf },

    #[error(
        "{path}: the database has schema version {found}, but this Vetted only knows up to {known}. \
         Upgrade Vetted, or open another database."
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

    /// A request the core refuses as inconsistent or malformed; the message says why. Kinds a
    /// caller branches on have their own variant (`NotFound`, `Duplicate`, `Forbidden`).
    #[error("{0}")]
    BadRequest(String),

    /// Something named by id or name that does not exist (a decision, a guideline, a reviewer,
    /// a reject reason, a product); items have [`Error::ItemNotFound`].
    #[error("{0}")]
    NotFound(String),

    /// A name, id or file that must be new is taken (a reject reason, a decision id used for
    /// another item, a backup file); shares its code with [`Error::AlreadyExists`].
    #[error("{0}")]
    Duplicate(String),

    /// The reviewer's role does not allow this (only adjudicators record final decisions).
    #[error("{0}")]
    Forbidden(String),

    /// The team server (a PostgreSQL database) refused a request or could not be reached;
    /// `server` is `user@host:port/database`, never with a password.
    #[error("team server {server}: {problem}")]
    Server { server: String, problem: String },

    /// A data-product source that cannot be registered; `location` is `FILE` or `FILE:LINE`.
    #[error("{location}: {problem}; nothing was registered")]
    BadSource { location: String, problem: String },

    #[error(
        "a product named '{name}' is already registered from {existing}; {new} would replace it. \
         Rename the table or file, or register it into another database"
    )]
    ProductCollision {
        name: String,
        existing: String,
        new: String,
    },

    #[error("'{field}' is not a field of '{product}' (its fields: {})", .known.join(", "))]
    UnknownField {
        product: String,
        field: String,
        known: Vec<String>,
    },

    #[error("{path} already exists; nothing was written")]
    AlreadyExists { path: PathBuf },

    #[error("nothing to export: {0}; no file was written")]
    EmptySelection(String),

    /// A settings, prices or provider problem found before any call was made.
    #[error("{0}")]
    Config(String),

    /// The provider answered with an HTTP error that is not retried (or retries ran out).
    #[error("{provider}: HTTP {status}: {message}{}", http_hint(*.status))]
    LlmHttp {
        provider: String,
        status: u16,
        message: String,
    },

    /// The account behind the key has no quota left; never retried.
    #[error(
        "{provider}: insufficient quota: {message}. Add credit to the account or use another \
         provider; this is not retried"
    )]
    LlmQuota { provider: String, message: String },

    #[error(
        "{provider}: cannot reach {base_url}: {message}. Is the server running, and is the base \
         URL right (it usually ends in /v1)?"
    )]
    LlmUnreachable {
        provider: String,
        base_url: String,
        message: String,
    },

    #[error(
        "{provider}: no complete answer within {seconds} s; allow more time or send fewer requests \
         at once"
    )]
    LlmTimeout { provider: String, seconds: u64 },

    /// The server broke the protocol: malformed SSE, a body that is not a chat completion, or an
    /// `error` object in the middle of a stream.
    #[error("{provider}: {message}")]
    LlmProtocol { provider: String, message: String },

    #[error(
        "{provider}: the answer was cut off at the token limit (finish_reason \"length\") before \
         the JSON was complete; allow more output tokens"
    )]
    LlmTruncated { provider: String },

    /// The model answered, but not with what the role asked for (invalid JSON or wrong shape).
    #[error("{provider}: unusable model output: {message}")]
    LlmBadOutput { provider: String, message: String },

    /// The OS credential store (Secret Service, Keychain, Credential Manager) failed.
    #[error(
        "the OS keyring could not {action} the secret of '{entry}': {message}. Unlock or start \
         your keyring (on Linux a Secret Service such as gnome-keyring), or set the environment \
         variable read before it instead (a provider's api_key_env, PGPASSWORD for a database)"
    )]
    Keyring {
        /// The keyring user name: a provider's name, or a database source's URL.
        entry: String,
        action: &'static str,
        message: String,
    },

    #[error("{file}: import cancelled; nothing was imported from this file")]
    ImportCancelled { file: String },

    #[error("cancelled")]
    Cancelled,
}

/// What to do next for the HTTP statuses users meet most.
fn http_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => {
            ". Check the API key: store it in the OS keyring or set the provider's api_key_env \
             variable (OPENAI_API_KEY by default)"
        }
        404 => ". Check the provider's base URL (usually ending in /v1) and model",
        408 | 409 | 429 => {
            ". The request was retried; try again later or send fewer requests at once"
        }
        500.. => ". The server failed; the request was retried. Try again later",
        _ => "",
    }
}

impl Error {
    /// Stable machine-readable code, shared with the UI (`{code, message}` over IPC).
    pub fn code(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            Error::Io { .. } => C::Io,
            Error::Sqlite(_) => C::Database,
            Error::NotADatabase { .. } | Error::ForeignDatabase { .. } => C::NotADatabase,
            Error::ReadOnly | Error::ReadOnlyDatabase { .. } => C::ReadOnly,
            Error::MissingDatabase { .. } => C::MissingDatabase,
            Error::Locked => C::Locked,
            Error::DiskFull => C::DiskFull,
            Error::AlreadyOpen { .. } => C::AlreadyOpen,
            Error::NotARegularFile { .. } => C::NotARegularFile,
            Error::SchemaTooNew { .. } => C::SchemaTooNew,
            Error::Invalid(_) => C::InvalidInput,
            Error::ItemNotFound(_) | Error::NotFound(_) => C::NotFound,
            Error::Conflict { .. } => C::Conflict,
            Error::BadRequest(_) => C::BadRequest,
            Error::Forbidden(_) => C::Forbidden,
            Error::ImportCancelled { .. } | Error::Cancelled => C::Cancelled,
            Error::Config(_) => C::Config,
            Error::LlmHttp { .. } => C::LlmHttp,
            Error::LlmQuota { .. } => C::LlmQuota,
            Error::LlmUnreachable { .. } => C::LlmUnreachable,
            Error::LlmTimeout { .. } => C::LlmTimeout,
            Error::LlmProtocol { .. } => C::LlmProtocol,
            Error::LlmTruncated { .. } => C::LlmTruncated,
            Error::LlmBadOutput { .. } => C::LlmBadOutput,
            Error::Keyring { .. } => C::Keyring,
            Error::BadSource { .. } => C::BadSource,
            Error::Server { .. } => C::Server,
            Error::ProductCollision { .. } => C::ProductCollision,
            Error::UnknownField { .. } => C::UnknownField,
            Error::AlreadyExists { .. } | Error::Duplicate(_) => C::AlreadyExists,
            Error::EmptySelection(_) => C::EmptySelection,
        }
    }

    pub fn bad_source(location: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::BadSource {
            location: location.into(),
            problem: problem.into(),
        }
    }

    /// An I/O failure on `path`; a full disk becomes [`Error::DiskFull`] whatever the file, so
    /// the UI and scripts branch on one code for it.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::StorageFull {
            return Error::DiskFull;
        }
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<rusqlite::Error> for Error {
    /// Failures a user can act on get their own variant; the rest stay `Sqlite`.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        // Opening a WAL database on a full disk fails to grow the `-shm` file, which SQLite
        // reports as an I/O error rather than SQLITE_FULL.
        if let rusqlite::Error::SqliteFailure(failure, _) = &e
            && failure.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
        {
            return Error::DiskFull;
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::ReadOnly) => Error::ReadOnly,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Locked,
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::NotADatabase {
                path: PathBuf::new(),
            },
            _ => Error::Sqlite(e),
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
        s.serialize_field("code", &self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// The TypeScript shape of a serialized [`Error`].
#[derive(ts_rs::TS)]
#[ts(export, rename = "AppError")]
#[allow(dead_code)]
struct AppErrorShape {
    code: ErrorCode,
    message: String,
}
