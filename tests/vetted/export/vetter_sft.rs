//! The `vetter-sft` format: each reviewed answer's vet prompt, exactly as `vetted vet` sends it,
//! with the verdict the reviewers' decision implies; held-out items left out.

use serde_json::{Value, json};
use vetted::domain::Action;
use vetted::export::{ExportOptions, Format, HeldOut};
use vetted::roles::align::is_held_out;
use vetted::roles::knowledge::Knowledge;
use vetted::roles::prompts::{Template, prompt_for};
use vetted::roles::vet::user_message;

use super::{decide, edit_answer, lines, out_dir, run, store_with};
use crate::support::{answer_line, answer_lines, relationship_line};

fn assistant(line: &Value) -> Value {
    let content = line["messages"][2]["content"].as_str().unwrap();
    serde_json::from_str(content).expect("the verdict is JSON, as the vet role parses it")
}

#[test]
fn each_reviewed_answer_is_the_vet_prompt_and_the_verdict_its_decision_implies() {
    let mut items: Vec<String> = (0..6)
        .map(|i| answer_line(&format!("a-{i}"), &format!("answer number {i}")))
        .collect();
    items.push(relationship_line("r-1"));
    let (_db, mut store) = store_with(&items);
    decide(&mut store, "a-0", Action::Approve, None);
    decide(
        &mut store,
        "a-1",
        Action::Edit,
        edit_answer("the corrected answer"),
    );
    decide(&mut store, "a-2", Action::Reject, None); // unsupported_by_evidence
    decide(&mut store, "a-3", Action::NeedsSme, None);
    decide(&mut store, "a-4", Action::Approve, None);
    store.set_do_not_train("a-4", "ana", true).unwrap();
    decide(&mut store, "r-1", Action::Approve, None);

    let dir = out_dir();
    let out = dir.path().join("vetter.jsonl");
    let manifest = run(&store, &ExportOptions::new(Format::VetterSft, &out)).unwrap();
    let lines = lines(&out);
    assert_eq!(
        lines.len(),
        3,
        "approved, edited and rejected answers; not the SME deferral, the do-not-train item, the \
         pending answer nor the relationship: {lines:#?}"
    );
    assert_eq!(manifest.counts.lines_train, 3);
    let system = prompt_for(&store, Template::Vet, "finance", None)
        .unwrap()
        .text;
    for (line, id) in lines.iter().zip(["a-0", "a-1", "a-2"]) {
        let messages = &line["messages"];
        assert_eq!(messages[0], json!({"role": "system", "content": system}));
        let asked = user_message(&store.item(id).unwrap(), None, &Knowledge::default());
        assert_eq!(
            messages[1],
            json!({"role": "user", "content": asked}),
            "{id}: the message `vetted vet` sends for the item"
        );
        assert_eq!(messages[2]["role"], "assistant");
    }
    assert!(
        lines[1]["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("answer number 1"),
        "an edited answer is judged as the model wrote it, not as corrected"
    );
    let verdicts: Vec<Value> = lines.iter().map(assistant).collect();
    assert_eq!(
        verdicts,
        [
            json!({"verdict": "pass", "reasons": [], "risk": 0.0}),
            json!({"verdict": "flag", "reasons": [], "risk": 0.5}),
            json!({"verdict": "fail", "reasons": ["unsupported_claim"], "risk": 1.0}),
        ]
    );
}

#[test]
fn items_align_holds_out_under_the_same_share_and_seed_are_left_out() {
    // 40 answers, and a copy of the first held-out one under an id that is not held out.
    let first_held = (0..40)
        .find(|i| is_held_out(11, &format!("h-{i}"), 0.3))
        .unwrap();
    let copy_id = (0..)
        .map(|k| format!("copy-{k}"))
        .find(|id| !is_held_out(11, id, 0.3))
        .unwrap();
    let mut items = answer_lines("h", 40);
    items.push(answer_line(
        &copy_id,
        &format!("answer number {first_held}"),
    ));
    let (_db, mut store) = store_with(&items);
    for i in 0..40 {
        decide(&mut store, &format!("h-{i}"), Action::Approve, None);
    }
    decide(&mut store, &copy_id, Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("vetter.jsonl");
    let options = ExportOptions {
        held_out: Some(HeldOut {
            share: 0.3,
            seed: 11,
        }),
        ..ExportOptions::new(Format::VetterSft, &out)
    };
    let manifest = run(&store, &options).unwrap();
    let exported: Vec<usize> = lines(&out)
        .iter()
        .map(|line| {
            let user = line["messages"][1]["content"].as_str().unwrap();
            let (_, rest) = user.split_once("answer number ").unwrap();
            rest.split('"').next().unwrap().parse().unwrap()
        })
        .collect();
    let expected: Vec<usize> = (0..40)
        .filter(|i| !is_held_out(11, &format!("h-{i}"), 0.3))
        .collect();
    assert!(expected.len() < 40, "the seed holds some out");
    assert_eq!(
        exported, expected,
        "exactly the items align would not judge; the copy of held-out h-{first_held} neither"
    );
    assert!(
        manifest
            .warnings
            .iter()
            .any(|w| w.contains(&format!("{} items held out", 40 - expected.len() + 1))),
        "{:?}",
        manifest.warnings
    );
}

#[test]
fn options_that_do_not_fit_the_format_are_refused_before_anything_is_written() {
    let (_db, mut store) = store_with(&answer_lines("x", 2));
    decide(&mut store, "x-0", Action::Approve, None);
    let dir = out_dir();
    let out = dir.path().join("out.jsonl");
    let held = Some(HeldOut {
        share: 0.2,
        seed: 1,
    });
    let refused = |options: ExportOptions| {
        let err = run(&store, &options).unwrap_err();
        assert_eq!(err.code(), vetted::ErrorCode::BadRequest, "{err}");
        err.to_string()
    };
    assert!(
        refused(ExportOptions {
            held_out: held,
            ..ExportOptions::new(Format::TrlSft, &out)
        })
        .contains("only applies to vetter-sft")
    );
    assert!(
        refused(ExportOptions {
            held_out: Some(HeldOut {
                share: 1.5,
                seed: 1
            }),
            ..ExportOptions::new(Format::VetterSft, &out)
        })
        .contains("between 0 and 1")
    );
    assert!(
        refused(ExportOptions {
            val_fraction: 0.1,
            ..ExportOptions::new(Format::VetterSft, &out)
        })
        .contains("no validation split")
    );
    assert!(!out.exists(), "nothing was written");
}
