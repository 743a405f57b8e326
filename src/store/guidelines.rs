//! Review guidelines per domain (markdown), shown next to the items of that domain. A
//! decision's note can be promoted into a guideline; the entry then links back to the item and
//! decision it came from. Invariants: a note is promoted at most once (promoting it again
//! returns the existing entry); archived entries are never listed but keep their links.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Store, now_text, parse_time};
use crate::error::{Error, Result};

/// Longest accepted guideline body, in characters.
pub const MAX_GUIDELINE_CHARS: usize = 20_000;

/// One guideline entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Guideline {
    #[ts(type = "number")]
    pub id: i64,
    pub domain: String,
    /// Markdown, rendered like any other untrusted text (sanitized, no remote content).
    pub body: String,
    /// External id of the item whose decision note this was promoted from.
    pub source_item: Option<String>,
    /// Id of that decision.
    pub source_decision: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "g.id, g.domain, g.body, i.external_id, g.source_decision, g.created_by,
     g.created_at, g.updated_by, g.updated_at
     FROM guidelines g LEFT JOIN items i ON i.id = g.source_item";

impl Store {
    /// The domain's guidelines, oldest first.
    pub fn guidelines(&self, domain: &str) -> Result<Vec<Guideline>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} WHERE g.domain = ?1 AND g.archived = 0 ORDER BY g.id"
        ))?;
        let rows = stmt.query_map([domain], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every guideline, archived ones too (`true`), oldest first: what `team push` copies.
    pub fn every_guideline(&self) -> Result<Vec<(Guideline, bool)>> {
        let archived: std::collections::HashSet<i64> = self
            .conn
            .prepare("SELECT id FROM guidelines WHERE archived = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} ORDER BY g.id"))?;
        let rows = stmt.query_map([], read)?;
        rows.map(|g| {
            let g = g?;
            let gone = archived.contains(&g.id);
            Ok((g, gone))
        })
        .collect()
    }

    /// Adds guidelines as they are (ids, authors, times, state; the links by external item id
    /// and decision id), in one transaction: a snapshot copies a team server's guidelines into
    /// a new database this way, so their ids are the server's.
    pub fn keep_guidelines(&mut self, entries: &[(Guideline, bool)]) -> Result<()> {
        let time =
            |t: &chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.write(|tx| {
            let mut add = tx.prepare_cached(
                "INSERT INTO guidelines (id, domain, body, source_item, source_decision,
                                         created_by, created_at, updated_by, updated_at,
                                         archived)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut item_id = tx.prepare_cached("SELECT id FROM items WHERE external_id = ?1")?;
            for (g, archived) in entries {
                let item: Option<i64> = match &g.source_item {
                    Some(external) => Some(
                        item_id
                            .query_row([external], |r| r.get(0))
                            .optional()?
                            .ok_or_else(|| Error::ItemNotFound(external.clone()))?,
                    ),
                    None => None,
                };
                add.execute(params![
                    g.id,
                    g.domain,
                    g.body,
                    item,
                    g.source_decision,
                    g.created_by,
                    time(&g.created_at),
                    g.updated_by,
                    time(&g.updated_at),
                    archived
                ])?;
            }
            Ok(())
        })
    }

    /// Adds a guideline to `domain`.
    pub fn add_guideline(&mut self, domain: &str, body: &str, author: &str) -> Result<Guideline> {
        let domain = domain.trim();
        if domain.is_empty() {
            return Err(Error::BadRequest("a guideline needs a domain".into()));
        }
        let body = checked_body(body)?;
        self.write(|tx| {
            let now = now_text();
            tx.prepare_cached(
                "INSERT INTO guidelines (domain, body, created_by, created_at, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?4)",
            )?
            .execute(params![domain, body, author, now])?;
            by_id(tx, tx.last_insert_rowid())
        })
    }

    /// Promotes the note of decision `decision_id` into a guideline of its item's domain,
    /// linked to the item and decision. Promoting the same note again returns the same entry.
    pub fn promote_note(&mut self, decision_id: &str, author: &str) -> Result<Guideline> {
        self.write(|tx| {
            let existing: Option<i64> = tx
                .prepare_cached("SELECT id FROM guidelines WHERE source_decision = ?1")?
                .query_row([decision_id], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing {
                return by_id(tx, id);
            }
            let (item_id, domain, note): (i64, String, Option<String>) = tx
                .prepare_cached(
                    "SELECT d.item_id, i.domain, d.note FROM decisions d
                     JOIN items i ON i.id = d.item_id WHERE d.id = ?1",
                )?
                .query_row([decision_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or_else(|| Error::NotFound(format!("no decision with id '{decision_id}'")))?;
            let note = note.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
                Error::BadRequest(format!(
                    "decision '{decision_id}' has no note to promote; add a guideline instead"
                ))
            })?;
            let body = checked_body(&note)?;
            let now = now_text();
            tx.prepare_cached(
                "INSERT INTO guidelines (domain, body, source_item, source_decision, created_by,
                                         created_at, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
            )?
            .execute(params![domain, body, item_id, decision_id, author, now])?;
            by_id(tx, tx.last_insert_rowid())
        })
    }

    /// Replaces a guideline's text.
    pub fn update_guideline(&mut self, id: i64, body: &str, author: &str) -> Result<Guideline> {
        let body = checked_body(body)?;
        self.write(|tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE guidelines SET body = ?2, updated_by = ?3, updated_at = ?4
                     WHERE id = ?1 AND archived = 0",
                )?
                .execute(params![id, body, author, now_text()])?;
            if changed == 0 {
                return Err(not_found(id));
            }
            by_id(tx, id)
        })
    }

    /// Archives a guideline: it is no longer listed.
    pub fn archive_guideline(&mut self, id: i64, author: &str) -> Result<()> {
        self.write(|tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE guidelines SET archived = 1, updated_by = ?2, updated_at = ?3
                     WHERE id = ?1 AND archived = 0",
                )?
                .execute(params![id, author, now_text()])?;
            if changed == 0 {
                return Err(not_found(id));
            }
            Ok(())
        })
    }
}

/// `body` trimmed, or why it cannot be a guideline (empty, or over [`MAX_GUIDELINE_CHARS`]).
pub(crate) fn checked_body(body: &str) -> Result<&str> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_GUIDELINE_CHARS {
        return Err(Error::BadRequest(format!(
            "a guideline is 1–{MAX_GUIDELINE_CHARS} characters of markdown"
        )));
    }
    Ok(body)
}

pub(crate) fn not_found(id: i64) -> Error {
    Error::NotFound(format!("no guideline #{id} (it may have been removed)"))
}

fn by_id(conn: &Connection, id: i64) -> Result<Guideline> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} WHERE g.id = ?1"))?
        .query_row([id], read)?)
}

fn read(r: &Row<'_>) -> rusqlite::Result<Guideline> {
    Ok(Guideline {
        id: r.get(0)?,
        domain: r.get(1)?,
        body: r.get(2)?,
        source_item: r.get(3)?,
        source_decision: r.get(4)?,
        created_by: r.get(5)?,
        created_at: parse_time(&r.get::<_, String>(6)?)?,
        updated_by: r.get(7)?,
        updated_at: parse_time(&r.get::<_, String>(8)?)?,
    })
}
