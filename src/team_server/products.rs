//! Data products on the team server (`migrations/postgres/0010_data_products.sql`): registering
//! and refreshing them (SMEs and adjudicators), reading them, and what is computed from them
//! with the core's rules — a relationship item's evidence ([`crate::relation_evidence`]) and the
//! review graph ([`ReviewGraph::of`]). The sources are read where they live, by this client.

use postgres::Row;

use super::decisions::json_column;
use super::forms::only_experts;
use super::leases::enum_value;
use super::{TeamServer, server_error};
use crate::domain::{EditedContent, Item, ItemBody, ItemKind, Relation, RelationshipBody};
use crate::error::{Error, Result};
use crate::products::postgres_source::{PostgresSource, is_qualified};
use crate::products::{DataProduct, ProductSource, ProductSummary, SourceKind};
use crate::relation_evidence::{
    KeyCountCache, Products, RelationshipEvidence, measure, relation_to_measure,
};
use crate::review_graph::ReviewGraph;
use crate::store::{
    ProductRegistration, RelationshipItem, check_same_source, parse_time, read_body, scan_sources,
};

/// The columns [`read_product`] reads.
macro_rules! product_columns {
    () => {
        "name, source_kind, source_path, source_table, schema, row_count, sample_rows,
         registered_at"
    };
}
pub(super) use product_columns;

const PRODUCT: &str = concat!(
    "SELECT ",
    product_columns!(),
    " FROM products WHERE name = $1"
);

pub(super) const PRODUCTS: &str = concat!(
    "SELECT ",
    product_columns!(),
    " FROM products ORDER BY name COLLATE \"C\""
);

const PRODUCTS_NAMED: &str = concat!(
    "SELECT ",
    product_columns!(),
    " FROM products WHERE name = ANY ($1) ORDER BY name COLLATE \"C\""
);

/// What the product list shows, counted on the server (never the schemas and samples).
const PRODUCT_SUMMARIES: &str = "SELECT name, source_kind, source_path, source_table,
                                        json_array_length(schema::json -> 'fields'), row_count,
                                        json_array_length(sample_rows::json), registered_at
                                   FROM products ORDER BY name COLLATE \"C\"";

/// Whether the login may register products: an SME, an adjudicator or the schema's owner.
const MAY_REGISTER: &str = "SELECT is_member('vetted_sme') OR is_member('vetted_adjudicator')
                                   OR pg_has_role(session_user,
                                                  (SELECT nspowner FROM pg_namespace
                                                    WHERE nspname = 'vetted'), 'MEMBER')";

/// Adds the product, or refreshes it when the name is registered with the same source; no row
/// when it is registered with another source. `true` when added.
const REGISTER: &str = concat!(
    "INSERT INTO products (",
    product_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (name) DO UPDATE
        SET schema = EXCLUDED.schema, row_count = EXCLUDED.row_count,
            sample_rows = EXCLUDED.sample_rows, registered_at = EXCLUDED.registered_at
      WHERE products.source_kind = EXCLUDED.source_kind
        AND products.source_path = EXCLUDED.source_path
        AND products.source_table IS NOT DISTINCT FROM EXCLUDED.source_table
     RETURNING xmax = 0"
);

/// Relationship items with the edit of their effective decision: one the login may read, else
/// a settled item's (`settled_relation_edit`: the team's accepted relation, whoever decided
/// it). Read through the partial index `items_relationships`.
macro_rules! relationship_items {
    ($status:literal) => {
        concat!(
            "SELECT i.external_id, i.domain, i.status, i.payload,
                    CASE WHEN i.status = 'edited'
                         THEN coalesce(d.edited_payload, settled_relation_edit(i.id)) END
               FROM items i
               LEFT JOIN decisions d ON d.id = i.effective_decision AND i.status = 'edited'
              WHERE i.kind = 'relationship'",
            $status,
            " ORDER BY i.id"
        )
    };
}

const RELATIONSHIP_ITEMS: &str = relationship_items!("");

/// The ones a reviewer accepted: what a relation may conflict with.
const ACCEPTED_RELATIONSHIPS: &str = relationship_items!(" AND i.status IN ('approved', 'edited')");

