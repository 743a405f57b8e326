use vetted::ErrorCode;
use vetted::store::{MIGRATIONS, QueueFilter, QueueSort};

use crate::support::{relationship_line, temp_db};

#[test]
fn migrations_apply_to_an_empty_database() {
    let db = temp_db();
    let store = db.open();
    assert_eq!(
        store.schema_version().unwrap(),
        MIGRATIONS.len() as i64,
        "a new database is migrated to the latest version"
    );
    let tables: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('items', 'evidence', 'decisions', 'imports')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 4, "the core tables exist after migrating");
}

#[test]
fn applying_migrations_twice_is_a_no_op() {
    let db = temp_db();
    drop(db.open());
    let before = crate::support::table_counts(&db.path);
    let store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(
        crate::support::table_counts(&db.path),
        before,
        "reopening changes nothing"
    );
}

#[test]
fn every_file_in_migrations_is_registered_in_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    files.sort();
    let registered: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
    assert_eq!(
        files, registered,
        "every migrations/*.sql file must be listed in MIGRATIONS, in file-name order"
    );
    for (index, name) in registered.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", index + 1)),
            "migration {name} should be numbered {:04}",
            index + 1
        );
    }
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    let db = temp_db();
    drop(db.open());
    let future = MIGRATIONS.len() as i64 + 1;
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .pragma_update(None, "user_version", future)
        .unwrap();
    let err = vetted::Store::open(&db.path)
        .err()
        .expect("a newer schema must be refused");
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
    let message = err.to_string();
    assert!(
        message.contains(&format!("schema version {future}")) && message.contains("Upgrade Vetted"),
        "the message names the version and what to do: {message}"
    );
}

#[test]
fn new_databases_use_wal_and_large_pages() {
    let db = temp_db();
    let store = db.open();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let page: i64 = store
        .conn()
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(page, 8192, "page size is set before the first table");
}

#[test]
fn a_version_1_database_with_items_upgrades_to_the_products_table() {
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let lines = crate::support::answer_line("a-1", "$12M") + "\n";
    let file = db.write_file("items.jsonl", lines);
    {
        // Import through a version-1 schema by hand: the items table is all it needs.
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute(
            "INSERT INTO items (external_id, kind, domain, model, title, payload, content_hash,
                                created_at, updated_at)
             VALUES ('old-1', 'answer', 'd', 'm', 't', '{\"question\":\"q\",\"answer\":\"a\"}',
                     'h', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    }
    let mut store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(
        store.item("old-1").unwrap().external_id,
        "old-1",
        "items from before the upgrade are kept"
    );
    assert!(
        store.list_products().unwrap().is_empty(),
        "the products table exists, empty"
    );
    store
        .import_path(&file)
        .expect("the upgraded database takes new items");
}

#[test]
fn a_version_1_database_with_items_upgrades_and_becomes_searchable() {
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO items (id, external_id, kind, domain, model, title, payload, content_hash,
                                created_at, updated_at)
             VALUES (1, 'old-1', 'answer', 'finance', 'm', 'What was Q3 revenue?',
                     '{\"question\":\"What was Q3 revenue?\",\"answer\":\"$12M\"}', 'h',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO evidence (item_id, position, passage_id, title, text, source)
             VALUES (1, 0, 'doc-1', 'Q3 report', 'Churn fell to 3%.', '');",
        )
        .unwrap();
    }
    let store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(
        store.status_counts(&Default::default()).unwrap().total(),
        1,
        "items from before the upgrade stay visible"
    );
    let hits: Vec<String> = store
        .search("churn", 5)
        .unwrap()
        .hits
        .into_iter()
        .map(|e| e.external_id)
        .collect();
    assert_eq!(
        hits,
        ["old-1"],
        "the migration indexes existing items and their evidence"
    );
}

