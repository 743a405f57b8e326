//! OpenAI Batch API results as answer items: the batch **input** file (the requests) and its
//! **output** file (the responses), paired by `custom_id`.
//!
//! - `id` is the `custom_id`; `domain` is given by the caller.
//! - The question is the text of the last `user` message of the request, without its evidence
//!   blocks. Evidence passages are blocks written in any `system`, `developer` or `user`
//!   message as `<evidence id="doc-1" title="…" source="…">passage text</evidence>` (`id`,
//!   `title` and `source` optional; passages without an id are numbered `1`, `2`, … in order).
//! - The answer is `response.body.choices[0].message.content`; the model is
//!   `response.body.model` (the exact snapshot that answered).
//! - A request without a response line (OpenAI puts failed requests in a separate error file)
//!   or with a failed response (`error` set, or a status other than 200) is **skipped and
//!   reported**, not an error: the rest of the batch is still worth reviewing. A response whose
//!   `custom_id` has no request, or a `custom_id` used twice, is an error (mismatched files).
//!
//! Memory stays bounded: the output file is indexed first (`custom_id` → offset, 128-bit key),
//! then the input is streamed and each response is read back by seeking to its offset.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use super::Entry;
use super::lines::{LineReader, parse_object};
use super::record::parse_record;
use super::tally::{ReadTally, TalliedReader};
use crate::error::{Error, Result};

/// Where a response line is in the output file, and whether a request claimed it.
struct Response {
    offset: u64,
    line: u64,
    paired: bool,
}

#[derive(Deserialize)]
struct OutputLine {
    custom_id: String,
    #[serde(default)]
    response: Option<ResponsePart>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct ResponsePart {
    status_code: u16,
    #[serde(default)]
    body: Value,
}

#[derive(Deserialize)]
struct InputLine {
    custom_id: String,
    body: RequestBody,
}

#[derive(Deserialize)]
struct RequestBody {
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    role: String,
    #[serde(default)]
    content: Value,
}

/// The entries of a batch: one per request.
pub(crate) struct OpenAiBatchEntries {
    input_path: PathBuf,
    output_path: PathBuf,
    domain: String,
    tally: Arc<ReadTally>,
    input: Option<LineReader<BufReader<TalliedReader<File>>>>,
    output: Option<BufReader<File>>,
    index: HashMap<u128, Response>,
    pending: VecDeque<Entry>,
    done: bool,
}

impl OpenAiBatchEntries {
    pub fn new(input: &Path, output: &Path, domain: &str, tally: Arc<ReadTally>) -> Self {
        OpenAiBatchEntries {
            input_path: input.to_owned(),
            output_path: output.to_owned(),
            domain: domain.to_owned(),
            tally,
            input: None,
            output: None,
            index: HashMap::new(),
            pending: VecDeque::new(),
            done: false,
        }
    }

    fn open(&self, path: &Path) -> Result<File> {
        File::open(path).map_err(|e| Error::io(path, e))
    }

    /// Reads the whole output file once, remembering where each response is.
    fn index_output(&mut self) -> Result<()> {
        let name = self.output_path.display().to_string();
        let file = TalliedReader::new(self.open(&self.output_path)?, self.tally.clone());
        let mut lines = LineReader::new(BufReader::new(file), &name);
        while let Some(line) = lines.next_line()? {
            let n = line.number;
            let parsed = line.text.and_then(parse_object).and_then(|v| {
                serde_path_to_error::deserialize::<_, OutputLine>(v)
                    .map_err(|e| format!("{}: {}", e.path(), e.inner()))
            });
            match parsed {
                Err(p) => self
                    .pending
                    .push_back(Entry::Problem(n, format!("{name}:{n}: {p}"))),
                Ok(out) => {
                    let key = id_key(&out.custom_id);
                    if let Some(first) = self.index.get(&key) {
                        self.pending.push_back(Entry::Problem(
                            n,
                            format!(
                                "{name}:{n}: custom_id: '{}' already answered on line {}",
                                out.custom_id, first.line
                            ),
                        ));
                        continue;
                    }
                    self.index.insert(
                        key,
                        Response {
                            offset: line.offset,
                            line: n,
                            paired: false,
                        },
                    );
                }
            }
        }
        if lines.lines_read() == 0 {
            self.pending.push_back(Entry::Problem(
                0,
                format!("{name}: the file is empty; nothing to import"),
            ));
        }
        let input = TalliedReader::new(self.open(&self.input_path)?, self.tally.clone());
        self.input = Some(LineReader::new(
            BufReader::new(input),
            &self.input_path.display().to_string(),
        ));
        self.output = Some(BufReader::new(self.open(&self.output_path)?));
        Ok(())
    }

    fn read_more(&mut self) -> Result<()> {
        if self.input.is_none() {
            return self.index_output();
        }
        let input_name = self.input_path.display().to_string();
        let lines = self.input.as_mut().expect("opened above");
        let next = lines.next_line()?;
        let input_empty = lines.lines_read() == 0;
        let Some(line) = next else {
            self.finish_unpaired(input_empty);
            return Ok(());
        };
        let n = line.number;
        let request = line.text.and_then(parse_object).and_then(|v| {
            serde_path_to_error::deserialize::<_, InputLine>(v)
                .map_err(|e| format!("{}: {}", e.path(), e.inner()))
        });
        let request = match request {
            Ok(r) => r,
            Err(p) => {
                self.pending
                    .push_back(Entry::Problem(n, format!("{input_name}:{n}: {p}")));
                return Ok(());
            }
        };
        let entry = self.pair(&input_name, n, request)?;
        self.pending.push_back(entry);
        Ok(())
    }

