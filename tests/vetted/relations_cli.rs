//! The real `vetted` binary: products, computed evidence in `show`, relation edits, exports.

use predicates::prelude::*;

use crate::support::{answer_line, chinook_path, json_of, relationship_between, temp_db, vetted};

#[test]
fn register_show_edit_and_export_relationships() {
    let db = temp_db();
    vetted(&db.path)
        .args(["products", "add"])
        .arg(chinook_path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Track ("));
    let listed = json_of(vetted(&db.path).args(["products", "list", "--json"]));
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(11),
        "11 Chinook tables"
    );

    let line = relationship_between(
        &db.open(),
        "rel-1",
        ("Invoice", &["CustomerId"]),
        ("Customer", &["CustomerId"]),
        "N:1",
    );
    let items = db.write_file(
        "items.jsonl",
        format!("{line}\n{}\n", answer_line("a-1", "x")),
    );
    vetted(&db.path)
        .arg("import")
        .arg(&items)
        .assert()
        .success();

    let shown = json_of(vetted(&db.path).args(["show", "rel-1", "--json"]));
    let evidence = &shown["evidence_computed"];
    assert_eq!(evidence["containment"], 1.0);
    assert_eq!(evidence["observed_cardinality"], "N:1");
    assert_eq!(
        evidence["source_basis"]["label"],
        "source: full table, 412 rows"
    );
    let answer = json_of(vetted(&db.path).args(["show", "a-1", "--json"]));
    assert!(
        answer["evidence_computed"].is_null(),
        "answers have no computed evidence"
    );
    vetted(&db.path)
        .args(["show", "rel-1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("containment   100.0% (59 of 59"));

    let bad = db.write_file(
        "bad.json",
        r#"{"type":"foreign_key","cardinality":"N:1","mapping":[{"source_field":"CustomerID","target_field":"CustomerId"}]}"#,
    );
    vetted(&db.path)
        .args(["decide", "rel-1", "edit", "--relation-file"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "'CustomerID' is not a field of 'Invoice'",
        ));
    let good = db.write_file(
        "good.json",
        r#"{"type":"foreign_key","cardinality":"N:1","mapping":[{"source_field":"CustomerId","target_field":"CustomerId"}]}"#,
    );
    vetted(&db.path)
        .args([
            "decide",
            "rel-1",
            "edit",
            "--reviewer",
            "ana",
            "--relation-file",
        ])
        .arg(&good)
        .assert()
        .success();

    let out = db.dir.path().join("schema.yml");
    vetted(&db.path)
        .args(["export", "--format", "dbt", "--out"])
        .arg(&out)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(&out).unwrap();
    assert!(yaml.contains("to: \"ref('Customer')\""), "{yaml}");
    vetted(&db.path)
        .args(["export", "--format", "graph", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "already exists; nothing was written",
        ))
        .stderr(predicate::str::contains(
            "hint: pass --force to overwrite it",
        ));
    vetted(&db.path)
        .args(["export", "--format", "graph", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    let graph: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(graph["edges"][0]["decided_by"], "ana");
    assert_eq!(graph["edges"][0]["status"], "edited");
}

#[test]
fn not_related_is_an_edit() {
    let db = temp_db();
    vetted(&db.path)
        .args(["products", "add"])
        .arg(chinook_path())
        .assert()
        .success();
    let line = relationship_between(
        &db.open(),
        "rel-1",
        ("Invoice", &["CustomerId"]),
        ("Employee", &["EmployeeId"]),
        "N:1",
    );
    let items = db.write_file("items.jsonl", format!("{line}\n"));
    vetted(&db.path)
        .arg("import")
        .arg(&items)
        .assert()
        .success();
    vetted(&db.path)
        .args(["decide", "rel-1", "edit", "--not-related"])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "rel-1", "--json"]));
    assert_eq!(shown["item"]["status"], "edited");
    assert_eq!(
        shown["item"]["latest_edit"]["relation"]["type"],
        "not_related"
    );
    assert!(
        shown["evidence_computed"]["containment"].as_f64().unwrap() < 0.2,
        "the evidence still shows the rejected proposal"
    );
}
