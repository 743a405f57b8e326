//! Review forms (rubrics) through the real CLI: versions, answers written with the decision,
//! required questions, bad files refused with file, line and field.

use crate::support::{answer_line, json_of, temp_db, vetted};

/// A rating (required), a yes/no and several labels (`issues`).
const FORM: &str = vetted::review_form::EXAMPLE_FORM;

fn stderr_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "the command must fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn answers_are_stored_with_the_decision_under_the_form_version_in_force() {
    let db = temp_db();
    let items: String = (1..=4)
        .map(|i| answer_line(&format!("a-{i}"), "$12M") + "\n")
        .collect();
    let file = db.write_file("items.jsonl", items);
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let form = db.write_file("finance.toml", FORM);
    vetted(&db.path)
        .args(["forms", "set", "finance"])
        .arg(&form)
        .assert()
        .success();

    let err = stderr_of(vetted(&db.path).args(["decide", "a-1", "approve"]));
    assert!(
        err.contains("required") && err.contains("correctness"),
        "the missing question is named: {err}"
    );
    let err =
        stderr_of(vetted(&db.path).args(["decide", "a-1", "approve", "--form", "correctness=9"]));
    assert!(
        err.contains("1 to 5"),
        "an answer off the scale is refused: {err}"
    );
    let shown = json_of(vetted(&db.path).args(["show", "a-1", "--json"]));
    assert_eq!(
        shown["item"]["status"], "pending",
        "a refused decision records nothing"
    );

    vetted(&db.path)
        .args([
            "decide",
            "a-1",
            "approve",
            "--form",
            "correctness=4",
            "--form",
            "issues=outdated, hallucination",
        ])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "a-1", "--json"]));
    let decision = shown["decisions"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        shown["form_answers"],
        serde_json::json!([
            {"decision_id": decision, "form_version": 1, "question": "correctness", "value": 4},
            {"decision_id": decision, "form_version": 1, "question": "issues", "value": ["outdated", "hallucination"]},
        ]),
        "both answers, under version 1, tied to the decision"
    );
    vetted(&db.path)
        .args([
            "decide",
            "a-2",
            "needs-sme",
            "--note",
            "Is $12M net of refunds?",
        ])
        .assert()
        .success();

    // A second version: later answers name it, earlier ones keep theirs.
    let v2 = db.write_file(
        "finance-v2.toml",
        FORM.replace("required = true", "required = false"),
    );
    vetted(&db.path)
        .args(["forms", "set", "finance"])
        .arg(&v2)
        .assert()
        .success();
    vetted(&db.path)
        .args([
            "decide",
            "a-3",
            "reject",
            "--reason",
            "unsupported_by_evidence",
            "--form",
            "correctness=1",
        ])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "a-3", "--json"]));
    assert_eq!(shown["form_answers"][0]["form_version"], 2);
    let form = json_of(vetted(&db.path).args(["forms", "show", "finance", "--json"]));
    assert_eq!(form["in_force"]["version"], 2);
    assert_eq!(form["versions"].as_array().map(Vec::len), Some(2));

    // Append-only in the database itself.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let refused = conn
        .execute("UPDATE form_answers SET value = '5'", [])
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert!(
        conn.execute("DELETE FROM review_forms", []).is_err(),
        "form versions cannot be deleted"
    );
    drop(conn);

    // A second reviewer rates a-3 too: agreement on the rating is ordinal, on items both rated
    // under the version in force (a-1's version-1 answer is not counted).
    vetted(&db.path)
        .args([
            "decide",
            "a-3",
            "approve",
            "--form",
            "correctness=2",
            "--reviewer",
            "ben",
        ])
        .assert()
        .success();
    let stats = json_of(vetted(&db.path).args(["stats", "--json"]));
    let correctness = &stats["forms"][0]["questions"][0];
    assert_eq!(stats["forms"][0]["version"], 2, "the form in force");
    assert_eq!(correctness["id"], "correctness");
    assert_eq!(
        correctness["answered"], 1,
        "a-3's decision in force (ben's) answered version 2; a-1's answered version 1"
    );
    assert_eq!(correctness["agreement"]["level"], "ordinal");
    assert_eq!(
        correctness["agreement"]["items"], 1,
        "two reviewers rated a-3"
    );
    let human = vetted(&db.path).arg("stats").output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("Review form of finance (version 2)"),
        "the human stats show the form:\n{human}"
    );

    vetted(&db.path)
        .args(["forms", "remove", "finance"])
        .assert()
        .success();
    let err =
        stderr_of(vetted(&db.path).args(["decide", "a-4", "approve", "--form", "correctness=3"]));
    assert!(
        err.contains("no review form"),
        "answers without a form are refused: {err}"
    );
    vetted(&db.path)
        .args(["decide", "a-4", "approve"])
        .assert()
        .success();
}

