//! The privacy screen: every detector finds its kind, and near misses are left alone.

use vetted::privacy::{Findings, PiiKind, find, iban_valid, luhn_valid, redact, scan};

/// One text per detector: the text, the kind found in it and its placeholder.
fn one_of_each_kind() -> [(&'static str, PiiKind, &'static str); 16] {
    [
        (
            "mail ana.lopez+q3@example.co.uk today",
            PiiKind::Email,
            "[EMAIL]",
        ),
        ("call +1 (415) 555-0134 now", PiiKind::Phone, "[PHONE]"),
        ("call (313) 555-3349 now", PiiKind::Phone, "[PHONE]"),
        ("card 4111 1111 1111 1111 on file", PiiKind::Card, "[CARD]"),
        ("card 5500-0000-0000-0004.", PiiKind::Card, "[CARD]"),
        (
            "pay to DE89 3704 0044 0532 0130 00 IS fine",
            PiiKind::Iban,
            "[IBAN]",
        ),
        ("pay to GB82WEST12345698765432 now", PiiKind::Iban, "[IBAN]"),
        ("host 192.168.10.254 is up", PiiKind::Ipv4, "[IP]"),
        (
            "host 2001:db8:85a3::8a2e:370:7334 is up",
            PiiKind::Ipv6,
            "[IP]",
        ),
        (
            "key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked",
            PiiKind::ApiKey,
            "[API_KEY]",
        ),
        (
            "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked",
            PiiKind::ApiKey,
            "[API_KEY]",
        ),
        (
            "aws AKIAIOSFODNN7EXAMPLE leaked",
            PiiKind::ApiKey,
            "[API_KEY]",
        ),
        (
            "slack xoxb-123456789012-abcdefABCDEF leaked",
            PiiKind::ApiKey,
            "[API_KEY]",
        ),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
            PiiKind::PrivateKey,
            "[PRIVATE_KEY]",
        ),
        (
            "bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            PiiKind::Jwt,
            "[JWT]",
        ),
        (
            "db postgres://admin:hunter2@db.internal:5432/sales here",
            PiiKind::ConnectionString,
            "[CONNECTION_STRING]",
        ),
    ]
}

#[test]
fn every_detector_redacts_its_kind_with_a_typed_placeholder() {
    for (text, kind, placeholder) in one_of_each_kind() {
        let mut findings = Findings::default();
        let redacted = redact(text, &mut findings);
        assert!(
            redacted.contains(placeholder),
            "{kind:?} in {text:?} must become {placeholder}, got {redacted:?}"
        );
        assert_eq!(
            findings.count(kind),
            1,
            "one {kind:?} in {text:?}: {findings:?}"
        );
        assert_eq!(
            findings.total(),
            1,
            "nothing else is found in {text:?}: {findings:?}"
        );
    }
}

#[test]
fn near_misses_are_left_alone() {
    let near_misses = [
        "order 4111 1111 1111 1112 fails Luhn",
        "IBAN-like DE00 3704 0044 0532 0130 00 has a wrong check",
        "first aired in September 2006, ended December 4, 2009",
        "InvoiceDate 2021-01-01 00:00:00 and 1999-2004",
        "kick-off at 12:30:45 sharp",
        "version 1.2.3 and 999.1.1.1",
        "sk-short and AKIAIOSFODNN7EXAMPL are not keys",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----",
        "see https://example.com/a/b and s3://reports/q3.pdf",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0 has two parts",
        "ext 555-1234 is short",
        "total NUMERIC(10,2) for 1.99 USD",
        "user@localhost has no domain",
    ];
    for text in near_misses {
        let findings = scan(text);
        assert!(
            findings.is_empty(),
            "{text:?} must not be flagged: {findings:?}"
        );
        assert_eq!(
            redact(text, &mut Findings::default()),
            text,
            "a near miss stays as written"
        );
    }
}

#[test]
fn counts_are_per_occurrence_and_text_around_findings_is_kept() {
    let mut findings = Findings::default();
    let redacted = redact(
        "a@example.com, b@example.org and card 4111111111111111.",
        &mut findings,
    );
    assert_eq!(redacted, "[EMAIL], [EMAIL] and card [CARD].");
    assert_eq!(findings.count(PiiKind::Email), 2, "two e-mail addresses");
    assert_eq!(findings.count(PiiKind::Card), 1, "one card number");
}

/// `find`'s ranges, each replaced with its kind's placeholder.
fn placeholders_over_found(text: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for found in find(text) {
        out.push_str(&text[at..found.range.start]);
        out.push_str(found.kind.placeholder());
        at = found.range.end;
    }
    out + &text[at..]
}

#[test]
fn find_locates_exactly_what_redact_replaces() {
    let mut texts: Vec<String> = one_of_each_kind()
        .iter()
        .map(|(text, _, _)| text.to_string())
        .collect();
    // Overlapping candidates: the connection string's `admin:hunter2@db.internal` looks like
    // an e-mail address, a card's digit groups like a phone number.
    texts.push(one_of_each_kind().map(|(text, _, _)| text).join(" and "));
    texts.push(
        "écrire à ana@example.com — carte 4111 1111 1111 1111, tél. +33 1 42 68 53 00".into(),
    );
    texts.push("nothing here but words and 12:30:45".into());
    for text in &texts {
        let redacted = redact(text, &mut Findings::default());
        assert_eq!(
            placeholders_over_found(text),
            redacted,
            "find's ranges must be what redact replaces in {text:?}"
        );
        let found = find(text);
        assert!(
            found.windows(2).all(|w| w[0].range.end <= w[1].range.start),
            "findings are in text order and never overlap in {text:?}: {found:?}"
        );
        assert_eq!(
            found.len() as u64,
            scan(text).total(),
            "find and scan count the same findings in {text:?}"
        );
    }
    let texts_with_findings = texts.iter().filter(|t| !find(t).is_empty()).count();
    assert_eq!(
        texts_with_findings,
        texts.len() - 1,
        "every text but the last has findings"
    );
}

#[test]
fn checksums_accept_real_and_refuse_altered_identifiers() {
    assert!(luhn_valid("4111111111111111"), "Visa test number");
    assert!(!luhn_valid("4111111111111112"), "last digit altered");
    assert!(
        iban_valid("DE89370400440532013000"),
        "Deutsche Bank example"
    );
    assert!(!iban_valid("DE89370400440532013001"), "last digit altered");
    assert!(!iban_valid("DE8937"), "too short for any country");
}
