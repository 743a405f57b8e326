//! Undo and redo: reverts appended to the log, per reviewer, surviving a reopen; the item status
//! always equals an independent replay of the log.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use vetted::Store;
use vetted::domain::{Action, DecisionInput, ItemStatus};

use crate::support::{TempDb, answer_line, temp_db};

fn store_with(ids: &[&str]) -> (TempDb, Store) {
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

/// Decides on the item's current version with a fresh id.
fn decide(store: &mut Store, item: &str, reviewer: &str, action: Action) {
    let version = store.item(item).unwrap().version;
    store
        .decide(&DecisionInput {
            id: fresh_id(),
            item: item.to_owned(),
            item_version: version,
            reviewer: reviewer.to_owned(),
            action,
            edited: (action == Action::Edit).then(|| vetted::domain::EditedContent::Answer {
                answer: "$12 million in Q3".into(),
            }),
            reason: (action == Action::Reject).then(|| "incomplete".to_owned()),
            note: (action == Action::NeedsSme).then(|| "Is Q3 fiscal or calendar?".to_owned()),
        })
        .unwrap();
}

fn fresh_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn status(store: &Store, item: &str) -> ItemStatus {
    store.item(item).unwrap().status
}

#[test]
fn undo_reverts_my_latest_decision_and_redo_restores_it() {
    let (_db, mut store) = store_with(&["a", "b"]);
    decide(&mut store, "a", "ana", Action::Approve);
    decide(&mut store, "b", "ana", Action::Reject);

    let undone = store
        .undo(&fresh_id(), "ana")
        .unwrap()
        .expect("something to undo");
    assert_eq!(undone.item, "b", "undo targets the latest decision first");
    assert_eq!(undone.action, Action::Revert);
    assert_eq!(
        status(&store, "b"),
        ItemStatus::Pending,
        "an undone item is pending again"
    );
    assert_eq!(
        status(&store, "a"),
        ItemStatus::Approved,
        "older decisions stay in force"
    );

    store
        .undo(&fresh_id(), "ana")
        .unwrap()
        .expect("a second undo");
    assert_eq!(status(&store, "a"), ItemStatus::Pending);
    assert_eq!(
        store.undo(&fresh_id(), "ana").unwrap(),
        None,
        "nothing left to undo"
    );

    let redone = store
        .redo(&fresh_id(), "ana")
        .unwrap()
        .expect("something to redo");
    assert_eq!(redone.item, "a", "redo restores the most recent undo first");
    assert_eq!(status(&store, "a"), ItemStatus::Approved);
    store
        .redo(&fresh_id(), "ana")
        .unwrap()
        .expect("a second redo");
    assert_eq!(status(&store, "b"), ItemStatus::Rejected);
    assert_eq!(
        store.redo(&fresh_id(), "ana").unwrap(),
        None,
        "nothing left to redo"
    );

    assert_eq!(
        store.history("b").unwrap().len(),
        3,
        "decision, undo and redo are all in the log: nothing was deleted"
    );
}

#[test]
fn a_new_decision_clears_the_redo_stack_and_reviewers_are_independent() {
    let (_db, mut store) = store_with(&["a", "b"]);
    decide(&mut store, "a", "ana", Action::Approve);
    decide(&mut store, "b", "bo", Action::Approve);
    store
        .undo(&fresh_id(), "ana")
        .unwrap()
        .expect("ana undoes her own decision");
    assert_eq!(
        status(&store, "b"),
        ItemStatus::Approved,
        "bo's decision is untouched"
    );
    decide(&mut store, "b", "ana", Action::Edit);
    assert_eq!(
        store.redo(&fresh_id(), "ana").unwrap(),
        None,
        "a new decision after an undo clears redo"
    );
    assert_eq!(status(&store, "a"), ItemStatus::Pending);
}

#[test]
fn undo_and_redo_survive_a_reopen_and_retries_record_once() {
    let (db, mut store) = store_with(&["a"]);
    decide(&mut store, "a", "ana", Action::NeedsSme);
    drop(store);
    let mut store = db.open();
    let id = fresh_id();
    let first = store.undo(&id, "ana").unwrap();
    let retry = store.undo(&id, "ana").unwrap();
    assert_eq!(
        first, retry,
        "a retried undo id returns the recorded revert"
    );
    assert_eq!(
        store.history("a").unwrap().len(),
        2,
        "the retry appended nothing"
    );
    drop(store);
    let mut store = db.open();
    assert_eq!(status(&store, "a"), ItemStatus::Pending);
    store
        .redo(&fresh_id(), "ana")
        .unwrap()
        .expect("redo is derived from the log");
    assert_eq!(status(&store, "a"), ItemStatus::NeedsSme);
    let effective = store
        .effective_decision("a")
        .unwrap()
        .expect("in force again");
    assert_eq!(
        effective.action,
        Action::NeedsSme,
        "redo revives the original decision"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Decide {
        item: usize,
        reviewer: usize,
        action: Action,
    },
    Undo {
        reviewer: usize,
    },
    Redo {
        reviewer: usize,
    },
}

const ITEMS: [&str; 3] = ["a", "b", "c"];
const REVIEWERS: [&str; 2] = ["ana", "bo"];

fn op() -> impl Strategy<Value = Op> {
    let action = prop_oneof![
        Just(Action::Approve),
        Just(Action::Edit),
        Just(Action::Reject),
        Just(Action::NeedsSme),
    ];
    prop_oneof![
        3 => (0..ITEMS.len(), 0..REVIEWERS.len(), action)
            .prop_map(|(item, reviewer, action)| Op::Decide { item, reviewer, action }),
        2 => (0..REVIEWERS.len()).prop_map(|reviewer| Op::Undo { reviewer }),
        2 => (0..REVIEWERS.len()).prop_map(|reviewer| Op::Redo { reviewer }),
    ]
}

/// Replays the raw log in order, independently of the store's SQL: a revert cancels its target
/// and, when the target was itself a revert, re-instates what that one had cancelled.
fn replayed_statuses(db: &TempDb) -> HashMap<String, ItemStatus> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT d.id, i.external_id, d.action, d.reverts FROM decisions d
             JOIN items i ON i.id = d.item_id ORDER BY d.seq",
        )
        .unwrap();
    let log: Vec<(String, String, Action, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut cancelled: HashSet<String> = HashSet::new();
    let mut cancels: HashMap<String, String> = HashMap::new();
    for (id, _, _, reverts) in &log {
        if let Some(target) = reverts {
            cancelled.insert(target.clone());
            if let Some(revived) = cancels.get(target) {
                cancelled.remove(revived);
            }
            cancels.insert(id.clone(), target.clone());
        }
    }
    let mut statuses: HashMap<String, ItemStatus> = ITEMS
        .iter()
        .map(|i| (i.to_string(), ItemStatus::Pending))
        .collect();
    for (id, item, action, _) in &log {
        if let Some(status) = action.status().filter(|_| !cancelled.contains(id)) {
            statuses.insert(item.clone(), status);
        }
    }
    statuses
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn status_always_equals_a_replay_of_the_log(ops in proptest::collection::vec(op(), 1..24)) {
        let (db, mut store) = store_with(&ITEMS);
        for op in ops {
            match op {
                Op::Decide { item, reviewer, action } => {
                    decide(&mut store, ITEMS[item], REVIEWERS[reviewer], action)
                }
                Op::Undo { reviewer } => {
                    store.undo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                }
                Op::Redo { reviewer } => {
                    store.redo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                }
            }
            let replayed = replayed_statuses(&db);
            for item in ITEMS {
                prop_assert_eq!(
                    status(&store, item),
                    replayed[item],
                    "the status projection of {} must equal a replay of the log", item
                );
            }
        }
    }
}
