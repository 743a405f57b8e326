//! Shared fixtures: a temp database and a few valid import lines.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};

use vetted::Store;

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vetted.db");
    TempDb { dir, path }
}

impl TempDb {
    pub fn open(&self) -> Store {
        Store::open(&self.path).expect("open store")
    }

    pub fn write_file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }
}

pub fn answer_line(id: &str, answer: &str) -> String {
    serde_json::json!({
        "kind": "answer",
        "id": id,
        "domain": "finance",
        "model": "llama-3.1-8b",
        "question": "What was Q3 revenue?",
        "answer": answer,
        "evidence": [
            {"id": "doc-1", "title": "Q3 report", "text": "Revenue in Q3 was $12M.", "source": "s3://reports/q3.pdf"}
        ],
        "vetting": {"model": "vetter-1", "verdict": "pass", "score": 0.9, "reasons": []},
        "metadata": {"batch": 7}
    })
    .to_string()
}

/// A candidate naming its products only: `{"product": NAME}` on each side.
pub fn by_name_line(
    id: &str,
    (source, source_field): (&str, &str),
    (target, target_field): (&str, &str),
) -> String {
    serde_json::json!({
        "kind": "relationship", "id": id, "domain": "test", "model": "test-model",
        "source": {"product": source}, "target": {"product": target},
        "relation": {"type": "foreign_key", "cardinality": "N:1",
                     "mapping": [{"source_field": source_field, "target_field": target_field}]},
        "rationale": "test candidate", "confidence": 0.5
    })
    .to_string()
}

pub fn relationship_line(id: &str) -> String {
    serde_json::json!({
        "kind": "relationship",
        "id": id,
        "domain": "sales",
        "model": "qwen2.5-coder-7b",
        "source": {"product": "orders", "fields": [{"name": "customer_id", "type": "int"}, {"name": "id", "type": "int"}],
                   "sample_rows": [{"customer_id": 7, "id": 1}]},
        "target": {"product": "customers", "fields": [{"name": "id", "type": "int"}],
                   "sample_rows": [{"id": 7}]},
        "relation": {"type": "foreign_key", "cardinality": "N:1",
                     "mapping": [{"source_field": "customer_id", "target_field": "id"}]},
        "rationale": "customer_id values look like customer ids",
        "confidence": 0.82
    })
    .to_string()
}

/// Row counts of every table: the database is "unchanged" when these are equal.
///
/// The full-text index counts as the documents it holds (`items_fts`); its shadow tables
/// (`items_fts_data`, …) are FTS5's internal segment layout, which deleting documents changes
/// without changing what the index contains.
pub fn table_counts(path: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(path).expect("open for counting");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'items_fts_%'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// The real Chinook database (`../shared/datasets`, next to the repository).
/// The first column of every row `sql` returns from the database at `path`, read directly
/// (independent of the store's code).
pub fn column<T: rusqlite::types::FromSql>(path: &Path, sql: &str) -> Vec<T> {
    rusqlite::Connection::open(path)
        .unwrap()
        .prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn chinook_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chinook/Chinook_Sqlite.sqlite")
}

/// Northwind built from its SQL script into `dir/northwind.sqlite`.
pub fn northwind_db(dir: &Path) -> PathBuf {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/northwind/create.sql");
    let sql = std::fs::read_to_string(&script).expect("read northwind/create.sql");
    let path = dir.join("northwind.sqlite");
    let conn = rusqlite::Connection::open(&path).expect("create northwind db");
    // One transaction: in autocommit mode each of its 3,310 INSERTs waits for an fsync (~70 s).
    // The script turns foreign keys off itself, but that pragma is a no-op inside a transaction,
    // and it inserts child rows before their parents; so it is done here, first.
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;\nBEGIN;\n{sql}\nCOMMIT;"
    ))
    .expect("load northwind/create.sql");
    path
}

