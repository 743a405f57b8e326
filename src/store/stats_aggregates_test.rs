//! The stats aggregates migration 0010 maintains (a trigger on `decisions`) against a
//! from-scratch recomputation from the log — the queries the dashboard ran before 0010, kept
//! here for the test only — after random decisions, adjudications, undos, redos and merges of
//! bundles (with their decisions moved to other days) on two real SQLite files; and the same
//! after 0010 backfills an older database.

use std::path::Path;

use chrono::Duration;

use super::Store;
use super::sync::Since;
use crate::decision_rules::not_reverted;
use crate::domain::{Action, DecisionInput, EditedContent};
use crate::team::Role;

/// A decision `d` in force, as the dashboard decided it before 0010: the store's own rule.
fn in_force() -> String {
    concat!("d.action <> 'revert' AND ", not_reverted!()).to_owned()
}

type Rows = Vec<Vec<String>>;

/// Every row of `sql`, each column as text.
fn rows(store: &Store, sql: &str) -> Rows {
    let mut stmt = store.conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// (maintained, recomputed) pairs of row sets, with what each is.
fn aggregates(store: &Store) -> Vec<(&'static str, Rows, Rows)> {
    let f = in_force();
    vec![
        (
            "decisions in force per (day, reviewer, action)",
            rows(
                store,
                "SELECT day, reviewer, action, decisions FROM stats_decisions_per_day
                 WHERE decisions > 0 ORDER BY 1, 2, 3",
            ),
            rows(
                store,
                &format!(
                    "SELECT substr(d.decided_at, 1, 10), d.reviewer, d.action, count(*)
                     FROM decisions d WHERE {f} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
                ),
            ),
        ),
        (
            "each decided item's day of its earliest decision in force",
            rows(
                store,
                "SELECT item_id, day FROM stats_first_decided ORDER BY 1",
            ),
            rows(
                store,
                &format!(
                    "SELECT d.item_id, substr(min(d.decided_at), 1, 10) FROM decisions d
                     WHERE {f} GROUP BY d.item_id ORDER BY 1"
                ),
            ),
        ),
        (
            "items first decided per day",
            rows(
                store,
                "SELECT day, items FROM stats_decided_per_day WHERE items > 0 ORDER BY 1",
            ),
            rows(
                store,
                &format!(
                    "SELECT day, count(*) FROM (
                         SELECT substr(min(d.decided_at), 1, 10) AS day FROM decisions d
                         WHERE {f} GROUP BY d.item_id)
                     GROUP BY day ORDER BY 1"
                ),
            ),
        ),
        (
            "ratings of the items two or more reviewers rate",
            rows(
                store,
                "SELECT item_id, reviewer, action, decided_at FROM stats_ratings ORDER BY 1, 2",
            ),
            // The pre-0010 query's shape: latest rating in force per (item, reviewer) by seq.
            rows(
                store,
                &format!(
                    "SELECT g.item_id, g.reviewer, g.action, g.decided_at
                     FROM (SELECT d.item_id, d.reviewer, d.action, d.decided_at, max(d.seq)
                           FROM decisions d WHERE {f} GROUP BY d.item_id, d.reviewer) g
                     WHERE (SELECT count(DISTINCT d.reviewer) FROM decisions d
                            WHERE d.item_id = g.item_id AND {f}) >= 2
                     ORDER BY 1, 2"
                ),
            ),
        ),
    ]
}

fn assert_maintained(store: &Store, after: &str) {
    for (what, maintained, recomputed) in aggregates(store) {
        assert_eq!(
            maintained, recomputed,
            "maintained {what} differ from a recomputation from the log after {after}"
        );
    }
}

const REVIEWERS: [&str; 4] = ["ana", "ben", "cy", "dee"];
const JUDGE: &str = "judy";
const ITEMS: usize = 8;

fn laptop(dir: &Path, name: &str) -> Store {
    let mut store = Store::open(&dir.join(format!("{name}.db"))).unwrap();
    let lines: Vec<String> = (0..ITEMS)
        .map(|i| {
            let domain = ["finance", "legal"][i % 2];
            serde_json::json!({
                "kind": "answer", "id": format!("t-{i}"), "domain": domain,
                "model": "m", "question": "What was Q3 revenue?", "answer": format!("answer {i}"),
                "evidence": [{"id": "d", "title": "t", "text": "Revenue was $12M.", "source": "s"}]
            })
            .to_string()
        })
        .collect();
    let file = dir.join(format!("{name}.jsonl"));
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    store.import_path(&file).unwrap();
    store.add_reviewer(JUDGE, Role::Adjudicator).unwrap();
    store
}

fn input(store: &Store, rng: &mut fastrand::Rng, reviewer: &str) -> DecisionInput {
    let item = format!("t-{}", rng.usize(..ITEMS));
    let action = [
        Action::Approve,
        Action::Edit,
        Action::Reject,
        Action::NeedsSme,
    ][rng.usize(..4)];
    DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item_version: store.item(&item).unwrap().version,
        item,
        reviewer: reviewer.to_owned(),
        action,
        edited: (action == Action::Edit).then(|| EditedContent::Answer {
            answer: format!("edited {}", rng.u8(..)),
        }),
        reason: (action == Action::Reject).then(|| "incomplete".to_owned()),
        note: (action == Action::NeedsSme).then(|| "Which quarter?".to_owned()),
    }
}

