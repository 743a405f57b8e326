//! Writes label tables and Vetted's agreement values for `scripts/check_agreement.py`, which
//! recomputes them with the Python `krippendorff` package and scikit-learn's
//! `cohen_kappa_score` (run both with `scripts/test-agreement.sh`). Ignored by `cargo test`: it
//! needs `VETTED_AGREEMENT_OUT`, the directory to write `agreement.json` into.
//!
//! Three kinds of data: published worked examples; seeded random label tables (any number of
//! raters, missing ratings, 1–5 labels, including degenerate ones); and a real database where
//! seeded random reviewers decide, change their minds, undo and defer to an SME, whose
//! `Store::stats` agreement is checked against the ratings this test knows it recorded.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vetted::agreement::{
    Contingency, alpha_interval_matrix, alpha_nominal_matrix, alpha_ordinal_matrix, cohens_kappa,
    percent_agreement_matrix,
};
use vetted::domain::{Action, DecisionInput, EditedContent};

use crate::support::{answer_line, temp_db};

const SEED: u64 = 20_261_126;

fn table_entry(name: &str, raters: Vec<Vec<Option<u8>>>) -> Value {
    json!({
        "name": name,
        "raters": raters,
        "vetted": {
            "alpha": alpha_nominal_matrix(&raters),
            "alpha_ordinal": alpha_ordinal_matrix(&raters),
            "alpha_interval": alpha_interval_matrix(&raters, |v| f64::from(*v)),
            "percent_agreement": percent_agreement_matrix(&raters),
        }
    })
}

fn pair_entry(name: &str, a: Vec<u8>, b: Vec<u8>) -> Value {
    let mut table = Contingency::new();
    for (x, y) in a.iter().zip(&b) {
        table.add(*x, *y);
    }
    json!({
        "name": name,
        "a": a,
        "b": b,
        "vetted": {
            "kappa": cohens_kappa(&a, &b),
            "percent_agreement": table.percent_agreement(),
        }
    })
}

/// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (0 = missing).
fn krippendorff_2011() -> Vec<Vec<Option<u8>>> {
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
        [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
    ]
    .iter()
    .map(|row| row.iter().map(|&v| (v != 0).then_some(v)).collect())
    .collect()
}

/// Expands a contingency table `[rater A's label][rater B's label] = count` into two label lists.
fn expand(table: &[&[usize]]) -> (Vec<u8>, Vec<u8>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, row) in table.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            a.extend(std::iter::repeat_n(i as u8, n));
            b.extend(std::iter::repeat_n(j as u8, n));
        }
    }
    (a, b)
}

fn random_tables(rng: &mut fastrand::Rng) -> Vec<Value> {
    (0..300)
        .map(|t| {
            let raters = rng.usize(2..=7);
            let units = rng.usize(1..=50);
            // Every 25th table uses a single label: α is then undefined on both sides.
            let labels = if t % 25 == 0 { 1 } else { rng.u8(2..=5) };
            let missing = rng.f64() * 0.6;
            let table: Vec<Vec<Option<u8>>> = (0..raters)
                .map(|_| {
                    (0..units)
                        .map(|_| (rng.f64() >= missing).then(|| rng.u8(0..labels)))
                        .collect()
                })
                .collect();
            table_entry(&format!("random table {t}"), table)
        })
        .collect()
}

fn random_pairs(rng: &mut fastrand::Rng) -> Vec<Value> {
    (0..300)
        .map(|t| {
            let units = rng.usize(1..=80);
            let labels = if t % 25 == 0 { 1 } else { rng.u8(2..=4) };
            let agree = rng.f64();
            let a: Vec<u8> = (0..units).map(|_| rng.u8(0..labels)).collect();
            let b: Vec<u8> = a
                .iter()
                .map(|&x| {
                    if rng.f64() < agree {
                        x
                    } else {
                        rng.u8(0..labels)
                    }
                })
                .collect();
            pair_entry(&format!("random pair {t}"), a, b)
        })
        .collect()
}

