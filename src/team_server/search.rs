//! Full-text search on the team server (the app's search box), with the local search's
//! contract ([`crate::store::Store::search`]): every word of the query must occur; the hits
//! come best match first, or newest first when too many items match to rank them.
//!
//! The query is never PostgreSQL syntax: `plainto_tsquery` takes it as plain words (operators,
//! quotes and parentheses are text), parsed like the indexed text (`'simple'`, see migration
//! 0002). Ranking (`ts_rank`) reads every match's vector, so it runs only when at most
//! [`SERVER_RANK_LIMIT`] items match.
//!
//! Finding the matches through the GIN index costs in proportion to how many there are (a word
//! in every one of a million items: 1.4 s, most of it checking rows). So the newest
//! [`PROBE_ROWS`] items are probed first, in primary-key order. When that is every item, the
//! probe's matches are all of them. Otherwise, when the probe's share of matches, applied to
//! every item, comes to more than twice what is ranked, the query is common and its newest
//! matches are at hand (an estimate: matches crowded into the newest items can make a query
//! look commoner than it is, and it then comes newest first). Else the GIN index finds the
//! matches, newest first, at most [`SERVER_RANK_LIMIT`] + 1.

use std::collections::HashMap;

use super::TeamServer;
use crate::error::Result;
use crate::store::{MAX_QUERY_CHARS, SearchOrder, SearchResults};

/// At most this many matches are ranked; a query with more comes newest first. Lower than the
/// local [`crate::store::RANK_LIMIT`]: `ts_rank` costs more per match than FTS5's BM25.
pub const SERVER_RANK_LIMIT: i64 = 2_000;

/// How many of the newest items the probe reads.
pub const PROBE_ROWS: i64 = 5_000;

const PROBE: &str =
    "SELECT id FROM (SELECT id, search FROM items ORDER BY id DESC LIMIT $2) AS newest
                      WHERE search @@ plainto_tsquery('simple', $1) ORDER BY id DESC";

const NEWEST_MATCHES: &str = "SELECT id FROM items WHERE search @@ plainto_tsquery('simple', $1)
                               ORDER BY id DESC LIMIT $2";

const RANKED: &str = "SELECT id FROM items WHERE id = ANY($1)
                       ORDER BY ts_rank(search, plainto_tsquery('simple', $2)) DESC, id DESC
                       LIMIT $3";

const ENTRIES: &str = "SELECT id, external_id, kind, domain, model, title, status, vetting
                         FROM items WHERE id = ANY($1)";

impl TeamServer {
    /// Items whose text holds every word of `query`, at most `limit` (1–1000).
    pub fn search(&mut self, query: &str, limit: u32) -> Result<SearchResults> {
        let query: String = query
            .chars()
            .filter(|c| *c != '\0')
            .take(MAX_QUERY_CHARS)
            .collect();
        let limit = i64::from(limit.clamp(1, 1000));
        let probe = self.prepared(PROBE)?;
        let probed: Vec<i64> = self
            .client
            .query(&probe, &[&query, &PROBE_ROWS])
            .map_err(|e| self.failed(e))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let total: i64 = {
            let total =
                self.prepared("SELECT coalesce(sum(items), 0)::bigint FROM item_counts()")?;
            self.client
                .query_one(&total, &[])
                .map_err(|e| self.failed(e))?
                .get(0)
        };
        let probed_all = total <= PROBE_ROWS;
        let estimated = probed.len() as i64 * total / PROBE_ROWS;
        if !probed_all && estimated > 2 * SERVER_RANK_LIMIT && probed.len() as i64 >= limit {
            let page = probed.into_iter().take(limit as usize).collect();
            return self.hits(SearchOrder::Newest, page);
        }
        let matches: Vec<i64> = if probed_all {
            probed
        } else {
            let newest = self.prepared(NEWEST_MATCHES)?;
            self.client
                .query(&newest, &[&query, &(SERVER_RANK_LIMIT + 1)])
                .map_err(|e| self.failed(e))?
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        let (order, ids) = if matches.len() as i64 > SERVER_RANK_LIMIT {
            let page = matches.into_iter().take(limit as usize).collect();
            (SearchOrder::Newest, page)
        } else {
            let ranked = self.prepared(RANKED)?;
            let ids = self
                .client
                .query(&ranked, &[&matches, &query, &limit])
                .map_err(|e| self.failed(e))?
                .iter()
                .map(|r| r.get(0))
                .collect::<Vec<i64>>();
            (SearchOrder::Relevance, ids)
        };
        self.hits(order, ids)
    }

    /// The queue rows of `ids`, in that order.
    fn hits(&mut self, order: SearchOrder, ids: Vec<i64>) -> Result<SearchResults> {
        let entries = self.prepared(ENTRIES)?;
        let mut by_id: HashMap<i64, _> = self
            .client
            .query(&entries, &[&ids])
            .map_err(|e| self.failed(e))?
            .iter()
            .map(|r| super::review_queue::read_entry(r).map(|entry| (entry.id, entry)))
            .collect::<Result<_>>()?;
        let hits = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        Ok(SearchResults { order, hits })
    }
}
