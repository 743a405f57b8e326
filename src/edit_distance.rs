//! Word-level edit distance: how much a reviewer changed the model's output, stored with every
//! edit decision. Words are whitespace-separated tokens; the distance is the minimum number of
//! word insertions, deletions and substitutions (Levenshtein over words).

use crate::domain::{EditedContent, ItemBody, Relation};

/// Word-level Levenshtein distance between `from` and `to`.
pub fn word_edit_distance(from: &str, to: &str) -> usize {
    let a: Vec<&str> = from.split_whitespace().collect();
    let b: Vec<&str> = to.split_whitespace().collect();
    // One row of the dynamic-programming table at a time.
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, word_a) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, word_b) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(word_a != word_b);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Distance from the model's original output to a reviewer's correction. A relation is compared
/// as words too: its type, its cardinality, then one `source=target` word per mapped pair.
pub fn edit_distance(original: &ItemBody, edited: &EditedContent) -> usize {
    match (original, edited) {
        (ItemBody::Answer(body), EditedContent::Answer { answer }) => {
            word_edit_distance(&body.answer, answer)
        }
        (ItemBody::Relationship(body), EditedContent::Relationship { relation }) => {
            word_edit_distance(&relation_words(&body.relation), &relation_words(relation))
        }
        // Kinds are checked before an edit is recorded; a mismatch replaces everything.
        (_, EditedContent::Answer { answer }) => answer.split_whitespace().count(),
        (_, EditedContent::Relationship { relation }) => {
            relation_words(relation).split_whitespace().count()
        }
    }
}

fn relation_words(relation: &Relation) -> String {
    let cardinality = serde_json::to_value(relation.cardinality)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let pairs = relation
        .mapping
        .iter()
        .map(|p| format!("{}={}", p.source_field, p.target_field));
    [relation.relation_type.clone(), cardinality]
        .into_iter()
        .chain(pairs)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::word_edit_distance;

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
            2
        );
    }
}
