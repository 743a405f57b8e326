//! Team review in the core: reviewer profiles, k independent reviews without anchoring,
//! adjudication used by export, and offline merge of bundles between databases — merged in any
//! order, any number of times, with the same outcome.

use std::path::Path;

use proptest::prelude::*;
use vetted::domain::{Action, DecisionInput, EditedContent, ItemStatus};
use vetted::export::{Filters, reviewed_items_sql};
use vetted::store::{OverlapScope, QueueFilter, Since};
use vetted::team::{ReviewState, Role};
use vetted::{ErrorCode, Store};

use crate::support::{TempDb, answer_lines, import_lines, table_counts, temp_db};

pub fn fresh_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A temp database holding the answer items `t-0` … `t-{n-1}` (domain `finance`).
pub fn laptop(n: usize) -> (TempDb, Store) {
    let db = temp_db();
    let mut store = db.open();
    if n > 0 {
        import_lines(&db, &mut store, &answer_lines("t", n));
    }
    (db, store)
}

/// Records a decision on the item's current version; `text` is the corrected answer of an edit.
pub fn decide(store: &mut Store, item: &str, reviewer: &str, action: Action, text: &str) -> String {
    let input = input(store, item, reviewer, action, text);
    store.decide(&input).unwrap().id
}

fn input(store: &Store, item: &str, reviewer: &str, action: Action, text: &str) -> DecisionInput {
    DecisionInput {
        id: fresh_id(),
        item: item.to_owned(),
        item_version: store.item(item).unwrap().version,
        reviewer: reviewer.to_owned(),
        action,
        edited: (action == Action::Edit).then(|| EditedContent::Answer {
            answer: text.to_owned(),
        }),
        reason: (action == Action::Reject).then(|| "incomplete".to_owned()),
        note: (action == Action::NeedsSme).then(|| "Fiscal or calendar Q3?".to_owned()),
    }
}

/// Everything merging must agree on: per item its status, review state and effective decision;
/// the set of decisions (id, item, reviewer, action, clock); and what a training export reads.
/// (external id, status, review, effective decision, decided by).
type ItemRow = (String, String, String, Option<String>, Option<String>);

#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub items: Vec<ItemRow>,
    pub decisions: Vec<(String, String, String, String, i64)>,
    pub export: Vec<(String, String)>,
}