/// Random reviewers on a real database; returns the ratings each reviewer should have on each
/// item after the undos (`null` where none or needs_sme), and what `Store::stats` says.
fn random_database(rng: &mut fastrand::Rng) -> Value {
    let db = temp_db();
    let items = 60;
    let domains = ["finance", "legal", "hr"];
    let lines: Vec<String> = (0..items)
        .map(|i| {
            let mut line: Value =
                serde_json::from_str(&answer_line(&format!("i-{i}"), "the answer")).unwrap();
            line["domain"] = domains[i % domains.len()].into();
            line.to_string()
        })
        .collect();
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = db.open();
    store.import_path(&file).unwrap();
    let reviewers = ["ana", "ben", "cy", "dee"];
    // reviewer → item → the actions in force, oldest first (a stack, for undo).
    let mut in_force: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for _ in 0..320 {
        let reviewer = reviewers[rng.usize(..reviewers.len())];
        if rng.f64() < 0.08 {
            if store
                .undo(&uuid::Uuid::now_v7().to_string(), reviewer)
                .unwrap()
                .is_some()
            {
                in_force.get_mut(reviewer).and_then(|s| s.pop());
            }
            continue;
        }
        // Skewed towards a few items and towards approval, so agreement is neither 0 nor 1.
        let item = rng.usize(..items).min(rng.usize(..items));
        let (action, name) = match rng.u8(0..10) {
            0..=4 => (Action::Approve, "approve"),
            5..=6 => (Action::Edit, "edit"),
            7..=8 => (Action::Reject, "reject"),
            _ => (Action::NeedsSme, "needs_sme"),
        };
        let id = format!("i-{item}");
        let version = store.item(&id).unwrap().version;
        store
            .decide(&DecisionInput {
                id: uuid::Uuid::now_v7().to_string(),
                item: id,
                item_version: version,
                reviewer: reviewer.to_owned(),
                action,
                edited: (action == Action::Edit).then(|| EditedContent::Answer {
                    answer: "a corrected answer".into(),
                }),
                reason: (action == Action::Reject).then(|| "incomplete".to_owned()),
                note: (action == Action::NeedsSme).then(|| "Which quarter?".to_owned()),
            })
            .unwrap();
        in_force.entry(reviewer).or_default().push((item, name));
    }
    let units: Vec<Value> = (0..items)
        .map(|item| {
            let mut ratings = serde_json::Map::new();
            for reviewer in reviewers {
                let latest = in_force
                    .get(reviewer)
                    .and_then(|stack| stack.iter().rev().find(|(i, _)| *i == item))
                    .map(|(_, name)| *name);
                ratings.insert(reviewer.to_owned(), latest.into());
            }
            json!({"domain": domains[item % domains.len()], "ratings": ratings})
        })
        .collect();
    let stats = store.stats().unwrap();
    json!({"units": units, "agreement": stats.agreement})
}

/// Seeded random (vetter verdict, human decision) lists and the alignment report's figures for
/// them (`roles::align::agreement`), including degenerate lists (one class only, empty).
fn random_alignment(rng: &mut fastrand::Rng) -> Vec<Value> {
    use vetted::domain::{ItemStatus, Verdict};
    let verdicts = [Verdict::Pass, Verdict::Flag, Verdict::Fail];
    let humans = [
        ItemStatus::Approved,
        ItemStatus::Edited,
        ItemStatus::Rejected,
    ];
    let mut lists: Vec<Vec<(Verdict, ItemStatus)>> = (0..40)
        .map(|_| {
            let n = rng.usize(1..60);
            (0..n)
                .map(|_| (verdicts[rng.usize(..3)], humans[rng.usize(..3)]))
                .collect()
        })
        .collect();
    lists.push(vec![(Verdict::Pass, ItemStatus::Approved); 5]);
    lists.push(vec![(Verdict::Fail, ItemStatus::Rejected); 3]);
    lists.push(vec![
        (Verdict::Pass, ItemStatus::Rejected),
        (Verdict::Pass, ItemStatus::Edited),
    ]);
    lists
        .into_iter()
        .map(|pairs| {
            let a = vetted::roles::align::agreement(&pairs);
            json!({
                "pairs": pairs,
                "vetted": {"kappa": a.kappa, "accuracy": a.accuracy,
                           "precision": a.precision, "recall": a.recall},
            })
        })
        .collect()
}

#[test]
#[ignore = "writes data for scripts/test-agreement.sh"]
fn write_tables_for_the_reference_check() {
    let out = std::env::var("VETTED_AGREEMENT_OUT")
        .expect("set VETTED_AGREEMENT_OUT to the directory to write agreement.json into");
    let mut rng = fastrand::Rng::with_seed(SEED);

    let mut tables = vec![
        table_entry(
            "Krippendorff 2011, section C (alpha 0.743)",
            krippendorff_2011(),
        ),
        table_entry(
            "one label only (undefined)",
            vec![
                vec![Some(1), Some(1), None],
                vec![Some(1), Some(1), Some(2)],
            ],
        ),
        table_entry(
            "perfect agreement",
            vec![
                vec![Some(1), Some(2), Some(3)],
                vec![Some(1), Some(2), Some(3)],
            ],
        ),
    ];
    tables.extend(random_tables(&mut rng));

    let (a, b) = expand(&[&[20, 5], &[10, 15]]);
    let mut pairs = vec![pair_entry("textbook yes/no 20-5-10-15 (kappa 0.4)", a, b)];
    let (a, b) = expand(&[&[75, 1, 4], &[5, 4, 1], &[0, 0, 10]]);
    pairs.push(pair_entry(
        "Fleiss, Levin & Paik table 18.1 (kappa 0.676)",
        a,
        b,
    ));
    pairs.push(pair_entry(
        "one label only (undefined)",
        vec![1, 1],
        vec![1, 1],
    ));
    pairs.extend(random_pairs(&mut rng));

    let document = json!({
        "tables": tables,
        "pairs": pairs,
        "database": random_database(&mut rng),
        "alignment": random_alignment(&mut rng),
    });
    let path = std::path::Path::new(&out).join("agreement.json");
    std::fs::write(&path, serde_json::to_string(&document).unwrap()).unwrap();
    eprintln!("wrote {}", path.display());
}
