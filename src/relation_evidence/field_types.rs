//! Declared types normalised to families, so `NVARCHAR(40)` and `TEXT`, or `INTEGER` and `int`,
//! compare as the same kind of value. The rules follow SQLite's type-affinity rules (substring
//! tests on the upper-cased declaration), with dates and booleans recognised first.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TypeFamily {
    Integer,
    Real,
    /// `NUMERIC`, `DECIMAL(10,2)`, `MONEY`: exact numbers.
    Numeric,
    Boolean,
    Datetime,
    Text,
    Blob,
    /// No declared type, or one we do not recognise.
    Unknown,
}

/// How the declared types of a field pair compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TypeMatch {
    /// The same family.
    Same,
    /// Different families whose values can still be equal: two kinds of number, or a date
    /// against text (SQLite stores dates as text).
    Compatible,
    Incompatible,
    /// A side has no (recognised) declared type.
    Unknown,
}

pub fn type_family(declared: &str) -> TypeFamily {
    let t = declared.to_ascii_uppercase();
    let has = |parts: &[&str]| parts.iter().any(|p| t.contains(p));
    if t.trim().is_empty() {
        TypeFamily::Unknown
    } else if has(&["INT"]) {
        TypeFamily::Integer
    } else if has(&["BOOL", "BIT"]) {
        TypeFamily::Boolean
    } else if has(&["DATE", "TIME"]) {
        TypeFamily::Datetime
    } else if has(&["CHAR", "CLOB", "TEXT", "STRING", "UUID", "GUID"]) {
        TypeFamily::Text
    } else if has(&["BLOB", "BINARY", "IMAGE"]) {
        TypeFamily::Blob
    } else if has(&["REAL", "FLOA", "DOUB"]) {
        TypeFamily::Real
    } else if has(&["NUM", "DEC", "MONEY"]) {
        TypeFamily::Numeric
    } else {
        TypeFamily::Unknown
    }
}

pub fn type_match(source: TypeFamily, target: TypeFamily) -> TypeMatch {
    use TypeFamily::*;
    match (source, target) {
        (Unknown, _) | (_, Unknown) => TypeMatch::Unknown,
        (a, b) if a == b => TypeMatch::Same,
        (Integer | Real | Numeric | Boolean, Integer | Real | Numeric | Boolean)
        | (Datetime, Text)
        | (Text, Datetime) => TypeMatch::Compatible,
        _ => TypeMatch::Incompatible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_normalise_to_families() {
        assert_eq!(type_family("INTEGER"), TypeFamily::Integer);
        assert_eq!(type_family("int"), TypeFamily::Integer);
        assert_eq!(type_family("NVARCHAR(40)"), TypeFamily::Text);
        assert_eq!(type_family("NUMERIC(10,2)"), TypeFamily::Numeric);
        assert_eq!(type_family("DATETIME"), TypeFamily::Datetime);
        assert_eq!(type_family(""), TypeFamily::Unknown);
        assert_eq!(
            type_match(TypeFamily::Integer, TypeFamily::Numeric),
            TypeMatch::Compatible
        );
        assert_eq!(
            type_match(TypeFamily::Integer, TypeFamily::Text),
            TypeMatch::Incompatible
        );
    }
}