    fn pair(&mut self, input_name: &str, n: u64, request: InputLine) -> Result<Entry> {
        let id = request.custom_id;
        let Some(slot) = self.index.get_mut(&id_key(&id)) else {
            return Ok(Entry::Skipped(
                n,
                format!(
                    "{input_name}:{n}: custom_id '{id}': no response in the output file; skipped"
                ),
            ));
        };
        slot.paired = true;
        let offset = slot.offset;
        let output = self.output.as_mut().expect("opened with the input");
        output
            .seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io(&self.output_path, e))?;
        let mut text = String::new();
        output
            .read_line(&mut text)
            .map_err(|e| Error::io(&self.output_path, e))?;
        let out: OutputLine = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| Error::io(&self.output_path, std::io::Error::other(e)))?;
        let failure = match (&out.error, &out.response) {
            (Some(error), _) if !error.is_null() => Some(format!("failed: {error}")),
            (_, None) => Some("failed: the response is missing".to_owned()),
            (_, Some(r)) if r.status_code != 200 => {
                Some(format!("failed with status {}", r.status_code))
            }
            _ => None,
        };
        if let Some(failure) = failure {
            return Ok(Entry::Skipped(
                n,
                format!("{input_name}:{n}: custom_id '{id}': {failure}; skipped"),
            ));
        }
        let body = out.response.map(|r| r.body).unwrap_or_default();
        let (question, evidence) = question_and_evidence(&request.body.messages);
        let record = json!({
            "kind": "answer",
            "id": id,
            "domain": self.domain,
            "model": body["model"].as_str().unwrap_or_default(),
            "question": question,
            "answer": body["choices"][0]["message"]["content"].as_str().unwrap_or_default(),
            "evidence": evidence,
        });
        Ok(match parse_record(record) {
            Ok(item) => Entry::Item {
                line: n,
                item: Box::new(item),
            },
            Err(problems) => Entry::Problem(
                n,
                format!(
                    "{input_name}:{n}: custom_id '{id}': {}",
                    problems.join("; ")
                ),
            ),
        })
    }

    /// At the end of the input: every response must have had a request.
    fn finish_unpaired(&mut self, input_empty: bool) {
        self.done = true;
        let output_name = self.output_path.display().to_string();
        if input_empty {
            let input_name = self.input_path.display().to_string();
            self.pending.push_back(Entry::Problem(
                0,
                format!("{input_name}: the file is empty; nothing to import"),
            ));
        }
        let mut unpaired: Vec<u64> = self
            .index
            .values()
            .filter(|r| !r.paired)
            .map(|r| r.line)
            .collect();
        unpaired.sort_unstable();
        for line in unpaired {
            self.pending.push_back(Entry::Problem(
                line,
                format!(
                    "{output_name}:{line}: custom_id: no request with this id in the input file; \
                     are these the input and output of the same batch?"
                ),
            ));
        }
    }
}

impl Iterator for OpenAiBatchEntries {
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

/// 128 bits of SHA-256: ids compared by key (a collision among a billion ids has odds ~1e-21).
pub(crate) fn id_key(id: &str) -> u128 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.as_bytes());
    u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"))
}

/// The last user message (evidence blocks removed) and every evidence block of the request.
fn question_and_evidence(messages: &[Message]) -> (String, Vec<Value>) {
    let mut evidence = Vec::new();
    let mut question = String::new();
    for m in messages {
        if !matches!(m.role.as_str(), "system" | "developer" | "user") {
            continue;
        }
        let (rest, passages) = split_evidence(&message_text(&m.content));
        evidence.extend(passages);
        if m.role == "user" {
            question = rest;
        }
    }
    for (i, e) in evidence.iter_mut().enumerate() {
        if e["id"].as_str().is_none_or(str::is_empty) {
            e["id"] = Value::from((i + 1).to_string());
        }
    }
    (question, evidence)
}

/// A message's text: a string, or the `text` parts of a content array joined by newlines.
fn message_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Removes `<evidence …>…</evidence>` blocks from `text`; returns the rest (trimmed) and the
/// passages as JSON objects in the import format.
fn split_evidence(text: &str) -> (String, Vec<Value>) {
    const OPEN: &str = "<evidence";
    const CLOSE: &str = "</evidence>";
    let mut rest = String::new();
    let mut passages = Vec::new();
    let mut cursor = text;
    while let Some(start) = cursor.find(OPEN) {
        let after = &cursor[start + OPEN.len()..];
        let (Some(tag_end), true) = (
            after.find('>'),
            after.starts_with(|c: char| c == '>' || c.is_whitespace()),
        ) else {
            rest.push_str(&cursor[..start + OPEN.len()]);
            cursor = after;
            continue;
        };
        let Some(close) = after[tag_end..].find(CLOSE) else {
            break;
        };
        rest.push_str(&cursor[..start]);
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..tag_end + close];
        passages.push(json!({
            "id": attribute(attributes, "id").unwrap_or_default(),
            "title": attribute(attributes, "title").unwrap_or_default(),
            "source": attribute(attributes, "source").unwrap_or_default(),
            "text": body.trim(),
        }));
        cursor = &after[tag_end + close + CLOSE.len()..];
    }
    rest.push_str(cursor);
    (rest.trim().to_owned(), passages)
}

/// The value of `name="…"` in a tag's attributes, with `&quot; &lt; &gt; &amp;` decoded.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = attributes
        .match_indices(&key)
        .find(|(i, _)| *i == 0 || attributes[..*i].ends_with(char::is_whitespace))?
        .0
        + key.len();
    let value = &attributes[start..start + attributes[start..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