/// Merges everything `from` holds into `into`, each decision moved back 0–3 days (a bundle
/// decided on other days), and says so.
fn merge(from: &Store, into: &mut Store, rng: &mut fastrand::Rng) -> String {
    let mut bundle = from.bundle(&Since::All).unwrap();
    for d in &mut bundle.decisions {
        d.decided_at -= Duration::days(rng.i64(0..4));
    }
    into.merge(&bundle).unwrap();
    format!("merging {} decisions", bundle.decisions.len())
}

/// One random step on `stores[at]`, described for the failure message.
fn step(stores: &mut [Store; 2], at: usize, rng: &mut fastrand::Rng) -> String {
    let reviewer = REVIEWERS[rng.usize(..REVIEWERS.len())];
    let id = uuid::Uuid::now_v7().to_string();
    match rng.u8(..10) {
        0..=3 => {
            let input = input(&stores[at], rng, reviewer);
            stores[at].decide(&input).unwrap();
            format!("{reviewer} deciding {:?} on {}", input.action, input.item)
        }
        4 => {
            let input = input(&stores[at], rng, JUDGE);
            stores[at].adjudicate(&input, None).unwrap();
            format!("adjudicating {:?} on {}", input.action, input.item)
        }
        5 | 6 => {
            let undone = stores[at].undo(&id, reviewer).unwrap();
            format!("{reviewer} undoing ({undone:?})")
        }
        7 | 8 => {
            let redone = stores[at].redo(&id, reviewer).unwrap();
            format!("{reviewer} redoing ({redone:?})")
        }
        _ => {
            let [a, b] = stores;
            let (from, into) = if at == 0 { (&*b, a) } else { (&*a, b) };
            merge(from, into, rng)
        }
    }
}

#[test]
fn maintained_aggregates_equal_a_recomputation_after_random_reviews() {
    for seed in 0..6 {
        let dir = tempfile::tempdir().unwrap();
        let mut stores = [laptop(dir.path(), "a"), laptop(dir.path(), "b")];
        let mut rng = fastrand::Rng::with_seed(seed);
        for n in 0..120 {
            let at = rng.usize(..2);
            let what = step(&mut stores, at, &mut rng);
            assert_maintained(&stores[at], &format!("step {n} of seed {seed}: {what}"));
        }
        let rated: i64 = stores[0]
            .conn
            .query_row(
                "SELECT count(DISTINCT item_id) FROM stats_ratings",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            rated > 0,
            "seed {seed} never had two reviewers rate an item"
        );
    }
}

/// 0009's indexes, which 0010 drops once its backfill has read them.
const INDEXES_0009: &str = "
    CREATE INDEX decisions_by_day ON decisions (substr(decided_at, 1, 10), reviewer, action)
        WHERE action <> 'revert';
    CREATE INDEX decisions_by_item_reviewer ON decisions (item_id, reviewer, decided_at, action)
        WHERE action <> 'revert';";

#[test]
fn migration_0010_backfills_the_aggregates_from_an_older_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut stores = [laptop(dir.path(), "a"), laptop(dir.path(), "b")];
    let mut rng = fastrand::Rng::with_seed(42);
    for _ in 0..150 {
        let at = rng.usize(..2);
        step(&mut stores, at, &mut rng);
    }
    let [a, _] = stores;
    let expected = aggregates(&a);
    // Back to version 9: what 0010 adds removed, what it drops restored; what 0012 to 0020
    // add removed (0011 rebuilds its table, so it applies again as it is).
    a.conn
        .execute_batch(&format!(
            "DROP INDEX items_relationships; DROP TRIGGER stats_ratings_by_pick; DROP TABLE comparison_picks; DROP TABLE claim_settings; DROP TABLE claim_checks; DROP TABLE form_answers; DROP TABLE review_forms; DROP TABLE prompt_revisions; DROP TABLE alignment_variants; DROP TABLE alignment_results;
             DROP TABLE alignment_runs; ALTER TABLE llm_calls DROP COLUMN knowledge;
             ALTER TABLE llm_runs DROP COLUMN run_by;
             DROP INDEX items_by_likely; ALTER TABLE items DROP COLUMN likely;
             ALTER TABLE items DROP COLUMN assessment; DROP TABLE relation_assessments;
             DROP TABLE decision_batches;
             DROP TRIGGER stats_on_decision;
             DROP TABLE stats_decisions_per_day; DROP TABLE stats_first_decided;
             DROP TABLE stats_decided_per_day; DROP TABLE stats_ratings;
             {INDEXES_0009}
             PRAGMA user_version = 9;"
        ))
        .unwrap();
    let path = a.path.clone();
    drop(a);
    let migrated = Store::open(&path).unwrap();
    assert_eq!(
        migrated.schema_version().unwrap(),
        super::MIGRATIONS.len() as i64,
        "opening a version-9 database migrates it"
    );
    assert_maintained(&migrated, "migration 0010");
    assert_eq!(
        aggregates(&migrated),
        expected,
        "the backfill gives the figures the trigger maintained"
    );
    assert!(
        expected.iter().all(|(_, rows, _)| !rows.is_empty()),
        "the log exercised every aggregate: {expected:?}"
    );
}
