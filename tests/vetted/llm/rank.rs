//! `vetted relate --rank`: the relate model judges discovery's pending candidates pair by pair,
//! against the fault server speaking the chat-completions wire format. What the model is shown
//! (products, numbered candidates, computed figures), what is stored (assessments, never
//! decisions), the "likely" queue order, the model's own candidates, and refused answers.

use rusqlite::Connection;
use serde_json::{Value, json};

use super::fault_server::{FaultServer, Request, completion};
use crate::support::{TempDb, chinook_path, json_of, temp_db, vetted};

/// A database with Chinook registered and discovery's inferred candidates queued (13: the 11
/// declared keys and 2 runners-up, see docs/relationships.md).
fn discovered() -> TempDb {
    let db = temp_db();
    let chinook = chinook_path();
    json_of(vetted(&db.path).args(["products", "add", chinook.to_str().unwrap(), "--json"]));
    let queued =
        json_of(vetted(&db.path).args(["relate", "--discover", "--ignore-declared", "--json"]));
    assert_eq!(queued["queued"]["new"], 13, "{queued:#}");
    db
}

/// The numbered candidates of a rank request, as the model is shown them.
pub(crate) fn shown_candidates(request: &Request) -> Vec<Value> {
    let message = request.body["messages"][1]["content"].as_str().unwrap();
    let (_, list) = message
        .split_once("\nCandidates:\n")
        .expect("the message lists the candidates");
    serde_json::from_str(list).expect("the candidates are JSON")
}

/// The target product's last field (not its key in Chinook), as the model is shown it.
pub(crate) fn last_target_field(request: &Request) -> String {
    let message = request.body["messages"][1]["content"].as_str().unwrap();
    let (_, rest) = message.split_once("Target product:\n").unwrap();
    let (target, _) = rest.split_once("\n\nCandidates:").unwrap();
    let target: Value = serde_json::from_str(target).unwrap();
    let fields = target["fields"].as_array().unwrap();
    fields.last().unwrap()["name"].as_str().unwrap().to_owned()
}

/// A judgement per candidate whose confidence follows the source field's name length (so the
/// ranking differs from discovery's order), citing the containment it was shown.
pub(crate) fn judge_all(candidates: &[Value]) -> Vec<Value> {
    candidates
        .iter()
        .map(|c| {
            let field = c["mapping"][0]["source_field"].as_str().unwrap();
            json!({
                "candidate": c["candidate"],
                "confidence": (field.len() % 10) as f64 / 10.0,
                "rationale": format!("{field}: containment {}", c["computed"]["containment"]),
            })
        })
        .collect()
}

fn rank_cli(db: &TempDb, server: &FaultServer, extra: &[&str]) -> Value {
    json_of(
        vetted(&db.path)
            .env_remove("OPENAI_API_KEY")
            .args(["relate", "--rank", "--json", "--base-url", &server.base_url])
            .args(["--model", "gpt-4o-mini", "--concurrency", "1"])
            .args(extra),
    )
}