impl TeamServer {
    /// Registers every product of every source, as [`crate::Store::add_product_sources`] does
    /// locally: the sources are read here, before anything is written, and all products are
    /// written in one transaction. A name registered with the same source is refreshed; with
    /// another source, the whole batch is refused ([`Error::ProductCollision`]).
    ///
    /// Errors: `Forbidden` unless the login is an SME or an adjudicator.
    pub fn register_products(
        &mut self,
        sources: &[ProductSource],
    ) -> Result<Vec<ProductRegistration>> {
        // Asked first: an analyst is told at once, before any source is read.
        let may = self.rows(MAY_REGISTER, &[])?;
        if !may.first().is_some_and(|r| r.get::<_, bool>(0)) {
            let refused = Error::Forbidden(String::new());
            return Err(only_experts(
                refused,
                &self.reviewer,
                "register data products",
            ));
        }
        let scanned = scan_sources(sources)?;
        let register = self.prepared(REGISTER)?;
        let existing = self.prepared(PRODUCT)?;
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        let mut registered = Vec::with_capacity(scanned.len());
        for product in &scanned {
            let row = tx
                .query_opt(&register, &product_values(product).as_params())
                .map_err(failed)?;
            let Some(row) = row else {
                // The server refreshes only a product registered with the same source.
                let other = tx.query_one(&existing, &[&product.name]).map_err(failed)?;
                let other = read_product(&other)?;
                check_same_source(product, &(other.source_path, other.source_table))?;
                return Err(Error::BadRequest(format!(
                    "the server did not refresh product {}; nothing was registered",
                    product.name
                )));
            };
            registered.push(ProductRegistration::of(product, row.get(0)));
        }
        tx.commit().map_err(failed)?;
        Ok(registered)
    }

    /// The registered product with this name, if any.
    pub fn product(&mut self, name: &str) -> Result<Option<DataProduct>> {
        let rows = self.rows(PRODUCT, &[&name])?;
        rows.first().map(read_product).transpose()
    }

    /// The registered products of these names (those registered), by name.
    pub fn products_named(&mut self, names: &[&str]) -> Result<Vec<DataProduct>> {
        self.rows(PRODUCTS_NAMED, &[&names])?
            .iter()
            .map(read_product)
            .collect()
    }

    /// Every registered product with its schema and sample, by name.
    pub fn products(&mut self) -> Result<Vec<DataProduct>> {
        self.rows(PRODUCTS, &[])?.iter().map(read_product).collect()
    }

    /// Every registered product, by name, as the product list shows it.
    pub fn list_products(&mut self) -> Result<Vec<ProductSummary>> {
        let rows = self.rows(PRODUCT_SUMMARIES, &[])?;
        rows.iter()
            .map(|r| {
                Ok(ProductSummary {
                    name: r.get(0),
                    source_kind: enum_value(r.get(1))?,
                    source_path: r.get(2),
                    source_table: r.get(3),
                    fields: i64::from(r.get::<_, i32>(4)),
                    row_count: r.get(5),
                    sample_rows: i64::from(r.get::<_, i32>(6)),
                    registered_at: parse_time(r.get(7))?,
                })
            })
            .collect()
    }

    /// Every relationship item with the relation it stands for now, in import order (the edit
    /// of its effective decision where the login may read it, else the proposal).
    pub fn relationship_items(&mut self) -> Result<Vec<RelationshipItem>> {
        self.read_relationship_items(RELATIONSHIP_ITEMS)
    }

    /// The relationship items a reviewer accepted, with the relation each stands for: what a
    /// relation may conflict with.
    pub(super) fn accepted_relationships(&mut self) -> Result<Vec<RelationshipItem>> {
        self.read_relationship_items(ACCEPTED_RELATIONSHIPS)
    }

    /// [`TeamServer::relationship_items`] of the rows `sql` reads.
    fn read_relationship_items(&mut self, sql: &'static str) -> Result<Vec<RelationshipItem>> {
        self.rows(sql, &[])?
            .iter()
            .map(|r| {
                let ItemBody::Relationship(body) = read_body(ItemKind::Relationship, r.get(3))?
                else {
                    unreachable!("a relationship item's body reads as a relationship");
                };
                let relation = match json_column::<EditedContent>(r.get(4))? {
                    Some(EditedContent::Relationship { relation }) => relation,
                    _ => body.relation.clone(),
                };
                Ok(RelationshipItem {
                    item: r.get(0),
                    domain: r.get(1),
                    status: enum_value(r.get(2))?,
                    body,
                    relation,
                })
            })
            .collect()
    }

    /// Evidence for the relation a relationship item currently stands for, computed here from
    /// the products the server registers (as [`crate::Store::relationship_evidence`] does
    /// locally). `None` for other kinds of item.
    pub fn relationship_evidence(
        &mut self,
        external_id: &str,
    ) -> Result<Option<RelationshipEvidence>> {
        let item = self.item_shown(external_id)?;
        self.evidence_inputs(&item)?
            .map(|inputs| inputs.measure())
            .transpose()
    }

