//! The client against the fault server: retries, timeouts, error bodies, SSE edge cases and
//! cancellation.

use std::time::{Duration, Instant};
use vetted::ErrorCode;

use serde_json::json;
use vetted::llm::retry::retry_after;
use vetted::llm::{
    ApiKey, CancellationToken, ChatParams, Client, ClientOptions, KeyLookup, Message, Provider,
    RetryPolicy,
};

use super::fault_server::{FaultServer, Reply, completion, error, stream};

pub fn provider(server: &FaultServer, model: &str, key: &str) -> Provider {
    Provider {
        name: "fault".into(),
        base_url: server.base_url.clone(),
        model: model.into(),
        api_key: ApiKey::new(key),
        key_source: vetted::llm::KeySource::Missing,
    }
}

pub fn fast_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            initial_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    }
}

fn client(server: &FaultServer, options: ClientOptions) -> Client {
    Client::new(provider(server, "gpt-4o-mini", "sk-test"), options).unwrap()
}

fn ask(stream: bool) -> ChatParams {
    ChatParams {
        messages: vec![Message::user("hi")],
        max_tokens: Some(16),
        stream,
        ..ChatParams::default()
    }
}

#[tokio::test]
async fn a_429_is_retried_after_the_delay_the_server_asks_for() {
    let server = FaultServer::start(|n, _| match n {
        0 => Reply::Json {
            status: 429,
            headers: vec![("retry-after-ms", "1200".into())],
            body: json!({"error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded"}}),
        },
        _ => completion("ok", "stop"),
    });
    let started = Instant::now();
    let exchange = client(&server, fast_options())
        .chat(&ask(false), &CancellationToken::new())
        .await;
    assert_eq!(exchange.reply.unwrap().content, "ok");
    assert_eq!(exchange.attempts, 2, "one retry after the 429");
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "retry-after-ms is honoured instead of the 20 ms back-off: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_500_with_a_llama_cpp_error_body_is_retried_then_succeeds() {
    let server = FaultServer::start(|n, _| match n {
        0 => error(
            500,
            json!({"code": 500, "message": "slot crashed", "type": "server_error"}),
        ),
        _ => completion("recovered", "stop"),
    });
    let exchange = client(&server, fast_options())
        .chat(&ask(false), &CancellationToken::new())
        .await;
    assert_eq!(exchange.reply.unwrap().content, "recovered");
    assert_eq!(exchange.attempts, 2);
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let server = FaultServer::start(|_, _| {
        error(
            503,
            json!({"code": 503, "message": "loading model", "type": "unavailable_error"}),
        )
    });
    let exchange = client(&server, fast_options())
        .chat(&ask(false), &CancellationToken::new())
        .await;
    let err = exchange.reply.unwrap_err();
    assert_eq!(err.code(), ErrorCode::LlmHttp);
    assert!(err.to_string().contains("HTTP 503: loading model"), "{err}");
    assert_eq!(exchange.attempts, 3, "1 attempt + the default 2 retries");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn insufficient_quota_is_never_retried() {
    let server = FaultServer::start(|_, _| {
        error(
            429,
            json!({"message": "You exceeded your current quota", "type": "insufficient_quota",
                          "code": "insufficient_quota"}),
        )
    });
    let exchange = client(&server, fast_options())
        .chat(&ask(false), &CancellationToken::new())
        .await;
    let err = exchange.reply.unwrap_err();
    assert_eq!(err.code(), ErrorCode::LlmQuota);
    assert!(
        err.to_string().contains("Add credit"),
        "says what to do: {err}"
    );
    assert_eq!(server.requests().len(), 1, "a quota error is not retried");
}

#[tokio::test]
async fn a_hang_past_the_timeout_is_a_timeout_and_is_retried() {
    let server = FaultServer::start(|_, _| Reply::Hang(Duration::from_secs(5)));
    let options = ClientOptions {
        timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_retries: 1,
            initial_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let started = Instant::now();
    let exchange = client(&server, options)
        .chat(&ask(false), &CancellationToken::new())
        .await;
    assert_eq!(exchange.reply.unwrap_err().code(), ErrorCode::LlmTimeout);
    assert_eq!(
        exchange.attempts, 2,
        "timeouts are retried like the OpenAI SDKs do"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn cancelling_abandons_the_call_in_flight() {
    let server = FaultServer::start(|_, _| Reply::Hang(Duration::from_secs(10)));
    let cancel = CancellationToken::new();
    let later = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        later.cancel();
    });
    let started = Instant::now();
    let exchange = client(&server, fast_options())
        .chat(&ask(true), &cancel)
        .await;
    assert_eq!(exchange.reply.unwrap_err().code(), ErrorCode::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "cancel is prompt"
    );
}

#[tokio::test]
async fn a_stream_joins_deltas_and_reads_the_final_usage_chunk() {
    let server = FaultServer::start(|_, _| stream(&["Revenue ", "was ", "$12M ünïcödé."], "stop"));
    let exchange = client(&server, fast_options())
        .chat(&ask(true), &CancellationToken::new())
        .await;
    let reply = exchange.reply.unwrap();
    assert_eq!(
        reply.content, "Revenue was $12M ünïcödé.",
        "multi-byte text split across reads"
    );
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        reply.usage.map(|u| (u.prompt_tokens, u.completion_tokens)),
        Some((100, 20))
    );
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.body["stream"], true);
    assert_eq!(
        sent.body["stream_options"]["include_usage"], true,
        "usage is requested"
    );
}

