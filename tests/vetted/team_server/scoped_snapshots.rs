//! What an LLM run on a team server reads before its first call: a run about one domain reads
//! that domain's items, discovery the relationship items, each with everything that names them
//! (decisions, tags, do-not-train marks, guidelines made from them, LLM calls about them) and
//! the records that name no item; a run about any domain reads every item.

use std::sync::atomic::AtomicBool;

use vetted::Store;
use vetted::domain::{Action, ItemKind, ItemStatus};
use vetted::export::Progress;
use vetted::jobs::tasks::{self, LlmRunRequest};
use vetted::jobs::{JobEvent, Jobs};
use vetted::roles::knowledge::Variant;
use vetted::store::QueueFilter;
use vetted::team::Role;
use vetted::team_server::{SnapshotScope, TeamServer, TemporarySnapshot};

use super::{Team, decision, on_server, succeeded, verdict_for};
use crate::llm::fault_server::FaultServer;
use crate::support::{answer_line, answer_lines, relationship_line, temp_db};

/// An answer line of domain `domain`.
fn answer_in(domain: &str, id: &str, answer: &str) -> String {
    let mut line: serde_json::Value = serde_json::from_str(&answer_line(id, answer)).unwrap();
    line["domain"] = domain.into();
    line.to_string()
}

/// The owner's snapshot of `scope`: the external ids it holds (by id), the rows its progress
/// counted, the store, and the snapshot (its folder goes when it is dropped).
fn snapshot_of(team: &Team, scope: SnapshotScope) -> (Vec<String>, u64, Store, TemporarySnapshot) {
    let mut owner = TeamServer::connect(&team.admin).unwrap();
    let mut ticks: Vec<Progress> = Vec::new();
    let snapshot = owner
        .temporary_snapshot(&scope, &mut |p| ticks.push(p), &AtomicBool::new(false))
        .unwrap();
    let last = *ticks.last().expect("a snapshot reports progress");
    assert_eq!(
        last.done, last.total,
        "{scope:?}: every row counted is read, and no other"
    );
    let store = Store::open(snapshot.path()).unwrap();
    let ids = store
        .queue_page(&QueueFilter::default(), None, 100)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.external_id)
        .collect();
    (ids, last.total, store, snapshot)
}

