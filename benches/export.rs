//! Export throughput against a raw loop, in the same run.
//!
//! `cargo bench --bench export -- N [--only FORMAT]` (default 100000) builds (or reuses, see
//! below) a database with N reviewed
//! answer items of ~2 KB (60 % approved, 25 % edited, 15 % rejected; every tenth item repeats its
//! predecessor's prompt so rejects find DPO siblings), then times Vetted's export per format and a
//! raw loop that streams the same rows (the export's own SELECT) with serde_json into a file,
//! and prints items/s and the ratio export/raw (target ≥ 0.7). A raw run precedes every export
//! and follows the last; each export is compared with the faster of its two neighbours.
//!
//! `--drop-raw-output` deletes the raw loop's file after each raw run (outside its timing), as is
//! always done with each export's files: without it the raw output (~3 GB at 1M) stays in the page
//! cache while the next export runs, and the next raw run starts by truncating it.

use std::io::{BufWriter, Write};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use vetted::Store;
use vetted::domain::{Action, DecisionInput, EditedContent};
use vetted::export::{ExportOptions, Filters, Format, PiiMode, export, reviewed_items_sql};

/// Items per import call (one transaction each).
const CHUNK: usize = 10_000;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    let drop_raw_output = std::env::args().any(|a| a == "--drop-raw-output");
    // The database is kept in `$VETTED_BENCH_DIR` (default `target/bench-export`) and reused by
    // later runs with the same N: building it takes longer than the exports.
    let dir = std::env::var_os("VETTED_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-export")
        });
    std::fs::create_dir_all(&dir).expect("bench dir");
    let db = dir.join(format!("export-{n}.db"));
    let out_dir = tempfile::tempdir_in(&dir).expect("output dir");
    let reuse = Store::open(&db).is_ok_and(|store| {
        store
            .conn()
            .query_row("SELECT count(*) FROM decisions", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|decided| decided == n as i64)
    });
    if !reuse {
        for suffix in ["", "-wal", "-shm", "-import.lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let mut store = Store::open(&db).expect("open store");
        let t = Instant::now();
        populate(&mut store, n);
        eprintln!(
            "built {n} reviewed items in {:.1}s",
            t.elapsed().as_secs_f64()
        );
    }
    let store = Store::open(&db).expect("open store");

    // A raw run before every export and one after the last: each export is compared with the
    // faster of the raw runs on either side of it, so a load that changes during the run (the
    // machine is shared) neither flatters nor penalizes a format, and a slow baseline never
    // flatters the ratio.
    let raw_path = out_dir.path().join("raw.jsonl");
    let mut raw_bytes = 0;
    let mut raw_run = || {
        let timing = raw_loop(&store, &raw_path);
        raw_bytes = std::fs::metadata(&raw_path).map_or(0, |m| m.len());
        if drop_raw_output {
            std::fs::remove_file(&raw_path).expect("remove raw output");
        }
        timing
    };
    let mut raws = vec![raw_run()];
    let mut results = Vec::new();
    for (label, format, pii) in [
        ("openai-sft", Format::OpenaiSft, PiiMode::Redact),
        ("openai-dpo", Format::OpenaiDpo, PiiMode::Redact),
        ("trl-sft", Format::TrlSft, PiiMode::Redact),
        ("trl-dpo", Format::TrlDpo, PiiMode::Redact),
        ("trl-kto", Format::TrlKto, PiiMode::Redact),
        ("decisions", Format::Decisions, PiiMode::Redact),
        ("decisions-csv", Format::DecisionsCsv, PiiMode::Redact),
        ("trl-sft --pii off", Format::TrlSft, PiiMode::Off),
    ] {
        if only.as_deref().is_some_and(|o| o != label) {
            continue;
        }
        let out = out_dir
            .path()
            .join(format!("{}.out", label.replace([' ', '-'], "_")));
        let options = ExportOptions {
            pii,
            force: true,
            ..ExportOptions::new(format, &out)
        };
        let (t, cpu) = (Instant::now(), process_cpu());
        let manifest =
            export(&store, &options, &mut |_| {}, &AtomicBool::new(false)).expect("export");
        let (secs, cpu) = (t.elapsed().as_secs_f64(), process_cpu() - cpu);
        let stem = out
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let bytes = bytes_written(out_dir.path(), &stem);
        for entry in std::fs::read_dir(out_dir.path())
            .expect("read dir")
            .flatten()
        {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{stem}."))
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        results.push((
            label,
            secs,
            cpu,
            manifest.counts.lines(),
            bytes,
            raws.len() - 1,
        ));
        raws.push(raw_run());
    }
    let raw_mb = raw_bytes as f64 / 1e6;
    let fmt_raw = |(secs, cpu): (f64, f64)| format!("{secs:.2}s ({cpu:.2}s CPU)");
    println!(
        "items: {n}; raw loop runs: {}; {raw_mb:.0} MB{}; load average {}",
        raws.iter()
            .map(|r| fmt_raw(*r))
            .collect::<Vec<_>>()
            .join(", "),
        if drop_raw_output {
            " (dropped after each run)"
        } else {
            ""
        },
        load_average()
    );
    println!(
        "{:<20} {:>8} {:>8} {:>10} {:>8} {:>10} {:>10} {:>7} {:>9}",
        "format", "seconds", "CPU s", "lines", "MB", "items/s", "raw/s", "ratio", "CPU ratio"
    );
    for (label, secs, cpu, lines, bytes, before) in results {
        let (raw_a, raw_b) = (raws[before], raws[before + 1]);
        let raw_secs = raw_a.0.min(raw_b.0);
        let raw_cpu = raw_a.1.min(raw_b.1);
        let rate = n as f64 / secs;
        let raw_rate = n as f64 / raw_secs;
        let mb = bytes as f64 / 1e6;
        println!(
            "{label:<20} {secs:>8.2} {cpu:>8.2} {lines:>10} {mb:>8.0} {rate:>10.0} {raw_rate:>10.0} {:>7.2} {:>9.2}",
            rate / raw_rate,
            raw_cpu / cpu
        );
    }
}

/// CPU time (user + system) of this process, all threads, in seconds.
fn process_cpu() -> f64 {
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF).expect("rusage");
    let secs = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    secs(usage.user_time()) + secs(usage.system_time())
}

