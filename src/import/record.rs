//! One line of the JSONL import format → a validated [`NewItem`], or the problems that make it
//! invalid, each as `field: problem`. The JSON Schema in `docs/import-format.schema.json` states
//! the same contract.

use serde::Deserialize;
use serde_json::Value;

use crate::content_hash::content_hash;
use crate::domain::{
    AnswerBody, Evidence, ItemBody, ProductSide, Relation, RelationshipBody, Vetting,
};
use crate::store::NewItem;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerRecord {
    #[serde(rename = "kind")]
    _kind: serde::de::IgnoredAny,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationshipRecord {
    #[serde(rename = "kind")]
    _kind: serde::de::IgnoredAny,
    id: String,
    domain: String,
    model: String,
    source: ProductSide,
    target: ProductSide,
    relation: Relation,
    rationale: String,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    vetting: Option<Vetting>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, Value>>,
}

/// Validates one parsed line. Problems are `field: problem` (the caller adds `FILE:LINE: `).
pub fn parse_record(value: Value) -> Result<NewItem, Vec<String>> {
    let kind = match value.get("kind") {
        None => {
            return Err(vec![
                r#"kind: missing (expected "answer" or "relationship")"#.into(),
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
        "answer" => {
            let r: AnswerRecord = typed(value)?;
            let mut problems = Vec::new();
            require_text(&mut problems, "question", &r.question);
            require_text(&mut problems, "answer", &r.answer);
            for (i, e) in r.evidence.iter().enumerate() {
                require_text(&mut problems, &format!("evidence[{i}].id"), &e.id);
                require_text(&mut problems, &format!("evidence[{i}].text"), &e.text);
                if r.evidence[..i].iter().any(|earlier| earlier.id == e.id) {
                    problems.push(format!("evidence[{i}].id: duplicate passage id '{}'", e.id));
                }
            }
            let body = ItemBody::Answer(AnswerBody {
                question: r.question,
                answer: r.answer,
                evidence: r.evidence,
            });
            finish(
                problems, r.id, r.domain, r.model, body, r.vetting, r.metadata,
            )
        }
        "relationship" => {
            let r: RelationshipRecord = typed(value)?;
            let mut problems = Vec::new();
            check_side(&mut problems, "source", &r.source);
            check_side(&mut problems, "target", &r.target);
            require_text(&mut problems, "relation.type", &r.relation.relation_type);
            if r.relation.mapping.is_empty() {
                problems.push("relation.mapping: needs at least one field pair".into());
            }
            for (i, pair) in r.relation.mapping.iter().enumerate() {
                for (side, field, label) in [
                    (&r.source, &pair.source_field, "source_field"),
                    (&r.target, &pair.target_field, "target_field"),
                ] {
                    if !side.fields.iter().any(|f| &f.name == field) {
                        problems.push(format!(
                            "relation.mapping[{i}].{label}: '{field}' is not a field of '{}'",
                            side.product
                        ));
                    }
                }
            }
            if let Some(c) = r.confidence
                && !(0.0..=1.0).contains(&c)
            {
                problems.push(format!("confidence: {c} is outside 0..1"));
            }
            let body = ItemBody::Relationship(RelationshipBody {
                source: r.source,
                target: r.target,
                relation: r.relation,
                rationale: r.rationale,
                confidence: r.confidence,
            });
            finish(
                problems, r.id, r.domain, r.model, body, r.vetting, r.metadata,
            )
        }
        other => Err(vec![format!(
            r#"kind: unknown kind "{other}" (expected "answer" or "relationship")"#
        )]),
    }
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
