//! Approving by rule (issue #21): relationship candidates whose computed evidence meets a stated
//! rule are approved in one step, each as a decision of the reviewer who applied it, and undone
//! and redone as one step. Run on Chinook's real rows, against its declared foreign keys.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use vetted::Store;
use vetted::approval_rule::{self, EvidenceRule, RulePlan};
use vetted::domain::{Action, DecisionInput, ItemStatus};
use vetted::store::QueueFilter;

use crate::support::{TempDb, by_name_line, chinook_path, json_of, temp_db, vetted};

const RULE: &str = "containment>=100%, target-key";

/// Chinook registered, and candidates naming its products: five declared foreign keys, two
/// wrong candidates whose evidence fails the rule, and one whose evidence passes (customer ids
/// 1–59 are all track ids too) but that contradicts the true `Invoice.CustomerId` key.
fn chinook_candidates() -> (TempDb, Store) {
    let db = temp_db();
    let mut store = db.open();
    store
        .add_products(&[chinook_path()])
        .expect("register Chinook");
    let lines = [
        by_name_line(
            "fk-album-artist",
            ("Album", "ArtistId"),
            ("Artist", "ArtistId"),
        ),
        by_name_line("fk-track-album", ("Track", "AlbumId"), ("Album", "AlbumId")),
        by_name_line("fk-track-genre", ("Track", "GenreId"), ("Genre", "GenreId")),
        by_name_line(
            "fk-line-track",
            ("InvoiceLine", "TrackId"),
            ("Track", "TrackId"),
        ),
        by_name_line(
            "fk-invoice-customer",
            ("Invoice", "CustomerId"),
            ("Customer", "CustomerId"),
        ),
        // Track ids reach 3503, albums 347: most are not albums.
        by_name_line(
            "wrong-track-album",
            ("Track", "TrackId"),
            ("Album", "AlbumId"),
        ),
        // Genre ids run to 25, media-type ids to 5.
        by_name_line(
            "wrong-genre-media",
            ("Genre", "GenreId"),
            ("MediaType", "MediaTypeId"),
        ),
        by_name_line(
            "dispute-invoice-track",
            ("Invoice", "CustomerId"),
            ("Track", "TrackId"),
        ),
    ];
    let file = db.write_file("candidates.jsonl", lines.join("\n") + "\n");
    store.import_path(&file).expect("import the candidates");
    (db, store)
}

fn plan(store: &Store, rule: &str, reviewer: &str) -> RulePlan {
    let rule: EvidenceRule = rule.parse().expect("a valid rule");
    approval_rule::plan(
        store,
        &QueueFilter::default(),
        &rule,
        reviewer,
        &mut |_, _| ControlFlow::Continue(()),
    )
    .expect("planning reads only")
    .expect("nothing stops the plan")
}

fn ids(candidates: &[approval_rule::RuleCandidate]) -> BTreeSet<&str> {
    candidates.iter().map(|c| c.item.as_str()).collect()
}

fn statuses(store: &Store, items: &[&str]) -> Vec<ItemStatus> {
    items
        .iter()
        .map(|i| store.item(i).unwrap().status)
        .collect()
}

/// Fails with `why` and the statuses found unless every item of `items` has `status`.
fn assert_all(store: &Store, items: &[&str], status: ItemStatus, why: &str) {
    let found = statuses(store, items);
    assert!(found.iter().all(|s| *s == status), "{why}: {found:?}");
}

const TRUE_KEYS: [&str; 5] = [
    "fk-album-artist",
    "fk-track-album",
    "fk-track-genre",
    "fk-line-track",
    "fk-invoice-customer",
];

#[test]
fn a_rule_approves_exactly_the_candidates_whose_evidence_meets_it() {
    let (_db, store) = chinook_candidates();
    let plan = plan(&store, RULE, "ana");
    assert_eq!(plan.rule, RULE, "the plan states the rule canonically");
    assert_eq!(
        ids(&plan.approve),
        BTreeSet::from([
            "fk-album-artist",
            "fk-track-album",
            "fk-track-genre",
            "fk-line-track"
        ]),
        "every declared key the rule is sure of, and nothing else: {plan:#?}"
    );
    let left = |id: &str| {
        plan.leave
            .iter()
            .find(|c| c.item == id)
            .unwrap_or_else(|| panic!("{id} is left: {plan:#?}"))
            .unmet
            .join("; ")
    };
    assert!(
        left("wrong-track-album").contains("containment"),
        "a wrong candidate fails on its containment: {}",
        left("wrong-track-album")
    );
    assert!(
        left("wrong-genre-media").contains("containment"),
        "{}",
        left("wrong-genre-media")
    );
    for disputed in ["fk-invoice-customer", "dispute-invoice-track"] {
        assert!(
            left(disputed).contains("disputed by another candidate"),
            "two candidates that both meet the rule but contradict each other are left for a \
             person: {disputed}: {}",
            left(disputed)
        );
    }
    assert!(
        plan.approve
            .iter()
            .all(|c| c.containment == Some(1.0) && c.basis.contains("full table")),
        "the figures come from Chinook's full tables: {plan:#?}"
    );
}

