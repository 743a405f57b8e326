//! Reading `items` rows shared by several modules: the visibility condition, the queue row, the
//! body as the model produced it. The bottom of the store's modules, next to `decision_rows`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::parse_json;
use crate::domain::{
    AnswerBody, Candidate, ComparisonBody, Evidence, ItemBody, ItemKind, QueueEntry,
    RelationshipBody,
};
use crate::error::{Error, Result};

/// SQL condition (on an `items` row aliased `items`) that hides items of unfinished imports.
pub(crate) const VISIBLE: &str = "NOT EXISTS (SELECT 1 FROM imports s
     WHERE s.id = items.import_id AND s.state = 'running')";

/// SQL query of the ids of items of unfinished imports (through the `import_id` index).
pub(crate) const UNFINISHED_IDS: &str = "SELECT id FROM items
     WHERE import_id IN (SELECT id FROM imports WHERE state = 'running')";

/// The kind-specific columns of an item, without its evidence (stored in its own table).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum StoredPayload {
    Answer {
        question: String,
        answer: String,
    },
    Comparison {
        question: String,
        candidates: Vec<Candidate>,
    },
    Relationship(Box<RelationshipBody>),
}

/// An item's body from its `kind` and `payload` columns; the evidence of an answer or a
/// comparison is stored in its own table, so it comes back empty here.
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
        (
            ItemKind::Comparison,
            StoredPayload::Comparison {
                question,
                candidates,
            },
        ) => ItemBody::Comparison(ComparisonBody {
            question,
            candidates,
            evidence: Vec::new(),
        }),
        _ => {
            return Err(rusqlite::Error::InvalidColumnType(
                6,
                "payload does not match kind".into(),
                rusqlite::types::Type::Text,
            ));
        }
    })
}

/// The item's body as the model produced it (without evidence): what an edit is measured against.
pub(super) fn body_of(conn: &Connection, item_id: i64) -> Result<ItemBody> {
    Ok(conn
        .prepare_cached("SELECT kind, payload FROM items WHERE id = ?1")?
        .query_row([item_id], |r| read_body(r.get(0)?, &r.get::<_, String>(1)?))?)
}

/// The evidence passages of an answer or comparison item, in order.
pub(super) fn evidence_of(conn: &Connection, item_id: i64) -> Result<Vec<Evidence>> {
    let mut stmt = conn.prepare_cached(
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

/// Columns read by [`read_queue_entry`], from a table aliased `items`.
pub(crate) const QUEUE_COLUMNS: &str = "items.id, items.external_id, items.kind, items.domain,
     items.model, items.title, items.status, items.vetting ->> '$.verdict'";

pub(crate) fn read_queue_entry(r: &Row<'_>) -> rusqlite::Result<QueueEntry> {
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
}

/// The row id of a visible item.
pub(super) fn item_row_id(conn: &Connection, external_id: &str) -> Result<i64> {
    conn.prepare_cached(&format!(
        "SELECT id FROM items WHERE external_id = ?1 AND {VISIBLE}"
    ))?
    .query_row([external_id], |r| r.get(0))
    .optional()?
    .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))
}
