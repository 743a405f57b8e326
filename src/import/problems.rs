//! Collecting what is wrong with an input file: the first [`MAX_LISTED_PROBLEMS`] by line,
//! and how many there were in all.

use crate::error::{Error, InvalidInput, MAX_LISTED_PROBLEMS};

/// Problems (or notes) in the order they were found, each tagged with its line for merging.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    listed: Vec<(u64, String)>,
    total: usize,
}

impl Problems {
    /// Records a problem; `message` is complete (`FILE:LINE: field: problem`).
    pub fn push(&mut self, line: u64, message: String) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push((line, message));
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Both collections, the first [`MAX_LISTED_PROBLEMS`] kept in line order.
    pub fn merge(mut self, other: Problems) -> Problems {
        self.total += other.total;
        self.listed.extend(other.listed);
        self.listed.sort_by_key(|(line, _)| *line);
        self.listed.truncate(MAX_LISTED_PROBLEMS);
        self
    }

    pub fn messages(self) -> Vec<String> {
        self.listed.into_iter().map(|(_, m)| m).collect()
    }

    /// `Err(Error::Invalid)` when anything was recorded.
    pub fn into_result(self) -> Result<(), Error> {
        if self.total == 0 {
            return Ok(());
        }
        let total = self.total;
        Err(Error::Invalid(InvalidInput {
            problems: self.messages(),
            total,
        }))
    }
}
