//! End to end against a real OpenAI-compatible server (llama.cpp with SmolLM2-135M, started by
//! `scripts/test-llm.sh`, which sets `VETTED_TEST_LLM_URL`). The model is tiny and answers
//! poorly, so these tests assert the protocol, what is stored and the cost accounting — not the
//! quality of the answers: every call is recorded with its tokens and cost, and every input
//! either produced its result or failed with a recorded model-output error.

use assert_cmd::Command;
use rusqlite::Connection;

use crate::support::{TempDb, relationship_line, temp_db};

/// Priced so cost accounting is checked against real token counts.
const PRICES: &str = "[models.smollm2]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n";

fn server_url() -> Option<String> {
    let url = std::env::var("VETTED_TEST_LLM_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!(
            "\n*** SKIPPED: real-LLM test — VETTED_TEST_LLM_URL is not set. Run scripts/test-llm.sh \
             to start a local llama.cpp server and run these tests. ***\n"
        );
    }
    url
}

fn vetted(db: &TempDb, url: &str, args: &[&str]) -> serde_json::Value {
    let prices = db.write_file("prices.toml", PRICES);
    let out = Command::cargo_bin("vetted")
        .unwrap()
        .env_remove("VETTED_DB")
        .env_remove("OPENAI_API_KEY")
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .args([
            "--base-url",
            url,
            "--model",
            "smollm2",
            "--json",
            "--prices",
        ])
        .arg(prices)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON summary ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// (output_mode, streamed, prompt_tokens, completion_tokens, cost_usd, error_code) per call.
type CallRow = (String, bool, i64, i64, f64, Option<String>);

fn calls(db: &TempDb, run_id: i64) -> Vec<CallRow> {
    Connection::open(&db.path)
        .unwrap()
        .prepare(
            "SELECT output_mode, streamed, prompt_tokens, completion_tokens, cost_usd, error_code
             FROM llm_calls WHERE run_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([run_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every call was answered (tokens counted), priced from its tokens, and either succeeded or
/// failed only because of what the model wrote.
fn assert_accounted(summary: &serde_json::Value, rows: &[CallRow], mode: &str, streamed: bool) {
    assert_eq!(
        rows.len() as i64,
        summary["totals"]["calls"].as_i64().unwrap(),
        "{summary}"
    );
    assert!(!rows.is_empty(), "{summary}");
    let mut total = 0.0;
    for (output_mode, was_streamed, prompt, completion, cost, error) in rows {
        assert_eq!((output_mode.as_str(), *was_streamed), (mode, streamed));
        assert!(
            *prompt > 0 && *completion > 0,
            "the server reported usage: {rows:?}"
        );
        let expected = (*prompt as f64 * 1.0 + *completion as f64 * 2.0) / 1e6;
        assert!(
            (cost - expected).abs() < 1e-12,
            "cost = tokens x price: {cost} vs {expected}"
        );
        total += cost;
        assert!(
            matches!(
                error.as_deref(),
                None | Some("llm_bad_output" | "llm_truncated")
            ),
            "only model-output failures are acceptable from a tiny model: {error:?}"
        );
    }
    assert!((summary["totals"]["cost_usd"].as_f64().unwrap() - total).abs() < 1e-12);
}

#[test]
fn real_llm_generate_streams_answers_into_the_queue() {
    let Some(url) = server_url() else { return };
    let db = temp_db();
    let questions = db.write_file(
        "q.jsonl",
        r#"{"id":"q-1","domain":"finance","question":"What was Q3 revenue?","evidence":[{"id":"doc-1","title":"Q3 report","text":"Revenue in Q3 was $12M, up 8%.","source":"s3://q3"}]}
{"id":"q-2","domain":"geo","question":"What is the capital of France?","evidence":[{"id":"w-1","title":"France","text":"Paris is the capital of France.","source":"wiki"}]}
"#,
    );
    let summary = vetted(
        &db,
        &url,
        &[
            "generate",
            "--questions",
            questions.to_str().unwrap(),
            "--stream",
            "--max-tokens",
            "96",
        ],
    );
    let run = summary["run_id"].as_i64().unwrap();
    assert_accounted(&summary, &calls(&db, run), "text", true);
    let written = summary["items_written"].as_i64().unwrap();
    let items: i64 = Connection::open(&db.path)
        .unwrap()
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items, written, "each successful answer is one queued item");
}

#[test]
fn real_llm_vet_uses_json_schema_streamed_and_not() {
    let Some(url) = server_url() else { return };
    let db = temp_db();
    let lines = format!(
        "{}\n{}\n",
        crate::support::answer_line("a-1", "$12M"),
        crate::support::answer_line("a-2", "$99M")
    );
    db.open()
        .import_path(&db.write_file("items.jsonl", lines))
        .unwrap();
    for (streamed, extra) in [(false, &[][..]), (true, &["--stream", "--revet"][..])] {
        let args = [&["vet", "--max-tokens", "120"][..], extra].concat();
        let summary = vetted(&db, &url, &args);
        let run = summary["run_id"].as_i64().unwrap();
        assert_accounted(&summary, &calls(&db, run), "json_schema", streamed);
        let suggestions: i64 = Connection::open(&db.path)
            .unwrap()
            .query_row("SELECT count(*) FROM vetting_suggestions s JOIN llm_calls c ON c.id = s.call_id WHERE c.run_id = ?1", [run], |r| r.get(0))
            .unwrap();
        assert_eq!(
            suggestions,
            summary["succeeded"].as_i64().unwrap(),
            "one suggestion per successful call"
        );
    }
    let decisions: i64 = Connection::open(&db.path)
        .unwrap()
        .query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(decisions, 0, "vetting never writes a decision");
}

#[test]
fn real_llm_relate_proposes_candidates_with_structured_output() {
    let Some(url) = server_url() else { return };
    let db = temp_db();
    db.open()
        .import_path(&db.write_file("rel.jsonl", relationship_line("r-1") + "\n"))
        .unwrap();
    let summary = vetted(
        &db,
        &url,
        &[
            "relate",
            "--from-item",
            "r-1",
            "--domain",
            "sales",
            "--max-tokens",
            "300",
        ],
    );
    let run = summary["run_id"].as_i64().unwrap();
    assert_accounted(&summary, &calls(&db, run), "json_schema", false);
    let items: i64 = Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM items WHERE domain = 'sales' AND id > 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(items, summary["items_written"].as_i64().unwrap());
}

#[test]
fn real_llm_ranks_discovered_candidates_with_structured_output() {
    let Some(url) = server_url() else { return };
    let db = temp_db();
    let customers = db.write_file("customers.csv", "id,name\n1,Ana\n2,Bo\n3,Cy\n");
    let orders = db.write_file(
        "orders.csv",
        "id,customer_id,total\n10,1,5.0\n11,2,7.5\n12,2,1.0\n13,3,9.9\n",
    );
    for file in [&customers, &orders] {
        let added = Command::cargo_bin("vetted")
            .unwrap()
            .env_remove("VETTED_DB")
            .arg("--db")
            .arg(&db.path)
            .args(["products", "add"])
            .arg(file)
            .output()
            .unwrap();
        assert!(added.status.success(), "{added:?}");
    }
    let discovered = Command::cargo_bin("vetted")
        .unwrap()
        .env_remove("VETTED_DB")
        .arg("--db")
        .arg(&db.path)
        .args(["relate", "--discover"])
        .output()
        .unwrap();
    assert!(discovered.status.success(), "{discovered:?}");
    let summary = vetted(&db, &url, &["relate", "--rank", "--max-tokens", "300"]);
    let run = summary["run_id"].as_i64().unwrap();
    assert_accounted(&summary, &calls(&db, run), "json_schema", false);
    let assessed: i64 = Connection::open(&db.path)
        .unwrap()
        .query_row("SELECT count(*) FROM relation_assessments", [], |r| {
            r.get(0)
        })
        .unwrap();
    let judged = summary["ranking"].as_array().unwrap().len() as i64;
    assert_eq!(
        assessed, judged,
        "what the run lists is what it stored: {summary:#}"
    );
    if summary["succeeded"] == 1 {
        assert!(judged >= 1, "an accepted answer judged the candidate");
    }
}

#[test]
fn real_llm_alignment_runs_every_variant_and_records_what_each_prompt_carried() {
    let Some(url) = server_url() else { return };
    let (db, ids) = super::align::reviewed();
    let report = vetted(
        &db,
        &url,
        &[
            "align",
            "vetter",
            "--domain",
            "finance",
            "--holdout",
            "0.3",
            "--seed",
            "7",
            "--limit",
            "2",
            "--examples",
            "2",
            "--max-tokens",
            "120",
        ],
    );
    let variants: Vec<&str> = report["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["variant"].as_str().unwrap())
        .collect();
    assert_eq!(
        variants,
        ["base", "guidelines", "examples", "both"],
        "{report:#}"
    );
    let held_out: std::collections::HashSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| vetted::roles::align::is_held_out(7, id, 0.3))
        .collect();
    let conn = Connection::open(&db.path).unwrap();
    let calls: Vec<(String, Option<String>, Option<String>, String)> = conn
        .prepare(
            "SELECT c.prompt_version, c.knowledge, c.error_code, v.variant
             FROM llm_calls c JOIN alignment_variants v ON v.run_id = c.run_id ORDER BY c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(calls.len(), 8, "two held-out items per variant: {calls:#?}");
    for (prompt, knowledge, error, variant) in &calls {
        assert_eq!(prompt, "vet.v3");
        assert!(
            matches!(
                error.as_deref(),
                None | Some("llm_bad_output" | "llm_truncated")
            ),
            "only model-output failures from a tiny model: {error:?}"
        );
        match (variant.as_str(), knowledge) {
            ("base", None) => {}
            ("base", Some(k)) => panic!("the base variant recorded knowledge {k}"),
            (_, None) => panic!("variant {variant} recorded no knowledge"),
            (_, Some(k)) => {
                let k: serde_json::Value = serde_json::from_str(k).unwrap();
                for id in k["examples"].as_array().unwrap() {
                    assert!(
                        !held_out.contains(id.as_str().unwrap()),
                        "{variant}: held-out {id} was an example"
                    );
                }
            }
        }
    }
}
