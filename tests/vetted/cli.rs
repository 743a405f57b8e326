//! The real `vetted` binary on a temp database.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::{answer_line, relationship_line, temp_db, vetted};

#[test]
fn import_queue_decide_show_stats() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n",
            answer_line("a-1", "$12M"),
            relationship_line("r-1")
        ),
    );
    vetted(&db.path)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 new, 0 already present"));
    vetted(&db.path)
        .args(["queue", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"external_id\": \"a-1\""));
    vetted(&db.path)
        .args([
            "decide",
            "a-1",
            "edit",
            "--answer",
            "$12 million",
            "--reviewer",
            "ana",
        ])
        .assert()
        .success();
    vetted(&db.path)
        .args([
            "decide",
            "r-1",
            "reject",
            "--reason",
            "wrong_data_product",
            "--note",
            "n",
        ])
        .assert()
        .success();
    let shown = vetted(&db.path)
        .args(["show", "a-1", "--json"])
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["item"]["status"], "edited");
    assert_eq!(shown["item"]["latest_edit"]["answer"], "$12 million");
    assert_eq!(shown["decisions"][0]["reviewer"], "ana");
    let stats = vetted(&db.path).args(["stats", "--json"]).output().unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(
        (
            stats["edited"].as_i64(),
            stats["rejected"].as_i64(),
            stats["total"].as_i64()
        ),
        (Some(1), Some(1), Some(2))
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let db = temp_db();
    let bad = db.write_file("bad.jsonl", "{\"kind\":\"answer\"}\n");
    vetted(&db.path)
        .arg("import")
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.jsonl:1: missing field `id`"));
    vetted(&db.path)
        .args(["decide", "nope", "approve"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no item with id 'nope'"));
}

#[test]
fn import_reads_standard_input() {
    let db = temp_db();
    vetted(&db.path)
        .args(["import", "-"])
        .write_stdin(format!("{}\n", answer_line("a-1", "$12M")))
        .assert()
        .success()
        .stdout(predicate::str::contains("<stdin>: 1 new"));
}

#[test]
fn vetted_db_environment_variable_selects_the_database() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "x")));
    Command::cargo_bin("vetted")
        .unwrap()
        .env("VETTED_DB", &db.path)
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    assert!(db.path.exists(), "the database was created at $VETTED_DB");
}

#[test]
fn reasons_can_be_listed_and_extended_and_needs_sme_takes_a_question() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "x")));
    vetted(&db.path).arg("import").arg(&file).assert().success();
    vetted(&db.path)
        .args(["reasons", "add", "outdated", "Outdated source"])
        .assert()
        .success();
    vetted(&db.path)
        .args(["reasons", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unsupported_by_evidence"))
        .stdout(predicate::str::contains(" 8  outdated"));
    vetted(&db.path)
        .args([
            "decide",
            "a-1",
            "needs-sme",
            "--note",
            "Fiscal or calendar Q3?",
        ])
        .assert()
        .success();
    vetted(&db.path)
        .args(["stats"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"needs_sme\s+1").unwrap());
}

fn queued_ids(db: &std::path::Path, args: &[&str]) -> Vec<String> {
    let listed = crate::support::json_of(vetted(db).arg("queue").args(args).arg("--json"));
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["external_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_queue_lists_what_is_waiting_unless_another_status_is_asked_for() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n{}\n",
            answer_line("a-1", "x"),
            answer_line("a-2", "y"),
            relationship_line("r-1")
        ),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    vetted(&db.path)
        .args(["decide", "a-1", "approve"])
        .assert()
        .success();
    assert_eq!(
        queued_ids(&db.path, &[]),
        ["a-2", "r-1"],
        "by default the queue is what is waiting: approved a-1 is not listed"
    );
    assert_eq!(
        queued_ids(&db.path, &["--status", "approved"]),
        ["a-1"],
        "--status picks another status"
    );
    assert_eq!(
        queued_ids(&db.path, &["--status", "all"]),
        ["a-1", "a-2", "r-1"],
        "--status all lists every item"
    );
    assert_eq!(
        queued_ids(&db.path, &["--review", "settled"]),
        ["a-1"],
        "--review alone still selects by review state, whatever the status"
    );
    vetted(&db.path)
        .args(["queue", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pending").and(predicate::str::contains("all")));
}

#[test]
fn a_reject_reason_can_be_given_by_its_label_and_is_stored_by_its_id() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n{}\n",
            relationship_line("r-1"),
            answer_line("a-1", "x"),
            answer_line("a-2", "y")
        ),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    for (item, reason, id) in [
        ("r-1", "Wrong data product", "wrong_data_product"),
        (
            "a-1",
            "  UNSUPPORTED BY EVIDENCE ",
            "unsupported_by_evidence",
        ),
    ] {
        vetted(&db.path)
            .args(["decide", item, "reject", "--reason", reason])
            .assert()
            .success();
        let shown = crate::support::json_of(vetted(&db.path).args(["show", item, "--json"]));
        assert_eq!(
            shown["decisions"][0]["reason"], id,
            "the label '{reason}' is accepted, the id is stored"
        );
    }
    vetted(&db.path)
        .args(["decide", "a-2", "reject", "--reason", "Wrong data"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("unknown reject reason 'Wrong data'")
                .and(predicate::str::contains("wrong_data_product"))
                .and(predicate::str::contains("unsupported_by_evidence")),
        );
}

#[test]
fn version_is_the_workspace_version() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("read the workspace manifest");
    let workspace: toml::Table = manifest.parse().expect("parse Cargo.toml");
    let version = workspace["workspace"]["package"]["version"]
        .as_str()
        .expect("[workspace.package] version");
    Command::cargo_bin("vetted")
        .unwrap()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("vetted {version}\n"));
    let conf = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/tauri.conf.json"
    ))
    .expect("read tauri.conf.json");
    let conf: serde_json::Value = serde_json::from_str(&conf).expect("parse tauri.conf.json");
    assert_eq!(
        conf["version"].as_str(),
        Some(version),
        "the app and its packages carry the same version as the CLI"
    );
}

/// `vetted queue | head -1`: the reader closes the pipe after one line; the CLI stops quietly
/// with success instead of a panic about a broken pipe.
#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let db = temp_db();
    let lines: String = crate::support::answer_lines("pipe", 3_000)
        .into_iter()
        .map(|l| l + "\n")
        .collect();
    let file = db.write_file("items.jsonl", lines);
    vetted(&db.path).arg("import").arg(&file).assert().success();
    // 3,000 queue lines are far more than a pipe holds, so the CLI is still writing when the
    // reader goes away.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vetted"))
        .arg("--db")
        .arg(&db.path)
        .args(["queue", "--limit", "3000"])
        .env_remove("VETTED_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("pipe-"), "the first queue line: {first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("panicked"),
        "a closed stdout ends the CLI quietly: {:?} {stderr}",
        out.status
    );
}
