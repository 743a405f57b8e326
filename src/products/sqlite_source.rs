//! Reading a SQLite database as data products: one per table (views and SQLite's internal tables
//! are skipped). The file is opened read-only; schema comes from `PRAGMA table_info`,
//! `foreign_key_list`, `index_list` and `index_info` (as table-valued functions, so table names
//! are bound as parameters), rows are streamed through the sampler.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::sample::RowSample;
use super::{DataProduct, ForeignKey, ProductField, ProductSchema, Row, SourceKind, json_of_sql};
use crate::error::{Error, Result};

/// Opens a source database read-only (`SQLITE_OPEN_READ_ONLY`, the flag behind the URI
/// parameter `mode=ro`): Vetted never writes to, nor creates, a source.
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // A writer of the source may hold a lock for a moment; wait rather than fail.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Opening is lazy: reading the schema is what detects a file that is not a database.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| {
        Error::bad_source(
            path.display().to_string(),
            format!("not a readable SQLite database ({e})"),
        )
    })?;
    Ok(conn)
}

/// An identifier quoted for SQL: `Order Details` → `"Order Details"`, `a"b` → `"a""b"`.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn scan(path: &Path) -> Result<Vec<DataProduct>> {
    let conn = open_read_only(path)?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema
             WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if tables.is_empty() {
        return Err(Error::bad_source(
            path.display().to_string(),
            "the database has no tables",
        ));
    }
    let registered_at = chrono::Utc::now();
    tables
        .into_iter()
        .map(|table| {
            let schema = read_schema(&conn, &table)?;
            let (sample_rows, row_count) = sample_rows(&conn, &table)?;
            Ok(DataProduct {
                name: table.clone(),
                source_kind: SourceKind::Sqlite,
                source_path: path.display().to_string(),
                source_table: Some(table),
                schema,
                row_count: row_count as i64,
                sample_rows,
                registered_at,
            })
        })
        .collect()
}

fn read_schema(conn: &Connection, table: &str) -> Result<ProductSchema> {
    let mut pk: Vec<(i64, String)> = Vec::new();
    let mut fields = Vec::new();
    let mut stmt =
        conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let mut rows = stmt.query([table])?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let pk_position: i64 = r.get(3)?;
        if pk_position > 0 {
            pk.push((pk_position, name.clone()));
        }
        fields.push(ProductField {
            name,
            declared_type: r.get(1)?,
            not_null: r.get(2)?,
        });
    }
    pk.sort();
    Ok(ProductSchema {
        fields,
        primary_key: pk.into_iter().map(|(_, name)| name).collect(),
        unique_keys: unique_keys(conn, table)?,
        foreign_keys: foreign_keys(conn, table)?,
    })
}

fn unique_keys(conn: &Connection, table: &str) -> Result<Vec<Vec<String>>> {
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_index_list(?1)
             WHERE \"unique\" AND origin <> 'pk' AND NOT partial ORDER BY name",
        )?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut columns = conn
        .prepare("SELECT name FROM pragma_index_info(?1) WHERE name IS NOT NULL ORDER BY seqno")?;
    indexes
        .iter()
        .map(|index| {
            Ok(columns
                .query_map([index], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .collect()
}

fn foreign_keys(conn: &Connection, table: &str) -> Result<Vec<ForeignKey>> {
    let mut stmt = conn.prepare(
        "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    let mut keys: Vec<(i64, ForeignKey, Vec<Option<String>>)> = Vec::new();
    let mut rows = stmt.query([table])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if keys.last().is_none_or(|(last, _, _)| *last != id) {
            let fk = ForeignKey {
                fields: Vec::new(),
                target_product: r.get(1)?,
                target_fields: Vec::new(),
            };
            keys.push((id, fk, Vec::new()));
        }
        let (_, fk, to) = keys.last_mut().expect("pushed above");
        fk.fields.push(r.get(2)?);
        to.push(r.get(3)?);
    }
    keys.into_iter()
        .map(|(_, mut fk, to)| {
            // `REFERENCES t` without columns means t's primary key.
            fk.target_fields = if to.iter().all(Option::is_some) {
                to.into_iter().flatten().collect()
            } else {
                read_schema_pk(conn, &fk.target_product)?
            };
            Ok(fk)
        })
        .collect()
}

fn read_schema_pk(conn: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Streams every row of `table` through the sampler; returns the sample and the row count.
fn sample_rows(conn: &Connection, table: &str) -> Result<(Vec<Row>, u64)> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {}", quote_ident(table)))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut sample = RowSample::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        sample.push_with(|| {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| Ok((name.clone(), json_of_sql(r.get_ref(i)?))))
                .collect::<rusqlite::Result<Row>>()
        })?;
    }
    Ok(sample.finish())
}
