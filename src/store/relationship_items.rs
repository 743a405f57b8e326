//! Every relationship item with the relation it stands for now, read in one pass: what the review
//! graph draws. Cheap at thousands of items: one query, and a decision lookup only for edited ones.

use super::Store;
use super::approved_relationships::relation_after;
use super::decision_rows::effective_decision;
use super::item_rows::{VISIBLE, read_body};
use crate::domain::{ItemBody, ItemKind, ItemStatus, Relation, RelationshipBody};
use crate::error::Result;
use crate::relation_evidence::Accepted;

/// A relationship item as the review graph sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipItem {
    pub item: String,
    pub domain: String,
    pub status: ItemStatus,
    pub body: RelationshipBody,
    /// What the item stands for now (see [`super::current_relation`]); may be `not_related`.
    pub relation: Relation,
}

impl RelationshipItem {
    /// The item as conflict detection reads it, when a reviewer accepted it (approved or
    /// edited); `None` otherwise.
    pub fn accepted(&self) -> Option<Accepted<'_>> {
        matches!(self.status, ItemStatus::Approved | ItemStatus::Edited).then_some(Accepted {
            item: &self.item,
            body: &self.body,
            relation: &self.relation,
        })
    }
}

impl Store {
    /// Every visible relationship item, in import order.
    pub fn relationship_items(&self) -> Result<Vec<RelationshipItem>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, external_id, domain, status, payload FROM items
             WHERE kind = 'relationship' AND {VISIBLE} ORDER BY id"
        ))?;
        let rows = stmt
            .query_map([], |r| {
                let body = read_body(ItemKind::Relationship, &r.get::<_, String>(4)?)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, ItemStatus>(3)?,
                    body,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut items = Vec::with_capacity(rows.len());
        for (row_id, item, domain, status, body) in rows {
            let ItemBody::Relationship(body) = body else {
                continue;
            };
            // Only an edit changes the relation, and only an `edited` item's effective decision
            // is an edit: the others need no decision lookup.
            let edit = match status {
                ItemStatus::Edited => {
                    effective_decision(&self.conn, row_id)?.and_then(|d| d.edited)
                }
                _ => None,
            };
            let relation = relation_after(&body, edit.as_ref()).clone();
            items.push(RelationshipItem {
                item,
                domain,
                status,
                body,
                relation,
            });
        }
        Ok(items)
    }
}
