//! When and how long to wait before retrying, following the official OpenAI SDKs: retry on 408,
//! 409, 429, any 5xx, connection errors and timeouts; honour `x-should-retry`, `retry-after-ms`
//! and `retry-after` (seconds or an HTTP date); otherwise back off exponentially with jitter.
//! `insufficient_quota` is never retried (the caller checks it before asking here).

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How many times and how long to retry. Defaults match the OpenAI SDKs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `2` means at most 3 attempts).
    pub max_retries: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
    /// A server-requested delay longer than this is cut to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Whether a response with this status (and headers) may succeed if sent again.
pub fn is_retryable(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): `asked` (see [`retry_after`]) if the server
    /// gave one,
    /// capped at `max_retry_after`; else `initial_delay × 2^retry`, capped at `max_delay`, minus
    /// up to 25 % jitter so many clients do not retry in lockstep.
    pub fn delay(&self, retry: u32, asked: Option<Duration>) -> Duration {
        if let Some(asked) = asked {
            return asked.min(self.max_retry_after);
        }
        let exponential = self
            .initial_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        exponential.mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// The delay a response asks for: `retry-after-ms` (milliseconds), else `retry-after` as
/// seconds or as an HTTP date relative to `now`. Negative or unparsable values are ignored.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = header("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
