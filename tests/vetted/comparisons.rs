//! Comparison items: import (all or nothing), search, picks recorded with approve decisions
//! (refused where they do not fit), edits from a candidate, `vetted decide --pick` / `show`,
//! and what the training and audit exports make of them.

use vetted::domain::{Action, DecisionInput, EditedContent, Feedback, ItemBody, Pick};

use vetted::edit_distance::word_edit_distance;

use crate::support::{answer_line, json_of, temp_db, vetted};

pub(crate) fn comparison_line(id: &str, candidates: &[(&str, &str)]) -> String {
    serde_json::json!({
        "kind": "comparison", "id": id, "domain": "finance",
        "question": "What was Q3 revenue?",
        "candidates": candidates.iter()
            .map(|(model, answer)| serde_json::json!({"model": model, "answer": answer}))
            .collect::<Vec<_>>(),
        "evidence": [{"id": "doc-1", "title": "Q3 report", "text": "Revenue in Q3 was $12M."}],
    })
    .to_string()
}

pub(crate) const THREE: &[(&str, &str)] = &[
    ("llama-3.1-8b", "Revenue was $12M in Q3 [doc-1]."),
    ("qwen2.5-7b", "Q3 revenue was about ten million dollars."),
    ("llama-3.1-8b", "Revenue grew strongly."),
];

fn input(id: &str, item: &str, action: Action, edited: Option<EditedContent>) -> DecisionInput {
    DecisionInput {
        id: id.into(),
        item: item.into(),
        item_version: 1,
        reviewer: "ana".into(),
        action,
        edited,
        reason: (action == Action::Reject).then(|| "incomplete".into()),
        note: None,
    }
}

fn pick(pick: Pick) -> Feedback {
    Feedback {
        pick: Some(pick),
        ..Default::default()
    }
}

#[test]
fn a_comparison_imports_with_its_candidates_and_evidence_and_is_found_by_candidate_text() {
    let db = temp_db();
    let file = db.write_file("c.jsonl", comparison_line("c-1", THREE) + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let store = db.open();
    let item = store.item_shown("c-1").unwrap();
    assert_eq!(
        item.model, "llama-3.1-8b vs qwen2.5-7b",
        "the item's model defaults to the candidates' models without repeats"
    );
    let ItemBody::Comparison(c) = &item.body else {
        panic!("{:?}", item.body)
    };
    assert_eq!(c.candidates.len(), 3);
    assert_eq!(c.candidates[1].answer, THREE[1].1);
    assert_eq!(
        c.evidence[0].id, "doc-1",
        "evidence is stored as for answers"
    );
    let found = store.search("ten million", 10).unwrap();
    assert_eq!(
        found
            .hits
            .iter()
            .map(|e| e.external_id.as_str())
            .collect::<Vec<_>>(),
        ["c-1"],
        "a candidate's words find the comparison"
    );
}

#[test]
fn a_bad_comparison_line_is_refused_with_its_line_and_field_and_nothing_is_imported() {
    let db = temp_db();
    let file = db.write_file(
        "c.jsonl",
        [
            answer_line("a-1", "fine"),
            comparison_line("c-1", &THREE[..1]),
            comparison_line("c-2", &[("m", "one"), ("m", " ")]),
        ]
        .join("\n")
            + "\n",
    );
    let out = vetted(&db.path).arg("import").arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("c.jsonl:2: candidates: 1 given; a comparison has 2 to 4"),
        "{err}"
    );
    assert!(
        err.contains("c.jsonl:3: candidates[1].answer"),
        "the empty candidate is named: {err}"
    );
    let store = db.open();
    assert!(
        store.item("a-1").is_err(),
        "the good line of a refused file is not imported either"
    );
}

