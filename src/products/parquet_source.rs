//! Reading Parquet as one data product: a file (named after its stem), or a folder of part files
//! with one schema, as Spark, pyarrow, DuckDB or Polars write a dataset (named after the folder).
//!
//! In a folder, names starting with `.` or `_` are skipped (`_SUCCESS`, `_metadata`, `.crc`
//! checksums); every other entry must be a `*.parquet` file or a Hive-style partition folder
//! (`year=2024/`, nested for several keys), read in path order. Anything else is refused, so no
//! rows are silently left out. Every part must have the same fields with the same declared
//! types; a field is `not_null` only if it is REQUIRED in every part.
//!
//! A partitioned dataset gets one more field per partition key, after the files' fields, valued
//! from each part's folder names (percent-decoded; `__HIVE_DEFAULT_PARTITION__` is null): an
//! `INTEGER` when every value is a 64-bit integer, else `TEXT`, as pyarrow and Spark infer them.
//! Every part must sit under the same keys in the same order, and no key may also be a field of
//! the files.
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

/// The folder name Hive, Spark and pyarrow give a partition whose value is null.
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One part file and, in a partitioned dataset, the raw partition values its folders give
/// (`year=2024/month=1/part-0.parquet` → `[("year", "2024"), ("month", "1")]`).
struct PartFile {
    path: PathBuf,
    partition: Vec<(String, Option<String>)>,
}

/// A part as read: its path and its typed partition values, in the order of the keys.
struct Part {
    path: PathBuf,
    partition: Vec<Value>,
}

/// An opened dataset: its parts (one for a single file), the fields they share followed by the
/// partition keys, and how many of the fields are the files' own.
struct Dataset {
    parts: Vec<Part>,
    fields: Vec<ProductField>,
    file_fields: usize,
    row_count: u64,
}