/// A relationship item between two registered products, as an import line: each side carries
/// the product's registered fields and its first three sample rows.
pub fn relationship_between(
    store: &Store,
    id: &str,
    (source, source_fields): (&str, &[&str]),
    (target, target_fields): (&str, &[&str]),
    cardinality: &str,
) -> String {
    let side = |name: &str| {
        let product = store
            .product(name)
            .expect("read product")
            .unwrap_or_else(|| panic!("product {name} is registered"));
        let fields: Vec<_> = product
            .schema
            .fields
            .iter()
            .map(|f| serde_json::json!({"name": f.name, "type": f.declared_type}))
            .collect();
        serde_json::json!({"product": name, "fields": fields,
                           "sample_rows": product.sample_rows.iter().take(3).collect::<Vec<_>>()})
    };
    let mapping: Vec<_> = source_fields
        .iter()
        .zip(target_fields)
        .map(|(s, t)| serde_json::json!({"source_field": s, "target_field": t}))
        .collect();
    serde_json::json!({
        "kind": "relationship", "id": id, "domain": "test", "model": "test-model",
        "source": side(source), "target": side(target),
        "relation": {"type": "foreign_key", "cardinality": cardinality, "mapping": mapping},
        "rationale": "test candidate", "confidence": 0.5
    })
    .to_string()
}

/// Imports `lines` (one JSON object each) into `store`.
pub fn import_lines(db: &TempDb, store: &mut Store, lines: &[String]) {
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    store.import_path(&file).expect("import test items");
}

/// `n` valid answer lines with ids `{prefix}-0` … (one JSON object each, no line ends).
pub fn answer_lines(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| answer_line(&format!("{prefix}-{i}"), &format!("answer number {i}")))
        .collect()
}

/// Runs a CLI command that must succeed (its stderr is the failure message) and parses its
/// stdout as JSON.
pub fn json_of(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Starts `work` as the app does and returns its id and a receiver of all its events.
pub fn spawn_job(
    jobs: &vetted::jobs::Jobs,
    work: vetted::jobs::Work,
) -> (
    vetted::jobs::JobId,
    std::sync::mpsc::Receiver<vetted::jobs::JobEvent>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let id = jobs.spawn(work, move |e| {
        let _ = tx.send(e);
    });
    (id, rx)
}

/// The real `vetted` binary on the database at `db` (whatever `VETTED_DB` says is ignored).
pub fn vetted(db: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vetted").unwrap();
    cmd.arg("--db").arg(db).env_remove("VETTED_DB");
    cmd
}

/// The throwaway server's admin URL, or `None` (with a notice) when there is none.
pub fn postgres_server() -> Option<String> {
    match std::env::var("VETTED_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("VETTED_REQUIRE_POSTGRES").is_some() => {
            panic!("VETTED_REQUIRE_POSTGRES is set but VETTED_TEST_POSTGRES_URL is not")
        }
        Err(_) => {
            eprintln!("skipped: no PostgreSQL (run under scripts/with-postgres.sh)");
            None
        }
    }
}

/// A new database on the server, named uniquely for this test process; its URL.
pub fn new_database(admin: &str, label: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "{label}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = Client::connect(admin, NoTls).expect("connect to the test server");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    let (base, _) = admin.rsplit_once('/').expect("the URL names a database");
    format!("{base}/{name}")
}

/// A settings file beside `db` naming the OpenAI-compatible server at `base_url` as provider
/// `name` (model `gpt-4o-mini`, so calls are priced; no key, as a local server takes none).
pub fn provider_settings(db: &TempDb, name: &str, base_url: &str) -> std::path::PathBuf {
    let settings = db.dir.path().join("vetted.toml");
    let config = vetted::llm::provider::ProviderConfig {
        base_url: base_url.to_owned(),
        model: "gpt-4o-mini".into(),
        api_key_env: "VETTED_TEST_NO_SUCH_KEY".into(),
    };
    vetted::llm::provider::Settings::save_provider(&settings, name, &config).unwrap();
    settings
}
