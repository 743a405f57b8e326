//! Bad databases, backups and restore, the single-instance guard.

use assert_cmd::Command;
use predicates::prelude::*;
use vetted::ErrorCode;
use vetted::instance_lock::InstanceLock;
use vetted::{Error, Store};

use crate::support::{answer_line, table_counts, temp_db};

#[test]
fn a_file_that_is_not_sqlite_gets_a_clear_error_and_is_left_alone() {
    let db = temp_db();
    let notes = db.write_file(
        "notes.db",
        "these are my notes, not a database\n".repeat(200),
    );
    let before = std::fs::read(&notes).unwrap();
    let err = Store::open(&notes).err().expect("must refuse");
    assert_eq!(err.code(), ErrorCode::NotADatabase);
    assert!(
        err.to_string()
            .contains("notes.db is not a usable SQLite database"),
        "the message names the file: {err}"
    );
    assert!(
        !err.to_string().contains("--db"),
        "the app shows this message too, so it names no CLI flag: {err}"
    );
    Command::cargo_bin("vetted")
        .unwrap()
        .args(["--db", notes.to_str().unwrap(), "queue"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a usable SQLite database"))
        .stderr(predicate::str::contains(
            "hint: open another file with --db or VETTED_DB, or restore a backup with `vetted restore`",
        ));
    assert_eq!(
        std::fs::read(&notes).unwrap(),
        before,
        "the file was not modified"
    );
}

#[test]
fn a_read_only_database_refuses_writes_clearly() {
    let db = temp_db();
    drop(db.open());
    // Root ignores file permissions, so open read-only the way SQLite does for a read-only file.
    let conn =
        rusqlite::Connection::open_with_flags(&db.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let err: Error = conn
        .execute("INSERT INTO imports (source, file_sha256, items_new, items_present, imported_at) VALUES ('x','y',0,0,'z')", [])
        .unwrap_err()
        .into();
    assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
}

#[test]
fn backup_while_open_then_restore_brings_back_the_decisions() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "x")));
    let mut store = db.open();
    store.import_path(&file).unwrap();
    let backup = db.dir.path().join("backup.db");
    store.backup_to(&backup).unwrap();
    assert_eq!(
        store.backup_to(&backup).unwrap_err().code(),
        ErrorCode::AlreadyExists,
        "an existing backup is never overwritten"
    );
    let at_backup = table_counts(&db.path);

    // Work continues after the backup, then the user restores it.
    let more = db.write_file("more.jsonl", format!("{}\n", answer_line("a-2", "y")));
    store.import_path(&more).unwrap();
    assert_ne!(table_counts(&db.path), at_backup);
    store.restore_from(&backup).unwrap();
    assert_eq!(
        table_counts(&db.path),
        at_backup,
        "restore returns the database to the backup's state"
    );
    assert!(
        store.item("a-2").is_err(),
        "items added after the backup are gone"
    );
    assert!(store.item("a-1").is_ok());
}

#[test]
fn restore_refuses_a_file_that_is_not_a_backup() {
    let db = temp_db();
    let mut store = db.open();
    let junk = db.write_file("junk.db", "not a database at all".repeat(100));
    let err = store.restore_from(&junk).expect_err("must refuse");
    assert!(
        err.to_string()
            .contains("junk.db is not a usable Vetted backup"),
        "{err}"
    );
    assert_eq!(
        store.status_counts(&Default::default()).unwrap().total(),
        0,
        "the database is intact"
    );
}

#[test]
fn cli_backup_writes_a_usable_copy() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", answer_line("a-1", "x")));
    db.open().import_path(&file).unwrap();
    let out = db.dir.path().join("copy.db");
    Command::cargo_bin("vetted")
        .unwrap()
        .arg("--db")
        .arg(&db.path)
        .arg("backup")
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("backed up"));
    let copy = Store::open(&out).unwrap();
    assert!(
        copy.item("a-1").is_ok(),
        "the backup holds the imported item"
    );
}

#[test]
fn only_one_app_instance_per_database_file() {
    let db = temp_db();
    let first = InstanceLock::acquire(&db.path).unwrap();
    let err = InstanceLock::acquire(&db.path).expect_err("second instance must be refused");
    assert_eq!(err.code(), ErrorCode::AlreadyOpen);
    drop(first);
    assert!(
        InstanceLock::acquire(&db.path).is_ok(),
        "the lock is released when the first instance ends"
    );
}

#[test]
fn migrating_an_older_database_backs_it_up_first() {
    let db = temp_db();
    {
        // A database as the first release left it: migration 1 only, with a decision-ready item.
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch(vetted::store::MIGRATIONS[0].sql)
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let store = db.open();
    assert_eq!(
        store.schema_version().unwrap(),
        vetted::store::MIGRATIONS.len() as i64,
        "the old database was upgraded"
    );
    let backups: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("vetted.db.v1-") && name.ends_with(".bak"))
        .collect();
    assert_eq!(
        backups.len(),
        1,
        "one pre-migration backup next to the database: {backups:?}"
    );
    let backup = rusqlite::Connection::open(db.dir.path().join(&backups[0])).unwrap();
    let version: i64 = backup
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, 1,
        "the backup holds the database as it was before migrating"
    );
}

/// Import and export refuse symlinks, directories and devices before touching anything.
#[test]
fn import_and_export_refuse_paths_that_are_not_regular_files() {
    let db = temp_db();
    let items = db.write_file(
        "items.jsonl",
        answer_line("a-1", "Revenue was $12M.") + "\n",
    );
    Command::cargo_bin("vetted")
        .unwrap()
        .args(["--db", db.path.to_str().unwrap(), "import"])
        .arg(&items)
        .assert()
        .success();
    Command::cargo_bin("vetted")
        .unwrap()
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "decide",
            "a-1",
            "approve",
        ])
        .assert()
        .success();
    let before = table_counts(&db.path);

    let link = db.dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&items, &link).unwrap();
    for (input, why) in [
        (link.clone(), "is a symbolic link"),
        (db.dir.path().to_owned(), "is a directory"),
        ("/dev/zero".into(), "is a device"),
    ] {
        Command::cargo_bin("vetted")
            .unwrap()
            .args(["--db", db.path.to_str().unwrap(), "import"])
            .arg(&input)
            .assert()
            .failure()
            .stderr(predicate::str::contains(why));
    }
    assert_eq!(
        table_counts(&db.path),
        before,
        "refused imports change nothing"
    );

    let victim = db.write_file("victim.txt", "must survive");
    let out_link = db.dir.path().join("sft.jsonl");
    std::os::unix::fs::symlink(&victim, &out_link).unwrap();
    Command::cargo_bin("vetted")
        .unwrap()
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "export",
            "--format",
            "openai-sft",
            "--force",
            "--out",
        ])
        .arg(&out_link)
        .assert()
        .failure()
        .stderr(predicate::str::contains("is a symbolic link"));
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "must survive",
        "an export through a symlink must not overwrite the file it points to"
    );
    Command::cargo_bin("vetted")
        .unwrap()
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "backup",
            "--out",
            "/dev/null",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("is a device"));
}
