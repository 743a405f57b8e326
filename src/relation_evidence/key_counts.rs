//! The multiset of key values on one side of a mapping: how many rows carry each distinct
//! non-null key (a tuple for composite keys), and how many rows have a null in any key field.
//!
//! Where the values come from, best first: the full source of the registered product (SQL
//! `GROUP BY` over the read-only source database, or one streamed pass over the CSV file or over
//! the mapped columns of the Parquet file or folder); the
//! product's registered sample when the source is gone or unreadable; the item's own sample rows
//! when the product is not registered (or lacks a mapped field). The chosen basis is recorded.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::rc::Rc;

use super::{BasisKind, SideBasis};
use crate::domain::ProductSide;
use crate::error::Result;
use crate::products::sqlite_source::{open_read_only, quote_ident};
use crate::products::{
    DataProduct, Row, SourceKind, csv_source, json_of_sql, key_of_json, parquet_source,
    postgres_source,
};

/// A source with more distinct keys than this is not read whole; its sample is used instead.
pub const MAX_DISTINCT_KEYS: usize = 2_000_000;

/// Separates the parts of a composite key (a control character no real key contains).
const KEY_SEPARATOR: char = '\u{1f}';

pub(crate) struct KeyCounts {
    /// Distinct non-null key → number of rows carrying it.
    pub counts: HashMap<String, u64>,
    /// Rows with a null in at least one key field; they take no part in any figure.
    pub null_rows: u64,
    pub basis: SideBasis,
}

impl KeyCounts {
    fn new(product: &str, kind: BasisKind) -> KeyCounts {
        KeyCounts {
            counts: HashMap::new(),
            null_rows: 0,
            basis: SideBasis {
                product: product.to_owned(),
                kind,
                rows: 0,
                label: String::new(),
                fallback_reason: None,
            },
        }
    }

    fn add(&mut self, parts: Option<Vec<String>>, rows: u64) {
        match parts {
            Some(parts) => {
                *self
                    .counts
                    .entry(parts.join(&KEY_SEPARATOR.to_string()))
                    .or_default() += rows
            }
            None => self.null_rows += rows,
        }
        self.basis.rows += rows as i64;
    }

    fn labelled(mut self, of_rows: Option<i64>, fallback_reason: Option<String>) -> KeyCounts {
        let rows = self.basis.rows;
        let plural = |n: i64| if n == 1 { "row" } else { "rows" };
        self.basis.label = match (self.basis.kind, of_rows) {
            (BasisKind::SourceTable, _) => format!("source: full table, {rows} {}", plural(rows)),
            (BasisKind::RegisteredSample, Some(total)) => {
                format!("registered sample: {rows} of {total} {}", plural(total))
            }
            _ => format!("samples: {rows} {}", plural(rows)),
        };
        self.basis.fallback_reason = fallback_reason;
        self
    }
}

/// A composite key shown to people: parts joined by `", "`.
pub(super) fn display_key(key: &str) -> String {
    key.split(KEY_SEPARATOR).collect::<Vec<_>>().join(", ")
}

/// The key counts of registered products already read, by product and fields: relationships
/// that share a side read its source once (a bulk-approval plan, the graph export, a vet run).
/// Only what comes from the registry is kept; an item's own sample rows are read each time. It
/// holds at most [`MAX_DISTINCT_KEYS`] distinct keys in all: past that it starts again empty, so
/// memory stays bounded over many large sources.
#[derive(Default)]
pub struct KeyCountCache {
    counts: HashMap<(String, Vec<String>), Rc<KeyCounts>>,
    keys_held: usize,
}

impl KeyCountCache {
    fn of_registered(&mut self, product: &DataProduct, fields: &[&str]) -> Rc<KeyCounts> {
        let key = (
            product.name.clone(),
            fields.iter().map(|f| (*f).to_owned()).collect(),
        );
        if let Some(hit) = self.counts.get(&key) {
            return Rc::clone(hit);
        }
        let counts = Rc::new(of_registered(product, fields));
        if self.keys_held + counts.counts.len() > MAX_DISTINCT_KEYS {
            self.counts.clear();
            self.keys_held = 0;
        }
        self.keys_held += counts.counts.len();
        self.counts.insert(key, Rc::clone(&counts));
        counts
    }
}

/// The key values of `fields` on one side, from the best basis available; `registered` is the
/// registered product of the side's name, if any.
pub(super) fn gather(
    cache: &mut KeyCountCache,
    side: &ProductSide,
    registered: Option<&DataProduct>,
    fields: &[&str],
) -> Rc<KeyCounts> {
    let why_not_registered = match registered {
        None => "the product is not registered".to_owned(),
        Some(product) => match fields.iter().find(|f| product.schema.field(f).is_none()) {
            Some(missing) => format!("the registered product has no field '{missing}'"),
            None => return cache.of_registered(product, fields),
        },
    };
    Rc::new(
        from_rows(
            &side.product,
            BasisKind::ItemSample,
            &side.sample_rows,
            fields,
        )
        .labelled(None, Some(why_not_registered)),
    )
}

