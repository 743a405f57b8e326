//! JSON Lines input: one item per line, in the format of `docs/import-format.md`.

use std::collections::VecDeque;
use std::io::BufRead;

use super::Entry;
use super::lines::{LineReader, parse_object};
use super::record::{parse_answer_line, parse_record_in};
use super::registry::Registry;
use crate::error::Result;

/// The entries of a JSONL input, line by line.
pub(crate) struct JsonlEntries<R> {
    lines: LineReader<R>,
    source: String,
    /// Fills relationship sides that only name a registered product.
    registry: Registry,
    pending: VecDeque<Entry>,
    found_any: bool,
    done: bool,
}

impl<R: BufRead> JsonlEntries<R> {
    pub fn new(reader: R, source: &str, registry: Registry) -> Self {
        JsonlEntries {
            lines: LineReader::new(reader, source),
            source: source.to_owned(),
            registry,
            pending: VecDeque::new(),
            found_any: false,
            done: false,
        }
    }

    fn read_more(&mut self) -> Result<()> {
        let source = &self.source;
        let Some(line) = self.lines.next_line()? else {
            self.done = true;
            if self.lines.lines_read() == 0 {
                self.pending.push_back(Entry::Problem(
                    0,
                    format!("{source}: the file is empty; nothing to import"),
                ));
            } else if !self.found_any {
                self.pending.push_back(Entry::Problem(
                    0,
                    format!("{source}: the file has no items, only blank lines"),
                ));
            }
            return Ok(());
        };
        self.found_any = true;
        let n = line.number;
        let fast = match &line.text {
            Ok(text) => parse_answer_line(text),
            Err(_) => None,
        };
        let parsed = match fast {
            Some(parsed) => Ok(parsed),
            None => line
                .text
                .and_then(parse_object)
                .map(|value| parse_record_in(value, &mut self.registry)),
        };
        match parsed {
            Err(problem) => self
                .pending
                .push_back(Entry::Problem(n, format!("{source}:{n}: {problem}"))),
            Ok(parsed) => match parsed {
                Ok(item) => self.pending.push_back(Entry::Item {
                    line: n,
                    item: Box::new(item),
                }),
                Err(problems) => self.pending.extend(
                    problems
                        .into_iter()
                        .map(|p| Entry::Problem(n, format!("{source}:{n}: {p}"))),
                ),
            },
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for JsonlEntries<R> {
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
