//! Split, de-dup, audit trail, and the file guarantees: no overwrite, nothing written on an
//! empty selection, an error or a cancel.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use vetted::ErrorCode;

use serde_json::Value;
use vetted::domain::{Action, DecisionInput, EditedContent};
use vetted::export::{ExportOptions, Format, export};

use super::{decide, edit_answer, export_lines, files_in, last, lines, out_dir, run, store_with};
use crate::support::{answer_line, relationship_line};

#[test]
fn identical_lines_are_written_once_unless_dedup_is_off() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M"), answer_line("b", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "b", Action::Approve, None);
    let dir = out_dir();
    let manifest = run(
        &store,
        &ExportOptions::new(Format::TrlSft, dir.path().join("a.jsonl")),
    )
    .unwrap();
    assert_eq!(
        (
            manifest.counts.lines_train,
            manifest.counts.duplicates_skipped
        ),
        (1, 1)
    );
    let keep = ExportOptions {
        dedup: false,
        ..ExportOptions::new(Format::TrlSft, dir.path().join("b.jsonl"))
    };
    assert_eq!(
        run(&store, &keep).unwrap().counts.lines_train,
        2,
        "--no-dedup keeps both"
    );
}

#[test]
fn the_split_is_deterministic_and_keeps_a_prompt_in_one_split() {
    let ids: Vec<String> = (0..40).map(|i| format!("q{i}")).collect();
    let items: Vec<String> = ids
        .iter()
        .map(|id| {
            let mut v: Value = serde_json::from_str(&answer_line(id, "$12M")).unwrap();
            v["question"] = format!("Question {id}?").into();
            v.to_string()
        })
        .collect();
    let (_db, mut store) = store_with(&items);
    for id in &ids {
        decide(
            &mut store,
            id,
            Action::Edit,
            edit_answer("Revenue was $12 million."),
        );
    }
    let dir = out_dir();
    let split = |name: &str| -> (Vec<Value>, Vec<Value>) {
        let options = ExportOptions {
            val_fraction: 0.3,
            ..ExportOptions::new(Format::TrlKto, dir.path().join(name))
        };
        run(&store, &options).unwrap();
        let stem = name.trim_end_matches(".jsonl");
        (
            lines(&dir.path().join(name)),
            lines(&dir.path().join(format!("{stem}.val.jsonl"))),
        )
    };
    let first = split("one.jsonl");
    assert_eq!(first, split("two.jsonl"), "same data, same split");
    let (train, val) = first;
    assert!(
        !val.is_empty() && !train.is_empty(),
        "both splits are used at 0.3 over 40 prompts"
    );
    let prompt = |l: &Value| l["prompt"][1]["content"].as_str().unwrap().to_owned();
    assert!(
        train
            .iter()
            .all(|t| val.iter().all(|v| prompt(t) != prompt(v))),
        "no prompt in both splits"
    );
}

#[test]
fn an_existing_file_is_not_overwritten_without_force() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("sft.jsonl");
    std::fs::write(&out, "precious\n").unwrap();
    let err = run(&store, &ExportOptions::new(Format::OpenaiSft, &out)).expect_err("must refuse");
    assert_eq!(err.code(), ErrorCode::AlreadyExists, "{err}");
    assert!(
        err.to_string().contains("sft.jsonl already exists") && !err.to_string().contains("--"),
        "the file named, no CLI flag (the CLI adds --force as a hint): {err}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "precious\n",
        "left untouched"
    );
    assert_eq!(
        files_in(dir.path()),
        ["sft.jsonl"],
        "and nothing else written"
    );
    run(
        &store,
        &ExportOptions {
            force: true,
            ..ExportOptions::new(Format::OpenaiSft, &out)
        },
    )
    .unwrap();
    assert_eq!(lines(&out).len(), 1, "--force replaces it");
}

#[test]
fn an_empty_selection_says_so_and_writes_nothing() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    let dir = out_dir();
    let mut options = ExportOptions::new(Format::Decisions, dir.path().join("d.jsonl"));
    options.filters.reviewers = vec!["nobody".into()];
    let err = run(&store, &options).expect_err("nothing matches");
    assert_eq!(err.code(), ErrorCode::EmptySelection);
    assert!(
        err.to_string().contains("no decision matches the filters"),
        "{err}"
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "no file, not even a temporary one"
    );
}

#[test]
fn a_failure_midway_or_a_cancel_leaves_no_partial_file() {
    let (db, mut store) = store_with(&[answer_line("a", "$12M"), answer_line("b", "$13M")]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "b", Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("sft.jsonl");
    let cancelled = export(
        &store,
        &ExportOptions::new(Format::OpenaiSft, &out),
        &mut |_| {},
        &AtomicBool::new(true),
    );
    assert_eq!(
        cancelled.expect_err("cancelled").code(),
        ErrorCode::Cancelled
    );
    assert!(files_in(dir.path()).is_empty(), "a cancel writes nothing");

    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "UPDATE items SET payload = 'not json' WHERE external_id = 'b'",
        [],
    )
    .unwrap();
    let err =
        run(&store, &ExportOptions::new(Format::OpenaiSft, &out)).expect_err("row b is corrupt");
    assert_eq!(err.code(), ErrorCode::Database, "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "line a was written to a temp file that is gone"
    );

    let missing: PathBuf = dir.path().join("no-such-dir").join("sft.jsonl");
    let err =
        run(&store, &ExportOptions::new(Format::OpenaiSft, &missing)).expect_err("unwritable");
    assert_eq!(err.code(), ErrorCode::Io);
    assert!(
        err.to_string().contains("no-such-dir/sft.jsonl"),
        "the error names the path: {err}"
    );
}

