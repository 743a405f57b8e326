//! Word-level edit distance: how much a reviewer changed the model's output. The one definition
//! behind the distance stored with every edit decision, the audit export's diff stats, the
//! export's `--min-edit-distance` and whether two reviewers' edits agree, so they cannot
//! disagree about the same edit. Whitespace-only edits have distance 0, which is why
//! `--min-edit-distance` can drop them from preference pairs.

use crate::domain::{EditedContent, ItemBody};

/// Distance from the model's output to a reviewer's correction, over the texts the export
/// trains on ([`ItemBody::edited_from`], [`EditedContent::text`]): a relation is compared as its
/// JSON completion, field by field; a comparison's new answer with the candidate it started from.
pub fn edit_distance(original: &ItemBody, edited: &EditedContent) -> usize {
    word_edit_distance(&original.edited_from(edited), &edited.text())
}

/// The words of `text`: runs of characters between whitespace and the JSON punctuation
/// `{ } [ ] , : "`, so a relation's JSON compares field by field like prose compares word by word.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '[' | ']' | ',' | ':' | '"'))
        .filter(|w| !w.is_empty())
}

/// Levenshtein distance over [`words`]: insertions, deletions and substitutions of whole words.
/// O(n·m) time and O(m) memory after the common prefix and suffix are stripped.
pub fn word_edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = hashed_words(a, b);
    let (a, b) = differing_middles(&a, &b);
    levenshtein(a, b)
}

/// Whether `word_edit_distance(a, b) >= min`. For a minimum of 0 or 1 (the default) that is
/// whether the word sequences differ, compared word by word up to the first difference without
/// hashing or allocating. Otherwise it is decided from the word counts when they settle it:
/// after the common prefix and suffix, the distance is at least the difference of the counts
/// (and at least 1 when anything is left) and at most the larger count. Only otherwise is the
/// O(n·m) table computed.
pub fn word_edit_distance_at_least(a: &str, b: &str, min: usize) -> bool {
    if min <= 1 {
        return min == 0 || !words(a).eq(words(b));
    }
    let (a, b) = hashed_words(a, b);
    let (a, b) = differing_middles(&a, &b);
    let lower = a
        .len()
        .abs_diff(b.len())
        .max(usize::from(!a.is_empty() || !b.is_empty()));
    let upper = a.len().max(b.len());
    lower >= min || (upper >= min && levenshtein(a, b) >= min)
}

/// The words of both texts, compared by a 64-bit FNV-1a hash: one integer compare per cell of
/// the table.
fn hashed_words(a: &str, b: &str) -> (Vec<u64>, Vec<u64>) {
    (
        words(a).map(word_hash).collect(),
        words(b).map(word_hash).collect(),
    )
}

/// `a` and `b` without their common prefix and suffix.
fn differing_middles<'w>(a: &'w [u64], b: &'w [u64]) -> (&'w [u64], &'w [u64]) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (&a[..a.len() - suffix], &b[..b.len() - suffix])
}

fn levenshtein(a: &[u64], b: &[u64]) -> usize {
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, wa) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, wb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(wa != wb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

fn word_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec!["a", "b", "c", " ", "\n", ","]),
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    #[test]
    fn counts_word_insertions_deletions_and_substitutions() {
        assert_eq!(word_edit_distance("a b c", "a b c"), 0, "identical text");
        assert_eq!(
            word_edit_distance("a b c", "a  b\nc"),
            0,
            "whitespace is not a word"
        );
        assert_eq!(word_edit_distance("a b c", "a x c"), 1, "one substitution");
        assert_eq!(word_edit_distance("a b c", "a b c d"), 1, "one insertion");
        assert_eq!(word_edit_distance("a b c", "b c"), 1, "one deletion");
        assert_eq!(word_edit_distance("", "one two"), 2, "from nothing");
        assert_eq!(
            word_edit_distance("Revenue was $12M.", "Revenue was $12 million."),
            2,
            "one word replaced by two"
        );
        assert_eq!(
            word_edit_distance("Paris, France", "Paris France"),
            0,
            "JSON punctuation separates words and is not one"
        );
    }

    proptest! {
        #[test]
        fn at_least_agrees_with_the_distance(a in text(), b in text(), min in 0usize..8) {
            prop_assert_eq!(
                word_edit_distance_at_least(&a, &b, min),
                word_edit_distance(&a, &b) >= min
            );
        }
    }
}