pub fn snapshot(path: &Path) -> Snapshot {
    let conn = rusqlite::Connection::open(path).unwrap();
    let items = conn
        .prepare(
            "SELECT external_id, status, review, effective_decision, decided_by FROM items
             WHERE EXISTS (SELECT 1 FROM decisions d WHERE d.item_id = items.id)
             ORDER BY external_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let decisions = conn
        .prepare(
            "SELECT d.id, i.external_id, d.reviewer, d.action, d.clock FROM decisions d
             JOIN items i ON i.id = d.item_id ORDER BY d.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let params = Filters::default().params();
    let mut export: Vec<(String, String)> = conn
        .prepare(&reviewed_items_sql())
        .unwrap()
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((r.get(1)?, r.get(7)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    export.sort();
    Snapshot {
        items,
        decisions,
        export,
    }
}

fn pack(db: &TempDb, store: &Store, name: &str) -> std::path::PathBuf {
    let out = db.dir.path().join(name);
    store.pack(&out, &Since::All).unwrap();
    out
}

fn review_of(store: &Store, item: &str) -> ReviewState {
    store.review_state(item).unwrap().0
}

#[test]
fn two_laptops_merge_in_either_order_and_twice_to_the_same_state() {
    let (a_db, mut a) = laptop(4);
    let (b_db, mut b) = laptop(4);
    decide(&mut a, "t-0", "ann", Action::Approve, "");
    decide(
        &mut a,
        "t-1",
        "ann",
        Action::Edit,
        "Revenue was $12M in Q3.",
    );
    decide(&mut a, "t-2", "ann", Action::Reject, "");
    decide(&mut b, "t-0", "bob", Action::Approve, "");
    decide(
        &mut b,
        "t-1",
        "bob",
        Action::Edit,
        "Q3 revenue: twelve million dollars.",
    );
    decide(&mut b, "t-2", "bob", Action::Approve, "");
    decide(&mut b, "t-3", "bob", Action::Reject, "");
    let bundle_a = pack(&a_db, &a, "a.json");
    let bundle_b = pack(&b_db, &b, "b.json");

    let (x_db, mut x) = laptop(0);
    x.merge_bundle(&bundle_a).unwrap();
    let report = x.merge_bundle(&bundle_b).unwrap();
    assert_eq!(
        (report.decisions_added, report.items_added, report.conflicts),
        (4, 1, 2),
        "b adds its 4 decisions and item t-3; t-1 and t-2 disagree"
    );
    let (y_db, mut y) = laptop(0);
    for bundle in [&bundle_b, &bundle_a, &bundle_a, &bundle_b] {
        y.merge_bundle(bundle).unwrap();
    }
    let again = y.merge_bundle(&bundle_a).unwrap();
    assert_eq!(
        (
            again.decisions_added,
            again.items_added,
            again.reviewers_added,
            again.conflicts
        ),
        (0, 0, 0, 0),
        "merging twice adds nothing"
    );
    a.merge_bundle(&bundle_b).unwrap();
    b.merge_bundle(&bundle_a).unwrap();

    let reference = snapshot(&x_db.path);
    for (name, path) in [("y", &y_db.path), ("a", &a_db.path), ("b", &b_db.path)] {
        assert_eq!(snapshot(path), reference, "laptop {name} must match");
    }
    assert_eq!(x.item("t-0").unwrap().status, ItemStatus::Approved);
    assert_eq!(x.item("t-3").unwrap().status, ItemStatus::Rejected);
    for item in ["t-1", "t-2"] {
        assert_eq!(review_of(&x, item), ReviewState::Conflict, "{item}");
        assert_eq!(x.item(item).unwrap().status, ItemStatus::Pending);
    }
    let queue: Vec<String> = x
        .adjudication_queue(None, 10)
        .unwrap()
        .into_iter()
        .map(|c| {
            assert_eq!(c.decisions.len(), 2, "both reviews side by side");
            c.entry.external_id
        })
        .collect();
    assert_eq!(queue, ["t-1", "t-2"]);
    let exported: Vec<&str> = reference.export.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(exported, ["t-0", "t-3"], "disputed items are not exported");
}

#[test]
fn three_laptops_with_an_override_made_after_a_merge() {
    let (a_db, mut a) = laptop(3);
    let (b_db, mut b) = laptop(3);
    let (c_db, mut c) = laptop(3);
    decide(&mut a, "t-0", "ann", Action::Approve, "");
    decide(&mut a, "t-1", "ann", Action::Approve, "");
    decide(&mut b, "t-1", "bob", Action::Reject, "");
    // Cy sees ann's decision on t-0 and overrides it (one review required: latest wins).
    c.merge_bundle(&pack(&a_db, &a, "a1.json")).unwrap();
    decide(&mut c, "t-0", "cy", Action::Reject, "");
    decide(&mut c, "t-2", "cy", Action::Edit, "Revenue in Q3 was $12M.");
    assert_eq!(c.item("t-0").unwrap().status, ItemStatus::Rejected);

    let bundles = [
        pack(&a_db, &a, "a.json"),
        pack(&b_db, &b, "b.json"),
        pack(&c_db, &c, "c.json"),
    ];
    let orders: [[usize; 3]; 4] = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [1, 0, 2]];
    let mut snapshots = Vec::new();
    for order in orders {
        let (db, mut store) = laptop(0);
        for i in order {
            store.merge_bundle(&bundles[i]).unwrap();
        }
        store.merge_bundle(&bundles[order[0]]).unwrap();
        assert_eq!(
            store.item("t-0").unwrap().status,
            ItemStatus::Rejected,
            "cy overrode ann"
        );
        assert_eq!(
            review_of(&store, "t-1"),
            ReviewState::Conflict,
            "ann and bob disagree"
        );
        assert_eq!(store.item("t-2").unwrap().status, ItemStatus::Edited);
        snapshots.push(snapshot(&db.path));
    }
    for (i, s) in snapshots.iter().enumerate().skip(1) {
        assert_eq!(s, &snapshots[0], "merge order {:?}", orders[i]);
    }
    // The laptops themselves converge too.
    for store in [&mut a, &mut b, &mut c] {
        for bundle in &bundles {
            store.merge_bundle(bundle).unwrap();
        }
    }
    for path in [&a_db.path, &b_db.path, &c_db.path] {
        assert_eq!(snapshot(path), snapshots[0]);
    }
}

#[test]
fn conflicts_are_detected_exactly_when_the_reviews_differ() {
    let choices: [(Action, &str); 6] = [
        (Action::Approve, ""),
        (Action::Reject, ""),
        (Action::NeedsSme, ""),
        (
            Action::Edit,
            "Revenue in Q3 was $12M according to the quarterly report.",
        ),
        // One word in ten differs from the edit above: within the 10 % threshold.
        (
            Action::Edit,
            "Revenue in Q3 was $12M according to the quarterly filing.",
        ),
        (Action::Edit, "Twelve million."),
    ];
    let (a_db, mut a) = laptop(choices.len() * choices.len());
    let (b_db, mut b) = laptop(choices.len() * choices.len());
    let mut expected = Vec::new();
    for (i, (action_a, text_a)) in choices.iter().enumerate() {
        for (j, (action_b, text_b)) in choices.iter().enumerate() {
            let item = format!("t-{}", i * choices.len() + j);
            decide(&mut a, &item, "ann", *action_a, text_a);
            decide(&mut b, &item, "bob", *action_b, text_b);
            let same = i == j || matches!((i, j), (3, 4) | (4, 3));
            expected.push((item, same));
        }
    }
    a.merge_bundle(&pack(&b_db, &b, "b.json")).unwrap();
    let _ = a_db;
    for (item, same) in expected {
        let state = review_of(&a, &item);
        assert_eq!(
            state == ReviewState::Conflict,
            !same,
            "{item}: conflict exactly when the decisions differ"
        );
    }
}

#[test]
fn k_reviews_stay_independent_until_each_reviewer_decided() {
    let (_db, mut store) = laptop(2);
    store
        .set_overlap(&OverlapScope::Domain("finance".into()), 2)
        .unwrap();
    let awaiting = |store: &Store, who: &str| -> Vec<String> {
        let filter = QueueFilter {
            awaiting: Some(who.into()),
            ..QueueFilter::default()
        };
        let page = store.queue_page(&filter, None, 50).unwrap();
        page.entries.into_iter().map(|e| e.external_id).collect()
    };
    decide(&mut store, "t-0", "ann", Action::Approve, "");
    assert_eq!(
        store.item("t-0").unwrap().status,
        ItemStatus::Pending,
        "one of two reviews"
    );
    assert_eq!(review_of(&store, "t-0"), ReviewState::Open);
    assert_eq!(awaiting(&store, "ann"), ["t-1"], "ann decided t-0");
    assert_eq!(
        awaiting(&store, "bob"),
        ["t-0", "t-1"],
        "t-0 stays in bob's queue"
    );
    assert!(
        store.history_for("t-0", "bob").unwrap().is_empty(),
        "bob must not see ann's decision before deciding (no anchoring)"
    );
    assert_eq!(store.history_for("t-0", "ann").unwrap().len(), 1);
    store.add_reviewer("jo", Role::Adjudicator).unwrap();
    assert_eq!(
        store.history_for("t-0", "jo").unwrap().len(),
        1,
        "adjudicators see all"
    );

    decide(&mut store, "t-0", "bob", Action::Approve, "");
    assert_eq!(
        store.item("t-0").unwrap().status,
        ItemStatus::Approved,
        "two agree"
    );
    assert_eq!(
        store.history_for("t-0", "bob").unwrap().len(),
        2,
        "bob decided: sees all"
    );
    assert!(awaiting(&store, "cy").iter().all(|i| i != "t-0"), "settled");

    decide(&mut store, "t-1", "ann", Action::Approve, "");
    decide(&mut store, "t-1", "bob", Action::Reject, "");
    assert_eq!(review_of(&store, "t-1"), ReviewState::Conflict);
    // Back to one review: the later decision, made without seeing the other, still disagrees.
    store
        .set_overlap(&OverlapScope::Domain("finance".into()), 1)
        .unwrap();
    assert_eq!(review_of(&store, "t-1"), ReviewState::Conflict);
    assert_eq!(store.item("t-0").unwrap().status, ItemStatus::Approved);
}

#[test]
fn the_adjudicators_decision_is_final_and_exported() {
    let (a_db, mut a) = laptop(1);
    let (b_db, mut b) = laptop(1);
    decide(&mut a, "t-0", "ann", Action::Approve, "");
    decide(&mut b, "t-0", "bob", Action::Edit, "Q3 revenue was $12M.");
    a.merge_bundle(&pack(&b_db, &b, "b.json")).unwrap();
    assert_eq!(review_of(&a, "t-0"), ReviewState::Conflict);

    let not_adjudicator = input(&a, "t-0", "ann", Action::Approve, "");
    let refused = a.adjudicate(&not_adjudicator, None).unwrap_err();
    assert!(
        refused.to_string().contains("not an adjudicator"),
        "{refused}"
    );
    assert_eq!(
        refused.code(),
        ErrorCode::Forbidden,
        "a role refusal has its own code, so the UI can tell it from a malformed request"
    );

    a.add_reviewer("jo", Role::Adjudicator).unwrap();
    let final_input = input(
        &a,
        "t-0",
        "jo",
        Action::Edit,
        "Revenue in Q3 was $12 million.",
    );
    let final_id = a.adjudicate(&final_input, None).unwrap().id;
    assert_eq!(a.item("t-0").unwrap().status, ItemStatus::Edited);
    assert_eq!(review_of(&a, "t-0"), ReviewState::Settled);
    // Undoing the adjudication sends the item back to the queue; redo settles it again.
    a.undo(&fresh_id(), "jo").unwrap().unwrap();
    assert_eq!(review_of(&a, "t-0"), ReviewState::Conflict);
    a.redo(&fresh_id(), "jo").unwrap().unwrap();
    assert_eq!(a.item("t-0").unwrap().status, ItemStatus::Edited);
    // A later review does not reopen an adjudicated item.
    decide(&mut a, "t-0", "cy", Action::Reject, "");
    let snap = snapshot(&a_db.path);
    assert_eq!(
        snap.export,
        [("t-0".to_owned(), final_id.clone())],
        "export uses the final"
    );

    // The adjudication travels: bob's laptop gets the same outcome.
    b.merge_bundle(&pack(&a_db, &a, "a.json")).unwrap();
    assert_eq!(snapshot(&b_db.path), snap);
    assert_eq!(b.effective_decision("t-0").unwrap().unwrap().id, final_id);
}

#[test]
fn a_malformed_bundle_changes_nothing() {
    let (a_db, mut a) = laptop(2);
    let (b_db, mut b) = laptop(2);
    decide(&mut a, "t-0", "ann", Action::Approve, "");
    decide(&mut b, "t-0", "bob", Action::Reject, "");
    decide(&mut b, "t-1", "bob", Action::Approve, "");
    let good = pack(&b_db, &b, "b.json");
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    let variant = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = bundle.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("not json", "{\"format\": ".to_owned(), "invalid JSON"),
        (
            "other format",
            variant(&|v| v["format"] = "zip".into()),
            "format",
        ),
        (
            "future version",
            variant(&|v| v["version"] = 99.into()),
            "version 99",
        ),
        (
            "bad action",
            variant(&|v| v["decisions"][1]["action"] = "maybe".into()),
            "decisions[1].action",
        ),
        (
            "edit without content",
            variant(&|v| v["decisions"][1]["action"] = "edit".into()),
            "corrected content",
        ),
        (
            "invalid item",
            variant(&|v| v["items"][1]["answer"] = "".into()),
            "items[1]",
        ),
        (
            "unknown item, last",
            variant(&|v| {
                let mut d = v["decisions"][1].clone();
                d["id"] = "zzz".into();
                d["item"] = "nowhere".into();
                d["clock"] = 1000.into();
                v["decisions"].as_array_mut().unwrap().push(d);
            }),
            "neither in the bundle nor in this database",
        ),
        (
            "batch id too long for a team server",
            variant(&|v| {
                v["decisions"][1]["batch"] =
                    serde_json::json!({"id": "b".repeat(201), "rule": "x"});
            }),
            "its batch needs an id of 1 to 200 characters and a rule",
        ),
        (
            "batch without a rule",
            variant(&|v| v["decisions"][1]["batch"] = serde_json::json!({"id": "b", "rule": " "})),
            "its batch needs an id of 1 to 200 characters and a rule",
        ),
        (
            "revert of an unknown decision",
            variant(&|v| {
                let mut d = v["decisions"][0].clone();
                d["id"] = "undo-1".into();
                d["action"] = "revert".into();
                d["reason"] = serde_json::Value::Null;
                d["reverts"] = "never-recorded".into();
                d["clock"] = 1000.into();
                v["decisions"].as_array_mut().unwrap().push(d);
            }),
            "reverts 'never-recorded'",
        ),
    ];
    for (name, text, expected) in cases {
        let before = (table_counts(&a_db.path), snapshot(&a_db.path));
        let path = a_db.write_file("bad.json", &text);
        let error = a.merge_bundle(&path).unwrap_err().to_string();
        assert!(
            error.contains(expected) && error.contains("nothing was merged"),
            "{name}: {error}"
        );
        assert_eq!(
            (table_counts(&a_db.path), snapshot(&a_db.path)),
            before,
            "{name}: the database must be unchanged"
        );
    }
    a.merge_bundle(&good).unwrap();
    assert_eq!(review_of(&a, "t-0"), ReviewState::Conflict);
}

#[test]
fn since_packs_only_newer_decisions_with_the_targets_of_their_reverts() {
    let (a_db, mut a) = laptop(2);
    let (_b_db, mut b) = laptop(2);
    decide(&mut a, "t-0", "ann", Action::Approve, "");
    let first = a
        .pack(&a_db.dir.path().join("1.json"), &Since::All)
        .unwrap();
    b.merge_bundle(&a_db.dir.path().join("1.json")).unwrap();
    decide(&mut a, "t-1", "ann", Action::Reject, "");
    a.undo(&fresh_id(), "ann").unwrap();
    let out = a_db.dir.path().join("2.json");
    let second = a.pack(&out, &Since::Clock(first.max_clock)).unwrap();
    assert_eq!(
        second.decisions, 2,
        "the reject and its undo, not the earlier approve"
    );
    b.merge_bundle(&out).unwrap();
    assert_eq!(b.item("t-0").unwrap().status, ItemStatus::Approved);
    assert_eq!(b.item("t-1").unwrap().status, ItemStatus::Pending);
}

#[test]
fn reviewer_profiles_and_the_current_reviewer() {
    let (db, mut store) = laptop(1);
    assert_eq!(
        store.use_reviewer("ann").unwrap_err().code(),
        ErrorCode::NotFound,
        "unknown reviewers cannot be used"
    );
    store.add_reviewer("ann", Role::Sme).unwrap();
    store.use_reviewer("ann").unwrap();
    assert_eq!(store.current_reviewer().unwrap().as_deref(), Some("ann"));
    decide(&mut store, "t-0", "bob", Action::Approve, "");
    let names: Vec<(String, Role)> = store
        .reviewers()
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.role))
        .collect();
    assert_eq!(
        names,
        [("ann".into(), Role::Sme), ("bob".into(), Role::Analyst)],
        "a reviewer who decides gets a profile"
    );
    // Profiles merge by the later role change, whatever the order.
    let (other_db, mut other) = laptop(0);
    other.add_reviewer("ann", Role::Analyst).unwrap();
    other.add_reviewer("ann", Role::Adjudicator).unwrap();
    let mine = pack(&db, &store, "mine.json");
    let theirs = pack(&other_db, &other, "theirs.json");
    let (x_db, mut x) = laptop(0);
    let (y_db, mut y) = laptop(0);
    x.merge_bundle(&mine).unwrap();
    x.merge_bundle(&theirs).unwrap();
    y.merge_bundle(&theirs).unwrap();
    y.merge_bundle(&mine).unwrap();
    assert_eq!(x.reviewers().unwrap(), y.reviewers().unwrap());
    let _ = (x_db, y_db);
}