#[test]
fn an_approve_records_its_pick_and_picks_that_do_not_fit_are_refused_changing_nothing() {
    let db = temp_db();
    let file = db.write_file(
        "c.jsonl",
        format!(
            "{}\n{}\n",
            comparison_line("c-1", THREE),
            answer_line("a-1", "fine")
        ),
    );
    let mut store = db.open();
    store.import_path(&file).unwrap();
    let refused = |store: &mut vetted::Store, input: DecisionInput, feedback: Feedback| {
        store
            .decide_with(&input, &feedback)
            .unwrap_err()
            .to_string()
    };
    let approve = input("d-1", "c-1", Action::Approve, None);
    let err = refused(&mut store, approve.clone(), Feedback::default());
    assert!(err.contains("needs a pick"), "{err}");
    let err = refused(&mut store, approve.clone(), pick(Pick::Best(3)));
    assert!(err.contains("candidates 1–3; the pick 4"), "{err}");
    let err = refused(
        &mut store,
        input("d-2", "c-1", Action::Reject, None),
        pick(Pick::Tie),
    );
    assert!(err.contains("only an approve carries a pick"), "{err}");
    let err = refused(
        &mut store,
        input("d-3", "a-1", Action::Approve, None),
        pick(Pick::Best(0)),
    );
    assert!(err.contains("not a comparison"), "{err}");
    let edit = EditedContent::Comparison {
        answer: "Revenue was $12M.".into(),
        based_on: 7,
    };
    let err = refused(
        &mut store,
        input("d-4", "c-1", Action::Edit, Some(edit)),
        Feedback::default(),
    );
    assert!(err.contains("starting candidate 8"), "{err}");
    let picks = |db: &crate::support::TempDb| -> i64 {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("SELECT count(*) FROM comparison_picks", [], |r| r.get(0))
            .unwrap()
    };
    assert!(
        store.history("c-1").unwrap().is_empty() && picks(&db) == 0,
        "refused decisions record nothing"
    );

    let decision = store.decide_with(&approve, &pick(Pick::Best(1))).unwrap();
    let again = store.decide_with(&approve, &pick(Pick::Best(1))).unwrap();
    assert_eq!(again.id, decision.id, "a retried decision is recorded once");
    assert_eq!(
        decision.pick,
        Some(Pick::Best(1)),
        "the decision carries its pick"
    );
    assert_eq!(picks(&db), 1, "one pick for the decision recorded once");
    let history = store.history("c-1").unwrap();
    assert_eq!(
        (history[0].id.as_str(), history[0].pick),
        (decision.id.as_str(), Some(Pick::Best(1)))
    );
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let err = conn
        .execute("UPDATE comparison_picks SET best = 0", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute("DELETE FROM comparison_picks", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn an_edit_of_a_comparison_is_measured_against_the_candidate_it_started_from() {
    let db = temp_db();
    let file = db.write_file("c.jsonl", comparison_line("c-1", THREE) + "\n");
    let mut store = db.open();
    store.import_path(&file).unwrap();
    let edit = EditedContent::Comparison {
        answer: "Revenue was $12M in Q3.".into(),
        based_on: 0,
    };
    let decision = store
        .decide(&input("d-1", "c-1", Action::Edit, Some(edit.clone())))
        .unwrap();
    let from = |n: usize| word_edit_distance(THREE[n].1, "Revenue was $12M in Q3.") as i64;
    assert_eq!(
        decision.edit_distance,
        Some(from(0)),
        "measured from candidate 1, not from candidate 2 ({})",
        from(1)
    );
    assert_ne!(from(0), from(1));
    assert_eq!(store.item("c-1").unwrap().latest_edit, Some(edit));
}

/// A database with three comparisons decided from the CLI: c-1 picks candidate 2, c-2 is a
/// tie, c-3 is edited from candidate 1.
fn decided_from_the_cli() -> crate::support::TempDb {
    let db = temp_db();
    let lines = [
        comparison_line("c-1", THREE),
        comparison_line("c-2", &THREE[..2]),
        comparison_line("c-3", &THREE[..2]),
    ];
    let file = db.write_file("c.jsonl", lines.join("\n") + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let decide = |args: &[&str]| {
        vetted(&db.path)
            .arg("decide")
            .args(args)
            .args(["--reviewer", "ana"])
            .assert()
            .success();
    };
    decide(&["c-1", "approve", "--pick", "2"]);
    decide(&["c-2", "approve", "--pick", "tie"]);
    decide(&[
        "c-3",
        "edit",
        "--answer",
        "Revenue was $12M [doc-1].",
        "--pick",
        "1",
    ]);
    db
}

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn decide_pick_is_shown_and_exported_as_preference_pairs_and_in_the_audit() {
    let db = decided_from_the_cli();
    let shown = json_of(vetted(&db.path).args(["show", "c-1", "--json"]));
    assert_eq!(
        shown["decisions"][0]["pick"],
        serde_json::json!({"best": 1})
    );
    let text = vetted(&db.path).args(["show", "c-1"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Candidate 2 (qwen2.5-7b): Q3 revenue was about ten million dollars.")
            && text.contains("picked candidate 2 as the best"),
        "{text}"
    );
    let out_of_range = vetted(&db.path)
        .args([
            "decide",
            "c-2",
            "approve",
            "--pick",
            "5",
            "--reviewer",
            "bo",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out_of_range.stderr).contains("--pick 5: expected"),
        "{}",
        String::from_utf8_lossy(&out_of_range.stderr)
    );

    let out = db.dir.path().join("dpo.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "trl-dpo", "--out"])
        .arg(&out)
        .assert()
        .success();
    let pairs: Vec<(String, String)> = lines(&out)
        .iter()
        .map(|l| {
            let text = |key: &str| l[key][0]["content"].as_str().unwrap().to_owned();
            (text("chosen"), text("rejected"))
        })
        .collect();
    let candidate = |n: usize| THREE[n].1.to_owned();
    let edited = "Revenue was $12M [doc-1].".to_owned();
    assert_eq!(
        pairs,
        [
            (candidate(1), candidate(0)),
            (candidate(1), candidate(2)),
            (edited.clone(), candidate(0)),
            (edited, candidate(1)),
        ],
        "the pick beats each other candidate, the edit beats every candidate; the tie is left out"
    );
    let prompt = &lines(&out)[0]["prompt"];
    assert!(
        prompt[1]["content"]
            .as_str()
            .unwrap()
            .contains("Revenue in Q3 was $12M."),
        "the prompt is the question with its evidence, as for answers: {prompt}"
    );

    let ties = db.dir.path().join("ties.jsonl");
    vetted(&db.path)
        .args([
            "export",
            "--format",
            "trl-reward",
            "--include-ties",
            "--no-dedup",
            "--out",
        ])
        .arg(&ties)
        .assert()
        .success();
    assert_eq!(
        lines(&ties).len(),
        6,
        "with --include-ties the tie adds both orders of its one pair (one of them repeats \
         c-1's pair, which deduplication would drop)"
    );

    let audit = db.dir.path().join("audit.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "decisions", "--out"])
        .arg(&audit)
        .assert()
        .success();
    let picks: Vec<serde_json::Value> = lines(&audit).iter().map(|l| l["pick"].clone()).collect();
    assert_eq!(
        picks,
        ["2", "tie", "1"],
        "the audit names each pick as shown"
    );
}

#[test]
fn comparisons_give_sft_and_kto_lines_from_what_was_chosen() {
    let db = decided_from_the_cli();
    let sft = db.dir.path().join("sft.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "trl-sft", "--out"])
        .arg(&sft)
        .assert()
        .success();
    let completions: Vec<String> = lines(&sft)
        .iter()
        .map(|l| l["messages"][2]["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        completions,
        [THREE[1].1, "Revenue was $12M [doc-1]."],
        "SFT trains on the picked candidate and the edit, not on a tie"
    );
    let kto = db.dir.path().join("kto.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "trl-kto", "--out"])
        .arg(&kto)
        .assert()
        .success();
    let labels: Vec<bool> = lines(&kto)
        .iter()
        .map(|l| l["label"].as_bool().unwrap())
        .collect();
    assert_eq!(
        labels,
        [true, true, false, false],
        "the pick is desirable; the edit is, and both candidates it replaced are not"
    );
}

#[test]
fn a_sync_bundle_carries_picks_and_a_bundle_whose_pick_does_not_fit_is_refused_whole() {
    let laptop = decided_from_the_cli();
    let bundle = laptop.dir.path().join("ana.vetted-sync");
    vetted(&laptop.path)
        .args(["sync", "pack", "--out"])
        .arg(&bundle)
        .assert()
        .success();
    let other = temp_db();
    vetted(&other.path)
        .args(["sync", "merge"])
        .arg(&bundle)
        .assert()
        .success();
    let store = other.open();
    let picks: Vec<Option<Pick>> = ["c-1", "c-2"]
        .iter()
        .map(|id| store.effective_decision(id).unwrap().unwrap().pick)
        .collect();
    assert_eq!(
        picks,
        [Some(Pick::Best(1)), Some(Pick::Tie)],
        "the merged decisions keep their picks"
    );
    assert_eq!(
        store.effective_decision("c-3").unwrap().unwrap().edited,
        Some(EditedContent::Comparison {
            answer: "Revenue was $12M [doc-1].".into(),
            based_on: 0
        })
    );

    // The same bundle with c-1's pick moved to a candidate c-1 lacks: nothing is merged.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for d in value["decisions"].as_array_mut().unwrap() {
        if d["item"] == "c-1" {
            d["pick"] = serde_json::json!({"best": 3});
        }
    }
    let bad = laptop.dir.path().join("bad.vetted-sync");
    std::fs::write(&bad, value.to_string()).unwrap();
    let third = temp_db();
    let out = vetted(&third.path)
        .args(["sync", "merge"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("the pick 4"), "{err}");
    let store = third.open();
    assert!(
        store.item("c-1").is_err(),
        "a refused bundle merges nothing, not even its items"
    );
}

#[test]
fn item_kinds_are_stored_in_their_serde_spelling() {
    use vetted::domain::ItemKind;
    for kind in [
        ItemKind::Answer,
        ItemKind::Relationship,
        ItemKind::Comparison,
    ] {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            kind.as_str(),
            "the spelling imports write is the one every reader parses"
        );
    }
}

#[test]
fn with_two_reviews_required_different_picks_conflict_and_the_adjudicator_sees_both() {
    let db = temp_db();
    let lines = [comparison_line("c-1", THREE), comparison_line("c-2", THREE)];
    let file = db.write_file("c.jsonl", lines.join("\n") + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    vetted(&db.path)
        .args(["overlap", "set", "2"])
        .assert()
        .success();
    let pick = |item: &str, reviewer: &str, pick: &str| {
        vetted(&db.path)
            .args([
                "decide",
                item,
                "approve",
                "--pick",
                pick,
                "--reviewer",
                reviewer,
            ])
            .assert()
            .success();
    };
    pick("c-1", "ana", "1");
    pick("c-1", "bo", "2");
    pick("c-2", "ana", "tie");
    pick("c-2", "bo", "tie");
    let store = db.open();
    let state = |id: &str| store.review_state(id).unwrap().0;
    assert_eq!(
        state("c-1"),
        vetted::team::ReviewState::Conflict,
        "two approvals picking different candidates disagree"
    );
    assert_eq!(state("c-2"), vetted::team::ReviewState::Settled);
    let stats = json_of(vetted(&db.path).args(["stats", "--json"]));
    let agreement = &stats["agreement"];
    assert_eq!(
        agreement["overall"]["items"], 0,
        "agreement on actions would count the two different picks as agreeing, so comparisons \
         are counted apart: {agreement}"
    );
    assert_eq!(
        (
            &agreement["picks"]["items"],
            &agreement["picks"]["percent_agreement"]
        ),
        (&serde_json::json!(2), &serde_json::json!(0.5)),
        "c-1's picks disagree, c-2's ties agree: {agreement}"
    );
    let case = store.adjudication_case("c-1").unwrap();
    let picks: Vec<(&str, Option<Pick>)> = (case.decisions.iter())
        .map(|d| (d.reviewer.as_str(), d.pick))
        .collect();
    assert_eq!(
        picks,
        [("ana", Some(Pick::Best(0))), ("bo", Some(Pick::Best(1)))],
        "the case shows each review's pick"
    );

    // A third reviewer's pick on c-1, stored after the rating it labels, joins the figures.
    pick("c-1", "cy", "1");
    let stats = json_of(vetted(&db.path).args(["stats", "--json"]));
    assert_eq!(
        stats["agreement"]["picks"]["ratings"], 5,
        "three ratings of c-1 and two of c-2: {}",
        stats["agreement"]
    );
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let labels: Vec<(String, String)> = conn
        .prepare(
            "SELECT s.reviewer, s.action FROM stats_ratings s JOIN items i ON i.id = s.item_id
             WHERE i.external_id = 'c-1' ORDER BY s.reviewer",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let labels: Vec<(&str, &str)> = labels
        .iter()
        .map(|(r, a)| (r.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        labels,
        [("ana", "pick:0"), ("bo", "pick:1"), ("cy", "pick:0")],
        "every rating is labelled by its pick, also the one stored after its rating"
    );
}
