//! Importing items: JSONL (plain or gzip, a file or stdin), CSV of answer items, and OpenAI
//! Batch API input/output pairs — up to millions of items, with bounded memory.
//!
//! All-or-nothing per file: items are written in short transactions as an unfinished import
//! that nobody sees, and made visible by one final transaction only if the whole file was valid
//! (`store::staging` explains how). A problem, a cancel or a crash leaves every table as it was.
//! Idempotent: an item whose external id and content hash are already stored is counted as
//! already present, not added again; the same id with different content is an error.
//!
//! Accepted quirks: a UTF-8 byte-order mark at the start, CRLF line ends, blank lines, a last
//! line without a line end. Rejected with a precise error: invalid UTF-8, invalid JSON
//! (including a last line cut off mid-object), lines or CSV records over [`MAX_LINE_BYTES`],
//! an empty file.

mod csv_items;
mod jsonl;
mod lines;
mod openai_batch;
mod pipeline;
mod problems;
mod record;
mod registry;
mod tally;

pub use lines::MAX_LINE_BYTES;
pub use pipeline::BATCH_ITEMS;
pub(crate) use problems::Problems;
pub use record::parse_record;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::error::{Error, Result};
use crate::store::{NewItem, PreparedItem, Store};
use registry::Registry;
use tally::{ReadTally, TalliedReader};

/// What to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// A file: CSV when named `*.csv` or `*.csv.gz`, JSONL otherwise; gzip is detected by
    /// content. The path `-` reads JSONL from standard input.
    File(PathBuf),
    /// The input and output files of an OpenAI batch, answers attributed to `domain`.
    OpenAiBatch {
        input: PathBuf,
        output: PathBuf,
        domain: String,
    },
}

/// Outcome of importing one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    pub source: String,
    #[ts(type = "number")]
    pub new: usize,
    #[ts(type = "number")]
    pub already_present: usize,
    /// Entries deliberately left out (OpenAI batch requests without a successful response).
    #[ts(type = "number")]
    pub skipped: usize,
    /// Why entries were skipped: the first 50, as `FILE:LINE: …`.
    pub notes: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} new, {} already present",
            self.source, self.new, self.already_present
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// Reported after every written batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportProgress {
    /// Items written (or checked) so far.
    #[ts(type = "number")]
    pub items: u64,
    /// Input bytes read so far (compressed bytes for gzip).
    #[ts(type = "number")]
    pub bytes_read: u64,
    /// Size of the input, when known (not for standard input).
    #[ts(type = "number | null")]
    pub bytes_total: Option<u64>,
}

/// One step of reading an input.
pub(crate) enum Entry {
    /// A valid item from this line.
    Item { line: u64, item: Box<NewItem> },
    /// A problem on this line (0: the file as a whole), written out in full.
    Problem(u64, String),
    /// An entry deliberately left out, and why.
    Skipped(u64, String),
}

pub(crate) type Entries = Box<dyn Iterator<Item = Result<Entry>> + Send>;

/// An input ready to be read by the pipeline.
pub(crate) struct Opened {
    source: String,
    entries: Entries,
    tally: Arc<ReadTally>,
    bytes_total: Option<u64>,
}

impl Store {
    /// Imports a JSONL or CSV file (`-` reads JSONL from standard input), without progress.
    pub fn import_path(&mut self, path: &Path) -> Result<ImportReport> {
        self.import(
            &ImportSource::File(path.to_owned()),
            &mut |_| {},
            &AtomicBool::new(false),
        )
    }

