//! The HTTP client for `POST {base_url}/chat/completions`, streaming or not, with the OpenAI
//! SDKs' retry rules, connect and total timeouts, a concurrency limit and cancellation.
//!
//! Invariants:
//! - At most `concurrency` requests of one `Client` are in flight; a permit is held across the
//!   retries of one call (including back-off sleeps), so a rate-limited server is not hit by
//!   new calls while it asks us to wait.
//! - The API key only ever goes into the `Authorization` header, marked sensitive; text a server
//!   sends back is redacted before it lands in an error message.
//! - Cancellation is checked before a call and raced against the in-flight request and every
//!   back-off sleep: a cancelled call returns promptly with [`Error::Cancelled`].

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::provider::Provider;
use super::retry::{RetryPolicy, is_retryable, retry_after};
use super::sse::{SseDecoder, SseEvent};
use super::wire::{ChatRequest, ChatResponse, ErrorBody, Message, StreamChunk, Usage};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Per attempt, from sending the request to the last byte of the answer.
    pub timeout: Duration,
    /// Calls in flight at once (at least 1).
    pub concurrency: usize,
    pub retry: RetryPolicy,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            concurrency: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// What to ask for in one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatParams {
    pub messages: Vec<Message>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    /// Sent as `response_format` as is (see [`super::structured`]).
    pub response_format: Option<Value>,
    pub stream: bool,
}

/// A completed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub content: String,
    /// `stop`, `length`, … as the server reported it.
    pub finish_reason: Option<String>,
    /// `None` when the server did not report usage.
    pub usage: Option<Usage>,
}

/// One call with its retries: the reply or the final error, and what it took.
#[derive(Debug)]
pub struct Exchange {
    pub reply: Result<Reply>,
    pub attempts: u32,
    pub latency: Duration,
}

/// A failed attempt and whether another may succeed.
struct Failure {
    error: Error,
    retryable: bool,
    /// The wait the server asked for (`retry-after-ms` / `retry-after`).
    retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(error: Error) -> Failure {
        Failure {
            error,
            retryable: false,
            retry_after: None,
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    provider: Provider,
    options: ClientOptions,
    permits: Arc<Semaphore>,
    /// Set once the server refused `json_schema`; later calls go straight to `json_object`.
    pub(super) json_schema_refused: AtomicBool,
}

impl Client {
    /// Errors: `Config` when the HTTP client cannot be built (e.g. no TLS roots).
    pub fn new(provider: Provider, options: ClientOptions) -> Result<Client> {
        // reqwest is built without a default crypto provider; `ring` is ours. Installing twice
        // is harmless (the first wins).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
            provider,
            options,
            json_schema_refused: AtomicBool::new(false),
        })
    }

    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// One chat completion, retried per the policy.
    pub async fn chat(&self, params: &ChatParams, cancel: &CancellationToken) -> Exchange {
        let started = Instant::now();
        let mut attempts = 0;
        let reply = self.chat_with_retries(params, cancel, &mut attempts).await;
        Exchange {
            reply,
            attempts,
            latency: started.elapsed(),
        }
    }

