//! Knowledge in the generate and relate prompts (`--knowledge`, `--examples`): the domain's
//! guidelines and reviewed items like the subject, as JSON reference data before it, and what a
//! call carried recorded with it.

use serde_json::{Value, json};
use vetted::domain::{Action, DecisionInput};

use super::align::{reviewed, section, user_message};
use super::fault_server::{FaultServer, completion};
use crate::support::{column, json_of, relationship_line, temp_db, vetted};

/// (guidelines ids, example ids) recorded with each call, in call order.
fn recorded(db: &std::path::Path) -> Vec<Option<Value>> {
    column::<Option<String>>(db, "SELECT knowledge FROM llm_calls ORDER BY id")
        .into_iter()
        .map(|k| k.map(|k| serde_json::from_str(&k).unwrap()))
        .collect()
}

#[test]
fn generate_prompts_carry_the_guidelines_and_reviewed_answers_to_similar_questions() {
    let (db, _) = reviewed();
    let questions = db.write_file(
        "questions.jsonl",
        [
            json!({"id": "new-1", "domain": "finance", "question": "What was the churn in quarter 2?",
                   "evidence": [{"id": "r", "title": "", "text": "Churn was 3 percent.", "source": ""}]}),
            json!({"id": "new-2", "domain": "finance", "question": "What was the margin in quarter 3?",
                   "evidence": [{"id": "r", "title": "", "text": "Margin was 9 percent.", "source": ""}]}),
        ]
        .map(|q| q.to_string())
        .join("\n"),
    );
    let server = FaultServer::start(|_, _| completion("It was 3 percent [r].", "stop"));
    let summary = json_of(
        vetted(&db.path)
            .env_remove("OPENAI_API_KEY")
            .args(["generate", "--questions"])
            .arg(&questions)
            .args(["--knowledge", "both", "--examples", "2", "--json"])
            .args(["--base-url", &server.base_url, "--model", "gpt-4o-mini"])
            .args(["--concurrency", "1"]),
    );
    assert_eq!(summary["succeeded"], 2, "{summary:#}");
    let requests = server.requests();
    let calls = recorded(&db.path);
    for ((request, call), topic) in requests.iter().zip(&calls).zip(["churn", "margin"]) {
        let message = user_message(request);
        let guidelines = section(message, "Review guidelines of the \"finance\" domain")
            .expect("the guidelines are shown");
        assert_eq!(guidelines.as_array().map(Vec::len), Some(1), "{message}");
        let examples = section(message, "Similar items reviewers of the \"finance\" domain")
            .expect("reviewed answers are shown");
        let examples = examples.as_array().unwrap();
        assert_eq!(examples.len(), 2, "--examples 2: {message}");
        assert!(
            examples
                .iter()
                .all(|e| e["question"].as_str().unwrap().contains(topic)),
            "the examples answer questions like this one ({topic}): {examples:#?}"
        );
        assert!(
            message.find("Similar items").unwrap() < message.find("Question: ").unwrap(),
            "reference data comes before the question"
        );
        let call = call.as_ref().expect("what the call carried is recorded");
        let shown: Vec<&Value> = examples.iter().map(|e| &e["id"]).collect();
        assert_eq!(
            call["examples"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            shown
        );
    }
    // Without --knowledge the prompt is the question alone, and nothing is recorded.
    let plain = db.write_file(
        "plain.jsonl",
        json!({"id": "new-3", "domain": "finance", "question": "What was the revenue?",
               "evidence": [{"id": "r", "title": "", "text": "Revenue was 1.", "source": ""}]})
        .to_string(),
    );
    vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["generate", "--questions"])
        .arg(&plain)
        .args(["--base-url", &server.base_url, "--model", "gpt-4o-mini"])
        .assert()
        .success();
    let last = server.requests().pop().unwrap();
    assert!(
        user_message(&last).starts_with("Question: "),
        "{}",
        user_message(&last)
    );
    assert_eq!(recorded(&db.path).last(), Some(&None));
}

#[test]
fn relate_prompts_carry_reviewed_relationships_between_like_products() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        [relationship_line("r-1"), relationship_line("r-2")].join("\n"),
    );
    let mut store = db.open();
    store.import_path(&file).unwrap();
    store
        .decide(&DecisionInput {
            id: uuid::Uuid::now_v7().to_string(),
            item: "r-1".into(),
            item_version: 1,
            reviewer: "sme".into(),
            action: Action::Reject,
            edited: None,
            reason: Some("wrong_data_product".into()),
            note: Some("customer_id holds account numbers".into()),
        })
        .unwrap();
    drop(store);
    let products = db.write_file(
        "products.json",
        json!([
            {"product": "orders", "fields": [{"name": "id", "type": "int"}, {"name": "customer_id", "type": "int"}],
             "sample_rows": [{"id": 1, "customer_id": 7}]},
            {"product": "customers", "fields": [{"name": "id", "type": "int"}], "sample_rows": [{"id": 7}]}
        ])
        .to_string(),
    );
    let server = FaultServer::start(|_, _| completion(r#"{"candidates": []}"#, "stop"));
    vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["relate", "orders", "customers", "--products"])
        .arg(&products)
        .args(["--domain", "sales", "--knowledge", "examples"])
        .args(["--base-url", &server.base_url, "--model", "gpt-4o-mini"])
        .assert()
        .success();
    let request = &server.requests()[0];
    let message = user_message(request);
    let examples = section(message, "Similar items reviewers of the \"sales\" domain")
        .expect("the reviewed relationship is shown");
    assert_eq!(
        examples,
        json!([{"id": "r-1", "relation": "orders.customer_id → customers.id (N:1, foreign_key)",
                "decision": "rejected", "reason": "wrong_data_product",
                "note": "customer_id holds account numbers"}]),
        "the rejected proposal with its reason and note; the pending one is no example"
    );
    assert!(
        !message.contains("Review guidelines"),
        "examples only: {message}"
    );
    assert_eq!(
        recorded(&db.path),
        [Some(json!({"guidelines": [], "examples": ["r-1"]}))]
    );
}
