//! Full-text search over question, answer, evidence and relationship text (FTS5, `items_fts`).
//!
//! One implementation for the CLI (`vetted search`) and the app's search box. User input is
//! never FTS5 syntax: every whitespace-separated token becomes a quoted FTS5 string, so `AND`,
//! `NEAR(`, `*`, `col:x`, `-x` and stray quotes are matched as text and never raise a syntax
//! error. Tokens are ANDed.
//!
//! Ordering, and why it depends on the words: BM25 first counts the documents of every query
//! token and then scores every matching document, so its cost grows with posting lists, not
//! with the page (a word in every document of a million costs seconds). Search therefore ranks
//! by the tokens whose every word occurs in at most `K` = [`RANK_LIMIT`] documents (counted by
//! reading at most `K + 1` postings per word) — all of them, as a rule, so the ranking is exactly
//! BM25 over the query. A token with a word found in more than `K` documents still filters but is
//! left out of the score (its BM25 weight is small anyway). The matches are then a subset of a
//! scoring token's, so at most `K` documents are read and scored ([`SearchOrder::Relevance`]).
//! When every token has such a common word, the matches come newest first, which FTS5 streams in
//! `rowid` order and stops after the page ([`SearchOrder::Newest`]).
//! [`SearchResults::order`] says which order was used.

use std::collections::HashSet;

use super::Store;
use super::item_rows::{QUEUE_COLUMNS, UNFINISHED_IDS, read_queue_entry};
use crate::domain::QueueEntry;
use crate::error::Result;

/// Longer queries are cut to this many characters (a search box never needs more, and the
/// cost of a query grows with its number of terms).
pub const MAX_QUERY_CHARS: usize = 512;

/// A word found in more documents than this does not take part in ranking, and a query made
/// only of such words comes newest first. BM25 costs about 1 µs per scored document on the
/// reference machine, so ranking stays near 10 ms (docs/PERFORMANCE.md, "Review workspace").
pub const RANK_LIMIT: usize = 10_000;

/// How [`SearchResults::hits`] are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SearchOrder {
    /// Best match first (BM25).
    Relevance,
    /// Newest item first: every token has a word too common to rank by (see [`RANK_LIMIT`]).
    Newest,
}

/// One page of search hits and the order they come in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SearchResults {
    pub order: SearchOrder,
    pub hits: Vec<QueueEntry>,
}

/// The whitespace-separated tokens of `input`: NUL dropped, cut to [`MAX_QUERY_CHARS`].
fn tokens(input: &str) -> Vec<String> {
    let cleaned: String = input
        .chars()
        .filter(|c| *c != '\0')
        .take(MAX_QUERY_CHARS)
        .collect();
    cleaned.split_whitespace().map(str::to_owned).collect()
}

/// `text` as a quoted FTS5 string (`"` doubled inside): matched literally, as a phrase of its
/// words.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The words FTS5 makes of a token, near enough for counting their documents: the tokenizer
/// (`unicode61`) splits at characters that are not letters or digits.
fn words(token: &str) -> impl Iterator<Item = &str> {
    token
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The FTS5 query matching `input` literally: each token quoted, all ANDed. `None` when nothing
/// searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let quoted: Vec<String> = tokens(input).iter().map(|t| quote(t)).collect();
    (!quoted.is_empty()).then(|| quoted.join(" "))
}

impl Store {
    /// Items whose text contains every word of `query`, at most `limit` (clamped to 1..=1000):
    /// best match first, or newest first when every token has a word in more than
    /// [`RANK_LIMIT`] items (module docs). Items of unfinished imports are never returned.
    pub fn search(&self, query: &str, limit: u32) -> Result<SearchResults> {
        let limit = limit.clamp(1, 1000) as usize;
        let Some(fts) = fts_query(query) else {
            return Ok(SearchResults {
                order: SearchOrder::Relevance,
                hits: Vec::new(),
            });
        };
        let scoring = self.scoring_tokens(&tokens(query))?;
        let (order, ids) = if scoring.is_empty() {
            let ids = self.newest_matches(&fts, limit)?;
            // Without hits there is no order to explain (e.g. a query of punctuation only).
            let order = if ids.is_empty() {
                SearchOrder::Relevance
            } else {
                SearchOrder::Newest
            };
            (order, ids)
        } else {
            // Every match contains a scoring token's words, so there are at most RANK_LIMIT
            // (the cap holds even where `words` splits a token unlike the tokenizer).
            let matches = self.newest_matches(&fts, RANK_LIMIT)?;
            let ranked = self.ranked_among(&scoring.join(" "), &matches, limit)?;
            (SearchOrder::Relevance, ranked)
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {QUEUE_COLUMNS} FROM items WHERE items.id = ?1"
        ))?;
        let hits = ids
            .iter()
            .map(|id| stmt.query_row([id], read_queue_entry))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(SearchResults { order, hits })
    }

    /// Row ids of items matching `fts`, newest first, at most `max`; items of unfinished imports
    /// left out. FTS5 walks the posting lists backwards and stops after `max` hits.
    fn newest_matches(&self, fts: &str, max: usize) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT rowid FROM items_fts
             WHERE items_fts MATCH ?1 AND rowid NOT IN ({UNFINISHED_IDS})
             ORDER BY rowid DESC
             LIMIT ?2"
        ))?;
        let ids = stmt
            .query_map(rusqlite::params![fts, max as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The tokens (quoted) each of whose words occurs in at most [`RANK_LIMIT`] documents; a
    /// word's documents are counted up to `RANK_LIMIT + 1`. Tokens without a word never score.
    fn scoring_tokens(&self, tokens: &[String]) -> Result<Vec<String>> {
        let mut count = self.conn.prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM items_fts WHERE items_fts MATCH ?1 LIMIT ?2)",
        )?;
        let mut rare = |word: &str| -> Result<bool> {
            let docs: i64 = count
                .query_row(rusqlite::params![quote(word), RANK_LIMIT as i64 + 1], |r| {
                    r.get(0)
                })?;
            Ok(docs as usize <= RANK_LIMIT)
        };
        let mut scoring = Vec::new();
        'tokens: for token in tokens {
            let words: Vec<&str> = words(token).collect();
            if words.is_empty() {
                continue;
            }
            for word in words {
                if !rare(word)? {
                    continue 'tokens;
                }
            }
            scoring.push(quote(token));
        }
        Ok(scoring)
    }

    /// The first `limit` of `matches` in BM25 order of `scoring`: tokens whose words occur in at
    /// most [`RANK_LIMIT`] documents each, so BM25 counts and scores at most that many per word.
    fn ranked_among(&self, scoring: &str, matches: &[i64], limit: usize) -> Result<Vec<i64>> {
        let matches: HashSet<i64> = matches.iter().copied().collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY rank")?;
        let mut ranked = Vec::with_capacity(limit);
        let mut rows = stmt.query([scoring])?;
        while ranked.len() < limit
            && let Some(row) = rows.next()?
        {
            let id: i64 = row.get(0)?;
            if matches.contains(&id) {
                ranked.push(id);
            }
        }
        Ok(ranked)
    }
}
