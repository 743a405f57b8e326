//! Imports larger than one write batch: idempotency, cancel, a crash mid-import, and other
//! writers working at the same time.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use vetted::ErrorCode;

use vetted::domain::{Action, DecisionInput};
use vetted::import::{BATCH_ITEMS, ImportSource};

use crate::support::{answer_line, answer_lines, table_counts, temp_db};

fn jsonl(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn reordered_rows_and_whitespace_crlf_nfc_variants_add_nothing() {
    let db = temp_db();
    let lines = answer_lines("a", 5);
    let first = db.write_file("first.jsonl", jsonl(&lines));
    let mut store = db.open();
    assert_eq!(store.import_path(&first).unwrap().new, 5);

    let mut reordered = lines.clone();
    reordered.reverse();
    let reordered = db.write_file("reordered.jsonl", jsonl(&reordered));
    let report = store.import_path(&reordered).unwrap();
    assert_eq!(
        (report.new, report.already_present),
        (0, 5),
        "the same rows in another order are already present"
    );

    let composed = answer_line("u-1", "Caf\u{e9} revenue was $12M.");
    let variant = answer_line("u-1", "  Cafe\u{301} revenue was $12M.  ");
    let composed_file = db.write_file("nfc.jsonl", format!("{composed}\n"));
    assert_eq!(store.import_path(&composed_file).unwrap().new, 1);
    let original = answer_line("u-2", "line one\nline two");
    let crlf = answer_line("u-2", " line one\r\nline two \t");
    store
        .import_path(&db.write_file("lf.jsonl", format!("{original}\n")))
        .unwrap();
    let variants = db.write_file("variants.jsonl", format!("{variant}\r\n{crlf}\r\n"));
    let report = store.import_path(&variants).unwrap();
    assert_eq!(
        (report.new, report.already_present),
        (0, 2),
        "NFD vs NFC, CRLF vs LF and surrounding whitespace are the same content"
    );
    let again = store.import_path(&variants).unwrap();
    assert_eq!((again.new, again.already_present), (0, 2));
}

#[test]
fn a_line_repeated_in_the_file_counts_as_already_present() {
    let db = temp_db();
    let line = answer_line("a-1", "x");
    let file = db.write_file("twice.jsonl", format!("{line}\n{line}\n"));
    let report = db.open().import_path(&file).unwrap();
    assert_eq!((report.new, report.already_present), (1, 1));
}

#[test]
fn each_import_is_recorded_with_its_hash_and_counts() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", jsonl(&answer_lines("a", 3)));
    let mut store = db.open();
    store.import_path(&file).unwrap();
    store.import_path(&file).unwrap();
    let rows: Vec<(String, String, i64, i64, String)> = store
        .conn()
        .prepare("SELECT source, file_sha256, items_new, items_present, state FROM imports")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&file).unwrap()))
    };
    let source = file.display().to_string();
    assert_eq!(
        rows,
        vec![
            (source.clone(), sha.clone(), 3, 0, "complete".to_owned()),
            (source, sha, 0, 3, "complete".to_owned()),
        ],
        "every import is recorded: source, SHA-256 of the file, counts"
    );
}

#[test]
fn a_cancelled_import_leaves_the_database_as_it_was() {
    let db = temp_db();
    let seed = db.write_file("seed.jsonl", format!("{}\n", answer_line("seed", "x")));
    let mut store = db.open();
    store.import_path(&seed).unwrap();
    let file = db.write_file("big.jsonl", jsonl(&answer_lines("a", BATCH_ITEMS * 3)));
    let before = table_counts(&db.path);
    let cancel = AtomicBool::new(false);
    let mut batches = 0;
    let err = store
        .import(
            &ImportSource::File(file.clone()),
            &mut |_| {
                batches += 1;
                cancel.store(true, Ordering::Relaxed);
            },
            &cancel,
        )
        .expect_err("a cancelled import fails");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(
        err.to_string(),
        format!(
            "{}: import cancelled; nothing was imported from this file",
            file.display()
        )
    );
    assert_eq!(batches, 1, "the cancel is seen before the next batch");
    assert_eq!(
        table_counts(&db.path),
        before,
        "a cancel removes what the import had written"
    );
}

