//! Item annotations — tags and the do-not-train flag. Unlike decisions they are mutable state
//! (a tag can be removed), kept in their own tables and never part of the decision log.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, now_text};
use crate::error::{Error, Result};

/// Longest accepted tag, in characters.
const MAX_TAG_CHARS: usize = 64;

impl Store {
    /// Adds `tag` (trimmed, lowercased) to the item; adding it twice is a no-op. Returns the
    /// item's tags, sorted.
    pub fn add_tag(&mut self, external_id: &str, tag: &str) -> Result<Vec<String>> {
        let tag = normalize_tag(tag)?;
        self.write(|tx| {
            let item_id = item_id(tx, external_id)?;
            tx.prepare_cached("INSERT OR IGNORE INTO item_tags (item_id, tag) VALUES (?1, ?2)")?
                .execute(params![item_id, tag])?;
            tags_of(tx, item_id)
        })
    }

    /// Removes `tag` from the item (a missing tag is a no-op). Returns the remaining tags.
    pub fn remove_tag(&mut self, external_id: &str, tag: &str) -> Result<Vec<String>> {
        let tag = normalize_tag(tag)?;
        self.write(|tx| {
            let item_id = item_id(tx, external_id)?;
            tx.prepare_cached("DELETE FROM item_tags WHERE item_id = ?1 AND tag = ?2")?
                .execute(params![item_id, tag])?;
            tags_of(tx, item_id)
        })
    }

    /// Sets or clears the do-not-train flag, recording who set it.
    pub fn set_do_not_train(
        &mut self,
        external_id: &str,
        reviewer: &str,
        flag: bool,
    ) -> Result<()> {
        self.write(|tx| {
            let item_id = item_id(tx, external_id)?;
            if flag {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO do_not_train (item_id, marked_by, marked_at)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![item_id, reviewer, now_text()])?;
            } else {
                tx.prepare_cached("DELETE FROM do_not_train WHERE item_id = ?1")?
                    .execute([item_id])?;
            }
            Ok(())
        })
    }

    /// Every tag in use, sorted: the choices of the queue's tag filter.
    pub fn all_tags(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT tag FROM item_tags ORDER BY tag")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every tag of every item as `(external id, tag)`, in item order: what `team push`
    /// copies onto a team server.
    pub fn every_tag(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.external_id, t.tag FROM item_tags t JOIN items i ON i.id = t.item_id
             ORDER BY t.item_id, t.tag",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every do-not-train mark as `(external id, marked by, marked at)`, in item order.
    pub fn every_do_not_train(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.external_id, n.marked_by, n.marked_at
               FROM do_not_train n JOIN items i ON i.id = n.item_id ORDER BY n.item_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds tags `(external id, tag)` as they are, in one transaction: a snapshot copies a
    /// team server's tags this way, so the tag filter finds on the copy what it found there.
    pub fn keep_tags(&mut self, tags: &[(String, String)]) -> Result<()> {
        self.write(|tx| {
            let mut add = tx
                .prepare_cached("INSERT OR IGNORE INTO item_tags (item_id, tag) VALUES (?1, ?2)")?;
            for (item, tag) in tags {
                add.execute(params![item_id(tx, item)?, tag])?;
            }
            Ok(())
        })
    }

    /// Marks items do-not-train `(external id, marked by, marked at)` in one transaction,
    /// keeping who marked them and when (a snapshot copies a team server's marks this way).
    pub fn keep_do_not_train(&mut self, marks: &[(String, String, String)]) -> Result<()> {
        self.write(|tx| {
            let mut mark = tx.prepare_cached(
                "INSERT OR IGNORE INTO do_not_train (item_id, marked_by, marked_at)
                 VALUES (?1, ?2, ?3)",
            )?;
            for (item, by, at) in marks {
                mark.execute(params![item_id(tx, item)?, by, at])?;
            }
            Ok(())
        })
    }
}

pub(super) fn tags_of(conn: &Connection, item_id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT tag FROM item_tags WHERE item_id = ?1 ORDER BY tag")?;
    let rows = stmt.query_map([item_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn is_do_not_train(conn: &Connection, item_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM do_not_train WHERE item_id = ?1")?
        .query_row([item_id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn item_id(conn: &Connection, external_id: &str) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM items WHERE external_id = ?1")?
        .query_row([external_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))
}

/// `tag` trimmed and in lower case, or why it cannot be one.
pub(crate) fn normalize_tag(tag: &str) -> Result<String> {
    let tag = tag.trim().to_lowercase();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "a tag is 1–{MAX_TAG_CHARS} printable characters"
        )));
    }
    Ok(tag)
}
