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
//!
//! Layering: the modules import each other in one direction only (a test below fails on a
//! cycle). At the bottom, `decision_rows` and `item_rows` read the rows several modules share,
//! and `projection` recomputes an item's state from its log; above them, one concern per module
//! (`profiles`, `overlap`, `visibility`, `adjudication`, `decisions`, `undo`, `sync`, …).

mod adjudication;
mod alignment;
mod annotations;
mod approved_relationships;
mod assessments;
mod backup;
mod batches;
mod claim_checks;
mod comparison_picks;
mod decision_rows;
mod decisions;
mod feedback;
mod guidelines;
mod item_rows;
mod items;
mod keymap;
mod llm_calls;
mod migrations;
mod overlap;
mod products;
mod profiles;
mod projection;
mod prompt_revisions;
mod pushed_items;
mod queue;
mod reasons;
mod relation_edit;
mod relationship_items;
mod restore;
mod review_forms;
mod reviewed_examples;
mod search;
mod staging;
mod stats;
mod stats_sql;
mod sync;
mod undo;
mod vetting;
mod visibility;

pub use alignment::{
    AlignmentResult, AlignmentRun, AlignmentStart, StoredAlignment, StoredAlignmentResult,
};
pub(crate) use annotations::normalize_tag;
pub use approved_relationships::{ApprovedRelationship, current_relation};
pub use assessments::{Assessed, StoredAssessment, shown as shown_assessment};
pub use batches::{BatchApproval, Reverted};
pub use claim_checks::{ClaimSettings, RecordedClaims};
pub(crate) use claim_checks::{claims_of_decision, settings_domain};
pub use decision_rows::{effective_decision, effective_decision_seq_sql};
pub use guidelines::{Guideline, MAX_GUIDELINE_CHARS};
pub(crate) use guidelines::{checked_body as checked_guideline, not_found as no_guideline};
pub use items::{NewItem, PreparedItem};
pub use llm_calls::{CallRecord, CostTotals, RunLabel, StoredCall, StoredRun};
pub use migrations::{MIGRATIONS, Migration};
pub use overlap::{Overlap, OverlapScope};
pub use products::ProductRegistration;
pub(crate) use products::{RegistryReader, check_same_source, scan_sources};
pub use prompt_revisions::PromptRevision;
pub use queue::{ConfidentPass, QueueFacets, QueueFilter, QueueSort};
pub(crate) use relation_edit::check_edited_relation;
pub use relationship_items::RelationshipItem;
pub use review_forms::{GivenAnswer, ReviewForm, ReviewFormDraft};
pub use reviewed_examples::{ExampleQuery, ReviewedExample};
pub use search::{MAX_QUERY_CHARS, RANK_LIMIT, SearchOrder, SearchResults, fts_query};
pub use staging::{Offered, StagedImport};
pub use sync::{MergeReport, PackReport, Since};
pub use vetting::{StoredSuggestion, Suggestion, VettedDecision, score_of_risk};

pub(crate) use alignment::record_alignment_result;
pub(crate) use assessments::record_assessment;
pub(crate) use comparison_picks::{Picking, check_pick};
pub(crate) use decision_rows::{pick_json_sql, read_pick};
pub(crate) use item_rows::read_body;
pub(crate) use items::{Inserted, insert_item};
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

