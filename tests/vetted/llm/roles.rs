//! The roles against the fault server: structured output and its fallback, truncation, what is
//! stored (items, suggestions, call records, costs), risk order and vetter-vs-human stats.

use serde_json::json;
use vetted::ErrorCode;
use vetted::domain::{Action, DecisionInput, ItemStatus, Verdict};
use vetted::llm::{CancellationToken, Client, PriceTable};
use vetted::roles::generate::{Question, generate};
use vetted::roles::vet::{VetSelection, vet};
use vetted::roles::{RunContext, RunOptions, RunSummary};
use vetted::store::{QueueFilter, QueueSort};
use vetted::vetter_agreement::{cohens_kappa, vetter_agreement};

use super::fault_server::{FaultServer, completion, error, stream};
use super::faults::{fast_options, provider};
use crate::support::{answer_line, temp_db};

/// gpt-4o-mini's default price for 100 prompt + 20 completion tokens.
const CALL_COST: f64 = (100.0 * 0.15 + 20.0 * 0.60) / 1e6;

async fn run_vet(
    store: &mut vetted::Store,
    server: &FaultServer,
    model: &str,
    stream: bool,
) -> RunSummary {
    run_vet_with(store, server, model, stream, fast_options()).await
}

async fn run_vet_with(
    store: &mut vetted::Store,
    server: &FaultServer,
    model: &str,
    stream: bool,
    options: vetted::llm::ClientOptions,
) -> RunSummary {
    let client = Client::new(provider(server, model, "sk-test"), options).unwrap();
    let ctx = RunContext {
        client: &client,
        prices: &PriceTable::default(),
        options: RunOptions {
            stream,
            ..RunOptions::default()
        },
        progress: &|_| {},
        cancel: &CancellationToken::new(),
        mirror: None,
    };
    let selection = VetSelection {
        filter: QueueFilter::default(),
        limit: 100,
        revet: false,
        ..VetSelection::default()
    };
    vet(store, &ctx, selection).await.unwrap()
}

fn store_with(ids: &[&str]) -> (crate::support::TempDb, vetted::Store) {
    let db = temp_db();
    let lines: String = ids
        .iter()
        .map(|id| answer_line(id, "$12M") + "\n")
        .collect();
    let file = db.write_file("items.jsonl", lines);
    let mut store = db.open();
    store.import_path(&file).unwrap();
    (db, store)
}

fn verdict_json(verdict: &str, risk: f64) -> String {
    let reasons: &[&str] = if verdict == "pass" {
        &[]
    } else {
        &["unsupported_claim"]
    };
    json!({"verdict": verdict, "reasons": reasons, "risk": risk}).to_string()
}

#[tokio::test]
async fn vetting_stores_a_suggestion_with_cost_and_never_a_decision() {
    let (_db, mut store) = store_with(&["a", "b"]);
    let server = FaultServer::start(|_, _| completion(&verdict_json("fail", 0.9), "stop"));
    let summary = run_vet(&mut store, &server, "gpt-4o-mini", false).await;
    assert_eq!((summary.succeeded, summary.failed), (2, 0), "{summary:?}");
    assert!(
        (summary.totals.cost_usd - 2.0 * CALL_COST).abs() < 1e-12,
        "{:?}",
        summary.totals
    );
    assert_eq!(summary.totals.unpriced_calls, 0);
    let a = store.item("a").unwrap();
    let vetting = a.vetting.unwrap();
    assert_eq!(
        (vetting.model.as_str(), vetting.verdict),
        ("gpt-4o-mini", Verdict::Fail)
    );
    assert_eq!(
        vetting.score,
        Some(0.1),
        "score is 1 - risk, as in the import format"
    );
    assert_eq!(
        a.status,
        ItemStatus::Pending,
        "a suggestion is not a decision"
    );
    assert_eq!(
        a.version, 1,
        "a suggestion does not bump the version a reviewer decides on"
    );
    assert!(
        store.history("a").unwrap().is_empty(),
        "no decision row was written"
    );
    let per_item = store.item_costs("a").unwrap();
    assert_eq!((per_item.calls, per_item.prompt_tokens), (1, 100));
    let sent = &server.requests()[0].body;
    assert_eq!(
        sent["response_format"]["type"], "json_schema",
        "json_schema is tried first"
    );
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);

    let again = run_vet(&mut store, &server, "gpt-4o-mini", false).await;
    assert_eq!(
        (again.inputs, again.not_run, again.totals.calls),
        (2, 2, 0),
        "already vetted: skipped"
    );
}