#[test]
fn applying_records_one_decision_per_candidate_and_undo_takes_the_batch_back_in_one_step() {
    let (_db, mut store) = chinook_candidates();
    let plan = plan(&store, RULE, "ana");
    let approved: Vec<&str> = plan.approve.iter().map(|c| c.item.as_str()).collect();
    let decisions = approval_rule::apply(&mut store, &plan, "batch-1", "ana").unwrap();
    assert_eq!(decisions.len(), 4, "one decision per approved candidate");
    for d in &decisions {
        assert_eq!(
            (d.action, d.reviewer.as_str()),
            (Action::Approve, "ana"),
            "each is an approval by the reviewer who applied the rule"
        );
        assert_eq!(
            d.note.as_deref(),
            Some("approved by rule: containment>=100%, target-key"),
            "each decision names the rule"
        );
    }
    assert_all(
        &store,
        &approved,
        ItemStatus::Approved,
        "the batch is recorded",
    );
    assert_eq!(
        store.item("wrong-track-album").unwrap().status,
        ItemStatus::Pending,
        "what the rule left stays pending"
    );
    let again = approval_rule::apply(&mut store, &plan, "batch-1", "ana").unwrap();
    assert_eq!(
        again.iter().map(|d| &d.id).collect::<Vec<_>>(),
        decisions.iter().map(|d| &d.id).collect::<Vec<_>>(),
        "a retried batch id records nothing new"
    );

    // Ana approves one more item by hand, then undoes twice: her own decision, then the batch.
    let version = store.item("wrong-genre-media").unwrap().version;
    store
        .decide(&DecisionInput {
            id: "by-hand".into(),
            item: "wrong-genre-media".into(),
            item_version: version,
            reviewer: "ana".into(),
            action: Action::Reject,
            edited: None,
            reason: Some("wrong_data_product".into()),
            note: None,
        })
        .unwrap();
    let first = store.undo("undo-1", "ana").unwrap().expect("an undo");
    assert_eq!(
        first.item, "wrong-genre-media",
        "undo takes the latest step first"
    );
    let single = store.reverted(first).unwrap();
    assert_eq!(
        (single.rule, single.decisions),
        (None, 1),
        "a single undo is no batch"
    );
    let second = store.undo("undo-2", "ana").unwrap().expect("an undo");
    assert_eq!(second.action, Action::Revert);
    assert_all(
        &store,
        &approved,
        ItemStatus::Pending,
        "one undo takes the whole batch back",
    );
    let step = store.reverted(second).unwrap();
    assert_eq!(
        (step.rule.as_deref(), step.decisions),
        (Some(RULE), 4),
        "four reverts, one step"
    );

    let redone = store.redo("redo-1", "ana").unwrap().expect("a redo");
    assert_eq!(
        store.reverted(redone).unwrap().decisions,
        4,
        "the redo is one step too"
    );
    assert_all(
        &store,
        &approved,
        ItemStatus::Approved,
        "one redo brings the whole batch back",
    );
    store.undo("undo-3", "ana").unwrap().expect("an undo");
    assert_all(
        &store,
        &approved,
        ItemStatus::Pending,
        "and undo takes it back again",
    );
    let history = store.history("fk-track-album").unwrap();
    assert_eq!(
        history.iter().map(|d| d.action).collect::<Vec<_>>(),
        [
            Action::Approve,
            Action::Revert,
            Action::Revert,
            Action::Revert
        ],
        "the log only grows: approve, undo, redo, undo"
    );
}

#[test]
fn a_candidate_decided_after_planning_fails_the_whole_batch() {
    let (_db, mut store) = chinook_candidates();
    let plan = plan(&store, RULE, "ana");
    let version = store.item("fk-track-genre").unwrap().version;
    store
        .decide(&DecisionInput {
            id: "ben-1".into(),
            item: "fk-track-genre".into(),
            item_version: version,
            reviewer: "ben".into(),
            action: Action::Reject,
            edited: None,
            reason: Some("wrong_data_product".into()),
            note: None,
        })
        .unwrap();
    let err = approval_rule::apply(&mut store, &plan, "batch-1", "ana").unwrap_err();
    assert!(
        matches!(err, vetted::Error::Conflict { ref item, .. } if item == "fk-track-genre"),
        "the changed candidate is named: {err}"
    );
    assert_eq!(
        statuses(
            &store,
            &["fk-album-artist", "fk-track-album", "fk-line-track"]
        ),
        [ItemStatus::Pending; 3],
        "nothing of the batch was recorded"
    );
    assert!(store.batch("batch-1").unwrap().is_none());
    let replanned = plan_ids(&store, "ana");
    assert!(
        !replanned.contains("fk-track-genre"),
        "a decided candidate is no longer in the plan: {replanned:?}"
    );
}

