//! `vetted stats --json` on a real database reviewed by three reviewers: every figure checked
//! against values worked out by hand (see the comments), and an empty database.

use predicates::prelude::*;
use vetted::Store;
use vetted::domain::{Action, DecisionInput, EditedContent};

use crate::support::{TempDb, answer_line, json_of, relationship_line, temp_db, vetted};

fn stats_json(db: &TempDb) -> serde_json::Value {
    json_of(vetted(&db.path).args(["stats", "--json"]))
}

/// An answer line with its domain and model replaced.
fn answer_in(id: &str, domain: &str, model: &str) -> String {
    let mut line: serde_json::Value = serde_json::from_str(&answer_line(id, "$12M")).unwrap();
    line["domain"] = domain.into();
    line["model"] = model.into();
    line.to_string()
}

fn decide(store: &mut Store, item: &str, reviewer: &str, action: Action, reason: &str) {
    let version = store.item(item).unwrap().version;
    store
        .decide(&DecisionInput {
            id: uuid::Uuid::now_v7().to_string(),
            item: item.to_owned(),
            item_version: version,
            reviewer: reviewer.to_owned(),
            action,
            edited: (action == Action::Edit).then(|| EditedContent::Answer {
                // "$12M" → "$12 million in Q3": one substitution, three insertions.
                answer: "$12 million in Q3".into(),
            }),
            reason: (action == Action::Reject).then(|| reason.to_owned()),
            note: (action == Action::NeedsSme).then(|| "Fiscal or calendar Q3?".to_owned()),
        })
        .unwrap();
}

/// Three reviewers (ana, ben, cy). Each reviewer's counted rating per item:
///
/// | item | domain  | ana       | ben        | cy      | status   |
/// |------|---------|-----------|------------|---------|----------|
/// | a-0  | finance | approve   | approve    | approve | approved |
/// | a-1  | finance | approve   | reject     |         | rejected |
/// | a-2  | finance | edit      | edit       | reject  | edited   |
/// | a-3  | finance | approve   | (undone)   |         | approved |
/// | a-4  | finance | needs_sme |            | approve | approved |
/// | a-5  | finance | reject¹   |            |         | rejected |
/// | r-1  | sales   |           | reject     | approve | approved |
/// | a-6  | legal   |           |            |         | pending  |
///
/// ¹ after approving first (ana changed her mind: two decisions, one rating).
pub(crate) fn reviewed_db() -> TempDb {
    let db = temp_db();
    let lines = [
        answer_in("a-0", "finance", "llama-3.1-8b"),
        answer_in("a-1", "finance", "llama-3.1-8b"),
        answer_in("a-2", "finance", "llama-3.1-8b"),
        answer_in("a-3", "finance", "llama-3.1-8b"),
        answer_in("a-4", "finance", "llama-3.1-8b"),
        answer_in("a-5", "finance", "llama-3.1-8b"),
        relationship_line("r-1"),
        answer_in("a-6", "legal", "gpt-x"),
    ];
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = db.open();
    store.import_path(&file).unwrap();
    use Action::*;
    for (item, reviewer, action, reason) in [
        ("a-0", "ana", Approve, ""),
        ("a-0", "ben", Approve, ""),
        ("a-0", "cy", Approve, ""),
        ("a-1", "ana", Approve, ""),
        ("a-1", "ben", Reject, "unsupported_by_evidence"),
        ("a-2", "cy", Reject, "incomplete"),
        ("a-2", "ana", Edit, ""),
        ("a-2", "ben", Edit, ""),
        ("a-3", "ana", Approve, ""),
        ("a-4", "ana", NeedsSme, ""),
        ("a-4", "cy", Approve, ""),
        ("a-5", "ana", Approve, ""),
        ("a-5", "ana", Reject, "incomplete"),
        ("r-1", "ben", Reject, "wrong_data_product"),
        ("r-1", "cy", Approve, ""),
        ("a-3", "ben", Approve, ""),
    ] {
        decide(&mut store, item, reviewer, action, reason);
    }
    // Ben takes back his approval of a-3: it no longer counts anywhere.
    store
        .undo(&uuid::Uuid::now_v7().to_string(), "ben")
        .unwrap()
        .expect("ben has a decision to undo");
    db
}

