//! Opening a database for the app window, on real files: each way it can fail gets its own code
//! and a message fit for the window; switching databases moves the one-window-per-file lock.

use std::path::{Path, PathBuf};
use std::process::Command;

use vetted::database_file::OpenDatabase;
use vetted::instance_lock::InstanceLock;
use vetted::window::Window;
use vetted::{ErrorCode, Store};

use crate::support::temp_db;

fn demo_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/demo-items.jsonl")
}

fn open_err(path: &Path) -> vetted::Error {
    match OpenDatabase::open_existing(path) {
        Ok(_) => panic!("{} opened, but it must be refused", path.display()),
        Err(e) => e,
    }
}

/// Makes a file or folder read-only for real, for root too (root ignores permission bits, so
/// it gets the immutable attribute); undone on drop.
struct ReadOnly(PathBuf);

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl ReadOnly {
    fn make(path: &Path) -> ReadOnly {
        let status = if is_root() {
            Command::new("chattr").arg("+i").arg(path).status()
        } else {
            Command::new("chmod").arg("a-w").arg(path).status()
        };
        assert!(
            status.expect("run chattr/chmod").success(),
            "could not make {} read-only (root needs chattr on a file system with the immutable attribute)",
            path.display()
        );
        ReadOnly(path.to_owned())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = if is_root() {
            Command::new("chattr").arg("-i").arg(&self.0).status()
        } else {
            Command::new("chmod").arg("u+w").arg(&self.0).status()
        };
    }
}

#[test]
fn a_missing_file_is_explained_and_not_created() {
    let db = temp_db();
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::MissingDatabase, "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(
        err.to_string().contains("Open another database"),
        "says what to do next: {err}"
    );
    assert!(
        !db.path.exists(),
        "opening a missing database must not create it"
    );
}

#[test]
fn random_bytes_are_not_a_database_and_are_left_alone() {
    let db = temp_db();
    let bytes: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&db.path, &bytes).unwrap();
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::NotADatabase, "{err}");
    assert!(err.to_string().contains("restore a backup"), "{err}");
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        bytes,
        "the file is unchanged"
    );
    // The refused file's lock is released with the failed open.
    InstanceLock::acquire(&db.path).expect("nothing holds the lock after a refused open");
}

#[test]
fn another_programs_sqlite_database_is_refused_untouched() {
    let db = temp_db();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db.path).unwrap();
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::NotADatabase, "{err}");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        before,
        "Vetted's tables must not be added to someone else's database"
    );
    let empty = db.write_file("empty.db", b"");
    OpenDatabase::open_existing(&empty).expect("an empty file becomes a new Vetted database");
}

#[test]
fn a_newer_schema_is_refused_with_both_versions() {
    let db = temp_db();
    drop(db.open());
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::SchemaTooNew, "{err}");
    assert!(
        err.to_string().contains("999"),
        "names the file's version: {err}"
    );
    assert!(err.to_string().contains("Upgrade Vetted"), "{err}");
}

#[test]
fn a_database_open_in_another_window_is_refused_until_it_closes() {
    let db = temp_db();
    drop(db.open());
    let first = OpenDatabase::open_existing(&db.path).expect("the first window opens it");
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::AlreadyOpen, "{err}");
    assert!(err.to_string().contains("another Vetted window"), "{err}");
    drop(first);
    OpenDatabase::open_existing(&db.path).expect("free again once the first window closed it");
}

#[test]
fn a_read_only_file_is_refused_before_anything_is_written() {
    let db = temp_db();
    drop(db.open());
    let before = std::fs::read(&db.path).unwrap();
    let _guard = ReadOnly::make(&db.path);
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    assert!(
        err.to_string().contains("is read-only") && err.to_string().contains("Copy it"),
        "says why and what to do: {err}"
    );
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        before,
        "the file is unchanged"
    );
}

