//! Import benchmark (not a timed test): `cargo bench --bench import -- N [--rounds R]
//! [--compare-fts]` (default 100000 items, 1 round; 2 rounds run ABBA).
//!
//! Generates N synthetic answer items of ~2 KB (question, answer, two evidence passages) into
//! a JSONL file, then reports in one run:
//! 1. Vetted: the release `vetted import` as a child process — items/s, MB/s, peak RSS (the
//!    child's `ru_maxrss`);
//! 2. the ceiling: a raw rusqlite loop writing the same rows into the same tables, indexes and
//!    full-text index of a database created by the same migrations, in transactions of the same
//!    size, with the same pragmas — only time spent in SQLite counts (rows are prepared
//!    untimed);
//! 3. their ratio, and search latency (p50/p95) on the imported database.
//!
//! With `--compare-fts` it also times the ceiling with the other bulk-load strategy for the
//! full-text index: rows first, index built afterwards (batched `INSERT … SELECT` from the
//! `item_search_text` view) — the "rebuild after a large import" design.
//!
//! Files go to `$VETTED_BENCH_DIR` (default `target/bench-import`); 1M items need ~8 GB.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use rusqlite::{Connection, TransactionBehavior, params};
use vetted::Store;
use vetted::content_hash::content_hash;
use vetted::domain::{AnswerBody, Evidence, ItemBody};
use vetted::import::BATCH_ITEMS;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| args[i - 1] != "--rounds")
        .find_map(|(_, a)| a.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::var_os("VETTED_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-import"));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let file = dir.join(format!("items-{n}.jsonl"));
    let (vetted_db, raw_db) = (
        dir.join(format!("vetted-{n}.db")),
        dir.join(format!("raw-{n}.db")),
    );
    for db in [&vetted_db, &raw_db] {
        for suffix in ["", "-wal", "-shm", "-import.lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }

    let started = Instant::now();
    let bytes = write_items(&file, n);
    let mb = bytes as f64 / 1e6;
    println!(
        "generated {n} items, {mb:.0} MB ({:.0} B/item) in {:.1}s",
        bytes as f64 / n as f64,
        started.elapsed().as_secs_f64()
    );

    let compare_fts = args.iter().any(|a| a == "--compare-fts");
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(1);
    // Rounds alternate the order (Vetted then ceiling, ceiling then Vetted, …: ABBA for two
    // rounds), so a load that rises or falls during the run favours neither side.
    let (mut vetted_time, mut vetted_cpu, mut raw_time, mut raw_cpu) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut peak_rss_kb = 0;
    let mut round_lines = Vec::new();
    for round in 0..rounds {
        let run_vetted = || {
            remove_db(&vetted_db);
            let load = load_average();
            let (t, cpu, rss) = import_with_vetted(&vetted_db, &file);
            println!(
                "round {}: Vetted {:.1} s ({:.1} s CPU, load {load})",
                round + 1,
                t.as_secs_f64(),
                cpu.as_secs_f64()
            );
            (t, cpu, rss)
        };
        let run_raw = || {
            remove_db(&raw_db);
            let load = load_average();
            let (t, cpu) = import_raw(&raw_db, n, FtsStrategy::SameBatch);
            println!(
                "round {}: ceiling {:.1} s ({:.1} s CPU, load {load})",
                round + 1,
                t.as_secs_f64(),
                cpu.as_secs_f64()
            );
            (t, cpu)
        };
        let ((vt, vc, rss), (rt, rc)) = if round % 2 == 0 {
            let v = run_vetted();
            (v, run_raw())
        } else {
            let r = run_raw();
            (run_vetted(), r)
        };
        vetted_time += vt;
        vetted_cpu += vc;
        raw_time += rt;
        raw_cpu += rc;
        peak_rss_kb = peak_rss_kb.max(rss);
        round_lines.push(format!(
            "round {}: Vetted {:.1} s, ceiling {:.1} s → ratio {:.2}",
            round + 1,
            vt.as_secs_f64(),
            rt.as_secs_f64(),
            rt.as_secs_f64() / vt.as_secs_f64()
        ));
    }
    let vetted_rate = (n * rounds) as f64 / vetted_time.as_secs_f64();
    let raw_rate = (n * rounds) as f64 / raw_time.as_secs_f64();
    let (vetted_time, vetted_cpu, raw_time, raw_cpu) = (
        vetted_time / rounds as u32,
        vetted_cpu / rounds as u32,
        raw_time / rounds as u32,
        raw_cpu / rounds as u32,
    );

    let store = Store::open(&vetted_db).expect("open imported db");
    assert_eq!(
        store
            .status_counts(&Default::default())
            .expect("counts")
            .total(),
        n as i64,
        "every item was imported"
    );
    let mut report = String::new();
    for line in &round_lines {
        writeln!(report, "{line}").unwrap();
    }
    writeln!(
        report,
        "\n| N = {n}, {rounds} round(s), mean | wall time | items/s | MB/s | CPU time | peak RSS |"
    )
    .unwrap();
    writeln!(report, "|---|---|---|---|---|---|").unwrap();
    writeln!(
        report,
        "| Vetted `import` | {:.1} s | {vetted_rate:.0} | {:.1} | {:.1} s | {:.0} MB |",
        vetted_time.as_secs_f64(),
        mb / vetted_time.as_secs_f64(),
        vetted_cpu.as_secs_f64(),
        peak_rss_kb as f64 / 1024.0
    )
    .unwrap();
    writeln!(
        report,
        "| raw rusqlite loop (ceiling) | {:.1} s | {raw_rate:.0} | {:.1} | {:.1} s | – |",
        raw_time.as_secs_f64(),
        mb / raw_time.as_secs_f64(),
        raw_cpu.as_secs_f64()
    )
    .unwrap();
    if compare_fts {
        let after_db = dir.join(format!("raw-fts-after-{n}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", after_db.display()));
        }
        let (after_time, after_cpu) = import_raw(&after_db, n, FtsStrategy::After);
        writeln!(
            report,
            "| raw loop, FTS built after the rows | {:.1} s | {:.0} | {:.1} | {:.1} s | – |",
            after_time.as_secs_f64(),
            n as f64 / after_time.as_secs_f64(),
            mb / after_time.as_secs_f64(),
            after_cpu.as_secs_f64()
        )
        .unwrap();
    }
    writeln!(
        report,
        "\nratio Vetted / ceiling: **{:.2}**",
        vetted_rate / raw_rate
    )
    .unwrap();
    writeln!(
        report,
        "database sizes: Vetted {:.0} MB, raw {:.0} MB\n",
        db_size(&vetted_db),
        db_size(&raw_db)
    )
    .unwrap();
    writeln!(report, "| search query | hits | p50 | p95 |").unwrap();
    writeln!(report, "|---|---|---|---|").unwrap();
    for query in [
        word(0),
        word(40),
        word(1500),
        format!("{} {}", word(3), word(90)),
        "revenue".to_owned(),
        "NEAR( \"x* col:y".to_owned(),
    ] {
        let (hits, p50, p95) = search_latency(&store, &query);
        writeln!(
            report,
            "| `{query}` | {hits} | {:.1} ms | {:.1} ms |",
            p50.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3
        )
        .unwrap();
    }
    println!("{report}");
}

