//! Content identity of an item: SHA-256 over its reviewed content after normalization, so the
//! same item re-exported by another tool (Unicode composed differently, CRLF line ends, stray
//! whitespace, keys in another order) is recognised as already present.
//!
//! Covered: kind, domain, model and the body (question, answer, evidence; or both products and
//! the relation, rationale and confidence). Not covered: vetting and metadata, which describe
//! the item rather than being what is reviewed.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::domain::{AnswerBody, ItemBody};

/// Unicode NFC, `\r\n` → `\n`, surrounding whitespace trimmed.
pub fn normalize_text(text: &str) -> String {
    normalized(text).into_owned()
}

/// [`normalize_text`], borrowing when only the trim applies.
fn normalized(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    // Fast path (most text): nothing to replace and already NFC, so only the trim applies.
    if !trimmed.contains('\r') && is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(trimmed);
    }
    Cow::Owned(text.replace("\r\n", "\n").trim().nfc().collect())
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
    match body {
        ItemBody::Answer(answer) => answer_hash(domain, model, answer),
        ItemBody::Relationship(_) | ItemBody::Comparison(_) => hash_via_value(domain, model, body),
    }
}

/// The canonical form: the item as a JSON value with every string (keys included) normalized,
/// keys sorted, written compactly — hashed. The general definition, used for relationships
/// (whose sample rows are arbitrary JSON) and comparisons.
fn hash_via_value(domain: &str, model: &str, body: &ItemBody) -> String {
    let body = serde_json::to_value(body).expect("item body serializes");
    let canonical = normalize_value(serde_json::json!({
        "domain": domain,
        "model": model,
        "body": body,
    }));
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The same bytes as [`hash_via_value`] for an answer, streamed into the hash without building
/// a JSON value or copying text that is already normalized (imports hash every item). The
/// structs list their keys in sorted order, as the value's map would; a test compares both.
fn answer_hash(domain: &str, model: &str, answer: &AnswerBody) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        body: Body<'a>,
        domain: Cow<'a, str>,
        model: Cow<'a, str>,
    }
    #[derive(Serialize)]
    struct Body<'a> {
        answer: Cow<'a, str>,
        evidence: Vec<Passage<'a>>,
        kind: &'static str,
        question: Cow<'a, str>,
    }
    #[derive(Serialize)]
    struct Passage<'a> {
        id: Cow<'a, str>,
        source: Cow<'a, str>,
        text: Cow<'a, str>,
        title: Cow<'a, str>,
    }
    let canonical = Canonical {
        body: Body {
            answer: normalized(&answer.answer),
            evidence: answer
                .evidence
                .iter()
                .map(|e| Passage {
                    id: normalized(&e.id),
                    source: normalized(&e.source),
                    text: normalized(&e.text),
                    title: normalized(&e.title),
                })
                .collect(),
            kind: "answer",
            question: normalized(&answer.question),
        },
        domain: normalized(domain),
        model: normalized(model),
    };
    let mut sha = HashWriter(Sha256::new());
    serde_json::to_writer(&mut sha, &canonical).expect("hashing cannot fail");
    hex::encode(sha.0.finalize())
}

struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Evidence;

    fn answer(question: &str, answer: &str, evidence: &[(&str, &str, &str, &str)]) -> ItemBody {
        ItemBody::Answer(AnswerBody {
            question: question.into(),
            answer: answer.into(),
            evidence: evidence
                .iter()
                .map(|(id, title, text, source)| Evidence {
                    id: (*id).into(),
                    title: (*title).into(),
                    text: (*text).into(),
                    source: (*source).into(),
                })
                .collect(),
        })
    }

    #[test]
    fn the_streamed_answer_hash_equals_the_canonical_value_hash() {
        let texts = [
            "",
            "plain",
            "  padded\t\n",
            "line one\r\nline two\r\n",
            "Cafe\u{301} (NFD) and Caf\u{e9}",
            "quotes \" and \\ backslash, control \u{1} \u{7f} and tab\t",
            "emoji 🙂, CJK 漢字, RTL \u{5d0}",
            "\u{2028}separator\u{2029}",
            " \r\n ",
        ];
        for (i, q) in texts.iter().enumerate() {
            let a = texts[(i + 3) % texts.len()];
            let e = texts[(i + 5) % texts.len()];
            for evidence in [
                vec![],
                vec![("doc-1", *q, e, a)],
                vec![("1", "", e, ""), ("2 ", a, *q, "s3://x/y.txt")],
            ] {
                let body = answer(q, a, &evidence);
                for (domain, model) in [("finance", "m"), (" fin\r\n", "Mode\u{301}l ")] {
                    assert_eq!(
                        content_hash(domain, model, &body),
                        hash_via_value(domain, model, &body),
                        "{body:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_streamed_answer_hash_equals_the_canonical_value_hash_for_any_text(
            q in "\\PC*", a in "(\\PC|\\s|\r\n)*", title in "\\PC*", text in "(\\PC|\\s)*",
            domain in "\\PC*",
        ) {
            let body = answer(&q, &a, &[("doc-1", &title, &text, "s"), (&q, &a, &title, &text)]);
            proptest::prop_assert_eq!(
                content_hash(&domain, "m", &body),
                hash_via_value(&domain, "m", &body)
            );
        }
    }
}
