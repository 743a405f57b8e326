//! Reviewed items as examples for a prompt (#20): the decided items of a domain most similar to a
//! text, found locally through the full-text index — no network, no embeddings.
//!
//! Similarity is BM25 over the text's *rarest* words. The document count of each of its
//! [`LOOKED_UP_WORDS`] longest words is read from the index, up to [`RANK_LIMIT`] + 1 (FTS5
//! stops reading a posting list there, so a common word costs no more than a rare one); words in
//! 2 to [`RANK_LIMIT`] documents are used, rarest first. Documents holding all three rarest are
//! ranked first, then those holding the two rarest, then those holding any of the
//! [`QUERY_WORDS`] rarest, until `k` examples are found: BM25 ranks few documents whether the
//! words are rare (short posting lists) or common (a small intersection), so the cost does not
//! grow with the number of items.

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use super::Store;
use super::decision_rows::effective_decision;
use super::item_rows::{VISIBLE, read_body};
use super::search::RANK_LIMIT;
use crate::domain::{EditedContent, ItemBody, ItemKind, ItemStatus};
use crate::error::Result;

/// How many of a text's words go into the similarity query.
const QUERY_WORDS: usize = 8;

/// How many distinct words of a text are looked up at most (its longest: long words are the
/// likeliest to be rare).
const LOOKED_UP_WORDS: usize = 16;

/// How many ranked matches are examined for `k` examples at most (the rest are other domains,
/// pending or excluded items).
const EXAMINED_MATCHES: usize = 400;

/// A decided item: what the model produced and what the reviewer decided about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewedExample {
    pub external_id: String,
    /// As the model produced it (an answer's evidence is left out).
    pub body: ItemBody,
    /// Approved, edited or rejected.
    pub outcome: ItemStatus,
    /// The correction, for an edit.
    pub edited: Option<EditedContent>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Which examples to find.
#[derive(Debug, Clone, Copy)]
pub struct ExampleQuery<'a> {
    pub domain: &'a str,
    /// Examples are items of this kind only (an answer is judged against answers).
    pub kind: ItemKind,
    /// The text to be similar to (the item being judged).
    pub text: &'a str,
    pub k: usize,
    /// External ids never returned (the judged item, a held-out set).
    pub exclude: &'a HashSet<String>,
}

/// The [`LOOKED_UP_WORDS`] longest distinct lower-case words of `text` of at least three
/// characters, longest first (ties in order of appearance).
fn words(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| seen.insert(w.clone()))
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.truncate(LOOKED_UP_WORDS);
    words
}

impl Store {
    /// Up to `query.k` approved, edited or rejected items of `query.domain` and `query.kind`
    /// most similar to `query.text`, best first, none of `query.exclude` and none marked
    /// do-not-train (a reviewer who kept an item out of training keeps it out of prompts too).
    pub fn reviewed_examples(&self, query: ExampleQuery<'_>) -> Result<Vec<ReviewedExample>> {
        if query.k == 0 {
            return Ok(Vec::new());
        }
        let quoted: Vec<String> = self
            .rarest_words(query.text)?
            .into_iter()
            .take(QUERY_WORDS)
            .map(|w| format!("\"{w}\""))
            .collect();
        // Narrowest first: all of the three rarest words, then the two rarest, then any.
        let mut queries = Vec::new();
        for all_of in [3, 2] {
            if quoted.len() >= all_of {
                queries.push(quoted[..all_of].join(" AND "));
            }
        }
        if !quoted.is_empty() {
            queries.push(quoted.join(" OR "));
        }
        let mut ranked = self.conn.prepare_cached(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let mut examined = HashSet::new();
        let mut examples = Vec::new();
        for fts in queries {
            let ids: Vec<i64> = ranked
                .query_map(rusqlite::params![fts, EXAMINED_MATCHES as i64], |r| {
                    r.get(0)
                })?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                if !examined.insert(id) {
                    continue;
                }
                if let Some(example) = self.decided_example(id, &query)? {
                    examples.push(example);
                    if examples.len() == query.k {
                        return Ok(examples);
                    }
                }
            }
        }
        Ok(examples)
    }

    /// Of the [`LOOKED_UP_WORDS`] longest words of `text`, those found in 2 to [`RANK_LIMIT`]
    /// documents, rarest first (see the module header).
    fn rarest_words(&self, text: &str) -> Result<Vec<String>> {
        let mut doc_count = self.conn.prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM items_fts WHERE items_fts MATCH ?1 LIMIT ?2)",
        )?;
        let mut rare = Vec::new();
        for word in words(text) {
            let docs: i64 = doc_count.query_row(
                rusqlite::params![format!("\"{word}\""), RANK_LIMIT as i64 + 1],
                |r| r.get(0),
            )?;
            if (2..=RANK_LIMIT as i64).contains(&docs) {
                rare.push((docs, word));
            }
        }
        rare.sort();
        Ok(rare.into_iter().map(|(_, w)| w).collect())
    }

    /// The item at row `id` as an example, if it is a visible decided item of the query's
    /// domain and kind, not excluded and not marked do-not-train.
    fn decided_example(
        &self,
        id: i64,
        query: &ExampleQuery<'_>,
    ) -> Result<Option<ReviewedExample>> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT external_id, kind, payload, status FROM items
                 WHERE id = ?1 AND domain = ?2 AND kind = ?3
                   AND status IN ('approved', 'edited', 'rejected') AND {VISIBLE}
                   AND NOT EXISTS (SELECT 1 FROM do_not_train t WHERE t.item_id = items.id)"
            ))?
            .query_row(rusqlite::params![id, query.domain, query.kind], |r| {
                let external_id: String = r.get(0)?;
                let body = read_body(r.get(1)?, &r.get::<_, String>(2)?)?;
                Ok((external_id, body, r.get::<_, ItemStatus>(3)?))
            })
            .optional()?;
        let Some((external_id, body, outcome)) = row else {
            return Ok(None);
        };
        if query.exclude.contains(&external_id) {
            return Ok(None);
        }
        let decision = effective_decision(&self.conn, id)?;
        Ok(Some(ReviewedExample {
            external_id,
            body,
            outcome,
            edited: decision.as_ref().and_then(|d| d.edited.clone()),
            reason: decision.as_ref().and_then(|d| d.reason.clone()),
            note: decision.and_then(|d| d.note),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_lower_case_and_at_least_three_characters() {
        assert_eq!(
            words("Revenue in Q3 was $12M; revenue grew, it GREW."),
            ["revenue", "grew", "was", "12m"]
        );
    }
}
