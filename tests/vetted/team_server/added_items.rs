//! Runs that add items, on the team server: a model's answers to questions (one per question
//! from the app, a comparison of sampled answers from the CLI) and proposed relationships, and
//! discovery's candidates, run by the owner (who imports) exactly as on a file; nobody else adds
//! items.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use vetted::jobs::tasks::LlmRunRequest;
use vetted::jobs::{JobEvent, Jobs};
use vetted::roles::knowledge::Variant;

use super::{Client, Team, on_server, succeeded};
use crate::llm::fault_server::{FaultServer, completion};
use crate::support::{json_of, temp_db, vetted};
use vetted::ErrorCode;
use vetted::Store;
use vetted::team::Role;
use vetted::team_server::{Change, TeamServer};

/// A model that answers every question alike, tells a comparison's samples apart by the order
/// each question is asked in (0, 1, 0, 1…: the file's run and the server's get the same; the
/// second sample about revenue runs out of tokens), and proposes one relationship between two
/// products.
fn deterministic_model() -> FaultServer {
    let asked: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    FaultServer::start(move |_, request| {
        let sent = request.body.to_string();
        if sent.contains("customer_id") {
            let answer = json!({"candidates": [{"type": "foreign_key", "cardinality": "N:1",
                "mapping": [{"source_field": "customer_id", "target_field": "id"}],
                "rationale": "customer_id values match customers.id", "confidence": 0.8}]});
            return completion(&answer.to_string(), "stop");
        }
        if request.body["temperature"].is_null() {
            return completion("It was 3 percent [r].", "stop");
        }
        let user = request.body["messages"][1]["content"]
            .as_str()
            .unwrap_or("");
        let mut asked = asked.lock().unwrap();
        let times = asked.entry(user.to_owned()).or_default();
        *times += 1;
        if user.contains("revenue") && times.is_multiple_of(2) {
            return completion("It was", "length");
        }
        completion(
            &format!("Sample {} says 3 percent [r].", *times % 2),
            "stop",
        )
    })
}

fn questions(prefix: &str, topics: &[&str]) -> String {
    topics
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            json!({"id": format!("{prefix}-{}", i + 1), "domain": "finance",
                   "question": format!("What was the {topic} in quarter 2?"),
                   "evidence": [{"id": "r", "title": "Report", "text": "It was 3 percent.",
                                 "source": "q2.pdf"}]})
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The calls an item's metadata names (`llm_call`, or a comparison's `llm_calls`), sorted.
fn named_calls(metadata: &Value) -> Vec<i64> {
    let by = &metadata["generated_by"];
    let mut ids: Vec<i64> = (by["llm_call"].as_i64().into_iter())
        .chain(
            by["llm_calls"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64),
        )
        .collect();
    ids.sort();
    ids
}

/// `metadata` without the call ids, which are each database's own.
fn without_calls(mut metadata: Value) -> Value {
    let by = metadata["generated_by"]
        .as_object_mut()
        .expect("generated_by");
    by.remove("llm_call");
    by.remove("llm_calls");
    metadata
}

