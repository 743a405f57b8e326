//! Background jobs as the app runs them: an import on its own connection while the app's
//! connection keeps reading, progress then one outcome, cancel leaving the database as it was,
//! and the revision the app polls to notice finished work.

use vetted::ErrorCode;
use vetted::export::{Format, PiiMode};
use vetted::import::BATCH_ITEMS;
use vetted::jobs::tasks::{self, ExportRequest};
use vetted::jobs::{JobEvent, Jobs};

use crate::support::{answer_lines, spawn_job, table_counts, temp_db};

fn jsonl(n: usize) -> String {
    answer_lines("job", n)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn an_import_job_reports_progress_then_its_summary_and_bumps_the_revision() {
    let db = temp_db();
    let app = db.open();
    let before = app.data_revision().unwrap();
    let file = db.write_file("items.jsonl", jsonl(BATCH_ITEMS * 2 + 7));
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(&jobs, tasks::import(db.path.clone(), file));
    let events: Vec<JobEvent> = rx.iter().collect();
    assert!(
        matches!(events.first(), Some(JobEvent::Progress { total: Some(t), .. }) if *t > 0),
        "progress in bytes comes first: {events:?}"
    );
    let expected = format!("{} new, 0 already present", BATCH_ITEMS * 2 + 7);
    assert!(
        matches!(events.last(), Some(JobEvent::Finished { summary }) if summary.ends_with(&expected)),
        "the import's report is the outcome: {:?}",
        events.last()
    );
    assert!(
        app.data_revision().unwrap() > before,
        "the app's connection sees the completed import through the revision"
    );
}

#[test]
fn a_cancelled_import_job_leaves_the_database_as_it_was() {
    let db = temp_db();
    drop(db.open());
    let before = table_counts(&db.path);
    let file = db.write_file("big.jsonl", jsonl(BATCH_ITEMS * 20));
    let jobs = Jobs::default();
    let (id, rx) = spawn_job(&jobs, tasks::import(db.path.clone(), file));
    // Cancel once the first batch is written, so the job is mid-import.
    for event in rx.iter() {
        if matches!(event, JobEvent::Progress { done, .. } if done > 0) {
            jobs.cancel(id);
            break;
        }
        assert!(
            !matches!(event, JobEvent::Finished { .. }),
            "the import finished before it could be cancelled; make the file bigger"
        );
    }
    let last = rx.iter().last().expect("an outcome after cancel");
    assert!(
        matches!(&last, JobEvent::Failed { code, .. } if *code == ErrorCode::Cancelled),
        "{last:?}"
    );
    assert_eq!(
        table_counts(&db.path),
        before,
        "a cancelled import leaves every table as it was"
    );
}

#[test]
fn an_export_job_writes_the_file_and_a_failed_one_says_why() {
    let db = temp_db();
    let mut store = db.open();
    let file = db.write_file("items.jsonl", jsonl(3));
    store.import_path(&file).unwrap();
    for entry in store
        .queue_page(&Default::default(), None, 10)
        .unwrap()
        .entries
    {
        crate::export::decide(
            &mut store,
            &entry.external_id,
            vetted::domain::Action::Approve,
            None,
        );
    }
    let request = ExportRequest {
        format: Format::OpenaiSft,
        pii: PiiMode::Redact,
        val_fraction: 0.0,
        kinds: vec![],
        domains: vec![],
        models: vec![],
        tags: vec![],
        include_ties: false,
    };
    assert_eq!(request.suggested_file_name(), "vetted-openai-sft.jsonl");
    let out = db.dir.path().join("sft.jsonl");
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::export(db.path.clone(), request.clone(), out.clone()),
    );
    let last = rx.iter().last().unwrap();
    assert!(
        matches!(&last, JobEvent::Finished { summary } if summary.starts_with("3 lines written")),
        "{last:?}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3);

    let (_, rx) = spawn_job(
        &jobs,
        tasks::export(db.path.clone(), request, "/dev/null".into()),
    );
    let last = rx.iter().last().unwrap();
    assert!(
        matches!(&last, JobEvent::Failed { code, message } if *code == ErrorCode::NotARegularFile && message.contains("/dev/null")),
        "{last:?}"
    );
}

#[test]
fn a_products_job_registers_every_table_of_a_sqlite_file() {
    let db = temp_db();
    drop(db.open());
    let jobs = Jobs::default();
    let (_, rx) = spawn_job(
        &jobs,
        tasks::register_products(db.path.clone(), crate::support::chinook_path()),
    );
    let last = rx.iter().last().unwrap();
    let JobEvent::Finished { summary } = &last else {
        panic!("registration failed: {last:?}");
    };
    assert!(
        summary.starts_with("11 data product(s) from") && summary.contains("Invoice"),
        "Chinook's 11 tables, named: {summary}"
    );
    assert_eq!(db.open().list_products().unwrap().len(), 11);
}

#[test]
fn a_discovery_job_queues_candidates_and_a_cancelled_one_queues_nothing() {
    let db = temp_db();
    db.open()
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    let discovered = || {
        db.open()
            .conn()
            .query_row(
                "SELECT count(*) FROM items WHERE model = 'discovery'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
    };

    // Cancelled before it starts: it stops after the first product and queues nothing.
    let cancelled = tasks::discover_relationships(db.path.clone());
    let stop = std::sync::atomic::AtomicBool::new(true);
    let outcome = cancelled(&mut |_| {}, &stop);
    assert!(
        matches!(outcome, Err(vetted::Error::Cancelled)),
        "a cancelled discovery says so: {outcome:?}"
    );
    assert_eq!(discovered(), 0, "a cancelled discovery queues nothing");

    let jobs = Jobs::default();
    let (_, rx) = spawn_job(&jobs, tasks::discover_relationships(db.path.clone()));
    let events: Vec<JobEvent> = rx.iter().collect();
    assert!(
        events.iter().any(|e| matches!(
            e,
            JobEvent::Progress {
                total: Some(11),
                ..
            }
        )),
        "progress counts the 11 products (throttled): {events:?}"
    );
    let Some(JobEvent::Finished { summary }) = events.last() else {
        panic!("discovery failed: {events:?}");
    };
    assert_eq!(
        summary,
        "11 relationship candidate(s) among 11 data products: 11 queued, 0 already in the queue"
    );
    assert_eq!(discovered(), 11, "Chinook's 11 declared keys are queued");
}
