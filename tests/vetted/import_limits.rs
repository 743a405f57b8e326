//! Bad input: each case is rejected with a precise message and leaves every table as it was.

use vetted::ErrorCode;
use vetted::import::MAX_LINE_BYTES;

use crate::support::{TempDb, answer_line, table_counts, temp_db};

/// A database holding one item, so "unchanged" is not trivially an empty database.
fn seeded() -> TempDb {
    let db = temp_db();
    let seed = db.write_file("seed.jsonl", format!("{}\n", answer_line("seed-1", "$12M")));
    db.open().import_path(&seed).expect("seed imports");
    db
}

/// Imports `contents` as `name` and asserts the exact problem and an unchanged database.
fn assert_rejected(name: &str, contents: impl AsRef<[u8]>, expected: &str) {
    let db = seeded();
    let file = db.write_file(name, contents);
    let before = table_counts(&db.path);
    let err = db
        .open()
        .import_path(&file)
        .err()
        .unwrap_or_else(|| panic!("{name} must be rejected"));
    let message = err.to_string();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{message}");
    let file = file.display().to_string();
    let expected = expected.replace("FILE", &file);
    assert!(
        message.lines().any(|l| l == expected),
        "expected the line `{expected}` in:\n{message}"
    );
    assert!(
        message.ends_with("nothing was imported from this file"),
        "{message}"
    );
    assert_eq!(
        table_counts(&db.path),
        before,
        "a rejected {name} must leave every table as it was"
    );
}

#[test]
fn a_line_over_the_limit_is_rejected_without_buffering_it() {
    let huge = format!(
        "{}\n{}\n",
        answer_line("a-1", "x"),
        answer_line("a-2", &"y".repeat(MAX_LINE_BYTES))
    );
    assert_rejected(
        "big.jsonl",
        huge,
        "FILE:2: line is longer than the limit of 8 MiB",
    );
}

#[test]
fn a_csv_record_over_the_limit_is_rejected() {
    let csv = format!(
        "id,domain,model,question,answer\na-1,d,m,q,{}\n",
        "y".repeat(MAX_LINE_BYTES + 1)
    );
    assert_rejected(
        "big.csv",
        csv,
        "FILE:2: record is longer than the limit of 8 MiB (starting at byte 32)",
    );
}

#[test]
fn invalid_utf8_names_the_byte() {
    let mut bytes = answer_line("a-1", "ok").into_bytes();
    bytes.extend_from_slice(b"\n{\"kind\":\"answer\",\"id\":\"a-\xff\"}\n");
    assert_rejected(
        "latin1.jsonl",
        bytes,
        "FILE:2: invalid UTF-8 at byte 26 of the line",
    );
}

#[test]
fn a_truncated_last_line_says_the_file_is_cut_off() {
    let line = answer_line("a-2", "x");
    let cut = &line[..line.len() / 2];
    assert_rejected(
        "cut.jsonl",
        format!("{}\n{cut}", answer_line("a-1", "x")),
        &format!(
            "FILE:2: the JSON object is cut off (column {}); is the file truncated?",
            cut.len()
        ),
    );
}

#[test]
fn an_empty_file_and_a_blank_file_are_rejected() {
    assert_rejected(
        "empty.jsonl",
        "",
        "FILE: the file is empty; nothing to import",
    );
    assert_rejected(
        "blank.jsonl",
        "\n  \r\n\n",
        "FILE: the file has no items, only blank lines",
    );
    assert_rejected(
        "empty.csv",
        "",
        "FILE: the file is empty; nothing to import",
    );
}

#[test]
fn an_unknown_kind_is_rejected() {
    assert_rejected(
        "kind.jsonl",
        "{\"kind\":\"poem\",\"id\":\"p-1\"}\n",
        r#"FILE:1: kind: unknown kind "poem" (expected "answer", "relationship" or "comparison")"#,
    );
}

#[test]
fn wrong_types_name_the_field() {
    let line = answer_line("a-1", "x").replace(r#""evidence":["#, r#""evidence":[7,"#);
    assert_rejected(
        "types.jsonl",
        format!("{line}\n"),
        "FILE:1: evidence[0]: invalid type: integer `7`, expected struct Evidence",
    );
    assert_rejected(
        "array.jsonl",
        "[1,2]\n",
        "FILE:1: expected a JSON object per line",
    );
}

#[test]
fn a_repeated_id_with_other_content_names_both_lines() {
    assert_rejected(
        "dup.jsonl",
        format!(
            "{}\n{}\n{}\n",
            answer_line("a-1", "x"),
            answer_line("a-2", "x"),
            answer_line("a-1", "y")
        ),
        "FILE:3: id: 'a-1' is also used on line 1 with different content",
    );
}

#[test]
fn an_id_stored_with_other_content_is_a_clash() {
    assert_rejected(
        "clash.jsonl",
        format!("{}\n", answer_line("seed-1", "$99M")),
        "FILE:1: id: an item 'seed-1' already exists with different content",
    );
}

#[test]
fn at_most_50_problems_are_listed_then_counted() {
    let db = seeded();
    let file = db.write_file("many.jsonl", "not json\n".repeat(120));
    let message = db.open().import_path(&file).err().unwrap().to_string();
    let listed = message
        .lines()
        .filter(|l| l.contains(": invalid JSON"))
        .count();
    assert_eq!(listed, 50, "the first 50 problems are listed:\n{message}");
    assert!(message.contains("… and 70 more problems"), "{message}");
    assert!(message.contains("120 problems found"), "{message}");
}

#[test]
fn bom_crlf_and_a_last_line_without_newline_are_accepted() {
    let db = temp_db();
    let file = db.write_file(
        "windows.jsonl",
        format!(
            "\u{feff}{}\r\n{}",
            answer_line("a-1", "x"),
            answer_line("a-2", "x")
        ),
    );
    let report = db.open().import_path(&file).expect("accepted");
    assert_eq!((report.new, report.already_present), (2, 0));
}