/// The key values of `fields` of a registered product that has them all: its full source, else
/// its registered sample (the basis says which, and why).
pub(crate) fn of_registered(product: &DataProduct, fields: &[&str]) -> KeyCounts {
    match from_source(product, fields) {
        Ok(counts) => counts.labelled(None, None),
        Err(why) => from_rows(
            &product.name,
            BasisKind::RegisteredSample,
            &product.sample_rows,
            fields,
        )
        .labelled(Some(product.row_count), Some(why)),
    }
}

fn from_rows(product: &str, kind: BasisKind, rows: &[Row], fields: &[&str]) -> KeyCounts {
    let mut counts = KeyCounts::new(product, kind);
    for row in rows {
        let parts = fields
            .iter()
            .map(|f| row.get(*f).and_then(key_of_json))
            .collect::<Option<Vec<_>>>();
        counts.add(parts, 1);
    }
    counts
}

/// Reads the full source; `Err` says why it could not (the caller falls back to samples).
/// A PostgreSQL source is read with the password the keyring keeps for its URL, never
/// `PGPASSWORD` (the URL may have been named by another login: see
/// `postgres_source::connect_stored`).
fn from_source(product: &DataProduct, fields: &[&str]) -> Result<KeyCounts, String> {
    if let (SourceKind::Postgres, Some(relation)) = (&product.source_kind, &product.source_table) {
        let mut counts = KeyCounts::new(&product.name, BasisKind::SourceTable);
        let groups = postgres_source::key_counts(
            &product.source_path,
            relation,
            fields,
            MAX_DISTINCT_KEYS + 1,
        )
        .map_err(|e| {
            format!(
                "the source could not be read ({e}); its password, if it needs one, is read \
                 from the OS keyring: `vetted products set-password {}`",
                product.source_path
            )
        })?;
        if groups.len() > MAX_DISTINCT_KEYS {
            return Err(format!(
                "the source has more than {MAX_DISTINCT_KEYS} distinct keys"
            ));
        }
        for (parts, rows) in groups {
            counts.add(parts.iter().map(key_of_json).collect(), rows);
        }
        return Ok(counts);
    }
    let path = Path::new(&product.source_path);
    let Ok(found) = std::fs::metadata(path) else {
        return Err(format!(
            "the source {} is no longer there",
            product.source_path
        ));
    };
    // A device or a pipe would never end (a Parquet dataset is a folder).
    if !found.is_file() && !found.is_dir() {
        return Err(format!(
            "the source {} is not a file or folder",
            product.source_path
        ));
    }
    let mut counts = KeyCounts::new(&product.name, BasisKind::SourceTable);
    let read = match (&product.source_kind, &product.source_table) {
        (SourceKind::Sqlite, Some(table)) => from_sqlite(path, table, fields, &mut counts),
        (SourceKind::Parquet, _) => from_parquet(path, fields, &mut counts),
        _ => from_csv(path, product, fields, &mut counts),
    };
    read.map_err(|e| format!("the source could not be read ({e})"))?;
    if counts.counts.len() > MAX_DISTINCT_KEYS {
        return Err(format!(
            "the source has more than {MAX_DISTINCT_KEYS} distinct keys"
        ));
    }
    Ok(counts)
}

fn from_sqlite(path: &Path, table: &str, fields: &[&str], counts: &mut KeyCounts) -> Result<()> {
    let conn = open_read_only(path)?;
    let columns = fields
        .iter()
        .map(|f| quote_ident(f))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, count(*) FROM {} GROUP BY {columns}",
        quote_ident(table)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let parts = (0..fields.len())
            .map(|i| Ok(key_of_json(&json_of_sql(r.get_ref(i)?))))
            .collect::<rusqlite::Result<Option<Vec<_>>>>()?;
        counts.add(parts, r.get::<_, i64>(fields.len())? as u64);
        if counts.counts.len() > MAX_DISTINCT_KEYS {
            break;
        }
    }
    Ok(())
}

fn from_csv(
    path: &Path,
    product: &DataProduct,
    fields: &[&str],
    counts: &mut KeyCounts,
) -> Result<()> {
    let columns: Vec<(usize, &str)> = fields
        .iter()
        .filter_map(|f| {
            let index = product.schema.fields.iter().position(|p| p.name == *f)?;
            Some((index, product.schema.fields[index].declared_type.as_str()))
        })
        .collect();
    csv_source::for_each_record(path, |record| {
        let parts = columns
            .iter()
            .map(|(i, declared)| {
                key_of_json(&csv_source::typed_cell(
                    declared,
                    record.get(*i).unwrap_or(""),
                ))
            })
            .collect::<Option<Vec<_>>>();
        if counts.counts.len() <= MAX_DISTINCT_KEYS {
            counts.add(parts, 1);
        }
        Ok(())
    })?;
    Ok(())
}

/// One streamed pass over the mapped columns only (a projection), stopping past the key limit.
fn from_parquet(path: &Path, fields: &[&str], counts: &mut KeyCounts) -> Result<()> {
    parquet_source::for_each_row(path, fields, |values| {
        counts.add(values.map(|(_, v)| key_of_json(&v)).collect(), 1);
        if counts.counts.len() > MAX_DISTINCT_KEYS {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
}
