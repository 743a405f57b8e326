//! Shared fixtures: a temp database and a few valid import lines.

use std::path::{Path, PathBuf};

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

/// `n` valid answer lines with ids `{prefix}-0` … (one JSON object each, no line ends).
pub fn answer_lines(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| answer_line(&format!("{prefix}-{i}"), &format!("answer number {i}")))
        .collect()
}