/// A deterministic generator (64-bit LCG): the same N gives the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Word ranks skewed towards the common ones, like natural text.
    fn text(&mut self, chars: usize) -> String {
        let mut out = String::with_capacity(chars + 16);
        while out.len() < chars {
            let r = (self.next() % 4096) as f64 / 4096.0;
            let rank = (r * r * r * VOCABULARY as f64) as usize;
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word(rank));
        }
        out
    }
}

const VOCABULARY: usize = 20_000;

/// The word of a given rank: pronounceable, distinct for every rank.
fn word(rank: usize) -> String {
    const SYLLABLES: [&str; 32] = [
        "ka", "lo", "mi", "re", "tu", "sa", "ne", "po", "vi", "da", "ge", "ho", "ju", "be", "fi",
        "ra", "zu", "ol", "an", "is", "et", "um", "or", "ex", "in", "al", "qu", "ty", "pe", "ri",
        "so", "wa",
    ];
    let mut r = rank;
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[r % 32]);
        r /= 32;
        if r == 0 {
            break;
        }
    }
    w
}

fn item(i: usize, rng: &mut Rng) -> (String, AnswerBody) {
    let body = AnswerBody {
        question: format!("{}?", rng.text(110)),
        answer: rng.text(450),
        evidence: (1..=2)
            .map(|k| Evidence {
                id: format!("doc-{k}"),
                title: rng.text(40),
                text: rng.text(650),
                source: format!("s3://corpus/{}/{k}.txt", i % 997),
            })
            .collect(),
    };
    (format!("bench-{i:08}"), body)
}