fn count(db: &TempDb, sql: &str) -> i64 {
    Connection::open(&db.path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_relate_model_judges_every_discovered_candidate_and_the_queue_ranks_by_it() {
    let db = discovered();
    let server = FaultServer::start(|n, request| {
        let candidates = shown_candidates(request);
        let first = &candidates[0]["mapping"][0];
        // The first pair also gets two of the model's own: one repeating a given candidate
        // (not queued again) and a new one.
        let own = if n == 0 {
            json!([
                {"type": "foreign_key", "cardinality": "N:1", "mapping": [first],
                 "rationale": "the same as candidate 1", "confidence": 0.5},
                {"type": "same_entity", "cardinality": "N:1",
                 "mapping": [{"source_field": first["source_field"],
                              "target_field": last_target_field(request)}],
                 "rationale": "a second reading", "confidence": 0.4}
            ])
        } else {
            json!([])
        };
        let answer = json!({"judgements": judge_all(&candidates), "candidates": own});
        completion(&answer.to_string(), "stop")
    });
    let summary = rank_cli(&db, &server, &[]);

    let requests = server.requests();
    let shown: Vec<Value> = requests.iter().flat_map(shown_candidates).collect();
    assert_eq!(shown.len(), 13, "every discovered candidate is shown once");
    assert_eq!(
        summary["inputs"].as_u64(),
        Some(requests.len() as u64),
        "one call per pair of products: {summary:#}"
    );
    assert!(
        shown
            .iter()
            .all(|c| c["computed"]["containment"].is_number()
                && c["found_by"]
                    .as_str()
                    .is_some_and(|s| s.contains("Proposed by discovery"))),
        "each candidate comes with what proposed it and the figures computed from Chinook: {shown:#?}"
    );
    let message = requests[0].body["messages"][1]["content"].as_str().unwrap();
    assert!(
        message.contains("Source product:") && message.contains("sample_rows"),
        "the model sees both products with sample rows: {message}"
    );
    assert_eq!(
        requests[0].body["response_format"]["json_schema"]["name"],
        "relationship_ranking"
    );

    let ranking = summary["ranking"].as_array().unwrap();
    assert_eq!(
        ranking.len(),
        13,
        "the run lists what it judged: {summary:#}"
    );
    let pairs: std::collections::HashSet<(&str, &str)> = ranking
        .iter()
        .map(|r| {
            let (source, target) = r["title"].as_str().unwrap().split_once(" → ").unwrap();
            (
                source.split('.').next().unwrap(),
                target.split('.').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs.len(),
        requests.len(),
        "candidates between the same two products share one call"
    );
    let confidences: Vec<f64> = ranking
        .iter()
        .map(|r| r["confidence"].as_f64().unwrap())
        .collect();
    assert!(
        confidences.windows(2).all(|w| w[0] >= w[1]),
        "listed most likely first: {confidences:?}"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM relation_assessments"),
        13,
        "one assessment per candidate"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM decisions"),
        0,
        "an assessment is never a decision"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM llm_calls WHERE role = 'relate' AND prompt_version = 'rank.v1'"
        ),
        requests.len() as i64,
        "every call is recorded with the rank prompt's version"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM items WHERE model = 'gpt-4o-mini'"
        ),
        1,
        "the model's own new candidate is queued; the one repeating a given candidate is not"
    );

    // Shown with the item, and ranked by the queue's "likely" order.
    let id = ranking[0]["external_id"].as_str().unwrap();
    let shown_item = json_of(vetted(&db.path).args(["show", id, "--json"]));
    assert_eq!(shown_item["item"]["assessment"]["model"], "gpt-4o-mini");
    assert_eq!(
        shown_item["item"]["assessment"]["rationale"], ranking[0]["rationale"],
        "{shown_item:#}"
    );
    let likely =
        json_of(vetted(&db.path).args(["queue", "--order", "likely", "--limit", "100", "--json"]));
    let likely_ids: Vec<&str> = likely
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["external_id"].as_str().unwrap())
        .filter(|id| ranking.iter().any(|r| r["external_id"] == *id))
        .collect();
    let mut expected: Vec<(f64, &str)> = ranking
        .iter()
        .map(|r| {
            (
                r["confidence"].as_f64().unwrap(),
                r["external_id"].as_str().unwrap(),
            )
        })
        .collect();
    let oldest = json_of(vetted(&db.path).args(["queue", "--limit", "100", "--json"]));
    let row_of = |id: &str| {
        oldest
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["external_id"] == id)
            .map(|e| e["id"].as_i64().unwrap())
            .unwrap()
    };
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(row_of(b.1).cmp(&row_of(a.1))));
    let expected: Vec<&str> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        likely_ids, expected,
        "the likely order follows the judgements"
    );
    let oldest_ids: Vec<&str> = oldest
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["external_id"].as_str().unwrap())
        .filter(|id| expected.contains(id))
        .collect();
    assert_ne!(likely_ids, oldest_ids, "ranking changes the order");

    let again = rank_cli(&db, &server, &[]);
    assert_eq!(
        (&again["not_run"], &again["totals"]["calls"]),
        (&summary["inputs"], &json!(0)),
        "a second run skips every pair this model ranked (the model's own candidate is not \
         discovery's, so it is not ranked): {again:#}"
    );
}

#[test]
fn an_answer_that_skips_a_candidate_or_maps_a_missing_field_is_a_recorded_failure() {
    let db = discovered();
    let server = FaultServer::start(|n, request| {
        let candidates = shown_candidates(request);
        let mut judgements = judge_all(&candidates);
        let own = if n % 2 == 0 {
            // Even calls leave the last candidate out (a pair with one candidate: judges none).
            judgements.pop();
            json!([])
        } else {
            json!([{"type": "foreign_key", "cardinality": "N:1",
                    "mapping": [{"source_field": "NoSuchField", "target_field": "Id"}],
                    "rationale": "invented", "confidence": 0.9}])
        };
        completion(
            &json!({"judgements": judgements, "candidates": own}).to_string(),
            "stop",
        )
    });
    let out = vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["relate", "--rank", "--json", "--base-url", &server.base_url])
        .args(["--model", "gpt-4o-mini", "--concurrency", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "every call failed: a failed command");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("is not judged"))
            && messages
                .iter()
                .any(|m| m.contains("'NoSuchField' is not a field of")),
        "each failure says what was wrong: {messages:#?}"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM relation_assessments"),
        0,
        "a refused answer stores none of its judgements"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM llm_calls WHERE error IS NOT NULL"
        ),
        server.requests().len() as i64,
        "every refused call is recorded with its error"
    );
}
