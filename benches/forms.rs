//! Review forms at scale (not a timed test): what answering a domain's form adds to a decision,
//! and what its figures cost `vetted stats` and the dashboard.
//!
//! `cargo bench --bench forms -- [--answered N]` builds a fresh database in a temp folder:
//! N answer items in one domain with a three-question form (a rating, a yes/no, labels), every
//! item decided with answers and a tenth of them decided again, with answers, by a second
//! reviewer (so agreement has units). It reports:
//! - `decide_with` (approve + three answers, one `IMMEDIATE` transaction, `synchronous=FULL`)
//!   against the same call without answers on the same kind of item in a domain without a form
//!   (what `decide` does), interleaved;
//! - `Store::form_stats` and the whole `Store::stats` on the answered database.

use std::time::Instant;

use vetted::Store;
use vetted::domain::{Action, DecisionInput, Feedback};
use vetted::review_form::{EXAMPLE_FORM, FormAnswers, parse_form};

mod common;

fn main() {
    let args = common::args();
    let answered = common::number(&args, "answered", 20_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("forms.db");
    let mut store = Store::open(&db).expect("open");
    let lines: String = (0..answered * 2)
        .map(|i| {
            let domain = if i.is_multiple_of(2) { "rated" } else { "plain" };
            serde_json::json!({
                "kind": "answer", "id": format!("a-{i}"), "domain": domain, "model": "m",
                "question": format!("What was revenue in quarter {i}?"),
                "answer": format!("Revenue was {i} million."),
                "evidence": [{"id": "doc-1", "title": "Report", "text": format!("Revenue: {i} million."), "source": "s3://r"}]
            })
            .to_string()
                + "\n"
        })
        .collect();
    let file = dir.path().join("items.jsonl");
    std::fs::write(&file, lines).expect("write items");
    store.import_path(&file).expect("import");
    let form = parse_form(EXAMPLE_FORM).expect("the example form");
    store
        .set_review_form("rated", Some(&form), "bench")
        .expect("set the form");

    let decide = |store: &mut Store, item: String, reviewer: &str, feedback: &Feedback| {
        let input = DecisionInput {
            id: format!("{reviewer}-{item}"),
            item,
            item_version: 1,
            reviewer: reviewer.into(),
            action: Action::Approve,
            edited: None,
            reason: None,
            note: None,
        };
        let t = Instant::now();
        store.decide_with(&input, feedback).expect("decide");
        t.elapsed()
    };
    let answers_of = |i: usize, shift: usize| -> Feedback {
        let answers: FormAnswers = [
            (
                "correctness".to_owned(),
                serde_json::json!(1 + (i / 10 + shift) % 5),
            ),
            (
                "cites_sources".to_owned(),
                serde_json::json!(i.is_multiple_of(3)),
            ),
            ("issues".to_owned(), serde_json::json!(["outdated"])),
        ]
        .into();
        Feedback {
            answers,
            ..Feedback::default()
        }
    };
    let (mut with_form, mut without_form) = (Vec::new(), Vec::new());
    for i in 0..answered {
        with_form.push(decide(
            &mut store,
            format!("a-{}", 2 * i),
            "ana",
            &answers_of(i, 0),
        ));
        without_form.push(decide(
            &mut store,
            format!("a-{}", 2 * i + 1),
            "ana",
            &Feedback::default(),
        ));
    }
    // A second reviewer on a tenth of the rated items: mostly the same point, sometimes one off.
    for i in (0..answered).step_by(10) {
        let shift = usize::from(i.is_multiple_of(40));
        let input_item = format!("a-{}", 2 * i);
        let version = store.item(&input_item).expect("item").version;
        let input = DecisionInput {
            id: format!("ben-{input_item}"),
            item: input_item,
            item_version: version,
            reviewer: "ben".into(),
            action: Action::Approve,
            edited: None,
            reason: None,
            note: None,
        };
        store
            .decide_with(&input, &answers_of(i, shift))
            .expect("second review");
    }
    println!(
        "database: {} ({answered} answered decisions, {answered} without a form)",
        db.display()
    );
    println!("| call | runs | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|---|");
    common::report_row("decide with 3 answers (domain with a form)", with_form);
    common::report_row("decide (domain without a form)", without_form);
    let runs = |f: &mut dyn FnMut()| {
        (0..11)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect::<Vec<_>>()
    };
    let figures = store.form_stats().expect("form stats");
    let correctness = &figures[0].questions[0];
    println!(
        "(correctness: {} answered, α {:?} over {} items)",
        correctness.answered,
        correctness.agreement.as_ref().and_then(|a| a.alpha),
        correctness.agreement.as_ref().map_or(0, |a| a.items)
    );
    common::report_row(
        "form_stats",
        runs(&mut || {
            store.form_stats().expect("form stats");
        }),
    );
    common::report_row(
        "stats (whole dashboard)",
        runs(&mut || {
            store.stats().expect("stats");
        }),
    );
}
