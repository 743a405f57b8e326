//! Parquet columns as product fields: the declared type a top-level field gets from its physical
//! and logical (or legacy converted) type, and how its values become JSON with the conventions of
//! the other sources (see [`json_of_sql`]): integers as numbers, dates as `YYYY-MM-DD` text,
//! timestamps as `YYYY-MM-DD HH:MM:SS[.fff]` text in UTC, binary as the blob placeholder.
//!
//! Invariant: every top-level field maps to exactly one declared type that the evidence's type
//! families understand, or registration fails naming it; nothing is skipped. A value out of
//! chrono's range (a date past year 262,143) is a null. Nested fields (groups, lists, maps, repeated fields) are `TEXT`
//! holding the value as compact JSON.

use chrono::{DateTime, NaiveTime};
use parquet::basic::{ConvertedType, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::record::Field;
use parquet::schema::types::{SchemaDescriptor, Type, TypePtr};
use rusqlite::types::ValueRef;
use serde_json::Value;

use super::{ProductField, json_of_sql};

/// A top-level field of a Parquet schema.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub field: ProductField,
    /// The field's type in the file, for projections.
    pub parquet_type: TypePtr,
    rule: ValueRule,
}

/// How a value read by `parquet::record` becomes JSON, where its variant alone does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueRule {
    AsRead,
    /// An `INT64` read as a plain number that is a timestamp in nanoseconds.
    TimestampNanos,
    /// An `INT64` read as a plain number that is a time of day in nanoseconds.
    TimeNanos,
    /// 16 bytes shown as `8-4-4-4-12` hex.
    Uuid,
    /// A nested value, kept as JSON text.
    JsonText,
}

/// The top-level fields of a file's schema, in order. Errors name the field; the caller adds
/// the file.
pub(super) fn columns_of(schema: &SchemaDescriptor) -> Result<Vec<Column>, String> {
    // The record reader cannot decode INTERVAL (it panics), so no column holding one is read.
    if let Some(leaf) = schema
        .columns()
        .iter()
        .find(|c| c.converted_type() == ConvertedType::INTERVAL)
    {
        return Err(format!(
            "field '{}' holds INTERVAL values, which cannot be read",
            leaf.path()
        ));
    }
    let mut columns: Vec<Column> = Vec::new();
    for parquet_type in schema.root_schema().get_fields() {
        let name = parquet_type.name();
        if columns.iter().any(|c| c.field.name == name) {
            return Err(format!("field name '{name}' appears twice"));
        }
        let repetition = parquet_type.get_basic_info().repetition();
        let (declared_type, rule) = if parquet_type.is_group() || repetition == Repetition::REPEATED
        {
            ("TEXT".to_owned(), ValueRule::JsonText)
        } else {
            declared_type(parquet_type)
        };
        columns.push(Column {
            field: ProductField {
                name: name.to_owned(),
                declared_type,
                not_null: repetition == Repetition::REQUIRED,
            },
            parquet_type: parquet_type.clone(),
            rule,
        });
    }
    Ok(columns)
}

/// The declared type of a primitive field (see the table in `docs/relationships.md`).
fn declared_type(t: &Type) -> (String, ValueRule) {
    let info = t.get_basic_info();
    let nanos = |unit: &TimeUnit| *unit == TimeUnit::NANOS;
    let (name, rule) = match (info.logical_type_ref(), info.converted_type()) {
        (Some(LogicalType::Timestamp(t)), _) if nanos(&t.unit) => {
            ("DATETIME", ValueRule::TimestampNanos)
        }
        (Some(LogicalType::Time(t)), _) if nanos(&t.unit) => ("TIME", ValueRule::TimeNanos),
        (Some(LogicalType::Uuid), _) => ("TEXT", ValueRule::Uuid),
        (Some(LogicalType::Float16), _) => ("REAL", ValueRule::AsRead),
        (_, ConvertedType::DECIMAL) => {
            let decimal = format!("DECIMAL({},{})", t.get_precision(), t.get_scale());
            return (decimal, ValueRule::AsRead);
        }
        (_, ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON) => {
            ("TEXT", ValueRule::AsRead)
        }
        (_, ConvertedType::DATE) => ("DATE", ValueRule::AsRead),
        (_, ConvertedType::TIME_MILLIS | ConvertedType::TIME_MICROS) => ("TIME", ValueRule::AsRead),
        (_, ConvertedType::TIMESTAMP_MILLIS | ConvertedType::TIMESTAMP_MICROS) => {
            ("DATETIME", ValueRule::AsRead)
        }
        _ => match t.get_physical_type() {
            Physical::BOOLEAN => ("BOOLEAN", ValueRule::AsRead),
            Physical::INT32 | Physical::INT64 => ("INTEGER", ValueRule::AsRead),
            // Legacy (Impala, Spark) timestamps; the reader gives milliseconds.
            Physical::INT96 => ("DATETIME", ValueRule::AsRead),
            Physical::FLOAT | Physical::DOUBLE => ("REAL", ValueRule::AsRead),
            Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY => ("BLOB", ValueRule::AsRead),
        },
    };
    (name.to_owned(), rule)
}

