//! The LLM commands' inputs: a named provider from `vetted.toml` (with its own key variable) and
//! `relate` reading products from a file.

use assert_cmd::Command;
use predicates::prelude::*;

use super::fault_server::{FaultServer, completion};
use crate::support::temp_db;

fn vetted(db: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("vetted").unwrap();
    cmd.env_remove("VETTED_DB")
        .env_remove("OPENAI_API_KEY")
        .arg("--db")
        .arg(db);
    cmd
}

#[test]
fn relate_reads_products_from_a_file_through_a_named_provider() {
    let server = FaultServer::start(|_, _| {
        let answer = serde_json::json!({"candidates": [{"type": "foreign_key", "cardinality": "N:1",
            "mapping": [{"source_field": "customer_id", "target_field": "id"}],
            "rationale": "customer_id values match customers.id", "confidence": 0.8}]});
        completion(&answer.to_string(), "stop")
    });
    let db = temp_db();
    db.write_file(
        "vetted.toml",
        format!(
            "[providers.local]\nbase_url = \"{}\"\nmodel = \"gpt-4o-mini\"\napi_key_env = \"LOCAL_LLM_KEY\"\n",
            server.base_url
        ),
    );
    let products = db.write_file(
        "products.json",
        serde_json::json!([
            {"product": "orders", "fields": [{"name": "id", "type": "int"}, {"name": "customer_id", "type": "int"}],
             "sample_rows": [{"id": 1, "customer_id": 7}]},
            {"product": "customers", "fields": [{"name": "id", "type": "int"}], "sample_rows": [{"id": 7}]}
        ])
        .to_string(),
    );
    vetted(&db.path)
        .env("LOCAL_LLM_KEY", "sk-local-test")
        .args(["relate", "orders", "customers", "--products"])
        .arg(&products)
        .args(["--provider", "local", "--domain", "sales"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 items written"))
        .stdout(predicate::str::contains("cost $0.000027"));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer sk-local-test"),
        "the key comes from the provider's api_key_env"
    );
    vetted(&db.path)
        .args(["queue", "--json"])
        .assert()
        .stdout(predicate::str::contains(
            "orders.customer_id → customers.id",
        ));
    vetted(&db.path)
        .args(["relate", "orders", "nope", "--products"])
        .arg(&products)
        .args(["--provider", "local"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no product 'nope' (the file has: orders, customers)",
        ));
    vetted(&db.path)
        .args(["vet", "--provider", "remote"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no provider named 'remote'"));
}

#[test]
fn providers_are_added_listed_with_their_key_source_and_removed() {
    let db = temp_db();
    let settings = db.dir.path().join("team.toml");
    let settings = settings.to_str().unwrap();
    let provider = |args: &[&str]| {
        let mut cmd = vetted(&db.path);
        cmd.args(["provider", "--settings", settings]).args(args);
        cmd
    };
    provider(&[
        "add",
        "openai",
        "--base-url",
        "https://api.openai.com/v1",
        "--model",
        "gpt-4o-mini",
        "--api-key-env",
        "VETTED_CLI_TEST_KEY",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("saved provider 'openai'"));
    let out = provider(&["list", "--json"])
        .env("VETTED_CLI_TEST_KEY", "sk-cli-test-0000000000")
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["name"], "openai");
    assert_eq!(listed[0]["config"]["model"], "gpt-4o-mini");
    assert_eq!(
        listed[0]["key"],
        serde_json::json!({"kind": "env", "var": "VETTED_CLI_TEST_KEY"}),
        "the key's source is named, the key is not"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("sk-cli-test"));
    provider(&[
        "add",
        "bad name",
        "--base-url",
        "http://x/v1",
        "--model",
        "m",
    ])
    .assert()
    .failure()
    .stderr(predicate::str::contains("not a usable provider name"));
    provider(&["remove", "openai"]).assert().success();
    provider(&["remove", "openai"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no provider named 'openai'"));
}

#[test]
fn a_run_whose_answers_are_cut_off_hints_at_the_cli_flag() {
    let server = FaultServer::start(|_, _| completion("{\"candidates\": [", "length"));
    let db = temp_db();
    let products = db.write_file(
        "products.json",
        serde_json::json!([
            {"product": "orders", "fields": [{"name": "customer_id", "type": "int"}], "sample_rows": []},
            {"product": "customers", "fields": [{"name": "id", "type": "int"}], "sample_rows": []}
        ])
        .to_string(),
    );
    vetted(&db.path)
        .env("OPENAI_API_KEY", "sk-test")
        .args(["relate", "orders", "customers", "--products"])
        .arg(&products)
        .args(["--base-url", &server.base_url, "--model", "gpt-4o-mini"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("[llm_truncated]"))
        .stdout(predicate::str::contains("allow more output tokens"))
        .stdout(predicate::str::contains("hint: raise --max-tokens"));
}
