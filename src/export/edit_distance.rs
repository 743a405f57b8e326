//! Word-level edit distance: how much a reviewer changed an answer. Whitespace-only edits have
//! distance 0, which is why `--min-edit-distance` can drop them from preference pairs.

/// The words of `text`: runs of characters between whitespace and the JSON punctuation
/// `{ } [ ] , : "`, so a relation's JSON compares field by field like prose compares word by word.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '[' | ']' | ',' | ':' | '"'))
        .filter(|w| !w.is_empty())
}

/// Levenshtein distance over [`words`]: insertions, deletions and substitutions of whole words.
/// O(n·m) time and O(m) memory after the common prefix and suffix are stripped.
pub fn word_edit_distance(a: &str, b: &str) -> usize {
    // Words are compared by a 64-bit FNV-1a hash: one integer compare per cell of the table.
    let a: Vec<u64> = words(a).map(word_hash).collect();
    let b: Vec<u64> = words(b).map(word_hash).collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
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