#[test]
fn a_version_1_database_with_decisions_upgrades_keeping_its_log() {
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(
            "INSERT INTO items (id, external_id, kind, domain, model, title, payload, content_hash,
                                status, version, created_at, updated_at)
             VALUES (1, 'a', 'answer', 'finance', 'm', 'Q?', '{\"question\":\"Q?\",\"answer\":\"A\"}',
                     'h', 'rejected', 2, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO decisions (id, item_id, item_version, reviewer, action, reason, decided_at)
             VALUES ('d1', 1, 1, 'ana', 'reject', 'incomplete', '2026-01-01T00:00:00.000Z');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let item = store.item("a").unwrap();
    assert_eq!(
        item.status,
        vetted::domain::ItemStatus::Rejected,
        "status survives"
    );
    assert_eq!(
        store.history("a").unwrap().len(),
        1,
        "the log survives the rebuild"
    );
    let undone = store.undo("u1", "ana").unwrap();
    assert!(
        undone.is_some(),
        "an old decision can be undone after the upgrade"
    );
    assert_eq!(
        store.item("a").unwrap().status,
        vetted::domain::ItemStatus::Pending
    );
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let refused = conn.execute("DELETE FROM decisions", []);
    assert!(
        refused.unwrap_err().to_string().contains("append-only"),
        "the append-only triggers are recreated with the rebuilt table"
    );
}

#[test]
fn a_version_5_database_upgrades_to_team_review_keeping_every_outcome() {
    use vetted::domain::ItemStatus;
    use vetted::team::ReviewState;
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        for m in &MIGRATIONS[..5] {
            conn.execute_batch(m.sql).unwrap();
        }
        // a: ana approves, bo overrides with a reject, bo undoes it (ana's approve counts again).
        // b: ana rejects, undoes, redoes (the reject counts). c: never decided.
        conn.execute_batch(
            "INSERT INTO items (id, external_id, kind, domain, model, title, payload, content_hash,
                                status, decided_by, version, created_at, updated_at)
             VALUES (1, 'a', 'answer', 'f', 'm', 'Q?', '{\"question\":\"Q?\",\"answer\":\"A\"}',
                     'h1', 'approved', 'ana', 4, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
                    (2, 'b', 'answer', 'f', 'm', 'Q?', '{\"question\":\"Q?\",\"answer\":\"B\"}',
                     'h2', 'rejected', 'ana', 4, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
                    (3, 'c', 'answer', 'f', 'm', 'Q?', '{\"question\":\"Q?\",\"answer\":\"C\"}',
                     'h3', 'pending', NULL, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO decisions (seq, id, item_id, item_version, reviewer, action, reason, reverts,
                                    decided_at)
             VALUES (1, 'a1', 1, 1, 'ana', 'approve', NULL, NULL, '2026-01-01T00:00:01.000Z'),
                    (2, 'a2', 1, 2, 'bo', 'reject', 'incomplete', NULL, '2026-01-01T00:00:02.000Z'),
                    (3, 'b1', 2, 1, 'ana', 'reject', 'incomplete', NULL, '2026-01-01T00:00:03.000Z'),
                    (4, 'a3', 1, 3, 'bo', 'revert', NULL, 'a2', '2026-01-01T00:00:04.000Z'),
                    (5, 'b2', 2, 2, 'ana', 'revert', NULL, 'b1', '2026-01-01T00:00:05.000Z'),
                    (6, 'b3', 2, 3, 'ana', 'revert', NULL, 'b2', '2026-01-01T00:00:06.000Z');
             PRAGMA user_version = 5;",
        )
        .unwrap();
    }
    let mut store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let outcome = |store: &vetted::Store, id: &str| {
        (
            store.item(id).unwrap().status,
            store.review_state(id).unwrap().0,
            store.effective_decision(id).unwrap().map(|d| d.id),
        )
    };
    assert_eq!(
        outcome(&store, "a"),
        (
            ItemStatus::Approved,
            ReviewState::Settled,
            Some("a1".into())
        )
    );
    assert_eq!(
        outcome(&store, "b"),
        (
            ItemStatus::Rejected,
            ReviewState::Settled,
            Some("b1".into())
        )
    );
    assert_eq!(
        outcome(&store, "c"),
        (ItemStatus::Pending, ReviewState::Open, None)
    );
    let names: Vec<String> = store
        .reviewers()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["ana", "bo"], "reviewers of the log get profiles");
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        let clocks: Vec<(i64, i64)> = conn
            .prepare("SELECT seq, clock FROM decisions ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(clocks.iter().all(|(seq, clock)| seq == clock), "{clocks:?}");
        let refused = conn.execute("UPDATE decisions SET reviewer = 'x'", []);
        assert!(refused.unwrap_err().to_string().contains("append-only"));
    }
    // After the upgrade a later decision still overrides (one review required).
    let version = store.item("a").unwrap().version;
    store
        .decide(&vetted::domain::DecisionInput {
            id: "a4".into(),
            item: "a".into(),
            item_version: version,
            reviewer: "cy".into(),
            action: vetted::domain::Action::Reject,
            edited: None,
            reason: Some("incomplete".into()),
            note: None,
        })
        .unwrap();
    assert_eq!(
        outcome(&store, "a"),
        (
            ItemStatus::Rejected,
            ReviewState::Settled,
            Some("a4".into())
        )
    );
}

#[test]
fn migration_0011_keeps_registered_products_and_accepts_database_sources() {
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        for migration in &MIGRATIONS[..10] {
            conn.execute_batch(migration.sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO products (name, source_kind, source_path, source_table, schema, row_count,
                                   sample_rows, registered_at)
             VALUES ('Album', 'sqlite', '/data/chinook.sqlite', 'Album', '{\"fields\":[]}', 347,
                     '[]', '2026-01-01T00:00:00.000Z'),
                    ('orders', 'csv', '/data/orders.csv', NULL, '{\"fields\":[]}', 3, '[]',
                     '2026-01-01T00:00:00.000Z');
             PRAGMA user_version = 10;",
        )
        .unwrap();
    }
    let store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let kept: Vec<(String, String, Option<String>, i64)> = store
        .conn()
        .prepare("SELECT name, source_kind, source_table, row_count FROM products ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        kept,
        [
            ("Album".into(), "sqlite".into(), Some("Album".into()), 347),
            ("orders".into(), "csv".into(), None, 3)
        ],
        "every registered product survives the rebuild"
    );
    let insert = |kind: &str, table: Option<&str>| {
        store.conn().execute(
            "INSERT INTO products (name, source_kind, source_path, source_table, schema, row_count,
                                   sample_rows, registered_at)
             VALUES (?1, ?2, 'x', ?3, '{}', 0, '[]', '2026-01-01T00:00:00.000Z')",
            rusqlite::params![format!("{kind}-{}", table.is_some()), kind, table],
        )
    };
    assert!(
        insert("postgres", Some("\"public\".\"t\"")).is_ok(),
        "a PostgreSQL table"
    );
    assert!(insert("parquet", None).is_ok(), "a Parquet file");
    assert!(
        insert("postgres", None).is_err(),
        "a database source names its table"
    );
    assert!(
        insert("excel", None).is_err(),
        "unknown kinds are still refused"
    );
}

