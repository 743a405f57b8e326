//! Reading a text file line by line with bounded memory: a line over [`MAX_LINE_BYTES`] is
//! skipped (and reported) without ever being held whole, a UTF-8 byte-order mark on the first
//! line and CR before LF are dropped, invalid UTF-8 is reported with its byte position.

use std::io::{BufRead, Read};

use crate::error::{Error, Result};

/// Longest accepted line (8 MiB): longer lines are refused rather than buffered.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// One line: its 1-based number, the byte offset where it starts, and its text (without the
/// line end) or what is wrong with it.
pub(crate) struct Line {
    pub number: u64,
    pub offset: u64,
    pub text: std::result::Result<String, String>,
}

pub(crate) struct LineReader<R> {
    reader: R,
    source: String,
    number: u64,
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    /// `source` names the input in messages (`SOURCE:LINE: …`).
    pub fn new(reader: R, source: &str) -> Self {
        LineReader {
            reader,
            source: source.to_owned(),
            number: 0,
            offset: 0,
        }
    }

    /// Lines read so far, blank ones included.
    pub fn lines_read(&self) -> u64 {
        self.number
    }

    /// The next line that is not blank, or `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<Line>> {
        loop {
            let mut buf = Vec::new();
            let offset = self.offset;
            let read = <&mut R as Read>::take(&mut self.reader, MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::io(&self.source, e))?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            self.offset += read as u64;
            if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
                self.offset +=
                    skip_rest_of_line(&mut self.reader).map_err(|e| Error::io(&self.source, e))?;
                return Ok(Some(Line {
                    number: self.number,
                    offset,
                    text: Err(format!(
                        "line is longer than the limit of {} MiB",
                        MAX_LINE_BYTES / (1024 * 1024)
                    )),
                }));
            }
            if buf.ends_with(b"\n") {
                buf.pop();
            }
            if buf.ends_with(b"\r") {
                buf.pop();
            }
            if self.number == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = String::from_utf8(buf).map_err(|e| {
                format!(
                    "invalid UTF-8 at byte {} of the line",
                    e.utf8_error().valid_up_to() + 1
                )
            });
            return Ok(Some(Line {
                number: self.number,
                offset,
                text,
            }));
        }
    }
}

/// Consumes the rest of an over-long line; returns how many bytes that was.
fn skip_rest_of_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(skipped);
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        reader.consume(used);
        skipped += used as u64;
        if done {
            return Ok(skipped);
        }
    }
}

/// Parses one line as a JSON object, or says precisely why it is not one.
pub(crate) fn parse_object(text: String) -> std::result::Result<serde_json::Value, String> {
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err("expected a JSON object per line".into()),
        Err(e) if e.is_eof() => Err(format!(
            "the JSON object is cut off (column {}); is the file truncated?",
            e.column()
        )),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}