// After the re-exports: the cycle test reads this file up to its first `cfg(test)`.
#[cfg(test)]
mod stats_aggregates_test;

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// Every `src/store/*.rs` module but this one, by name, with its source.
    fn modules() -> BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        std::fs::read_dir(&dir)
            .unwrap_or_else(|e| {
                panic!(
                    "the store's sources must be readable at {}: {e}",
                    dir.display()
                )
            })
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    /// Code without comments and without its `#[cfg(test)]` part (where `super` is the module
    /// itself).
    fn code(source: &str) -> String {
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The names a path starting right after `super::` or `crate::store::` names first: `x` in
    /// `x::y` or `x`, and each of `a`, `b` in `{a, b::c}`.
    fn first_names(rest: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        let Some(group) = rest.strip_prefix('{') else {
            return vec![ident(rest)];
        };
        let (mut depth, mut names, mut start) = (0, Vec::new(), 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.push(ident(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.push(ident(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        names
    }

    /// Which module each name `mod.rs` re-exports comes from (`pub use m::{a, b}` → a: m, b: m).
    fn reexports() -> BTreeMap<String, String> {
        let mut from = BTreeMap::new();
        for statement in code(include_str!("mod.rs")).split(';') {
            let statement = statement.trim();
            let Some(path) = ["pub use ", "pub(crate) use "]
                .iter()
                .find_map(|p| statement.strip_prefix(p))
            else {
                continue;
            };
            if let Some((module, rest)) = path.split_once("::") {
                for name in first_names(rest) {
                    from.insert(name, module.to_owned());
                }
            }
        }
        from
    }

    /// The store's module graph: `a → b` when `a` names `super::b…`, `crate::store::b…`, or an
    /// item `mod.rs` re-exports from `b`.
    fn imports() -> BTreeMap<String, BTreeSet<String>> {
        let modules = modules();
        let reexports = reexports();
        let mut graph = BTreeMap::new();
        for (name, source) in &modules {
            let code = code(source);
            let mut targets = BTreeSet::new();
            for prefix in ["super::", "crate::store::"] {
                for (at, _) in code.match_indices(prefix) {
                    for first in first_names(&code[at + prefix.len()..]) {
                        let target = if modules.contains_key(&first) {
                            Some(first)
                        } else {
                            reexports.get(&first).cloned()
                        };
                        targets.extend(target.filter(|t| t != name));
                    }
                }
            }
            graph.insert(name.clone(), targets);
        }
        graph
    }

    /// A cycle of `graph` as `a → b → a`, if there is one (depth-first search).
    fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
        fn visit<'g>(
            node: &'g str,
            graph: &'g BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<&'g str>,
            done: &mut BTreeSet<&'g str>,
        ) -> Option<String> {
            if let Some(start) = path.iter().position(|n| *n == node) {
                let mut cycle = path[start..].to_vec();
                cycle.push(node);
                return Some(cycle.join(" → "));
            }
            if !done.insert(node) {
                return None;
            }
            path.push(node);
            for next in graph.get(node).into_iter().flatten() {
                if let Some(found) = visit(next, graph, path, done) {
                    return Some(found);
                }
            }
            path.pop();
            None
        }
        let mut done = BTreeSet::new();
        graph
            .keys()
            .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
    }

    #[test]
    fn store_modules_import_each_other_in_one_direction() {
        let graph = imports();
        assert!(
            graph["staging"].contains("items") && graph["sync"].contains("reasons"),
            "the scan finds `use super::x::…` imports and `super::x::f` paths: {graph:?}"
        );
        assert_eq!(
            cycle(&graph),
            None,
            "store modules must not import each other in a cycle; move what both sides need \
             into a lower module (decision_rows, item_rows, projection)"
        );
    }

    #[test]
    fn the_cycle_check_names_a_cycle_and_follows_reexports() {
        let graph: BTreeMap<String, BTreeSet<String>> = [
            ("backup", vec!["migrations"]),
            ("migrations", vec!["backup"]),
            ("undo", vec!["backup"]),
        ]
        .into_iter()
        .map(|(n, t)| (n.into(), t.into_iter().map(String::from).collect()))
        .collect();
        assert_eq!(
            cycle(&graph).as_deref(),
            Some("backup → migrations → backup"),
            "a two-module cycle is named"
        );
        assert_eq!(
            reexports().get("MIGRATIONS").map(String::as_str),
            Some("migrations"),
            "`super::MIGRATIONS` counts as importing `migrations`"
        );
        assert_eq!(
            first_names("{Store, now_text, team::{a, b}};"),
            ["Store", "now_text", "team"],
            "a use group names each of its first segments"
        );
    }
}