#[test]
fn migration_0013_ranks_existing_relationships_by_their_proposed_confidence() {
    let db = temp_db();
    let lines = [
        relationship_line("low").replace("0.82", "0.31"),
        crate::support::answer_line("answer", "$12M"),
        relationship_line("high"),
        relationship_line("none").replace("\"confidence\":0.82,", ""),
    ];
    {
        let mut store = db.open();
        crate::support::import_lines(&db, &mut store, &lines);
    }
    {
        // Back to version 12: what 0013 to 0020 add removed.
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute_batch(
            "DROP INDEX items_relationships; DROP TRIGGER stats_ratings_by_pick; DROP TABLE comparison_picks; DROP TABLE claim_settings; DROP TABLE claim_checks; DROP TABLE form_answers; DROP TABLE review_forms; DROP TABLE prompt_revisions; DROP TABLE alignment_variants; DROP TABLE alignment_results;
             DROP TABLE alignment_runs; ALTER TABLE llm_calls DROP COLUMN knowledge;
             ALTER TABLE llm_runs DROP COLUMN run_by;
             DROP INDEX items_by_likely; ALTER TABLE items DROP COLUMN likely;
             ALTER TABLE items DROP COLUMN assessment; DROP TABLE relation_assessments;
             PRAGMA user_version = 12;",
        )
        .unwrap();
    }
    let store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let filter = QueueFilter {
        sort: QueueSort::Likely,
        ..QueueFilter::default()
    };
    let order: Vec<String> = store
        .queue_page(&filter, None, 10)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.external_id)
        .collect();
    assert_eq!(
        order,
        ["high", "low", "none", "answer"],
        "most likely first by the proposal's confidence; without one, and answers, last"
    );
    assert_eq!(
        store.item("high").unwrap().assessment,
        None,
        "no item was ranked before"
    );
}

#[test]
fn migration_0018_lets_a_version_17_database_take_comparisons_keeping_its_items() {
    let db = temp_db();
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        for (n, migration) in MIGRATIONS[..17].iter().enumerate() {
            conn.execute_batch(migration.sql).unwrap();
            conn.pragma_update(None, "user_version", n as i64 + 1)
                .unwrap();
        }
        let refused = conn.execute(
            "INSERT INTO items (external_id, kind, domain, model, title, payload, content_hash,
                                created_at, updated_at)
             VALUES ('x', 'comparison', 'd', 'm', 't', '{}', 'h', '', '')",
            [],
        );
        assert!(
            refused.is_err(),
            "before 0018 the items table refuses the comparison kind"
        );
        conn.execute_batch(
            "INSERT INTO items (external_id, kind, domain, model, title, payload, content_hash,
                                created_at, updated_at)
             VALUES ('old-1', 'answer', 'd', 'm', 'q', '{\"question\":\"q\",\"answer\":\"a\"}',
                     'h', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO decisions (id, item_id, item_version, reviewer, action, decided_at, clock)
             VALUES ('d-old', 1, 1, 'ana', 'approve', '2026-01-02T00:00:00.000Z', 1);",
        )
        .unwrap();
    }
    let comparison = serde_json::json!({
        "kind": "comparison", "id": "c-1", "domain": "finance", "question": "Q3 revenue?",
        "candidates": [{"model": "a", "answer": "$12M."}, {"model": "b", "answer": "$10M."}],
        "evidence": [],
    });
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{comparison}\n",
            crate::support::answer_line("a-1", "$12M")
        ),
    );
    let mut store = db.open();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    store
        .import_path(&file)
        .expect("the connection that migrated takes comparisons at once");
    assert_eq!(store.item("c-1").unwrap().model, "a vs b");
    let check: String = store
        .conn()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'items'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        check.contains("CHECK (kind IN ('answer', 'relationship') OR kind = 'comparison')"),
        "{check}"
    );
    let integrity: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        integrity, "ok",
        "editing the definition in place leaves a sound file"
    );
    let history = store.history("old-1").unwrap();
    assert_eq!(
        (history.len(), history[0].id.as_str(), history[0].pick),
        (1, "d-old", None),
        "the decision from before the migration is kept"
    );
    assert_eq!(store.item("old-1").unwrap().body.title(), "q");
}