#[tokio::test]
async fn malformed_sse_is_a_protocol_error() {
    let server =
        FaultServer::start(|_, _| Reply::Sse("data: {\"choices\": [\n\ndata: [DONE]\n\n".into()));
    let exchange = client(&server, fast_options())
        .chat(&ask(true), &CancellationToken::new())
        .await;
    let err = exchange.reply.unwrap_err();
    assert_eq!(err.code(), ErrorCode::LlmProtocol);
    assert!(err.to_string().contains("malformed stream event"), "{err}");
    assert_eq!(exchange.attempts, 1, "a broken stream is not retried");
}

#[tokio::test]
async fn a_stream_that_stops_before_done_is_a_protocol_error() {
    let server = FaultServer::start(|_, _| {
        Reply::Sse("data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n".into())
    });
    let exchange = client(&server, fast_options())
        .chat(&ask(true), &CancellationToken::new())
        .await;
    assert!(
        exchange
            .reply
            .unwrap_err()
            .to_string()
            .contains("ended before `data: [DONE]`")
    );
}

#[tokio::test]
async fn an_error_object_mid_stream_fails_the_call() {
    let server = FaultServer::start(|_, _| {
        Reply::Sse(
            "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n\
             data: {\"error\":{\"code\":500,\"message\":\"context shift failed\",\"type\":\"server_error\"}}\n\n"
                .into(),
        )
    });
    let exchange = client(&server, fast_options())
        .chat(&ask(true), &CancellationToken::new())
        .await;
    let err = exchange.reply.unwrap_err();
    assert_eq!(err.code(), ErrorCode::LlmProtocol);
    assert!(
        err.to_string().contains("mid-stream: context shift failed"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_server_says_what_to_check() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let provider = Provider::new(
        "local",
        &format!("http://127.0.0.1:{port}/v1"),
        "m",
        KeyLookup::env("NO_SUCH_VAR"),
    )
    .unwrap();
    let options = ClientOptions {
        retry: RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let exchange = Client::new(provider, options)
        .unwrap()
        .chat(&ask(false), &CancellationToken::new())
        .await;
    let err = exchange.reply.unwrap_err();
    assert_eq!(err.code(), ErrorCode::LlmUnreachable);
    assert!(err.to_string().contains("Is the server running"), "{err}");
}

#[test]
fn retry_after_accepts_milliseconds_seconds_and_http_dates() {
    let now = std::time::SystemTime::now();
    let headers = |name: &'static str, value: String| {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(name, value.parse().unwrap());
        h
    };
    assert_eq!(
        retry_after(&headers("retry-after-ms", "250".into()), now),
        Some(Duration::from_millis(250))
    );
    assert_eq!(
        retry_after(&headers("retry-after", "2".into()), now),
        Some(Duration::from_secs(2))
    );
    let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
    let waited = retry_after(&headers("retry-after", date), now).unwrap();
    assert!(
        (29..=30).contains(&waited.as_secs()),
        "an HTTP date 30 s ahead: {waited:?}"
    );
    assert_eq!(
        retry_after(&headers("retry-after", "soon".into()), now),
        None
    );
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.delay(0, Some(Duration::from_secs(600))),
        Duration::from_secs(120),
        "a server-requested delay is capped at 120 s"
    );
    let backoff = policy.delay(5, None);
    assert!(
        backoff <= Duration::from_secs(8) && backoff >= Duration::from_secs(6),
        "{backoff:?}"
    );
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let server = FaultServer::start(|_, _| completion("", "stop"));
    let provider = provider(&server, "m", "sk-vetted-canary-debug");
    assert!(!format!("{provider:?}").contains("canary"), "{provider:?}");
}
