//! Personal data and secrets while reviewing: what `vetted show` lists, `decide … edit --redact`
//! and the do-not-train flag from the CLI.

use crate::support::{answer_line, json_of, temp_db, vetted};

fn leaky_line(id: &str) -> String {
    serde_json::json!({
        "kind": "answer", "id": id, "domain": "support", "model": "llama-3.1-8b",
        "question": "Who do I contact about invoice 7?",
        "answer": "Mail ana.lopez@example.com; the billing key is sk-proj-abcdefghijklmnopqrstuvwxyz012345.",
        "evidence": [{"id": "crm-1", "title": "Contact", "text": "Owner: ana.lopez@example.com, +1 (415) 555-0134", "source": "crm"}]
    })
    .to_string()
}

#[test]
fn show_lists_findings_and_edit_redact_replaces_them_with_typed_placeholders() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n",
            leaky_line("leak-1"),
            answer_line("clean-1", "$12M")
        ),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();

    let shown = json_of(vetted(&db.path).args(["show", "leak-1", "--json"]));
    let found: Vec<(String, String, String)> = shown["item"]["sensitive"]
        .as_array()
        .expect("sensitive is a list")
        .iter()
        .map(|s| {
            let place = match s["passage"].as_str() {
                Some(passage) => format!("{}:{passage}", s["place"].as_str().unwrap()),
                None => s["place"].as_str().unwrap().to_owned(),
            };
            (
                place,
                s["placeholder"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("answer", "[EMAIL]", "ana.lopez@example.com"),
            (
                "answer",
                "[API_KEY]",
                "sk-proj-abcdefghijklmnopqrstuvwxyz012345"
            ),
            ("evidence:crm-1", "[EMAIL]", "ana.lopez@example.com"),
            ("evidence:crm-1", "[PHONE]", "+1 (415) 555-0134"),
        ]
        .map(|(p, k, t)| (p.to_owned(), k.to_owned(), t.to_owned())),
        "every finding in what the reviewer is shown, place by place in text order"
    );
    let human = vetted(&db.path).args(["show", "leak-1"]).output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("[API_KEY]") && human.contains("evidence [crm-1]"),
        "the human view lists the findings with their places:\n{human}"
    );

    vetted(&db.path)
        .args([
            "decide",
            "leak-1",
            "edit",
            "--redact",
            "--do-not-train",
            "--reviewer",
            "ana",
        ])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "leak-1", "--json"]));
    assert_eq!(
        shown["item"]["latest_edit"]["answer"], "Mail [EMAIL]; the billing key is [API_KEY].",
        "the edit is the answer with typed placeholders"
    );
    assert_eq!(shown["item"]["status"], "edited");
    assert_eq!(
        shown["item"]["do_not_train"], true,
        "--do-not-train set the flag"
    );
    let edit_findings = shown["item"]["sensitive"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["place"] == "edit")
        .count();
    assert_eq!(edit_findings, 0, "nothing sensitive is left in the edit");

    vetted(&db.path)
        .args(["do-not-train", "leak-1", "--clear"])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "leak-1", "--json"]));
    assert_eq!(
        shown["item"]["do_not_train"], false,
        "--clear puts the item back"
    );
    vetted(&db.path)
        .args(["do-not-train", "clean-1"])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "clean-1", "--json"]));
    assert_eq!(
        shown["item"]["do_not_train"], true,
        "do-not-train sets the flag alone"
    );
    assert_eq!(
        shown["item"]["status"], "pending",
        "the flag is not a decision"
    );
}

#[test]
fn nothing_to_redact_or_a_refused_decision_changes_nothing() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!("{}\n", answer_line("clean-1", "$12M")),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();

    let out = vetted(&db.path)
        .args(["decide", "clean-1", "edit", "--redact"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "redacting a clean answer is refused");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("clean-1") && stderr.contains("nothing to redact"),
        "the refusal names the item and why: {stderr}"
    );
    let out = vetted(&db.path)
        .args([
            "decide",
            "clean-1",
            "reject",
            "--reason",
            "no such reason",
            "--do-not-train",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "an unknown reason is refused");

    let shown = json_of(vetted(&db.path).args(["show", "clean-1", "--json"]));
    assert_eq!(
        shown["item"]["status"], "pending",
        "no decision was recorded"
    );
    assert_eq!(shown["decisions"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        shown["item"]["do_not_train"], false,
        "a refused decision leaves the do-not-train flag as it was"
    );
    assert_eq!(
        shown["item"]["sensitive"].as_array().map(Vec::len),
        Some(0),
        "a clean item shows no findings"
    );
}
