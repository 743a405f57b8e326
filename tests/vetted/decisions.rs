use vetted::ErrorCode;
use vetted::domain::{Action, DecisionDraft, DecisionInput, EditedContent, ItemStatus};

use crate::support::{answer_line, temp_db};

fn input(item: &str, version: i64, action: Action) -> DecisionInput {
    DecisionInput {
        id: uuid_like(item, version),
        item: item.to_owned(),
        item_version: version,
        reviewer: "ana".to_owned(),
        action,
        edited: None,
        reason: None,
        note: None,
    }
}

fn uuid_like(item: &str, version: i64) -> String {
    format!("test-{item}-{version}-{}", std::process::id())
}

fn store_with(ids: &[&str]) -> (crate::support::TempDb, vetted::Store) {
    let db = temp_db();
    let lines: String = ids
        .iter()
        .map(|id| answer_line(id, "$12M") + "\n")
        .collect();
    let file = db.write_file("items.jsonl", lines);
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

#[test]
fn each_action_updates_the_status_projection_and_the_log() {
    let (_db, mut store) = store_with(&["a", "b", "c"]);
    store.decide(&input("a", 1, Action::Approve)).unwrap();
    store
        .decide(&DecisionInput {
            edited: Some(EditedContent::Answer {
                answer: "$12 million".into(),
            }),
            ..input("b", 1, Action::Edit)
        })
        .unwrap();
    store
        .decide(&DecisionInput {
            reason: Some("unsupported_by_evidence".into()),
            note: Some("the report says $12M, not this".into()),
            ..input("c", 1, Action::Reject)
        })
        .unwrap();

    let counts = store.status_counts(&Default::default()).unwrap();
    assert_eq!(
        (
            counts.approved,
            counts.edited,
            counts.rejected,
            counts.pending
        ),
        (1, 1, 1, 0)
    );
    let b = store.item("b").unwrap();
    assert_eq!(b.status, ItemStatus::Edited);
    assert_eq!(b.version, 2, "a decision bumps the item version");
    assert_eq!(
        b.latest_edit,
        Some(EditedContent::Answer {
            answer: "$12 million".into()
        }),
        "the edited answer is stored with the decision"
    );
    let history = store.history("c").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].reason.as_deref(),
        Some("unsupported_by_evidence")
    );
    assert_eq!(history[0].reviewer, "ana");
}

#[test]
fn a_stale_version_is_a_conflict_and_records_nothing() {
    let (_db, mut store) = store_with(&["a"]);
    store.decide(&input("a", 1, Action::Approve)).unwrap();
    let err = store
        .decide(&DecisionInput {
            id: "second".into(),
            ..input("a", 1, Action::Approve)
        })
        .expect_err("deciding on version 1 after it moved to 2 must fail");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains("version 1, it is now at 2"),
        "{err}"
    );
    assert_eq!(
        store.history("a").unwrap().len(),
        1,
        "the conflict added nothing"
    );
}

#[test]
fn a_retried_decision_id_is_recorded_once() {
    let (_db, mut store) = store_with(&["a"]);
    let first = store.decide(&input("a", 1, Action::Approve)).unwrap();
    let retry = store.decide(&input("a", 1, Action::Approve)).unwrap();
    assert_eq!(first, retry, "a retry returns the original decision");
    assert_eq!(store.history("a").unwrap().len(), 1);
    assert_eq!(
        store.item("a").unwrap().version,
        2,
        "the retry did not bump the version"
    );
}

#[test]
fn decisions_are_append_only_in_the_database() {
    let (db, mut store) = store_with(&["a"]);
    store.decide(&input("a", 1, Action::Approve)).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let update = conn.execute("UPDATE decisions SET reviewer = 'mallory'", []);
    assert!(
        update.unwrap_err().to_string().contains("append-only"),
        "UPDATE on decisions must be refused by the database"
    );
    let delete = conn.execute("DELETE FROM decisions", []);
    assert!(
        delete.unwrap_err().to_string().contains("append-only"),
        "DELETE on decisions must be refused by the database"
    );
    let n: i64 = conn
        .query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn inconsistent_decisions_are_refused() {
    let (_db, mut store) = store_with(&["a"]);
    let cases = [
        (
            input("a", 1, Action::Edit),
            "an edit needs the corrected content",
        ),
        (input("a", 1, Action::Reject), "a reject needs a reason"),
        (
            DecisionInput {
                reason: Some("because".into()),
                ..input("a", 1, Action::Reject)
            },
            "unknown reject reason 'because'",
        ),
    ];
    for (bad, expected) in cases {
        let err = store.decide(&bad).expect_err("must be refused");
        assert_eq!(err.code(), ErrorCode::BadRequest);
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert_eq!(store.item("a").unwrap().status, ItemStatus::Pending);
}

#[test]
fn a_decision_id_recorded_for_another_item_is_refused_as_a_duplicate() {
    let (_db, mut store) = store_with(&["a", "b"]);
    let first = store.decide(&input("a", 1, Action::Approve)).unwrap();
    let reused = DecisionInput {
        id: first.id.clone(),
        ..input("b", 1, Action::Approve)
    };
    let err = store.decide(&reused).expect_err("one id, two items");
    assert_eq!(err.code(), ErrorCode::AlreadyExists, "{err}");
    assert_eq!(store.item("b").unwrap().status, ItemStatus::Pending);
}

#[test]
fn a_draft_from_the_webview_is_recorded_as_the_reviewer_the_shell_names() {
    let (_db, mut store) = store_with(&["a"]);
    // As the webview sends it (ui/src/bindings/DecisionDraft.ts): no reviewer.
    let draft: DecisionDraft = serde_json::from_value(serde_json::json!({
        "id": "d-1", "item": "a", "item_version": 1, "action": "reject",
        "edited": null, "reason": "unsupported_by_evidence", "note": "no source"
    }))
    .unwrap();
    let decision = store.decide(&draft.clone().into_input("dana").0).unwrap();
    assert_eq!(
        (decision.reviewer.as_str(), decision.id.as_str()),
        ("dana", "d-1"),
        "the reviewer is the one given, the rest is the draft's"
    );
    let (input, feedback) = draft.into_input("dana");
    assert_eq!(
        feedback,
        vetted::domain::Feedback::default(),
        "a draft without answers or claims has no feedback"
    );
    assert_eq!(
        input,
        DecisionInput {
            id: "d-1".into(),
            item: "a".into(),
            item_version: 1,
            reviewer: "dana".into(),
            action: Action::Reject,
            edited: None,
            reason: Some("unsupported_by_evidence".into()),
            note: Some("no source".into()),
        }
    );
}

#[test]
fn a_draft_that_names_a_reviewer_is_refused() {
    let named = serde_json::from_value::<DecisionDraft>(serde_json::json!({
        "id": "d-1", "item": "a", "item_version": 1, "reviewer": "someone.else",
        "action": "approve", "edited": null, "reason": null, "note": null
    }));
    assert!(
        named.is_err(),
        "the webview never names the reviewer; a draft that does is not silently accepted"
    );
}

#[test]
fn errors_cross_ipc_as_code_and_message() {
    let err = vetted::Error::ItemNotFound("x-1".into());
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        serde_json::json!({"code": "not_found", "message": "no item with id 'x-1'"}),
        "the UI relies on exactly this shape"
    );
    let refused = vetted::Error::Forbidden("only adjudicators record final decisions".into());
    assert_eq!(
        serde_json::to_value(&refused).unwrap(),
        serde_json::json!({"code": "forbidden", "message": "only adjudicators record final decisions"}),
        "a specific code, the message unchanged"
    );
}
