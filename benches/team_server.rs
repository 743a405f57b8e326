//! Team-server benchmark (not a timed test), against a real PostgreSQL on loopback:
//!
//! `bash scripts/with-postgres.sh cargo bench --bench team_server -- [N] [--reviewers R]
//! [--decisions D] [--vacuum]` (default 100000 items, 20 reviewers, 100 decisions each;
//! `--vacuum` vacuums the items before each team run of step 3 and stops after step 3).
//!
//! It needs `VETTED_TEST_POSTGRES_URL` (an administrator's URL, as `scripts/with-postgres.sh`
//! sets) and creates its own database there. In one run it reports:
//! 1. import: N synthetic answer items (question, answer, two passages) through
//!    `TeamServer::import_path` (parse + `COPY` + insert), against the ceiling — a raw `COPY` of
//!    the same rows, read back from the server, into a table with the same columns and indexes;
//! 2. what the app's review screen asks of the server at N items, one reviewer, 21 runs each:
//!    a queue page (the All tab, 50 rows from a random place; riskiest and most likely first,
//!    page after page, of every item and of one domain), the Pending tab (its claim of 10), the
//!    counts, and searches for words in 1, N/1000, N/100 and every item;
//! 3. R reviewers (their own logins and connections) claiming 5 items at a time and approving
//!    them D times each, each pausing 125–375 ms after a decision: with the reviewer filter's
//!    index, without it and with it again (A/B/A), then answering a review form in force in
//!    every domain; then at full speed (saturation), answering the form: claim and decide
//!    latency, p50/p95/p99/max over all of them;
//! 4. a snapshot of the whole server against a local import of the same items (and its peak
//!    memory), and `vetted export` from the server against the same export of the snapshot;
//! 5. the stats dashboard's figures on the server, as the owner and as a reviewer (row-level
//!    security applies), against the same figures of the snapshot file, 7 runs each;
//! 6. the demo's Chinook candidates' computed evidence and the review graph (Chinook registered),
//!    on the server as a reviewer against the snapshot file given the same products and
//!    candidates; then what an LLM run reads before its first call, by its scope (the whole
//!    server, one of the three domains, the relationship items discovery reads);
//! 7. the vetting model run by an SME on the server against the same run on the snapshot file:
//!    200 items, 4 calls in flight, an instant model (a loopback stub answering each call at
//!    once, so what is measured is Vetted's own work per call: prompt, request, parsing, writes,
//!    and on the server copying the call and its verdict), rounds in ABBA order; the snapshot a
//!    server run reads first is reported apart;
//! 8. the same for answering 200 questions as the owner (each answer copied with its new item).

use std::io::{Read, Write};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};
use vetted::Store;
use vetted::domain::{Action, DecisionInput, Feedback, ItemStatus, QueueCursor};
use vetted::store::{QueueFilter, QueueSort};
use vetted::team::Role;
use vetted::team_server::{RunWrites, SnapshotScope, TeamServer};

mod common;

