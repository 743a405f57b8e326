//! The `products` table: registering a batch of data products in one transaction, listing them,
//! loading one by name.
//!
//! Invariants: a product name is unique. Registering the same source again (same path and
//! table) refreshes its schema and sample; a different source under a taken name is a
//! [`Error::ProductCollision`] and the whole batch is refused.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row as SqlRow, params};

use super::{Store, parse_json, parse_time};
use crate::error::{Error, Result};
use crate::products::{DataProduct, ProductSource, ProductSummary, SourceKind};

/// What registering one product did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProductRegistration {
    pub name: String,
    pub source: String,
    /// `false` when the same source was registered before and has been refreshed.
    pub new: bool,
    #[ts(type = "number")]
    pub row_count: i64,
    #[ts(type = "number")]
    pub sample_rows: i64,
}

impl std::fmt::Display for ProductRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} rows, {} sampled{}",
            self.name,
            self.source,
            self.row_count,
            self.sample_rows,
            if self.new { "" } else { " — refreshed" }
        )
    }
}

const PRODUCT_COLUMNS: &str = "name, source_kind, source_path, source_table, schema, row_count,
     sample_rows, registered_at";

impl Store {
    /// Registers every product of every file (see [`crate::products::scan_path`]).
    pub fn add_products(&mut self, paths: &[PathBuf]) -> Result<Vec<ProductRegistration>> {
        let sources: Vec<ProductSource> = paths.iter().cloned().map(ProductSource::File).collect();
        self.add_product_sources(&sources)
    }

    /// Registers every product of every source. All sources are read before anything is
    /// written, and all products are written in one transaction: on any error nothing is
    /// registered.
    pub fn add_product_sources(
        &mut self,
        sources: &[ProductSource],
    ) -> Result<Vec<ProductRegistration>> {
        let scanned = scan_sources(sources)?;
        self.write(|tx| {
            scanned
                .iter()
                .map(|product| {
                    let existing: Option<(String, Option<String>)> = tx
                        .prepare_cached(
                            "SELECT source_path, source_table FROM products WHERE name = ?1",
                        )?
                        .query_row([&product.name], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    if let Some(existing) = &existing {
                        check_same_source(product, existing)?;
                    }
                    upsert(tx, product)?;
                    Ok(ProductRegistration::of(product, existing.is_none()))
                })
                .collect()
        })
    }

    /// Keeps `products` as they are (a team server's, in a snapshot, which starts empty): each
    /// is added, or refreshes the schema, row count, sample and time of the one registered
    /// under its name (its source stays). One transaction.
    pub fn keep_products(&mut self, products: &[DataProduct]) -> Result<()> {
        self.write(|tx| products.iter().try_for_each(|p| upsert(tx, p)))
    }

    /// Every registered product, by name.
    pub fn list_products(&self) -> Result<Vec<ProductSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, source_kind, source_path, source_table,
                    json_array_length(schema, '$.fields'), row_count,
                    json_array_length(sample_rows), registered_at
             FROM products ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ProductSummary {
                name: r.get(0)?,
                source_kind: parse_kind(&r.get::<_, String>(1)?)?,
                source_path: r.get(2)?,
                source_table: r.get(3)?,
                fields: r.get(4)?,
                row_count: r.get(5)?,
                sample_rows: r.get(6)?,
                registered_at: parse_time(&r.get::<_, String>(7)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The registered product with this name, if any.
    pub fn product(&self, name: &str) -> Result<Option<DataProduct>> {
        product_in(&self.conn, name)
    }

    /// Every registered product with its schema and sample, by name.
    pub fn products(&self) -> Result<Vec<DataProduct>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY name"
        ))?;
        let rows = stmt.query_map([], read_product)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Read access to the registry from another thread than the store's (an import's reader thread,
/// while the store's own connection writes the import): a read-only connection of its own.
pub(crate) struct RegistryReader(Connection);

impl RegistryReader {
    pub fn open(db_path: &Path) -> Result<RegistryReader> {
        let conn = Connection::open_with_flags(
            db_path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        Ok(RegistryReader(conn))
    }

    /// The registered product with this name, if any.
    pub fn product(&self, name: &str) -> Result<Option<DataProduct>> {
        product_in(&self.0, name)
    }

    /// Every registered product's name, in order.
    pub fn names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT name FROM products ORDER BY name")?;
        let names = stmt.query_map([], |r| r.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }
}

fn product_in(conn: &Connection, name: &str) -> Result<Option<DataProduct>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE name = ?1"
        ))?
        .query_row([name], read_product)
        .optional()?)
}

/// Every product of every source, read before anything is written; two products of the batch
/// under one name are a [`Error::ProductCollision`].
pub(crate) fn scan_sources(sources: &[ProductSource]) -> Result<Vec<DataProduct>> {
    let mut scanned: Vec<DataProduct> = Vec::new();
    for source in sources {
        for product in source.scan()? {
            if let Some(twin) = scanned.iter().find(|p| p.name == product.name) {
                return Err(Error::ProductCollision {
                    name: product.name.clone(),
                    existing: twin.source_label(),
                    new: product.source_label(),
                });
            }
            scanned.push(product);
        }
    }
    Ok(scanned)
}

/// Refuses registering `product` under a name registered with another source, `(path, table)`.
pub(crate) fn check_same_source(
    product: &DataProduct,
    (path, table): &(String, Option<String>),
) -> Result<()> {
    if path == &product.source_path && table == &product.source_table {
        return Ok(());
    }
    Err(Error::ProductCollision {
        name: product.name.clone(),
        existing: match table {
            Some(table) => format!("{path}#{table}"),
            None => path.clone(),
        },
        new: product.source_label(),
    })
}

impl ProductRegistration {
    /// What registering `product` did: added it (`new`), or refreshed it.
    pub(crate) fn of(product: &DataProduct, new: bool) -> ProductRegistration {
        ProductRegistration {
            name: product.name.clone(),
            source: product.source_label(),
            new,
            row_count: product.row_count,
            sample_rows: product.sample_rows.len() as i64,
        }
    }
}

fn upsert(tx: &rusqlite::Transaction<'_>, p: &DataProduct) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (name) DO UPDATE SET
             schema = excluded.schema, row_count = excluded.row_count,
             sample_rows = excluded.sample_rows, registered_at = excluded.registered_at"
    ))?
    .execute(params![
        p.name,
        p.source_kind.as_str(),
        p.source_path,
        p.source_table,
        serde_json::to_string(&p.schema).expect("schema serializes"),
        p.row_count,
        serde_json::to_string(&p.sample_rows).expect("rows serialize"),
        p.registered_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    ])?;
    Ok(())
}

fn parse_kind(text: &str) -> rusqlite::Result<SourceKind> {
    parse_json(&serde_json::Value::String(text.to_owned()).to_string())
}

fn read_product(r: &SqlRow<'_>) -> rusqlite::Result<DataProduct> {
    Ok(DataProduct {
        name: r.get(0)?,
        source_kind: parse_kind(&r.get::<_, String>(1)?)?,
        source_path: r.get(2)?,
        source_table: r.get(3)?,
        schema: parse_json(&r.get::<_, String>(4)?)?,
        row_count: r.get(5)?,
        sample_rows: parse_json(&r.get::<_, String>(6)?)?,
        registered_at: parse_time(&r.get::<_, String>(7)?)?,
    })
}
