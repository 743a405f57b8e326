//! Full-text search: what it finds, and hostile input that must never be an error.

use std::sync::OnceLock;

use vetted::store::{RANK_LIMIT, SearchOrder, fts_query};

use crate::support::{TempDb, answer_line, relationship_line, temp_db};

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
        .hits
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
        let results = store.search(query, 10);
        assert!(
            results.is_ok(),
            "search {:?} must not fail",
            &query[..query.len().min(20)]
        );
        let results = results.unwrap();
        assert!(
            !results.hits.is_empty() || results.order == vetted::store::SearchOrder::Relevance,
            "no hits, so no 'common words, newest first' note for {:?}",
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

/// `RANK_LIMIT + 1` answers, all containing "revenue" (question and evidence): `z-old` (first
/// imported, "zebra" four times), `f-0`…`f-9998` ("filler"), `z-new` (last, "zebra" once).
fn crowded() -> &'static TempDb {
    static DB: OnceLock<TempDb> = OnceLock::new();
    DB.get_or_init(|| {
        let db = temp_db();
        let mut lines = vec![answer_line("z-old", "zebra zebra zebra zebra")];
        lines.extend((0..RANK_LIMIT - 1).map(|i| answer_line(&format!("f-{i}"), "filler")));
        lines.push(answer_line("z-new", "a zebra among many other words here"));
        let file = db.write_file("crowded.jsonl", lines.join("\n"));
        db.open()
            .import_path(&file)
            .expect("import the crowded fixture");
        db
    })
}

fn order_and_ids(store: &vetted::Store, query: &str, limit: u32) -> (SearchOrder, Vec<String>) {
    let found = store
        .search(query, limit)
        .unwrap_or_else(|e| panic!("search {query:?} failed: {e}"));
    let ids = found.hits.into_iter().map(|e| e.external_id).collect();
    (found.order, ids)
}

#[test]
fn words_in_more_items_than_the_rank_limit_come_newest_first_and_say_so() {
    let store = crowded().open();
    assert_eq!(
        order_and_ids(&store, "revenue", 3),
        (
            SearchOrder::Newest,
            vec!["z-new".into(), "f-9998".into(), "f-9997".into()]
        ),
        "a word in RANK_LIMIT + 1 items: the newest three, flagged as newest first"
    );
    let out = assert_cmd::Command::cargo_bin("vetted")
        .unwrap()
        .arg("--db")
        .arg(&crowded().path)
        .args(["search", "revenue", "--json", "--limit", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "the CLI search succeeds");
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        hits[0]["external_id"], "z-new",
        "the JSON stays an array of hits"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("newest first"),
        "the CLI says the order is not relevance: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn few_matches_are_ranked_by_relevance() {
    let store = crowded().open();
    assert_eq!(
        order_and_ids(&store, "zebra", 10),
        (SearchOrder::Relevance, vec!["z-old".into(), "z-new".into()]),
        "the item saying zebra four times in a short answer ranks above the newer one"
    );
    let (order, ids) = order_and_ids(&store, "filler", 5);
    assert_eq!(
        (order, ids.len()),
        (SearchOrder::Relevance, 5),
        "a word in RANK_LIMIT - 1 items is still ranked"
    );
}

#[test]
fn a_rare_word_ranks_even_next_to_a_word_in_every_item() {
    let store = crowded().open();
    assert_eq!(
        order_and_ids(&store, "revenue zebra", 10),
        (SearchOrder::Relevance, vec!["z-old".into(), "z-new".into()]),
        "ranked by the rare word; the common one still filters"
    );
    assert_eq!(
        order_and_ids(&store, "revenue zebra filler", 10),
        (SearchOrder::Relevance, Vec::<String>::new()),
        "every word must match"
    );
    assert_eq!(
        order_and_ids(&store, "q3-revenue", 2),
        (SearchOrder::Newest, vec!["z-new".into(), "f-9998".into()]),
        "a phrase of common words is not ranked (BM25 would walk both words' postings)"
    );
    assert_eq!(
        order_and_ids(&store, "zebra-among-many", 5),
        (SearchOrder::Relevance, vec!["z-new".into()]),
        "a phrase of rare words is ranked"
    );
}
