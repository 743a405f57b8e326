//! LLM runs as the app starts them: a background job naming a provider from the settings file,
//! reporting inputs done and the cost so far, ending in the run's summary, and stoppable.

use std::time::Duration;
use vetted::ErrorCode;

use vetted::jobs::tasks::{self, LlmRunRequest};
use vetted::jobs::{JobEvent, Jobs};
use vetted::store::QueueFilter;

use super::fault_server::{FaultServer, Reply, completion};
use crate::support::{TempDb, answer_line, spawn_job, temp_db};

const VERDICT: &str = r#"{"verdict":"flag","reasons":["unsupported_claim"],"risk":0.7}"#;

/// A database with `n` answer items (none: an empty database) and a settings file naming `server` as provider `fault`
/// (model `gpt-4o-mini`, so calls are priced).
fn setup(server: &FaultServer, n: usize) -> (TempDb, std::path::PathBuf) {
    let db = temp_db();
    let lines: String = (0..n)
        .map(|i| format!("{}\n", answer_line(&format!("a-{i}"), "$12M")))
        .collect();
    let mut store = db.open();
    if n > 0 {
        let file = db.write_file("items.jsonl", lines);
        store.import_path(&file).unwrap();
    }
    let settings = settings_for(&db, server);
    (db, settings)
}

/// A settings file beside `db` naming `server` as provider `fault` (model `gpt-4o-mini`).
fn settings_for(db: &TempDb, server: &FaultServer) -> std::path::PathBuf {
    crate::support::provider_settings(db, "fault", &server.base_url)
}

fn vet_all() -> LlmRunRequest {
    LlmRunRequest::Vet {
        provider: "fault".into(),
        filter: QueueFilter::default(),
        limit: 100,
        revet: false,
        knowledge: vetted::roles::knowledge::Variant::Base,
    }
}

#[test]
fn a_vet_job_reports_cost_so_far_and_ends_with_the_run_summary() {
    let server = FaultServer::start(|_, _| completion(VERDICT, "stop"));
    let (db, settings) = setup(&server, 3);
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, vet_all(), None),
    );
    let events: Vec<JobEvent> = rx.iter().collect();
    let costs: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress { cost_usd, .. } => *cost_usd,
            _ => None,
        })
        .collect();
    assert!(
        costs.last().is_some_and(|c| *c > 0.0),
        "progress carries the cost so far: {events:?}"
    );
    let Some(JobEvent::Finished { summary }) = events.last() else {
        panic!("the run's summary is the outcome: {events:?}");
    };
    assert!(
        summary.contains("3 inputs · 3 ok · 0 failed") && summary.contains("cost $0.000"),
        "{summary}"
    );
    let store = db.open();
    let item = store.item("a-2").unwrap();
    assert_eq!(
        item.vetting.map(|v| v.model),
        Some("gpt-4o-mini".to_owned()),
        "the verdict is stored as the vetting model's suggestion"
    );
    assert!(
        store.item_costs("a-2").unwrap().cost_usd > 0.0,
        "the call's cost is visible per item"
    );
}

#[test]
fn a_vet_job_asked_for_guidelines_puts_them_in_every_prompt_and_records_them() {
    let server = FaultServer::start(|_, _| completion(VERDICT, "stop"));
    let (db, settings) = setup(&server, 2);
    let guideline = db
        .open()
        .add_guideline("finance", "Quote the report's figure exactly.", "sme")
        .unwrap();
    let request = LlmRunRequest::Vet {
        provider: "fault".into(),
        filter: QueueFilter::default(),
        limit: 100,
        revet: false,
        knowledge: vetted::roles::knowledge::Variant::Guidelines,
    };
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, request, None),
    );
    let events: Vec<JobEvent> = rx.iter().collect();
    assert!(
        matches!(events.last(), Some(JobEvent::Finished { .. })),
        "{events:?}"
    );
    for request in server.requests() {
        let message = request.body["messages"][1]["content"].as_str().unwrap();
        assert!(
            message.contains("Quote the report's figure exactly."),
            "the app's choice reaches the prompt: {message}"
        );
    }
    let recorded: Vec<String> = rusqlite::Connection::open(&db.path)
        .unwrap()
        .prepare("SELECT knowledge FROM llm_calls ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recorded.len(), 2);
    for knowledge in recorded {
        let knowledge: serde_json::Value = serde_json::from_str(&knowledge).unwrap();
        assert_eq!(knowledge["guidelines"], serde_json::json!([guideline.id]));
    }
}

#[test]
fn cancelling_a_vet_job_keeps_finished_calls_and_reports_cancelled() {
    // The first call answers; every later one hangs until the client gives up on it.
    let server = FaultServer::start(|n, _| {
        if n == 0 {
            completion(VERDICT, "stop")
        } else {
            Reply::Hang(Duration::from_secs(30))
        }
    });
    let (db, settings) = setup(&server, 6);
    let jobs = Jobs::default();
    let (id, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, vet_all(), None),
    );
    let mut events = Vec::new();
    for event in rx.iter() {
        let first_done = matches!(event, JobEvent::Progress { done: 1.., .. });
        events.push(event);
        if first_done {
            assert!(jobs.cancel(id), "the run is still going");
            break;
        }
    }
    let started = std::time::Instant::now();
    let last = rx.iter().last().expect("an outcome after cancel");
    assert!(
        matches!(&last, JobEvent::Failed { code, .. } if *code == ErrorCode::Cancelled),
        "{last:?} after {events:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancel does not wait for the hanging calls ({:?})",
        started.elapsed()
    );
    let store = db.open();
    let vetted = (0..6)
        .filter(|i| {
            let item = store.item(&format!("a-{i}")).unwrap();
            item.vetting.is_some_and(|v| v.model == "gpt-4o-mini")
        })
        .count();
    assert_eq!(vetted, 1, "the finished call's verdict is kept, no other");
}