#[derive(Debug, Clone)]
enum Op {
    Decide {
        db: usize,
        item: usize,
        reviewer: usize,
        action: Action,
    },
    Undo {
        db: usize,
        reviewer: usize,
    },
    Redo {
        db: usize,
        reviewer: usize,
    },
    /// Pack database `from` and merge the bundle into `into`.
    Merge {
        from: usize,
        into: usize,
    },
}

const ITEMS: usize = 3;
const REVIEWERS: [&str; 3] = ["ann", "bob", "cy"];

fn op() -> impl Strategy<Value = Op> {
    let action = prop_oneof![
        Just(Action::Approve),
        Just(Action::Edit),
        Just(Action::Reject),
        Just(Action::NeedsSme),
    ];
    prop_oneof![
        4 => (0..2usize, 0..ITEMS, 0..REVIEWERS.len(), action)
            .prop_map(|(db, item, reviewer, action)| Op::Decide { db, item, reviewer, action }),
        1 => (0..2usize, 0..REVIEWERS.len()).prop_map(|(db, reviewer)| Op::Undo { db, reviewer }),
        1 => (0..2usize, 0..REVIEWERS.len()).prop_map(|(db, reviewer)| Op::Redo { db, reviewer }),
        2 => (0..2usize).prop_map(|from| Op::Merge { from, into: 1 - from }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any interleaving of decide, undo, redo and merge on two laptops, then a full exchange:
    /// both laptops, and a third database that only replays their logs from bundles (in either
    /// order), end in the same state.
    #[test]
    fn any_interleaving_converges_to_a_replay_of_the_log(
        ops in proptest::collection::vec(op(), 1..20),
        k in 1u32..=2,
    ) {
        let laptops = [laptop(ITEMS), laptop(ITEMS)];
        let (mut dbs, mut stores): (Vec<TempDb>, Vec<Store>) = laptops.into_iter().unzip();
        for store in &mut stores {
            store.set_overlap(&OverlapScope::Default, k).unwrap();
        }
        for (n, op) in ops.into_iter().enumerate() {
            match op {
                Op::Decide { db, item, reviewer, action } => {
                    let item = format!("t-{item}");
                    let text = format!("Edited by {} at step {n}.", REVIEWERS[reviewer]);
                    decide(&mut stores[db], &item, REVIEWERS[reviewer], action, &text);
                }
                Op::Undo { db, reviewer } => {
                    stores[db].undo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                }
                Op::Redo { db, reviewer } => {
                    stores[db].redo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                }
                Op::Merge { from, into } => {
                    let bundle = pack(&dbs[from], &stores[from], &format!("{n}.json"));
                    stores[into].merge_bundle(&bundle).unwrap();
                }
            }
        }
        let bundles = [pack(&dbs[0], &stores[0], "final0.json"), pack(&dbs[1], &stores[1], "final1.json")];
        stores[0].merge_bundle(&bundles[1]).unwrap();
        stores[1].merge_bundle(&bundles[0]).unwrap();
        let mut replays = Vec::new();
        for order in [[0, 1], [1, 0]] {
            let (db, mut store) = laptop(0);
            store.set_overlap(&OverlapScope::Default, k).unwrap();
            for i in order {
                store.merge_bundle(&bundles[i]).unwrap();
            }
            replays.push((db, store));
        }
        let reference = snapshot(&replays[0].0.path);
        prop_assert_eq!(&snapshot(&replays[1].0.path), &reference);
        prop_assert_eq!(&snapshot(&dbs[0].path), &reference);
        prop_assert_eq!(&snapshot(&dbs[1].path), &reference);
        dbs.clear();
    }
}