#[test]
fn answers_and_relationships_a_model_writes_on_the_server_are_the_files_and_only_the_owner_adds_them()
 {
    let Some(team) = Team::new("team_items_a_model_writes") else {
        return;
    };
    let model = deterministic_model();
    let local = temp_db();
    let store = local.open();
    let settings = crate::support::provider_settings(&local, "writer", &model.base_url);
    let answers = local.write_file("answers.jsonl", questions("g", &["churn", "margin"]));
    let compared = local.write_file("compared.jsonl", questions("c", &["churn", "margin"]));
    let partial = local.write_file("partial.jsonl", questions("p", &["revenue"]));
    let products = local.write_file(
        "products.json",
        json!([
            {"product": "orders", "fields": [{"name": "id", "type": "int"}, {"name": "customer_id", "type": "int"}],
             "sample_rows": [{"id": 1, "customer_id": 7}]},
            {"product": "customers", "fields": [{"name": "id", "type": "int"}], "sample_rows": [{"id": 7}]}
        ])
        .to_string(),
    );
    let generate = || LlmRunRequest::Generate {
        provider: "writer".into(),
        knowledge: Variant::Base,
    };
    let jobs = Jobs::default();
    let outcome = |work| {
        let (_, events) = crate::support::spawn_job(&jobs, work);
        events.iter().last().expect("a job ends with an outcome")
    };
    // `generate --samples 2` and `relate` with `cmd` (on the file or on the server).
    let compare = |mut cmd: assert_cmd::Command, questions: &std::path::Path| {
        cmd.env_remove("OPENAI_API_KEY")
            .args([
                "generate",
                "--samples",
                "2",
                "--concurrency",
                "1",
                "--questions",
            ])
            .arg(questions)
            .args(["--provider", "writer", "--settings"])
            .arg(&settings);
        cmd
    };
    let relate = |mut cmd: assert_cmd::Command| {
        cmd.env_remove("OPENAI_API_KEY")
            .args([
                "relate",
                "orders",
                "customers",
                "--domain",
                "sales",
                "--products",
            ])
            .arg(&products)
            .args(["--provider", "writer", "--json", "--settings"])
            .arg(&settings);
        cmd
    };

    // On a file: what the server must hold.
    let on_file = outcome(vetted::jobs::tasks::llm_run(
        local.path.clone(),
        settings.clone(),
        generate(),
        Some(answers.clone()),
    ));
    assert!(
        matches!(&on_file, JobEvent::Finished { summary } if summary.contains("2 items written")),
        "{on_file:?}"
    );
    for questions in [&compared, &partial] {
        succeeded(&mut compare(vetted(&local.path), questions));
    }
    let related = json_of(&mut relate(vetted(&local.path)));
    assert_eq!(related["items_written"], 1, "{related}");
    let relationship = store
        .conn()
        .query_row(
            "SELECT external_id FROM items WHERE kind = 'relationship'",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap();
    let calls_made = model.requests().len();
    assert_eq!(calls_made, 9, "2 answers, 3 × 2 samples, 1 relate");

    // Nobody but the owner adds items: an SME from the app, an analyst from the CLI, told
    // before any model is called.
    let sme = team.reviewer("writer_sme", Role::Sme);
    let refused = outcome(vetted::jobs::tasks::llm_run_on_server(
        sme.clone(),
        None,
        settings.clone(),
        generate(),
        Some(answers.clone()),
        1,
    ));
    assert!(
        matches!(&refused, JobEvent::Failed { code: ErrorCode::Forbidden, message }
            if message.contains("only its owner adds items")),
        "an SME adds no items: {refused:?}"
    );
    let analyst = team.reviewer("writer_analyst", Role::Analyst);
    relate(on_server(&analyst))
        .assert()
        .failure()
        .stderr(predicates::str::contains("only its owner adds items"));
    assert_eq!(
        model.requests().len(),
        calls_made,
        "refused runs call no model"
    );

    // The owner: the same three runs on the server, while an analyst's window listens. The
    // server's call ids start elsewhere, so an item naming the snapshot's ids would show.
    team.sql()
        .batch_execute("ALTER TABLE vetted.llm_calls ALTER COLUMN id RESTART WITH 100")
        .unwrap();
    let mut watcher = TeamServer::connect(&analyst).unwrap();
    watcher.listen().unwrap();
    let on_server_run = outcome(vetted::jobs::tasks::llm_run_on_server(
        team.admin.clone(),
        None,
        settings.clone(),
        generate(),
        Some(answers.clone()),
        1,
    ));
    let JobEvent::Finished { summary } = &on_server_run else {
        panic!("the owner's run finishes: {on_server_run:?}");
    };
    assert!(
        summary.starts_with("generate run 1 ") && summary.contains("2 items written"),
        "the summary names the server's run: {summary}"
    );
    let heard = super::heard_until_quiet(&mut watcher);
    assert!(
        heard.contains(&Change::Items),
        "windows hear of the new items: {heard:?}"
    );
    for questions in [&compared, &partial] {
        succeeded(&mut compare(on_server(&team.admin), questions));
    }
    let related = json_of(&mut relate(on_server(&team.admin)));
    assert_eq!(
        (
            related["run_id"].as_i64(),
            related["items_written"].as_i64()
        ),
        (Some(4), Some(1)),
        "the relate run is the server's fourth: {related}"
    );

    // Every item is the file's, names the server's calls, and costs what it cost on the file.
    let mut sql = team.sql();
    let ids = ["g-1", "g-2", "c-1", "c-2", relationship.as_str()];
    for id in ids {
        let local_item = json_of(vetted(&local.path).args(["show", id, "--json"]));
        let server_item = json_of(on_server(&analyst).args(["show", id, "--json"]));
        let mut item = server_item["item"].clone();
        let mut expected = local_item["item"].clone();
        let (metadata, local_metadata) = (item["metadata"].take(), expected["metadata"].take());
        for at in ["created_at", "updated_at"] {
            assert!(item[at].is_string(), "{id} has its server's {at}");
            item[at].take();
            expected[at].take();
        }
        assert_eq!(item, expected, "{id} on the server is the file's");
        assert_eq!(
            without_calls(metadata.clone()),
            without_calls(local_metadata),
            "{id} keeps the file's provenance"
        );
        assert_eq!(
            server_item["llm"], local_item["llm"],
            "{id} costs on the server what it cost on the file (every call linked)"
        );
        let linked: Vec<i64> = sql
            .query(
                "SELECT c.id FROM vetted.llm_calls c JOIN vetted.llm_runs r ON r.id = c.run_id
                  WHERE c.item_id = (SELECT id FROM vetted.items WHERE external_id = $1)
                     OR (r.role = 'relate' AND $1 LIKE 'orders-customers-%')
                  ORDER BY c.id",
                &[&id],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(
            named_calls(&metadata),
            linked,
            "{id} names the server's calls that wrote it: {metadata}"
        );
    }
    assert_eq!(
        named_calls(
            &json_of(on_server(&analyst).args(["show", "c-1", "--json"]))["item"]["metadata"]
        )
        .len(),
        2,
        "a comparison names both its samples"
    );
    let runs: Vec<(String, String, bool, i64)> = sql
        .query(
            "SELECT run_by, role, finished_at IS NOT NULL AND NOT cancelled,
                    (SELECT count(*) FROM vetted.llm_calls c WHERE c.run_id = r.id)
               FROM vetted.llm_runs r ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let owner = TeamServer::connect(&team.admin)
        .unwrap()
        .reviewer()
        .to_owned();
    assert_eq!(
        runs,
        [
            (owner.clone(), "generate".to_owned(), true, 2),
            (owner.clone(), "generate".to_owned(), true, 4),
            (owner.clone(), "generate".to_owned(), true, 2),
            (owner, "relate".to_owned(), true, 1),
        ],
        "four finished runs of the owner's, every call kept"
    );
    // A comparison that never came (a sample failed): its good sample is kept, unlinked, as on
    // the file.
    let on_server_calls: Vec<(Option<i64>, Option<String>)> = sql
        .query(
            "SELECT item_id, error_code FROM vetted.llm_calls WHERE subject LIKE 'p-1#%' ORDER BY subject",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut on_file_calls = store
        .conn()
        .prepare(
            "SELECT item_id, error_code FROM llm_calls WHERE subject LIKE 'p-1#%' ORDER BY subject",
        )
        .unwrap();
    let on_file_calls: Vec<(Option<i64>, Option<String>)> = on_file_calls
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        on_server_calls, on_file_calls,
        "both samples of p-1 are kept as on the file"
    );
    assert_eq!(
        on_file_calls,
        [(None, None), (None, Some("llm_truncated".to_owned()))],
        "one good sample, unlinked, and one cut short"
    );
    let reviews: Vec<i32> = sql
        .query("SELECT DISTINCT required_reviews FROM vetted.items", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        reviews,
        [1],
        "a new item needs one review, as an import's default"
    );
    // Samples finishing out of order, several questions at once: each comparison is copied with
    // its own samples, every call linked.
    let interleaved = local.write_file(
        "interleaved.jsonl",
        questions("i", &["churn", "margin", "cash"]),
    );
    // Each of these goes to two reviewers (`--overlap`, as an import's).
    let summary = json_of(
        on_server(&team.admin)
            .args([
                "generate",
                "--samples",
                "2",
                "--concurrency",
                "4",
                "--overlap",
                "2",
                "--json",
                "--provider",
                "writer",
                "--questions",
            ])
            .arg(&interleaved)
            .arg("--settings")
            .arg(&settings)
            .env_remove("OPENAI_API_KEY"),
    );
    assert_eq!(summary["items_written"], 3, "{summary}");
    let required: Vec<(String, i32)> = sql
        .query(
            "SELECT external_id, required_reviews FROM vetted.items
              WHERE external_id LIKE 'i-%' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        required,
        [
            ("i-1".to_owned(), 2),
            ("i-2".to_owned(), 2),
            ("i-3".to_owned(), 2)
        ],
        "--overlap 2: each new item goes to two reviewers"
    );
    let per_item: Vec<(String, i64, i64)> = sql
        .query(
            "SELECT i.external_id, count(c.id),
                    jsonb_array_length((i.metadata::jsonb) -> 'generated_by' -> 'llm_calls')
               FROM vetted.items i JOIN vetted.llm_calls c ON c.item_id = i.id
              WHERE i.external_id LIKE 'i-%' GROUP BY i.id ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), i64::from(r.get::<_, i32>(2))))
        .collect();
    assert_eq!(
        per_item,
        [
            ("i-1".to_owned(), 2, 2),
            ("i-2".to_owned(), 2, 2),
            ("i-3".to_owned(), 2, 2)
        ],
        "each comparison holds and names its two samples"
    );
    for id in ["i-1", "i-2", "i-3"] {
        let item = json_of(on_server(&analyst).args(["show", id, "--json"]));
        assert_eq!(
            named_calls(&item["item"]["metadata"]),
            sql.query(
                "SELECT c.id FROM vetted.llm_calls c JOIN vetted.items i ON i.id = c.item_id
                  WHERE i.external_id = $1 ORDER BY c.id",
                &[&id],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<_, i64>(0))
            .collect::<Vec<_>>(),
            "{id} names exactly its own samples"
        );
    }

    // From the app, the owner chooses the reviewers per new item too; a run that adds none
    // takes no such choice, nor does a k the schema refuses, nor a local database (whose overlap
    // is configured): each refused before the server is read or a model called.
    let calls_before = model.requests().len();
    let unknown_k = outcome(vetted::jobs::tasks::llm_run_on_server(
        team.admin.clone(),
        None,
        settings.clone(),
        generate(),
        Some(answers.clone()),
        11,
    ));
    assert!(
        matches!(&unknown_k, JobEvent::Failed { code: ErrorCode::BadRequest, message }
            if message.contains("1 to 10 independent reviews, not 11")),
        "k = 11 is refused: {unknown_k:?}"
    );
    let vetting_k = outcome(vetted::jobs::tasks::llm_run_on_server(
        team.admin.clone(),
        None,
        settings.clone(),
        LlmRunRequest::Vet {
            provider: "writer".into(),
            filter: Default::default(),
            limit: 1,
            revet: false,
            knowledge: Variant::Base,
        },
        None,
        2,
    ));
    assert!(
        matches!(&vetting_k, JobEvent::Failed { code: ErrorCode::BadRequest, message }
            if message.contains("vetting and aligning add no items")),
        "a vet run takes no reviews per new item: {vetting_k:?}"
    );
    let three = local.write_file("three.jsonl", questions("t", &["churn"]));
    let by_three = outcome(vetted::jobs::tasks::llm_run_on_server(
        team.admin.clone(),
        None,
        settings.clone(),
        generate(),
        Some(three.clone()),
        3,
    ));
    assert!(
        matches!(&by_three, JobEvent::Finished { summary } if summary.contains("1 items written")),
        "{by_three:?}"
    );
    let t1: i32 = sql
        .query_one(
            "SELECT required_reviews FROM vetted.items WHERE external_id = 't-1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(t1, 3, "the app's run: its answer goes to three reviewers");
    assert_eq!(
        model.requests().len(),
        calls_before + 1,
        "only the accepted run called the model"
    );
    let mut on_file = compare(vetted(&local.path), &three);
    on_file
        .args(["--overlap", "2"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "--overlap is for a team server; on a local database use",
        ));

    // The new items are reviewed like any other: the analyst decides one.
    succeeded(on_server(&analyst).args(["decide", "g-1", "approve"]));
}

/// One question (as a questions file line) and the item the server gains for it mid-run.
fn gained_line(id: &str, topic: &str, answer: &str) -> String {
    let mut line: Value = serde_json::from_str(&questions(id, &[topic])).unwrap();
    line["id"] = id.into();
    line["kind"] = "answer".into();
    line["model"] = "gpt-4o-mini".into();
    line["answer"] = answer.into();
    line.to_string()
}

#[test]
fn an_item_the_server_gains_during_a_run_is_linked_when_alike_and_stops_the_run_when_not() {
    let Some(team) = Team::new("team_items_gained") else {
        return;
    };
    let local = temp_db();
    // An import onto the server while the model is asked: g-1 just as the model answers it, h-1
    // with another answer.
    let gained = [
        (
            "ebitda",
            gained_line("g-1", "ebitda", "It was 3 percent [r]."),
        ),
        ("capex", gained_line("h-1", "capex", "Nobody knows.")),
    ]
    .map(|(topic, line)| (topic, local.write_file(&format!("{topic}.jsonl"), line)));
    let admin = team.admin.clone();
    let imported: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    let seen = imported.clone();
    let model = FaultServer::start(move |_, request| {
        let sent = request.body.to_string();
        for (topic, file) in &gained {
            let mut seen = seen.lock().unwrap();
            if sent.contains(topic) && !seen.contains(topic) {
                seen.push(topic);
                let (mut owner, _) = TeamServer::init(&admin).unwrap();
                owner
                    .import_path(file, 1)
                    .expect("the server gains the item");
            }
        }
        if request.body["temperature"].is_null() {
            completion("It was 3 percent [r].", "stop")
        } else {
            completion("Sampled: 3 percent [r].", "stop")
        }
    });
    let settings = crate::support::provider_settings(&local, "writer", &model.base_url);
    let run = |questions: &std::path::Path, samples: &str| {
        let mut cmd = on_server(&team.admin);
        cmd.env_remove("OPENAI_API_KEY")
            .args([
                "generate",
                "--concurrency",
                "1",
                "--samples",
                samples,
                "--questions",
            ])
            .arg(questions)
            .args(["--provider", "writer", "--json", "--settings"])
            .arg(&settings);
        cmd
    };

    // Alike: the server's item stays as imported, and the call that answered it is linked to it.
    let alike = local.write_file("alike.jsonl", questions("g", &["ebitda"]));
    let summary = json_of(&mut run(&alike, "1"));
    assert_eq!(summary["succeeded"], 1, "{summary}");
    let mut sql = team.sql();
    let linked: (i64, String) = {
        let row = sql
            .query_one(
                "SELECT count(c.id), min(i.metadata) FROM vetted.items i
                   LEFT JOIN vetted.llm_calls c ON c.item_id = i.id
                  WHERE i.external_id = 'g-1' GROUP BY i.id",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(
        linked,
        (1, "{}".to_owned()),
        "the imported g-1 is kept (its metadata the import's) and its call is linked to it"
    );

    // Not alike: the comparison of h-1 is not written; the run stops, is finished as cancelled,
    // and keeps the sample that waited for it.
    let unlike = local.write_file("unlike.jsonl", questions("h", &["capex"]));
    let out = run(&unlike, "2").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("gained an item 'h-1' with other content"),
        "the run stops, saying why: {stderr}"
    );
    assert_eq!(
        *imported.lock().unwrap(),
        ["ebitda", "capex"],
        "the server gained both items mid-run"
    );
    let run_row = sql
        .query_one(
            "SELECT r.finished_at IS NOT NULL, r.cancelled, count(c.id),
                    count(c.id) FILTER (WHERE c.item_id IS NULL AND c.error_code IS NULL)
               FROM vetted.llm_runs r LEFT JOIN vetted.llm_calls c ON c.run_id = r.id
              WHERE r.id = (SELECT max(id) FROM vetted.llm_runs) GROUP BY r.id",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            run_row.get::<_, bool>(0),
            run_row.get::<_, bool>(1),
            run_row.get::<_, i64>(2),
            run_row.get::<_, i64>(3)
        ),
        (true, true, 1, 1),
        "finished as cancelled, with the first sample kept unlinked (the second's copy failed)"
    );
    let answer: String = sql
        .query_one(
            "SELECT payload FROM vetted.items WHERE external_id = 'h-1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        answer.contains("Nobody knows."),
        "the server's h-1 is kept: {answer}"
    );
}

/// A team database and a local file, each with Chinook registered (on the server by an SME,
/// whose URL comes last).
fn chinook_on_both(label: &str) -> Option<(Team, crate::support::TempDb, String)> {
    let team = Team::new(label)?;
    let chinook = crate::support::chinook_path();
    let local = temp_db();
    (local.open())
        .add_products(std::slice::from_ref(&chinook))
        .unwrap();
    let sme = team.reviewer(&format!("{label}_sme"), Role::Sme);
    TeamServer::connect(&sme)
        .unwrap()
        .register_products(&[vetted::products::ProductSource::File(chinook)])
        .unwrap();
    Some((team, local, sme))
}

#[test]
fn discovery_on_the_server_queues_the_files_candidates_once_and_only_the_owner_runs_it() {
    let Some((team, local, sme)) = chinook_on_both("team_discovery") else {
        return;
    };
    let store = local.open();
    let jobs = Jobs::default();
    let outcome = |work| {
        let (_, events) = crate::support::spawn_job(&jobs, work);
        events.iter().last().expect("a job ends with an outcome")
    };

    let on_file = outcome(vetted::jobs::tasks::discover_relationships(
        local.path.clone(),
    ));
    let JobEvent::Finished {
        summary: file_summary,
    } = &on_file
    else {
        panic!("discovery on the file: {on_file:?}");
    };
    let refused = outcome(vetted::jobs::tasks::discover_relationships_on_server(
        sme.clone(),
        None,
        1,
    ));
    assert!(
        matches!(&refused, JobEvent::Failed { code: ErrorCode::Forbidden, message }
            if message.contains("only its owner adds items")),
        "an SME queues no candidates on the server: {refused:?}"
    );
    // The app's Discover relationships, the owner asking for 3 reviewers per new candidate.
    let on_server_run = outcome(vetted::jobs::tasks::discover_relationships_on_server(
        team.admin.clone(),
        None,
        3,
    ));
    let JobEvent::Finished { summary } = &on_server_run else {
        panic!("the owner discovers on the server: {on_server_run:?}");
    };
    assert_eq!(summary, file_summary, "the same candidates, all queued");
    assert!(summary.contains("0 already in the queue"), "{summary}");

    // Every candidate is the file's item, byte for byte.
    let on_file_items: Vec<(String, String, String, String)> = store
        .conn()
        .prepare(
            "SELECT external_id, payload, metadata, content_hash FROM items
              WHERE kind = 'relationship' ORDER BY external_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let on_server_items: Vec<(String, String, String, String)> = team
        .sql()
        .query(
            "SELECT external_id, payload, metadata, content_hash FROM vetted.items
              WHERE kind = 'relationship' ORDER BY external_id COLLATE \"C\"",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert!(
        on_file_items.len() >= 5,
        "Chinook's keys are found: {on_file_items:?}"
    );
    assert_eq!(
        on_server_items, on_file_items,
        "the server holds the file's candidates"
    );
    assert_eq!(
        relationships_by_reviews(&team),
        [(3, on_file_items.len() as i64)],
        "each candidate goes to the 3 reviewers the owner asked for"
    );

    // Again, from the CLI: nothing new; an analyst is refused.
    let again = json_of(on_server(&team.admin).args(["relate", "--discover", "--json"]));
    assert_eq!(
        (
            again["queued"]["new"].as_u64(),
            again["queued"]["already_queued"].as_u64()
        ),
        (Some(0), Some(on_file_items.len() as u64)),
        "a second discovery queues nothing twice: {}",
        again["queued"]
    );
    let analyst = team.reviewer("discovery_analyst", Role::Analyst);
    on_server(&analyst)
        .args(["relate", "--discover"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("only its owner adds items"));

    // A dry run only reads: anyone may, and it lists what the file's lists.
    let dry = ["relate", "--discover", "--dry-run", "--json"];
    let listed = json_of(on_server(&analyst).args(dry));
    let on_file_listed = json_of(vetted(&local.path).args(dry));
    assert!(
        listed["candidates"]
            .as_array()
            .is_some_and(|c| c.len() >= 5),
        "the analyst's dry run lists the candidates: {listed}"
    );
    assert_eq!(
        (&listed["candidates"], &listed["queued"]),
        (&on_file_listed["candidates"], &Value::Null),
        "the same candidates as the file's, nothing queued"
    );
    let held: i64 = team
        .sql()
        .query_one(
            "SELECT count(*) FROM vetted.items WHERE kind = 'relationship'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        held,
        on_file_items.len() as i64,
        "the server gained nothing"
    );

    // Two products registered later give new candidates; `--overlap 2` sends each to two
    // reviewers, and the earlier ones keep theirs.
    let shop = [
        ("orders.csv", "id,customer_id\n1,7\n2,8\n3,7\n"),
        ("customers.csv", "id,name\n7,Ada\n8,Grace\n"),
    ]
    .map(|(name, rows)| vetted::products::ProductSource::File(local.write_file(name, rows)));
    TeamServer::connect(&sme)
        .unwrap()
        .register_products(&shop)
        .unwrap();
    let later =
        json_of(on_server(&team.admin).args(["relate", "--discover", "--overlap", "2", "--json"]));
    let required = relationships_by_reviews(&team);
    let new = later["queued"]["new"].as_i64().unwrap_or_default();
    assert!(new >= 1, "the new products give new candidates: {later}");
    assert_eq!(
        required,
        [(2, new), (3, on_file_items.len() as i64)],
        "the later candidates each go to two reviewers, the earlier ones keep their three"
    );
}

/// How many relationship items on the server need each number of reviews, by that number.
fn relationships_by_reviews(team: &Team) -> Vec<(i32, i64)> {
    team.sql()
        .query(
            "SELECT required_reviews, count(*) FROM vetted.items
              WHERE kind = 'relationship' GROUP BY 1 ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// `(external id, shown assessment, likely)` of every relationship item, most likely first.
type Ranked = Vec<(String, Option<String>, i64)>;

/// [`Ranked`] of a local database.
fn ranked_on(store: &Store) -> Ranked {
    store
        .conn()
        .prepare(
            "SELECT external_id, assessment, likely FROM items WHERE kind = 'relationship'
              ORDER BY likely DESC, external_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn ranking_on_the_server_judges_as_on_a_file_and_the_likely_order_follows() {
    use crate::llm::rank::{judge_all, last_target_field, shown_candidates};
    use postgres::NoTls;

    let Some((team, local, sme)) = chinook_on_both("team_ranking") else {
        return;
    };
    let store = local.open();
    for cmd in [&mut vetted(&local.path), &mut on_server(&team.admin)] {
        let queued = json_of(cmd.args(["relate", "--discover", "--ignore-declared", "--json"]));
        assert_eq!(queued["queued"]["new"], 13, "{queued}");
    }
    // Judges every candidate and proposes one relationship of its own per pair.
    let model = FaultServer::start(|_, request| {
        let candidates = shown_candidates(request);
        let first = &candidates[0]["mapping"][0];
        let own = json!([{"type": "same_entity", "cardinality": "N:1",
            "mapping": [{"source_field": first["source_field"],
                         "target_field": last_target_field(request)}],
            "rationale": "a second reading", "confidence": 0.4}]);
        let answer = json!({"judgements": judge_all(&candidates), "candidates": own});
        completion(&answer.to_string(), "stop")
    });
    let settings = crate::support::provider_settings(&local, "ranker", &model.base_url);
    let rank = |cmd: &mut assert_cmd::Command, extra: &[&str]| {
        json_of(
            cmd.env_remove("OPENAI_API_KEY")
                .args(["relate", "--rank", "--json", "--concurrency", "1"])
                .args(extra)
                .args(["--provider", "ranker", "--settings"])
                .arg(&settings),
        )
    };
    let on_file = rank(&mut vetted(&local.path), &[]);
    let calls_made = model.requests().len();

    let mut cmd = on_server(&sme);
    cmd.env_remove("OPENAI_API_KEY")
        .args(["relate", "--rank", "--provider", "ranker", "--settings"])
        .arg(&settings)
        .assert()
        .failure()
        .stderr(predicates::str::contains("only its owner adds items"));
    assert_eq!(
        model.requests().len(),
        calls_made,
        "a refused run calls no model"
    );

    let analyst = team.reviewer("ranking_analyst", Role::Analyst);
    let mut watcher = TeamServer::connect(&analyst).unwrap();
    watcher.listen().unwrap();
    let on_server_run = rank(&mut on_server(&team.admin), &["--overlap", "3"]);
    assert_eq!(
        on_server_run["ranking"], on_file["ranking"],
        "the server's run ranks as the file's"
    );
    assert!(
        on_server_run["items_written"].as_u64() > Some(0),
        "the model's own relationships are queued: {on_server_run}"
    );
    assert_eq!(
        on_server_run["items_written"], on_file["items_written"],
        "as many as on the file"
    );
    let required = relationships_by_reviews(&team);
    assert_eq!(
        required,
        [
            (1, 13),
            (
                3,
                on_server_run["items_written"].as_i64().unwrap()
                    - on_server_run["ranking"].as_array().unwrap().len() as i64
            )
        ],
        "--overlap 3: the model's own relationships go to three reviewers, the candidates it \
         judged keep their one"
    );
    let heard = super::heard_until_quiet(&mut watcher);
    let judged = on_file["ranking"].as_array().unwrap();
    for r in judged {
        let item = r["external_id"].as_str().unwrap().to_owned();
        assert!(
            heard.contains(&Change::Vetted { item: item.clone() }),
            "windows hear that {item} was judged: {heard:?}"
        );
    }

    // Every relationship shows the file's judgement, and the likely order is the file's.
    let file_ranked = ranked_on(&store);
    let server_ranked = |client: &mut Client| -> Ranked {
        client
            .query(
                "SELECT external_id, assessment, likely::bigint FROM vetted.items
                  WHERE kind = 'relationship' ORDER BY likely DESC, external_id COLLATE \"C\"",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    let mut sql = team.sql();
    assert_eq!(
        server_ranked(&mut sql),
        file_ranked,
        "each item shows the file's judgement, byte for byte, and sorts as on the file"
    );
    assert_eq!(
        file_ranked.iter().filter(|(_, a, _)| a.is_some()).count(),
        judged.len(),
        "every judged candidate shows its judgement"
    );
    let first = &judged[0]["external_id"];
    let shown = json_of(on_server(&analyst).args(["show", first.as_str().unwrap(), "--json"]));
    let local_shown =
        json_of(vetted(&local.path).args(["show", first.as_str().unwrap(), "--json"]));
    assert_eq!(
        shown["item"]["assessment"], local_shown["item"]["assessment"],
        "the app and `show` read the judgement from the server"
    );
    assert!(
        shown["item"]["assessment"]["rationale"].is_string(),
        "{shown}"
    );

    // A snapshot carries the judgements; the server refuses what only a ranking run writes.
    let backup = local.dir.path().join("ranked.db");
    succeeded(on_server(&analyst).args(["backup", "--out"]).arg(&backup));
    let snapshot = Store::open(&backup).unwrap();
    let snapshot_ranked = ranked_on(&snapshot);
    assert_eq!(
        snapshot_ranked, file_ranked,
        "a snapshot shows the server's judgements"
    );
    let kept: i64 = snapshot
        .conn()
        .query_row("SELECT count(*) FROM relation_assessments", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, judged.len() as i64, "with every judgement's row");

    let mut as_sme = Client::connect(&sme, NoTls).unwrap();
    let assess = |shown: &str| {
        format!(
            "INSERT INTO vetted.relation_assessments (item_id, call_id, agent, confidence,
                                                      rationale, shown)
             SELECT i.id, (SELECT max(id) FROM vetted.llm_calls), 'gpt-4o-mini', 0.9, 'r', '{shown}'
               FROM vetted.items i WHERE i.external_id = {}",
            first.to_string().replace('"', "'")
        )
    };
    let refusal = super::refused(
        &mut as_sme,
        &assess(r#"{"model":"gpt-4o-mini","confidence":0.9,"rationale":"r"}"#),
    );
    assert!(
        refusal.contains("permission denied"),
        "an SME writes no judgement: {refusal}"
    );
    let refusal = super::refused(
        &mut sql,
        &assess(r#"{"model":"gpt-4o-mini","confidence":0.9,"rationale":"r"}"#),
    );
    assert!(
        refusal.contains("from a successful relate call of"),
        "a judgement comes from an unfinished run's call: {refusal}"
    );
    // In a run of its own, still open: the owner's judgement must be the one the item shows.
    sql.batch_execute(
        "INSERT INTO vetted.llm_runs (role, provider, model, prompt_version)
         VALUES ('relate', 'ranker', 'gpt-4o-mini', 'v');
         INSERT INTO vetted.llm_calls (run_id, subject, role, provider, model, prompt_version,
             output_mode, streamed, prompt_tokens, completion_tokens, cost_usd, priced,
             latency_ms, attempts)
         VALUES ((SELECT max(id) FROM vetted.llm_runs), 's', 'relate', 'ranker', 'gpt-4o-mini',
                 'v', 'json_schema', false, 1, 1, 0, false, 1, 1)",
    )
    .unwrap();
    for (shown, why) in [
        (
            r#"{"model":"gpt-4o-mini","confidence":0.8,"rationale":"r"}"#,
            "another confidence",
        ),
        (
            r#"{"model":"gpt-4o-mini","confidence":0.9,"rationale":"s"}"#,
            "another rationale",
        ),
        (
            r#"{"model":"other","confidence":0.9,"rationale":"r"}"#,
            "another model",
        ),
        (
            r#"{"model":"gpt-4o-mini","confidence":0.9,"rationale":"r","extra":1}"#,
            "an extra field",
        ),
        (
            r#"{"model":"gpt-4o-mini","model":"gpt-4o-mini","confidence":0.9,"rationale":"r"}"#,
            "a repeated field",
        ),
        (r#"["gpt-4o-mini", 0.9, "r"]"#, "not an object"),
    ] {
        let refusal = super::refused(&mut sql, &assess(shown));
        assert!(
            refusal.contains("is not"),
            "a shown judgement with {why} is refused: {refusal}"
        );
    }
    let good = r#"{"model":"gpt-4o-mini","confidence":0.9,"rationale":"r"}"#;
    sql.batch_execute(&assess(good)).unwrap();
    let item = first.as_str().unwrap();
    let now_shown: String = sql
        .query_one(
            "SELECT assessment FROM vetted.items WHERE external_id = $1",
            &[&item],
        )
        .unwrap()
        .get(0);
    assert_eq!(now_shown, good, "the item shows the judgement recorded");
    let refusal = super::refused(&mut sql, &assess(good));
    assert!(
        refusal.contains("duplicate key"),
        "one judgement per call and item: {refusal}"
    );
    for statement in [
        "UPDATE vetted.relation_assessments SET confidence = 1",
        "DELETE FROM vetted.relation_assessments",
        "TRUNCATE vetted.relation_assessments",
    ] {
        let refusal = super::refused(&mut sql, statement);
        assert!(
            refusal.contains("append-only"),
            "not even the owner rewrites a judgement: {statement}: {refusal}"
        );
    }
}
