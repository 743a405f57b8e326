//! Talking to OpenAI-compatible chat completion servers (OpenAI, vLLM, Ollama's `/v1`,
//! llama.cpp): providers and keys, the HTTP client with retries, streaming and cancellation,
//! structured output, and the cost of each call. No Tauri and no database here; the roles in
//! [`crate::roles`] combine this with the store.

pub mod client;
pub mod keys;
pub mod prices;
pub mod provider;
pub mod retry;
pub mod secret;
pub mod sse;
pub mod structured;
pub mod wire;

pub use client::{ChatParams, Client, ClientOptions, Exchange, Reply};
pub use keys::{KeyLookup, KeySource};
pub use prices::{Cost, PriceTable};
pub use provider::{Provider, Settings};
pub use retry::RetryPolicy;
pub use secret::ApiKey;
pub use structured::{OutputMode, OutputSchema};
pub use tokio_util::sync::CancellationToken;
pub use wire::{Message, Usage};
