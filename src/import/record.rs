//! One line of the JSONL import format → a validated [`NewItem`], or the problems that make it
//! invalid, each as `field: problem`. The JSON Schema in `docs/import-format.schema.json` states
//! the same contract.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::registry::Registry;
use crate::content_hash::content_hash;
use crate::domain::{
    AnswerBody, CANDIDATES, Candidate, ComparisonBody, Evidence, Field, ItemBody, ProductSide,
    Relation, RelationshipBody, Vetting,
};
use crate::store::NewItem;

/// An answer line. `K` is what the `kind` field holds: anything ([`IgnoredAny`], when the value
/// was checked beforehand) or exactly `"answer"` ([`AnswerKind`], when parsing the text directly).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerRecord<K = IgnoredAny> {
    #[serde(rename = "kind")]
    _kind: K,
    id: String,
    domain: String,
    model: String,
    question: String,
    answer: String,
    evidence: Vec<Evidence>,
    #[serde(default)]
    vetting: Option<Vetting>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, Value>>,
}

/// A comparison line: one question with its evidence and 2–4 candidate answers. `model` names
/// the item in the queue's model filter; it defaults to the candidates' models, in order
/// without repeats, joined by ` vs `.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonRecord {
    #[serde(rename = "kind")]
    _kind: IgnoredAny,
    id: String,
    domain: String,
    #[serde(default)]
    model: Option<String>,
    question: String,
    candidates: Vec<Candidate>,
    evidence: Vec<Evidence>,
    #[serde(default)]
    vetting: Option<Vetting>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationshipRecord {
    #[serde(rename = "kind")]
    _kind: serde::de::IgnoredAny,
    id: String,
    domain: String,
    model: String,
    source: SideRecord,
    target: SideRecord,
    relation: Relation,
    rationale: String,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    vetting: Option<Vetting>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, Value>>,
}

/// One side of a relationship line. `fields` may be left out when `product` is registered; then
/// the registry supplies them, and `sample_rows` too unless given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SideRecord {
    product: String,
    #[serde(default, deserialize_with = "given")]
    fields: Option<Vec<Field>>,
    #[serde(default, deserialize_with = "given")]
    sample_rows: Option<Vec<serde_json::Map<String, Value>>>,
}

