//! Importing items from JSONL (plain or gzip, a file or stdin).
//!
//! All-or-nothing per file: every line is validated before anything is written, and the writes
//! happen in one transaction, so a bad line or a clash leaves the database as it was.
//! Idempotent: an item whose external id and content hash are already stored is counted as
//! already present, not added again.
//!
//! Accepted quirks: a UTF-8 byte-order mark at the start, CRLF line ends, blank lines.
//! Rejected with a precise error: invalid UTF-8, invalid JSON (including a last line cut off
//! mid-object), lines over [`MAX_LINE_BYTES`], an empty file.

mod record;

pub use record::parse_record;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::error::{Error, InvalidInput, MAX_LISTED_PROBLEMS, Result};
use crate::store::{Inserted, NewItem, Store, insert_item, now_text};

/// Longest accepted line (8 MiB): longer lines are refused rather than buffered.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// Outcome of importing one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    pub source: String,
    #[ts(type = "number")]
    pub new: usize,
    #[ts(type = "number")]
    pub already_present: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} new, {} already present",
            self.source, self.new, self.already_present
        )
    }
}

impl Store {
    /// Imports a JSONL file (`.jsonl` or gzip-compressed); `-` reads standard input.
    pub fn import_path(&mut self, path: &Path) -> Result<ImportReport> {
        if path == Path::new("-") {
            return self.import_reader("<stdin>", std::io::stdin().lock());
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        self.import_reader(&path.display().to_string(), file)
    }

    /// Imports JSONL from any reader; `source` names it in messages and in the import record.
    pub fn import_reader(&mut self, source: &str, reader: impl Read) -> Result<ImportReport> {
        let mut reader = BufReader::new(reader);
        let is_gzip = reader
            .fill_buf()
            .map_err(|e| Error::io(source, e))?
            .starts_with(&[0x1f, 0x8b]);
        let parsed = if is_gzip {
            parse_lines(
                source,
                BufReader::new(flate2::bufread::GzDecoder::new(reader)),
            )?
        } else {
            parse_lines(source, reader)?
        };
        self.write(|tx| {
            let mut report = ImportReport {
                source: source.to_owned(),
                new: 0,
                already_present: 0,
            };
            let mut problems = Problems::default();
            for (line, item) in &parsed.items {
                match insert_item(tx, item)? {
                    Inserted::New => report.new += 1,
                    Inserted::AlreadyPresent => report.already_present += 1,
                    Inserted::Clash => problems.push(format!(
                        "{source}:{line}: id: an item '{}' already exists with different content",
                        item.external_id
                    )),
                }
            }
            problems.into_result()?;
            tx.execute(
                "INSERT INTO imports (source, file_sha256, items_new, items_present, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    source,
                    parsed.sha256,
                    report.new as i64,
                    report.already_present as i64,
                    now_text()
                ],
            )?;
            Ok(report)
        })
    }
}

struct Parsed {
    items: Vec<(usize, NewItem)>,
    sha256: String,
}

#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    total: usize,
}

impl Problems {
    fn push(&mut self, problem: String) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(problem);
        }
    }

    fn into_result(self) -> Result<()> {
        if self.total == 0 {
            return Ok(());
        }
        Err(Error::Invalid(InvalidInput {
            problems: self.listed,
            total: self.total,
        }))
    }
}

fn parse_lines(source: &str, mut reader: impl BufRead) -> Result<Parsed> {
    let mut hasher = Sha256::new();
    let mut items = Vec::new();
    let mut problems = Problems::default();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let read = reader
            .by_ref()
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(source, e))?;
        if read == 0 {
            break;
        }
        line_no += 1;
        hasher.update(&buf);
        if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
            problems.push(format!(
                "{source}:{line_no}: line is longer than the limit of {} MiB",
                MAX_LINE_BYTES / (1024 * 1024)
            ));
            skip_rest_of_line(&mut reader, &mut hasher).map_err(|e| Error::io(source, e))?;
            continue;
        }
        let mut bytes = buf.as_slice();
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!(
                    "{source}:{line_no}: invalid UTF-8 at byte {} of the line",
                    e.valid_up_to() + 1
                ));
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) if e.is_eof() => {
                problems.push(format!(
                    "{source}:{line_no}: the JSON object is cut off (column {}); is the file truncated?",
                    e.column()
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!("{source}:{line_no}: invalid JSON: {e}"));
                continue;
            }
        };
        if !value.is_object() {
            problems.push(format!(
                "{source}:{line_no}: expected a JSON object per line"
            ));
            continue;
        }
        match parse_record(value) {
            Ok(item) => {
                if let Some((first, _)) = items
                    .iter()
                    .find(|(_, seen): &&(usize, NewItem)| seen.external_id == item.external_id)
                    .filter(|(_, seen)| seen.content_hash != item.content_hash)
                {
                    problems.push(format!(
                        "{source}:{line_no}: id: '{}' is also used on line {first} with different content",
                        item.external_id
                    ));
                }
                items.push((line_no, item));
            }
            Err(found) => {
                for problem in found {
                    problems.push(format!("{source}:{line_no}: {problem}"));
                }
            }
        }
    }
    if line_no == 0 {
        problems.push(format!("{source}: the file is empty; nothing to import"));
    } else if items.is_empty() && problems.total == 0 {
        problems.push(format!("{source}: the file has no items, only blank lines"));
    }
    problems.into_result()?;
    Ok(Parsed {
        items,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn skip_rest_of_line(reader: &mut impl BufRead, hasher: &mut Sha256) -> std::io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        hasher.update(&chunk[..used]);
        reader.consume(used);
        if done {
            return Ok(());
        }
    }
}