fn main() {
    let args = common::args();
    let n: usize = args
        .iter()
        .find_map(|a| a.replace('_', "").parse().ok())
        .filter(|_| !args.first().is_some_and(|a| a.starts_with("--")))
        .unwrap_or(100_000);
    let reviewers = common::number(&args, "reviewers", 20);
    let decisions = common::number(&args, "decisions", 100);
    let vacuum = args.iter().any(|a| a == "--vacuum");
    let admin_root = std::env::var("VETTED_TEST_POSTGRES_URL")
        .expect("run under scripts/with-postgres.sh (VETTED_TEST_POSTGRES_URL)");
    let name = format!("vetted_bench_{}", std::process::id());
    Client::connect(&admin_root, NoTls)
        .expect("connect")
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create the bench database");
    let (base, _) = admin_root.rsplit_once('/').expect("a database in the URL");
    let admin = format!("{base}/{name}");
    let (mut server, _) = TeamServer::init(&admin).expect("team init");

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("items.jsonl");
    write_items(&file, n);
    let started = Instant::now();
    let report = server.import_path(&file, 1).expect("import");
    let ours = started.elapsed();
    assert_eq!(report.new, n, "every item is new");
    println!("import of {n} items: {:.2} s", ours.as_secs_f64());
    let ceiling = raw_copy(&admin);
    println!(
        "import of {n} items: Vetted {:.2} s ({:.0} items/s), raw COPY of the same rows {:.2} s \
         → ratio {:.2}",
        ours.as_secs_f64(),
        n as f64 / ours.as_secs_f64(),
        ceiling.as_secs_f64(),
        ceiling.as_secs_f64() / ours.as_secs_f64()
    );

    let reader = format!("bench_reader_{}", std::process::id());
    server
        .add_reviewer(&reader, Role::Analyst, None)
        .expect("add reviewer");
    review_screen(&login_url(&admin, &reader), n);

    let logins: Vec<String> = (0..reviewers)
        .map(|i| {
            let login = format!("bench_{}_{i}", std::process::id());
            server
                .add_reviewer(&login, Role::Analyst, None)
                .expect("add reviewer");
            login_url(&admin, &login)
        })
        .collect();
    // The paced team first: the saturation run leaves the server busy (vacuum, analyze) for a
    // while after it ends.
    println!(
        "\n{reviewers} reviewers, each pausing {}–{} ms after a decision (a team far faster than \
         people read):",
        PACE.start().as_millis(),
        PACE.end().as_millis()
    );
    vacuum_items(&admin, vacuum);
    review(&logins, decisions, PACE, false);
    // What the reviewer filter's partial index costs a decision: the same paced run without it,
    // then with it again (A/B/A, so the machine's drift shows).
    let mut sql = Client::connect(&admin, NoTls).expect("connect");
    sql.batch_execute("DROP INDEX vetted.items_by_decided_by")
        .expect("drop the index");
    println!("\nthe same, without the index items_by_decided_by:");
    vacuum_items(&admin, vacuum);
    review(&logins, decisions, PACE, false);
    sql.batch_execute(
        "CREATE INDEX items_by_decided_by ON vetted.items (decided_by)
          WHERE decided_by IS NOT NULL",
    )
    .expect("create the index again");
    println!("\nthe same, with the index again:");
    vacuum_items(&admin, vacuum);
    review(&logins, decisions, PACE, false);
    // A review form in force in every domain: each decision answers it, in its transaction.
    let form = vetted::review_form::parse_form(vetted::review_form::EXAMPLE_FORM).expect("form");
    for domain in ["finance", "support", "legal"] {
        server
            .set_review_form(domain, Some(&form))
            .expect("a form in force");
    }
    println!("\nthe same, each decision answering the domain's review form (3 questions):");
    vacuum_items(&admin, vacuum);
    review(&logins, decisions, PACE, true);
    println!(
        "\n{reviewers} reviewers at full speed (saturation: every client and server process \
         shares the machine's cores), answering the form:"
    );
    vacuum_items(&admin, vacuum);
    review(&logins, decisions, Duration::ZERO..=Duration::ZERO, true);
    if vacuum {
        // The statistics after the last team run.
        vacuum_items(&admin, vacuum);
        return;
    }
    let snapshot_file = snapshot(&admin, &file, dir.path(), n);
    stats(&admin, &login_url(&admin, &reader), &snapshot_file);
    relationships(&mut server, &login_url(&admin, &reader), &snapshot_file, n);
    scoped_snapshots(&admin);
    let vetter = format!("bench_vetter_{}", std::process::id());
    server
        .add_reviewer(&vetter, Role::Sme, None)
        .expect("add reviewer");
    vetting(
        &login_url(&admin, &vetter),
        &admin,
        &snapshot_file,
        dir.path(),
        n,
    );
}

/// Step 6b: what an LLM run reads before its first call, by what it is about: the whole server
/// (answering questions, any run with reviewed examples in its prompts), one of the three
/// domains (ranking relationships; proposing them, aligning, vetting one domain without
/// examples), the relationship items (discovery; the Chinook candidates step 6 imported). The
/// owner reads; each snapshot is timed in turn, the whole server first and last (its first read
/// finds fewer pages cached) and the ratios against the mean of both.
fn scoped_snapshots(admin: &str) {
    let never = AtomicBool::new(false);
    let mut timed = Vec::new();
    for (label, scope) in [
        ("the whole server", SnapshotScope::Everything),
        ("one domain (legal)", SnapshotScope::Domain("legal".into())),
        ("relationship items", SnapshotScope::Relationships),
        ("the whole server, again", SnapshotScope::Everything),
    ] {
        let mut server = TeamServer::connect(admin).expect("sign in");
        let mut rows = 0;
        let started = Instant::now();
        let snapshot = server
            .temporary_snapshot(&scope, &mut |p| rows = p.total, &never)
            .expect("scoped snapshot");
        timed.push((label, rows, started.elapsed()));
        drop(snapshot);
    }
    let whole = (timed[0].2 + timed[3].2).as_secs_f64() / 2.0;
    println!("\nwhat an LLM run reads first, by its scope:");
    println!("| scope | rows | took | ratio to the whole server's mean |\n|---|---|---|---|");
    for (label, rows, took) in timed {
        println!(
            "| {label} | {rows} | {:.2} s | {:.3} |",
            took.as_secs_f64(),
            took.as_secs_f64() / whole
        );
    }
}

