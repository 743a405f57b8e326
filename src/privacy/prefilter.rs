//! A cheap test that runs before the detector regexes: most text contains none of the literals
//! and digit shapes that every detector's match requires, and then the regex scan is skipped.
//!
//! Invariant (property-tested below): when [`may_match`] is false, no detector pattern matches
//! anywhere in the text. Each condition is implied by the patterns in [`super::detectors`]:
//!
//! | detector | every match contains |
//! |---|---|
//! | private key | `-----BEGIN ` |
//! | JWT | `eyJ` |
//! | connection string, e-mail | `@` |
//! | API key | one of `sk-`, `gh[pousr]_`, `github_pat_`, `AKIA`, `ASIA`, `xox`, `AIza`, `glpat-` |
//! | IPv6 | `::`, or `:` then 1–4 hex digits then `:` |
//! | IBAN | two upper-case ASCII letters then two digits |
//! | card | 13 digits, each pair of neighbours separated by at most one ` ` or `-` |
//! | IPv4, phone | a digit, `.` or `-`, a digit; or `+` or `(` before a digit |
//!
//! Every pattern's classes are ASCII (case-insensitive hex folds to ASCII only), so non-ASCII
//! bytes never take part in a match and need no handling here.
//!
//! A detector changed or added in `detectors.rs` must be reflected here; the property tests
//! generate text from every pattern and fail when the prefilter misses it.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Literals that every JWT and some API keys contain and that hold no `@`, `-` or `_`; the
/// other required literals are found from those three bytes ([`marks_literal`]).
const PLAIN_LITERALS: [&str; 5] = ["eyJ", "xox", "AKIA", "ASIA", "AIza"];

static PLAIN_FINDERS: LazyLock<Vec<Finder<'static>>> =
    LazyLock::new(|| PLAIN_LITERALS.iter().map(Finder::new).collect());

/// False only when no detector can match `text` (see the module docs); true means "run the
/// regexes", not that something will be found.
pub fn may_match(text: &str) -> bool {
    let bytes = text.as_bytes();
    has_digit_shape(bytes) || has_ipv6_colons(bytes) || has_literal(bytes)
}

/// Whether `bytes` holds one of the literals of the private key, JWT, e-mail, connection string
/// and API key detectors. Each search is a SIMD scan (`memchr`, `memmem`): a single
/// multi-literal automaton would step byte by byte, as the literals start with common letters.
fn has_literal(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(b'@', b'-', b'_', bytes).any(|i| marks_literal(bytes, i))
        || PLAIN_FINDERS.iter().any(|f| f.find(bytes).is_some())
}

/// Whether the `@`, `-` or `_` at `i` belongs to a required literal: `@` (e-mail, connection
/// string); `-----BEGIN `, `sk-`, `glpat-`; `gh[pousr]_`, `github_pat_`.
fn marks_literal(bytes: &[u8], i: usize) -> bool {
    let (before, from) = bytes.split_at(i);
    match bytes[i] {
        b'@' => true,
        b'-' => {
            from.starts_with(b"-----BEGIN ")
                || before.ends_with(b"sk")
                || before.ends_with(b"glpat")
        }
        _ => {
            before.ends_with(b"github_pat")
                || matches!(before, [.., b'g', b'h', b'p' | b'o' | b'u' | b's' | b'r'])
        }
    }
}

/// Bytes scanned per step when looking for digits; chunks without one are skipped whole.
const CHUNK: usize = 32;

/// The digit shapes IBANs, cards, IPv4 addresses and phone numbers require (module docs).
fn has_digit_shape(bytes: &[u8]) -> bool {
    let mut run = DigitRun::default();
    for (c, chunk) in bytes.chunks(CHUNK).enumerate() {
        // Branch-free, so the compiler checks the whole chunk at once.
        if !chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            continue;
        }
        for (k, b) in chunk.iter().enumerate() {
            let i = c * CHUNK + k;
            if b.is_ascii_digit() && (shape_ends_at(bytes, i) || run.extend(bytes, i)) {
                return true;
            }
        }
    }
    false
}

