//! Relationship items a reviewer has accepted (approved or edited): what conflict detection
//! compares against and what the graph and dbt exports write out.

use super::Store;
use crate::domain::{Decision, EditedContent, Item, ItemBody, Relation, RelationshipBody};
use crate::error::Result;

/// An accepted relationship item with the relation a reviewer stands behind.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovedRelationship {
    pub item: String,
    pub body: RelationshipBody,
    /// The edited relation for an edit, else the proposal. May be `not_related`.
    pub relation: Relation,
    /// The latest decision: who accepted it, and when.
    pub decision: Decision,
}

/// The relation an item currently stands for: its latest edit, else the proposal.
pub fn current_relation(item: &Item) -> Option<&Relation> {
    let ItemBody::Relationship(body) = &item.body else {
        return None;
    };
    Some(relation_after(body, item.latest_edit.as_ref()))
}

/// The relation a relationship item stands for after `latest_edit` (the edit of its effective
/// decision, if any): the edited relation, else the proposal.
pub(super) fn relation_after<'a>(
    body: &'a RelationshipBody,
    latest_edit: Option<&'a EditedContent>,
) -> &'a Relation {
    match latest_edit {
        Some(EditedContent::Relationship { relation }) => relation,
        _ => &body.relation,
    }
}

impl Store {
    /// Every approved or edited relationship item, in import order.
    pub fn approved_relationships(&self) -> Result<Vec<ApprovedRelationship>> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                // Through the relationships' own index, not the status index every approved
                // answer is in too.
                "SELECT external_id FROM items INDEXED BY items_relationships
                 WHERE kind = 'relationship' AND status IN ('approved', 'edited') ORDER BY id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut approved = Vec::with_capacity(ids.len());
        for id in ids {
            let item = self.item(&id)?;
            let relation = current_relation(&item).cloned();
            let decision = self.history(&id)?.pop();
            if let (ItemBody::Relationship(body), Some(relation), Some(decision)) =
                (item.body, relation, decision)
            {
                approved.push(ApprovedRelationship {
                    item: id,
                    body,
                    relation,
                    decision,
                });
            }
        }
        Ok(approved)
    }
}