/// With `--vacuum`, a probe of why claims slow down as a team decides at a million items
/// (PERFORMANCE.md, twelfth part): `VACUUM (ANALYZE)` of the items before each team run, which
/// clears the row versions and index entries decisions left behind and stops an autovacuum
/// running meanwhile; timed, after the statistics that tell the team runs apart (dead row
/// versions, autovacuums, checkpoints and buffers written, the oldest snapshot and who holds it,
/// whole-table reads of the tables a claim looks into).
fn vacuum_items(admin: &str, vacuum: bool) {
    if !vacuum {
        return;
    }
    let mut sql = Client::connect(admin, NoTls).expect("connect");
    // What autovacuum did so far and what is left to it; the checkpoints and buffers written
    // so far (their growth from one team run to the next); who holds the oldest snapshot.
    let stats = sql
        .query_one(
            "SELECT n_dead_tup, autovacuum_count, coalesce(last_autovacuum::text, 'never'),
                    (SELECT count(*) FROM pg_stat_activity
                      WHERE query LIKE 'autovacuum:%items%'),
                    (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter),
                    (SELECT buffers_checkpoint + buffers_clean + buffers_backend
                       FROM pg_stat_bgwriter),
                    (SELECT coalesce(max(age(backend_xmin)), 0)::bigint FROM pg_stat_activity),
                    (SELECT coalesce(string_agg(DISTINCT state || ': ' || left(query, 60), ' | '),
                                     'nobody')
                       FROM pg_stat_activity WHERE backend_xmin IS NOT NULL
                        AND pid <> pg_backend_pid())
               FROM pg_stat_user_tables WHERE schemaname = 'vetted' AND relname = 'items'",
            &[],
        )
        .expect("the items' vacuum statistics");
    // Whole-table reads of the tables a claim looks into per candidate, so far, and when each
    // was last analyzed (a plan chosen when the table was near empty may read it all).
    let scans: Vec<String> = sql
        .query(
            "SELECT relname || ' ' || seq_scan || ' scans, ' || seq_tup_read || ' rows read, '
                    || n_live_tup || ' rows, analyzed '
                    || coalesce(greatest(last_analyze, last_autoanalyze)::time::text, 'never')
               FROM pg_stat_user_tables
              WHERE schemaname = 'vetted' AND relname IN ('decisions', 'leases', 'skips')
              ORDER BY relname",
            &[],
        )
        .expect("the scans so far")
        .iter()
        .map(|r| r.get(0))
        .collect();
    println!("\nso far: {}", scans.join("; "));
    let started = Instant::now();
    sql.batch_execute("VACUUM (ANALYZE) vetted.items")
        .expect("vacuum the items");
    println!(
        "\nVACUUM (ANALYZE) of the items: {:.2} s (before it: {} dead row versions, {} \
         autovacuums, the last {}, {} running; {} checkpoints and {} buffers written so far; \
         oldest snapshot {} transactions old, held by {})",
        started.elapsed().as_secs_f64(),
        stats.get::<_, i64>(0),
        stats.get::<_, i64>(1),
        stats.get::<_, String>(2),
        stats.get::<_, i64>(3),
        stats.get::<_, i64>(4),
        stats.get::<_, i64>(5),
        stats.get::<_, i64>(6),
        stats.get::<_, String>(7)
    );
}

/// Items each vetting round judges (at most), and calls in flight.
const VETTED_ITEMS: usize = 200;
const VET_CONCURRENCY: usize = 4;

