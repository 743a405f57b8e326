//! Export: shared helpers; `mapping` checks what each decision becomes, `output` the split,
//! de-dup, audit trail and file guarantees.

mod mapping;
mod output;
mod vetter_sft;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use vetted::Store;
use vetted::domain::{Action, DecisionInput, EditedContent};
use vetted::export::{ExportOptions, Format, Manifest, export};

use crate::support::{TempDb, temp_db};

pub fn store_with(lines: &[String]) -> (TempDb, Store) {
    let db = temp_db();
    let file = db.write_file("items.jsonl", lines.join("\n"));
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

pub fn decide(store: &mut Store, item: &str, action: Action, edited: Option<EditedContent>) {
    let version = store.item(item).unwrap().version;
    store
        .decide(&DecisionInput {
            id: format!("{item}-v{version}"),
            item: item.into(),
            item_version: version,
            reviewer: "ana".into(),
            action,
            edited,
            reason: (action == Action::Reject).then(|| "unsupported_by_evidence".into()),
            note: Some("NOTE-FOR-HUMANS only".into()),
        })
        .unwrap();
}

pub fn edit_answer(answer: &str) -> Option<EditedContent> {
    Some(EditedContent::Answer {
        answer: answer.into(),
    })
}

pub fn out_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn run(store: &Store, options: &ExportOptions) -> vetted::Result<Manifest> {
    export(store, options, &mut |_| {}, &AtomicBool::new(false))
}

pub fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn export_lines(store: &Store, format: Format) -> Vec<Value> {
    let dir = out_dir();
    let out = dir.path().join("out.jsonl");
    run(store, &ExportOptions::new(format, &out)).expect("export succeeds");
    lines(&out)
}

pub fn last(messages: &Value) -> &str {
    messages.as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
}
