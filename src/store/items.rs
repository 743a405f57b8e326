//! The `items` and `evidence` tables: insertion of validated items and loading an item for
//! review (the queue is in `queue.rs`).

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::annotations::{is_do_not_train, tags_of};
use super::decisions::effective_decision;
use super::{Store, now_text, parse_json, parse_time};
use crate::domain::{AnswerBody, Evidence, Item, ItemBody, ItemKind, RelationshipBody, Vetting};
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
        item.latest_edit = effective_decision(&self.conn, item_id)?.and_then(|d| d.edited);
        item.tags = tags_of(&self.conn, item_id)?;
        item.do_not_train = is_do_not_train(&self.conn, item_id)?;
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
}

/// The item's body as the model produced it (without evidence): what an edit is measured against.
pub(super) fn body_of(conn: &Connection, item_id: i64) -> Result<ItemBody> {
    Ok(conn
        .prepare_cached("SELECT kind, payload FROM items WHERE id = ?1")?
        .query_row([item_id], |r| {
            parse_body(r.get(0)?, &r.get::<_, String>(1)?)
        })?)
}

fn parse_body(kind: ItemKind, payload: &str) -> rusqlite::Result<ItemBody> {
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

fn read_item(external_id: &str, r: &Row<'_>) -> rusqlite::Result<Item> {
    let body = parse_body(r.get(1)?, &r.get::<_, String>(6)?)?;
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
        tags: Vec::new(),
        do_not_train: false,
        created_at: parse_time(&r.get::<_, String>(9)?)?,
        updated_at: parse_time(&r.get::<_, String>(10)?)?,
    })
}
