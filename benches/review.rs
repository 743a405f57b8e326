//! Review-workspace latency at scale (not a timed test): the core calls behind the app's queue,
//! on an existing database — by default the one `cargo bench --bench import -- 1000000` leaves in
//! `target/bench-import/vetted-1000000.db`.
//!
//! `cargo bench --bench review -- [DB] [--decisions N]` measures:
//! - decide → next: `decide` (approve — a comparison with a pick —, its own `IMMEDIATE` transaction, `synchronous=FULL`), then
//!   loading the next pending item as the app does (`Store::item_shown`) — p50/p95/p99 over N decisions (default 300);
//!   and, of that load, the privacy screen of the item's shown texts (`Item::privacy_findings`)
//!   and its claims with their grounding hints (`claims::claims_of`), each timed again on the
//!   loaded item;
//! - `queue_page` (keyset, 50 rows): the first page, pages deep in the queue (cursor at 90 % of the
//!   ids), for each sort and for the pending filter;
//! - `search` (limit 20) for typical queries: common words (more matches than
//!   `vetted::store::RANK_LIMIT`, so newest first), several common words few items share, a
//!   phrase, and rare words (ranked) — the generated corpus has no rare word (each of its 3,382
//!   words is in at least 7.5 % of the items), so the bench adds 1,000 items carrying
//!   `zqrare10` / `zqrare100` / `zqrare1000` (in 10 / 100 / 1,000 of them) once;
//! - `queue_facets` (distinct domains, models, reviewers by skip scan; tags) and `status_counts`;
//! - the "vetter confident" filter an auto-approve suggestion opens (pending items a vetting model
//!   passed with a score of at least 0.9, in the domain of the corpus): its first page and its
//!   counts. The generated corpus
//!   has no verdicts, so the bench gives every item without one a verdict of `bench-vetter` once
//!   (pass, flag, fail in turn; scores spread over 0..1: a tenth of the passes score ≥ 0.9).
//!
//! It writes N approve decisions (and the rare-word items) into the database (the import bench
//! recreates it anyway).

use std::time::Instant;

use vetted::Store;
use vetted::claims::claims_of;
use vetted::domain::{Action, DecisionInput, Feedback, ItemBody, ItemStatus, Pick, QueueCursor};
use vetted::store::{ConfidentPass, QueueFilter, QueueSort, SearchOrder};

mod common;

