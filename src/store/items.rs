//! The `items` and `evidence` tables: insertion of validated items and loading an item for
//! review (the queue is in `queue.rs`).

use rusqlite::{CachedStatement, OptionalExtension, Row, Transaction, params};

use super::annotations::{is_do_not_train, tags_of};
use super::decision_rows::effective_decision;
use super::item_rows::{VISIBLE, evidence_of, read_body};
use super::{Store, parse_json, parse_time};
use crate::domain::{AnswerBody, Candidate, Item, ItemBody, RelationshipBody, Vetting};
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
pub(crate) enum Inserted {
    /// Stored.
    New,
    /// Same external id and same content hash: already imported.
    AlreadyPresent,
    /// Same external id, different content.
    Clash,
    /// The id belongs to another import that has not finished yet.
    Unfinished,
    /// Only from [`check_item`]: the id is not stored.
    Absent,
}

/// [`StoredPayload`] borrowed from an item, for writing: the same JSON without copying the text.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum StoredPayloadRef<'a> {
    Answer {
        question: &'a str,
        answer: &'a str,
    },
    Relationship(&'a RelationshipBody),
    Comparison {
        question: &'a str,
        candidates: &'a [Candidate],
    },
}

/// An item with every SQL value its rows need already computed (payload, vetting and metadata
/// JSON, title, full-text context), so that an import can build them on its reading thread
/// and its writing thread only calls SQLite.
#[derive(Debug, Clone)]
pub struct PreparedItem {
    pub item: NewItem,
    /// `None` for answers, whose title is the question.
    title: Option<String>,
    payload: String,
    vetting: Option<String>,
    metadata: String,
    /// Answers: the full-text `context` column ([`answer_search_text`]).
    search_context: Option<String>,
}

impl PreparedItem {
    pub fn new(item: NewItem) -> PreparedItem {
        let (title, payload, search_context) = match &item.body {
            ItemBody::Answer(a) => (
                None,
                StoredPayloadRef::Answer {
                    question: &a.question,
                    answer: &a.answer,
                },
                answer_search_text(a).2,
            ),
            ItemBody::Relationship(r) => (
                Some(item.body.title()),
                StoredPayloadRef::Relationship(r),
                None,
            ),
            ItemBody::Comparison(c) => (
                Some(item.body.title()),
                StoredPayloadRef::Comparison {
                    question: &c.question,
                    candidates: &c.candidates,
                },
                None,
            ),
        };
        let payload = serde_json::to_string(&payload).expect("payload serializes");
        PreparedItem {
            title,
            payload,
            vetting: item
                .vetting
                .as_ref()
                .map(|v| serde_json::to_string(v).expect("vetting serializes")),
            metadata: item.metadata.to_string(),
            search_context,
            item,
        }
    }

    /// The queue title (an answer's question).
    pub(crate) fn title(&self) -> &str {
        match (&self.title, &self.item.body) {
            (Some(title), _) => title,
            (None, ItemBody::Answer(a)) => &a.question,
            (None, _) => unreachable!("only answers take their title from the body"),
        }
    }

    /// The kind's body as stored JSON.
    pub(crate) fn payload(&self) -> &str {
        &self.payload
    }

    /// The vetting verdict as stored JSON.
    pub(crate) fn vetting(&self) -> Option<&str> {
        self.vetting.as_deref()
    }

    /// The metadata as stored JSON.
    pub(crate) fn metadata(&self) -> &str {
        &self.metadata
    }

    /// What full-text search indexes, as one text (a team server's `search_text`): the title,
    /// body and context a local database's index (the `item_search_text` view) holds — an
    /// answer's question, answer and passages; a relationship's title, rationale, products,
    /// fields and relation type; a comparison's question.
    pub(crate) fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.title()];
        match &self.item.body {
            ItemBody::Answer(a) => {
                parts.push(&a.answer);
                parts.extend(self.search_context.as_deref());
            }
            ItemBody::Relationship(r) => {
                parts.push(&r.rationale);
                for side in [&r.source, &r.target] {
                    parts.push(&side.product);
                    parts.extend(side.fields.iter().map(|f| f.name.as_str()));
                }
                parts.push(&r.relation.relation_type);
            }
            ItemBody::Comparison(_) => {}
        }
        parts.join("\n")
    }
}