impl Column {
    /// A value of this column as JSON (see the module header).
    pub fn json(&self, value: &Field) -> Value {
        match (self.rule, value) {
            (_, Field::Null) => Value::Null,
            (ValueRule::TimestampNanos, Field::Long(n)) => {
                datetime_text(Some(DateTime::from_timestamp_nanos(*n)))
            }
            (ValueRule::TimeNanos, Field::Long(n)) => time_text(*n, 1_000_000_000),
            (ValueRule::Uuid, Field::Bytes(b)) if b.len() == 16 => {
                let hex = hex::encode(b.data());
                let parts = [
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..],
                ];
                Value::String(parts.join("-"))
            }
            (ValueRule::JsonText, nested) => Value::String(json_of_field(nested).to_string()),
            (_, other) => json_of_field(other),
        }
    }
}

/// A value as the reader typed it; nested values become JSON arrays and objects.
fn json_of_field(value: &Field) -> Value {
    match value {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(n) => Value::from(*n),
        Field::Short(n) => Value::from(*n),
        Field::Int(n) => Value::from(*n),
        Field::Long(n) => Value::from(*n),
        Field::UByte(n) => Value::from(*n),
        Field::UShort(n) => Value::from(*n),
        Field::UInt(n) => Value::from(*n),
        Field::ULong(n) => Value::from(*n),
        Field::Float16(f) => json_of_sql(ValueRef::Real(f64::from(*f))),
        Field::Float(f) => json_of_sql(ValueRef::Real(f64::from(*f))),
        Field::Double(f) => json_of_sql(ValueRef::Real(*f)),
        // Exact decimal text, as a number like SQLite's REAL: keys `1.98` and `7` match there.
        Field::Decimal(_) => value
            .to_string()
            .parse::<f64>()
            .map_or(Value::Null, |f| json_of_sql(ValueRef::Real(f))),
        Field::Str(s) => Value::String(s.clone()),
        Field::Bytes(b) => json_of_sql(ValueRef::Blob(b.data())),
        Field::Date(days) => DateTime::from_timestamp(i64::from(*days) * 86_400, 0)
            .map_or(Value::Null, |t| {
                Value::String(t.date_naive().format("%Y-%m-%d").to_string())
            }),
        Field::TimeMillis(ms) => time_text(i64::from(*ms), 1_000),
        Field::TimeMicros(us) => time_text(*us, 1_000_000),
        Field::TimestampMillis(ms) => datetime_text(DateTime::from_timestamp_millis(*ms)),
        Field::TimestampMicros(us) => datetime_text(DateTime::from_timestamp_micros(*us)),
        Field::Group(row) => Value::Object(
            row.get_column_iter()
                .map(|(name, f)| (name.clone(), json_of_field(f)))
                .collect(),
        ),
        Field::ListInternal(list) => {
            Value::Array(list.elements().iter().map(json_of_field).collect())
        }
        Field::MapInternal(map) => Value::Array(
            map.entries()
                .iter()
                .map(|(k, v)| Value::Array(vec![json_of_field(k), json_of_field(v)]))
                .collect(),
        ),
    }
}

fn datetime_text(t: Option<DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.format("%Y-%m-%d %H:%M:%S%.f").to_string())
    })
}

/// `ticks` since midnight, `per_second` ticks a second, as `HH:MM:SS[.fff]`.
fn time_text(ticks: i64, per_second: i64) -> Value {
    let seconds = u32::try_from(ticks.div_euclid(per_second)).ok();
    let nanos = ticks.rem_euclid(per_second) * (1_000_000_000 / per_second);
    seconds
        .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, nanos as u32))
        .map_or(Value::Null, |t| {
            Value::String(t.format("%H:%M:%S%.f").to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::data_type::ByteArray;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    fn columns(message: &str) -> Vec<Column> {
        let schema = SchemaDescriptor::new(Arc::new(parse_message_type(message).unwrap()));
        columns_of(&schema).unwrap()
    }

    #[test]
    fn values_the_record_reader_leaves_raw_are_read_by_their_logical_type() {
        let [uuid, time, millis, list] = columns(
            "message m {
                required fixed_len_byte_array(16) id (UUID);
                optional int64 at (TIME(NANOS,false));
                optional int32 t (TIME(MILLIS,false));
                repeated int32 tags;
            }",
        )
        .try_into()
        .unwrap();
        let types: Vec<_> = [&uuid, &time, &millis, &list]
            .map(|c| (c.field.declared_type.as_str(), c.field.not_null))
            .to_vec();
        assert_eq!(
            types,
            [
                ("TEXT", true),
                ("TIME", false),
                ("TIME", false),
                ("TEXT", false)
            ],
            "a repeated field is nested: JSON text"
        );
        let bytes: Vec<u8> = (0..16).collect();
        assert_eq!(
            uuid.json(&Field::Bytes(ByteArray::from(bytes))),
            "00010203-0405-0607-0809-0a0b0c0d0e0f"
        );
        assert_eq!(
            time.json(&Field::Long(3_723_000_000_500)),
            "01:02:03.000000500"
        );
        assert_eq!(millis.json(&Field::TimeMillis(3_723_250)), "01:02:03.250");
        let nested = Field::Group(parquet::record::Row::new(vec![
            ("n".to_owned(), Field::Int(1)),
            ("day".to_owned(), Field::Date(19_724)),
        ]));
        assert_eq!(
            list.json(&nested),
            r#"{"day":"2024-01-02","n":1}"#,
            "nested values keep the scalar conventions inside the JSON text"
        );
    }

    #[test]
    fn duplicate_field_names_are_refused() {
        let message = "message m { optional int32 a; optional int64 a; }";
        let schema = SchemaDescriptor::new(Arc::new(parse_message_type(message).unwrap()));
        assert_eq!(
            columns_of(&schema).unwrap_err(),
            "field name 'a' appears twice"
        );
    }
}
