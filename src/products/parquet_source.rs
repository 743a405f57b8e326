//! Reading Parquet as one data product: a file (named after its stem), or a folder of part files
//! with one schema, as Spark, pyarrow, DuckDB or Polars write a dataset (named after the folder).
//!
//! In a folder, names starting with `.` or `_` are skipped (`_SUCCESS`, `_metadata`, `.crc`
//! checksums); every other entry must be a `*.parquet` file, read in file-name order. A subfolder
//! (a Hive-style partition such as `year=2024/`) or any other file is refused, so no rows are
//! silently left out. Every part must have the same fields with the same declared types; a field
//! is `not_null` only if it is REQUIRED in every part.
//!
//! Only footers are read to open a dataset; rows are streamed row group by row group (and only
//! the projected columns are decoded), never a whole file. The row count comes from the footers.

use std::convert::Infallible;
use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::schema::types::Type;
use serde_json::Value;

use super::parquet_columns::{Column, columns_of};
use super::sample::RowSample;
use super::{DataProduct, ProductField, ProductSchema, Row, SourceKind, product_name};
use crate::error::{Error, Result};

/// The extension of a part file.
const PARQUET_EXTENSION: &str = "parquet";

/// An opened dataset: its parts (one for a single file) and the fields they share.
struct Dataset {
    parts: Vec<PathBuf>,
    fields: Vec<ProductField>,
    row_count: u64,
}

pub(super) fn scan(path: &Path) -> Result<DataProduct> {
    let dataset = Dataset::open(path)?;
    let names: Vec<&str> = dataset.fields.iter().map(|f| f.name.as_str()).collect();
    let mut sample = RowSample::new();
    dataset.for_each_row(&names, |row| {
        let Ok(()) = sample.push_with(|| Ok::<Row, Infallible>(row.collect()));
        ControlFlow::Continue(())
    })?;
    let (sample_rows, _) = sample.finish();
    Ok(DataProduct {
        name: product_name(path)?,
        source_kind: SourceKind::Parquet,
        source_path: path.display().to_string(),
        source_table: None,
        schema: ProductSchema {
            fields: dataset.fields,
            ..ProductSchema::default()
        },
        row_count: dataset.row_count as i64,
        sample_rows,
        registered_at: chrono::Utc::now(),
    })
}

/// Streams the values of `fields` (names of top-level fields) of every row of the file or
/// folder at `path` through `f`, in order, until `f` breaks. Errors name the part file.
pub(crate) fn for_each_row(
    path: &Path,
    fields: &[&str],
    f: impl FnMut(&mut dyn Iterator<Item = (String, Value)>) -> ControlFlow<()>,
) -> Result<()> {
    Dataset::open(path)?.for_each_row(fields, f)
}

impl Dataset {
    /// Lists the parts and reads every footer: the shared fields and the total row count.
    fn open(path: &Path) -> Result<Dataset> {
        let parts = if path.is_dir() {
            part_files(path)?
        } else {
            vec![path.to_owned()]
        };
        let mut dataset = Dataset {
            parts: Vec::new(),
            fields: Vec::new(),
            row_count: 0,
        };
        for part in parts {
            let (reader, columns) = open_part(&part)?;
            dataset.row_count += reader.metadata().file_metadata().num_rows().max(0) as u64;
            let fields = columns.into_iter().map(|c| c.field).collect::<Vec<_>>();
            if dataset.parts.is_empty() {
                dataset.fields = fields;
            } else {
                dataset.check_same_fields(&part, &fields)?;
            }
            dataset.parts.push(part);
        }
        Ok(dataset)
    }