fn main() {
    let args = common::args();
    let db = common::database(&args, "vetted-1000000.db");
    let decisions = common::number(&args, "decisions", 300);
    let mut store = Store::open(&db).expect("open the database (run the import bench first)");
    let items = store
        .status_counts(&QueueFilter::default())
        .expect("counts")
        .total();
    println!("database: {} ({items} items)", db.display());
    println!("| call | runs | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|---|");

    // decide → next, through the pending queue as the app walks it.
    let pending = QueueFilter {
        status: Some(ItemStatus::Pending),
        ..QueueFilter::default()
    };
    let page = store
        .queue_page(&pending, None, (decisions + 1).min(1000) as u32)
        .expect("pending page");
    let ids: Vec<String> = page.entries.iter().map(|e| e.external_id.clone()).collect();
    let run = std::process::id();
    let (mut decide, mut decide_next, mut screen, mut claims) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for pair in ids.windows(2).take(decisions) {
        let item = store.item(&pair[0]).expect("item");
        // A comparison is approved with a pick (`make_stats_db.py --comparisons`).
        let feedback = Feedback {
            pick: matches!(item.body, ItemBody::Comparison(_)).then_some(Pick::Best(0)),
            ..Feedback::default()
        };
        let t = Instant::now();
        store
            .decide_with(
                &DecisionInput {
                    id: format!("bench-{run}-{}", pair[0]),
                    item: pair[0].clone(),
                    item_version: item.version,
                    reviewer: "bench".into(),
                    action: Action::Approve,
                    edited: None,
                    reason: None,
                    note: None,
                },
                &feedback,
            )
            .expect("decide");
        let decided = t.elapsed();
        // As the app loads it: with the privacy screen's findings and the claims.
        let next = store.item_shown(&pair[1]).expect("next item");
        decide.push(decided);
        decide_next.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(next.privacy_findings());
        screen.push(t.elapsed());
        if let ItemBody::Answer(answer) = &next.body {
            let t = Instant::now();
            std::hint::black_box(claims_of(&answer.answer, &answer.evidence));
            claims.push(t.elapsed());
        }
    }
    common::report_row("decide (approve)", decide);
    common::report_row("decide → next item loaded", decide_next);
    common::report_row("of which the privacy screen of the item", screen);
    // A comparison (`make_stats_db.py --comparisons`) has no claims.
    if !claims.is_empty() {
        common::report_row("of which its claims and grounding hints", claims);
    }

    let max_id: i64 = store
        .conn()
        .query_row("SELECT max(id) FROM items", [], |r| r.get(0))
        .expect("max id");
    seed_verdicts(&store);
    // As the dashboard opens it: the pending items of the run's domain the model passed.
    let confident = QueueFilter {
        status: Some(ItemStatus::Pending),
        domain: Some("finance".into()),
        vetter_confident: Some(ConfidentPass {
            model: "bench-vetter".into(),
            min_score: 0.9,
        }),
        ..QueueFilter::default()
    };
    for (label, filter, deep) in [
        (
            "queue_page oldest, first page",
            QueueFilter::default(),
            None,
        ),
        (
            "queue_page oldest, at 90 %",
            QueueFilter::default(),
            Some(QueueCursor {
                key: max_id * 9 / 10,
                id: max_id * 9 / 10,
            }),
        ),
        (
            "queue_page newest, at 90 %",
            QueueFilter {
                sort: QueueSort::Newest,
                ..QueueFilter::default()
            },
            Some(QueueCursor {
                key: max_id / 10,
                id: max_id / 10,
            }),
        ),
        (
            "queue_page risk, first page",
            QueueFilter {
                sort: QueueSort::Risk,
                ..QueueFilter::default()
            },
            None,
        ),
        ("queue_page pending, first page", pending.clone(), None),
        (
            "queue_page vetter confident (pending, ≥ 0.9), first page",
            confident.clone(),
            None,
        ),
        (
            "queue_page pending, at 90 %",
            pending.clone(),
            Some(QueueCursor {
                key: max_id * 9 / 10,
                id: max_id * 9 / 10,
            }),
        ),
    ] {
        // 50 consecutive pages from the starting point, as scrolling reads them.
        let mut times = Vec::new();
        let mut after = deep;
        for _ in 0..50 {
            let t = Instant::now();
            let page = store.queue_page(&filter, after, 50).expect("page");
            times.push(t.elapsed());
            after = page.next_after.or(deep);
        }
        common::report_row(label, times);
    }

    seed_rare_words(&mut store);
    for query in [
        "vilo",
        "re qumi",
        "ka",
        "ka lo",
        "quetmi ange jusazu",
        "kalo-vilo",
        "zqrare10",
        "zqrare100",
        "zqrare1000",
        "ka zqrare100",
        "vilo qumi zqrare1000",
        "pefilo",
        "revenue",
        "NEAR( \"x* col:y",
    ] {
        let found = store.search(query, 20).expect("search");
        let order = match found.order {
            SearchOrder::Relevance => "ranked",
            SearchOrder::Newest => "newest first",
        };
        let times = (0..21)
            .map(|_| {
                let t = Instant::now();
                store.search(query, 20).expect("search");
                t.elapsed()
            })
            .collect();
        common::report_row(
            &format!("search `{query}` ({} hits, {order})", found.hits.len()),
            times,
        );
    }
    let times = (0..11)
        .map(|_| {
            let t = Instant::now();
            store.queue_facets().expect("facets");
            t.elapsed()
        })
        .collect();
    common::report_row("queue_facets", times);
    let times = (0..11)
        .map(|_| {
            let t = Instant::now();
            store
                .status_counts(&QueueFilter::default())
                .expect("counts");
            t.elapsed()
        })
        .collect();
    common::report_row("status_counts", times);
    let times = (0..11)
        .map(|_| {
            let t = Instant::now();
            store.status_counts(&confident).expect("counts");
            t.elapsed()
        })
        .collect();
    common::report_row("status_counts, vetter confident", times);
}

/// Gives every item without a verdict one from `bench-vetter`, once: pass, flag and fail in turn
/// by row id, scores spread evenly over 0..1 (so a tenth of the passes score at least 0.9).
fn seed_verdicts(store: &Store) {
    store
        .conn()
        .execute(
            "UPDATE items SET vetting = json_object(
                 'model', 'bench-vetter',
                 'verdict', CASE id % 3 WHEN 0 THEN 'pass' WHEN 1 THEN 'flag' ELSE 'fail' END,
                 'score', (id / 3 % 1000) / 1000.0, 'reasons', json('[]'))
             WHERE vetting IS NULL",
            [],
        )
        .expect("seed verdicts");
}

/// Adds, once, 1,000 answers whose text mixes common corpus words with `zqrare1000` (all),
/// `zqrare100` (the first 100) and `zqrare10` (the first 10): words no generated item contains.
fn seed_rare_words(store: &mut Store) {
    let seeded = store.search("zqrare1000", 1).expect("search");
    if !seeded.hits.is_empty() {
        return;
    }
    let lines: Vec<String> = (0..1000)
        .map(|i| {
            let rare = match i {
                0..10 => "zqrare10 zqrare100 zqrare1000",
                10..100 => "zqrare100 zqrare1000",
                _ => "zqrare1000",
            };
            serde_json::json!({
                "kind": "answer",
                "id": format!("bench-rare-{i}"),
                "domain": "finance",
                "model": "bench",
                "question": "ka lo vilo re qumi",
                "answer": format!("ka vilo {rare} mi re qumi sa lo"),
                "evidence": [{"id": "doc-1", "title": "ka", "text": "lo mi re", "source": "bench"}],
            })
            .to_string()
        })
        .collect();
    let file =
        std::env::temp_dir().join(format!("vetted-review-rare-{}.jsonl", std::process::id()));
    std::fs::write(&file, lines.join("\n")).expect("write the rare-word items");
    store
        .import_path(&file)
        .expect("import the rare-word items");
    std::fs::remove_file(&file).expect("remove the rare-word file");
}