#[tokio::test]
async fn a_refused_json_schema_falls_back_to_json_object_once() {
    let (db, mut store) = store_with(&["a", "b", "c"]);
    let server = FaultServer::start(|_, req| {
        if req.body["response_format"]["type"] == "json_schema" {
            return error(
                400,
                json!({"code": 400, "type": "invalid_request_error",
                "message": "response_format type must be one of \"text\" or \"json_object\""}),
            );
        }
        completion(
            &format!("```json\n{}\n```", verdict_json("pass", 0.1)),
            "stop",
        )
    });
    let one_at_a_time = vetted::llm::ClientOptions {
        concurrency: 1,
        ..fast_options()
    };
    let summary = run_vet_with(&mut store, &server, "local-model", false, one_at_a_time).await;
    assert_eq!(summary.succeeded, 3, "{summary:?}");
    assert_eq!(
        summary.totals.unpriced_calls, 3,
        "an unknown model is flagged unpriced"
    );
    assert_eq!(summary.totals.cost_usd, 0.0);
    let formats: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.body["response_format"]["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        formats.iter().filter(|f| *f == "json_schema").count(),
        1,
        "the refusal is remembered: {formats:?}"
    );
    let fallback = &server.requests()[1].body;
    assert!(
        fallback["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("\"verdict\""),
        "the schema is spelled out in the system prompt"
    );
    let modes: Vec<String> = rusqlite::Connection::open(&db.path)
        .unwrap()
        .prepare("SELECT output_mode FROM llm_calls ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        modes, ["json_object"; 3],
        "what was recorded is how the answer was obtained"
    );
}