/// Where a requested field's values come from.
enum Source<'a> {
    /// A column of the part files (its index among the projected columns).
    File(&'a Column, usize),
    /// A partition key (its index among the keys).
    Partition(usize),
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
    /// Lists the parts and reads every footer: the shared fields, the partition keys and the
    /// total row count.
    fn open(path: &Path) -> Result<Dataset> {
        let files = if path.is_dir() {
            part_files(path)?
        } else {
            vec![PartFile {
                path: path.to_owned(),
                partition: Vec::new(),
            }]
        };
        let (partition_fields, values) = partition_fields(&files);
        let mut dataset = Dataset {
            parts: Vec::new(),
            fields: Vec::new(),
            file_fields: 0,
            row_count: 0,
        };
        for (file, partition) in files.into_iter().zip(values) {
            let (reader, columns) = open_part(&file.path)?;
            dataset.row_count += reader.metadata().file_metadata().num_rows().max(0) as u64;
            let fields = columns.into_iter().map(|c| c.field).collect::<Vec<_>>();
            if dataset.parts.is_empty() {
                dataset.fields = fields;
            } else {
                dataset.check_same_fields(&file.path, &fields)?;
            }
            dataset.parts.push(Part {
                path: file.path,
                partition,
            });
        }
        dataset.file_fields = dataset.fields.len();
        if let Some(key) = partition_fields
            .iter()
            .find(|k| dataset.fields.iter().any(|f| f.name == k.name))
        {
            return Err(Error::bad_source(
                path.display().to_string(),
                format!(
                    "'{}' is both a partition key (a folder name) and a field of the part files; \
                     rename one of them",
                    key.name
                ),
            ));
        }
        dataset.fields.extend(partition_fields);
        Ok(dataset)
    }

    /// A later part must have the first part's fields and types; `not_null` is kept only if
    /// both say so.
    fn check_same_fields(&mut self, part: &Path, fields: &[ProductField]) -> Result<()> {
        let first = file_name(&self.parts[0].path);
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
        let keys = &self.fields[self.file_fields..];
        for part in &self.parts {
            let location = || part.path.display().to_string();
            let (reader, columns) = open_part(&part.path)?;
            let mut projected: Vec<&Column> = Vec::new();
            let sources = fields
                .iter()
                .map(|name| {
                    if let Some(key) = keys.iter().position(|k| k.name == *name) {
                        return Ok(Source::Partition(key));
                    }
                    let column =
                        columns
                            .iter()
                            .find(|c| c.field.name == *name)
                            .ok_or_else(|| {
                                Error::bad_source(location(), format!("has no field '{name}'"))
                            })?;
                    projected.push(column);
                    Ok(Source::File(column, projected.len() - 1))
                })
                .collect::<Result<Vec<Source>>>()?;
            // Rows are read through at least one column, even when only partition keys are
            // asked for (that column's values are not passed on).
            if projected.is_empty() {
                projected.extend(columns.first());
            }
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
                let read: Vec<&parquet::record::Field> =
                    row.get_column_iter().map(|(_, value)| value).collect();
                let mut values = sources.iter().map(|source| match source {
                    Source::File(column, at) => (column.field.name.clone(), column.json(read[*at])),
                    Source::Partition(key) => {
                        (keys[*key].name.clone(), part.partition[*key].clone())
                    }
                });
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

/// The part files of a dataset folder in path order, with their partition values (see the
/// module header). Every part must sit under the same partition keys, in the same order.
fn part_files(folder: &Path) -> Result<Vec<PartFile>> {
    let location = || folder.display().to_string();
    let mut parts = Vec::new();
    collect_parts(folder, &mut Vec::new(), &mut parts)?;
    let Some(first) = parts.first() else {
        return Err(Error::bad_source(
            location(),
            "the folder holds no .parquet part files",
        ));
    };
    let keys_of = |part: &PartFile| -> Vec<String> {
        part.partition.iter().map(|(k, _)| k.clone()).collect()
    };
    let keys = keys_of(first);
    if let Some(other) = parts.iter().find(|p| keys_of(p) != keys) {
        let named = |keys: Vec<String>| match keys.is_empty() {
            true => "no partition folder".to_owned(),
            false => format!("partition keys ({})", keys.join(", ")),
        };
        return Err(Error::bad_source(
            location(),
            format!(
                "{} sits under {}, but {} under {}; every part of a dataset needs the same \
                 partition keys in the same order",
                relative(folder, &other.path),
                named(keys_of(other)),
                relative(folder, &first.path),
                named(keys),
            ),
        ));
    }
    Ok(parts)
}

/// Adds the part files under `folder` (partition values so far: `partition`) to `parts`.
fn collect_parts(
    folder: &Path,
    partition: &mut Vec<(String, Option<String>)>,
    parts: &mut Vec<PartFile>,
) -> Result<()> {
    let location = || folder.display().to_string();
    let mut entries = std::fs::read_dir(folder)
        .map_err(|e| Error::io(folder, e))?
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io(folder, e)))
        .collect::<Result<Vec<PathBuf>>>()?;
    entries.sort();
    for path in entries {
        let name = file_name(&path);
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        // A link to a folder is not followed (it could lead back up and never end).
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let Some((key, value)) = name.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                return Err(Error::bad_source(
                    location(),
                    format!(
                        "'{name}' is a subfolder but not a Hive-style partition (KEY=VALUE); a \
                         dataset folder holds .parquet part files and partition folders only"
                    ),
                ));
            };
            let value = (value != HIVE_NULL).then(|| percent_decoded(value));
            partition.push((percent_decoded(key), value));
            collect_parts(&path, partition, parts)?;
            partition.pop();
        } else if path.extension().and_then(|e| e.to_str()) == Some(PARQUET_EXTENSION) {
            parts.push(PartFile {
                path,
                partition: partition.clone(),
            });
        } else {
            return Err(Error::bad_source(
                location(),
                format!(
                    "'{name}' is not a .{PARQUET_EXTENSION} file; a dataset folder holds only \
                     part files and partition folders (names starting with '.' or '_' are \
                     skipped)"
                ),
            ));
        }
    }
    Ok(())
}

/// A partition key or value as written in a folder name: `%XX` escapes decoded (pyarrow and
/// Spark escape `/`, `=`, `%` and the like); an invalid escape is kept as written.
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The fields the partition keys add, and each part's typed values (see the module header).
fn partition_fields(files: &[PartFile]) -> (Vec<ProductField>, Vec<Vec<Value>>) {
    let Some(first) = files.first() else {
        return (Vec::new(), Vec::new());
    };
    let integer = |key: usize| {
        files
            .iter()
            .filter_map(|f| f.partition[key].1.as_deref())
            .all(|v| v.parse::<i64>().is_ok())
    };
    let integers: Vec<bool> = (0..first.partition.len()).map(integer).collect();
    let fields = first
        .partition
        .iter()
        .zip(&integers)
        .enumerate()
        .map(|(key, ((name, _), integer))| ProductField {
            name: name.clone(),
            declared_type: if *integer { "INTEGER" } else { "TEXT" }.to_owned(),
            not_null: files.iter().all(|f| f.partition[key].1.is_some()),
        })
        .collect();
    let values = files
        .iter()
        .map(|f| {
            f.partition
                .iter()
                .zip(&integers)
                .map(|((_, value), integer)| match (value, integer) {
                    (None, _) => Value::Null,
                    (Some(v), true) => Value::from(v.parse::<i64>().expect("checked above")),
                    (Some(v), false) => Value::from(v.clone()),
                })
                .collect()
        })
        .collect();
    (fields, values)
}

/// `path` relative to `folder`, for messages.
fn relative(folder: &Path, path: &Path) -> String {
    path.strip_prefix(folder)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
