//! Retrieval of reviewed examples for a prompt (not a timed test): what `vetted vet --knowledge
//! examples` and `vetted align vetter` add to every call, on a database of decided items — by
//! default the one `cargo bench --bench import -- 100000` leaves in
//! `target/bench-import/vetted-100000.db`.
//!
//! `cargo bench --bench knowledge -- [DB] [--calls N]`:
//! 1. marks every item decided (three in four approved, one in four rejected) with one `UPDATE`
//!    of the status projection — the retrieval reads the status and each example's effective
//!    decision, not how the decisions were made, and writing 100,000 real decisions would take
//!    longer than the bench; the import bench recreates the database anyway;
//! 2. for N (200) items spread over the database, times `Store::reviewed_examples` (k = 4, the
//!    item itself excluded) from its question and answer, and, in the same run as a reference,
//!    `Store::item` on the same item (what every vet call does anyway);
//! 3. prints p50/p95/p99 of both and how many examples were found.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use vetted::Store;
use vetted::domain::ItemBody;
use vetted::store::ExampleQuery;

mod common;

fn main() {
    let args = common::args();
    let db = common::database(&args, "vetted-100000.db");
    let calls = common::number(&args, "calls", 200);
    assert!(
        db.exists(),
        "{} does not exist; run `cargo bench --bench import -- 100000` first",
        db.display()
    );
    let store = Store::open(&db).expect("open the bench database");
    let marked = store
        .conn()
        .execute(
            "UPDATE items SET status = CASE WHEN id % 4 = 0 THEN 'rejected' ELSE 'approved' END",
            [],
        )
        .expect("mark items decided");
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT external_id FROM items WHERE id % (SELECT max(id) / ?1 FROM items) = 0")
        .unwrap()
        .query_map([calls as i64], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    println!(
        "{} decided items in {}; {} calls",
        marked,
        db.display(),
        ids.len()
    );
    let (mut retrieval, mut load, mut found) = (Vec::new(), Vec::new(), 0);
    for id in &ids {
        let t = Instant::now();
        let item = store.item(id).expect("item");
        load.push(t.elapsed());
        let ItemBody::Answer(answer) = &item.body else {
            continue;
        };
        let text = format!("{} {}", answer.question, answer.answer);
        let exclude = HashSet::from([id.clone()]);
        let t = Instant::now();
        let examples = store
            .reviewed_examples(ExampleQuery {
                domain: &item.domain,
                kind: item.body.kind(),
                text: &text,
                k: 4,
                exclude: &exclude,
            })
            .expect("retrieve");
        retrieval.push(t.elapsed());
        found += examples.len();
    }
    println!(
        "examples found: {found} ({:.1} per call, k = 4)",
        found as f64 / retrieval.len().max(1) as f64
    );
    report("reviewed_examples (k = 4)", retrieval);
    report("item (reference)", load);
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<28} p50 {:>7.2} ms   p95 {:>7.2} ms   p99 {:>7.2} ms   (n = {})",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.len()
    );
}
