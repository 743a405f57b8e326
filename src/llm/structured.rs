//! Structured output: ask for JSON matching a schema, and accept only JSON that matches.
//!
//! First `response_format: {type: json_schema, json_schema: {name, schema, strict: true}}`. A
//! server that refuses it (HTTP 400 naming `response_format` or `json_schema`) is asked again
//! with `{type: json_object}` and the schema spelled out in the system prompt; the client then
//! remembers the refusal and skips the first try. Before parsing, `finish_reason` is checked:
//! `length` means the JSON was cut off. The parsed value must deserialize into the expected type
//! and pass the role's semantic checks (ranges, known names).

use std::sync::atomic::Ordering;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::client::{ChatParams, Client, Exchange, Reply};
use super::wire::Message;
use crate::error::{Error, Result};

/// The JSON a role expects: a name (sent to the server) and a JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    pub name: &'static str,
    pub schema: Value,
}

/// How the output was requested; recorded with each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    Text,
    JsonSchema,
    JsonObject,
}

impl OutputMode {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputMode::Text => "text",
            OutputMode::JsonSchema => "json_schema",
            OutputMode::JsonObject => "json_object",
        }
    }
}

/// Asks for JSON matching `schema`, falling back to `json_object` when `json_schema` is refused.
/// `params.messages` must start with the system message; `response_format` is set here.
/// Returns the exchange that produced the answer (or the final error) and the mode used.
pub async fn chat_structured(
    client: &Client,
    mut params: ChatParams,
    schema: &OutputSchema,
    cancel: &CancellationToken,
) -> (Exchange, OutputMode) {
    if !client.json_schema_refused.load(Ordering::Relaxed) {
        params.response_format = Some(serde_json::json!({
            "type": "json_schema",
            "json_schema": {"name": schema.name, "schema": schema.schema, "strict": true},
        }));
        let exchange = client.chat(&params, cancel).await;
        if !is_schema_refusal(&exchange.reply) {
            return (exchange, OutputMode::JsonSchema);
        }
        client.json_schema_refused.store(true, Ordering::Relaxed);
    }
    params.response_format = Some(serde_json::json!({"type": "json_object"}));
    let instructions = format!(
        "\n\nAnswer with one JSON object only, no prose and no code fence, matching this JSON \
         Schema:\n{}",
        schema.schema
    );
    match params.messages.first_mut() {
        Some(first) if first.role == "system" => first.content.push_str(&instructions),
        _ => params.messages.insert(0, Message::system(instructions)),
    }
    (client.chat(&params, cancel).await, OutputMode::JsonObject)
}

fn is_schema_refusal(reply: &Result<Reply>) -> bool {
    matches!(reply, Err(Error::LlmHttp { status: 400, message, .. })
        if message.contains("response_format") || message.contains("json_schema"))
}

/// Checks `finish_reason`, parses the content as `T` and applies `check`.
///
/// Errors: `LlmTruncated` for `finish_reason: length`; `LlmBadOutput` for other abnormal stops,
/// invalid JSON, the wrong shape, or a failed semantic check (its message says which).
pub fn parse_reply<T: DeserializeOwned>(
    provider: &str,
    reply: &Reply,
    check: impl FnOnce(&T) -> std::result::Result<(), String>,
) -> Result<T> {
    let bad = |message: String| Error::LlmBadOutput {
        provider: provider.to_owned(),
        message,
    };
    match reply.finish_reason.as_deref() {
        Some("length") => {
            return Err(Error::LlmTruncated {
                provider: provider.to_owned(),
            });
        }
        Some("content_filter") => {
            return Err(bad("the provider's content filter stopped it".into()));
        }
        _ => {}
    }
    let text = strip_code_fence(&reply.content);
    let value: T = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| {
            let start: String = text.chars().take(120).collect();
            bad(format!("not the expected JSON ({e}); it began: {start}"))
        })?;
    check(&value).map_err(bad)?;
    Ok(value)
}

/// Small models wrap JSON in ```json fences even when told not to.
fn strip_code_fence(text: &str) -> &str {
    let trimmed = text.trim();
    trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.trim_end().strip_suffix("```"))
        .map_or(trimmed, str::trim)
}