fn write_items(path: &Path, n: usize) -> u64 {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    let mut rng = Rng(42);
    for i in 0..n {
        let (id, body) = item(i, &mut rng);
        let line = serde_json::json!({
            "kind": "answer", "id": id, "domain": "finance", "model": "llama-3.1-8b",
            "question": body.question, "answer": body.answer, "evidence": body.evidence,
        });
        serde_json::to_writer(&mut out, &line).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    std::fs::metadata(path).expect("size").len()
}

/// Runs the release `vetted import` on `file`; returns its wall time, CPU time (user + system,
/// all threads) and peak RSS (KiB).
fn import_with_vetted(db: &Path, file: &Path) -> (Duration, Duration, i64) {
    let before = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_vetted"))
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(file)
        .env_remove("VETTED_DB")
        .status()
        .expect("run vetted");
    let elapsed = started.elapsed();
    assert!(status.success(), "vetted import failed");
    // The children are the imports (and the build of nothing else), so the maximum is the
    // largest import's peak; CPU time accumulates, hence the difference.
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    (
        elapsed,
        cpu_time(&usage) - cpu_time(&before),
        usage.max_rss(),
    )
}

fn cpu_time(usage: &nix::sys::resource::Usage) -> Duration {
    let micros = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
    Duration::from_micros(micros(usage.user_time()) + micros(usage.system_time()))
}

fn thread_cpu() -> Duration {
    cpu_time(&getrusage(UsageWho::RUSAGE_THREAD).expect("getrusage"))
}

#[derive(Clone, Copy, PartialEq)]
enum FtsStrategy {
    /// Full-text rows in the same transactions as the items (what Vetted does).
    SameBatch,
    /// Items first; the index afterwards, batch by batch, from the view.
    After,
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-import.lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// The 1-minute load average, for the record.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The ceiling: the same rows, written by hand, timing only the SQLite work.
/// Returns wall time and CPU time of the timed sections.
fn import_raw(db: &Path, n: usize, fts: FtsStrategy) -> (Duration, Duration) {
    drop(Store::open(db).expect("create schema"));
    let mut conn = Connection::open(db).expect("open raw");
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("sync");
    conn.pragma_update(None, "foreign_keys", true).expect("fk");
    conn.pragma_update(None, "cache_size", -32 * 1024)
        .expect("cache");
    conn.execute(
        "INSERT INTO imports (source, file_sha256, items_new, items_present, imported_at, state)
         VALUES ('raw', '', 0, 0, '2026-01-01T00:00:00.000Z', 'running')",
        [],
    )
    .expect("import row");
    let import_id = conn.last_insert_rowid();
    let mut rng = Rng(42);
    let mut timed = Duration::ZERO;
    let mut cpu = Duration::ZERO;
    let mut i = 0;
    while i < n {
        let rows: Vec<_> = (i..(i + BATCH_ITEMS).min(n))
            .map(|k| {
                let (id, body) = item(k, &mut rng);
                let payload = serde_json::json!({"question": body.question, "answer": body.answer})
                    .to_string();
                let hash = content_hash("finance", "llama-3.1-8b", &ItemBody::Answer(body.clone()));
                (id, body, payload, hash)
            })
            .collect();
        i += rows.len();
        let started = Instant::now();
        let cpu_started = thread_cpu();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        {
            let mut item_stmt = tx
                .prepare_cached(
                    "INSERT INTO items (external_id, kind, domain, model, title, payload, vetting,
                        metadata, content_hash, created_at, updated_at, import_id)
                     VALUES (?1, 'answer', 'finance', 'llama-3.1-8b', ?2, ?3, NULL, '{}', ?4,
                        '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', ?5)",
                )
                .expect("prepare");
            let mut evidence_stmt = tx
                .prepare_cached(
                    "INSERT INTO evidence (item_id, position, passage_id, title, text, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .expect("prepare");
            let mut fts_stmt = tx
                .prepare_cached(
                    "INSERT INTO items_fts (rowid, title, body, context) VALUES (?1, ?2, ?3, ?4)",
                )
                .expect("prepare");
            for (id, body, payload, hash) in &rows {
                item_stmt
                    .execute(params![id, body.question, payload, hash, import_id])
                    .expect("item");
                let rowid = tx.last_insert_rowid();
                let mut context = String::new();
                for (pos, e) in body.evidence.iter().enumerate() {
                    evidence_stmt
                        .execute(params![rowid, pos as i64, e.id, e.title, e.text, e.source])
                        .expect("evidence");
                    if pos > 0 {
                        context.push('\n');
                    }
                    context.push_str(&e.title);
                    context.push(' ');
                    context.push_str(&e.text);
                }
                if fts == FtsStrategy::SameBatch {
                    fts_stmt
                        .execute(params![rowid, body.question, body.answer, context])
                        .expect("fts");
                }
            }
        }
        tx.commit().expect("commit");
        timed += started.elapsed();
        cpu += thread_cpu() - cpu_started;
    }
    let started = Instant::now();
    let cpu_started = thread_cpu();
    if fts == FtsStrategy::After {
        let max: i64 = conn
            .query_row("SELECT max(id) FROM items", [], |r| r.get(0))
            .expect("max id");
        for lo in (1..=max).step_by(BATCH_ITEMS) {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .expect("begin");
            tx.execute(
                "INSERT INTO items_fts (rowid, title, body, context)
                 SELECT id, title, body, context FROM item_search_text WHERE id BETWEEN ?1 AND ?2",
                params![lo, lo + BATCH_ITEMS as i64 - 1],
            )
            .expect("fts after");
            tx.commit().expect("commit");
        }
    }
    conn.execute(
        "UPDATE imports SET state = 'complete', items_new = ?1 WHERE id = ?2",
        params![n as i64, import_id],
    )
    .expect("finish");
    (timed + started.elapsed(), cpu + thread_cpu() - cpu_started)
}

fn search_latency(store: &Store, query: &str) -> (usize, Duration, Duration) {
    let hits = store.search(query, 20).expect("search").hits.len();
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let started = Instant::now();
            store.search(query, 20).expect("search");
            started.elapsed()
        })
        .collect();
    times.sort();
    (hits, times[10], times[19])
}

fn db_size(db: &Path) -> f64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len() as f64 / 1e6)
        .sum()
}
