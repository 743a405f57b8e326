//! The detectors of the privacy screen, in the order they run. Order matters: a connection
//! string is redacted before its `user:pass@host` part can look like an e-mail address, and card
//! numbers and IBANs before their digit groups can look like phone numbers.
//!
//! Each detector is a candidate regex plus a check of the candidate (a checksum, a parse, a digit
//! count) so that near misses — a 16-digit number failing Luhn, a time like `12:30:45`, a date —
//! are left alone.

use std::net::Ipv6Addr;

use regex::{Regex, RegexBuilder};

use super::PiiKind;
use super::checksums::{iban_valid, luhn_valid};

/// A detector: candidates come from `pattern`; `secret_len` says how many leading bytes of a
/// candidate are the secret (`None`: a near miss, keep it).
pub struct Detector {
    pub kind: PiiKind,
    pub pattern: &'static str,
    pub secret_len: fn(&str) -> Option<usize>,
}

fn whole(candidate: &str) -> Option<usize> {
    Some(candidate.len())
}

fn digit_count(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_digit).count()
}

fn card(candidate: &str) -> Option<usize> {
    let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
    ((13..=19).contains(&digits.len()) && luhn_valid(&digits)).then_some(candidate.len())
}

/// The candidate may have swallowed a following upper-case word; retry without trailing tokens.
fn iban(candidate: &str) -> Option<usize> {
    let mut end = candidate.len();
    loop {
        let compact: String = candidate[..end].chars().filter(|c| *c != ' ').collect();
        if iban_valid(&compact) {
            return Some(end);
        }
        end = candidate[..end].rfind(' ')?;
    }
}

fn ipv6(candidate: &str) -> Option<usize> {
    let parsed: Ipv6Addr = candidate.parse().ok()?;
    // `::` and `::1` carry no identity; a time such as 12:30:45 does not parse at all.
    (!parsed.is_unspecified() && !parsed.is_loopback()).then_some(candidate.len())
}

fn phone(candidate: &str) -> Option<usize> {
    (8..=15)
        .contains(&digit_count(candidate))
        .then_some(candidate.len())
}

/// All detectors, in application order.
pub const DETECTORS: &[Detector] = &[
    Detector {
        kind: PiiKind::PrivateKey,
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----",
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::Jwt,
        pattern: r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}",
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::ConnectionString,
        pattern: r#"\b[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/@"'<>]+:[^\s@/"'<>]+@[^\s/"'<>,;]+"#,
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::ApiKey,
        pattern: concat!(
            r"\b(?:sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}",
            r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
            r"|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}",
            r"|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,})\b"
        ),
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::Email,
        pattern: r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::Iban,
        pattern: r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
        secret_len: iban,
    },
    Detector {
        kind: PiiKind::Card,
        pattern: r"\b[0-9](?:[ -]?[0-9]){12,18}\b",
        secret_len: card,
    },
    Detector {
        kind: PiiKind::Ipv6,
        pattern: r"(?i)\b(?:[0-9a-f]{1,4}:){2,7}(?::|(?::[0-9a-f]{1,4}){1,6}|[0-9a-f]{1,4})(?:%[0-9a-z]+)?|(?i)::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b",
        secret_len: ipv6,
    },
    Detector {
        kind: PiiKind::Ipv4,
        pattern: r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b",
        secret_len: whole,
    },
    Detector {
        kind: PiiKind::Phone,
        pattern: concat!(
            r"\+[0-9]{1,3}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4}\b",
            r"|\([0-9]{2,4}\)[ .-]?[0-9]{3,4}[ .-][0-9]{3,4}\b",
            r"|\b[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}\b"
        ),
        secret_len: phone,
    },
];

/// A detector's pattern as compiled: word boundaries are ASCII (`(?-u:\b)`), which keeps the
/// regex engine on its fast DFA path for non-English text too (a Unicode `\b` makes it fall
/// back to a slower engine on non-ASCII input); every pattern's own classes are ASCII already.
pub fn compiled_pattern(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Compiles every detector's pattern; the patterns are constants, so failure is a bug.
pub fn compile() -> Vec<(&'static Detector, Regex)> {
    DETECTORS
        .iter()
        .map(|d| {
            let regex = RegexBuilder::new(&compiled_pattern(d.pattern))
                .dfa_size_limit(DFA_SIZE_LIMIT)
                .build()
                .expect("detector pattern compiles");
            (d, regex)
        })
        .collect()
}

/// Room for the lazy DFA's state cache, so scanning long text does not thrash it.
pub const DFA_SIZE_LIMIT: usize = 32 << 20;