/// Only absence means "not given": a present `null` is refused as before, since the schema
/// requires an array.
fn given<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A `kind` that is exactly the string `"answer"` (unlike a unit enum variant, which would
/// also accept `{"answer": null}`).
struct AnswerKind;

impl<'de> Deserialize<'de> for AnswerKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AnswerKind;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"the string "answer""#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AnswerKind, E> {
                if v == "answer" {
                    Ok(AnswerKind)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// The fast path for the common line, an answer: parsed straight from the text into its typed
/// record, without an intermediate JSON value. `None` when the line is anything else — another
/// kind, not an object, or invalid in any way — and must take the general path
/// ([`super::lines::parse_object`] then [`parse_record`]), which then yields the same item or
/// the precise problems. Where this succeeds the general path succeeds with the same record:
/// duplicate keys, the one case where a JSON value (last one wins) and a typed record (an error)
/// differ, make this fail.
pub(crate) fn parse_answer_line(text: &str) -> Option<Result<NewItem, Vec<String>>> {
    // A record also deserializes from an array; only objects are lines.
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let record: AnswerRecord<AnswerKind> = serde_json::from_str(text).ok()?;
    Some(answer_item(record))
}

/// Validates one parsed line. Problems are `field: problem` (the caller adds `FILE:LINE: `).
/// Every relationship side must carry its `fields`: there is no registry to take them from
/// (imports into a store use [`parse_record_in`]).
pub fn parse_record(value: Value) -> Result<NewItem, Vec<String>> {
    parse_record_in(value, &mut Registry::none())
}

/// [`parse_record`], filling relationship sides that only name a product from `registry`.
pub(crate) fn parse_record_in(
    value: Value,
    registry: &mut Registry,
) -> Result<NewItem, Vec<String>> {
    let kind = match value.get("kind") {
        None => {
            return Err(vec![
                r#"kind: missing (expected "answer", "relationship" or "comparison")"#.into(),
            ]);
        }
        Some(Value::String(k)) => k.clone(),
        Some(other) => {
            return Err(vec![format!(
                "kind: expected a string, got {}",
                type_name(other)
            )]);
        }
    };
    match kind.as_str() {
        "answer" => answer_item(typed::<AnswerRecord>(value)?),
        "comparison" => comparison_item(typed::<ComparisonRecord>(value)?),
        "relationship" => {
            let r: RelationshipRecord = typed(value)?;
            let mut problems = Vec::new();
            let source = resolve_side(&mut problems, "source", r.source, registry);
            let target = resolve_side(&mut problems, "target", r.target, registry);
            require_text(&mut problems, "relation.type", &r.relation.relation_type);
            if r.relation.mapping.is_empty() {
                problems.push("relation.mapping: needs at least one field pair".into());
            }
            for (i, pair) in r.relation.mapping.iter().enumerate() {
                for (side, field, label) in [
                    (&source, &pair.source_field, "source_field"),
                    (&target, &pair.target_field, "target_field"),
                ] {
                    // A side that could not be resolved has its problem listed already.
                    let Some((side, registered)) = side else {
                        continue;
                    };
                    if !side.fields.iter().any(|f| &f.name == field) {
                        problems.push(format!(
                            "relation.mapping[{i}].{label}: '{field}' is not a field of '{}'{}",
                            side.product,
                            if *registered {
                                format!(" (registered; its fields: {})", field_names(side))
                            } else {
                                String::new()
                            }
                        ));
                    }
                }
            }
            if let Some(c) = r.confidence
                && !(0.0..=1.0).contains(&c)
            {
                problems.push(format!("confidence: {c} is outside 0..1"));
            }
            // Only a line with problems has an unresolved side, and it builds no item.
            let or_placeholder = |side: Option<(ProductSide, bool)>| {
                side.map_or_else(
                    || ProductSide {
                        product: String::new(),
                        fields: Vec::new(),
                        sample_rows: Vec::new(),
                    },
                    |(side, _)| side,
                )
            };
            let body = ItemBody::Relationship(RelationshipBody {
                source: or_placeholder(source),
                target: or_placeholder(target),
                relation: r.relation,
                rationale: r.rationale,
                confidence: r.confidence,
            });
            finish(
                problems, r.id, r.domain, r.model, body, r.vetting, r.metadata,
            )
        }
        other => Err(vec![format!(
            r#"kind: unknown kind "{other}" (expected "answer", "relationship" or "comparison")"#
        )]),
    }
}

fn answer_item<K>(r: AnswerRecord<K>) -> Result<NewItem, Vec<String>> {
    let mut problems = Vec::new();
    require_text(&mut problems, "question", &r.question);
    require_text(&mut problems, "answer", &r.answer);
    check_evidence(&mut problems, &r.evidence);
    let body = ItemBody::Answer(AnswerBody {
        question: r.question,
        answer: r.answer,
        evidence: r.evidence,
    });
    finish(
        problems, r.id, r.domain, r.model, body, r.vetting, r.metadata,
    )
}

fn check_evidence(problems: &mut Vec<String>, evidence: &[Evidence]) {
    for (i, e) in evidence.iter().enumerate() {
        require_text(problems, &format!("evidence[{i}].id"), &e.id);
        require_text(problems, &format!("evidence[{i}].text"), &e.text);
        if evidence[..i].iter().any(|earlier| earlier.id == e.id) {
            problems.push(format!("evidence[{i}].id: duplicate passage id '{}'", e.id));
        }
    }
}

fn comparison_item(r: ComparisonRecord) -> Result<NewItem, Vec<String>> {
    let mut problems = Vec::new();
    require_text(&mut problems, "question", &r.question);
    if !CANDIDATES.contains(&r.candidates.len()) {
        problems.push(format!(
            "candidates: {} given; a comparison has {} to {}",
            r.candidates.len(),
            CANDIDATES.start(),
            CANDIDATES.end()
        ));
    }
    for (i, c) in r.candidates.iter().enumerate() {
        require_text(&mut problems, &format!("candidates[{i}].model"), &c.model);
        require_text(&mut problems, &format!("candidates[{i}].answer"), &c.answer);
    }
    check_evidence(&mut problems, &r.evidence);
    let model = r.model.unwrap_or_else(|| {
        let mut models: Vec<&str> = Vec::new();
        for c in &r.candidates {
            if !models.contains(&c.model.as_str()) {
                models.push(&c.model);
            }
        }
        models.join(" vs ")
    });
    let body = ItemBody::Comparison(ComparisonBody {
        question: r.question,
        candidates: r.candidates,
        evidence: r.evidence,
    });
    finish(problems, r.id, r.domain, model, body, r.vetting, r.metadata)
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Vec<String>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        vec![if path == "." {
            // Missing or unknown top-level fields carry no path; serde names the field.
            message
        } else {
            format!("{path}: {message}")
        }]
    })
}