#[tokio::test]
async fn json_cut_off_at_the_token_limit_is_a_recorded_failure() {
    let (db, mut store) = store_with(&["a"]);
    let server = FaultServer::start(|_, _| stream(&["{\"verdict\": \"pa"], "length"));
    let summary = run_vet(&mut store, &server, "gpt-4o-mini", true).await;
    assert_eq!((summary.succeeded, summary.failed), (0, 1));
    assert_eq!(summary.failures[0].code, ErrorCode::LlmTruncated);
    assert!(
        summary.failures[0]
            .message
            .contains("allow more output tokens"),
        "{:?}",
        summary.failures
    );
    assert!(
        store.item("a").unwrap().vetting.unwrap().model == "vetter-1",
        "the old vetting stays"
    );
    let (code, tokens, cost, streamed): (String, i64, f64, bool) =
        rusqlite::Connection::open(&db.path)
            .unwrap()
            .query_row(
                "SELECT error_code, completion_tokens, cost_usd, streamed FROM llm_calls",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
    assert_eq!(
        (code.as_str(), tokens, streamed),
        ("llm_truncated", 20, true)
    );
    assert!(cost > 0.0, "a failed call still costs its tokens");
}

#[tokio::test]
async fn out_of_range_output_is_rejected_with_the_reason() {
    let (_db, mut store) = store_with(&["a"]);
    let server = FaultServer::start(|_, _| completion(&verdict_json("flag", 7.0), "stop"));
    let summary = run_vet(&mut store, &server, "gpt-4o-mini", false).await;
    assert_eq!(summary.failures[0].code, ErrorCode::LlmBadOutput);
    assert!(
        summary.failures[0]
            .message
            .contains("risk 7 is outside 0..1"),
        "{:?}",
        summary.failures
    );
}

/// A question about Q3 revenue with its one passage.
fn question(id: &str) -> Question {
    Question {
        id: id.into(),
        domain: "finance".into(),
        question: "What was Q3 revenue?".into(),
        evidence: vec![vetted::domain::Evidence {
            id: "doc-1".into(),
            title: "Q3".into(),
            text: "Revenue in Q3 was $12M.".into(),
            source: "s3://q3".into(),
        }],
    }
}

#[tokio::test]
async fn generate_queues_answers_and_skips_questions_already_answered() {
    let db = temp_db();
    let mut store = db.open();
    let server = FaultServer::start(|_, _| stream(&["Revenue was ", "$12M [doc-1]."], "stop"));
    let client = Client::new(provider(&server, "gpt-4o-mini", "sk-test"), fast_options()).unwrap();
    let cancel = CancellationToken::new();
    let ctx = RunContext {
        client: &client,
        prices: &PriceTable::default(),
        options: RunOptions {
            stream: true,
            ..RunOptions::default()
        },
        progress: &|_| {},
        cancel: &cancel,
        mirror: None,
    };
    let first = generate(
        &mut store,
        &ctx,
        vec![question("q-1"), question("q-2")],
        Default::default(),
        1,
    )
    .await
    .unwrap();
    assert_eq!((first.succeeded, first.items_written), (2, 2));
    let item = store.item("q-1").unwrap();
    assert_eq!(item.model, "gpt-4o-mini");
    assert_eq!(
        item.metadata["generated_by"]["prompt_version"],
        "generate.v2"
    );
    match item.body {
        vetted::domain::ItemBody::Answer(a) => assert_eq!(a.answer, "Revenue was $12M [doc-1]."),
        other => panic!("{other:?}"),
    }
    assert!((store.item_costs("q-1").unwrap().cost_usd - CALL_COST).abs() < 1e-12);
    let second = generate(
        &mut store,
        &ctx,
        vec![question("q-1"), question("q-3")],
        Default::default(),
        1,
    )
    .await
    .unwrap();
    assert_eq!(
        (second.not_run, second.totals.calls),
        (1, 1),
        "q-1 is not paid for twice"
    );
}

#[tokio::test]
async fn generate_with_samples_queues_one_comparison_of_that_many_sampled_answers() {
    let db = temp_db();
    let mut store = db.open();
    let server = FaultServer::start(|n, _| completion(&format!("Revenue was ${n}M."), "stop"));
    let client = Client::new(provider(&server, "gpt-4o-mini", "sk-test"), fast_options()).unwrap();
    let cancel = CancellationToken::new();
    let ctx = RunContext {
        client: &client,
        prices: &PriceTable::default(),
        options: RunOptions::default(),
        progress: &|_| {},
        cancel: &cancel,
        mirror: None,
    };
    let question = question("q-1");
    let refused = generate(
        &mut store,
        &ctx,
        vec![question.clone()],
        Default::default(),
        5,
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("2 to 4"), "{refused}");
    let twice = vec![question.clone(), question.clone()];
    let refused = generate(&mut store, &ctx, twice, Default::default(), 2)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("appears twice"), "{refused}");
    assert!(server.requests().is_empty(), "a refused run calls nothing");

    let summary = generate(&mut store, &ctx, vec![question], Default::default(), 3)
        .await
        .unwrap();
    assert_eq!(
        (summary.succeeded, summary.items_written),
        (3, 1),
        "three calls, one item"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.body["temperature"] == 0.8),
        "samples are drawn at a temperature, or a local server would repeat itself: {:?}",
        requests[0].body
    );
    let item = store.item("q-1").unwrap();
    let vetted::domain::ItemBody::Comparison(c) = &item.body else {
        panic!("a comparison: {:?}", item.body)
    };
    let mut answers: Vec<&str> = c.candidates.iter().map(|c| c.answer.as_str()).collect();
    answers.sort();
    assert_eq!(
        answers,
        ["Revenue was $0M.", "Revenue was $1M.", "Revenue was $2M."]
    );
    assert!(c.candidates.iter().all(|c| c.model == "gpt-4o-mini"));
    assert_eq!(c.evidence.len(), 1, "the question's evidence comes along");
    assert_eq!(
        store.item_costs("q-1").unwrap().calls,
        3,
        "every sample's call is linked to the item"
    );
    assert_eq!(
        item.metadata["generated_by"]["llm_calls"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "the item names its calls: {}",
        item.metadata
    );
}

