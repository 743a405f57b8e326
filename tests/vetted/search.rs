//! Full-text search: what it finds, and hostile input that must never be an error.

use vetted::store::fts_query;

use crate::support::{answer_line, relationship_line, temp_db};

fn searchable() -> (crate::support::TempDb, vetted::Store) {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n",
            answer_line("a-1", "Revenue grew to $12M"),
            relationship_line("r-1")
        ),
    );
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

fn ids(store: &vetted::Store, query: &str) -> Vec<String> {
    store
        .search(query, 10)
        .unwrap_or_else(|e| panic!("search {query:?} failed: {e}"))
        .into_iter()
        .map(|e| e.external_id)
        .collect()
}

#[test]
fn finds_question_answer_evidence_and_relationship_text() {
    let (_db, store) = searchable();
    assert_eq!(ids(&store, "Q3 revenue"), ["a-1"], "question words");
    assert_eq!(ids(&store, "grew"), ["a-1"], "answer words");
    assert_eq!(ids(&store, "report"), ["a-1"], "evidence title");
    assert_eq!(ids(&store, "rationale look"), Vec::<String>::new());
    assert_eq!(
        ids(&store, "customer ids"),
        ["r-1"],
        "relationship rationale"
    );
    assert_eq!(ids(&store, "customer_id"), ["r-1"], "relationship fields");
    assert_eq!(ids(&store, "REVENUE"), ["a-1"], "case-insensitive");
}

#[test]
fn hostile_queries_return_results_or_none_never_an_error() {
    let (_db, store) = searchable();
    let long = "revenue ".repeat(1300);
    for query in [
        "\"",
        "foo\"",
        "NEAR(",
        "AND",
        "OR",
        "NOT",
        "*",
        "col:x",
        "title:revenue",
        "-x",
        "^x",
        "revenue\0",
        "\0",
        "",
        "   ",
        "(",
        ")",
        "{a b}",
        "a + b",
        &long,
    ] {
        assert!(
            store.search(query, 10).is_ok(),
            "search {:?} must not fail",
            &query[..query.len().min(20)]
        );
    }
    assert_eq!(ids(&store, "revenue\0"), ["a-1"], "NUL is dropped");
    assert_eq!(
        ids(&store, &long),
        ["a-1"],
        "a 10k-char query is cut, not refused"
    );
    assert_eq!(
        ids(&store, "title:revenue"),
        Vec::<String>::new(),
        "no column filters"
    );
}

#[test]
fn user_input_is_quoted_token_by_token() {
    assert_eq!(
        fts_query(r#"NEAR( foo" -x"#).as_deref(),
        Some(r#""NEAR(" "foo""" "-x""#)
    );
    assert_eq!(fts_query(" \0 "), None, "nothing searchable");
}

#[test]
fn cli_search_prints_json() {
    let (db, _store) = searchable();
    let out = assert_cmd::Command::cargo_bin("vetted")
        .unwrap()
        .arg("--db")
        .arg(&db.path)
        .args(["search", "revenue", "--json", "--limit", "5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["external_id"], "a-1");
}
