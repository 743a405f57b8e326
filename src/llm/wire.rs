//! The JSON of `POST /chat/completions` as OpenAI, vLLM, Ollama and llama.cpp speak it: only the
//! fields Vetted sends or reads. Unknown fields are ignored (servers add their own, e.g.
//! llama.cpp's `timings`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: "system",
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: "user",
            content: content.into(),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ChatRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<&'a Value>,
    pub stream: bool,
    /// Asks for a final chunk carrying `usage` (with empty `choices`) when streaming.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<Value>,
}

/// Token counts of one call, as the server reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u32,
    #[serde(default)]
    pub completion_tokens: u32,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChatResponse {
    #[serde(default)]
    pub choices: Vec<Choice>,
    pub usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Choice {
    pub message: Option<Content>,
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Content {
    pub content: Option<String>,
}

/// One `data:` event of a streamed completion.
#[derive(Debug, Deserialize)]
pub(crate) struct StreamChunk {
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    pub usage: Option<Usage>,
    pub error: Option<ErrorBody>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChunkChoice {
    #[serde(default)]
    pub delta: Content,
    pub finish_reason: Option<String>,
}

/// `{"error": {...}}`, the error envelope of every OpenAI-compatible server.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// OpenAI sends `code` as a string (`"insufficient_quota"`) or null; llama.cpp as the HTTP status
/// number. Both are accepted.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<Value>,
}

impl ErrorBody {
    /// Parses an error response body; anything else becomes its (shortened) text.
    pub fn from_body(body: &str) -> ErrorBody {
        serde_json::from_str::<ErrorEnvelope>(body)
            .map(|e| e.error)
            .unwrap_or_else(|_| ErrorBody {
                message: body.chars().take(300).collect(),
                ..ErrorBody::default()
            })
    }

    /// True for OpenAI's "you have no credit left", which no retry can fix.
    pub fn is_insufficient_quota(&self) -> bool {
        let code = self.code.as_ref().and_then(Value::as_str);
        code == Some("insufficient_quota") || self.kind.as_deref() == Some("insufficient_quota")
    }
}