/// Step 7: a vetting run on the server (snapshot, then the run with each call copied) against
/// the same run on a copy of the snapshot file; then step 8, answering questions the same way.
fn vetting(sme: &str, owner: &str, snapshot: &std::path::Path, dir: &std::path::Path, n: usize) {
    let items = VETTED_ITEMS.min(n);
    use vetted::llm::{CancellationToken, Client, ClientOptions, KeyLookup, PriceTable, Provider};
    use vetted::roles::RunMirror;
    use vetted::roles::vet::{VetSelection, vet};

    let model = instant_model();
    let provider = Provider::new(
        "bench",
        &model,
        "gpt-4o-mini",
        KeyLookup::env("VETTED_BENCH_NO_KEY"),
    )
    .expect("provider");
    let client = Client::new(
        provider,
        ClientOptions {
            concurrency: VET_CONCURRENCY,
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let prices = PriceTable::default();
    let cancel = CancellationToken::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let run = |store: &mut Store, mirror: Option<&std::sync::Mutex<dyn RunMirror>>, _| {
        let ctx = run_context(&client, &prices, &cancel, mirror);
        let selection = VetSelection {
            filter: QueueFilter::default(),
            limit: items,
            revet: true,
            ..VetSelection::default()
        };
        let started = Instant::now();
        let summary = runtime
            .block_on(vet(store, &ctx, selection))
            .expect("vet run");
        assert_eq!(summary.succeeded, items, "every call succeeds");
        started.elapsed()
    };
    let copy = dir.join("vetting.db");
    std::fs::copy(snapshot, &copy).expect("copy the snapshot");
    let mut file = Store::open(&copy).expect("open the copy");
    let times = rounds((sme, RunWrites::Verdicts), &mut file, run);
    report_rounds(&format!("vetting {items} items"), items, &times);

    // Step 8: answering questions, each answer copied to the server with its new item (the
    // import lock, its ids, the call naming the item), against the same on the file. Each round
    // answers questions of its own (a question already an item is skipped).
    let answer = |store: &mut Store, mirror: Option<&std::sync::Mutex<dyn RunMirror>>, round| {
        use vetted::roles::generate::{Question, generate};
        let ctx = run_context(&client, &prices, &cancel, mirror);
        let questions = (0..items)
            .map(|i| Question {
                id: format!("bench-q{round}-{i}"),
                domain: "finance".into(),
                question: format!("What was revenue in quarter {i} of round {round}?"),
                evidence: vec![vetted::domain::Evidence {
                    id: "r".into(),
                    title: "Report".into(),
                    text: format!("Revenue in quarter {i} was {i} million."),
                    source: "report.pdf".into(),
                }],
            })
            .collect();
        let started = Instant::now();
        let summary = runtime
            .block_on(generate(store, &ctx, questions, Default::default(), 1))
            .expect("generate run");
        assert_eq!(summary.items_written, items, "every answer is an item");
        started.elapsed()
    };
    let times = rounds((owner, RunWrites::Items { reviews: 1 }), &mut file, answer);
    report_rounds(&format!("answering {items} questions"), items, &times);
}

/// How long a run took on the file, on the server, and reading the server's snapshot first:
/// one entry per round.
struct Rounds {
    on_file: Vec<Duration>,
    on_server: Vec<Duration>,
    snapshots: Vec<Duration>,
}

/// `run` (given the store, the mirror if any, and the round's number) in ABBA rounds: on
/// `file`, then twice on the server signed in as `login` (a run prepared for `writes` each
/// time), then on `file` again.
fn rounds(
    (login, writes): (&str, RunWrites),
    file: &mut Store,
    mut run: impl FnMut(
        &mut Store,
        Option<&std::sync::Mutex<dyn vetted::roles::RunMirror>>,
        usize,
    ) -> Duration,
) -> Rounds {
    let never = AtomicBool::new(false);
    let mut times = Rounds {
        on_file: Vec::new(),
        on_server: Vec::new(),
        snapshots: Vec::new(),
    };
    for (round, place) in ["file", "server", "server", "file"].into_iter().enumerate() {
        if place == "file" {
            times.on_file.push(run(file, None, round));
            continue;
        }
        let started = Instant::now();
        let mut prepared = TeamServer::connect(login)
            .expect("sign in")
            .prepare_run(writes, &SnapshotScope::Everything, &mut |_| {}, &never)
            .expect("prepare");
        times.snapshots.push(started.elapsed());
        let (store, mirror) = prepared.parts();
        times.on_server.push(run(store, Some(mirror), round));
    }
    times
}

/// A run's context with default options and no progress, each record copied to `mirror` if
/// given.
fn run_context<'a>(
    client: &'a vetted::llm::Client,
    prices: &'a vetted::llm::PriceTable,
    cancel: &'a vetted::llm::CancellationToken,
    mirror: Option<&'a std::sync::Mutex<dyn vetted::roles::RunMirror>>,
) -> vetted::roles::RunContext<'a> {
    vetted::roles::RunContext {
        client,
        prices,
        options: vetted::roles::RunOptions::default(),
        progress: &|_| {},
        cancel,
        mirror,
    }
}

/// One line of figures for the rounds of a run on the file and on the server.
fn report_rounds(what: &str, items: usize, times: &Rounds) {
    let Rounds {
        on_file,
        on_server,
        snapshots,
    } = times;
    let mean = |times: &[Duration]| times.iter().sum::<Duration>() / times.len() as u32;
    let per_call = |d: Duration| d.as_secs_f64() * 1e3 / items as f64;
    let (file_run, server_run) = (mean(on_file), mean(on_server));
    println!(
        "\n{what} ({VET_CONCURRENCY} calls in flight, an instant model), ABBA: on the snapshot \
         file {:.2} s ({:.2} ms a call), on the server {:.2} s ({:.2} ms a call, each copied) → \
         ratio {:.2}; the server's run first reads its snapshot: {:.2} s",
        file_run.as_secs_f64(),
        per_call(file_run),
        server_run.as_secs_f64(),
        per_call(server_run),
        file_run.as_secs_f64() / server_run.as_secs_f64(),
        mean(snapshots).as_secs_f64()
    );
}