/// The 1-minute load average, for the record.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Bytes of every file in `dir` whose name starts with `stem.` (an export and its companions).
fn bytes_written(dir: &std::path::Path, stem: &str) -> u64 {
    let prefix = format!("{stem}.");
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum()
}

/// Streams the export's SELECT (no filters) and writes every row as a JSON object; returns wall
/// and CPU seconds.
fn raw_loop(store: &Store, path: &std::path::Path) -> (f64, f64) {
    let (t, cpu) = (Instant::now(), process_cpu());
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("raw file"));
    let mut stmt = store
        .conn()
        .prepare(&reviewed_items_sql())
        .expect("prepare");
    let params = Filters::default().params();
    let params: Vec<&dyn rusqlite::ToSql> =
        params.iter().map(|p| p as &dyn rusqlite::ToSql).collect();
    let mut rows = stmt.query(&params[..]).expect("query");
    let mut line = Vec::with_capacity(8192);
    while let Some(r) = rows.next().expect("row") {
        let mut object = serde_json::Map::new();
        for (i, name) in [
            "id",
            "external_id",
            "kind",
            "domain",
            "model",
            "payload",
            "vetting",
            "decision",
            "item_version",
            "reviewer",
            "action",
            "edited",
            "reason",
            "note",
            "decided_at",
            "evidence",
        ]
        .iter()
        .enumerate()
        {
            let value = match r.get_ref(i).expect("column") {
                rusqlite::types::ValueRef::Integer(v) => v.into(),
                rusqlite::types::ValueRef::Text(t) => {
                    String::from_utf8_lossy(t).into_owned().into()
                }
                _ => serde_json::Value::Null,
            };
            object.insert((*name).to_owned(), value);
        }
        line.clear();
        serde_json::to_writer(&mut line, &object).expect("serialize");
        line.push(b'\n');
        out.write_all(&line).expect("write");
    }
    out.flush().expect("flush");
    out.into_inner().expect("flush").sync_all().expect("sync");
    (t.elapsed().as_secs_f64(), process_cpu() - cpu)
}

const WORDS: &[&str] = &[
    "revenue",
    "quarter",
    "growth",
    "margin",
    "customer",
    "region",
    "product",
    "segment",
    "report",
    "increase",
    "decline",
    "forecast",
    "guidance",
    "operating",
    "income",
    "shares",
    "dividend",
];

fn text(seed: usize, words: usize) -> String {
    (0..words)
        .map(|i| WORDS[(seed.wrapping_mul(31) + i * 7 + i / 3) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn populate(store: &mut Store, n: usize) {
    // Fewer checks while building: the bench database is throwaway.
    store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    for start in (0..n).step_by(CHUNK) {
        let mut jsonl = String::new();
        for i in start..(start + CHUNK).min(n) {
            let prompt_seed = if i % 10 == 9 { i - 1 } else { i };
            let line = serde_json::json!({
                "kind": "answer", "id": format!("b-{i}"), "domain": "finance", "model": "bench-model",
                "question": format!("Question {prompt_seed}: {}?", text(prompt_seed, 12)),
                "answer": format!("{} {i}", text(i, 50)),
                "evidence": [
                    {"id": "doc-1", "title": "Annual report", "text": text(prompt_seed, 110), "source": "s3://reports/a.pdf"},
                    {"id": "doc-2", "title": "Call notes", "text": text(prompt_seed + 1, 110), "source": "s3://reports/b.pdf"}
                ],
                "vetting": {"model": "vetter", "verdict": "pass", "score": 0.9, "reasons": []}
            });
            jsonl.push_str(&line.to_string());
            jsonl.push('\n');
        }
        let file = store.path().with_file_name("bench-items.jsonl");
        std::fs::write(&file, &jsonl).expect("write bench items");
        store.import_path(&file).expect("import");
    }
    for i in 0..n {
        let (action, edited, reason) = match i % 20 {
            0..=11 => (Action::Approve, None, None),
            12..=16 => (
                Action::Edit,
                Some(EditedContent::Answer {
                    answer: format!("{} corrected", text(i + 3, 45)),
                }),
                None,
            ),
            _ => (
                Action::Reject,
                None,
                Some("unsupported_by_evidence".to_owned()),
            ),
        };
        store
            .decide(&DecisionInput {
                id: format!("d-{i}"),
                item: format!("b-{i}"),
                item_version: 1,
                reviewer: format!("reviewer-{}", i % 5),
                action,
                edited,
                reason,
                note: None,
            })
            .expect("decide");
    }
}