fn close(value: &serde_json::Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is a number"));
    assert!(
        (actual - expected).abs() < 1e-12,
        "{actual} is not {expected}"
    );
}

#[test]
fn stats_json_reports_every_figure_of_a_three_reviewer_database() {
    let db = reviewed_db();
    let s = stats_json(&db);

    // Items by status, at the top level as before.
    let counts = |v: &serde_json::Value| {
        [
            "pending",
            "approved",
            "edited",
            "rejected",
            "needs_sme",
            "total",
        ]
        .map(|k| v[k].as_i64().unwrap_or(-1))
    };
    assert_eq!(counts(&s), [1, 4, 1, 2, 0, 8]);

    // Decisions in force: ana 7 (both of a-5), ben 4 (a-3 undone), cy 4.
    assert_eq!(s["decisions"], 15);
    let by_reviewer: Vec<(String, [i64; 5])> = s["decisions_by_reviewer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reviewer"].as_str().unwrap().to_owned(),
                ["approve", "edit", "reject", "needs_sme", "total"].map(|k| r[k].as_i64().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        by_reviewer,
        [
            ("ana".to_owned(), [4, 1, 1, 1, 7]),
            ("ben".to_owned(), [1, 1, 2, 0, 4]),
            ("cy".to_owned(), [3, 0, 1, 0, 4]),
        ]
    );
    let days = s["decisions_by_day"].as_array().unwrap();
    assert_eq!(days.len(), 1, "everything was decided today");
    assert_eq!(days[0]["total"], 15);

    // Outcomes by domain and model, rates over decided items.
    let finance = &s["outcomes_by_domain"][0];
    assert_eq!(finance["key"], "finance");
    assert_eq!(
        [
            &finance["approved"],
            &finance["edited"],
            &finance["rejected"],
            &finance["decided"]
        ],
        [3, 1, 2, 6]
    );
    close(&finance["approve_rate"], 0.5);
    close(&finance["reject_rate"], 2.0 / 6.0);
    let legal = &s["outcomes_by_domain"][1];
    assert_eq!(
        (&legal["key"], &legal["pending"]),
        (&"legal".into(), &1.into())
    );
    assert!(
        legal["approve_rate"].is_null(),
        "no rate without decided items"
    );
    let models: Vec<&str> = s["outcomes_by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["gpt-x", "llama-3.1-8b", "qwen2.5-coder-7b"]);

    // Reasons of the rejected items' effective decisions (a-1: ben's, a-5: ana's).
    let reasons: Vec<(&str, i64)> = s["reject_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["reason"].as_str().unwrap(), r["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(reasons, [("incomplete", 1), ("unsupported_by_evidence", 1)]);
    assert_eq!(s["reject_reasons"][0]["label"], "Incomplete");

    // One edited item (a-2), four words changed.
    let e = &s["edit_distance"];
    assert_eq!(
        (&e["edits"], &e["median"], &e["max"]),
        (&1.into(), &4.into(), &4.into())
    );
    assert_eq!(e["buckets"][3]["from"], 3);
    assert_eq!(e["buckets"][3]["count"], 1);

    // Burn-down: eight added, seven decided, one left.
    let burn = s["burn_down"].as_array().unwrap();
    assert_eq!(burn.len(), 1);
    assert_eq!(
        [
            &burn[0]["added"],
            &burn[0]["decided"],
            &burn[0]["remaining"]
        ],
        [8, 7, 1]
    );

    // Agreement. Counted units: a-0 [A A A], a-1 [A R], a-2 [E E R], r-1 [R A]; a-3 has one
    // rating left after the undo and a-4 one after leaving out ana's needs_sme.
    let a = &s["agreement"];
    assert_eq!(
        a["labels"],
        serde_json::json!(["approve", "edit", "reject"])
    );
    assert_eq!(a["needs_sme_ratings"], 1);
    let overall = &a["overall"];
    assert_eq!(
        (&overall["items"], &overall["ratings"]),
        (&4.into(), &10.into())
    );
    // Share of agreeing pairs per unit: 1, 0, 1/3, 0.
    close(&overall["percent_agreement"], (1.0 + 1.0 / 3.0) / 4.0);
    // Coincidences o_AA 3, o_AR = o_RA 2, o_EE 1, o_ER = o_RE 1; n_A 5, n_R 3, n_E 2, n 10:
    // α = 1 − (n − 1)·Σ_{c≠k} o_ck / (n² − Σ n_c²) = 1 − 9·6 / (100 − 38).
    close(&overall["alpha"], 1.0 - 54.0 / 62.0);
    let domains = a["by_domain"].as_array().unwrap();
    assert_eq!(domains.len(), 2);
    assert_eq!(
        (&domains[1]["domain"], &domains[1]["items"]),
        (&"sales".into(), &1.into())
    );
    close(&domains[1]["alpha"], 0.0);
    assert_eq!(a["by_day"].as_array().unwrap().len(), 1);
    close(&a["by_day"][0]["alpha"], 1.0 - 54.0 / 62.0);
    // Pairs on the items both rated.
    let pairs: Vec<(String, u64, f64, f64)> = a["by_pair"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                format!(
                    "{}·{}",
                    p["reviewer_a"].as_str().unwrap(),
                    p["reviewer_b"].as_str().unwrap()
                ),
                p["items"].as_u64().unwrap(),
                p["percent_agreement"].as_f64().unwrap(),
                p["kappa"].as_f64().unwrap(),
            )
        })
        .collect();
    // ana·ben: [A A E] vs [A R E]: κ = (3·2 − 3)/(9 − 3); ana·cy: [A E] vs [A R]: (2·1 − 1)/(4 − 1);
    // ben·cy: [A E R] vs [A R A]: (3·1 − 3)/(9 − 3).
    let expected = [
        ("ana·ben", 3, 2.0 / 3.0, 0.5),
        ("ana·cy", 2, 0.5, 1.0 / 3.0),
        ("ben·cy", 3, 1.0 / 3.0, 0.0),
    ];
    assert_eq!(pairs.len(), expected.len());
    for ((name, items, pct, kappa), (e_name, e_items, e_pct, e_kappa)) in pairs.iter().zip(expected)
    {
        assert_eq!((name.as_str(), *items), (e_name, e_items));
        assert!(
            (pct - e_pct).abs() < 1e-12 && (kappa - e_kappa).abs() < 1e-12,
            "{name}"
        );
    }

    // Vetter vs reviewers: the six finance items carry a `pass` verdict; four were kept.
    let v = &s["vetter"][0];
    assert_eq!(
        (&v["domain"], &v["vetter"], &v["items"]),
        (&"finance".into(), &"vetter-1".into(), &6.into())
    );
    close(&v["observed_agreement"], 4.0 / 6.0);
}

