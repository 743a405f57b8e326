//! Grounding hints without an LLM: which evidence passages share enough of a claim's content
//! words to plausibly support it, and the passage sentence that shares the most. A lexical
//! heuristic to direct the reviewer's eye to likely hallucinations, never a verdict.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{EvidenceSpan, split::claim_ranges};
use crate::domain::Evidence;

/// Share of a claim's content words that must appear in one passage.
pub const SUPPORT_THRESHOLD: f64 = 0.5;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "his", "has", "him", "how", "its", "may", "who", "did", "get", "let",
    "put", "say", "she", "too", "use", "that", "with", "have", "this", "will", "your", "from",
    "they", "been", "were", "what", "when", "which", "their", "there", "would", "could", "should",
    "about", "into", "than", "then", "them", "these", "those", "some", "such", "only", "also",
    "more", "most", "other", "very", "just", "over", "after", "before", "while", "where", "being",
    "does", "each", "because", "between", "through", "during",
];

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*").expect("the word pattern is valid")
});

/// A passage that shares at least [`SUPPORT_THRESHOLD`] of a claim's content words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PassageSupport {
    pub passage: String,
    /// The claim's content words found in the passage, in the claim's order.
    pub shared: Vec<String>,
    /// `shared` over the claim's content words, in 0..=1.
    pub overlap: f64,
}

/// Lower-cased content words in order of first appearance: words of 3+ letters that are not
/// common function words, and every number.
pub fn content_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut seen = HashSet::new();
    WORD.find_iter(&lower)
        .map(|m| m.as_str())
        .filter(|w| {
            w.starts_with(|c: char| c.is_numeric())
                || (w.chars().count() >= 3 && !STOPWORDS.contains(w))
        })
        .filter(|w| seen.insert(*w))
        .map(str::to_owned)
        .collect()
}

/// The content words of each passage (its title and text), computed once per item.
pub struct PassageWords<'a> {
    passages: Vec<(&'a Evidence, HashSet<String>)>,
}

impl<'a> PassageWords<'a> {
    pub fn new(evidence: &'a [Evidence]) -> Self {
        let passages = evidence
            .iter()
            .map(|p| {
                let words = content_words(&format!("{} {}", p.title, p.text));
                (p, words.into_iter().collect())
            })
            .collect();
        PassageWords { passages }
    }

    /// Passages at or above the threshold for `claim`, best first (ties in evidence order).
    pub fn support(&self, claim: &str) -> Vec<PassageSupport> {
        let words = content_words(claim);
        let mut support: Vec<PassageSupport> = self
            .passages
            .iter()
            .filter_map(|(passage, passage_words)| {
                let shared: Vec<String> = words
                    .iter()
                    .filter(|w| passage_words.contains(*w))
                    .cloned()
                    .collect();
                let overlap = if words.is_empty() {
                    0.0
                } else {
                    shared.len() as f64 / words.len() as f64
                };
                (overlap >= SUPPORT_THRESHOLD).then(|| PassageSupport {
                    passage: passage.id.clone(),
                    shared,
                    overlap,
                })
            })
            .collect();
        support.sort_by(|a, b| b.overlap.total_cmp(&a.overlap));
        support
    }

    /// The sentence of the best supporting passage that shares the most of the claim's words:
    /// the span a reviewer is offered to link. `None` without support.
    pub fn hint(&self, support: &[PassageSupport]) -> Option<EvidenceSpan> {
        let best = support.first()?;
        let (passage, _) = self.passages.iter().find(|(p, _)| p.id == best.passage)?;
        let wanted: HashSet<&str> = best.shared.iter().map(String::as_str).collect();
        let range = claim_ranges(&passage.text).into_iter().max_by_key(|r| {
            let shared = content_words(&passage.text[r.clone()])
                .iter()
                .filter(|w| wanted.contains(w.as_str()))
                .count();
            // The first of equally good sentences.
            (shared, std::cmp::Reverse(r.start))
        })?;
        Some(EvidenceSpan::from_bytes(passage, range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(id: &str, text: &str) -> Evidence {
        Evidence {
            id: id.into(),
            title: String::new(),
            text: text.into(),
            source: String::new(),
        }
    }

    #[test]
    fn content_words_skip_function_words_and_keep_numbers_and_decimals() {
        assert_eq!(
            content_words("The Eiffel tower is 330 m tall, built in 1889 at 3.5 cost; the tower"),
            [
                "eiffel", "tower", "330", "tall", "built", "1889", "3.5", "cost"
            ]
        );
    }

    #[test]
    fn support_ranks_passages_and_the_hint_is_the_best_sentence() {
        let evidence = [
            passage("a", "Paris is in France."),
            passage(
                "b",
                "The tower opened in 1889. The Eiffel tower stands 330 metres tall in Paris.",
            ),
        ];
        let words = PassageWords::new(&evidence);
        let support = words.support("The Eiffel tower in Paris is 330 metres tall.");
        assert_eq!(
            support.len(),
            1,
            "only passage b shares half the words: {support:?}"
        );
        assert_eq!(support[0].passage, "b");
        let hint = words.hint(&support).expect("a supported claim has a hint");
        assert_eq!(
            (hint.passage.as_str(), hint.text.as_str()),
            ("b", "The Eiffel tower stands 330 metres tall in Paris."),
            "the sentence sharing the most words is offered"
        );
        assert!(
            words.support("Bananas are yellow.").is_empty(),
            "an invented claim has no support"
        );
        assert!(
            words.support("Yes.").is_empty(),
            "a claim without content words is not supported"
        );
        assert_eq!(words.hint(&[]), None);
    }
}
