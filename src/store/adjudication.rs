//! The adjudication queue: items whose reviews disagree, each with the reviews that currently
//! count side by side; and an item's review state.

use rusqlite::params;

use super::decision_rows::{DECISION_COLUMNS, item_log, read_decision};
use super::item_rows::{QUEUE_COLUMNS, VISIBLE, item_row_id, read_queue_entry};
use super::projection::required_reviews;
use super::{Store, parse_json};
use crate::domain::{Decision, QueueEntry};
use crate::error::Result;
use crate::team::{AdjudicationCase, ReviewState, alive, heads};

impl Store {
    /// The item's review state and required reviews.
    pub fn review_state(&self, external_id: &str) -> Result<(ReviewState, u32)> {
        let item_id = item_row_id(&self.conn, external_id)?;
        let state: String =
            self.conn
                .query_row("SELECT review FROM items WHERE id = ?1", [item_id], |r| {
                    r.get(0)
                })?;
        Ok((
            parse_json(&format!("\"{state}\""))?,
            required_reviews(&self.conn, item_id)?,
        ))
    }

    /// Items whose reviews disagree, in item order after row id `after`, each with the
    /// disagreeing reviews side by side (by reviewer name).
    pub fn adjudication_queue(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AdjudicationCase>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {QUEUE_COLUMNS} FROM items
             WHERE review = 'conflict' AND id > ?1 AND {VISIBLE} ORDER BY id LIMIT ?2"
        ))?;
        let entries = stmt
            .query_map(params![after.unwrap_or(0), limit.clamp(1, 1000)], |r| {
                read_queue_entry(r)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        entries
            .into_iter()
            .map(|entry| self.case_of(entry))
            .collect()
    }

    /// One item's case for adjudication (whatever its state): its current reviews.
    pub fn adjudication_case(&self, external_id: &str) -> Result<AdjudicationCase> {
        let item_id = item_row_id(&self.conn, external_id)?;
        let entry = self
            .conn
            .prepare_cached(&format!("SELECT {QUEUE_COLUMNS} FROM items WHERE id = ?1"))?
            .query_row([item_id], read_queue_entry)?;
        self.case_of(entry)
    }

    /// The case of the item `entry` shows: its current reviews.
    fn case_of(&self, entry: QueueEntry) -> Result<AdjudicationCase> {
        let decisions = self.current_reviews(entry.id)?;
        Ok(AdjudicationCase { entry, decisions })
    }

    /// The reviews that currently count for the item (see [`crate::team::heads`]), by reviewer.
    fn current_reviews(&self, item_id: i64) -> Result<Vec<Decision>> {
        let k = required_reviews(&self.conn, item_id)?;
        let log = item_log(&self.conn, item_id)?;
        let alive = alive(&log);
        let mut ids: Vec<(String, String)> = heads(&log, &alive, k)
            .into_iter()
            .map(|e| (e.reviewer.clone(), e.id.clone()))
            .collect();
        ids.sort();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE d.id = ?1"
        ))?;
        ids.iter()
            .map(|(_, id)| Ok(stmt.query_row([id], read_decision)?))
            .collect()
    }
}
