//! Conflicts between a relation and the relationships reviewers have already accepted.
//!
//! Three kinds, each checked against every other accepted item (never the item itself):
//! - the same source fields of the same product already point at another target;
//! - the same mapping (in either direction) was accepted with a contradictory cardinality
//!   (`A→B N:1` contradicts `B→A 1:1`, agrees with `B→A 1:N`);
//! - the same mapping was accepted as related on one side and marked `not_related` on the other.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Relation, RelationshipBody};
use crate::store::ApprovedRelationship;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConflictKind {
    SameSourceOtherTarget,
    ContradictoryCardinality,
    RelatedVersusNotRelated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// The accepted item this relation disagrees with.
    pub other_item: String,
    pub message: String,
}

/// One end of a mapping: a product and its fields, in mapping order.
#[derive(PartialEq)]
struct End<'a> {
    product: &'a str,
    fields: Vec<&'a str>,
}

fn ends<'a>(body: &'a RelationshipBody, relation: &'a Relation) -> (End<'a>, End<'a>) {
    let mut pairs: Vec<(&str, &str)> = relation
        .mapping
        .iter()
        .map(|p| (p.source_field.as_str(), p.target_field.as_str()))
        .collect();
    pairs.sort();
    (
        End {
            product: &body.source.product,
            fields: pairs.iter().map(|p| p.0).collect(),
        },
        End {
            product: &body.target.product,
            fields: pairs.iter().map(|p| p.1).collect(),
        },
    )
}

fn describe(body: &RelationshipBody, relation: &Relation) -> String {
    let (source, target) = ends(body, relation);
    format!(
        "{}.{} → {}.{} ({} {})",
        source.product,
        source.fields.join("+"),
        target.product,
        target.fields.join("+"),
        relation.relation_type,
        relation.cardinality.as_str()
    )
}

/// What conflict detection reads of an accepted (approved or edited) relationship item.
#[derive(Debug, Clone, Copy)]
pub struct Accepted<'a> {
    pub item: &'a str,
    pub body: &'a RelationshipBody,
    /// The relation the reviewer stands behind (the edit, else the proposal).
    pub relation: &'a Relation,
}

impl<'a> From<&'a ApprovedRelationship> for Accepted<'a> {
    fn from(a: &'a ApprovedRelationship) -> Self {
        Accepted {
            item: &a.item,
            body: &a.body,
            relation: &a.relation,
        }
    }
}

/// How `relation` (what item `item` stands for, between `body`'s products) disagrees with the
/// `accepted` relationships, in their order; `item` itself is skipped. Only accepted items that
/// name `body`'s source product (as source or target) can conflict, so a caller may pass just
/// those.
pub fn find_conflicts<'a>(
    item: &str,
    body: &RelationshipBody,
    relation: &Relation,
    accepted: impl IntoIterator<Item = Accepted<'a>>,
) -> Vec<Conflict> {
    let (source, target) = ends(body, relation);
    let mut conflicts = Vec::new();
    for other in accepted.into_iter().filter(|a| a.item != item) {
        let (other_source, other_target) = ends(other.body, other.relation);
        let same_direction = source == other_source && target == other_target;
        let reversed = source == other_target && target == other_source;
        let seen = describe(other.body, other.relation);
        let mut push = |kind, message: String| {
            conflicts.push(Conflict {
                kind,
                other_item: other.item.to_owned(),
                message,
            })
        };
        if relation.is_not_related() != other.relation.is_not_related() {
            if same_direction || reversed {
                push(
                    ConflictKind::RelatedVersusNotRelated,
                    format!("'{}' was accepted as {seen}", other.item),
                );
            }
            continue;
        }
        if relation.is_not_related() {
            continue;
        }
        if source == other_source && target != other_target {
            push(
                ConflictKind::SameSourceOtherTarget,
                format!(
                    "the same source fields already point elsewhere in '{}': {seen}",
                    other.item
                ),
            );
        }
        let agreeing = if same_direction {
            Some(other.relation.cardinality)
        } else if reversed {
            Some(other.relation.cardinality.reversed())
        } else {
            None
        };
        if agreeing.is_some_and(|c| c != relation.cardinality) {
            push(
                ConflictKind::ContradictoryCardinality,
                format!(
                    "'{}' was accepted as {seen}, which means {} here, not {}",
                    other.item,
                    agreeing.map_or("", |c| c.as_str()),
                    relation.cardinality.as_str()
                ),
            );
        }
    }
    conflicts
}
