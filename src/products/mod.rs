//! Data products: the tables of a SQLite or PostgreSQL database, CSV files, or Parquet files and
//! dataset folders, that relationship items talk about. Registering one reads its schema and a bounded sample of rows (see [`sample`]); the
//! source itself stays where it is and is only read again, read-only, to compute evidence.
//!
//! Scanning never writes: [`scan_path`] returns every product of a file or an error naming the
//! file (and line), and the store registers a whole batch in one transaction.

pub(crate) mod csv_source;
mod parquet_columns;
pub(crate) mod parquet_source;
pub mod postgres_source;
mod sample;
pub(crate) mod sqlite_source;
mod values;

pub use sample::{SAMPLE_HEAD, SAMPLE_LIMIT};
pub(crate) use values::{json_of_sql, key_of_json};

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// A sample row: field name → value.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// Where a product's rows live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SourceKind {
    Sqlite,
    Csv,
    /// A table of a PostgreSQL database: `source_path` is `postgres://user@host:port/db`,
    /// `source_table` the quoted `"schema"."table"`.
    Postgres,
    /// A Parquet file, or a folder of Parquet part files (`source_path`; no table).
    Parquet,
}

impl SourceKind {
    /// As stored in the `products` table (and serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Sqlite => "sqlite",
            SourceKind::Csv => "csv",
            SourceKind::Postgres => "postgres",
            SourceKind::Parquet => "parquet",
        }
    }
}

/// A field with its declared type (SQLite), inferred type (CSV: `INTEGER`, `REAL`, `DATE`,
/// `DATETIME` or `TEXT`) or type mapped from the Parquet schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductField {
    pub name: String,
    #[serde(rename = "type")]
    pub declared_type: String,
    pub not_null: bool,
}

/// A declared foreign key; `fields` and `target_fields` are parallel (composite keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ForeignKey {
    pub fields: Vec<String>,
    pub target_product: String,
    pub target_fields: Vec<String>,
}

/// What the source declares about a product. CSV and Parquet files declare no keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductSchema {
    pub fields: Vec<ProductField>,
    /// Empty when none is declared.
    pub primary_key: Vec<String>,
    /// Unique constraints and unique indexes other than the primary key (partial indexes
    /// excluded: they do not make a key).
    pub unique_keys: Vec<Vec<String>>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl ProductSchema {
    pub fn field(&self, name: &str) -> Option<&ProductField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether `fields` (in any order) are exactly the primary key or a unique key.
    pub fn is_declared_key(&self, fields: &[&str]) -> bool {
        let same = |key: &[String]| {
            key.len() == fields.len() && key.iter().all(|k| fields.contains(&k.as_str()))
        };
        same(&self.primary_key) || self.unique_keys.iter().any(|k| same(k))
    }
}

/// A registered data product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DataProduct {
    pub name: String,
    pub source_kind: SourceKind,
    /// Absolute path of the source file at registration.
    pub source_path: String,
    /// The table inside a SQLite source; `None` for CSV and Parquet.
    pub source_table: Option<String>,
    pub schema: ProductSchema,
    /// Rows in the source at registration.
    #[ts(type = "number")]
    pub row_count: i64,
    /// At most [`SAMPLE_LIMIT`] rows: the first [`SAMPLE_HEAD`], then a reservoir sample.
    #[ts(type = "Array<Record<string, unknown>>")]
    pub sample_rows: Vec<Row>,
    pub registered_at: DateTime<Utc>,
}

impl DataProduct {
    /// Where the rows come from, for messages: `path` or `path#table`.
    pub fn source_label(&self) -> String {
        match &self.source_table {
            Some(table) => format!("{}#{table}", self.source_path),
            None => self.source_path.clone(),
        }
    }
}

/// A line of `vetted products list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductSummary {
    pub name: String,
    pub source_kind: SourceKind,
    pub source_path: String,
    pub source_table: Option<String>,
    #[ts(type = "number")]
    pub fields: i64,
    #[ts(type = "number")]
    pub row_count: i64,
    #[ts(type = "number")]
    pub sample_rows: i64,
    pub registered_at: DateTime<Utc>,
}

/// Where to register products from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductSource {
    /// A SQLite database or a CSV file (see [`scan_path`]).
    File(PathBuf),
    Postgres(postgres_source::PostgresSource),
}

impl ProductSource {
    /// Every product of the source; reads, never writes.
    pub fn scan(&self) -> Result<Vec<DataProduct>> {
        match self {
            ProductSource::File(path) => scan_path(path),
            ProductSource::Postgres(source) => postgres_source::scan(source),
        }
    }
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// Reads every product of one file or folder: each table of a SQLite database (recognised by its
/// header), one product for a `.csv` file, for a Parquet file (recognised by its header) or for a
/// folder of Parquet part files. Anything else is refused with [`Error::BadSource`].
pub fn scan_path(path: &Path) -> Result<Vec<DataProduct>> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        return Ok(vec![parquet_source::scan(&absolute)?]);
    }
    crate::user_files::check_readable(path)?;
    let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let mut header = [0u8; 16];
    let read = std::fs::File::open(&absolute)
        .and_then(|mut f| f.read(&mut header))
        .map_err(|e| Error::io(path, e))?;
    if header[..read] == *SQLITE_MAGIC {
        return sqlite_source::scan(&absolute);
    }
    let extension = absolute
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => Ok(vec![csv_source::scan(&absolute)?]),
        _ if header[..read].starts_with(PARQUET_MAGIC) => {
            Ok(vec![parquet_source::scan(&absolute)?])
        }
        Some("sqlite" | "sqlite3" | "db") => Err(Error::bad_source(
            path.display().to_string(),
            "not a SQLite database (the file does not start with the SQLite header)",
        )),
        Some("parquet") => Err(Error::bad_source(
            path.display().to_string(),
            "not a Parquet file (the file does not start with PAR1)",
        )),
        _ => Err(Error::bad_source(
            path.display().to_string(),
            "neither a SQLite database, a Parquet file nor a .csv file",
        )),
    }
}

/// The product name of a file or folder: its stem (`orders.csv`, `orders.parquet` and a Spark
/// output folder `orders.parquet/` all give `orders`).
fn product_name(path: &Path) -> Result<String> {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::bad_source(path.display().to_string(), "the file has no name"))
}
