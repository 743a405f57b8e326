//! What each decision becomes in each format.

use serde_json::Value;
use vetted::ErrorCode;
use vetted::domain::{Action, Cardinality, EditedContent, FieldPair, Relation};
use vetted::export::{ExportOptions, Format, PiiMode};

use super::{decide, edit_answer, export_lines, files_in, last, lines, out_dir, run, store_with};
use crate::support::{answer_line, relationship_line};

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
    assert_eq!(err.code(), ErrorCode::EmptySelection, "{err}");
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
    assert_eq!(err.code(), ErrorCode::EmptySelection);
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
fn an_undone_decision_is_not_exported_and_the_one_before_it_wins_again() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M")]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "a", Action::Reject, None);
    store
        .undo("undo-1", "ana")
        .unwrap()
        .expect("the reject is undone");
    let kto = export_lines(&store, Format::TrlKto);
    assert_eq!(kto.len(), 1);
    assert_eq!(
        kto[0]["label"],
        Value::Bool(true),
        "after undoing the reject, the approval is the effective decision again"
    );
    store
        .undo("undo-2", "ana")
        .unwrap()
        .expect("the approval is undone");
    let dir = out_dir();
    let err = run(
        &store,
        &ExportOptions::new(Format::TrlKto, dir.path().join("x.jsonl")),
    )
    .expect_err("every decision undone: nothing to train on");
    assert_eq!(err.code(), ErrorCode::EmptySelection, "{err}");
}

#[test]
fn items_marked_do_not_train_stay_out_of_training_files() {
    let (_db, mut store) = store_with(&[answer_line("a", "$12M"), answer_line("b", "$13M")]);
    decide(&mut store, "a", Action::Approve, None);
    decide(&mut store, "b", Action::Approve, None);
    store.set_do_not_train("b", "ana", true).unwrap();
    let sft = export_lines(&store, Format::OpenaiSft);
    assert_eq!(sft.len(), 1, "the flagged item is excluded");
    assert_eq!(last(&sft[0]["messages"]), "$12M");
}
