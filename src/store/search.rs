//! Full-text search over question, answer, evidence and relationship text (FTS5, `items_fts`).
//!
//! One implementation for the CLI (`vetted search`) and the app's search box. User input is
//! never FTS5 syntax: every whitespace-separated token becomes a quoted FTS5 string, so `AND`,
//! `NEAR(`, `*`, `col:x`, `-x` and stray quotes are matched as text and never raise a syntax
//! error. Tokens are ANDed; results are ordered by relevance (bm25).

use super::Store;
use super::items::{QUEUE_COLUMNS, UNFINISHED_IDS, read_queue_entry};
use crate::domain::QueueEntry;
use crate::error::Result;

/// Longer queries are cut to this many characters (a search box never needs more, and the
/// cost of a query grows with its number of terms).
pub const MAX_QUERY_CHARS: usize = 512;

/// The FTS5 query matching `input` literally: NUL dropped, cut to [`MAX_QUERY_CHARS`], each
/// token quoted (`"` doubled inside). `None` when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let cleaned: String = input
        .chars()
        .filter(|c| *c != '\0')
        .take(MAX_QUERY_CHARS)
        .collect();
    let tokens: Vec<String> = cleaned
        .split_whitespace()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

impl Store {
    /// Items whose text contains every word of `query`, best match first, at most `limit`
    /// (clamped to 1..=1000). Items of unfinished imports are never returned.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<QueueEntry>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // Ranked inside the index first, so only the `limit` best rows are read from `items`
        // (a common word can match most of a million 2 KB rows). Items of unfinished imports
        // are excluded by id: an empty set unless an import is running.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {QUEUE_COLUMNS}
             FROM (SELECT rowid, rank FROM items_fts
                   WHERE items_fts MATCH ?1
                     AND rowid NOT IN ({UNFINISHED_IDS})
                   ORDER BY rank
                   LIMIT ?2) f
             JOIN items ON items.id = f.rowid
             ORDER BY f.rank"
        ))?;
        let hits = stmt
            .query_map(
                rusqlite::params![fts, limit.clamp(1, 1000)],
                read_queue_entry,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(hits)
    }
}
