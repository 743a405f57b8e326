//! The review workspace in the core: needs-SME, edit distance, the reject taxonomy, tags and
//! do-not-train, keymap overrides, and the filtered, sorted, keyset-paged queue.

use vetted::domain::{
    Action, DecisionInput, EditedContent, ItemKind, ItemStatus, KeyBinding, QueueCursor,
};
use vetted::store::{QueueFilter, QueueSort};
use vetted::{ErrorCode, Store};

use crate::support::{TempDb, answer_line, relationship_line, temp_db};

fn store_from(lines: &[String]) -> (TempDb, Store) {
    let db = temp_db();
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

fn input(item: &str, action: Action) -> DecisionInput {
    DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item: item.to_owned(),
        item_version: 1,
        reviewer: "ana".to_owned(),
        action,
        edited: None,
        reason: None,
        note: None,
    }
}

fn answer_with_verdict(id: &str, verdict: &str) -> String {
    let mut line: serde_json::Value = serde_json::from_str(&answer_line(id, "$12M")).unwrap();
    line["vetting"]["verdict"] = verdict.into();
    line.to_string()
}

#[test]
fn needs_sme_defers_with_a_question_and_has_its_own_count() {
    let (_db, mut store) = store_from(&[answer_line("a", "$12M")]);
    let missing = store
        .decide(&input("a", Action::NeedsSme))
        .expect_err("no question");
    assert!(
        missing.to_string().contains("needs a question"),
        "{missing}"
    );
    store
        .decide(&DecisionInput {
            note: Some("Is this fiscal Q3?".into()),
            ..input("a", Action::NeedsSme)
        })
        .unwrap();
    assert_eq!(store.item("a").unwrap().status, ItemStatus::NeedsSme);
    assert_eq!(
        store
            .status_counts(&QueueFilter::default())
            .unwrap()
            .needs_sme,
        1
    );
}

#[test]
fn an_edit_stores_its_word_level_distance_from_the_model_answer() {
    let (_db, mut store) = store_from(&[answer_line("a", "Revenue in Q3 was $12M.")]);
    let decision = store
        .decide(&DecisionInput {
            edited: Some(EditedContent::Answer {
                answer: "Revenue in Q3 was $12 million.".into(),
            }),
            ..input("a", Action::Edit)
        })
        .unwrap();
    assert_eq!(
        decision.edit_distance,
        Some(2),
        "one word replaced by two is two word edits, computed by the core"
    );
}

#[test]
fn the_reject_taxonomy_is_configurable_and_enforced() {
    let (_db, mut store) = store_from(&[answer_line("a", "$12M")]);
    assert_eq!(
        store.reject_reasons().unwrap().len(),
        7,
        "seven default reasons"
    );
    store
        .add_reject_reason("outdated", "Outdated source")
        .unwrap();
    let reasons = store.reject_reasons().unwrap();
    assert_eq!(
        reasons.last().unwrap().id,
        "outdated",
        "a new reason goes last"
    );
    assert_eq!(
        store
            .add_reject_reason("outdated", "again")
            .unwrap_err()
            .code(),
        ErrorCode::AlreadyExists,
        "ids are unique"
    );
    assert_eq!(
        store.add_reject_reason("Bad Id", "x").unwrap_err().code(),
        ErrorCode::BadRequest,
        "ids are snake_case"
    );
    store
        .decide(&DecisionInput {
            reason: Some("outdated".into()),
            ..input("a", Action::Reject)
        })
        .expect("a configured reason is accepted");
}

#[test]
fn tags_and_do_not_train_are_annotations_not_decisions() {
    let (_db, mut store) = store_from(&[answer_line("a", "$12M")]);
    store.add_tag("a", " Finance-Q3 ").unwrap();
    let tags = store.add_tag("a", "pii").unwrap();
    assert_eq!(
        tags,
        ["finance-q3", "pii"],
        "tags are trimmed, lowercased, sorted"
    );
    assert_eq!(store.remove_tag("a", "pii").unwrap(), ["finance-q3"]);
    store.set_do_not_train("a", "ana", true).unwrap();
    let item = store.item("a").unwrap();
    assert!(item.do_not_train);
    assert_eq!(item.version, 1, "annotations do not bump the item version");
    assert!(
        store.history("a").unwrap().is_empty(),
        "annotations are not decisions"
    );
    store.set_do_not_train("a", "ana", false).unwrap();
    assert!(!store.item("a").unwrap().do_not_train);
}

#[test]
fn keymap_overrides_persist() {
    let (db, mut store) = store_from(&[answer_line("a", "$12M")]);
    let overrides = vec![KeyBinding {
        action: "approve".into(),
        binding: "y".into(),
    }];
    store.set_keymap_overrides(&overrides).unwrap();
    drop(store);
    assert_eq!(db.open().keymap_overrides().unwrap(), overrides);
}

