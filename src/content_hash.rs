//! Content identity of an item: SHA-256 over its reviewed content after normalization, so the
//! same item re-exported by another tool (Unicode composed differently, CRLF line ends, stray
//! whitespace, keys in another order) is recognised as already present.
//!
//! Covered: kind, domain, model and the body (question, answer, evidence; or both products and
//! the relation, rationale and confidence). Not covered: vetting and metadata, which describe
//! the item rather than being what is reviewed.

use serde_json::Value;
use sha2::{Digest, Sha256};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::domain::ItemBody;

/// Unicode NFC, `\r\n` → `\n`, surrounding whitespace trimmed.
pub fn normalize_text(text: &str) -> String {
    let trimmed = text.trim();
    // Fast path (most text): nothing to replace and already NFC, so only the trim applies.
    if !trimmed.contains('\r') && is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        return trimmed.to_owned();
    }
    text.replace("\r\n", "\n").trim().nfc().collect()
}

fn normalize_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(normalize_text(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_value).collect()),
        // serde_json's default map is ordered by key, so serialization is canonical.
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (normalize_text(&k), normalize_value(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Hex SHA-256 of the normalized content.
pub fn content_hash(domain: &str, model: &str, body: &ItemBody) -> String {
    let body = serde_json::to_value(body).expect("item body serializes");
    let canonical = normalize_value(serde_json::json!({
        "domain": domain,
        "model": model,
        "body": body,
    }));
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}