/// The statements that write an item, prepared once for a whole batch.
pub(crate) struct ItemWriter<'tx> {
    item: CachedStatement<'tx>,
    evidence: CachedStatement<'tx>,
    answer_search: CachedStatement<'tx>,
}

impl<'tx> ItemWriter<'tx> {
    pub(crate) fn new(tx: &'tx Transaction<'_>) -> Result<ItemWriter<'tx>> {
        Ok(ItemWriter {
            item: tx.prepare_cached(
                "INSERT INTO items (external_id, kind, domain, model, title, payload, vetting, metadata,
                                    content_hash, created_at, updated_at, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)
                 ON CONFLICT (external_id) DO NOTHING",
            )?,
            evidence: tx.prepare_cached(
                "INSERT INTO evidence (item_id, position, passage_id, title, text, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            answer_search: tx.prepare_cached(
                "INSERT INTO items_fts (rowid, title, body, context) VALUES (?1, ?2, ?3, ?4)",
            )?,
        })
    }

    /// Inserts `prepared` as part of import `import_id` (`None` for items created outside an
    /// import, e.g. by the LLM roles) unless its external id is taken; `now` is the creation
    /// time. The insert is tried first (the common case of a new item costs one statement) and
    /// the existing row is only read when the id is already taken.
    pub(crate) fn insert(
        &mut self,
        tx: &Transaction<'_>,
        prepared: &PreparedItem,
        import_id: Option<i64>,
        now: &str,
    ) -> Result<Inserted> {
        let item = &prepared.item;
        let inserted = self.item.execute(params![
            item.external_id,
            item.body.kind().as_str(),
            item.domain,
            item.model,
            prepared.title(),
            prepared.payload,
            prepared.vetting,
            prepared.metadata,
            item.content_hash,
            now,
            import_id,
        ])?;
        if inserted == 0 {
            return check_item(tx, item, import_id);
        }
        let item_id = tx.last_insert_rowid();
        if let Some((_, evidence)) = item.body.question_and_evidence() {
            for (position, e) in evidence.iter().enumerate() {
                self.evidence.execute(params![
                    item_id,
                    position as i64,
                    e.id,
                    e.title,
                    e.text,
                    e.source
                ])?;
            }
        }
        match &item.body {
            ItemBody::Answer(a) => {
                // Indexed from the values at hand, which is measurably faster than re-reading
                // the JSON payload; this must produce exactly what the `item_search_text` view
                // does (a test compares them).
                self.answer_search.execute(params![
                    item_id,
                    a.question,
                    a.answer,
                    prepared.search_context
                ])?;
            }
            // Relationships and comparisons (rare in large imports) are indexed through the view.
            ItemBody::Relationship(_) | ItemBody::Comparison(_) => {
                tx.prepare_cached(
                    "INSERT INTO items_fts (rowid, title, body, context)
                     SELECT id, title, body, context FROM item_search_text WHERE id = ?1",
                )?
                .execute([item_id])?;
            }
        }
        Ok(Inserted::New)
    }
}

/// Inserts one item (see [`ItemWriter::insert`]).
pub(crate) fn insert_item(
    tx: &Transaction<'_>,
    item: &NewItem,
    import_id: Option<i64>,
    now: &str,
) -> Result<Inserted> {
    ItemWriter::new(tx)?.insert(tx, &PreparedItem::new(item.clone()), import_id, now)
}

/// What full-text search indexes of an answer: question, answer, and each evidence passage as
/// `title text`, one per line (`NULL` without evidence, like the view's `group_concat`).
pub(crate) fn answer_search_text(a: &AnswerBody) -> (&str, &str, Option<String>) {
    let context = (!a.evidence.is_empty()).then(|| {
        let len = a
            .evidence
            .iter()
            .map(|e| e.title.len() + e.text.len() + 2)
            .sum();
        let mut context = String::with_capacity(len);
        for (i, e) in a.evidence.iter().enumerate() {
            if i > 0 {
                context.push('\n');
            }
            context.push_str(&e.title);
            context.push(' ');
            context.push_str(&e.text);
        }
        context
    });
    (&a.question, &a.answer, context)
}