fn plan_ids(store: &Store, reviewer: &str) -> BTreeSet<String> {
    plan(store, RULE, reviewer)
        .approve
        .into_iter()
        .map(|c| c.item)
        .collect()
}

#[test]
fn the_cli_previews_applies_and_undoes_a_rule_and_refuses_a_bad_one() {
    let (db, store) = chinook_candidates();
    drop(store);
    let preview = json_of(vetted(&db.path).env("VETTED_REVIEWER", "ana").args([
        "approve-where",
        RULE,
        "--dry-run",
        "--json",
    ]));
    assert_eq!(
        preview["approved"], 0,
        "a dry run records nothing: {preview:#}"
    );
    assert_eq!(
        preview["approve"].as_array().unwrap().len(),
        4,
        "{preview:#}"
    );
    assert_all(
        &db.open(),
        &TRUE_KEYS,
        ItemStatus::Pending,
        "a dry run records nothing",
    );

    let applied = vetted(&db.path)
        .env("VETTED_REVIEWER", "ana")
        .args(["approve-where", RULE])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&applied.stdout);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert!(
        out.contains("4 of 8 candidates approved by ana")
            && out.contains("`vetted undo` takes all 4 back"),
        "the summary says what happened and how to take it back: {out}"
    );
    assert!(
        out.contains("wrong-track-album") && out.contains("containment"),
        "each candidate left says why: {out}"
    );
    let approved = json_of(vetted(&db.path).args(["show", "fk-line-track", "--json"]));
    assert_eq!(approved["item"]["status"], "approved", "{approved:#}");

    let undone = vetted(&db.path)
        .env("VETTED_REVIEWER", "ana")
        .arg("undo")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&undone.stdout);
    assert!(
        out.contains("undo: 4 decisions of the bulk approval 'containment>=100%, target-key'"),
        "{out}"
    );
    assert_all(
        &db.open(),
        &TRUE_KEYS,
        ItemStatus::Pending,
        "`vetted undo` takes all back",
    );

    let refused = vetted(&db.path)
        .args(["approve-where", "containment>=100%, rows>10"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("'rows>10'") && err.contains("target-key"),
        "an unknown clause is named, with the clauses Vetted knows: {err}"
    );
}

/// What the obvious rule does to discovery's own candidates on Chinook, with the declared keys
/// hidden from discovery and used as the truth (the figures in docs/relationships.md).
#[test]
fn on_discovered_chinook_candidates_the_obvious_rule_approves_only_declared_keys() {
    use vetted::discovery::{DiscoveryOptions, declared_key_pairs, discover};

    let db = temp_db();
    let mut store = db.open();
    store
        .add_products(&[chinook_path()])
        .expect("register Chinook");
    let products = store.products().unwrap();
    let options = DiscoveryOptions {
        declared: false,
        values: true,
    };
    let candidates = discover(&products, options, &mut |_, _| ControlFlow::Continue(()))
        .expect("nothing stops discovery");
    store.queue_candidates("discovered", &candidates).unwrap();
    let truth: BTreeSet<[String; 4]> = declared_key_pairs(&products)
        .into_iter()
        .map(|k| {
            [
                k.source_product,
                k.source_field,
                k.target_product,
                k.target_field,
            ]
            .map(|s| s.to_lowercase())
        })
        .collect();
    // The figures docs/relationships.md records.
    let obvious = plan(&store, RULE, "ana");
    assert_eq!(
        (candidates.len(), obvious.approve.len(), obvious.leave.len()),
        (13, 9, 4),
        "13 candidates, 9 approved, 4 left: {obvious:#?}"
    );
    assert!(
        obvious.leave.iter().all(|c| c
            .unmet
            .iter()
            .any(|u| u.starts_with("disputed by another candidate"))),
        "the four left are two pairs disputing each other: {obvious:#?}"
    );
    for rule in [RULE, "containment>=100%, target-key, names>=50%"] {
        let (true_keys, false_keys) = approved_keys(&store, &plan(&store, rule, "ana"), &truth);
        println!(
            "chinook, discovered, '{rule}': {} candidates, approves {true_keys} of {} declared \
             keys and {} others",
            candidates.len(),
            truth.len(),
            false_keys.len()
        );
        assert!(
            false_keys.is_empty(),
            "{rule}: only declared keys: {false_keys:?}"
        );
        assert!(
            true_keys >= 9,
            "{rule} takes most of the work: {true_keys} of {} declared keys",
            truth.len()
        );
    }
}