#[test]
fn a_bad_form_file_is_refused_with_file_line_and_field_and_changes_nothing() {
    let db = temp_db();
    let typo = db.write_file("typo.toml", FORM.replace("options = [", "optoins = ["));
    let err = stderr_of(
        vetted(&db.path)
            .args(["forms", "set", "finance"])
            .arg(&typo),
    );
    let line = FORM
        .lines()
        .position(|l| l.starts_with("options = ["))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("typo.toml:{line}: optoins")),
        "the file, the line ({line}) and the field are named: {err}"
    );
    let scale = db.write_file("scale.toml", FORM.replace("scale = 5", "scale = 4"));
    let err = stderr_of(
        vetted(&db.path)
            .args(["forms", "set", "finance"])
            .arg(&scale),
    );
    assert!(
        err.contains("question 'correctness': scale: 5 or 7"),
        "{err}"
    );
    let form = json_of(vetted(&db.path).args(["forms", "show", "finance", "--json"]));
    assert_eq!(
        form["versions"],
        serde_json::json!([]),
        "nothing was stored"
    );
}

#[test]
fn a_retried_decision_returns_the_recorded_one_and_adds_no_answers() {
    use vetted::domain::{Action, DecisionInput, Feedback};
    use vetted::review_form::{FormAnswers, parse_form};

    let db = temp_db();
    let mut store = db.open();
    crate::support::import_lines(&db, &mut store, &[answer_line("a-1", "$12M")]);
    let optional = parse_form(&FORM.replace("required = true", "required = false")).unwrap();
    store
        .set_review_form("finance", Some(&optional), "ana")
        .unwrap();
    let input = DecisionInput {
        id: "d-1".into(),
        item: "a-1".into(),
        item_version: 1,
        reviewer: "ana".into(),
        action: Action::Approve,
        edited: None,
        reason: None,
        note: None,
    };
    let first = store.decide(&input).unwrap();
    // The form now requires an answer; the app retries the same decision after a lost reply.
    store
        .set_review_form("finance", Some(&parse_form(FORM).unwrap()), "ana")
        .unwrap();
    let answers: FormAnswers = [("correctness".to_owned(), serde_json::json!(5))].into();
    let feedback = Feedback {
        answers,
        ..Feedback::default()
    };
    let again = store
        .decide_with(&input, &feedback)
        .expect("a retry is not refused");
    assert_eq!(again, first, "the retry returns the recorded decision");
    assert!(
        store.form_answers("a-1").unwrap().is_empty(),
        "a retry adds no answers to the recorded decision"
    );
}

#[test]
fn text_answers_are_privacy_screened_in_the_audit_export() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", answer_line("a-1", "$12M") + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let form = db.write_file(
        "finance.toml",
        "[[question]]\nid = \"comment\"\nlabel = \"Comment\"\ntype = \"text\"\n",
    );
    vetted(&db.path)
        .args(["forms", "set", "finance"])
        .arg(&form)
        .assert()
        .success();
    vetted(&db.path)
        .args([
            "decide",
            "a-1",
            "approve",
            "--form",
            "comment=ask ana@example.com",
        ])
        .assert()
        .success();
    let stats = json_of(vetted(&db.path).args(["stats", "--json"]));
    let comment = &stats["forms"][0]["questions"][0];
    assert_eq!(comment["answered"], 1, "a text answer is counted");
    assert_eq!(comment["counts"], serde_json::json!([]), "and not charted");
    let out = db.dir.path().join("audit.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "decisions", "--out"])
        .arg(&out)
        .assert()
        .success();
    let line: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        line["form_answers"], "{\"comment\":\"ask [EMAIL]\"}",
        "the e-mail address in a text answer is redacted like a note"
    );
}
