//! Approving by rule at the graph's scale (not a timed test): Chinook registered as data
//! products, N relationship candidates naming its tables (default 2,000; the declared foreign
//! keys and a few wrong pairings, repeated), then:
//! - plan: the computed evidence of every candidate and the rule checked (`approval_rule::plan`);
//! - apply: the plan's approvals recorded as one batch, in one transaction;
//! - undo: the batch taken back in one step;
//! - and, for the ratio, the same approvals as one `decide` each (one durable transaction each),
//!   as a reviewer pressing `A` through the list would record them, on a copy of the database.
//!
//! `cargo bench --bench rule_approval -- [N]`

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vetted::Store;
use vetted::approval_rule::{self, EvidenceRule};
use vetted::domain::{Action, DecisionInput};
use vetted::store::QueueFilter;

const RULE: &str = "containment>=100%, target-key";

/// (source, field, target, field): Chinook's declared keys first, then pairings the rule leaves.
const PAIRS: &[(&str, &str, &str, &str)] = &[
    ("Album", "ArtistId", "Artist", "ArtistId"),
    ("Track", "AlbumId", "Album", "AlbumId"),
    ("Track", "GenreId", "Genre", "GenreId"),
    ("Track", "MediaTypeId", "MediaType", "MediaTypeId"),
    ("InvoiceLine", "TrackId", "Track", "TrackId"),
    ("InvoiceLine", "InvoiceId", "Invoice", "InvoiceId"),
    ("Invoice", "CustomerId", "Customer", "CustomerId"),
    ("PlaylistTrack", "TrackId", "Track", "TrackId"),
    ("Track", "TrackId", "Album", "AlbumId"),
    ("Genre", "GenreId", "MediaType", "MediaTypeId"),
];

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rules.db");
    let chinook = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets/chinook/Chinook_Sqlite.sqlite");
    let mut store = Store::open(&db).expect("open");
    store.add_products(&[chinook]).expect("register Chinook");
    let lines: String = (0..n)
        .map(|i| {
            let (s, sf, t, tf) = PAIRS[i % PAIRS.len()];
            serde_json::json!({
                "kind": "relationship", "id": format!("cand-{i}"), "domain": "bench",
                "model": "bench", "source": {"product": s}, "target": {"product": t},
                "relation": {"type": "foreign_key", "cardinality": "N:1",
                             "mapping": [{"source_field": sf, "target_field": tf}]},
                "rationale": "bench", "confidence": 0.5
            })
            .to_string()
                + "\n"
        })
        .collect();
    let file = dir.path().join("candidates.jsonl");
    std::fs::write(&file, lines).expect("write candidates");
    store.import_path(&file).expect("import");
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).expect("copy for the one-by-one run");

    let rule: EvidenceRule = RULE.parse().expect("rule");
    let t = Instant::now();
    let plan = approval_rule::plan(
        &store,
        &QueueFilter::default(),
        &rule,
        "bench",
        &mut |_, _| ControlFlow::Continue(()),
    )
    .expect("plan")
    .expect("not stopped");
    let planned = t.elapsed();
    let t = Instant::now();
    let decisions = approval_rule::apply(&mut store, &plan, "bench-batch", "bench").expect("apply");
    let applied = t.elapsed();
    let t = Instant::now();
    store.undo("bench-undo", "bench").expect("undo");
    let undone = t.elapsed();
    let one_by_one = decide_each(&copy, &plan);

    println!(
        "{n} candidates, {} meet '{RULE}', {} left",
        plan.approve.len(),
        plan.leave.len()
    );
    assert_eq!(decisions.len(), plan.approve.len());
    println!("| step | time | per candidate |");
    println!("|---|---|---|");
    for (label, took, count) in [
        ("plan (evidence + rule)", planned, n),
        (
            "apply: one batch, one transaction",
            applied,
            decisions.len(),
        ),
        ("undo the batch", undone, decisions.len()),
        (
            "the same approvals, one decide each",
            one_by_one,
            decisions.len(),
        ),
    ] {
        println!(
            "| {label} | {} | {:.3} ms |",
            ms(took),
            took.as_secs_f64() * 1000.0 / count.max(1) as f64
        );
    }
    println!(
        "apply vs one decide each: {:.1}× faster",
        one_by_one.as_secs_f64() / applied.as_secs_f64()
    );
}

/// The plan's approvals recorded one `decide` at a time on the database at `path`.
fn decide_each(path: &Path, plan: &approval_rule::RulePlan) -> Duration {
    let mut store = Store::open(path).expect("open the copy");
    let t = Instant::now();
    for (i, c) in plan.approve.iter().enumerate() {
        store
            .decide(&DecisionInput {
                id: format!("one-{i}"),
                item: c.item.clone(),
                item_version: c.version,
                reviewer: "bench".into(),
                action: Action::Approve,
                edited: None,
                reason: None,
                note: Some(format!("approved by rule: {}", plan.rule)),
            })
            .expect("decide");
    }
    t.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