#[tokio::test]
async fn the_queue_orders_by_risk_and_stats_compare_the_vetter_with_reviewers() {
    let (_db, mut store) = store_with(&["low", "high", "mid"]);
    let server = FaultServer::start(move |n, _| {
        let risk = [0.2, 0.9, 0.5][n % 3];
        completion(
            &verdict_json(if risk > 0.4 { "fail" } else { "pass" }, risk),
            "stop",
        )
    });
    let client = Client::new(
        provider(&server, "gpt-4o-mini", "sk"),
        vetted::llm::ClientOptions {
            concurrency: 1,
            ..fast_options()
        },
    )
    .unwrap();
    let cancel = CancellationToken::new();
    let ctx = RunContext {
        client: &client,
        prices: &PriceTable::default(),
        options: RunOptions::default(),
        progress: &|_| {},
        cancel: &cancel,
        mirror: None,
    };
    vet(
        &mut store,
        &ctx,
        VetSelection {
            filter: QueueFilter::default(),
            limit: 10,
            revet: false,
            ..VetSelection::default()
        },
    )
    .await
    .unwrap();
    let by_risk = QueueFilter {
        sort: QueueSort::Risk,
        ..QueueFilter::default()
    };
    let page = store.queue_page(&by_risk, None, 2).unwrap();
    let ids: Vec<&str> = page
        .entries
        .iter()
        .map(|e| e.external_id.as_str())
        .collect();
    assert_eq!(ids, ["high", "mid"], "riskiest first");
    let rest = store.queue_page(&by_risk, page.next_after, 2).unwrap();
    assert_eq!(
        rest.entries[0].external_id, "low",
        "the keyset cursor continues in risk order"
    );

    for (id, action) in [
        ("high", Action::Reject),
        ("mid", Action::Approve),
        ("low", Action::Approve),
    ] {
        store
            .decide(&DecisionInput {
                id: format!("d-{id}"),
                item: id.into(),
                item_version: 1,
                reviewer: "ana".into(),
                action,
                edited: None,
                reason: (action == Action::Reject).then(|| "unsupported_by_evidence".into()),
                note: None,
            })
            .unwrap();
    }
    let rows = vetter_agreement(&store.vetted_decisions().unwrap());
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (r.domain.as_str(), r.vetter.as_str(), r.items),
        ("finance", "gpt-4o-mini", 3)
    );
    assert_eq!(r.matrix["fail"]["rejected"], 1);
    assert_eq!(
        r.matrix["fail"]["approved"], 1,
        "mid: the vetter failed what the human approved"
    );
    assert_eq!(r.matrix["pass"]["approved"], 1);
    // keep/keep 1, stop/stop 1, stop/keep 1 → p_o = 2/3, p_e = (1/3)(2/3) + (2/3)(1/3) = 4/9.
    assert!(
        (r.kappa.unwrap() - 0.4).abs() < 1e-9,
        "kappa = (2/3 - 4/9) / (5/9) = 0.4: {r:?}"
    );
}

#[test]
fn kappa_is_undefined_when_chance_agreement_is_total() {
    assert_eq!(
        cohens_kappa([[0, 0], [0, 5]]),
        (1.0, None),
        "everyone kept everything"
    );
    let (observed, kappa) = cohens_kappa([[5, 0], [0, 5]]);
    assert_eq!((observed, kappa), (1.0, Some(1.0)));
    assert_eq!(
        cohens_kappa([[0, 5], [5, 0]]).1,
        Some(-1.0),
        "systematic disagreement"
    );
}

/// The vetter judges a relationship with the figures Vetted computed from the data, not only the
/// proposal: containment, key, cautions; an answer item gets no such section.
#[tokio::test]
async fn a_relationship_is_vetted_with_the_figures_computed_from_the_data() {
    let db = temp_db();
    let mut store = db.open();
    store
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    let lines = [
        crate::support::by_name_line("rel-wrong", ("Track", "TrackId"), ("Album", "AlbumId")),
        answer_line("ans", "$12M"),
        {
            // Unregistered products without sample rows: no data to compute anything from.
            let mut empty: serde_json::Value =
                serde_json::from_str(&crate::support::relationship_line("rel-empty")).unwrap();
            empty["source"]["sample_rows"] = json!([]);
            empty["target"]["sample_rows"] = json!([]);
            empty.to_string()
        },
    ];
    let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
    store.import_path(&file).unwrap();
    let server = FaultServer::start(|_, _| completion(&verdict_json("fail", 0.9), "stop"));
    let summary = run_vet(&mut store, &server, "gpt-4o-mini", false).await;
    assert_eq!(summary.succeeded, 3, "{summary:?}");
    let user_messages: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.body["messages"][1]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let relationship = user_messages
        .iter()
        .find(|m| m.contains("TrackId"))
        .expect("the relationship was vetted");
    let figures = relationship
        .split_once("Computed from the data:\n")
        .map(|(_, json)| serde_json::from_str::<serde_json::Value>(json).unwrap())
        .unwrap_or_else(|| panic!("the figures follow the item: {relationship}"));
    let containment = figures["containment"].as_f64().unwrap();
    assert!(
        (containment - 347.0 / 3503.0).abs() < 1e-9,
        "347 of Track's 3,503 ids are album ids: {figures:#}"
    );
    assert_eq!(figures["target_declared_key"], true, "{figures:#}");
    assert!(
        figures["computed_on"][0]
            .as_str()
            .unwrap()
            .contains("full table"),
        "{figures:#}"
    );
    let answer = user_messages
        .iter()
        .find(|m| m.contains("$12M"))
        .expect("the answer was vetted");
    assert!(
        !answer.contains("Computed from the data"),
        "an answer has no computed figures: {answer}"
    );
    let no_data = user_messages
        .iter()
        .find(|m| m.contains("customer_id"))
        .expect("the relationship without data was vetted");
    assert!(
        !no_data.contains("Computed from the data"),
        "no figures when no value was read: {no_data}"
    );
    let system = server.requests()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        system.contains("Computed from the data"),
        "the prompt says what the figures are"
    );
}
