//! A domain's own prompt (`vetted prompts set|reset|show`): the vetting calls use the text in
//! force, record its version, and the item's verdict names it; every revision stays readable and
//! the history cannot be rewritten.

use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

use vetted::roles::prompts::{Template, builtin};

use super::fault_server::{FaultServer, Request, completion};
use crate::support::{answer_line, column, json_of, temp_db, vetted};

const OWN: &str = "You vet answers of the {{domain}} domain. Fail any answer without a citation.";

fn system_message(request: &Request) -> &str {
    request.body["messages"][0]["content"].as_str().unwrap()
}

#[test]
fn the_domains_own_vetting_prompt_is_used_recorded_and_shown_with_each_verdict() {
    let db = temp_db();
    let items = db.write_file(
        "items.jsonl",
        [
            answer_line("a-1", "It was $12M [doc-1]."),
            answer_line("a-2", "About 12."),
        ]
        .join("\n"),
    );
    db.open().import_path(&items).unwrap();
    let own = db.write_file("vet.md", OWN);
    let server = FaultServer::start(|_, _| {
        completion(r#"{"verdict": "pass", "reasons": [], "risk": 0.1}"#, "stop")
    });
    let llm = [
        "--base-url",
        server.base_url.as_str(),
        "--model",
        "gpt-4o-mini",
    ];
    let version = format!(
        "vet.v3+finance:{}",
        &hex::encode(Sha256::digest(OWN.as_bytes()))[..8]
    );

    let out = vetted(&db.path)
        .args(["prompts", "set", "--domain", "finance", "--reviewer", "sme"])
        .arg(&own)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&version),
        "the new version is named: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["vet", "--limit", "1"])
        .args(llm)
        .assert()
        .success();
    assert_eq!(
        system_message(&server.requests()[0]),
        OWN.replace("{{domain}}", "finance"),
        "the call's system message is the domain's own text"
    );
    let shown = json_of(vetted(&db.path).args(["show", "a-1", "--json"]));
    assert_eq!(
        shown["item"]["vetting"]["prompt"], version,
        "the verdict names the prompt version that produced it: {shown:#}"
    );

    // The same text again changes nothing and is refused; a reset is a revision too.
    let again = vetted(&db.path)
        .args(["prompts", "set", "--domain", "finance"])
        .arg(&own)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already this text"));
    vetted(&db.path)
        .args([
            "prompts",
            "reset",
            "--domain",
            "finance",
            "--reviewer",
            "sme",
        ])
        .assert()
        .success();
    vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["vet", "--limit", "1", "--revet"])
        .args(llm)
        .assert()
        .success();
    let requests = server.requests();
    assert_eq!(
        system_message(&requests[1]),
        builtin(Template::Vet).1.replace("{{domain}}", "finance"),
        "after the reset the built-in prompt is back"
    );
    let view = json_of(vetted(&db.path).args(["prompts", "show", "--domain", "finance", "--json"]));
    assert_eq!(view["version"], "vet.v3");
    let revisions: Vec<(Value, Value)> = view["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].clone(), r["body"].clone()))
        .collect();
    assert_eq!(
        revisions,
        [
            (Value::from("vet.v3"), Value::Null),
            (Value::from(version.as_str()), Value::from(OWN)),
        ],
        "every revision, newest first"
    );
    let versions: Vec<String> =
        column(&db.path, "SELECT prompt_version FROM llm_calls ORDER BY id");
    assert_eq!(versions, [version.clone(), "vet.v3".to_owned()]);
    let runs: Vec<String> = column(&db.path, "SELECT prompt_version FROM llm_runs ORDER BY id");
    assert_eq!(
        runs, versions,
        "a run whose calls share a version records (and reports) that version"
    );
    let conn = Connection::open(&db.path).unwrap();
    let rewrite = conn.execute("UPDATE prompt_revisions SET body = 'x'", []);
    assert!(
        rewrite.is_err_and(|e| e.to_string().contains("append-only")),
        "the history cannot be rewritten, even with SQL"
    );

    // A prompt file given with --prompts wins over the database's text.
    vetted(&db.path)
        .args(["prompts", "set", "--domain", "finance"])
        .arg(&own)
        .assert()
        .success();
    let dir = db.dir.path().join("prompt-files");
    std::fs::create_dir_all(dir.join("finance")).unwrap();
    std::fs::write(dir.join("finance/vet.md"), "From a file for {{domain}}.").unwrap();
    vetted(&db.path)
        .env_remove("OPENAI_API_KEY")
        .args(["vet", "--limit", "1", "--revet", "--prompts"])
        .arg(&dir)
        .args(llm)
        .assert()
        .success();
    assert_eq!(
        system_message(server.requests().last().unwrap()),
        "From a file for finance."
    );
}
