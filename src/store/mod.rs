//! The SQLite store: one file, opened with per-connection pragmas, migrated on open.
//!
//! Concurrency design: a `Store` owns one connection. The CLI uses one per process; the desktop
//! shell keeps one behind a mutex for short requests (each a few milliseconds). Several processes
//! may write the same file at once: every write transaction begins `IMMEDIATE`, because a deferred
//! transaction that reads then writes fails with `SQLITE_BUSY` under a concurrent writer even with
//! `busy_timeout` set. A large import never holds the write lock for long: it writes batches of
//! [`crate::import::BATCH_ITEMS`] items, each its own transaction (see `staging`), so a
//! decision made while a million items are imported waits for at most one batch.
//!
//! Durability: WAL with `synchronous=FULL`, so an acknowledged decision survives a power loss,
//! not only a process crash.

mod annotations;
mod approved_relationships;
mod backup;
mod decisions;
mod guidelines;
mod items;
mod keymap;
mod llm_calls;
mod migrations;
mod products;
mod queue;
mod reasons;
mod relation_edit;
mod search;
mod staging;
mod stats;
mod sync;
mod team;
mod undo;
mod vetting;

pub use approved_relationships::{ApprovedRelationship, current_relation};
pub use decisions::{effective_decision, effective_decision_seq_sql};
pub use guidelines::{Guideline, MAX_GUIDELINE_CHARS};
pub use items::{NewItem, PreparedItem};
pub use llm_calls::{CallRecord, CostTotals, RunLabel};
pub use migrations::{MIGRATIONS, Migration};
pub use products::ProductRegistration;
pub use queue::{QueueFacets, QueueFilter, QueueSort};
pub use search::{MAX_QUERY_CHARS, RANK_LIMIT, SearchOrder, SearchResults, fts_query};
pub use staging::{Offered, StagedImport};
pub use sync::{MergeReport, PackReport, Since};
pub use team::{Overlap, OverlapScope};
pub use vetting::{Suggestion, VettedDecision};

pub(crate) use items::{Inserted, insert_item, read_body};
pub(crate) use llm_calls::insert_call;
pub(crate) use vetting::record_suggestion;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// Page size for new databases: ~2 KB rows fit two to a page instead of one per 4 KiB page.
const PAGE_SIZE: u32 = 8192;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Page cache per connection, in KiB (SQLite's default is 2 MiB): large imports keep the upper
/// levels of the id index and the full-text segments in memory instead of re-reading them.
const CACHE_KIB: i64 = 32 * 1024;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let with_path = |e: Error| match e {
            Error::NotADatabase { .. } => Error::NotADatabase {
                path: path.to_owned(),
            },
            other => other,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| with_path(e.into()))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.configure().map_err(with_path)?;
        migrations::apply(&mut store).map_err(with_path)?;
        staging::recover_abandoned(&mut store)?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        let is_new: bool =
            self.conn
                .query_row("SELECT count(*) = 0 FROM sqlite_schema", [], |r| r.get(0))?;
        if is_new {
            // Only takes effect before the first table is written.
            self.conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        }
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        self.conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access. Writes go through [`Store::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in an `IMMEDIATE` transaction and commits if it returns `Ok`.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// Current UTC time as stored in the database (RFC 3339, milliseconds, `Z`).
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(text: &str) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
}

/// Parses a JSON column; a malformed value is a database error, not a panic.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// Stores the domain's unit enums as their serde names (`'pending'`, `'approve'`, …), so the
/// database, the JSON output and the UI share one spelling.
macro_rules! text_enum_sql {
    ($($t:ty),* $(,)?) => {$(
        impl rusqlite::types::FromSql for $t {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                serde_json::from_value(serde_json::Value::String(text.to_owned()))
                    .map_err(|e| rusqlite::types::FromSqlError::Other(e.into()))
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(text)) => Ok(text.into()),
                    _ => Err(rusqlite::Error::ToSqlConversionFailure(
                        format!("{self:?} is not a unit enum").into(),
                    )),
                }
            }
        }
    )*};
}

text_enum_sql!(
    crate::domain::ItemKind,
    crate::domain::ItemStatus,
    crate::domain::Action,
    crate::domain::Verdict,
);