#[test]
fn the_audit_trail_has_every_decision_with_diff_stats_in_jsonl_and_csv() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M"), relationship_line("r")]);
    decide(&mut store, "a", Action::Edit, edit_answer("$12 million"));
    decide(&mut store, "r", Action::Reject, None);
    let audit = export_lines(&store, Format::Decisions);
    assert_eq!(audit.len(), 2);
    assert_eq!(
        audit[0]["word_edit_distance"], 2,
        "$12M → $12 million replaces one word with two"
    );
    assert_eq!(audit[0]["vetting_verdict"], "pass");
    assert_eq!(audit[1]["reason"], "unsupported_by_evidence");
    let dir = out_dir();
    let out = dir.path().join("d.csv");
    run(&store, &ExportOptions::new(Format::DecisionsCsv, &out)).unwrap();
    let csv = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("decision_id,seq,item,kind"),
        "header first: {}",
        rows[0]
    );
    assert_eq!(rows.len(), 3, "header + one row per decision");
    assert!(
        rows[1].contains(",edit,,NOTE-FOR-HUMANS only,true,1,2,2,"),
        "{}",
        rows[1]
    );
}

/// Edits on which the two definitions of a word the core used to have disagreed: the stored
/// distance split on whitespace only ("Paris," and "Paris" were two different words, a relation
/// was its type, cardinality and one word per pair: 1, 1, 2, 0 and 2 here), the audit export
/// also on JSON punctuation, over the relation's JSON.
#[test]
fn the_distance_stored_with_a_decision_is_the_one_in_the_audit_trail() {
    let unrelated: vetted::domain::Relation = serde_json::from_value(serde_json::json!({
        "type": "not_related", "cardinality": "N:1", "mapping": []
    }))
    .unwrap();
    let answers = [
        (
            "comma",
            "The capital is Paris, France.",
            "The capital is Paris France.",
        ),
        ("quotes", "He said \"yes\" twice", "He said yes twice"),
        ("colon", "Total: 12", "Total 12 units"),
        ("nbsp", "12\u{a0}million", "12 million"),
    ];
    let mut lines: Vec<String> = answers
        .iter()
        .map(|(id, a, _)| answer_line(id, a))
        .collect();
    lines.push(relationship_line("r"));
    let (_db, mut store) = store_with(&lines);
    let mut stored = Vec::new();
    let edits = answers
        .iter()
        .map(|(id, _, edit)| (*id, edit_answer(edit).unwrap()))
        .chain([(
            "r",
            EditedContent::Relationship {
                relation: unrelated,
            },
        )]);
    for (item, edited) in edits {
        let decision = store
            .decide(&DecisionInput {
                id: format!("{item}-edit"),
                item: item.into(),
                item_version: 1,
                reviewer: "ana".into(),
                action: Action::Edit,
                edited: Some(edited),
                reason: None,
                note: None,
            })
            .unwrap();
        stored.push((item, decision.edit_distance));
    }
    let audit: Vec<(String, Option<i64>)> = export_lines(&store, Format::Decisions)
        .iter()
        .map(|r| {
            (
                r["item"].as_str().unwrap().to_owned(),
                r["word_edit_distance"].as_i64(),
            )
        })
        .collect();
    for (item, distance) in stored {
        let exported = audit.iter().find(|(i, _)| i == item).map(|(_, d)| *d);
        assert_eq!(
            exported,
            Some(distance),
            "item {item}: the audit trail reports the distance stored with the decision"
        );
    }
    assert_eq!(
        audit,
        [
            ("comma".into(), Some(0)),
            ("quotes".into(), Some(0)),
            ("colon".into(), Some(1)),
            ("nbsp".into(), Some(0)),
            ("r".into(), Some(5)),
        ],
        "JSON punctuation separates words; a relation compares as its JSON: the type and the \
         four words of the dropped pair"
    );
}

#[test]
fn a_tag_filter_exports_only_items_carrying_one_of_the_tags() {
    let (_db, mut store) = store_with(&[
        answer_line("a", "$12M"),
        answer_line("b", "$13M"),
        answer_line("c", "$14M"),
    ]);
    for id in ["a", "b", "c"] {
        decide(&mut store, id, Action::Approve, None);
    }
    store.add_tag("a", "gold").unwrap();
    store.add_tag("c", "q3").unwrap();
    let dir = out_dir();
    let mut options = ExportOptions::new(Format::TrlKto, dir.path().join("tagged.jsonl"));
    options.filters.tags = vec!["gold".into(), "q3".into()];
    let manifest = run(&store, &options).unwrap();
    let completions: Vec<String> = lines(&dir.path().join("tagged.jsonl"))
        .iter()
        .map(|l| last(&l["completion"]).to_owned())
        .collect();
    assert_eq!(
        completions,
        ["$12M", "$14M"],
        "only the tagged items a and c, not b"
    );
    assert_eq!(
        manifest.filters.tags,
        ["gold", "q3"],
        "the manifest records the tag filter"
    );
}
