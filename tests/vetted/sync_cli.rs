//! Team review through the real `vetted` binary: reviewer profiles, `sync pack` / `sync merge`
//! between laptops in different orders, adjudication from the command line, export of the final
//! decision, and k-overlap visibility in `show`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::{TempDb, answer_lines, table_counts, temp_db};
use crate::team::snapshot;

fn vetted(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("vetted").unwrap();
    cmd.arg("--db")
        .arg(db)
        .env_remove("VETTED_DB")
        .env_remove("VETTED_REVIEWER");
    cmd
}

/// A laptop: a temp database with items `t-0` … `t-{n-1}` imported through the CLI.
fn laptop(n: usize) -> TempDb {
    let db = temp_db();
    let file = db.write_file("items.jsonl", answer_lines("t", n).join("\n") + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    db
}

fn run(db: &TempDb, args: &[&str]) -> String {
    let out = vetted(&db.path).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn pack(db: &TempDb, name: &str) -> PathBuf {
    let out = db.dir.path().join(name);
    let printed = run(db, &["sync", "pack", "--out", out.to_str().unwrap()]);
    assert!(printed.contains("packed"), "{printed}");
    out
}

fn merge(db: &TempDb, bundle: &Path) -> serde_json::Value {
    serde_json::from_str(&run(
        db,
        &["sync", "merge", bundle.to_str().unwrap(), "--json"],
    ))
    .unwrap()
}

#[test]
fn laptops_merge_bundles_in_any_order_and_an_adjudicator_settles_the_conflict() {
    let a = laptop(3);
    let b = laptop(3);
    let c = laptop(3);
    run(&a, &["reviewer", "add", "ann", "--role", "sme"]);
    run(&a, &["reviewer", "use", "ann"]);
    assert_eq!(run(&a, &["reviewer", "current"]).trim(), "ann");
    run(&a, &["decide", "t-0", "approve"]);
    run(
        &a,
        &[
            "decide",
            "t-1",
            "edit",
            "--answer",
            "Q3 revenue came to $12M per the report.",
        ],
    );
    run(&b, &["decide", "t-0", "approve", "--reviewer", "bob"]);
    run(
        &b,
        &[
            "decide",
            "t-1",
            "reject",
            "--reason",
            "incomplete",
            "--reviewer",
            "bob",
        ],
    );
    run(
        &c,
        &[
            "decide",
            "t-2",
            "reject",
            "--reason",
            "incomplete",
            "--reviewer",
            "cy",
        ],
    );
    let bundles = [pack(&a, "a.json"), pack(&b, "b.json"), pack(&c, "c.json")];

    let x = temp_db();
    let y = temp_db();
    let mut conflicts = 0;
    for bundle in &bundles {
        conflicts += merge(&x, bundle)["conflicts"].as_i64().unwrap();
    }
    assert_eq!(conflicts, 1, "only t-1 disagrees");
    for i in [2, 1, 0, 0, 2] {
        merge(&y, &bundles[i]);
    }
    let again = merge(&y, &bundles[1]);
    assert_eq!(again["decisions_added"], 0);
    assert_eq!(again["items_added"], 0);
    assert_eq!(
        snapshot(&x.path),
        snapshot(&y.path),
        "order and repetition do not matter"
    );
    for laptop in [&a, &b, &c] {
        for bundle in &bundles {
            merge(laptop, bundle);
        }
        assert_eq!(snapshot(&laptop.path), snapshot(&x.path));
    }

    let queue = run(&x, &["adjudication", "list"]);
    assert!(
        queue.contains("t-1") && queue.contains("ann: edit") && queue.contains("bob: reject"),
        "{queue}"
    );
    assert!(!queue.contains("t-0"), "{queue}");
    let shown = run(&x, &["adjudication", "show", "t-1"]);
    assert!(shown.contains("{+"), "edits are shown as diffs: {shown}");

    vetted(&x.path)
        .args([
            "decide",
            "t-1",
            "approve",
            "--adjudicate",
            "--reviewer",
            "ann",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not an adjudicator"))
        .stderr(predicate::str::contains(
            "hint: give a reviewer the adjudicator role with `vetted reviewer add NAME --role adjudicator`",
        ));
    run(&x, &["reviewer", "add", "jo", "--role", "adjudicator"]);
    let final_text = "Revenue in the third quarter was $12 million.";
    run(
        &x,
        &[
            "decide",
            "t-1",
            "edit",
            "--answer",
            final_text,
            "--adjudicate",
            "--reviewer",
            "jo",
        ],
    );
    assert_eq!(
        run(&x, &["adjudication", "list"]).trim(),
        "no item awaits adjudication"
    );

    let out = x.dir.path().join("sft.jsonl");
    run(
        &x,
        &[
            "export",
            "--format",
            "openai-sft",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(
        exported.contains(final_text),
        "export uses the final decision: {exported}"
    );
    assert!(!exported.contains("came to $12M"), "{exported}");

    // The adjudication reaches the other laptops like any decision.
    let settled = pack(&x, "x.json");
    merge(&a, &settled);
    assert_eq!(snapshot(&a.path), snapshot(&x.path));
    let listed = run(&a, &["reviewer", "list"]);
    assert!(
        listed.contains("jo") && listed.contains("adjudicator"),
        "{listed}"
    );
}

#[test]
fn with_two_required_reviews_nobody_sees_the_other_decision_first() {
    let db = laptop(1);
    run(&db, &["overlap", "set", "2", "--domain", "finance"]);
    assert!(run(&db, &["overlap", "list"]).contains("domain finance"));
    run(&db, &["decide", "t-0", "approve", "--reviewer", "ann"]);
    let queue = run(&db, &["queue", "--awaiting", "bob", "--json"]);
    assert!(queue.contains("t-0"), "t-0 waits for bob: {queue}");
    let queue = run(&db, &["queue", "--awaiting", "ann", "--json"]);
    assert!(!queue.contains("t-0"), "ann is done: {queue}");
    let blind: serde_json::Value =
        serde_json::from_str(&run(&db, &["show", "t-0", "--reviewer", "bob", "--json"])).unwrap();
    assert_eq!(blind["decisions"], serde_json::json!([]), "no anchoring");
    assert_eq!(blind["item"]["status"], "pending");
    run(&db, &["decide", "t-0", "approve", "--reviewer", "bob"]);
    let seen: serde_json::Value =
        serde_json::from_str(&run(&db, &["show", "t-0", "--reviewer", "bob", "--json"])).unwrap();
    assert_eq!(seen["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(seen["item"]["status"], "approved");
}

#[test]
fn a_malformed_bundle_is_rejected_and_changes_nothing() {
    let a = laptop(2);
    let b = laptop(2);
    run(
        &b,
        &[
            "decide",
            "t-0",
            "reject",
            "--reason",
            "incomplete",
            "--reviewer",
            "bob",
        ],
    );
    let good = pack(&b, "b.json");
    let mut bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    bundle["decisions"][0]["reason"] = serde_json::Value::Null;
    let bad = a.write_file("bad.json", bundle.to_string());
    let before = table_counts(&a.path);
    vetted(&a.path)
        .args(["sync", "merge", bad.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("a reject needs a reason")
                .and(predicate::str::contains("nothing was merged")),
        );
    assert_eq!(table_counts(&a.path), before);
    let report = merge(&a, &good);
    assert_eq!(report["decisions_added"], 1);
}

const FORM: &str = "[[question]]\nid = \"correctness\"\nlabel = \"How correct?\"\ntype = \"rating\"\nscale = 5\nrequired = true\n";

#[test]
fn review_form_answers_travel_with_their_decisions_and_diverged_forms_are_refused() {
    let a = laptop(2);
    let b = laptop(2);
    let form = a.write_file("finance.toml", FORM);
    run(&a, &["forms", "set", "finance", form.to_str().unwrap()]);
    run(
        &a,
        &[
            "decide",
            "t-0",
            "approve",
            "--form",
            "correctness=4",
            "--reviewer",
            "ann",
        ],
    );
    let bundle = pack(&a, "a.json");
    // As a bundle packed before bundles carried answers: the decision arrives without them.
    let mut old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("forms");
    for d in old["decisions"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("form");
    }
    let old_bundle = b.write_file("old.json", old.to_string());
    assert_eq!(merge(&b, &old_bundle)["decisions_added"], 1);
    let report = merge(&b, &bundle);
    assert_eq!(
        report["decisions_present"], 1,
        "the decision is there; its answers join it"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&run(&b, &["show", "t-0", "--json"])).unwrap();
    assert_eq!(
        shown["form_answers"],
        serde_json::json!([{
            "decision_id": shown["decisions"][0]["id"],
            "form_version": 1,
            "question": "correctness",
            "value": 4
        }]),
        "the answer arrives with the decision, under the same form version"
    );
    let forms: serde_json::Value =
        serde_json::from_str(&run(&b, &["forms", "show", "finance", "--json"])).unwrap();
    assert_eq!(
        forms["in_force"]["version"], 1,
        "the form version arrives too"
    );
    assert_eq!(
        merge(&b, &bundle)["decisions_added"],
        0,
        "merging again adds nothing"
    );

    // A third laptop wrote its own version 1 of the domain's form: the merge is refused whole.
    let c = laptop(2);
    let other = c.write_file("other.toml", FORM.replace("scale = 5", "scale = 7"));
    run(&c, &["forms", "set", "finance", other.to_str().unwrap()]);
    let before = table_counts(&c.path);
    vetted(&c.path)
        .args(["sync", "merge", bundle.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("review form 'finance' version 1 differs")
                .and(predicate::str::contains("nothing was merged")),
        );
    assert_eq!(table_counts(&c.path), before, "nothing changed");
}

#[test]
fn claim_verdicts_travel_with_their_decisions_and_bad_ones_are_refused() {
    let a = laptop(1);
    let b = laptop(1);
    run(
        &a,
        &[
            "decide",
            "t-0",
            "reject",
            "--reason",
            "unsupported_by_evidence",
            "--claim",
            "1=unsupported@doc-1:0-7",
            "--reviewer",
            "ann",
        ],
    );
    let bundle = pack(&a, "a.json");
    assert_eq!(merge(&b, &bundle)["decisions_added"], 1);
    let shown: serde_json::Value =
        serde_json::from_str(&run(&b, &["show", "t-0", "--json"])).unwrap();
    assert_eq!(
        shown["claim_checks"][0]["claims"],
        serde_json::json!([{
            "claim": "answer number 0",
            "verdict": "unsupported",
            "spans": [{"passage": "doc-1", "start": 0, "end": 7, "text": "Revenue"}]
        }]),
        "the verdicts arrive with the decision"
    );
    assert_eq!(
        merge(&b, &bundle)["decisions_added"],
        0,
        "merging again adds nothing"
    );
    let again: serde_json::Value =
        serde_json::from_str(&run(&b, &["show", "t-0", "--json"])).unwrap();
    assert_eq!(
        again["claim_checks"], shown["claim_checks"],
        "nor verdicts twice"
    );

    // A verdict on a claim the answer does not make is refused, and the merge with it.
    let c = laptop(1);
    let mut bad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    bad["decisions"][0]["claims"][0]["claim"] = "revenue doubled".into();
    let bad_bundle = c.write_file("bad.json", bad.to_string());
    let before = table_counts(&c.path);
    vetted(&c.path)
        .args(["sync", "merge", bad_bundle.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("claim 1: not a part of the answer")
                .and(predicate::str::contains("nothing was merged")),
        );
    assert_eq!(table_counts(&c.path), before, "nothing changed");
}