/// Whether the digit at `i` ends an IBAN country-and-check prefix (`AB12`), a digit-separator-
/// digit triple (`1.2`, `1-2`), or follows `+` or `(`.
fn shape_ends_at(bytes: &[u8], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).map(|j| bytes[j]);
    let is = |k: usize, test: fn(&u8) -> bool| before(k).is_some_and(|b| test(&b));
    matches!(before(1), Some(b'+' | b'('))
        || (matches!(before(1), Some(b'.' | b'-')) && is(2, u8::is_ascii_digit))
        || (is(1, u8::is_ascii_digit)
            && is(2, u8::is_ascii_uppercase)
            && is(3, u8::is_ascii_uppercase))
}

/// Digits seen so far in a card-like run: neighbours at most one ` ` or `-` apart.
#[derive(Default)]
struct DigitRun {
    last: Option<usize>,
    digits: usize,
}

/// Fewest digits in a card candidate.
const CARD_MIN_DIGITS: usize = 13;

impl DigitRun {
    /// Adds the digit at `i`; true once the run holds [`CARD_MIN_DIGITS`].
    fn extend(&mut self, bytes: &[u8], i: usize) -> bool {
        let continues = match self.last {
            Some(p) => i == p + 1 || (i == p + 2 && matches!(bytes[p + 1], b' ' | b'-')),
            None => false,
        };
        self.digits = if continues { self.digits + 1 } else { 1 };
        self.last = Some(i);
        self.digits >= CARD_MIN_DIGITS
    }
}

/// Whether some `:` is followed by `:` or by 1–4 hex digits and `:` (every IPv6 candidate).
fn has_ipv6_colons(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b':', bytes).any(|i| {
        let after = &bytes[i + 1..];
        let hex = after
            .iter()
            .take(4)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        after.get(hex) == Some(&b':')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::detectors::DETECTORS;
    use proptest::prelude::*;

    /// The regex set the screen runs after the prefilter.
    fn any_detector_matches(text: &str) -> bool {
        super::super::SCREEN.any.is_match(text)
    }

    /// Characters that make up the detectors' candidates, plus some non-ASCII ones (including
    /// the Kelvin sign and long s, which fold to ASCII letters case-insensitively).
    const ALPHABET: &str =
        "0123456789 .-+()[]:@/_%abcdefxyzgijklmnopqrstuvwADEFGHIKLPRSTXYZJ\n\té\u{212A}\u{17F}";

    fn mixed_text() -> impl Strategy<Value = String> {
        let chars: Vec<char> = ALPHABET.chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..80)
            .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The invariant: "no" from the prefilter means no detector matches.
        #[test]
        fn no_from_the_prefilter_means_no_regex_match(text in mixed_text()) {
            prop_assert!(may_match(&text) || !any_detector_matches(&text), "missed: {text:?}");
        }
    }

    /// Text generated from each detector's own pattern, inside ordinary words.
    #[test]
    fn text_generated_from_every_pattern_passes_the_prefilter() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        for detector in DETECTORS {
            // The generator knows no word boundaries or lazy repetition; both only narrow a
            // match, so text from the loosened pattern is a superset to check against.
            let loosened = detector.pattern.replace(r"\b", "").replace("*?", "*");
            let strategy = proptest::string::string_regex(&loosened).expect("pattern generates");
            let mut runner = TestRunner::default();
            for _ in 0..2_000 {
                let core = strategy.new_tree(&mut runner).expect("value").current();
                let text = format!("see {core} here");
                if any_detector_matches(&text) {
                    assert!(may_match(&text), "{:?} missed {text:?}", detector.kind);
                }
            }
        }
    }

    #[test]
    fn ordinary_prose_with_numbers_is_skipped() {
        let prose = "Question 1234: revenue grew in Q3?\n\nEvidence:\n\n[doc-1] Annual report\n\
                     Revenue rose 12% to 4,500 units in 2024; see page 17.";
        assert!(!may_match(prose));
    }

    #[test]
    fn each_condition_alone_passes() {
        for text in [
            "-----BEGIN RSA",
            "eyJhbGci",
            "a@b",
            "sk-",
            "ghs_",
            "AKIA",
            "xoxb",
            "a::1",
            "fe80:1:",
            "DE89",
            "1.2",
            "5-5",
            "+4",
            "(4",
            "4111 1111 1111 1",
        ] {
            assert!(may_match(text), "{text:?}");
        }
        for text in [
            "fe80:12345:",
            "4111 1111 1111",
            "4111  1111 1111 1111",
            "De89",
            "a-1",
        ] {
            assert!(!may_match(text), "{text:?}");
        }
    }
}