#[test]
fn the_queue_filters_and_counts_by_every_field() {
    let (_db, mut store) = store_from(&[
        answer_line("a", "$12M"),
        relationship_line("r"),
        answer_with_verdict("f", "fail"),
    ]);
    store.add_tag("f", "risky").unwrap();
    store.decide(&input("a", Action::Approve)).unwrap();
    let ids = |filter: QueueFilter| -> Vec<String> {
        store
            .queue_page(&filter, None, 50)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.external_id)
            .collect()
    };
    let by_kind = QueueFilter {
        kind: Some(ItemKind::Relationship),
        ..Default::default()
    };
    assert_eq!(ids(by_kind), ["r"]);
    let by_domain = QueueFilter {
        domain: Some("finance".into()),
        ..Default::default()
    };
    assert_eq!(ids(by_domain.clone()), ["a", "f"]);
    let by_reviewer = QueueFilter {
        reviewer: Some("ana".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(by_reviewer),
        ["a"],
        "reviewer of the effective decision"
    );
    let by_tag = QueueFilter {
        tag: Some("risky".into()),
        ..Default::default()
    };
    assert_eq!(ids(by_tag), ["f"]);
    let by_verdict = QueueFilter {
        verdict: Some(vetted::domain::Verdict::Pass),
        ..Default::default()
    };
    assert_eq!(ids(by_verdict), ["a"]);
    let counts = store.status_counts(&by_domain).unwrap();
    assert_eq!(
        (counts.pending, counts.approved),
        (1, 1),
        "counts apply the other filters"
    );
}

#[test]
fn every_sort_pages_by_keyset_without_gaps_or_repeats() {
    let lines: Vec<String> = (0..23)
        .map(|n| answer_with_verdict(&format!("i{n:02}"), ["pass", "flag", "fail"][n % 3]))
        .collect();
    let (_db, store) = store_from(&lines);
    for sort in [QueueSort::Oldest, QueueSort::Newest, QueueSort::Risk] {
        let filter = QueueFilter {
            sort,
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut after: Option<QueueCursor> = None;
        loop {
            let page = store.queue_page(&filter, after, 5).unwrap();
            seen.extend(page.entries.into_iter().map(|e| (e.verdict, e.external_id)));
            match page.next_after {
                Some(cursor) => after = Some(cursor),
                None => break,
            }
        }
        let everything = store.queue_page(&filter, None, 100).unwrap().entries;
        let expected: Vec<_> = everything
            .into_iter()
            .map(|e| (e.verdict, e.external_id))
            .collect();
        assert_eq!(seen, expected, "{sort:?}: pages of 5 equal one big page");
        assert_eq!(seen.len(), 23, "{sort:?}: every item once");
    }
    let risk = store
        .queue_page(
            &QueueFilter {
                sort: QueueSort::Risk,
                ..Default::default()
            },
            None,
            1,
        )
        .unwrap();
    assert_eq!(
        risk.entries[0].verdict,
        Some(vetted::domain::Verdict::Fail),
        "the risk sort puts vetting failures first"
    );
}

#[test]
fn facets_list_each_distinct_value_once_in_order() {
    let item = |id: &str, domain: &str, model: &str| {
        let mut line: serde_json::Value = serde_json::from_str(&answer_line(id, "$12M")).unwrap();
        line["domain"] = domain.into();
        line["model"] = model.into();
        line.to_string()
    };
    let (_db, mut store) = store_from(&[
        item("a", "sales", "m-2"),
        item("b", "finance", "m-1"),
        item("c", "sales", "m-2"),
        item("d", "hr", "m-3"),
        item("e", "finance", "m-1"),
    ]);
    for (id, reviewer) in [("a", "zoe"), ("b", "ana"), ("c", "zoe")] {
        store
            .decide(&DecisionInput {
                reviewer: reviewer.into(),
                ..input(id, Action::Approve)
            })
            .unwrap();
    }
    store.add_tag("d", "risky").unwrap();
    let facets = store.queue_facets().unwrap();
    assert_eq!(
        facets.domains,
        ["finance", "hr", "sales"],
        "each domain once, sorted"
    );
    assert_eq!(
        facets.models,
        ["m-1", "m-2", "m-3"],
        "each model once, sorted"
    );
    assert_eq!(
        facets.reviewers,
        ["ana", "zoe"],
        "reviewers of decided items; undecided items (no reviewer) add none"
    );
    assert_eq!(facets.tags, ["risky"]);
}