fn finish(
    mut problems: Vec<String>,
    id: String,
    domain: String,
    model: String,
    body: ItemBody,
    vetting: Option<Vetting>,
    metadata: Option<serde_json::Map<String, Value>>,
) -> Result<NewItem, Vec<String>> {
    require_text(&mut problems, "id", &id);
    require_text(&mut problems, "domain", &domain);
    require_text(&mut problems, "model", &model);
    if let Some(score) = vetting.as_ref().and_then(|v| v.score)
        && !(0.0..=1.0).contains(&score)
    {
        problems.push(format!("vetting.score: {score} is outside 0..1"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewItem {
        content_hash: content_hash(&domain, &model, &body),
        external_id: id,
        domain,
        model,
        body,
        vetting,
        metadata: Value::Object(metadata.unwrap_or_default()),
    })
}

/// The side as stored, and whether its fields came from the registry; `None` when it names no
/// registered product and gives no fields (the problem is pushed). A side with `fields` is taken
/// as written, whether or not its product is registered.
fn resolve_side(
    problems: &mut Vec<String>,
    label: &str,
    record: SideRecord,
    registry: &mut Registry,
) -> Option<(ProductSide, bool)> {
    let SideRecord {
        product,
        fields,
        sample_rows,
    } = record;
    if let Some(fields) = fields {
        let side = ProductSide {
            product,
            fields,
            sample_rows: sample_rows.unwrap_or_default(),
        };
        check_side(problems, label, &side);
        return Some((side, false));
    }
    if product.trim().is_empty() {
        problems.push(format!(
            "{label}.product: must not be empty (and without fields it must name a registered \
             data product)"
        ));
        return None;
    }
    match registry.side(&product) {
        Ok(registered) => {
            let mut side = registered.clone();
            if let Some(rows) = sample_rows {
                side.sample_rows = rows;
            }
            Some((side, true))
        }
        Err(problem) => {
            problems.push(format!("{label}.product: {problem}"));
            None
        }
    }
}

fn field_names(side: &ProductSide) -> String {
    let names: Vec<&str> = side.fields.iter().map(|f| f.name.as_str()).collect();
    names.join(", ")
}

fn check_side(problems: &mut Vec<String>, label: &str, side: &ProductSide) {
    require_text(problems, &format!("{label}.product"), &side.product);
    if side.fields.is_empty() {
        problems.push(format!("{label}.fields: needs at least one field"));
    }
    for (i, f) in side.fields.iter().enumerate() {
        require_text(problems, &format!("{label}.fields[{i}].name"), &f.name);
        if side.fields[..i]
            .iter()
            .any(|earlier| earlier.name == f.name)
        {
            problems.push(format!(
                "{label}.fields[{i}].name: duplicate field '{}'",
                f.name
            ));
        }
    }
}

fn require_text(problems: &mut Vec<String>, field: &str, value: &str) {
    if value.trim().is_empty() {
        problems.push(format!("{field}: must not be empty"));
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::parse_object;

    fn general(line: &str) -> Result<Result<NewItem, Vec<String>>, String> {
        parse_object(line.to_owned()).map(parse_record)
    }

    #[test]
    fn the_answer_fast_path_agrees_with_the_general_path_or_steps_aside() {
        let ok = r#""id":"a-1","domain":"d","model":"m","question":"Q?","answer":"A.","evidence":[{"id":"1","text":"T"}]"#;
        let lines = [
            format!(r#"{{"kind":"answer",{ok}}}"#),
            format!(r#"  {{"kind":"answer",{ok},"vetting":{{"model":"v","verdict":"pass","score":1}},"metadata":{{"a":[1,{{"b":null}}],"a":2}}}}"#),
            format!(r#"{{{ok},"kind":"answer","vetting":null,"metadata":null}}"#),
            format!(r#"{{"kind":"answer",{ok},"kind":"answer"}}"#),
            format!(r#"{{"kind":"relationship",{ok}}}"#),
            format!(r#"{{"kind":{{"answer":null}},{ok}}}"#),
            format!(r#"{{"kind":"answer",{ok},"extra":1}}"#),
            format!(r#"{{"kind":"answer",{ok},"id":"a-2"}}"#),
            r#"{"kind":"answer","id":" ","domain":"d","model":"m","question":"","answer":"A","evidence":[{"id":"1","text":"T"},{"id":"1","text":""}]}"#.to_owned(),
            r#"{"kind":"answer","id":"x","domain":"d","model":"m","question":"q","answer":"a","evidence":[],"vetting":{"model":"v","verdict":"pass","score":7}}"#.to_owned(),
            r#"["answer","a-1","d","m","Q?","A.",[]]"#.to_owned(),
            r#"{"kind":"answer","id":"a","domain":"d","model":"m","question":"q\ud800","answer":"a","evidence":[]}"#.to_owned(),
            r#"{"kind":"answer","id":1,"domain":"d","model":"m","question":"q","answer":"a","evidence":[]}"#.to_owned(),
            format!(r#"{{"kind":"answer",{ok}}} x"#),
        ];
        let mut fast_taken = 0;
        for line in &lines {
            let slow = general(line);
            if let Some(fast) = parse_answer_line(line) {
                fast_taken += 1;
                assert_eq!(
                    format!("{:?}", Ok::<_, String>(fast)),
                    format!("{slow:?}"),
                    "{line}"
                );
            }
        }
        assert_eq!(
            fast_taken, 5,
            "valid answers and answers failing validation"
        );
    }

    #[test]
    fn without_a_registry_a_side_must_carry_its_fields() {
        let line = r#"{"kind":"relationship","id":"r","domain":"d","model":"m","source":{"product":"Invoice"},"target":{"product":"Customer","fields":[{"name":"CustomerId","type":"INTEGER"}]},"relation":{"type":"foreign_key","cardinality":"N:1","mapping":[{"source_field":"CustomerId","target_field":"CustomerId"}]},"rationale":"r"}"#;
        let problems = general(line).unwrap().unwrap_err();
        assert_eq!(
            problems,
            vec![
                "source.product: 'Invoice' gives no fields, and there is no data-product \
                 registry here to take them from; give its fields"
                    .to_owned()
            ],
            "only the side without fields is a problem; its mapping is not checked twice"
        );
        let null_fields = line.replace(
            r#"{"product":"Invoice"}"#,
            r#"{"product":"Invoice","fields":null}"#,
        );
        assert!(
            general(&null_fields)
                .unwrap()
                .is_err_and(|p| p[0].starts_with("source.fields: invalid type: null")),
            "a null is not an absent field"
        );
    }
}
