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
fn reviewed_db() -> TempDb {
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
