//! Cell values: SQLite values as JSON (how samples are stored), and the comparison key used to
//! match values across products.

use rusqlite::types::ValueRef;
use serde_json::Value;

/// A SQLite value as stored in a sample row. Text that is not valid UTF-8 is converted lossily;
/// a blob becomes the placeholder `"<blob: N bytes>"`, so blob columns make meaningless keys.
pub(crate) fn json_of_sql(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::String(format!("<blob: {} bytes>", b.len())),
    }
}

/// The key a value is compared by, or `None` for a null (nulls never match).
///
/// Numbers with an integral value compare as that integer, so `7`, `7.0` and the text `"7"` are
/// one key; other text compares exactly (case and spaces matter). This is looser than SQLite's
/// own comparison on purpose: a key stored as text on one side and as an integer on the other is
/// still found, and the type mismatch is reported separately as type compatibility.
pub(crate) fn key_of_json(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Number(n) => Some(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => (f as i64).to_string(),
            _ => n.to_string(),
        }),
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(u8::from(*b).to_string()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_numbers_and_their_text_share_a_key() {
        assert_eq!(key_of_json(&json!(7)), Some("7".into()));
        assert_eq!(key_of_json(&json!(7.0)), Some("7".into()));
        assert_eq!(key_of_json(&json!("7")), Some("7".into()));
        assert_eq!(key_of_json(&json!(7.5)), Some("7.5".into()));
        assert_eq!(key_of_json(&json!(null)), None, "nulls never match");
    }
}