#[test]
fn a_database_in_a_read_only_folder_is_refused() {
    let db = temp_db();
    drop(db.open());
    // SQLite's journal and the window lock live beside the file: the folder must be writable.
    for leftover in ["vetted.db.lock", "vetted.db-wal", "vetted.db-shm"] {
        let _ = std::fs::remove_file(db.dir.path().join(leftover));
    }
    let _guard = ReadOnly::make(db.dir.path());
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
}

#[test]
fn a_folder_is_not_a_database_file() {
    let db = temp_db();
    std::fs::create_dir(&db.path).unwrap();
    let err = open_err(&db.path);
    assert_eq!(err.code(), ErrorCode::NotARegularFile, "{err}");
    assert!(err.to_string().contains("folder"), "{err}");
}

#[test]
fn new_never_replaces_an_existing_file() {
    let db = temp_db();
    std::fs::write(&db.path, b"my notes").unwrap();
    let err = OpenDatabase::create_new(&db.path)
        .err()
        .expect("must refuse");
    assert_eq!(err.code(), ErrorCode::AlreadyExists, "{err}");
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        b"my notes",
        "the file is unchanged"
    );

    let fresh = db.dir.path().join("fresh.db");
    let opened = OpenDatabase::create_new(&fresh).expect("a new database is created");
    assert_eq!(
        opened.store().queue_facets().unwrap().domains.len(),
        0,
        "it is empty"
    );
}

#[test]
fn the_demo_is_imported_on_first_use_and_reused_after() {
    let db = temp_db();
    // On a first run the data folder does not exist yet.
    let demo = db.dir.path().join("data/vetted/vetted-demo.db");
    let mut first = OpenDatabase::open_demo(&demo, &demo_fixture()).expect("demo created");
    let items: i64 = first
        .store()
        .conn()
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items, 40, "every demo item is imported");
    first
        .store_mut()
        .add_tag("qa-9", "kept")
        .expect("tag a demo item");
    drop(first);
    let again = OpenDatabase::open_demo(&demo, &demo_fixture()).expect("demo reopened");
    assert_eq!(
        again.store().item("qa-9").unwrap().tags,
        ["kept"],
        "the second use opens the same database, not a fresh import"
    );
}

#[test]
fn a_demo_that_fails_to_import_leaves_no_database_behind() {
    let db = temp_db();
    let bad = db.write_file("bad.jsonl", "{not json\n");
    assert!(
        OpenDatabase::open_demo(&db.path, &bad).is_err(),
        "a bad fixture fails"
    );
    assert!(
        !db.path.exists(),
        "no half-made demo database is left to reuse"
    );
}

#[test]
fn switching_databases_moves_the_lock_and_a_failed_switch_keeps_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    drop(Store::open(&a).unwrap());
    drop(Store::open(&b).unwrap());
    let mut window = Window::new(&dir.path().join("config/recent.json"));
    assert!(
        window.state().database.is_none(),
        "starts on the welcome screen"
    );

    window.open(&a);
    let first = window.state().database.expect("a is open");
    assert!(
        InstanceLock::acquire(&a).is_err(),
        "the window holds a's lock"
    );
    window.open(&b);
    let second = window.state().database.expect("b is open");
    assert_eq!(second.name, "b.db");
    assert!(
        second.generation > first.generation,
        "a switch is a new generation"
    );
    InstanceLock::acquire(&a).expect("a's lock was released by the switch");

    window.open(&dir.path().join("gone.db"));
    let state = window.state();
    assert_eq!(
        state.database.map(|d| d.name).as_deref(),
        Some("b.db"),
        "a failed open keeps the current database"
    );
    assert_eq!(
        state.failure.map(|f| f.code),
        Some(ErrorCode::MissingDatabase),
        "and says why"
    );
    assert_eq!(
        state
            .recent
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["b.db", "a.db"],
        "only opened databases are listed, newest first"
    );

    window.close();
    assert!(
        window.state().database.is_none(),
        "closed: the welcome screen"
    );
    InstanceLock::acquire(&b).expect("closing released b's lock");
}
