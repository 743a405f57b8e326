//! A recognisable fake key is used for every call and appears nowhere else: not in the database
//! (nor its WAL), not on stdout or stderr, not in the JSON dumps — even when a server echoes it
//! back in an error message.

use assert_cmd::Command;

use super::fault_server::{FaultServer, completion, error, stream};
use crate::support::{answer_line, temp_db};

const CANARY: &str = "sk-vetted-canary-5f1c0d2e9a7b4c3d";

#[test]
fn the_api_key_is_sent_but_never_stored_printed_or_exported() {
    let server = FaultServer::start(|_, req| {
        let user = req.body["messages"][1]["content"]
            .as_str()
            .unwrap_or_default();
        if user.contains("Question: echo") {
            // Like OpenAI's 401 for a wrong key, but echoing all of it.
            return error(
                401,
                serde_json::json!({"message": format!("Incorrect API key provided: {CANARY}"),
                                                 "type": "invalid_request_error", "code": "invalid_api_key"}),
            );
        }
        if req.body["stream"] == true {
            return stream(&["An answer [doc-1]."], "stop");
        }
        completion(
            r#"{"verdict":"flag","reasons":["unsupported_claim"],"risk":0.6}"#,
            "stop",
        )
    });
    let db = temp_db();
    let items = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "$12M")));
    let questions = db.write_file(
        "q.jsonl",
        [("q-1", "What was Q3 revenue?"), ("q-2", "echo")]
            .map(|(id, q)| {
                serde_json::json!({"id": id, "domain": "finance", "question": q,
                    "evidence": [{"id": "doc-1", "title": "Q3", "text": "Revenue was $12M.", "source": "s3://q3"}]})
                .to_string()
                    + "\n"
            })
            .concat(),
    );
    let mut output = Vec::new();
    let mut run = |args: &[&str]| {
        let out = Command::cargo_bin("vetted")
            .unwrap()
            .env_remove("VETTED_DB")
            .env("OPENAI_API_KEY", CANARY)
            .arg("--db")
            .arg(&db.path)
            .args(args)
            .output()
            .unwrap();
        output.extend_from_slice(&out.stdout);
        output.extend_from_slice(&out.stderr);
        out
    };
    run(&["import", items.to_str().unwrap()]);
    let llm = [
        "--base-url",
        &server.base_url,
        "--model",
        "gpt-4o-mini",
        "--max-retries",
        "0",
    ];
    let generated = run(&[
        &[
            "generate",
            "--questions",
            questions.to_str().unwrap(),
            "--stream",
        ][..],
        &llm,
    ]
    .concat());
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let vetted = run(&[&["vet", "--json"][..], &llm].concat());
    assert!(
        vetted.status.success(),
        "{}",
        String::from_utf8_lossy(&vetted.stderr)
    );
    for dump in [
        &["show", "a-1", "--json"][..],
        &["show", "q-1", "--json"],
        &["queue", "--json"],
        &["stats", "--vetter", "--json"],
    ] {
        assert!(run(dump).status.success());
    }
    let text = String::from_utf8_lossy(&output);
    assert!(
        text.contains("[redacted]"),
        "the echoed key was redacted in the failure shown: {text}"
    );

    let requests = server.requests();
    assert!(
        requests.len() >= 4,
        "generate 2 + vet 2 (a-1, q-1): {}",
        requests.len()
    );
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {CANARY}").as_str()),
            "the key was used on every call"
        );
    }
    assert!(
        !text.contains(CANARY),
        "the key leaked to stdout/stderr or a dump:\n{text}"
    );
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.path.display());
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
                "the key is in {path}"
            );
        }
    }
    let stored_error: String = rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT error FROM llm_calls WHERE subject = 'q-2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored_error.contains("Incorrect API key provided: [redacted]"),
        "{stored_error}"
    );
    assert!(
        stored_error.contains("Check the API key"),
        "says what to do: {stored_error}"
    );
}
