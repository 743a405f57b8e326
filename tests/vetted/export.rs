//! Export: the mapping per action, DPO pairs, latest-decision-wins, split, de-dup, and the
//! file guarantees (no overwrite, nothing written on empty selection, error or cancel).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use vetted::Store;
use vetted::domain::{Action, Cardinality, DecisionInput, EditedContent, FieldPair, Relation};
use vetted::export::{ExportOptions, Format, Manifest, PiiMode, export};

use crate::support::{TempDb, answer_line, relationship_line, temp_db};

fn store_with(lines: &[String]) -> (TempDb, Store) {
    let db = temp_db();
    let file = db.write_file("items.jsonl", lines.join("\n"));
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

fn decide(store: &mut Store, item: &str, action: Action, edited: Option<EditedContent>) {
    let version = store.item(item).unwrap().version;
    store
        .decide(&DecisionInput {
            id: format!("{item}-v{version}"),
            item: item.into(),
            item_version: version,
            reviewer: "ana".into(),
            action,
            edited,
            reason: (action == Action::Reject).then(|| "unsupported_by_evidence".into()),
            note: Some("NOTE-FOR-HUMANS only".into()),
        })
        .unwrap();
}

fn edit_answer(answer: &str) -> Option<EditedContent> {
    Some(EditedContent::Answer {
        answer: answer.into(),
    })
}

fn out_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn run(store: &Store, options: &ExportOptions) -> vetted::Result<Manifest> {
    export(store, options, &mut |_| {}, &AtomicBool::new(false))
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn export_lines(store: &Store, format: Format) -> Vec<Value> {
    let dir = out_dir();
    let out = dir.path().join("out.jsonl");
    run(store, &ExportOptions::new(format, &out)).expect("export succeeds");
    lines(&out)
}

fn last(messages: &Value) -> &str {
    messages.as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
}

#[test]
fn approve_yields_sft_and_a_desirable_kto_line_and_no_pair() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    let sft = export_lines(&store, Format::OpenaiSft);
    assert_eq!(sft.len(), 1, "one SFT example per approval");
    let messages = sft[0]["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant"],
        "system, user, assistant"
    );
    assert!(
        messages[0]["content"].as_str().unwrap().contains("finance"),
        "per-domain system prompt"
    );
    let user = messages[1]["content"].as_str().unwrap();
    assert!(
        user.contains("What was Q3 revenue?") && user.contains("[doc-1] Q3 report"),
        "{user}"
    );
    assert_eq!(
        last(&sft[0]["messages"]),
        "$12M",
        "the approved answer is the completion"
    );
    let kto = export_lines(&store, Format::TrlKto);
    assert_eq!(kto.len(), 1);
    assert_eq!(
        kto[0]["label"],
        Value::Bool(true),
        "approval is desirable, as a JSON boolean"
    );
    let dir = out_dir();
    let err = run(
        &store,
        &ExportOptions::new(Format::TrlDpo, dir.path().join("d.jsonl")),
    )
    .expect_err("an approval alone makes no preference pair");
    assert_eq!(err.code(), "empty_selection", "{err}");
}

#[test]
fn edit_yields_edited_sft_a_pair_and_two_kto_labels() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(
        &mut store,
        "a",
        Action::Edit,
        edit_answer("Revenue was $12 million [doc-1]."),
    );
    let sft = export_lines(&store, Format::TrlSft);
    assert_eq!(
        last(&sft[0]["messages"]),
        "Revenue was $12 million [doc-1].",
        "SFT learns the edit"
    );
    let dpo = export_lines(&store, Format::OpenaiDpo);
    assert_eq!(dpo.len(), 1);
    assert_eq!(
        last(&dpo[0]["preferred_output"]),
        "Revenue was $12 million [doc-1].",
        "chosen = edited"
    );
    assert_eq!(
        last(&dpo[0]["non_preferred_output"]),
        "$12M",
        "rejected = original"
    );
    assert_eq!(
        dpo[0]["input"]["messages"].as_array().unwrap().len(),
        2,
        "system + user"
    );
    let kto = export_lines(&store, Format::TrlKto);
    let labels: Vec<(&str, bool)> = kto
        .iter()
        .map(|l| (last(&l["completion"]), l["label"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        labels,
        [("Revenue was $12 million [doc-1].", true), ("$12M", false)],
        "edited answer desirable, original undesirable"
    );
}

#[test]
fn reject_pairs_only_with_an_accepted_answer_to_the_same_prompt() {
    let mut other_evidence: Value = serde_json::from_str(&answer_line("c", "$9M")).unwrap();
    other_evidence["evidence"][0]["text"] = "Revenue in Q3 was $9M.".into();
    let (_db, mut store) = store_with(&[
        answer_line("a", "$12M"),
        answer_line("b", "$15M"),
        other_evidence.to_string(),
    ]);
    decide(&mut store, "b", Action::Reject, None);
    let dir = out_dir();
    let err = run(
        &store,
        &ExportOptions::new(Format::TrlDpo, dir.path().join("d.jsonl")),
    )
    .expect_err("no accepted sibling yet");
    assert_eq!(err.code(), "empty_selection");
    assert!(
        export_lines(&store, Format::TrlKto)[0]["label"] == false,
        "reject is undesirable"
    );

    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "c", Action::Approve, None);
    let dpo = export_lines(&store, Format::TrlDpo);
    assert_eq!(
        dpo.len(),
        1,
        "c has other evidence, so only a pairs with b: {dpo:?}"
    );
    assert_eq!(
        last(&dpo[0]["chosen"]),
        "$12M",
        "chosen = the approved sibling"
    );
    assert_eq!(
        last(&dpo[0]["rejected"]),
        "$15M",
        "rejected = the rejected answer"
    );
}

