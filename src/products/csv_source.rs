//! Reading a CSV file as one data product named after the file stem.
//!
//! The first record is the header. The file must be UTF-8 (a byte-order mark is accepted) and
//! every record must have as many fields as the header; otherwise registration fails naming the
//! line. An empty cell is a null.
//!
//! Types are inferred from every non-empty value of a column, streamed: `INTEGER` when all parse
//! as 64-bit integers, `REAL` when all parse as numbers, `DATE` (`YYYY-MM-DD`) or `DATETIME`
//! (`YYYY-MM-DD HH:MM:SS`, or RFC 3339) when all are dates (a mix of both is `DATETIME`), else
//! `TEXT`; a column with no values at all is `TEXT`. Sample values are typed accordingly.

use std::path::Path;

use serde_json::Value;

use super::sample::RowSample;
use super::{DataProduct, ProductField, ProductSchema, Row, SourceKind, product_name};
use crate::error::{Error, Result};

pub(super) fn scan(path: &Path) -> Result<DataProduct> {
    let name = product_name(path)?;
    let mut sample = RowSample::new();
    let header = for_each_record(path, |record| {
        sample.push_with(|| Ok(record.iter().map(str::to_owned).collect::<Vec<_>>()))
    })?;
    let (raw_rows, row_count) = sample.finish();
    let mut types = vec![Inferred::Empty; header.len()];
    // Inference needs every value, so the file is streamed a second time rather than held.
    for_each_record(path, |record| {
        for (t, cell) in types.iter_mut().zip(record.iter()) {
            *t = t.widen(cell);
        }
        Ok(())
    })?;
    let fields: Vec<ProductField> = header
        .iter()
        .zip(&types)
        .map(|(name, t)| ProductField {
            name: name.clone(),
            declared_type: t.sql_name().to_owned(),
            not_null: false,
        })
        .collect();
    let sample_rows = raw_rows
        .into_iter()
        .map(|cells| typed_row(&fields, &cells))
        .collect();
    Ok(DataProduct {
        name,
        source_kind: SourceKind::Csv,
        source_path: path.display().to_string(),
        source_table: None,
        schema: ProductSchema {
            fields,
            ..ProductSchema::default()
        },
        row_count: row_count as i64,
        sample_rows,
        registered_at: chrono::Utc::now(),
    })
}

/// Streams the records after the header through `f`; returns the header. Errors name the file
/// and line: ragged rows, invalid UTF-8, an empty or duplicate column name, an empty file.
pub(crate) fn for_each_record(
    path: &Path,
    mut f: impl FnMut(&csv::StringRecord) -> Result<()>,
) -> Result<Vec<String>> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .map_err(|e| csv_error(&file, e))?;
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        None => {
            return Err(Error::bad_source(
                file,
                "the file is empty; a header is needed",
            ));
        }
        Some(record) => record
            .map_err(|e| csv_error(&file, e))?
            .iter()
            .map(str::to_owned)
            .collect(),
    };
    for (i, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(Error::bad_source(
                format!("{file}:1"),
                format!("column {} has no name", i + 1),
            ));
        }
        if header[..i].contains(name) {
            return Err(Error::bad_source(
                format!("{file}:1"),
                format!("column name '{name}' appears twice"),
            ));
        }
    }
    for record in records {
        f(&record.map_err(|e| csv_error(&file, e))?)?;
    }
    Ok(header)
}

/// A cell as a JSON value of its column's inferred type (empty → null).
pub(crate) fn typed_cell(declared_type: &str, cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    let parsed = match declared_type {
        "INTEGER" => cell.parse::<i64>().ok().map(Value::from),
        "REAL" => cell
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(cell.to_owned()))
}

fn typed_row(fields: &[ProductField], cells: &[String]) -> Row {
    fields
        .iter()
        .zip(cells)
        .map(|(f, cell)| (f.name.clone(), typed_cell(&f.declared_type, cell)))
        .collect()
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let location = line.map_or(file.to_owned(), |l| format!("{file}:{l}"));
    let problem = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "not UTF-8 (field {}); save the file as UTF-8",
            err.field() + 1
        ),
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    Error::bad_source(location, problem)
}

/// What a column's values allow so far; each value can only widen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inferred {
    Empty,
    Integer,
    Real,
    Date,
    Datetime,
    Text,
}

impl Inferred {
    fn widen(self, cell: &str) -> Inferred {
        if cell.is_empty() || self == Inferred::Text {
            return self;
        }
        let own = if cell.parse::<i64>().is_ok() {
            Inferred::Integer
        } else if cell.parse::<f64>().is_ok_and(f64::is_finite) {
            Inferred::Real
        } else if chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok() {
            Inferred::Date
        } else if chrono::NaiveDateTime::parse_from_str(cell, "%Y-%m-%d %H:%M:%S").is_ok()
            || chrono::DateTime::parse_from_rfc3339(cell).is_ok()
        {
            Inferred::Datetime
        } else {
            Inferred::Text
        };
        use Inferred::*;
        match (self, own) {
            (Empty, t) => t,
            (a, b) if a == b => a,
            (Integer, Real) | (Real, Integer) => Real,
            (Date, Datetime) | (Datetime, Date) => Datetime,
            _ => Text,
        }
    }

    fn sql_name(self) -> &'static str {
        match self {
            Inferred::Integer => "INTEGER",
            Inferred::Real => "REAL",
            Inferred::Date => "DATE",
            Inferred::Datetime => "DATETIME",
            Inferred::Empty | Inferred::Text => "TEXT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Inferred;

    fn infer(values: &[&str]) -> &'static str {
        values
            .iter()
            .fold(Inferred::Empty, |t, v| t.widen(v))
            .sql_name()
    }

    #[test]
    fn types_widen_with_every_value() {
        assert_eq!(infer(&["1", "", "42"]), "INTEGER", "empty cells are nulls");
        assert_eq!(infer(&["1", "2.5"]), "REAL");
        assert_eq!(infer(&["2024-01-02", "2024-01-03 10:00:00"]), "DATETIME");
        assert_eq!(infer(&["1", "x"]), "TEXT");
        assert_eq!(infer(&["", ""]), "TEXT", "a column without values is text");
    }
}
