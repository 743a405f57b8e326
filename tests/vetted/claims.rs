//! Claim-level verdicts: the splitter on real HaluEval answers, verdicts recorded with a
//! decision (all or nothing), `vetted show` and `decide --claim`, and the claim exports.

use std::path::Path;

use vetted::claims::{ClaimCheck, ClaimVerdict, EvidenceSpan, claim_ranges};
use vetted::domain::{Action, DecisionInput, Feedback};

use crate::support::{json_of, temp_db, vetted};

/// HaluEval's ChatGPT answers to general queries (`../shared/datasets/halueval`).
fn halueval_answers() -> Vec<(String, String)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/halueval/general_data.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                row["ID"].as_str().unwrap().to_owned(),
                row["chatgpt_response"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn split(text: &str) -> Vec<&str> {
    claim_ranges(text).into_iter().map(|r| &text[r]).collect()
}

#[test]
fn halueval_answers_split_into_their_sentences_past_titles_and_dotted_abbreviations() {
    let answers = halueval_answers();
    let answer = |id: &str| &answers.iter().find(|(i, _)| i == id).unwrap().1;
    assert_eq!(
        split(answer("56")),
        [
            "The United States and China signed the phase one trade deal on January 15th, 2020.",
            "Under the agreement, China will buy an additional $200 billion worth of U.S. goods and services over the next two years, including agricultural products, energy, and manufactured goods.",
            "The deal also includes commitments from China to protect intellectual property and stop forced technology transfers.",
            "In exchange, the U.S. reduced tariffs on some Chinese goods.",
            "The phase one trade deal marks the first step in resolving the ongoing trade tensions between the two countries.",
        ],
        "\"U.S.\" inside a sentence does not end it"
    );
    let dr = split(answer("2040"));
    assert_eq!(dr.len(), 4, "{dr:#?}");
    assert_eq!(
        dr[2],
        "Dr. Grace then set her sights on traveling to the future, but she discovered that the time machine could only go backwards in time."
    );
    let mr = split(answer("942"));
    assert_eq!(
        mr.len(),
        3,
        "\"Mr. Jaggers\" is not a sentence end: {mr:#?}"
    );
    let list = split(answer("452"));
    assert_eq!(list.len(), 15, "the intro and 14 list items: {list:#?}");
    assert_eq!(
        list[1], "Milk or non-dairy milk",
        "list markers and trailing space are not part of a claim"
    );
    assert_eq!(
        list[6],
        "Vegetables (e.g. broccoli, cauliflower, carrots, lettuce, spinach, kale, etc.)"
    );
}

#[test]
fn every_halueval_answer_splits_into_trimmed_ordered_claims_that_never_end_at_a_title() {
    let answers = halueval_answers();
    assert!(answers.len() > 4000, "the whole file is read");
    let mut claims = 0;
    for (id, text) in &answers {
        let mut last_end = 0;
        for range in claim_ranges(text) {
            let claim = &text[range.clone()];
            assert!(
                range.start >= last_end,
                "{id}: claims are ordered and disjoint"
            );
            assert_eq!(claim, claim.trim(), "{id}: claims are trimmed");
            assert!(
                claim.chars().any(char::is_alphanumeric),
                "{id}: {claim:?} has a word"
            );
            assert!(
                !claim.contains('\n'),
                "{id}: a claim stays on its line: {claim:?}"
            );
            for title in [" Dr.", " Mr.", " Mrs.", " Ms.", " U.S."] {
                assert!(
                    !(claim.ends_with(title) && text[range.end..].starts_with(' ')),
                    "{id}: a sentence ended at{title}: {claim:?}"
                );
            }
            last_end = range.end;
            claims += 1;
        }
    }
    assert!(
        claims > answers.len() * 3,
        "{claims} claims in {} answers",
        answers.len()
    );
}

fn item_line(id: &str) -> String {
    serde_json::json!({
        "kind": "answer", "id": id, "domain": "geo", "model": "llama-3.1-8b",
        "question": "Tell me about Zürich.",
        "answer": "Zürich lies on Lake Zürich. It has 2 million inhabitants. It is the capital.",
        "evidence": [
            {"id": "wiki", "title": "Zürich", "text": "Zürich lies on Lake Zürich. The city has 420,000 inhabitants.", "source": "wikipedia"},
            {"id": "gov", "title": "Capital", "text": "Bern is the federal city of Switzerland.", "source": "admin.ch"}
        ]
    })
    .to_string()
}

#[test]
fn verdicts_are_recorded_with_the_decision_or_not_at_all() {
    let db = temp_db();
    let file = db.write_file("items.jsonl", format!("{}\n", item_line("z-1")));
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let mut store = vetted::Store::open(&db.path).unwrap();
    let item = store.item_shown("z-1").unwrap();
    assert_eq!(
        item.claims.len(),
        3,
        "the answer's three sentences are offered"
    );
    assert_eq!(
        item.claims[0]
            .hint
            .as_ref()
            .map(|h| (h.passage.as_str(), h.text.as_str())),
        Some(("wiki", "Zürich lies on Lake Zürich.")),
        "the supporting sentence is pre-selected"
    );
    let input = |id: &str| DecisionInput {
        id: id.into(),
        item: "z-1".into(),
        item_version: 1,
        reviewer: "ana".into(),
        action: Action::Reject,
        edited: None,
        reason: Some("contradicts_evidence".into()),
        note: None,
    };
    let checks = vec![
        ClaimCheck {
            claim: item.claims[0].text.clone(),
            verdict: ClaimVerdict::Supported,
            spans: vec![item.claims[0].hint.clone().unwrap()],
        },
        ClaimCheck {
            claim: item.claims[1].text.clone(),
            verdict: ClaimVerdict::Contradicted,
            spans: vec![EvidenceSpan {
                passage: "wiki".into(),
                start: 28,
                end: 61,
                text: String::new(),
            }],
        },
    ];
    // A bad span refuses the whole decision: no decision, no verdicts.
    let mut bad = checks.clone();
    bad[1].spans[0].end = 99;
    let err = store
        .decide_with(
            &input("d-0"),
            &Feedback {
                claims: bad,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("claim 2: spans: 28..99"), "{err}");
    assert!(
        store.history("z-1").unwrap().is_empty(),
        "a refused decision records nothing"
    );

    let feedback = Feedback {
        claims: checks,
        ..Default::default()
    };
    let decision = store.decide_with(&input("d-1"), &feedback).unwrap();
    let recorded = store.claim_checks("z-1").unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].decision_id, decision.id);
    assert_eq!(
        recorded[0].claims[1].spans[0].text, "The city has 420,000 inhabitants.",
        "the span's text is the passage's, counted in characters"
    );
    // A retried id returns the recorded decision and adds nothing.
    let again = store.decide_with(&input("d-1"), &feedback).unwrap();
    assert_eq!(again.id, decision.id);
    assert_eq!(store.claim_checks("z-1").unwrap()[0].claims.len(), 2);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let err = conn
        .execute("UPDATE claim_checks SET verdict = 'supported'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn decide_claim_records_verdicts_that_show_and_the_claim_exports_carry() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!("{}\n{}\n", item_line("z-1"), item_line("z-2")),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let shown = vetted(&db.path).args(["show", "z-1"]).output().unwrap();
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains(" 2. It has 2 million inhabitants.") && text.contains("hint [wiki:0-27]"),
        "show numbers the claims with their hints:\n{text}"
    );
    vetted(&db.path)
        .args([
            "decide",
            "z-1",
            "reject",
            "--reason",
            "contradicts_evidence",
        ])
        // Out of order: stored in claim order.
        .args(["--claim", "3=unsupported", "--claim", "1=supported@hint"])
        .args(["--claim", "2=contradicted@wiki:28-61", "--reviewer", "ana"])
        .assert()
        .success();
    // Bad specs are refused, naming the option, and record nothing.
    for (spec, expected) in [
        ("4=supported", "the answer has 3 claims"),
        ("1=maybe", "'maybe' is not a claim verdict"),
        ("1=supported@wiki:5", "is not START-END"),
        ("1", "expected N=VERDICT"),
        (
            "1=supported --claim 1=unsupported",
            "claim 1 is given two verdicts",
        ),
    ] {
        let mut args = vec!["decide", "z-2", "approve", "--reviewer", "ana"];
        for spec in spec.split(" --claim ") {
            args.extend(["--claim", spec]);
        }
        let out = vetted(&db.path).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(expected),
            "{spec}: {err}"
        );
    }
    vetted(&db.path)
        .args([
            "decide",
            "z-2",
            "approve",
            "--claim",
            "1=not-checkable",
            "--reviewer",
            "ana",
        ])
        .assert()
        .success();
    let shown = json_of(vetted(&db.path).args(["show", "z-1", "--json", "--reviewer", "ana"]));
    let verdicts: Vec<&str> = shown["claim_checks"][0]["claims"]
        .as_array()
        .expect("claim_checks in show --json")
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["supported", "contradicted", "unsupported"]);

    let nli = db.path.with_file_name("claims.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "claims-nli", "--out"])
        .arg(&nli)
        .assert()
        .success();
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&nli)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows.len(),
        3,
        "z-2's only claim is not checkable: {rows:#?}"
    );
    assert_eq!(
        rows[1],
        serde_json::json!({
            "premise": "The city has 420,000 inhabitants.",
            "hypothesis": "It has 2 million inhabitants.",
            "label": "contradiction"
        })
    );
    assert_eq!(rows[2]["label"], "neutral");
    assert!(
        rows[2]["premise"]
            .as_str()
            .unwrap()
            .contains("Bern is the federal city"),
        "an unlinked claim's premise is every passage"
    );

    let chats = db.path.with_file_name("vetter-claims.jsonl");
    vetted(&db.path)
        .args(["export", "--format", "vetter-claims", "--out"])
        .arg(&chats)
        .assert()
        .success();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&chats)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one chat per answer whose every claim has a verdict: z-2 checked one of three"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(db.path.with_file_name("vetter-claims.manifest.json")).unwrap(),
    )
    .unwrap();
    assert!(
        manifest["warnings"][0]
            .as_str()
            .is_some_and(|w| w.starts_with("left out 1 item with claims left unchecked")),
        "the manifest says what was left out: {manifest}"
    );
    let verdicts: serde_json::Value =
        serde_json::from_str(lines[0]["messages"][2]["content"].as_str().unwrap()).unwrap();
    assert_eq!(verdicts["claims"][1]["verdict"], "contradicted");
    assert_eq!(
        verdicts["claims"][1]["evidence"][0],
        serde_json::json!({"passage": "wiki", "quote": "The city has 420,000 inhabitants."})
    );
}

