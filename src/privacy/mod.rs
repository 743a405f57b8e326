//! The privacy screen: finds personal data and secrets in text bound for a training file and
//! replaces each with a typed placeholder (`[EMAIL]`, `[CARD]`, …), or reports them so the
//! caller can exclude the item.
//!
//! Invariants: text without findings is returned unchanged (borrowed, no copy); a candidate that
//! fails its check (Luhn, mod-97, IPv6 parse, digit count) is never redacted; counts are per
//! occurrence. [`SCREEN_VERSION`] changes whenever a detector changes, so a manifest says which
//! rules screened an export.

mod checksums;
mod detectors;
mod prefilter;
mod shown;

pub use checksums::{iban_valid, luhn_valid};
pub use shown::{Sensitive, SensitivePlace, ShownAnswer, sensitive_in, sensitive_in_samples};

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::{Regex, RegexSet, RegexSetBuilder, SetMatches};
use ts_rs::TS;

/// Version of the detector rules, recorded in every export manifest.
pub const SCREEN_VERSION: &str = "1";

/// What the screen found.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    TS,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PiiKind {
    Email,
    Phone,
    Card,
    Iban,
    Ipv4,
    Ipv6,
    ApiKey,
    PrivateKey,
    Jwt,
    ConnectionString,
}

impl PiiKind {
    /// The placeholder that replaces a finding of this kind.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[EMAIL]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Card => "[CARD]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Ipv4 | PiiKind::Ipv6 => "[IP]",
            PiiKind::ApiKey => "[API_KEY]",
            PiiKind::PrivateKey => "[PRIVATE_KEY]",
            PiiKind::Jwt => "[JWT]",
            PiiKind::ConnectionString => "[CONNECTION_STRING]",
        }
    }
}

/// Occurrences found, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Findings(BTreeMap<PiiKind, u64>);

impl Findings {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn count(&self, kind: PiiKind) -> u64 {
        self.0.get(&kind).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    pub fn add(&mut self, other: &Findings) {
        for (kind, n) in &other.0 {
            *self.0.entry(*kind).or_default() += n;
        }
    }

    fn record(&mut self, kind: PiiKind) {
        *self.0.entry(kind).or_default() += 1;
    }
}

struct Screen {
    /// One pass over the text tells which detectors can match at all (most text: none).
    any: RegexSet,
    detectors: Vec<(&'static detectors::Detector, Regex)>,
}

static SCREEN: LazyLock<Screen> = LazyLock::new(|| {
    let detectors = detectors::compile();
    let any = RegexSetBuilder::new(
        detectors
            .iter()
            .map(|(d, _)| detectors::compiled_pattern(d.pattern)),
    )
    .dfa_size_limit(detectors::DFA_SIZE_LIMIT)
    .build()
    .expect("patterns compile");
    Screen { any, detectors }
});

/// Which detectors have a candidate in `text`; `None` for text none of them can match.
fn candidates(text: &str) -> Option<SetMatches> {
    let screen = &*SCREEN;
    // The prefilter skips text no detector can match (most text) without a regex scan;
    // `is_match` may stop at the first candidate; the overlapping `matches` scan, which must
    // read the whole text for every pattern, only runs on text that has one.
    if !prefilter::may_match(text) || !screen.any.is_match(text) {
        return None;
    }
    Some(screen.any.matches(text))
}

/// Replaces every finding in `text` with its placeholder and adds it to `findings`.
pub fn redact<'t>(text: &'t str, findings: &mut Findings) -> Cow<'t, str> {
    let screen = &*SCREEN;
    let Some(candidates) = candidates(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = Cow::Borrowed(text);
    for (index, (detector, regex)) in screen.detectors.iter().enumerate() {
        if !candidates.matched(index) {
            continue;
        }
        let replaced = regex.replace_all(&out, |caps: &regex::Captures<'_>| {
            let candidate = &caps[0];
            match (detector.secret_len)(candidate) {
                Some(len) => {
                    findings.record(detector.kind);
                    format!("{}{}", detector.kind.placeholder(), &candidate[len..])
                }
                None => candidate.to_owned(),
            }
        });
        if let Cow::Owned(changed) = replaced {
            out = Cow::Owned(changed);
        }
    }
    if out.as_ref() == text {
        Cow::Borrowed(text)
    } else {
        out
    }
}

/// A finding in a text: its kind and the byte range [`redact`] replaces with its placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: PiiKind,
    pub range: Range<usize>,
}

/// Where [`redact`] puts placeholders in `text`: ranges of the original text, in text order,
/// never overlapping. Detectors run in [`redact`]'s order and an earlier detector's finding wins
/// over a later candidate that overlaps it, as it does when [`redact`] replaces it first;
/// replacing each range with its kind's placeholder gives [`redact`]'s text.
pub fn find(text: &str) -> Vec<Found> {
    let Some(candidates) = candidates(text) else {
        return Vec::new();
    };
    // Taken ranges by start (they never overlap, so their ends grow with their starts): a new
    // range overlaps one exactly when the last taken range starting before its end reaches past
    // its start.
    let mut taken: BTreeMap<usize, (usize, PiiKind)> = BTreeMap::new();
    for (index, (detector, regex)) in SCREEN.detectors.iter().enumerate() {
        if !candidates.matched(index) {
            continue;
        }
        for candidate in regex.find_iter(text) {
            let Some(len) = (detector.secret_len)(candidate.as_str()) else {
                continue;
            };
            let (start, end) = (candidate.start(), candidate.start() + len);
            let overlaps = taken
                .range(..end)
                .next_back()
                .is_some_and(|(_, (taken_end, _))| *taken_end > start);
            if !overlaps {
                taken.insert(start, (end, detector.kind));
            }
        }
    }
    taken
        .into_iter()
        .map(|(start, (end, kind))| Found {
            kind,
            range: start..end,
        })
        .collect()
}

/// What [`redact`] would find in `text`, without keeping the redacted copy.
pub fn scan(text: &str) -> Findings {
    let mut findings = Findings::default();
    redact(text, &mut findings);
    findings
}