#[test]
fn stats_tables_show_agreement_and_every_section() {
    let db = reviewed_db();
    vetted(&db.path)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"total\s+8").unwrap())
        .stdout(predicate::str::contains("Decisions per reviewer"))
        .stdout(predicate::str::contains("Reject reasons"))
        .stdout(predicate::str::contains("Queue burn-down"))
        .stdout(predicate::str::is_match(r"ana · ben\s+3\s+66\.7 %\s+0\.500").unwrap())
        .stdout(predicate::str::is_match(r"all\s+4\s+10\s+33\.3 %\s+0\.129").unwrap());
}

#[test]
fn an_empty_database_says_there_is_nothing_to_report() {
    let db = temp_db();
    vetted(&db.path)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::contains("no items yet: nothing to report"));
    let s = stats_json(&db);
    assert_eq!((&s["total"], &s["decisions"]), (&0.into(), &0.into()));
    assert_eq!(s["agreement"]["overall"]["items"], 0);
    assert!(s["agreement"]["overall"]["alpha"].is_null());
    assert!(s["agreement"]["overall"]["percent_agreement"].is_null());
    assert_eq!(s["burn_down"], serde_json::json!([]));
    assert!(s["edit_distance"]["mean"].is_null());
}

#[test]
fn items_without_overlap_contribute_nothing_to_agreement() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!("{}\n{}\n", answer_line("a", "x"), answer_line("b", "y")),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let mut store = db.open();
    decide(&mut store, "a", "ana", Action::Approve, "");
    decide(&mut store, "b", "ben", Action::Reject, "incomplete");
    drop(store);
    let s = stats_json(&db);
    assert_eq!(s["decisions"], 2);
    assert_eq!(s["agreement"]["overall"]["items"], 0);
    assert_eq!(s["agreement"]["by_pair"], serde_json::json!([]));
    vetted(&db.path)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no item has been rated by two reviewers yet",
        ));
}