/// The declared keys among the pairs `plan` approves, and the pairs that are not declared keys.
fn approved_keys(
    store: &Store,
    plan: &RulePlan,
    truth: &BTreeSet<[String; 4]>,
) -> (usize, Vec<[String; 4]>) {
    use vetted::domain::ItemBody;
    let (mut true_keys, mut false_keys) = (0, Vec::new());
    for c in &plan.approve {
        let ItemBody::Relationship(body) = store.item(&c.item).unwrap().body else {
            panic!("{} is a relationship", c.item);
        };
        for pair in &body.relation.mapping {
            let key = [
                &body.source.product,
                &pair.source_field,
                &body.target.product,
                &pair.target_field,
            ]
            .map(|s| s.to_lowercase());
            if truth.contains(&key) {
                true_keys += 1;
            } else {
                false_keys.push(key);
            }
        }
    }
    (true_keys, false_keys)
}

/// A bulk approval made offline travels in a sync bundle with its grouping: on the database that
/// merged it, one undo still takes the whole batch back.
#[test]
fn a_merged_bulk_approval_is_still_undone_in_one_step() {
    use vetted::store::Since;

    let (laptop, mut store) = chinook_candidates();
    let plan = plan(&store, RULE, "ana");
    approval_rule::apply(&mut store, &plan, "batch-1", "ana").unwrap();
    let approved: Vec<&str> = plan.approve.iter().map(|c| c.item.as_str()).collect();
    let bundle = laptop.dir.path().join("ana.vetted-sync");
    store.pack(&bundle, &Since::All).unwrap();

    let server = temp_db();
    let mut other = server.open();
    let report = other.merge_bundle(&bundle).unwrap();
    assert_eq!(report.decisions_added, 4, "{report:?}");
    assert_all(&other, &approved, ItemStatus::Approved, "merged");
    let step = other.undo("undo-there", "ana").unwrap().expect("an undo");
    assert_eq!(
        other.reverted(step).unwrap().decisions,
        4,
        "the merged batch is one step"
    );
    assert_all(
        &other,
        &approved,
        ItemStatus::Pending,
        "one undo after the merge takes all back",
    );

    // And the undo, packed back, is one step on the laptop too (its redo brings all back).
    let back = server.dir.path().join("back.vetted-sync");
    other.pack(&back, &Since::All).unwrap();
    store.merge_bundle(&back).unwrap();
    assert_all(
        &store,
        &approved,
        ItemStatus::Pending,
        "the undo merged back",
    );
    store.redo("redo-here", "ana").unwrap().expect("a redo");
    assert_all(
        &store,
        &approved,
        ItemStatus::Approved,
        "one redo of the merged undo",
    );
}

/// The app's check runs as a job on its own connection: progress per candidate, then the same
/// plan the core makes; a cancelled check delivers nothing.
#[test]
fn the_check_job_reports_progress_and_delivers_the_plan_unless_cancelled() {
    use std::sync::mpsc;
    use vetted::jobs::tasks;
    use vetted::jobs::{JobEvent, Jobs};

    let (db, store) = chinook_candidates();
    let expected = plan(&store, RULE, "ana");
    drop(store);
    let check = |delivered: mpsc::Sender<RulePlan>| {
        tasks::check_rule(
            db.path.clone(),
            RULE.parse().unwrap(),
            QueueFilter::default(),
            "ana".into(),
            move |plan| delivered.send(plan).unwrap(),
        )
    };

    let (delivered, plans) = mpsc::channel();
    let stop = std::sync::atomic::AtomicBool::new(true);
    let outcome = check(delivered)(&mut |_| {}, &stop);
    assert!(
        matches!(outcome, Err(vetted::Error::Cancelled)),
        "a cancelled check says so: {outcome:?}"
    );
    assert!(plans.try_recv().is_err(), "and delivers no plan");

    let (delivered, plans) = mpsc::channel();
    let jobs = Jobs::default();
    let (_, events) = crate::support::spawn_job(&jobs, check(delivered));
    let events: Vec<JobEvent> = events.iter().collect();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, JobEvent::Progress { total: Some(8), .. })),
        "progress counts candidates, of the 8 waiting (the job throttles ticks): {events:?}"
    );
    assert!(
        matches!(events.last(), Some(JobEvent::Finished { summary }) if summary.starts_with("4 of 8 candidates meet")),
        "{events:?}"
    );
    assert_eq!(
        plans.recv().unwrap(),
        expected,
        "the same plan the core makes"
    );
}
