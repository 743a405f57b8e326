//! Checks a reviewer's edited relation before it is recorded: every mapped field must exist on
//! its side, no field may be mapped twice, and only a `not_related` verdict may map nothing.
//! A field exists when the item's own product schema lists it, or when the registered product
//! of that name does. The same check on both kinds of database: `registered` reads the schema
//! a database registers under a product's name.

use rusqlite::{OptionalExtension, Transaction};

use super::parse_json;
use crate::domain::{ProductSide, Relation, RelationshipBody};
use crate::error::{Error, Result};
use crate::products::ProductSchema;

/// The schema registered under a product name in a local database, if any.
pub(super) fn registered_schema(
    tx: &Transaction<'_>,
    product: &str,
) -> Result<Option<ProductSchema>> {
    let schema: Option<String> = tx
        .prepare_cached("SELECT schema FROM products WHERE name = ?1")?
        .query_row([product], |r| r.get(0))
        .optional()?;
    Ok(schema.map(|s| parse_json(&s)).transpose()?)
}

pub(crate) fn check_edited_relation(
    body: &RelationshipBody,
    relation: &Relation,
    mut registered: impl FnMut(&str) -> Result<Option<ProductSchema>>,
) -> Result<()> {
    if relation.relation_type.trim().is_empty() {
        return Err(Error::BadRequest("the edited relation has no type".into()));
    }
    if relation.mapping.is_empty() && !relation.is_not_related() {
        return Err(Error::BadRequest(
            "the edited relation maps no fields; map at least one pair, or mark it not_related"
                .into(),
        ));
    }
    let source = known_fields(&body.source, registered(&body.source.product)?);
    let target = known_fields(&body.target, registered(&body.target.product)?);
    for (i, pair) in relation.mapping.iter().enumerate() {
        for (field, side, known) in [
            (&pair.source_field, &body.source, &source),
            (&pair.target_field, &body.target, &target),
        ] {
            if !known.contains(field) {
                return Err(Error::UnknownField {
                    product: side.product.clone(),
                    field: field.clone(),
                    known: known.clone(),
                });
            }
        }
        if relation.mapping[..i]
            .iter()
            .any(|p| p.source_field == pair.source_field || p.target_field == pair.target_field)
        {
            return Err(Error::BadRequest(format!(
                "the pair {} → {} repeats a field already mapped",
                pair.source_field, pair.target_field
            )));
        }
    }
    Ok(())
}

fn known_fields(side: &ProductSide, registered: Option<ProductSchema>) -> Vec<String> {
    let mut known: Vec<String> = side.fields.iter().map(|f| f.name.clone()).collect();
    for field in registered.into_iter().flat_map(|schema| schema.fields) {
        if !known.contains(&field.name) {
            known.push(field.name);
        }
    }
    known
}