#[test]
fn the_latest_decision_per_item_wins() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "a", Action::Reject, None);
    let kto = export_lines(&store, Format::TrlKto);
    assert_eq!(kto.len(), 1, "only the effective decision is exported");
    assert_eq!(
        kto[0]["label"],
        Value::Bool(false),
        "the later reject overrides the approval"
    );
    let audit = export_lines(&store, Format::Decisions);
    let effective: Vec<bool> = audit
        .iter()
        .map(|r| r["effective"].as_bool().unwrap())
        .collect();
    assert_eq!(
        effective,
        [false, true],
        "the audit trail keeps both, marking the effective one"
    );
}

#[test]
fn whitespace_only_edits_make_no_pair() {
    let (_db, mut store) = store_with(&[answer_line("a", "Revenue was $12M.")]);
    decide(
        &mut store,
        "a",
        Action::Edit,
        edit_answer("Revenue  was\n$12M."),
    );
    let dir = out_dir();
    let err = run(
        &store,
        &ExportOptions::new(Format::OpenaiDpo, dir.path().join("d.jsonl")),
    )
    .expect_err("a whitespace edit is below the minimum edit distance");
    assert!(
        err.to_string()
            .contains("1 pairs below the minimum edit distance"),
        "{err}"
    );
    let kto = export_lines(&store, Format::TrlKto);
    assert_eq!(
        kto.len(),
        1,
        "no contradicting false label for the same words"
    );
}

#[test]
fn relationship_edits_export_the_corrected_relation() {
    let (_db, mut store) = store_with(&[relationship_line("r")]);
    let relation = Relation {
        relation_type: "foreign_key".into(),
        cardinality: Cardinality::OneToOne,
        mapping: vec![FieldPair {
            source_field: "id".into(),
            target_field: "id".into(),
        }],
    };
    decide(
        &mut store,
        "r",
        Action::Edit,
        Some(EditedContent::Relationship { relation }),
    );
    let sft = export_lines(&store, Format::TrlSft);
    let user = sft[0]["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("Source product: orders") && user.contains("Target product: customers"));
    assert!(
        user.contains(r#"{"customer_id":7,"id":1}"#),
        "sample rows are in the prompt: {user}"
    );
    let completion: Value = serde_json::from_str(last(&sft[0]["messages"])).unwrap();
    assert_eq!(
        completion["cardinality"], "1:1",
        "the corrected relation is the completion"
    );
}

#[test]
fn notes_and_vetting_stay_out_of_training_text_and_go_to_the_sidecar() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("sft.jsonl");
    run(&store, &ExportOptions::new(Format::OpenaiSft, &out)).unwrap();
    let training = std::fs::read_to_string(&out).unwrap();
    assert!(
        !training.contains("NOTE-FOR-HUMANS") && !training.contains("vetter-1"),
        "{training}"
    );
    let sidecar = lines(&dir.path().join("sft.sidecar.jsonl"));
    assert_eq!(sidecar[0]["line_id"], "a-v1/sft", "keyed by line id");
    assert_eq!(sidecar[0]["line"], 1);
    assert_eq!(sidecar[0]["note"], "NOTE-FOR-HUMANS only");
    assert_eq!(sidecar[0]["vetting"]["model"], "vetter-1");
    assert_eq!(
        files_in(dir.path()),
        ["sft.jsonl", "sft.manifest.json", "sft.sidecar.jsonl"]
    );
}

#[test]
fn private_data_is_redacted_and_counted_or_the_item_excluded() {
    let (_db, mut store) = store_with(&[
        answer_line("a", "Ask cfo@acme.example or 4111 1111 1111 1111"),
        answer_line("b", "$12M"),
    ]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "b", Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("r.jsonl");
    let manifest = run(&store, &ExportOptions::new(Format::OpenaiSft, &out)).unwrap();
    assert_eq!(
        last(&lines(&out)[0]["messages"]),
        "Ask [EMAIL] or [CARD]",
        "redacted in place"
    );
    let found = serde_json::to_value(&manifest.privacy.found).unwrap();
    assert_eq!(
        found,
        serde_json::json!({"email": 1, "card": 1}),
        "counts per kind"
    );
    let excluded = ExportOptions {
        pii: PiiMode::Exclude,
        ..ExportOptions::new(Format::OpenaiSft, dir.path().join("x.jsonl"))
    };
    let manifest = run(&store, &excluded).unwrap();
    assert_eq!(
        manifest.privacy.items_excluded, 1,
        "the item with findings is left out"
    );
    assert_eq!(manifest.counts.lines_train, 1, "the clean item stays");
}

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
    assert_eq!(err.code(), "already_exists", "{err}");
    assert!(
        err.to_string().contains("sft.jsonl") && err.to_string().contains("--force"),
        "{err}"
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
    assert_eq!(err.code(), "empty_selection");
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
    assert_eq!(cancelled.expect_err("cancelled").code(), "cancelled");
    assert!(files_in(dir.path()).is_empty(), "a cancel writes nothing");

    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "UPDATE items SET payload = 'not json' WHERE external_id = 'b'",
        [],
    )
    .unwrap();
    let err =
        run(&store, &ExportOptions::new(Format::OpenaiSft, &out)).expect_err("row b is corrupt");
    assert_eq!(err.code(), "database", "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "line a was written to a temp file that is gone"
    );

    let missing: PathBuf = dir.path().join("no-such-dir").join("sft.jsonl");
    let err =
        run(&store, &ExportOptions::new(Format::OpenaiSft, &missing)).expect_err("unwritable");
    assert_eq!(err.code(), "io");
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
