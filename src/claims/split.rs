//! Splitting an answer into claims: its sentences, one list item or line at a time.

use std::ops::Range;

/// Titles that precede a name: a full stop after them does not end a sentence ("Dr. Grace").
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "capt", "lt", "sgt",
    "rev", "hon", "gov", "sen", "rep", "pres", "vs", "approx", "inc", "ltd", "co", "corp", "dept",
    "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Abbreviations that precede a number only ("No. 5", "Fig. 2"); before a word they end a
/// sentence ("No. The capital is Bern.").
const BEFORE_NUMBERS: &[&str] = &["no", "nos", "fig", "figs", "vol", "p", "pp", "art", "sec"];

/// Byte ranges of the claims in `text`, in order. A claim is a sentence: it ends at `.`, `!`,
/// `?` or `…` (with any closing quotes or brackets) followed by a space and a word that does not
/// start in lower case, unless the word ending in `.` is a title ("Mr."), an initial ("J."), a
/// dotted abbreviation of one- or two-letter parts ("U.S.", "e.g.", "Ph.D.") or a number's
/// abbreviation before a number ("No. 5"); every line (list item, heading) ends one too. List markers, heading
/// marks and surrounding space are not part of a claim; fenced code blocks are skipped (code is
/// not a statement to check), as are pieces without a letter or digit.
pub fn claim_ranges(text: &str) -> Vec<Range<usize>> {
    let mut claims = Vec::new();
    let mut in_fence = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let marker = marker_len(body);
        sentences(&body[marker..], start + marker, &mut claims);
    }
    claims
}

/// Bytes of leading space and list or heading marker: `- `, `* `, `+ `, `• `, `1. `, `2) `, `## `.
fn marker_len(line: &str) -> usize {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if rest.starts_with(['-', '*', '+']) || rest.starts_with('•') {
        rest.chars().next().map_or(0, char::len_utf8)
    } else if digits > 0 && digits <= 3 && rest[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        rest.bytes().take_while(|&b| b == b'#').count()
    };
    let after = &rest[marker..];
    if marker > 0 && after.trim().is_empty() {
        // A marker alone ("1.", "-") is no claim.
        line.len()
    } else if marker > 0 && after.starts_with([' ', '\t']) {
        indent + marker + (after.len() - after.trim_start().len())
    } else {
        indent
    }
}

/// Pushes the sentences of one line (`line` starts at byte `offset` of the text).
fn sentences(line: &str, offset: usize, claims: &mut Vec<Range<usize>>) {
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if matches!(
                next,
                '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']'
            ) {
                end = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let rest = &line[end..];
        let Some(next_word) = rest.strip_prefix([' ', '\t']).map(str::trim_start) else {
            continue;
        };
        let starts_lower = next_word.chars().next().is_some_and(char::is_lowercase);
        if starts_lower || (c == '.' && ends_in_abbreviation(&line[start..i], next_word)) {
            continue;
        }
        push_trimmed(line, start..end, offset, claims);
        start = end;
    }
    push_trimmed(line, start..line.len(), offset, claims);
}

/// Whether the word before a full stop (`before` ends there) abbreviates: a title, an initial,
/// dotted parts of one or two letters ("U.S", "e.g", "Ph.D"), or a number's abbreviation when
/// `next` starts with a digit.
fn ends_in_abbreviation(before: &str, next: &str) -> bool {
    let word = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut letters = word.chars();
    let initial = matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
    let dotted = word.contains('.')
        && word.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        });
    let is = |list: &[&str]| list.iter().any(|w| word.eq_ignore_ascii_case(w));
    initial
        || dotted
        || is(TITLES)
        || (is(BEFORE_NUMBERS) && next.starts_with(|c: char| c.is_ascii_digit()))
}

fn push_trimmed(line: &str, range: Range<usize>, offset: usize, claims: &mut Vec<Range<usize>>) {
    let piece = &line[range.clone()];
    let trimmed = piece.trim();
    if !trimmed.chars().any(char::is_alphanumeric) {
        return;
    }
    let lead = piece.len() - piece.trim_start().len();
    let start = offset + range.start + lead;
    claims.push(start..start + trimmed.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        claim_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_end_at_terminators_followed_by_a_capital() {
        assert_eq!(
            split("It rains. Does it? Yes!  \"Quite so.\" Then (it stops.) Done"),
            [
                "It rains.",
                "Does it?",
                "Yes!",
                "\"Quite so.\"",
                "Then (it stops.)",
                "Done"
            ]
        );
    }

    #[test]
    fn abbreviations_initials_decimals_and_lower_case_continuations_do_not_split() {
        assert_eq!(
            split("Mr. Smith paid $3.50 to J. K. Rowling, e.g. for books. The U.S. Army came."),
            [
                "Mr. Smith paid $3.50 to J. K. Rowling, e.g. for books.",
                "The U.S. Army came."
            ]
        );
    }

    #[test]
    fn lines_and_list_items_are_claims_without_their_markers_and_code_is_skipped() {
        let text = "Intro:\n\n1. First item.\n2) Second\n- third one\n• fourth\n## Heading\n```\nlet x = 1.\n```\n-5 degrees is cold.";
        assert_eq!(
            split(text),
            [
                "Intro:",
                "First item.",
                "Second",
                "third one",
                "fourth",
                "Heading",
                "-5 degrees is cold."
            ]
        );
    }

    #[test]
    fn ranges_point_into_the_text_with_multibyte_characters() {
        let text = "Zürich liegt am See… Genève aussi. ";
        for range in claim_ranges(text) {
            assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        }
        assert_eq!(split(text), ["Zürich liegt am See…", "Genève aussi."]);
    }

    #[test]
    fn pieces_without_words_are_not_claims() {
        assert!(
            split("...\n---\n  \n").is_empty(),
            "punctuation alone is not a claim"
        );
        assert!(
            split("1.\r\n2)\n-\n").is_empty(),
            "a list marker alone is not a claim"
        );
    }

    #[test]
    fn prices_domains_versions_and_a_bare_no_end_sentences() {
        assert_eq!(
            split("It costs $3.50. See example.com. Use v2.0. No. The capital is Bern."),
            [
                "It costs $3.50.",
                "See example.com.",
                "Use v2.0.",
                "No.",
                "The capital is Bern."
            ]
        );
        assert_eq!(
            split(
                "See No. 5 and Fig. 2 in the Ph.D. thesis. He said \u{201c}Dr. Smith\u{201d} came."
            ),
            [
                "See No. 5 and Fig. 2 in the Ph.D. thesis.",
                "He said \u{201c}Dr. Smith\u{201d} came."
            ]
        );
    }
}