#[test]
fn progress_reports_items_and_bytes() {
    let db = temp_db();
    let file = db.write_file("big.jsonl", jsonl(&answer_lines("a", BATCH_ITEMS + 10)));
    let size = std::fs::metadata(&file).unwrap().len();
    let mut seen = Vec::new();
    db.open()
        .import(
            &ImportSource::File(file),
            &mut |p| seen.push(*p),
            &AtomicBool::new(false),
        )
        .unwrap();
    let last = seen.last().expect("progress was reported");
    assert_eq!(seen.len(), 2, "one report per written batch");
    assert_eq!(last.items, BATCH_ITEMS as u64 + 10);
    assert_eq!((last.bytes_read, last.bytes_total), (size, Some(size)));
}

#[test]
fn an_import_that_dies_midway_stays_invisible_and_is_removed_on_the_next_open() {
    let db = temp_db();
    let seed = db.write_file("seed.jsonl", format!("{}\n", answer_line("seed", "x")));
    let mut store = db.open();
    store.import_path(&seed).unwrap();
    let before = table_counts(&db.path);
    let file = db.write_file("big.jsonl", jsonl(&answer_lines("a", BATCH_ITEMS * 3)));
    let died = catch_unwind(AssertUnwindSafe(|| {
        store.import(
            &ImportSource::File(file),
            &mut |_| panic!("the process dies after the first batch"),
            &AtomicBool::new(false),
        )
    }));
    assert!(died.is_err());
    let staged: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        staged,
        1 + BATCH_ITEMS as i64,
        "the first batch was written"
    );
    assert_eq!(
        store.status_counts(&Default::default()).unwrap().total(),
        1,
        "rows of an unfinished import are not counted"
    );
    assert!(store.item("a-0").is_err(), "nor shown");
    assert!(
        store.search("answer", 10).unwrap().hits.is_empty(),
        "nor found"
    );
    assert_eq!(
        store
            .queue_page(&Default::default(), None, 100)
            .unwrap()
            .entries
            .len(),
        1,
        "nor queued"
    );
    drop(store);
    drop(db.open());
    assert_eq!(
        table_counts(&db.path),
        before,
        "opening the database again removes the dead import's rows"
    );
}

#[test]
fn other_writers_never_see_database_is_locked_during_an_import() {
    let db = temp_db();
    let seed = db.write_file("seed.jsonl", jsonl(&answer_lines("seed", 20)));
    db.open().import_path(&seed).unwrap();
    let file = db.write_file("big.jsonl", jsonl(&answer_lines("a", BATCH_ITEMS * 4)));
    let importing = AtomicBool::new(true);
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut store = db.open();
            let mut decisions = 0;
            while importing.load(Ordering::Relaxed) || decisions == 0 {
                let id = format!("seed-{}", decisions % 20);
                let version = store.item(&id).expect("read during import").version;
                store
                    .decide(&DecisionInput {
                        id: format!("d-{decisions}"),
                        item: id,
                        item_version: version,
                        reviewer: "ana".into(),
                        action: Action::Approve,
                        edited: None,
                        reason: None,
                        note: None,
                    })
                    .expect("a decision during an import must not fail");
                store.search("answer", 5).expect("search during import");
                decisions += 1;
            }
            decisions
        });
        let report = db.open().import_path(&file);
        importing.store(false, Ordering::Relaxed);
        let decisions = writer.join().expect("writer thread");
        assert_eq!(report.expect("import succeeds").new, BATCH_ITEMS * 4);
        assert!(decisions > 0);
    });
}

/// Ctrl-C (SIGINT) during a CLI import stops it cleanly: exit 130, nothing imported.
#[test]
fn ctrl_c_stops_a_cli_import_and_leaves_the_database_as_it_was() {
    let db = temp_db();
    drop(db.open());
    let before = table_counts(&db.path);
    let file = db.write_file("big.jsonl", jsonl(&answer_lines("int", BATCH_ITEMS * 40)));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vetted"))
        .args(["--db", db.path.to_str().unwrap(), "import"])
        .arg(&file)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the import is under way (its staged import row exists).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        let running: i64 = conn
            .query_row(
                "SELECT count(*) FROM imports WHERE state = 'running'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if running > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(130),
        "exit code after Ctrl-C; stderr: {stderr}"
    );
    assert!(
        stderr.contains("import cancelled; nothing was imported"),
        "the user is told nothing was imported: {stderr}"
    );
    assert_eq!(
        table_counts(&db.path),
        before,
        "an interrupted import leaves every table as it was"
    );
}