    async fn chat_with_retries(
        &self,
        params: &ChatParams,
        cancel: &CancellationToken,
        attempts: &mut u32,
    ) -> Result<Reply> {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let _permit = tokio::select! {
            permit = self.permits.acquire() => permit.expect("the semaphore is never closed"),
            _ = cancel.cancelled() => return Err(Error::Cancelled),
        };
        loop {
            *attempts += 1;
            let failure = tokio::select! {
                result = self.attempt(params) => match result {
                    Ok(reply) => return Ok(reply),
                    Err(failure) => failure,
                },
                _ = cancel.cancelled() => return Err(Error::Cancelled),
            };
            let retry = *attempts - 1;
            if !failure.retryable || retry >= self.options.retry.max_retries {
                return Err(failure.error);
            }
            let wait = self.options.retry.delay(retry, failure.retry_after);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = cancel.cancelled() => return Err(Error::Cancelled),
            }
        }
    }

    async fn attempt(&self, params: &ChatParams) -> Result<Reply, Failure> {
        let body = ChatRequest {
            model: &self.provider.model,
            messages: &params.messages,
            max_tokens: params.max_tokens,
            temperature: params.temperature,
            response_format: params.response_format.as_ref(),
            stream: params.stream,
            stream_options: params
                .stream
                .then(|| serde_json::json!({"include_usage": true})),
        };
        let mut request = self
            .http
            .post(format!("{}/chat/completions", self.provider.base_url))
            .json(&body);
        if let Some(key) = &self.provider.api_key {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    Failure::fatal(Error::Config(format!(
                        "provider '{}': the API key contains characters not allowed in a header",
                        self.provider.name
                    )))
                })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let text = response.text().await.unwrap_or_default();
            let body = ErrorBody::from_body(&text);
            let message = self.redact(&body.message);
            if body.is_insufficient_quota() {
                return Err(Failure::fatal(Error::LlmQuota {
                    provider: self.provider.name.clone(),
                    message,
                }));
            }
            return Err(Failure {
                retryable: is_retryable(status, &headers),
                retry_after: retry_after(&headers, SystemTime::now()),
                error: Error::LlmHttp {
                    provider: self.provider.name.clone(),
                    status: status.as_u16(),
                    message,
                },
            });
        }
        if params.stream {
            self.read_stream(response).await
        } else {
            let text = response.text().await.map_err(|e| self.transport(e))?;
            let parsed: ChatResponse = serde_json::from_str(&text)
                .map_err(|e| self.protocol(format!("the answer is not a chat completion ({e})")))?;
            let choice = parsed
                .choices
                .into_iter()
                .next()
                .ok_or_else(|| self.protocol("the answer has no choices".to_owned()))?;
            Ok(Reply {
                content: choice.message.and_then(|m| m.content).unwrap_or_default(),
                finish_reason: choice.finish_reason,
                usage: parsed.usage,
            })
        }
    }

    /// Reads SSE until `[DONE]`: content deltas are joined, the last `finish_reason` and the
    /// usage chunk (empty `choices`) kept; an `error` object mid-stream fails the call.
    async fn read_stream(&self, response: reqwest::Response) -> Result<Reply, Failure> {
        let mut reply = Reply {
            content: String::new(),
            finish_reason: None,
            usage: None,
        };
        let mut decoder = SseDecoder::default();
        let mut done = false;
        let mut body = response.bytes_stream();
        while let Some(bytes) = body.next().await {
            let bytes = bytes.map_err(|e| self.transport(e))?;
            let events = decoder.push(&bytes).map_err(|e| self.protocol(e))?;
            done |= self.apply_events(events, &mut reply)?;
        }
        let events = decoder.finish().map_err(|e| self.protocol(e))?;
        done |= self.apply_events(events, &mut reply)?;
        if !done {
            return Err(self.protocol(
                "the stream ended before `data: [DONE]`; the server may have stopped mid-answer"
                    .to_owned(),
            ));
        }
        Ok(reply)
    }

    /// Applies decoded events to `reply`; true once `[DONE]` was seen.
    fn apply_events(&self, events: Vec<SseEvent>, reply: &mut Reply) -> Result<bool, Failure> {
        let mut done = false;
        for event in events {
            let data = match event {
                SseEvent::Done => {
                    done = true;
                    continue;
                }
                SseEvent::Data(data) => data,
            };
            let chunk: StreamChunk = serde_json::from_str(&data).map_err(|e| {
                let start: String = data.chars().take(80).collect();
                self.protocol(format!("malformed stream event ({e}): {start}"))
            })?;
            if let Some(error) = chunk.error {
                return Err(self.protocol(format!(
                    "the server reported an error mid-stream: {}",
                    self.redact(&error.message)
                )));
            }
            if let Some(usage) = chunk.usage {
                reply.usage = Some(usage);
            }
            for choice in chunk.choices {
                reply
                    .content
                    .push_str(choice.delta.content.as_deref().unwrap_or_default());
                if choice.finish_reason.is_some() {
                    reply.finish_reason = choice.finish_reason;
                }
            }
        }
        Ok(done)
    }

    /// Connection errors and timeouts are retried, like the OpenAI SDKs do.
    fn transport(&self, e: reqwest::Error) -> Failure {
        let provider = self.provider.name.clone();
        let error = if e.is_timeout() {
            Error::LlmTimeout {
                provider,
                seconds: self.options.timeout.as_secs().max(1),
            }
        } else {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            Error::LlmUnreachable {
                provider,
                base_url: self.provider.base_url.clone(),
                message: self.redact(&message),
            }
        };
        Failure {
            error,
            retryable: true,
            retry_after: None,
        }
    }

    fn protocol(&self, message: String) -> Failure {
        Failure::fatal(Error::LlmProtocol {
            provider: self.provider.name.clone(),
            message,
        })
    }

    fn redact(&self, text: &str) -> String {
        match &self.provider.api_key {
            Some(key) => key.redact(text),
            None => text.to_owned(),
        }
    }
}
