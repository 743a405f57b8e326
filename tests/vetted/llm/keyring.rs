//! API keys in the OS keyring, through the CLI, against a real Secret Service (gnome-keyring on
//! a private D-Bus session, started by `scripts/test-keyring.sh`, which sets
//! `VETTED_TEST_KEYRING`): a key typed into `vetted provider set-key` is what the next run sends,
//! the provider's environment variable still wins, and the key appears nowhere but the keyring —
//! not in the settings file, the database, any output or an export.

use assert_cmd::Command;
use predicates::prelude::*;

use super::fault_server::{FaultServer, completion};
use crate::support::{TempDb, answer_line, json_of, temp_db};

const CANARY: &str = "sk-vetted-keyring-canary-8d41e07c";

fn keyring_available() -> bool {
    let on = std::env::var_os("VETTED_TEST_KEYRING").is_some();
    if !on {
        eprintln!(
            "\n*** SKIPPED: keyring test — VETTED_TEST_KEYRING is not set. Run \
             scripts/test-keyring.sh (starts gnome-keyring on a private D-Bus session). ***\n"
        );
    }
    on
}

fn vetted(db: &TempDb, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("vetted").unwrap();
    cmd.env_remove("VETTED_DB")
        .env_remove("OPENAI_API_KEY")
        .env_remove("VETTED_KEYRING_TEST_KEY")
        .arg("--db")
        .arg(&db.path)
        .args(args);
    cmd
}

fn list(db: &TempDb, settings: &str) -> serde_json::Value {
    json_of(&mut vetted(
        db,
        &["provider", "--settings", settings, "list", "--json"],
    ))
}

#[test]
fn a_key_set_in_the_keyring_is_used_and_stored_nowhere_else() {
    if !keyring_available() {
        return;
    }
    let server = FaultServer::start(|_, _| {
        completion(r#"{"verdict":"pass","reasons":[],"risk":0.1}"#, "stop")
    });
    let db = temp_db();
    let settings = db.dir.path().join("vetted.toml");
    let settings = settings.to_str().unwrap();
    let items = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "$12M")));
    vetted(&db, &["import", items.to_str().unwrap()])
        .assert()
        .success();
    let provider = ["provider", "--settings", settings];
    vetted(
        &db,
        &[
            &provider[..],
            &[
                "add",
                "kr-test",
                "--base-url",
                &server.base_url,
                "--model",
                "gpt-4o-mini",
                "--api-key-env",
                "VETTED_KEYRING_TEST_KEY",
            ],
        ]
        .concat(),
    )
    .assert()
    .success();
    assert_eq!(
        list(&db, settings)[0]["key"]["kind"],
        "missing",
        "no key yet"
    );

    vetted(&db, &[&provider[..], &["set-key", "kr-test"]].concat())
        .write_stdin(format!("{CANARY}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains(CANARY).not());
    let listed = list(&db, settings);
    assert_eq!(listed[0]["key"]["kind"], "keyring", "{listed}");
    assert!(
        !listed.to_string().contains(CANARY),
        "list never shows the key"
    );

    let vet = [
        "vet",
        "--provider",
        "kr-test",
        "--settings",
        settings,
        "--revet",
    ];
    let out = vetted(&db, &vet).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        server
            .requests()
            .last()
            .and_then(|r| r.header("authorization").map(str::to_owned)),
        Some(format!("Bearer {CANARY}")),
        "the run sends the key from the keyring"
    );
    let export = db.dir.path().join("decisions.jsonl");
    vetted(&db, &["decide", "a-1", "approve", "--reviewer", "ann"])
        .assert()
        .success();
    vetted(
        &db,
        &[
            "export",
            "--format",
            "decisions",
            "--out",
            export.to_str().unwrap(),
        ],
    )
    .assert()
    .success();

    vetted(&db, &vet)
        .env("VETTED_KEYRING_TEST_KEY", "sk-from-the-environment-0000")
        .assert()
        .success();
    assert_eq!(
        server
            .requests()
            .last()
            .and_then(|r| r.header("authorization").map(str::to_owned)),
        Some("Bearer sk-from-the-environment-0000".to_owned()),
        "the provider's environment variable wins over the keyring"
    );

    let mut leaks = Vec::new();
    for file in [
        "vetted.db",
        "vetted.db-wal",
        "vetted.toml",
        "decisions.jsonl",
    ] {
        let path = db.dir.path().join(file);
        if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes())
        {
            leaks.push(file);
        }
    }
    assert!(leaks.is_empty(), "the key leaked into {leaks:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 ok")
            && !String::from_utf8_lossy(&out.stdout).contains(CANARY),
        "the run's output names no key"
    );

    vetted(&db, &[&provider[..], &["forget-key", "kr-test"]].concat())
        .assert()
        .success()
        .stdout(predicate::str::contains("removed the key"));
    assert_eq!(
        list(&db, settings)[0]["key"]["kind"],
        "missing",
        "the key is gone"
    );
    vetted(&db, &[&provider[..], &["forget-key", "kr-test"]].concat())
        .assert()
        .success()
        .stdout(predicate::str::contains("held no key"));
    vetted(&db, &[&provider[..], &["remove", "kr-test"]].concat())
        .assert()
        .success();
    assert_eq!(
        list(&db, settings),
        serde_json::json!([]),
        "the provider is gone"
    );
}
