//! CSV input for answer items: a header row, then one item per record.
//!
//! Columns (any order): `id`, `domain`, `model`, `question`, `answer` are required; `evidence`
//! (a JSON array of passages, as in JSONL; empty means none) and `metadata` (a JSON object) are
//! optional. Unknown columns are refused, like unknown fields in JSONL. Each record becomes the
//! same JSON object a JSONL line would hold and is validated by the same code, so problems name
//! the same fields (`evidence[0].text: …`). A record over [`MAX_LINE_BYTES`] stops the file.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::Entry;
use super::lines::MAX_LINE_BYTES;
use super::record::parse_record;
use crate::error::{Error, Result};

const REQUIRED: [&str; 5] = ["id", "domain", "model", "question", "answer"];
const OPTIONAL_JSON: [&str; 2] = ["evidence", "metadata"];

/// The entries of a CSV input, record by record.
pub(crate) struct CsvEntries<R> {
    reader: csv::Reader<RecordLimit<R>>,
    consumed: Arc<AtomicU64>,
    source: String,
    columns: Option<Vec<String>>,
    record: csv::ByteRecord,
    pending: VecDeque<Entry>,
    found_any: bool,
    done: bool,
}

impl<R: Read> CsvEntries<R> {
    pub fn new(reader: R, source: &str) -> Self {
        let consumed = Arc::new(AtomicU64::new(0));
        let limited = RecordLimit {
            inner: reader,
            read: 0,
            consumed: consumed.clone(),
        };
        CsvEntries {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(limited),
            consumed,
            source: source.to_owned(),
            columns: None,
            record: csv::ByteRecord::new(),
            pending: VecDeque::new(),
            found_any: false,
            done: false,
        }
    }

    fn problem(&mut self, line: u64, message: String) {
        let source = &self.source;
        self.pending
            .push_back(Entry::Problem(line, format!("{source}:{line}: {message}")));
    }

    fn read_more(&mut self) -> Result<()> {
        let start = self.reader.position().byte();
        let read = self.reader.read_byte_record(&mut self.record);
        let line = self.reader.position().line().max(1);
        match read {
            Ok(false) => {
                self.done = true;
                if self.columns.is_none() {
                    let source = &self.source;
                    self.pending.push_back(Entry::Problem(
                        0,
                        format!("{source}: the file is empty; nothing to import"),
                    ));
                } else if !self.found_any {
                    let source = &self.source;
                    self.pending.push_back(Entry::Problem(
                        0,
                        format!("{source}: the file has a header but no items"),
                    ));
                }
            }
            Ok(true) => {
                let line = self.record.position().map_or(line, |p| p.line());
                let end = self.reader.position().byte();
                self.consumed.store(end, Ordering::Relaxed);
                if end - start > MAX_LINE_BYTES as u64 {
                    self.problem(line, too_long(start));
                } else if self.columns.is_none() {
                    self.read_header(line);
                } else {
                    self.found_any = true;
                    self.read_record(line);
                }
            }
            Err(e) => {
                self.done = true;
                let line = e.position().map_or(line, |p| p.line());
                match e.kind() {
                    csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
                        self.problem(line + 1, too_long(start));
                    }
                    csv::ErrorKind::Io(_) => {
                        let csv::ErrorKind::Io(io) = e.into_kind() else {
                            unreachable!()
                        };
                        return Err(Error::io(&self.source, io));
                    }
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        let (expected_len, len) = (*expected_len, *len);
                        self.problem(
                            line,
                            format!("the record has {len} fields, the header has {expected_len}"),
                        );
                    }
                    _ => self.problem(line, format!("invalid CSV: {e}")),
                }
            }
        }
        Ok(())
    }

    fn read_header(&mut self, line: u64) {
        let names: Vec<String> = self
            .record
            .iter()
            .map(|raw| {
                String::from_utf8_lossy(raw)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_owned()
            })
            .collect();
        let mut columns: Vec<String> = Vec::new();
        for name in names {
            if !REQUIRED.contains(&name.as_str()) && !OPTIONAL_JSON.contains(&name.as_str()) {
                self.problem(
                    line,
                    format!(
                        "column '{name}' is not known; columns are {} (required) and {} (optional)",
                        REQUIRED.join(", "),
                        OPTIONAL_JSON.join(", ")
                    ),
                );
            }
            if columns.contains(&name) {
                self.problem(line, format!("column '{name}' appears twice"));
            }
            columns.push(name);
        }
        for required in REQUIRED {
            if !columns.iter().any(|c| c == required) {
                self.problem(line, format!("the required column '{required}' is missing"));
            }
        }
        if !self.pending.is_empty() {
            self.done = true;
        }
        self.columns = Some(columns);
    }

    fn read_record(&mut self, line: u64) {
        let columns = self.columns.as_ref().expect("header read first");
        let mut object = Map::new();
        object.insert("kind".into(), Value::from("answer"));
        let mut problems = Vec::new();
        for (name, raw) in columns.iter().zip(self.record.iter()) {
            let text = match std::str::from_utf8(raw) {
                Ok(text) => text,
                Err(e) => {
                    problems.push(format!(
                        "{name}: invalid UTF-8 at byte {} of the field",
                        e.valid_up_to() + 1
                    ));
                    continue;
                }
            };
            if OPTIONAL_JSON.contains(&name.as_str()) {
                if text.trim().is_empty() {
                    if name == "evidence" {
                        object.insert(name.clone(), Value::Array(Vec::new()));
                    }
                    continue;
                }
                match serde_json::from_str::<Value>(text) {
                    Ok(value) => object.insert(name.clone(), value),
                    Err(e) => {
                        problems.push(format!("{name}: the column must hold JSON: {e}"));
                        continue;
                    }
                };
            } else {
                object.insert(name.clone(), Value::from(text));
            }
        }
        object
            .entry("evidence")
            .or_insert_with(|| Value::Array(Vec::new()));
        if problems.is_empty() {
            match parse_record(Value::Object(object)) {
                Ok(item) => {
                    self.pending.push_back(Entry::Item {
                        line,
                        item: Box::new(item),
                    });
                    return;
                }
                Err(found) => problems = found,
            }
        }
        for p in problems {
            self.problem(line, p);
        }
    }
}

fn too_long(start: u64) -> String {
    format!(
        "record is longer than the limit of {} MiB (starting at byte {start})",
        MAX_LINE_BYTES / (1024 * 1024)
    )
}

impl<R: Read> Iterator for CsvEntries<R> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pending.is_empty() && !self.done {
            if let Err(e) = self.read_more() {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.pending.pop_front().map(Ok)
    }
}

/// Fails with `FileTooLarge` once more than [`MAX_LINE_BYTES`] (plus the CSV reader's buffer)
/// have been read past the end of the last complete record, so one huge record can never be
/// buffered whole.
struct RecordLimit<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// Byte offset of the end of the last complete record.
    consumed: Arc<AtomicU64>,
}

/// Slack for the CSV reader's own read-ahead buffer.
const READ_AHEAD: u64 = 64 * 1024;

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.consumed.load(Ordering::Relaxed) + MAX_LINE_BYTES as u64 + READ_AHEAD {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "CSV record over the size limit",
            ));
        }
        Ok(n)
    }
}
