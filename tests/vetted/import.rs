use vetted::ErrorCode;
use vetted::domain::{ItemBody, ItemStatus, Verdict};

use crate::support::{answer_line, relationship_line, table_counts, temp_db};

#[test]
fn imports_both_kinds_with_evidence_and_vetting() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n",
            answer_line("a-1", "$12M"),
            relationship_line("r-1")
        ),
    );
    let mut store = db.open();
    let report = store.import_path(&file).unwrap();
    assert_eq!((report.new, report.already_present), (2, 0));

    let answer = store.item("a-1").unwrap();
    assert_eq!(answer.status, ItemStatus::Pending);
    assert_eq!(answer.vetting.unwrap().verdict, Verdict::Pass);
    assert_eq!(answer.metadata["batch"], 7, "metadata is kept as given");
    match answer.body {
        ItemBody::Answer(a) => {
            assert_eq!(a.answer, "$12M");
            assert_eq!(a.evidence.len(), 1);
            assert_eq!(a.evidence[0].source, "s3://reports/q3.pdf");
        }
        other => panic!("expected an answer, got {other:?}"),
    }
    match store.item("r-1").unwrap().body {
        ItemBody::Relationship(r) => {
            assert_eq!(r.relation.mapping[0].source_field, "customer_id");
            assert_eq!(r.source.sample_rows.len(), 1);
        }
        other => panic!("expected a relationship, got {other:?}"),
    }
}

#[test]
fn reimporting_the_same_file_adds_nothing() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "$12M")));
    let mut store = db.open();
    store.import_path(&file).unwrap();
    let again = store.import_path(&file).unwrap();
    assert_eq!(
        (again.new, again.already_present),
        (0, 1),
        "the same item is recognised as already present"
    );
    assert_eq!(store.status_counts(&Default::default()).unwrap().total(), 1);
}

#[test]
fn a_malformed_file_is_rejected_whole_and_changes_nothing() {
    let db = temp_db();
    let good = answer_line("a-1", "$12M");
    let file = db.write_file(
        "bad.jsonl",
        format!("{good}\n{{\"kind\":\"answer\",\"id\":\"a-2\"}}\nnot json\n"),
    );
    let mut store = db.open();
    let before = table_counts(&db.path);
    let err = store.import_path(&file).expect_err("must be rejected");
    let message = err.to_string();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(
        message.contains("bad.jsonl:2: missing field `domain`"),
        "line 2 names the missing field: {message}"
    );
    assert!(
        message.contains("bad.jsonl:3: invalid JSON"),
        "line 3 is invalid JSON: {message}"
    );
    assert!(message.contains("nothing was imported"), "{message}");
    assert_eq!(
        table_counts(&db.path),
        before,
        "a rejected file leaves every table as it was (the valid line 1 included)"
    );
}

#[test]
fn a_mapping_naming_a_missing_field_is_rejected() {
    let db = temp_db();
    let line = relationship_line("r-1")
        .replace(r#""target_field":"id""#, r#""target_field":"customer_key""#);
    let file = db.write_file("rel.jsonl", format!("{line}\n"));
    let err = db.open().import_path(&file).expect_err("must be rejected");
    assert!(
        err.to_string().contains(
            "rel.jsonl:1: relation.mapping[0].target_field: 'customer_key' is not a field of 'customers'"
        ),
        "{err}"
    );
}

#[test]
fn an_unknown_kind_and_wrong_types_name_the_field() {
    let db = temp_db();
    let file = db.write_file(
        "kinds.jsonl",
        format!(
            "{{\"kind\":\"poem\"}}\n{}\n",
            answer_line("a-1", "x").replace(r#""score":0.9"#, r#""score":"high""#)
        ),
    );
    let err = db.open().import_path(&file).err().unwrap().to_string();
    assert!(
        err.contains(r#"kinds.jsonl:1: kind: unknown kind "poem""#),
        "{err}"
    );
    assert!(
        err.contains("kinds.jsonl:2: vetting.score: invalid type"),
        "{err}"
    );
}

#[test]
fn an_empty_file_is_an_error() {
    let db = temp_db();
    let file = db.write_file("empty.jsonl", "");
    let err = db.open().import_path(&file).err().unwrap().to_string();
    assert!(err.contains("empty.jsonl: the file is empty"), "{err}");
}

#[test]
fn the_same_id_with_different_content_is_a_clash() {
    let db = temp_db();
    let first = db.write_file("one.jsonl", format!("{}\n", answer_line("a-1", "$12M")));
    let second = db.write_file("two.jsonl", format!("{}\n", answer_line("a-1", "$99M")));
    let mut store = db.open();
    store.import_path(&first).unwrap();
    let err = store.import_path(&second).err().unwrap().to_string();
    assert!(
        err.contains("two.jsonl:1: id: an item 'a-1' already exists with different content"),
        "{err}"
    );
}

#[test]
fn the_demo_fixture_imports_cleanly() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo-items.jsonl");
    let db = temp_db();
    let report = db.open().import_path(&demo).unwrap();
    assert!(
        report.new >= 30,
        "the demo has dozens of items, got {}",
        report.new
    );
}