    /// A later part must have the first part's fields and types; `not_null` is kept only if
    /// both say so.
    fn check_same_fields(&mut self, part: &Path, fields: &[ProductField]) -> Result<()> {
        let first = file_name(&self.parts[0]);
        let mismatch = |problem: String| Error::bad_source(part.display().to_string(), problem);
        for known in &mut self.fields {
            let Some(field) = fields.iter().find(|f| f.name == known.name) else {
                return Err(mismatch(format!(
                    "has no field '{}', which {first} has; every part of a dataset needs the same fields",
                    known.name
                )));
            };
            if field.declared_type != known.declared_type {
                return Err(mismatch(format!(
                    "field '{}' is {} here but {} in {first}; every part of a dataset needs the same types",
                    field.name, field.declared_type, known.declared_type
                )));
            }
            known.not_null &= field.not_null;
        }
        match fields
            .iter()
            .find(|f| self.fields.iter().all(|k| k.name != f.name))
        {
            Some(extra) => Err(mismatch(format!(
                "has a field '{}' that {first} lacks; every part of a dataset needs the same fields",
                extra.name
            ))),
            None => Ok(()),
        }
    }

    /// Streams the named fields of every row, part after part (see [`for_each_row`]).
    fn for_each_row(
        &self,
        fields: &[&str],
        mut f: impl FnMut(&mut dyn Iterator<Item = (String, Value)>) -> ControlFlow<()>,
    ) -> Result<()> {
        for part in &self.parts {
            let location = || part.display().to_string();
            let (reader, columns) = open_part(part)?;
            let projected = fields
                .iter()
                .map(|name| {
                    columns
                        .iter()
                        .find(|c| c.field.name == *name)
                        .ok_or_else(|| {
                            Error::bad_source(location(), format!("has no field '{name}'"))
                        })
                })
                .collect::<Result<Vec<&Column>>>()?;
            let root = reader
                .metadata()
                .file_metadata()
                .schema_descr()
                .root_schema();
            let projection = Type::group_type_builder(root.name())
                .with_fields(
                    projected
                        .iter()
                        .map(|c| Arc::clone(&c.parquet_type))
                        .collect(),
                )
                .build()
                .map_err(|e| Error::bad_source(location(), e.to_string()))?;
            let rows = RowIter::from_file(Some(projection), &reader)
                .map_err(|e| Error::bad_source(location(), e.to_string()))?;
            for row in rows {
                let row = row.map_err(|e| {
                    Error::bad_source(location(), format!("a row group cannot be read ({e})"))
                })?;
                let mut values = projected
                    .iter()
                    .zip(row.get_column_iter())
                    .map(|(column, (_, value))| (column.field.name.clone(), column.json(value)));
                if f(&mut values).is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// Opens one Parquet file: reads its footer and maps its schema.
fn open_part(path: &Path) -> Result<(SerializedFileReader<File>, Vec<Column>)> {
    let location = || path.display().to_string();
    crate::user_files::check_readable(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| {
        Error::bad_source(
            location(),
            format!("not a readable Parquet file, or a truncated one ({e})"),
        )
    })?;
    let columns = columns_of(reader.metadata().file_metadata().schema_descr())
        .map_err(|problem| Error::bad_source(location(), problem))?;
    Ok((reader, columns))
}

/// The part files of a dataset folder in file-name order (see the module header).
fn part_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let location = || folder.display().to_string();
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| Error::io(folder, e))? {
        let path = entry.map_err(|e| Error::io(folder, e))?.path();
        let name = file_name(&path);
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            return Err(Error::bad_source(
                location(),
                format!(
                    "'{name}' is a subfolder: partitioned (Hive-style) datasets are not read; \
                     register a folder of .parquet part files"
                ),
            ));
        }
        if path.extension().and_then(|e| e.to_str()) != Some(PARQUET_EXTENSION) {
            return Err(Error::bad_source(
                location(),
                format!(
                    "'{name}' is not a .{PARQUET_EXTENSION} file; a dataset folder holds only \
                     part files (names starting with '.' or '_' are skipped)"
                ),
            ));
        }
        parts.push(path);
    }
    if parts.is_empty() {
        return Err(Error::bad_source(
            location(),
            "the folder holds no .parquet part files",
        ));
    }
    parts.sort();
    Ok(parts)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