/// A loopback stub of an OpenAI-compatible server that answers every chat completion at once
/// with a passing verdict; its base URL.
fn instant_model() -> String {
    use std::io::BufRead;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/v1", listener.local_addr().expect("address"));
    let content = r#"{"verdict":"pass","reasons":[],"risk":0.1}"#;
    let body = serde_json::json!({
        "id": "bench", "object": "chat.completion", "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let body = body.clone();
            std::thread::spawn(move || {
                let mut reader = std::io::BufReader::new(stream);
                let (mut line, mut length) = (String::new(), 0);
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut request = vec![0; length];
                let _ = reader.read_exact(&mut request);
                let _ = reader.get_mut().write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \
                         {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    url
}

/// The stats dashboard's figures on the server (owner, then a reviewer) and of its snapshot.
fn stats(admin: &str, reader: &str, snapshot: &std::path::Path) {
    const RUNS: usize = 7;
    println!(
        "\nthe stats dashboard ({RUNS} runs each):\n| figures of | runs | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|"
    );
    let timed = |label: &str, run: &mut dyn FnMut() -> vetted::stats::Stats| {
        let first = run(); // warms the connection and the caches
        let times = (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                run();
                started.elapsed()
            })
            .collect();
        common::report_row(label, times);
        first
    };
    let mut owner = TeamServer::connect(admin).expect("sign in");
    let on_server = timed("the server, as its owner", &mut || {
        owner.stats().expect("stats")
    });
    let mut reviewer = TeamServer::connect(reader).expect("sign in");
    let as_reviewer = timed(
        "the server, as a reviewer (row-level security)",
        &mut || reviewer.stats().expect("stats"),
    );
    let local = Store::open(snapshot).expect("the snapshot");
    let of_file = timed("the snapshot file (SQLite)", &mut || {
        local.stats().expect("stats")
    });
    println!(
        "the server's figures equal the snapshot's: {}; the reviewer's (no blind review here) \
         equal them: {}",
        on_server == of_file,
        as_reviewer == of_file
    );
}

/// A snapshot of the whole server (the owner reads every item and event) against a local
/// import of the same items file, with the snapshot's peak memory; then `vetted export` of TRL
/// SFT from the server (snapshot + export) against the same export of the snapshot file.
fn snapshot(
    admin: &str,
    items: &std::path::Path,
    dir: &std::path::Path,
    n: usize,
) -> std::path::PathBuf {
    let never = AtomicBool::new(false);
    let mut server = TeamServer::connect(admin).expect("sign in");
    // Writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak memory");
    let before = resident_kib("VmRSS");
    let out = dir.join("snapshot.db");
    let started = Instant::now();
    let report = server
        .snapshot(&out, &mut |_| {}, &never)
        .expect("snapshot");
    let took = started.elapsed();
    let peak = resident_kib("VmHWM");
    assert_eq!(report.items_added, n, "every item is in the snapshot");
    let started = Instant::now();
    let mut local = Store::open(&dir.join("local.db")).expect("local database");
    local.import_path(items).expect("local import");
    let import = started.elapsed();
    println!(
        "\nsnapshot of {n} items and {} events: {:.2} s ({:.0} rows/s); a local import of the \
         same items {:.2} s → ratio {:.2}; peak memory +{:.1} MiB over the {:.1} MiB before",
        report.decisions_added,
        took.as_secs_f64(),
        (n + report.decisions_added) as f64 / took.as_secs_f64(),
        import.as_secs_f64(),
        import.as_secs_f64() / took.as_secs_f64(),
        (peak.saturating_sub(before)) as f64 / 1024.0,
        before as f64 / 1024.0
    );
    let export = |db: &std::path::Path, name: &str| {
        let started = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_vetted"))
            .arg("--db")
            .arg(db)
            .args(["export", "--format", "trl-sft", "--out"])
            .arg(dir.join(name))
            .status()
            .expect("run vetted export");
        assert!(status.success(), "vetted export on {}", db.display());
        started.elapsed()
    };
    let from_server = export(std::path::Path::new(admin), "server.jsonl");
    let from_file = export(&out, "file.jsonl");
    println!(
        "export trl-sft from the server {:.2} s (snapshot included), from the snapshot file \
         {:.2} s",
        from_server.as_secs_f64(),
        from_file.as_secs_f64()
    );
    out
}

/// A line of /proc/self/status, in KiB (e.g. `VmRSS`, `VmHWM`).
fn resident_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .expect("a field in kB")
}

/// `admin`'s URL with `login` signing in.
fn login_url(admin: &str, login: &str) -> String {
    let (scheme, rest) = admin.split_once("://").unwrap();
    let (_, host) = rest.split_once('@').unwrap();
    format!("{scheme}://{login}@{host}")
}

/// The review screen's reads at `n` items, 21 runs each (see the module doc).
fn review_screen(url: &str, n: usize) {
    const RUNS: usize = 21;
    let mut me = TeamServer::connect(url).expect("sign in");
    let times = |me: &mut TeamServer, run: &mut dyn FnMut(&mut TeamServer, usize)| {
        run(me, 0); // warms the session's prepared statements
        (0..RUNS)
            .map(|i| {
                let started = Instant::now();
                run(me, i + 1);
                started.elapsed()
            })
            .collect::<Vec<_>>()
    };
    println!(
        "
the review screen at {n} items (one reviewer, {RUNS} runs each):"
    );
    println!("| operation | runs | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|");
    let all = QueueFilter::default();
    let page = times(&mut me, &mut |me, i| {
        let id = (i * 7919 % n.max(1)) as i64;
        let cursor = QueueCursor { key: id, id };
        let rows = me.queue_page(&all, Some(cursor), 50).expect("queue page");
        assert!(rows.entries.len() == 50 || id as usize + 50 > n);
    });
    common::report_row("queue page (All, 50 rows after a random id)", page);
    for (sort, label) in [
        (QueueSort::Risk, "riskiest first"),
        (QueueSort::Likely, "most likely first"),
    ] {
        for domain in [None, Some("legal".to_owned())] {
            let filter = QueueFilter {
                sort,
                domain: domain.clone(),
                ..QueueFilter::default()
            };
            // Page after page from the top, as a reviewer scrolls.
            let mut after = None;
            let pages = times(&mut me, &mut |me, _| {
                let page = me.queue_page(&filter, after, 50).expect("queue page");
                assert_eq!(page.entries.len(), 50, "{label}: a full page");
                after = page.next_after;
            });
            let scope = domain.map_or("All".to_owned(), |d| format!("domain {d}"));
            common::report_row(
                &format!("queue page ({scope}, {label}, 50 rows, the next page each time)"),
                pages,
            );
        }
    }
    let pending = QueueFilter {
        status: Some(ItemStatus::Pending),
        awaiting: Some(me.reviewer().to_owned()),
        ..QueueFilter::default()
    };
    let claims = times(&mut me, &mut |me, _| {
        let held = me.queue_page(&pending, None, 50).expect("pending page");
        assert_eq!(held.entries.len(), 10, "the batch is leased");
    });
    common::report_row("queue page (Pending: claims the batch of 10)", claims);
    let counts = times(&mut me, &mut |me, _| {
        me.status_counts(&all).expect("counts");
    });
    common::report_row("status counts (every item)", counts);
    let queries = [
        (format!("zq{}", n / 2), "a word in 1 item"),
        ("zr7".to_owned(), "a word in N/1000 items"),
        ("zs7".to_owned(), "a word in N/100 items"),
        ("revenue".to_owned(), "a word in every item"),
        ("zr7 revenue".to_owned(), "a rare and a common word"),
        ("pefilo".to_owned(), "an absent word"),
        ("NEAR( \"x* col:y".to_owned(), "hostile input"),
    ];
    for (query, what) in queries {
        let mut order = None;
        let runs = times(&mut me, &mut |me, _| {
            order = Some(me.search(&query, 20).expect("search").order);
        });
        common::report_row(&format!("search `{query}` ({what}; {order:?})"), runs);
    }
}

/// A relationship item's computed evidence and the review graph, as the app asks them, on the
/// server (as a reviewer) against the server's snapshot file (the same N answer items) given
/// the same products and items: the demo's Chinook candidates, registered Chinook.
fn relationships(server: &mut TeamServer, reader: &str, snapshot: &std::path::Path, n: usize) {
    const RUNS: usize = 21;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let chinook = root.join("../shared/datasets/chinook/Chinook_Sqlite.sqlite");
    let demo = std::fs::read_to_string(root.join("demo/demo-items.jsonl")).expect("demo items");
    let lines: Vec<&str> = demo
        .lines()
        .filter(|l| l.contains(r#""id":"rel-chinook-"#))
        .collect();
    let ids: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["id"].to_string())
        .map(|id| id.trim_matches('"').to_owned())
        .collect();
    let file = snapshot.with_file_name("chinook-candidates.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write candidates");
    let sources = [vetted::products::ProductSource::File(chinook.clone())];
    server
        .register_products(&sources)
        .expect("register on the server");
    server
        .import_path(&file, 1)
        .expect("import onto the server");
    let mut local = Store::open(snapshot).expect("the snapshot file");
    local.add_products(&[chinook]).expect("register locally");
    local.import_path(&file).expect("import locally");
    let mut me = TeamServer::connect(reader).expect("sign in");
    println!(
        "\nrelationships at {n} items ({} Chinook candidates, Chinook registered; {RUNS} runs of \
         each candidate's evidence, {RUNS} graphs):",
        ids.len()
    );
    println!("| operation | runs | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|");
    let time = |run: &mut dyn FnMut()| {
        let started = Instant::now();
        run();
        started.elapsed()
    };
    let (mut there, mut here) = (Vec::new(), Vec::new());
    for round in 0..=RUNS {
        for id in &ids {
            let mut server_evidence = None;
            let server_took = time(&mut || {
                server_evidence = Some(me.relationship_evidence(id).expect("server evidence"));
            });
            let mut local_evidence = None;
            let local_took = time(&mut || {
                local_evidence = Some(local.relationship_evidence(id).expect("local evidence"));
            });
            assert_eq!(server_evidence, local_evidence, "{id}: the same evidence");
            // The first round warms both sides' caches and prepared statements.
            if round > 0 {
                there.push(server_took);
                here.push(local_took);
            }
        }
    }
    let median = |times: &[Duration]| {
        let mut sorted = times.to_vec();
        sorted.sort();
        sorted[sorted.len() / 2]
    };
    let ratio = median(&there).as_secs_f64() / median(&here).as_secs_f64();
    common::report_row(
        "relationship evidence, server (reads Chinook itself)",
        there,
    );
    common::report_row("relationship evidence, local file", here);
    let graphs: Vec<(Duration, Duration)> = (0..=RUNS)
        .map(|_| {
            let server_took = time(&mut || {
                me.review_graph().expect("server graph");
            });
            let local_took = time(&mut || {
                local.review_graph().expect("local graph");
            });
            (server_took, local_took)
        })
        .skip(1)
        .collect();
    let (graph_there, graph_here): (Vec<_>, Vec<_>) = graphs.into_iter().unzip();
    let graph_ratio = median(&graph_there).as_secs_f64() / median(&graph_here).as_secs_f64();
    common::report_row("review graph, server", graph_there);
    common::report_row("review graph, local file", graph_here);
    // Approve by rule: the plan (which candidates are the reader's, each one's evidence), read
    // only; the same plan on both.
    let rule: vetted::approval_rule::EvidenceRule = "containment>=100%, target-key, names>=50%"
        .parse()
        .expect("a rule");
    let never_stop = &mut |_: usize, _: usize| std::ops::ControlFlow::Continue(());
    let filter = vetted::store::QueueFilter::default();
    let reviewer = me.reviewer().to_owned();
    let plans: Vec<(Duration, Duration)> = (0..=RUNS)
        .map(|_| {
            let (mut there, mut here) = (None, None);
            let server_took = time(&mut || {
                there = me
                    .plan_rule(None, None, &rule, never_stop)
                    .expect("server plan");
            });
            let local_took = time(&mut || {
                here = vetted::approval_rule::plan(&local, &filter, &rule, &reviewer, never_stop)
                    .expect("local plan");
            });
            let items = |plan: Option<vetted::approval_rule::RulePlan>| {
                let plan = plan.expect("not stopped");
                let of = |list: &[vetted::approval_rule::RuleCandidate]| {
                    list.iter().map(|c| c.item.clone()).collect::<Vec<_>>()
                };
                (of(&plan.approve), of(&plan.leave))
            };
            assert_eq!(items(there), items(here), "the same plan");
            (server_took, local_took)
        })
        .skip(1)
        .collect();
    let (plan_there, plan_here): (Vec<_>, Vec<_>) = plans.into_iter().unzip();
    let plan_ratio = median(&plan_there).as_secs_f64() / median(&plan_here).as_secs_f64();
    common::report_row("approve-by-rule plan, server", plan_there);
    common::report_row("approve-by-rule plan, local file", plan_here);
    println!(
        "p50 server / local file: evidence {ratio:.2}, graph {graph_ratio:.2}, rule plan \
         {plan_ratio:.2}"
    );
}

/// The pause after a paced reviewer's decision, uniformly drawn (reviewers do not decide in
/// step).
const PACE: std::ops::RangeInclusive<Duration> =
    Duration::from_millis(125)..=Duration::from_millis(375);

/// Each login claims 5 items at a time and approves them, `decisions` in all, pausing a time in
/// `pace` after each (`answering`: with answers to the example review form); prints claim and
/// decide latency.
fn review(
    logins: &[String],
    decisions: usize,
    pace: std::ops::RangeInclusive<Duration>,
    answering: bool,
) {
    let threads: Vec<_> = logins
        .iter()
        .cloned()
        .map(|url| {
            let pace = pace.clone();
            std::thread::spawn(move || {
                let mut me = TeamServer::connect(&url).expect("sign in");
                let (mut claims, mut decides) = (Vec::new(), Vec::new());
                let (mut first, mut first_decide) = (None, None);
                while decides.len() + usize::from(first_decide.is_some()) < decisions {
                    let started = Instant::now();
                    let held = me.claim(5, Duration::from_secs(600)).expect("claim");
                    // A session's first claim compiles the server function: counted apart.
                    match first {
                        None => first = Some(started.elapsed()),
                        Some(_) => claims.push(started.elapsed()),
                    }
                    for item in held {
                        let input = DecisionInput {
                            id: uuid::Uuid::now_v7().to_string(),
                            item: item.external_id,
                            item_version: item.version,
                            reviewer: me.reviewer().to_owned(),
                            action: Action::Approve,
                            edited: None,
                            reason: None,
                            note: None,
                        };
                        let feedback = Feedback {
                            answers: match answering {
                                true => [
                                    ("correctness".to_owned(), serde_json::json!(4)),
                                    ("issues".to_owned(), serde_json::json!(["outdated"])),
                                ]
                                .into(),
                                false => Default::default(),
                            },
                            ..Feedback::default()
                        };
                        let started = Instant::now();
                        me.decide_with(&input, &feedback).expect("decide");
                        // A session's first decision prepares its statements and compiles the
                        // server's trigger functions in its backend: counted apart too.
                        match first_decide {
                            None => first_decide = Some(started.elapsed()),
                            Some(_) => decides.push(started.elapsed()),
                        }
                        let (low, high) = (pace.start().as_millis(), pace.end().as_millis());
                        let pause = fastrand::u64(low as u64..=high as u64);
                        std::thread::sleep(Duration::from_millis(pause));
                    }
                }
                (first, claims, first_decide, decides)
            })
        })
        .collect();
    let started = Instant::now();
    let (mut firsts, mut claims) = (Vec::new(), Vec::new());
    let (mut first_decides, mut decides) = (Vec::new(), Vec::new());
    for thread in threads {
        let (f, c, fd, d) = thread.join().expect("reviewer thread");
        firsts.extend(f);
        claims.extend(c);
        first_decides.extend(fd);
        decides.extend(d);
    }
    let wall = started.elapsed();
    println!(
        "{} decisions in {:.1} s ({:.0} decisions/s)",
        decides.len() + first_decides.len(),
        wall.as_secs_f64(),
        (decides.len() + first_decides.len()) as f64 / wall.as_secs_f64()
    );
    println!("| operation | runs | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|");
    common::report_row("a session's first claim", firsts);
    common::report_row("claim 5 (claim_items)", claims);
    common::report_row("a session's first decision", first_decides);
    common::report_row("decide (approve)", decides);
}

/// N answer items of ~1.5 KB.
fn write_items(path: &std::path::Path, n: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("items file"));
    for i in 0..n {
        let domain = ["finance", "support", "legal"][i % 3];
        // Two items in three vetted, with verdicts and scores spread for the risk order.
        let verdict = ["pass", "pass", "pass", "flag", "fail"][i % 5];
        let vetting = (i % 3 != 0).then(|| {
            serde_json::json!({
                "model": "vetter-1",
                "verdict": verdict,
                "score": (i % 1000) as f64 / 1000.0,
                "reasons": []
            })
        });
        let line = serde_json::json!({
            "vetting": vetting,
            "kind": "answer",
            "id": format!("q-{i}"),
            "domain": domain,
            "model": "llama-3.1-8b",
            // Words in 1, n/1000 and n/100 items, for search.
            "question": format!("What did the quarterly report {i} say about revenue in region {}? zq{i} zr{} zs{}", i % 97, i % 1000, i % 100),
            "answer": format!("Revenue in region {} grew by {}% compared with the previous quarter, driven by renewals. {}", i % 97, i % 13, "The report attributes the rest to new accounts. ".repeat(4)),
            "evidence": [
                {"id": format!("doc-{i}-a"), "title": "Quarterly report", "text": "Revenue grew in most regions, driven by renewals and new accounts. ".repeat(6), "source": "s3://reports/q.pdf"},
                {"id": format!("doc-{i}-b"), "title": "Board minutes", "text": "The board discussed the regional figures and the renewal rate. ".repeat(6), "source": "s3://minutes/m.pdf"}
            ]
        });
        writeln!(out, "{line}").expect("write item");
    }
    out.flush().expect("flush items");
}

/// The ceiling: the items' and passages' rows as the server holds them, with a searchable text
/// like the importer's (title, body and passages), copied out to memory (untimed) and `COPY`ed
/// into tables with the same columns, defaults, indexes and search trigger (timed).
fn raw_copy(admin: &str) -> Duration {
    let mut client = Client::connect(admin, NoTls).expect("connect");
    client
        .batch_execute(
            "CREATE TABLE raw_items (LIKE vetted.items INCLUDING DEFAULTS INCLUDING IDENTITY
                                     INCLUDING GENERATED INCLUDING INDEXES);
             CREATE TABLE raw_evidence (LIKE vetted.evidence INCLUDING INDEXES);
             CREATE TRIGGER index_search_text BEFORE INSERT ON raw_items
                 FOR EACH ROW EXECUTE FUNCTION vetted.index_search_text();",
        )
        .expect("raw tables");
    let items = "external_id, kind, domain, model, title, payload, vetting, metadata, \
                 content_hash, required_reviews, created_at, updated_at";
    let passages = "item_id, position, passage_id, title, text, source";
    let tables = [
        (
            "items",
            format!("{items}, search_text"),
            format!(
                "SELECT {items}, title || E'\\n' || payload || E'\\n' || (
                        SELECT string_agg(e.title || ' ' || e.text, E'\\n' ORDER BY e.position)
                          FROM vetted.evidence e WHERE e.item_id = i.id)
                   FROM vetted.items i"
            ),
        ),
        (
            "evidence",
            passages.to_owned(),
            format!("SELECT {passages} FROM vetted.evidence"),
        ),
    ];
    let mut copied = Vec::new();
    for (table, columns, rows_sql) in tables {
        let mut rows = Vec::new();
        client
            .copy_out(format!("COPY ({rows_sql}) TO STDOUT").as_str())
            .expect("copy out")
            .read_to_end(&mut rows)
            .expect("read rows");
        copied.push((table, columns, rows));
    }
    let started = Instant::now();
    for (table, columns, rows) in copied {
        let mut copy = client
            .copy_in(format!("COPY raw_{table} ({columns}) FROM STDIN").as_str())
            .expect("copy in");
        // In pieces: one CopyData message may not exceed PostgreSQL's 1 GB.
        for piece in rows.chunks(1 << 20) {
            copy.write_all(piece).expect("copy rows");
        }
        copy.finish().expect("finish copy");
    }
    let took = started.elapsed();
    // The ceiling's million-row tables are the bench's, not the server's: left in place, their
    // autovacuum and analyze ran during the reviewers' runs and took the machine's two cores
    // from the server under test.
    client
        .batch_execute("DROP TABLE raw_items, raw_evidence")
        .expect("drop the ceiling's tables");
    took
}