    /// What the evidence of `item` (as [`TeamServer::item_shown`] read it) is computed from;
    /// `None` for other kinds of item. Measured apart ([`EvidenceInputs::measure`]), so a slow
    /// source holds no session.
    pub fn evidence_inputs(&mut self, item: &Item) -> Result<Option<EvidenceInputs>> {
        let Some((body, relation)) = relation_to_measure(item) else {
            return Ok(None);
        };
        Ok(Some(EvidenceInputs {
            item: item.external_id.clone(),
            products: Products {
                source: self.product(&body.source.product)?,
                target: self.product(&body.target.product)?,
            },
            body: body.clone(),
            relation: relation.clone(),
            accepted: self.accepted_relationships()?,
        }))
    }

    /// Every registered product and every relationship item, for review (see
    /// [`crate::Store::review_graph`]).
    pub fn review_graph(&mut self) -> Result<ReviewGraph> {
        let items = self.relationship_items()?;
        Ok(ReviewGraph::of(&items, self.list_products()?))
    }
}

/// What a relationship item's evidence is computed from, as the server holds it.
pub struct EvidenceInputs {
    item: String,
    body: RelationshipBody,
    relation: Relation,
    products: Products,
    /// The relationship items a reviewer accepted (what the relation may conflict with).
    accepted: Vec<RelationshipItem>,
}

impl EvidenceInputs {
    /// Every figure, with the core's rules; the products' sources are read here, where they
    /// live (a PostgreSQL source with the password the keyring keeps for its URL only).
    pub fn measure(&self) -> Result<RelationshipEvidence> {
        let cache = &mut KeyCountCache::default();
        let accepted = self.accepted.iter().filter_map(RelationshipItem::accepted);
        measure(
            &self.products,
            cache,
            &self.item,
            &self.body,
            &self.relation,
            accepted,
        )
    }
}

/// A product's columns, in [`product_columns`] order, as the server stores them.
pub(super) struct ProductValues {
    name: String,
    kind: &'static str,
    path: String,
    table: Option<String>,
    schema: String,
    row_count: i64,
    sample: String,
    registered_at: String,
}

impl ProductValues {
    pub(super) fn as_params(&self) -> [&(dyn postgres::types::ToSql + Sync); 8] {
        [
            &self.name,
            &self.kind,
            &self.path,
            &self.table,
            &self.schema,
            &self.row_count,
            &self.sample,
            &self.registered_at,
        ]
    }
}

pub(super) fn product_values(p: &DataProduct) -> ProductValues {
    ProductValues {
        name: p.name.clone(),
        kind: p.source_kind.as_str(),
        path: p.source_path.clone(),
        table: p.source_table.clone(),
        schema: serde_json::to_string(&p.schema).expect("schema serializes"),
        row_count: p.row_count,
        sample: serde_json::to_string(&p.sample_rows).expect("rows serialize"),
        registered_at: p
            .registered_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}

/// A product from the columns of [`product_columns`]. A PostgreSQL source must be in the form
/// the core writes, a file an absolute local path (the server's constraints say so too): every
/// client opens them.
pub(super) fn read_product(r: &Row) -> Result<DataProduct> {
    let product = DataProduct {
        name: r.get(0),
        source_kind: enum_value(r.get(1))?,
        source_path: r.get(2),
        source_table: r.get(3),
        schema: json_column(Some(r.get(4)))?.unwrap_or_default(),
        row_count: r.get(5),
        sample_rows: json_column(Some(r.get(6)))?.unwrap_or_default(),
        registered_at: parse_time(r.get(7))?,
    };
    let readable = match product.source_kind {
        SourceKind::Postgres => {
            PostgresSource::new(&product.source_path, "public", Vec::new())
                .is_ok_and(|source| source.url == product.source_path)
                && product.source_table.as_deref().is_some_and(is_qualified)
        }
        _ => is_local_path(&product.source_path),
    };
    if !readable {
        return Err(Error::BadRequest(format!(
            "the team server holds product {} with a source Vetted does not read ({}); an SME \
             registers it again with `vetted --db URL products add`",
            product.name,
            product.source_label()
        )));
    }
    Ok(product)
}

/// `/…` or `C:\…`: an absolute path on this machine, never a network share (`//host/…`,
/// `\\host\…`), which some systems would hand the reader's credentials.
fn is_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    match bytes {
        [b'/', b'/', ..] => false,
        [b'/', ..] => true,
        [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}