#[test]
fn a_run_about_one_domain_reads_that_domain_and_discovery_the_relationships() {
    let Some(team) = Team::new("team_scoped_snapshots") else {
        return;
    };
    let mut lines = answer_lines("sf", 3);
    lines.push(answer_in("legal", "lg-0", "answer number 0"));
    lines.push(answer_in("legal", "lg-1", "answer number 1"));
    lines.push(relationship_line("sr-0"));
    team.import(&lines, 1);

    // An SME decides one item of each domain with a note, made a guideline of its domain.
    let sme_url = team.reviewer("scope_sme", Role::Sme);
    let mut sme = TeamServer::connect(&sme_url).unwrap();
    for item in ["sf-0", "lg-0"] {
        let (_, version) = sme.item_version(item).unwrap();
        let mut input = decision(item, version, sme.reviewer(), Action::Approve);
        input.note = Some(format!("What {item} taught us."));
        sme.decide(&input, None).unwrap();
        sme.promote_note(&input.id).unwrap();
    }
    let mut owner = TeamServer::connect(&team.admin).unwrap();
    owner.add_guideline("legal", "Name the statute.").unwrap();
    for item in ["sf-1", "lg-1"] {
        sme.add_tag(item, "check").unwrap();
    }
    sme.set_do_not_train("lg-1", true).unwrap();

    // The vetting model judges every answer: a call about each, in one run.
    let model = FaultServer::start(|_, request| verdict_for(request));
    let db = temp_db();
    let settings = crate::support::provider_settings(&db, "vetter", &model.base_url);
    let vet = |domain: Option<&str>, knowledge: Variant| LlmRunRequest::Vet {
        provider: "vetter".into(),
        filter: QueueFilter {
            kind: Some(ItemKind::Answer),
            domain: domain.map(str::to_owned),
            ..QueueFilter::default()
        },
        limit: 100,
        revet: true,
        knowledge,
    };
    let jobs = Jobs::default();
    let run = |request: LlmRunRequest| -> Vec<JobEvent> {
        let work =
            tasks::llm_run_on_server(sme_url.clone(), None, settings.clone(), request, None, 1);
        let (_, events) = crate::support::spawn_job(&jobs, work);
        events.iter().collect()
    };
    let everything = run(vet(None, Variant::Base));
    assert!(
        matches!(everything.last(), Some(JobEvent::Finished { summary }) if summary.contains("5 inputs · 5 ok")),
        "the SME vets the five answers: {everything:?}"
    );

    // One domain: its items, their decision, tags, mark, guidelines and calls; the run.
    let (ids, rows, legal, _legal_files) =
        snapshot_of(&team, SnapshotScope::Domain("legal".into()));
    assert_eq!(
        ids,
        ["lg-0", "lg-1"],
        "a legal snapshot holds legal's items"
    );
    assert_eq!(legal.item("lg-0").unwrap().status, ItemStatus::Approved);
    let guidelines: Vec<String> = (legal.guidelines("legal").unwrap().into_iter())
        .map(|g| g.body)
        .collect();
    assert_eq!(
        guidelines,
        ["What lg-0 taught us.", "Name the statute."],
        "legal's guidelines, the one made from lg-0 with it"
    );
    assert!(
        legal.guidelines("finance").unwrap().is_empty(),
        "no other domain's guideline"
    );
    assert_eq!(
        legal.item_costs("lg-1").unwrap().calls,
        1,
        "the call about lg-1 comes with it"
    );
    // 2 items, 1 decision, 1 tag, 1 mark, 2 guidelines, 1 run, 2 calls.
    assert_eq!(rows, 10, "the rows of legal's snapshot");

    // Discovery: the relationship items, and what names no item.
    let (ids, rows, _, _) = snapshot_of(&team, SnapshotScope::Relationships);
    assert_eq!(ids, ["sr-0"], "discovery reads the relationship items");
    // 1 item, the guideline made from no item, the run.
    assert_eq!(rows, 3, "the rows of discovery's snapshot");

    // Everything: 6 items, 2 decisions, 2 tags, 1 mark, 3 guidelines, 1 run, 5 calls.
    let (ids, rows, _, _) = snapshot_of(&team, SnapshotScope::Everything);
    assert_eq!(ids.len(), 6, "every item: {ids:?}");
    assert_eq!(rows, 20, "the rows of the whole server");

    // A run about one domain reads that domain (its first progress counts the snapshot's rows)
    // and writes to the server as before.
    let asked_before = model.requests().len();
    let legal_run = run(vet(Some("legal"), Variant::Guidelines));
    assert!(
        matches!(
            legal_run.first(),
            Some(JobEvent::Progress {
                total: Some(10),
                ..
            })
        ),
        "vetting legal reads legal's 10 rows first: {legal_run:?}"
    );
    assert!(
        matches!(legal_run.last(), Some(JobEvent::Finished { summary }) if summary.contains("2 inputs · 2 ok")),
        "legal's two answers are vetted again: {legal_run:?}"
    );
    assert_eq!(
        model.requests().len(),
        asked_before + 2,
        "two calls, legal's"
    );
    assert_eq!(
        owner.item_costs("lg-0").unwrap().calls,
        2,
        "the server holds both calls about lg-0"
    );

    // With reviewed examples in its prompts it reads every item: examples are ranked by words
    // counted over all the items a store holds, so a domain's alone would pick others.
    let with_examples = run(vet(Some("legal"), Variant::Examples));
    assert!(
        matches!(with_examples.first(), Some(JobEvent::Progress { total: Some(total), .. }) if *total > 20),
        "vetting legal with examples reads the whole server first: {with_examples:?}"
    );
    assert!(
        matches!(with_examples.last(), Some(JobEvent::Finished { summary }) if summary.contains("2 inputs · 2 ok")),
        "{with_examples:?}"
    );

    // The CLI's `vet --domain` reads one domain too.
    let asked_before = model.requests().len();
    succeeded(
        on_server(&sme_url)
            .args([
                "vet",
                "--domain",
                "legal",
                "--revet",
                "--provider",
                "vetter",
            ])
            .arg("--settings")
            .arg(&settings),
    );
    assert_eq!(
        model.requests().len(),
        asked_before + 2,
        "`vet --domain legal` calls the model about legal's two answers"
    );
    assert_eq!(owner.item_costs("lg-0").unwrap().calls, 4);
    assert_eq!(
        owner.item_costs("sf-1").unwrap().calls,
        1,
        "finance's answers are not vetted again"
    );
}