/// How `item` relates to what is stored under its external id, without writing anything.
pub(crate) fn check_item(
    tx: &Transaction<'_>,
    item: &NewItem,
    import_id: Option<i64>,
) -> Result<Inserted> {
    let found: Option<(String, Option<i64>, bool)> = tx
        .prepare_cached(
            "SELECT content_hash, import_id,
                    EXISTS (SELECT 1 FROM imports s WHERE s.id = items.import_id AND s.state = 'running')
             FROM items WHERE external_id = ?1",
        )?
        .query_row([&item.external_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((hash, owner, running)) = found else {
        return Ok(Inserted::Absent);
    };
    Ok(if running && owner != import_id {
        Inserted::Unfinished
    } else if hash == item.content_hash {
        Inserted::AlreadyPresent
    } else {
        Inserted::Clash
    })
}

impl Store {
    /// The highest item id so far (0 for none): items added later have higher ids.
    pub fn last_item_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM items")?
            .query_row([], |r| r.get(0))?)
    }

    /// The items added after item `id` ([`Store::last_item_id`]), as `(id, external id)` in
    /// the order they were added.
    pub fn items_added_after(&self, id: i64) -> Result<Vec<(i64, String)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, external_id FROM items WHERE id > ?1 ORDER BY id")?;
        let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Loads one item by its external id, with its evidence, latest edit, tags and do-not-train
    /// flag (`sensitive` and `claims` empty: see [`Store::item_shown`]).
    pub fn item(&self, external_id: &str) -> Result<Item> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, kind, domain, model, status, version, payload, vetting, metadata,
                        created_at, updated_at, assessment
                 FROM items WHERE external_id = ?1 AND {VISIBLE}",
            ))?
            .query_row([external_id], |r| {
                Ok((r.get::<_, i64>(0)?, read_item(external_id, r)?))
            })
            .optional()?;
        let (item_id, mut item) = row.ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        if let Some(evidence) = item.body.evidence_mut() {
            *evidence = evidence_of(&self.conn, item_id)?;
        }
        item.latest_edit = effective_decision(&self.conn, item_id)?.and_then(|d| d.edited);
        item.tags = tags_of(&self.conn, item_id)?;
        item.do_not_train = is_do_not_train(&self.conn, item_id)?;
        Ok(item)
    }

    /// [`Store::item`] as a reviewer is shown it: with the privacy screen's findings
    /// (`Item.sensitive`) and an answer's claims with their grounding hints (`Item.claims`).
    /// Those cost tens of microseconds per item, so work that loads items in bulk (sync, the
    /// model roles) uses [`Store::item`].
    pub fn item_shown(&self, external_id: &str) -> Result<Item> {
        let mut item = self.item(external_id)?;
        item.add_review_aids();
        Ok(item)
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
        assessment: r
            .get::<_, Option<String>>(11)?
            .map(|v| parse_json(&v))
            .transpose()?,
        latest_edit: None,
        tags: Vec::new(),
        do_not_train: false,
        sensitive: Vec::new(),
        claims: Vec::new(),
        created_at: parse_time(&r.get::<_, String>(9)?)?,
        updated_at: parse_time(&r.get::<_, String>(10)?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_record;

    #[test]
    fn answers_are_indexed_exactly_as_the_search_view_describes_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        for evidence in [
            serde_json::json!([]),
            serde_json::json!([{"id": "1", "text": "Churn was 3%."},
                               {"id": "2", "title": "Q3", "text": "Revenue was $12M."}]),
        ] {
            let item = parse_record(serde_json::json!({
                "kind": "answer", "id": format!("a-{}", evidence.to_string().len()),
                "domain": "d", "model": "m", "question": "Q?", "answer": "A.",
                "evidence": evidence,
            }))
            .unwrap();
            let ItemBody::Answer(answer) = &item.body else {
                unreachable!()
            };
            let (title, body, context) = answer_search_text(answer);
            let mut staged = store.begin_import("test").unwrap();
            staged.offer(&[&item], true).unwrap();
            staged.finish("").unwrap();
            let from_view: (String, String, Option<String>) = store
                .conn()
                .query_row(
                    "SELECT title, body, context FROM item_search_text
                     WHERE id = (SELECT id FROM items WHERE external_id = ?1)",
                    [&item.external_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert_eq!(
                (title, body, context),
                (from_view.0.as_str(), from_view.1.as_str(), from_view.2),
                "the importer and the migration's view must index the same text"
            );
        }
    }
}