    /// Imports `source`, calling `progress` after every written batch. Setting `cancel` stops
    /// the import soon after and leaves the database as it was (`Error::ImportCancelled`).
    pub fn import(
        &mut self,
        source: &ImportSource,
        progress: &mut dyn FnMut(&ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let opened = open(source, || Registry::at(self.path()))?;
        pipeline::run(self, opened, progress, cancel)
    }
}

/// `db_path` is the store's database, whose data-product registry fills relationship sides
/// that only name a product.
/// Opens `source`; `registry` gives the registry relationship sides are filled from.
fn open(source: &ImportSource, registry: impl FnOnce() -> Registry) -> Result<Opened> {
    let tally = Arc::new(ReadTally::default());
    match source {
        ImportSource::File(path) if path == Path::new("-") => {
            let reader = TalliedReader::new(std::io::stdin(), tally.clone());
            Ok(Opened {
                source: "<stdin>".into(),
                entries: Box::new(jsonl::JsonlEntries::new(
                    decompressed(reader, "<stdin>")?,
                    "<stdin>",
                    registry(),
                )),
                tally,
                bytes_total: None,
            })
        }
        ImportSource::File(path) => {
            let name = path.display().to_string();
            crate::user_files::check_readable(path)?;
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            let bytes_total = file.metadata().ok().map(|m| m.len());
            let reader = decompressed(TalliedReader::new(file, tally.clone()), &name)?;
            let is_csv = [".csv", ".csv.gz"]
                .iter()
                .any(|ext| name.to_ascii_lowercase().ends_with(ext));
            let entries: Entries = if is_csv {
                Box::new(csv_items::CsvEntries::new(reader, &name))
            } else {
                Box::new(jsonl::JsonlEntries::new(reader, &name, registry()))
            };
            Ok(Opened {
                source: name,
                entries,
                tally,
                bytes_total,
            })
        }
        ImportSource::OpenAiBatch {
            input,
            output,
            domain,
        } => {
            let size = |p: &Path| {
                crate::user_files::check_readable(p)?;
                std::fs::metadata(p)
                    .map(|m| m.len())
                    .map_err(|e| Error::io(p, e))
            };
            let bytes_total = size(input)? + size(output)?;
            Ok(Opened {
                source: format!("{} + {}", input.display(), output.display()),
                entries: Box::new(openai_batch::OpenAiBatchEntries::new(
                    input,
                    output,
                    domain,
                    tally.clone(),
                )),
                tally,
                bytes_total: Some(bytes_total),
            })
        }
    }
}

/// Reads the items of the file at `path` for the team server, which has no data-product
/// registry (relationship sides carry their fields): each distinct item, in file order, goes to
/// `write` with its line and the input bytes read so far (compressed bytes for gzip), until
/// the first problem; reading goes on to list every problem, and
/// then the whole file is refused (`Error::Invalid`, file, line and field named), so the
/// caller's transaction writes nothing. A line repeating an earlier one is read once.
pub(crate) fn read_for_server(
    path: &Path,
    write: &mut dyn FnMut(u64, PreparedItem, u64) -> Result<()>,
) -> Result<ImportReport> {
    let opened = open(&ImportSource::File(path.to_owned()), Registry::none)?;
    let source = opened.source;
    let mut problems = problems::Problems::default();
    let mut skipped = problems::Problems::default();
    let mut seen: std::collections::HashMap<String, (u64, String)> = Default::default();
    let (mut new, mut repeated) = (0, 0);
    for entry in opened.entries {
        match entry? {
            Entry::Problem(line, message) => problems.push(line, message),
            Entry::Skipped(line, message) => skipped.push(line, message),
            Entry::Item { line, item } => match seen.get(&item.external_id) {
                Some((_, hash)) if *hash == item.content_hash => repeated += 1,
                Some((first, _)) => problems.push(
                    line,
                    format!(
                        "{source}:{line}: id: '{}' is also used on line {first} with different content",
                        item.external_id
                    ),
                ),
                None => {
                    seen.insert(item.external_id.clone(), (line, item.content_hash.clone()));
                    if problems.total() == 0 {
                        write(line, PreparedItem::new(*item), opened.tally.bytes())?;
                        new += 1;
                    }
                }
            },
        }
    }
    problems.into_result()?;
    Ok(ImportReport {
        source,
        new,
        already_present: repeated,
        skipped: skipped.total(),
        notes: skipped.messages(),
    })
}

/// The input as buffered text, gunzipped when it starts with the gzip magic bytes.
fn decompressed(reader: impl Read + Send + 'static, name: &str) -> Result<Box<dyn BufRead + Send>> {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let is_gzip = reader
        .fill_buf()
        .map_err(|e| Error::io(name, e))?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if is_gzip {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}