#[test]
fn approving_doubtful_claims_asks_by_default_and_each_domain_can_turn_it_off() {
    let db = temp_db();
    let out = vetted(&db.path)
        .args(["claims", "confirm", "geo"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("geo: approving an answer with an unsupported or contradicted claim asks for confirmation"),
        "a domain nobody configured asks"
    );
    let out = vetted(&db.path)
        .args(["claims", "confirm", "geo", "off", "--reviewer", "ana"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("does not ask"),
        "turned off"
    );
    let store = vetted::Store::open(&db.path).unwrap();
    assert!(!store.claim_settings("geo").unwrap().confirm_approve);
    assert!(
        store.claim_settings("finance").unwrap().confirm_approve,
        "other domains still ask"
    );
}

#[test]
fn vetter_claims_holds_out_what_align_measures_counting_only_answers_with_verdicts() {
    use vetted::export::{ExportOptions, Format, HeldOut, export};
    use vetted::roles::align::is_held_out;

    let db = temp_db();
    // Distinct questions: identical content would make every item a copy of a held-out one.
    let lines: Vec<String> = (0..20)
        .map(|i| {
            let mut line: serde_json::Value =
                serde_json::from_str(&item_line(&format!("c-{i}"))).unwrap();
            line["question"] = format!("Tell me about Zürich ({i}).").into();
            line.to_string()
        })
        .collect();
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    vetted(&db.path).arg("import").arg(&file).assert().success();
    // The first ten are checked claim by claim, the other ten only approved.
    for i in 0..20 {
        let id = format!("c-{i}");
        let mut args = vec!["decide", id.as_str(), "approve", "--reviewer", "ana"];
        if i < 10 {
            args.extend(["--claim", "1=supported", "--claim", "2=unsupported"]);
            args.extend(["--claim", "3=not-checkable"]);
        }
        vetted(&db.path).args(&args).assert().success();
    }
    let (share, seed) = (0.5, 7);
    let held = |range: std::ops::Range<usize>| {
        range
            .filter(|i| is_held_out(seed, &format!("c-{i}"), share))
            .count()
    };
    let (held_checked, held_all) = (held(0..10), held(0..20));
    assert!(
        held_checked > 0 && held_all > held_checked,
        "the seed holds out checked and unchecked answers"
    );
    let store = vetted::Store::open(&db.path).unwrap();
    let out = db.path.with_file_name("held.jsonl");
    let manifest = export(
        &store,
        &ExportOptions {
            held_out: Some(HeldOut { share, seed }),
            ..ExportOptions::new(Format::VetterClaims, &out)
        },
        &mut |_| {},
        &Default::default(),
    )
    .unwrap();
    assert_eq!(
        manifest.counts.lines_train as usize,
        10 - held_checked,
        "the checked answers align does not measure"
    );
    assert_eq!(
        manifest.warnings,
        [format!(
            "left out {held_checked} item{} held out for `vetted align vetter`",
            if held_checked == 1 { "" } else { "s" }
        )],
        "only answers that would have given a line count as held out"
    );
}

#[test]
fn stats_count_the_verdicts_of_decisions_in_force_per_domain() {
    let db = temp_db();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n{}\n",
            item_line("s-1"),
            item_line("s-2"),
            item_line("s-3")
        ),
    );
    vetted(&db.path).arg("import").arg(&file).assert().success();
    let decide = |item: &str, claims: &[&str], reviewer: &str| {
        let mut args = vec!["decide", item, "approve", "--reviewer", reviewer];
        for claim in claims {
            args.extend(["--claim", claim]);
        }
        vetted(&db.path).args(&args).assert().success();
    };
    decide(
        "s-1",
        &["1=supported", "2=contradicted", "3=unsupported"],
        "ana",
    );
    decide("s-2", &["1=supported", "2=supported"], "ana");
    decide("s-3", &["1=contradicted"], "ana");
    // A changed mind without verdicts: s-3's no longer count.
    decide("s-3", &[], "ben");
    let stats = json_of(vetted(&db.path).args(["stats", "--json"]));
    assert_eq!(
        stats["claims"],
        serde_json::json!([{
            "domain": "geo", "answers": 2, "supported": 3, "unsupported": 1,
            "contradicted": 1, "not_checkable": 0
        }]),
        "two answers in force carry verdicts"
    );
    let text = String::from_utf8(vetted(&db.path).arg("stats").output().unwrap().stdout).unwrap();
    assert!(
        text.contains("Claim verdicts (decisions in force)"),
        "the table is printed:\n{text}"
    );
}