#[test]
fn a_job_naming_an_unknown_provider_fails_with_what_to_do() {
    let server = FaultServer::start(|_, _| completion(VERDICT, "stop"));
    let (db, settings) = setup(&server, 1);
    let request = LlmRunRequest::Relate {
        provider: "nope".into(),
        source: "a".into(),
        target: "b".into(),
        domain: "data".into(),
        knowledge: vetted::roles::knowledge::Variant::Base,
    };
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, request, None),
    );
    let last = rx.iter().last().unwrap();
    assert!(
        matches!(&last, JobEvent::Failed { code, message } if *code == ErrorCode::Config && message.contains("no provider named 'nope' in the settings (known: fault)")),
        "{last:?}"
    );
    assert!(server.requests().is_empty(), "nothing was called");
}

#[test]
fn a_generate_job_answers_the_picked_questions_file_into_the_queue() {
    let server = FaultServer::start(|_, _| completion("Revenue was $12M [doc-1].", "stop"));
    let (db, settings) = setup(&server, 0);
    db.open()
        .add_guideline("finance", "Cite the passage id after each figure.", "sme")
        .unwrap();
    let questions = db.write_file(
        "questions.jsonl",
        ["q-1", "q-2"]
            .map(|id| {
                serde_json::json!({"id": id, "domain": "finance", "question": format!("Q3 revenue ({id})?"),
                    "evidence": [{"id": "doc-1", "title": "Q3", "text": "Revenue was $12M.", "source": "s3://q3"}]})
                .to_string()
                    + "\n"
            })
            .concat(),
    );
    let request = LlmRunRequest::Generate {
        provider: "fault".into(),
        knowledge: vetted::roles::knowledge::Variant::Guidelines,
    };
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(
            db.path.clone(),
            settings.clone(),
            request.clone(),
            Some(questions),
        ),
    );
    let last = rx.iter().last().unwrap();
    assert!(
        matches!(&last, JobEvent::Finished { summary } if summary.contains("2 items written")),
        "{last:?}"
    );
    let store = db.open();
    assert_eq!(
        store.item("q-2").unwrap().model,
        "gpt-4o-mini",
        "the answer joined the queue as the provider's model"
    );
    for request in server.requests() {
        let message = request.body["messages"][1]["content"].as_str().unwrap();
        assert!(
            message.contains("Cite the passage id after each figure."),
            "the dialog's choice of knowledge reaches the prompt: {message}"
        );
    }

    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, request, None),
    );
    let last = rx.iter().last().unwrap();
    assert!(
        matches!(&last, JobEvent::Failed { code, message } if *code == ErrorCode::BadRequest && message.contains("questions file")),
        "without a picked file the run refuses: {last:?}"
    );
}

#[test]
fn an_align_job_counts_progress_over_every_variant_and_ends_with_each_variants_kappa() {
    let (db, _) = super::align::reviewed();
    // Slow enough calls that the throttled progress shows the second variant's calls too.
    let server = FaultServer::start(|_, _| {
        std::thread::sleep(Duration::from_millis(150));
        completion(VERDICT, "stop")
    });
    let settings = settings_for(&db, &server);
    use vetted::roles::knowledge::Variant::{Base, Both};
    let request = LlmRunRequest::Align {
        provider: "fault".into(),
        domain: "finance".into(),
        holdout: 0.5,
        variants: vec![Base, Both, Base],
        limit: 5,
    };
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, request, None),
    );
    let events: Vec<JobEvent> = rx.iter().collect();
    let progress: Vec<(u64, Option<u64>)> = events
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress { done, total, .. } => Some((*done, *total)),
            _ => None,
        })
        .collect();
    assert!(
        progress.iter().all(|(_, total)| *total == Some(10)),
        "one total over both variants (a repeated variant runs once), 5 items each: {progress:?}"
    );
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back when the next variant starts: {progress:?}"
    );
    assert!(
        progress.iter().any(|(done, _)| *done > 5),
        "the second variant's calls count on from the first's: {progress:?}"
    );
    let Some(JobEvent::Finished { summary }) = events.last() else {
        panic!("the alignment report is the outcome: {events:?}");
    };
    assert!(
        summary.starts_with("alignment run 1 of finance with gpt-4o-mini (5 held-out items")
            && summary.contains("κ base ")
            && summary.contains(", both ")
            && summary.contains("cost $0.0"),
        "{summary}"
    );
    let runs = vetted::roles::align::alignment_history(&mut db.open(), Some("finance")).unwrap();
    assert_eq!(runs.len(), 1, "the run is stored for the dashboard");
    let judged: Vec<usize> = runs[0].variants.iter().map(|v| v.judged).collect();
    assert_eq!(judged, [5, 5]);
}
