//! The `items` and `evidence` tables: insertion of validated items, loading an item for review,
//! and the keyset-paged queue.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Store, now_text, parse_json, parse_time};
use crate::domain::{
    AnswerBody, Evidence, Item, ItemBody, ItemKind, ItemStatus, QueueEntry, QueuePage,
    RelationshipBody, StatusCounts, Vetting,
};
use crate::error::{Error, Result};

/// An item ready to be stored: validated and hashed by the importer.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub external_id: String,
    pub domain: String,
    pub model: String,
    pub body: ItemBody,
    pub vetting: Option<Vetting>,
    pub metadata: serde_json::Value,
    pub content_hash: String,
}

/// What happened to one item offered to [`insert_item`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// Same external id and same content hash: already imported.
    AlreadyPresent,
    /// Same external id, different content.
    Clash,
}

/// The kind-specific columns of an item, without its evidence (stored in its own table).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum StoredPayload {
    Answer { question: String, answer: String },
    Relationship(Box<RelationshipBody>),
}

pub(crate) fn insert_item(tx: &Transaction<'_>, item: &NewItem) -> Result<Inserted> {
    let existing: Option<String> = tx
        .prepare_cached("SELECT content_hash FROM items WHERE external_id = ?1")?
        .query_row([&item.external_id], |r| r.get(0))
        .optional()?;
    if let Some(hash) = existing {
        return Ok(if hash == item.content_hash {
            Inserted::AlreadyPresent
        } else {
            Inserted::Clash
        });
    }
    let (kind, payload, evidence) = match &item.body {
        ItemBody::Answer(a) => (
            "answer",
            StoredPayload::Answer {
                question: a.question.clone(),
                answer: a.answer.clone(),
            },
            a.evidence.as_slice(),
        ),
        ItemBody::Relationship(r) => (
            "relationship",
            StoredPayload::Relationship(Box::new(r.clone())),
            &[][..],
        ),
    };
    let now = now_text();
    tx.prepare_cached(
        "INSERT INTO items (external_id, kind, domain, model, title, payload, vetting, metadata,
                            content_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        item.external_id,
        kind,
        item.domain,
        item.model,
        item.body.title(),
        serde_json::to_string(&payload).expect("payload serializes"),
        item.vetting
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("vetting serializes")),
        item.metadata.to_string(),
        item.content_hash,
        now,
    ])?;
    let item_id = tx.last_insert_rowid();
    let mut insert_evidence = tx.prepare_cached(
        "INSERT INTO evidence (item_id, position, passage_id, title, text, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, e) in evidence.iter().enumerate() {
        insert_evidence.execute(params![
            item_id,
            position as i64,
            e.id,
            e.title,
            e.text,
            e.source
        ])?;
    }
    Ok(Inserted::New)
}

/// Which part of the queue to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct QueueFilter {
    pub status: Option<ItemStatus>,
}

impl Store {
    /// Loads one item by its external id, with its evidence and latest edit.
    pub fn item(&self, external_id: &str) -> Result<Item> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, kind, domain, model, status, version, payload, vetting, metadata,
                        created_at, updated_at
                 FROM items WHERE external_id = ?1",
            )?
            .query_row([external_id], |r| {
                Ok((r.get::<_, i64>(0)?, read_item(external_id, r)?))
            })
            .optional()?;
        let (item_id, mut item) = row.ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        if let ItemBody::Answer(answer) = &mut item.body {
            answer.evidence = self.evidence(item_id)?;
        }
        item.latest_edit = self.latest_edit(item_id)?;
        Ok(item)
    }

    fn evidence(&self, item_id: i64) -> Result<Vec<Evidence>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT passage_id, title, text, source FROM evidence WHERE item_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([item_id], |r| {
            Ok(Evidence {
                id: r.get(0)?,
                title: r.get(1)?,
                text: r.get(2)?,
                source: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One page of the queue, ordered by row id, strictly after `after` (keyset, never OFFSET).
    pub fn queue_page(
        &self,
        filter: QueueFilter,
        after: Option<i64>,
        limit: u32,
    ) -> Result<QueuePage> {
        let limit = limit.clamp(1, 1000);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, external_id, kind, domain, model, title, status, vetting ->> '$.verdict'
             FROM items
             WHERE id > ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY id
             LIMIT ?3",
        )?;
        let entries = stmt
            .query_map(params![after.unwrap_or(0), filter.status, limit], |r| {
                Ok(QueueEntry {
                    id: r.get(0)?,
                    external_id: r.get(1)?,
                    kind: r.get(2)?,
                    domain: r.get(3)?,
                    model: r.get(4)?,
                    title: r.get(5)?,
                    status: r.get(6)?,
                    verdict: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next_after = (entries.len() == limit as usize)
            .then(|| entries.last().map(|e| e.id))
            .flatten();
        Ok(QueuePage {
            entries,
            next_after,
        })
    }

    /// Number of items in each status.
    pub fn status_counts(&self) -> Result<StatusCounts> {
        let mut counts = StatusCounts::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, count(*) FROM items GROUP BY status")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let n: i64 = row.get(1)?;
            match row.get(0)? {
                ItemStatus::Pending => counts.pending = n,
                ItemStatus::Approved => counts.approved = n,
                ItemStatus::Edited => counts.edited = n,
                ItemStatus::Rejected => counts.rejected = n,
            }
        }
        Ok(counts)
    }
}

fn read_item(external_id: &str, r: &Row<'_>) -> rusqlite::Result<Item> {
    let body = read_body(r.get(1)?, &r.get::<_, String>(6)?)?;
    Ok(Item {
        external_id: external_id.to_owned(),
        domain: r.get(2)?,
        model: r.get(3)?,
        status: r.get(4)?,
        version: r.get(5)?,
        body,
        vetting: r
            .get::<_, Option<String>>(7)?
            .map(|v| parse_json(&v))
            .transpose()?,
        metadata: parse_json(&r.get::<_, String>(8)?)?,
        latest_edit: None,
        created_at: parse_time(&r.get::<_, String>(9)?)?,
        updated_at: parse_time(&r.get::<_, String>(10)?)?,
    })
}

/// An item's body from its `kind` and `payload` columns; an answer's evidence is stored in its
/// own table, so it comes back empty here.
pub(crate) fn read_body(kind: ItemKind, payload: &str) -> rusqlite::Result<ItemBody> {
    let payload: StoredPayload = parse_json(payload)?;
    Ok(match (kind, payload) {
        (ItemKind::Answer, StoredPayload::Answer { question, answer }) => {
            ItemBody::Answer(AnswerBody {
                question,
                answer,
                evidence: Vec::new(),
            })
        }
        (ItemKind::Relationship, StoredPayload::Relationship(r)) => ItemBody::Relationship(*r),
        _ => {
            return Err(rusqlite::Error::InvalidColumnType(
                6,
                "payload does not match kind".into(),
                rusqlite::types::Type::Text,
            ));
        }
    })
}