#[test]
fn the_vetter_table_leaves_out_items_deferred_to_an_sme() {
    // A vetted item whose status is needs_sme used to panic `stats --vetter` (no matrix cell).
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!("{}\n{}\n", answer_line("a", "x"), answer_line("b", "y")),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let mut store = db.open();
    decide(&mut store, "a", "ana", Action::NeedsSme, "");
    decide(&mut store, "b", "ana", Action::Approve, "");
    drop(store);
    let out = vetted(&db.path)
        .args(["stats", "--vetter", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows[0]["items"], 1,
        "only the approved item is an observation"
    );
    assert_eq!(stats_json(&db)["vetter"][0]["items"], 1);
}

mod recount {
    //! `Store::stats` after a random mix of decisions, adjudications, undos, redos and sync
    //! merges between two laptops equals a recount from scratch, in Rust, of the raw log and the
    //! item projection: the stats queries read covering indexes and decide which decisions are
    //! in force from the set of cancelled ones, and must still count exactly what the
    //! definitions in docs/stats.md say.

    use std::collections::{BTreeMap, HashMap, HashSet};

    use proptest::prelude::*;
    use vetted::Store;
    use vetted::agreement::{Contingency, PairTally};
    use vetted::domain::{Action, DecisionInput, EditedContent, StatusCounts};
    use vetted::stats::{
        AGREEMENT_LABELS, ActionCounts, AgreementFigures, Outcomes, ReasonCount, Stats,
    };
    use vetted::store::{OverlapScope, Since};
    use vetted::team::Role;

    use crate::support::{TempDb, import_lines, temp_db};
    use crate::team::fresh_id;

    const ITEMS: usize = 4;
    const REVIEWERS: [&str; 3] = ["ana", "bo", "jo"];

    #[derive(Debug, Clone)]
    enum Op {
        Decide {
            laptop: usize,
            item: usize,
            reviewer: usize,
            action: Action,
        },
        Adjudicate {
            laptop: usize,
            item: usize,
            action: Action,
        },
        Undo {
            laptop: usize,
            reviewer: usize,
        },
        Redo {
            laptop: usize,
            reviewer: usize,
        },
        /// Packs the other laptop's log and merges it into `laptop`.
        Merge {
            laptop: usize,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        let action = || {
            prop_oneof![
                Just(Action::Approve),
                Just(Action::Edit),
                Just(Action::Reject),
                Just(Action::NeedsSme),
            ]
        };
        prop_oneof![
            6 => (0..2usize, 0..ITEMS, 0..REVIEWERS.len(), action()).prop_map(
                |(laptop, item, reviewer, action)| Op::Decide { laptop, item, reviewer, action }
            ),
            1 => (0..2usize, 0..ITEMS, action())
                .prop_map(|(laptop, item, action)| Op::Adjudicate { laptop, item, action }),
            2 => (0..2usize, 0..REVIEWERS.len())
                .prop_map(|(laptop, reviewer)| Op::Undo { laptop, reviewer }),
            2 => (0..2usize, 0..REVIEWERS.len())
                .prop_map(|(laptop, reviewer)| Op::Redo { laptop, reviewer }),
            1 => (0..2usize).prop_map(|laptop| Op::Merge { laptop }),
        ]
    }

    fn input(
        store: &Store,
        item: usize,
        reviewer: &str,
        action: Action,
        n: usize,
    ) -> DecisionInput {
        let item = format!("t-{item}");
        DecisionInput {
            id: fresh_id(),
            item_version: store.item(&item).unwrap().version,
            item,
            reviewer: reviewer.to_owned(),
            action,
            // Texts of different lengths, so edit distances differ.
            edited: (action == Action::Edit).then(|| EditedContent::Answer {
                answer: "a corrected answer with more words".repeat(n % 3 + 1),
            }),
            reason: (action == Action::Reject)
                .then(|| ["incomplete", "unsupported_by_evidence"][n % 2].to_owned()),
            note: (action == Action::NeedsSme).then(|| "Which quarter?".to_owned()),
        }
    }

    fn laptop(overlap: u32) -> (TempDb, Store) {
        let db = temp_db();
        let mut store = db.open();
        let lines: Vec<String> = (0..ITEMS)
            .map(|i| super::answer_in(&format!("t-{i}"), ["finance", "legal"][i % 2], "m"))
            .collect();
        import_lines(&db, &mut store, &lines);
        store.add_reviewer("jo", Role::Adjudicator).unwrap();
        store.set_overlap(&OverlapScope::Default, overlap).unwrap();
        (db, store)
    }

    /// One decision of the log, as stored.
    struct Row {
        id: String,
        item: i64,
        domain: String,
        reviewer: String,
        action: String,
        day: String,
        reverts: Option<String>,
        reason: Option<String>,
        edit_distance: Option<i64>,
    }

    /// The figures `Store::stats` computes with SQL, recounted in Rust from every row.
    fn recount(db: &TempDb, stats: &Stats) {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        let log: Vec<Row> = conn
            .prepare(
                "SELECT d.seq, d.id, d.item_id, i.domain, d.reviewer, d.action, d.decided_at,
                        d.reverts, d.reason, d.edit_distance
                 FROM decisions d JOIN items i ON i.id = d.item_id ORDER BY d.seq",
            )
            .unwrap()
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(1)?,
                    item: r.get(2)?,
                    domain: r.get(3)?,
                    reviewer: r.get(4)?,
                    action: r.get(5)?,
                    day: r.get::<_, String>(6)?[..10].to_owned(),
                    reverts: r.get(7)?,
                    reason: r.get(8)?,
                    edit_distance: r.get(9)?,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // A decision is cancelled by a revert of it that is not itself reverted (docs/stats.md).
        let reverted: HashSet<&str> = log.iter().filter_map(|d| d.reverts.as_deref()).collect();
        let cancelled: HashSet<&str> = log
            .iter()
            .filter(|r| !reverted.contains(r.id.as_str()))
            .filter_map(|r| r.reverts.as_deref())
            .collect();
        let in_force: Vec<&Row> = log
            .iter()
            .filter(|d| d.action != "revert" && !cancelled.contains(d.id.as_str()))
            .collect();

        let mut by_day: BTreeMap<&str, ActionCounts> = BTreeMap::new();
        let mut by_reviewer: BTreeMap<&str, ActionCounts> = BTreeMap::new();
        let mut first_day: BTreeMap<i64, &str> = BTreeMap::new();
        let mut ratings: BTreeMap<i64, BTreeMap<&str, &Row>> = BTreeMap::new();
        for d in &in_force {
            by_day.entry(&d.day).or_default().add(&d.action, 1);
            by_reviewer
                .entry(&d.reviewer)
                .or_default()
                .add(&d.action, 1);
            let first = first_day.entry(d.item).or_insert(&d.day);
            *first = (*first).min(&d.day);
            // In seq order, so the last one written is the reviewer's latest.
            ratings.entry(d.item).or_default().insert(&d.reviewer, d);
        }
        let days: Vec<(&str, ActionCounts)> = by_day.into_iter().collect();
        let got: Vec<(&str, ActionCounts)> = stats
            .decisions_by_day
            .iter()
            .map(|d| (d.day.as_str(), d.decisions))
            .collect();
        assert_eq!(got, days, "decisions in force per day");
        let got: Vec<(&str, ActionCounts)> = stats
            .decisions_by_reviewer
            .iter()
            .map(|d| (d.reviewer.as_str(), d.decisions))
            .collect();
        assert_eq!(
            got,
            by_reviewer.into_iter().collect::<Vec<_>>(),
            "per reviewer"
        );
        let mut decided: BTreeMap<&str, i64> = BTreeMap::new();
        for day in first_day.values() {
            *decided.entry(day).or_default() += 1;
        }
        let got: BTreeMap<&str, i64> = stats
            .burn_down
            .iter()
            .filter(|d| d.decided != 0)
            .map(|d| (d.day.as_str(), d.decided))
            .collect();
        assert_eq!(
            got, decided,
            "burn-down: items by the day of their earliest decision"
        );

        // Outcomes and effective decisions, from the item projection.
        let by_id: HashMap<&str, &Row> = log.iter().map(|d| (d.id.as_str(), d)).collect();
        let mut stmt = conn
            .prepare("SELECT domain, model, status, review, effective_decision FROM items")
            .unwrap();
        let items: Vec<(String, String, String, String, Option<String>)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut domains: BTreeMap<String, StatusCounts> = BTreeMap::new();
        let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
        let mut distances: BTreeMap<Option<i64>, i64> = BTreeMap::new();
        for (domain, _, status, review, effective) in &items {
            let counts = domains.entry(domain.clone()).or_default();
            match status.as_str() {
                "pending" => counts.pending += 1,
                "approved" => counts.approved += 1,
                "edited" => counts.edited += 1,
                "rejected" => counts.rejected += 1,
                _ => counts.needs_sme += 1,
            }
            counts.conflict += i64::from(review == "conflict");
            let effective = effective.as_deref().map(|id| by_id[id]);
            match (status.as_str(), effective) {
                ("rejected", Some(d)) if d.action == "reject" => {
                    *reasons.entry(d.reason.clone().unwrap()).or_default() += 1
                }
                ("edited", Some(d)) if d.action == "edit" => {
                    *distances.entry(d.edit_distance).or_default() += 1
                }
                _ => {}
            }
        }
        let outcomes: Vec<Outcomes> = domains
            .into_iter()
            .map(|(domain, counts)| Outcomes::new(domain, counts))
            .collect();
        assert_eq!(stats.outcomes_by_domain, outcomes, "outcomes per domain");
        let got: BTreeMap<String, i64> = stats
            .reject_reasons
            .iter()
            .map(|ReasonCount { reason, count, .. }| (reason.clone(), *count))
            .collect();
        assert_eq!(
            got, reasons,
            "reasons of the rejected items' effective decisions"
        );
        let histogram: Vec<(Option<i64>, i64)> = distances.into_iter().collect();
        assert_eq!(
            stats.edit_distance,
            vetted::stats::EditDistances::from_histogram(&histogram),
            "edit distances of the edited items' effective decisions"
        );

        // Agreement: each reviewer's latest rating in force; needs-SME is a missing rating.
        let mut overall: PairTally<&'static str> = PairTally::new();
        let mut by_pair: BTreeMap<(&str, &str), Contingency<&str>> = BTreeMap::new();
        let mut by_domain: BTreeMap<&str, PairTally<&'static str>> = BTreeMap::new();
        let mut by_day: BTreeMap<&str, PairTally<&'static str>> = BTreeMap::new();
        let mut needs_sme = 0;
        for item_ratings in ratings.values().filter(|r| r.len() >= 2) {
            let counted: Vec<(&str, &'static str)> = item_ratings
                .iter()
                .filter_map(|(reviewer, d)| {
                    let label = AGREEMENT_LABELS.iter().find(|l| **l == d.action)?;
                    Some((*reviewer, *label))
                })
                .collect();
            needs_sme += (item_ratings.len() - counted.len()) as i64;
            if counted.len() < 2 {
                continue;
            }
            let labels: Vec<&'static str> = counted.iter().map(|(_, l)| *l).collect();
            overall.add_unit(&labels);
            let any = item_ratings.values().next().unwrap();
            by_domain.entry(&any.domain).or_default().add_unit(&labels);
            let day = item_ratings
                .values()
                .filter(|d| d.action != "needs_sme")
                .map(|d| d.day.as_str())
                .max()
                .unwrap();
            by_day.entry(day).or_default().add_unit(&labels);
            for (i, (a, la)) in counted.iter().enumerate() {
                for (b, lb) in &counted[i + 1..] {
                    by_pair.entry((a, b)).or_default().add(*la, *lb);
                }
            }
        }
        let agreement = &stats.agreement;
        assert_eq!(
            agreement.needs_sme_ratings, needs_sme,
            "needs-SME ratings left out"
        );
        assert_eq!(
            agreement.overall,
            AgreementFigures::of(&overall),
            "overall agreement"
        );
        let got: Vec<(&str, &str, u64, Option<f64>)> = agreement
            .by_pair
            .iter()
            .map(|p| {
                (
                    p.reviewer_a.as_str(),
                    p.reviewer_b.as_str(),
                    p.items,
                    p.kappa,
                )
            })
            .collect();
        let pairs: Vec<(&str, &str, u64, Option<f64>)> = by_pair
            .iter()
            .map(|((a, b), t)| (*a, *b, t.units(), t.cohens_kappa()))
            .collect();
        assert_eq!(got, pairs, "κ per pair of reviewers");
        let figures = |tallies: BTreeMap<&str, PairTally<&'static str>>| -> Vec<_> {
            tallies
                .iter()
                .map(|(key, t)| (key.to_string(), AgreementFigures::of(t)))
                .collect()
        };
        let got: Vec<_> = agreement
            .by_domain
            .iter()
            .map(|d| (d.domain.clone(), d.agreement))
            .collect();
        assert_eq!(got, figures(by_domain), "agreement per domain");
        let got: Vec<_> = agreement
            .by_day
            .iter()
            .map(|d| (d.day.clone(), d.agreement))
            .collect();
        assert_eq!(
            got,
            figures(by_day),
            "agreement per day of the latest counted rating"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn stats_equal_a_recount_after_decisions_undos_redos_and_merges(
            overlap in 1..=2u32,
            ops in proptest::collection::vec(op(), 1..30),
        ) {
            let mut laptops = [laptop(overlap), laptop(overlap)];
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Decide { laptop, item, reviewer, action } => {
                        let store = &mut laptops[laptop].1;
                        let input = input(store, item, REVIEWERS[reviewer], action, n);
                        store.decide(&input).unwrap();
                    }
                    Op::Adjudicate { laptop, item, action } => {
                        let store = &mut laptops[laptop].1;
                        let input = input(store, item, "jo", action, n);
                        store.adjudicate(&input, None).unwrap();
                    }
                    Op::Undo { laptop, reviewer } => {
                        laptops[laptop].1.undo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                    }
                    Op::Redo { laptop, reviewer } => {
                        laptops[laptop].1.redo(&fresh_id(), REVIEWERS[reviewer]).unwrap();
                    }
                    Op::Merge { laptop } => {
                        let (from_db, from) = &laptops[1 - laptop];
                        let bundle = from_db.dir.path().join(format!("bundle-{n}.json"));
                        from.pack(&bundle, &Since::All).unwrap();
                        laptops[laptop].1.merge_bundle(&bundle).unwrap();
                    }
                }
            }
            for (db, store) in &laptops {
                recount(db, &store.stats().unwrap());
            }
        }
    }
}
