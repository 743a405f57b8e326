//! A tiny HTTP/1.1 server on 127.0.0.1 that answers each request with whatever the test's script
//! says: JSON with any status and headers, an SSE body, or a hang. Every request is recorded
//! (headers and JSON body) so tests can assert what the client sent. One request per
//! connection (`Connection: close`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server received.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Lower-cased header names.
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How to answer one request.
pub enum Reply {
    Json {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: serde_json::Value,
    },
    /// Raw SSE body text, sent as is, then the connection is closed.
    Sse(String),
    /// Accept the request and say nothing for this long.
    Hang(Duration),
}

pub type Script = dyn Fn(usize, &Request) -> Reply + Send + Sync;

pub struct FaultServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl FaultServer {
    /// Starts serving; `script(n, request)` answers the n-th request (0-based).
    pub fn start(script: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, script) = (seen.clone(), script.clone());
                std::thread::spawn(move || serve(stream, &seen, &*script));
            }
        });
        FaultServer { base_url, requests }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<Request>>, script: &Script) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').unwrap();
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let request = Request {
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    };
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(request.clone());
        seen.len() - 1
    };
    let mut out = stream;
    match script(index, &request) {
        Reply::Json {
            status,
            headers,
            body,
        } => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            let _ = out.write_all(format!("{head}\r\n{body}").as_bytes());
        }
        Reply::Sse(body) => {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            let _ = out.write_all(head.as_bytes());
            // Split the body so the client sees events cut across reads.
            for piece in body.as_bytes().chunks(7) {
                let _ = out.write_all(piece);
                let _ = out.flush();
            }
        }
        Reply::Hang(duration) => std::thread::sleep(duration),
    }
}

/// A non-streamed chat completion with `content` and usage 100 prompt + 20 completion tokens.
pub fn completion(content: &str, finish_reason: &str) -> Reply {
    Reply::Json {
        status: 200,
        headers: vec![],
        body: serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "served-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
        }),
    }
}

/// An error response with a JSON `{"error": …}` body.
pub fn error(status: u16, error: serde_json::Value) -> Reply {
    Reply::Json {
        status,
        headers: vec![],
        body: serde_json::json!({ "error": error }),
    }
}

/// An SSE stream of `pieces` as content deltas, a finish chunk, a usage chunk and `[DONE]`.
pub fn stream(pieces: &[&str], finish_reason: &str) -> Reply {
    let mut body = String::new();
    for piece in pieces {
        let chunk = serde_json::json!({"choices": [{"index": 0, "delta": {"content": piece},
                                                    "finish_reason": null}]});
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    let finish =
        serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": finish_reason}]});
    let usage = serde_json::json!({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 20}});
    body.push_str(&format!(
        ": keep-alive\n\ndata: {finish}\n\ndata: {usage}\n\ndata: [DONE]\n\n"
    ));
    Reply::Sse(body)
}
