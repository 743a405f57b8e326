//! The team server against a real PostgreSQL (`scripts/with-postgres.sh` starts a throwaway
//! one): the schema and roles `team init` makes, what the server refuses through raw SQL as each
//! role, work leases with overlap k, deciding with the same rules as the local store (one test
//! body for both), concurrent reviewers and reviewers killed mid-decision.
//!
//! Without `VETTED_TEST_POSTGRES_URL` these tests say so and pass; the test command sets
//! `VETTED_REQUIRE_POSTGRES=1`, which turns a missing server into a failure.

use std::collections::{HashMap, HashSet};
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use postgres::{Client, NoTls};
use vetted::claims::{ClaimCheck, ClaimVerdict};
use vetted::domain::{
    Action, Decision, DecisionInput, EditedContent, Feedback, Item, ItemStatus, Pick, QueueCursor,
    QueuePage, StatusCounts, Verdict,
};
use vetted::error::Result;
use vetted::export::{Format, PiiMode, Progress};
use vetted::jobs::tasks::{self, ExportRequest};
use vetted::llm::secret::ApiKey;
use vetted::review_form::{FormAnswers, FormQuestion};
use vetted::store::{
    BatchApproval, ClaimSettings, QueueFilter, QueueSort, ReviewForm, SearchOrder, SearchResults,
};
use vetted::team::Role;
use vetted::team_server::{
    CLAIM_BATCH, Change, LiveEvent, ROWS_PER_READ, SERVER_RANK_LIMIT, ServerAddress, SnapshotScope,
    TeamServer, TlsMode,
};
use vetted::window::{TeamSession, Window, window_title};
use vetted::{ErrorCode, Store};

use crate::support::{
    answer_line, answer_lines, new_database, postgres_server, relationship_line, temp_db,
};

mod added_items;
mod claim_plans;
mod overlap_set;
mod reviewers_per_database;
mod scoped_snapshots;

/// A team database set up by `team init`, its admin URL, and a maker of reviewer logins.
struct Team {
    admin: String,
}

impl Team {
    fn new(label: &str) -> Option<Team> {
        let admin = new_database(&postgres_server()?, label);
        let (_, applied) = TeamServer::init(&admin).expect("team init");
        assert_eq!(
            applied,
            vetted::team_server::MIGRATIONS.len(),
            "a new database gets the whole schema"
        );
        Some(Team { admin })
    }

    /// A new login with `role`, unique on the server (roles are cluster-wide); its URL.
    fn reviewer(&self, label: &str, role: Role) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{label}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (mut admin, _) = TeamServer::init(&self.admin).unwrap();
        admin.add_reviewer(&name, role, None).expect("add reviewer");
        self.url_of(&name)
    }

    /// A new login with `role` that must give `password` (scram-sha-256, see
    /// `scripts/with-postgres.sh`); its name.
    fn password_login(&self, label: &str, role: Role, password: &str) -> String {
        let name = format!("{label}_{}", std::process::id());
        let (mut admin, _) = TeamServer::init(&self.admin).unwrap();
        admin.add_reviewer(&name, role, Some(password)).unwrap();
        self.sql()
            .batch_execute(&format!("GRANT vetted_password_login TO {name}"))
            .unwrap();
        name
    }

    /// The URL of `login` on this team database.
    fn url_of(&self, login: &str) -> String {
        let (scheme_user, rest) = self.admin.split_once('@').unwrap();
        let (scheme, _) = scheme_user.split_once("://").unwrap();
        format!("{scheme}://{login}@{rest}")
    }

    /// Imports `lines` as the owner, each item needing `k` reviews.
    fn import(&self, lines: &[String], k: u32) {
        let db = temp_db();
        let file = db.write_file("items.jsonl", lines.join("\n") + "\n");
        let (mut admin, _) = TeamServer::init(&self.admin).unwrap();
        admin.import_path(&file, k).expect("import onto the server");
    }

    fn sql(&self) -> Client {
        Client::connect(&self.admin, NoTls).unwrap()
    }

    /// The counts the server keeps are the items' own, status by status and state by state.
    fn assert_counts_kept(&self, when: &str) {
        let mut sql = self.sql();
        let read = |sql: &mut Client, query: &str| -> Vec<(String, String, i64)> {
            sql.query(query, &[])
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect()
        };
        let kept = read(
            &mut sql,
            "SELECT status, review, items FROM vetted.item_counts() WHERE items <> 0 ORDER BY 1, 2",
        );
        let counted = read(
            &mut sql,
            "SELECT status, review, count(*) FROM vetted.items GROUP BY 1, 2 ORDER BY 1, 2",
        );
        assert_eq!(kept, counted, "{when}: the kept counts are the items'");
    }
}

/// The real `vetted` binary on the team server at `url`.
fn on_server(url: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vetted").unwrap();
    cmd.args(["--db", url]).env_remove("VETTED_DB");
    cmd
}

/// Runs `command` and returns its output, failing the test with its stderr unless it succeeded.
fn succeeded(command: &mut assert_cmd::Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Raw SQL as `url`'s login, in the Vetted schema.
fn raw(url: &str) -> Client {
    let mut client = Client::connect(url, NoTls).unwrap();
    client.batch_execute("SET search_path = vetted").unwrap();
    client
}

/// Runs `sql` and returns the server's refusal, failing the test if it was allowed.
/// What `watcher` (listening) hears until the server has been quiet for 2 s.
fn heard_until_quiet(watcher: &mut TeamServer) -> Vec<Change> {
    let mut heard = Vec::new();
    while let Ok(changes) = watcher.changes(Duration::from_secs(2)) {
        if changes.is_empty() {
            break;
        }
        heard.extend(changes);
    }
    heard
}

fn refused(client: &mut Client, sql: &str) -> String {
    match client.batch_execute(sql) {
        Ok(()) => panic!("the server allowed: {sql}"),
        Err(e) => e
            .as_db_error()
            .map(|d| d.message().to_owned())
            .unwrap_or_else(|| e.to_string()),
    }
}

fn approve(server: &mut TeamServer, item: &str) -> Result<Decision> {
    let (_, version) = server.item_version(item)?;
    let input = decision(item, version, server.reviewer(), Action::Approve);
    server.decide(&input, None)
}

fn decision(item: &str, version: i64, reviewer: &str, action: Action) -> DecisionInput {
    DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item: item.into(),
        item_version: version,
        reviewer: reviewer.into(),
        action,
        edited: None,
        reason: (action == Action::Reject).then(|| "incomplete".into()),
        note: None,
    }
}

#[test]
fn init_is_idempotent_and_a_reviewer_is_their_login() {
    let Some(team) = Team::new("team_init") else {
        return;
    };
    let (mut again, applied) = TeamServer::init(&team.admin).unwrap();
    assert_eq!(applied, 0, "a second init applies nothing");
    assert_eq!(
        again.schema_version().unwrap(),
        vetted::team_server::MIGRATIONS.len() as i64
    );
    let url = team.reviewer("ana", Role::Analyst);
    let mut ana = TeamServer::connect(&url).unwrap();
    assert!(
        ana.reviewer().starts_with("ana_"),
        "the reviewer is the server's login, not a name typed in: {}",
        ana.reviewer()
    );
    let none = new_database(&postgres_server().unwrap(), "team_empty");
    let err = TeamServer::connect(&none).err().expect("no schema yet");
    assert_eq!(err.code(), ErrorCode::Server);
    assert!(
        err.to_string().contains("vetted team init"),
        "the error says how to set the server up: {err}"
    );
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host) = rest.split_once('@').unwrap();
    let err = TeamServer::connect(&format!("{scheme}://{user}:hunter2@{host}"))
        .err()
        .expect("a URL with a password is refused");
    assert!(
        !err.to_string().contains("hunter2"),
        "the password is never repeated: {err}"
    );
    assert_eq!(
        ana.history("nothing-here").unwrap(),
        vec![],
        "no decisions yet"
    );
}

#[test]
fn the_server_refuses_what_a_role_may_not_do_even_through_raw_sql() {
    let Some(team) = Team::new("team_perms") else {
        return;
    };
    team.import(&answer_lines("blind", 2), 2);
    team.import(&answer_lines("solo", 1), 1);
    let ana_url = team.reviewer("ana", Role::Analyst);
    let sam_url = team.reviewer("sam", Role::Sme);
    let adj_url = team.reviewer("adj", Role::Adjudicator);
    let mut ana = TeamServer::connect(&ana_url).unwrap();
    let mut sam = TeamServer::connect(&sam_url).unwrap();
    let sam_name = sam.reviewer().to_owned();
    let sam_decision = approve(&mut sam, "blind-0").unwrap();
    approve(&mut ana, "solo-0").unwrap();

    let mut sql = raw(&ana_url);
    let item: i64 = sql
        .query_one("SELECT id FROM items WHERE external_id = 'blind-0'", &[])
        .unwrap()
        .get(0);
    // Blind review: the analyst has not decided blind-0, so sam's decision is not there.
    let seen: i64 = sql
        .query_one(
            "SELECT count(*) FROM decisions WHERE item_id = $1",
            &[&item],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        seen, 0,
        "before deciding, another reviewer's decision is hidden"
    );
    assert_eq!(ana.history("blind-0").unwrap(), vec![]);

    let message = refused(
        &mut sql,
        &format!(
            "INSERT INTO decisions (id, item_id, item_version, reviewer, action, adjudication)
             VALUES ('forged-adj', {item}, 2, session_user, 'approve', true)"
        ),
    );
    assert!(message.contains("only adjudicators"), "{message}");
    let message = refused(
        &mut sql,
        &format!(
            "INSERT INTO decisions (id, item_id, item_version, reviewer, action, reason)
             VALUES ('forged-name', {item}, 2, '{sam_name}', 'reject', 'other')"
        ),
    );
    assert!(
        message.contains("may not record a decision as"),
        "{message}"
    );
    for forbidden in [
        format!(
            "UPDATE decisions SET action = 'reject' WHERE id = '{}'",
            sam_decision.id
        ),
        "DELETE FROM decisions".to_owned(),
        "TRUNCATE decisions".to_owned(),
        "UPDATE items SET version = 1".to_owned(),
        "UPDATE items SET payload = '{}'".to_owned(),
        "INSERT INTO items (external_id, kind, domain, model, title, payload, content_hash,
                            created_at, updated_at)
         VALUES ('x', 'answer', 'd', 'm', 't', '{}', 'h', '', '')"
            .to_owned(),
        format!(
            "INSERT INTO leases (item_id, reviewer, expires_at) VALUES ({item}, '{sam_name}', now())"
        ),
        "DELETE FROM leases".to_owned(),
        "DROP TABLE decisions".to_owned(),
        // The projection is written only through write_projection; rows are not locked either.
        "UPDATE items SET status = 'approved', review = 'settled'".to_owned(),
        "SELECT 1 FROM items FOR UPDATE".to_owned(),
        // The server's time and order are not the client's to set.
        format!(
            "INSERT INTO decisions (id, item_id, item_version, reviewer, action, decided_at)
             VALUES ('backdated', {item}, 2, session_user, 'approve', '2020-01-01T00:00:00.000Z')"
        ),
        format!(
            "INSERT INTO decisions (seq, id, item_id, item_version, reviewer, action)
             OVERRIDING SYSTEM VALUE VALUES (1000000, 'seq', {item}, 2, session_user, 'approve')"
        ),
    ] {
        let message = refused(&mut sql, &forbidden);
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{forbidden}: {message}"
        );
    }
    // Events the columns allow but the rules do not.
    let solo: i64 = sql
        .query_one("SELECT id FROM items WHERE external_id = 'solo-0'", &[])
        .unwrap()
        .get(0);
    let v: i64 = sql
        .query_one("SELECT version FROM items WHERE id = $1", &[&item])
        .unwrap()
        .get(0);
    for (forbidden, expected) in [
        (
            format!(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action, reverts)
                 VALUES ('undo-theirs', {item}, {v}, session_user, 'revert', '{}')",
                sam_decision.id
            ),
            "your own events",
        ),
        (
            format!(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action, supersedes)
                 VALUES ('junk', {solo}, 2, session_user, 'approve', 'not json')"
            ),
            "invalid input syntax for type json",
        ),
        (
            format!(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action, supersedes)
                 VALUES ('foreign', {item}, {v}, session_user, 'approve', '[\"not-a-decision\"]')"
            ),
            "supersedes only decisions on its own item",
        ),
        (
            format!(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action, reason, pick)
                 VALUES ('pick', {item}, {v}, session_user, 'reject', 'other', '\"tie\"')"
            ),
            "violates check constraint",
        ),
        (
            format!("SELECT write_projection({solo}, 'rejected', NULL, 'open', NULL, 'x')"),
            "written with an event",
        ),
        (
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT claim_items(5, 600)".to_owned(),
            "READ COMMITTED",
        ),
        // Only the schema's owner records others' events verbatim, whatever a reviewer sets.
        (
            format!(
                "BEGIN; SET LOCAL vetted.push = 'on';
                 INSERT INTO decisions (id, item_id, item_version, reviewer, action)
                 VALUES ('pushed', {solo}, 2, '{sam_name}', 'approve')"
            ),
            "may not record a decision as",
        ),
    ] {
        let message = refused(&mut sql, &forbidden);
        sql.batch_execute("ROLLBACK").unwrap();
        assert!(message.contains(expected), "{forbidden}: {message}");
    }
    // Not even the owner changes the log.
    let mut owner = team.sql();
    owner.batch_execute("SET search_path = vetted").unwrap();
    for change in [
        "UPDATE decisions SET note = 'x'",
        "DELETE FROM decisions",
        // CASCADE: past the guidelines' links to decisions, to the log's own trigger.
        "TRUNCATE decisions CASCADE",
    ] {
        let message = refused(&mut owner, change);
        assert!(message.contains("append-only"), "{change}: {message}");
    }
    // An adjudication through the core is refused the same way.
    let (_, version) = ana.item_version("blind-1").unwrap();
    let err = ana
        .adjudicate(
            &decision("blind-1", version, ana.reviewer(), Action::Approve),
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");

    // Once the analyst decides, the other review is readable; an adjudicator reads all.
    approve(&mut ana, "blind-0").unwrap();
    assert_eq!(
        ana.history("blind-0").unwrap().len(),
        2,
        "after deciding, both reviews show"
    );
    // Having seen sam's review, the analyst cannot change their own: blind review binds.
    let (_, version) = ana.item_version("blind-0").unwrap();
    let err = ana
        .decide(
            &decision("blind-0", version, ana.reviewer(), Action::Reject),
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("your review stands"), "{err}");
    let err = ana.undo(&uuid::Uuid::now_v7().to_string()).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Forbidden,
        "no undo after peeking either: {err}"
    );
    let mut cat = TeamServer::connect(&team.reviewer("cat", Role::Analyst)).unwrap();
    let err = approve(&mut cat, "blind-0").unwrap_err();
    assert!(
        err.to_string()
            .contains("already has its 2 independent reviews"),
        "never a third review of a k = 2 item: {err}"
    );
    let mut adj = TeamServer::connect(&adj_url).unwrap();
    approve(&mut sam, "blind-1").unwrap();
    assert_eq!(
        adj.history("blind-1").unwrap().len(),
        1,
        "an adjudicator reads decisions without deciding"
    );
    let adjudicated = {
        let (_, version) = adj.item_version("blind-1").unwrap();
        let input = decision("blind-1", version, adj.reviewer(), Action::Reject);
        adj.adjudicate(&input, None).unwrap()
    };
    assert_eq!(adjudicated.action, Action::Reject);
    let (status, review): (String, String) = {
        let row = owner
            .query_one(
                "SELECT status, review FROM items WHERE external_id = 'blind-1'",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((status.as_str(), review.as_str()), ("rejected", "settled"));
}

/// Deciding, as both backends offer it: one test body checks both.
trait Deciding {
    fn version(&mut self, item: &str) -> i64;
    fn reviewer(&self) -> String;
    fn decide_with(&mut self, input: &DecisionInput, feedback: &Feedback) -> Result<Decision>;
    fn decide(&mut self, input: &DecisionInput, pick: Option<Pick>) -> Result<Decision> {
        let feedback = Feedback {
            pick,
            ..Feedback::default()
        };
        self.decide_with(input, &feedback)
    }
    fn history(&mut self, item: &str) -> Vec<Decision>;
    /// Puts `questions` in force as `domain`'s form (`None`: retires it), as the reviewer.
    fn set_form(&mut self, domain: &str, questions: Option<&[FormQuestion]>) -> Result<ReviewForm>;
    fn shown(&mut self, item: &str) -> Item;
    /// Undo (or redo) the reviewer's latest step.
    fn step_back(&mut self, redo: bool) -> Option<Decision>;
}

impl Deciding for Store {
    fn version(&mut self, item: &str) -> i64 {
        self.item(item).unwrap().version
    }
    fn reviewer(&self) -> String {
        "rita".into()
    }
    fn decide_with(&mut self, input: &DecisionInput, feedback: &Feedback) -> Result<Decision> {
        Store::decide_with(self, input, feedback)
    }
    fn history(&mut self, item: &str) -> Vec<Decision> {
        Store::history(self, item).unwrap()
    }
    fn set_form(&mut self, domain: &str, questions: Option<&[FormQuestion]>) -> Result<ReviewForm> {
        self.set_review_form(domain, questions, "rita")
    }
    fn shown(&mut self, item: &str) -> Item {
        self.item_shown(item).unwrap()
    }
    fn step_back(&mut self, redo: bool) -> Option<Decision> {
        let id = uuid::Uuid::now_v7().to_string();
        match redo {
            true => self.redo(&id, "rita").unwrap(),
            false => self.undo(&id, "rita").unwrap(),
        }
    }
}

impl Deciding for TeamServer {
    fn version(&mut self, item: &str) -> i64 {
        self.item_version(item).unwrap().1
    }
    fn reviewer(&self) -> String {
        TeamServer::reviewer(self).to_owned()
    }
    fn decide_with(&mut self, input: &DecisionInput, feedback: &Feedback) -> Result<Decision> {
        TeamServer::decide_with(self, input, feedback)
    }
    fn history(&mut self, item: &str) -> Vec<Decision> {
        TeamServer::history(self, item).unwrap()
    }
    fn set_form(&mut self, domain: &str, questions: Option<&[FormQuestion]>) -> Result<ReviewForm> {
        self.set_review_form(domain, questions)
    }
    fn shown(&mut self, item: &str) -> Item {
        self.item_shown(item).unwrap()
    }
    fn step_back(&mut self, redo: bool) -> Option<Decision> {
        let id = uuid::Uuid::now_v7().to_string();
        match redo {
            true => self.redo(&id).unwrap(),
            false => self.undo(&id).unwrap(),
        }
    }
}

/// The decision rules on items `a-0`, `a-1` (answers, one review each).
fn decisions_follow_the_core_rules(backend: &mut dyn Deciding, label: &str) {
    let me = backend.reviewer();
    let v = backend.version("a-0");
    let first = decision("a-0", v, &me, Action::Approve);
    let recorded = backend.decide(&first, None).unwrap();
    assert_eq!(recorded.reviewer, me, "{label}: recorded as the reviewer");
    let retried = backend.decide(&first, None).unwrap();
    assert_eq!(
        retried.id, recorded.id,
        "{label}: a retried id is recorded once"
    );
    assert_eq!(
        backend.history("a-0").len(),
        1,
        "{label}: one decision after a retry"
    );

    let stale = decision("a-0", v, &me, Action::Reject);
    let err = backend.decide(&stale, None).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Conflict,
        "{label}: a stale version: {err}"
    );

    let mut edit = decision("a-0", backend.version("a-0"), &me, Action::Edit);
    edit.edited = Some(EditedContent::Answer {
        answer: "answer number 0 corrected twice".into(),
    });
    let edited = backend.decide(&edit, None).unwrap();
    assert_eq!(
        edited.edit_distance,
        Some(2),
        "{label}: the edit distance is the core's (two words added)"
    );

    let undone = backend.step_back(false).expect("the edit can be undone");
    assert_eq!(
        (undone.action, undone.reverts.as_deref()),
        (Action::Revert, Some(edited.id.as_str())),
        "{label}: undo reverts the latest decision in force"
    );
    let redone = backend.step_back(true).expect("the undo can be redone");
    assert_eq!(
        redone.reverts.as_deref(),
        Some(undone.id.as_str()),
        "{label}: redo reverts the undo"
    );
    let again = backend.step_back(false).expect("undo again");
    assert_eq!(
        again.reverts.as_deref(),
        Some(edited.id.as_str()),
        "{label}"
    );
    let v = backend.version("a-0");
    backend
        .decide(&decision("a-0", v, &me, Action::Approve), None)
        .unwrap();
    assert!(
        backend.step_back(true).is_none(),
        "{label}: a new decision clears the redo stack"
    );
    assert_eq!(
        backend.history("a-0").len(),
        6,
        "{label}: every step is in the log"
    );

    let mut no_reason = decision("a-1", backend.version("a-1"), &me, Action::Reject);
    no_reason.reason = None;
    let err = backend.decide(&no_reason, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadRequest, "{label}: {err}");
    let mut unknown = decision("a-1", backend.version("a-1"), &me, Action::Reject);
    unknown.reason = Some("vibes".into());
    let err = backend.decide(&unknown, None).unwrap_err();
    assert!(
        err.to_string().contains("unknown reject reason 'vibes'"),
        "{label}: {err}"
    );
    let approve = decision("a-1", backend.version("a-1"), &me, Action::Approve);
    let err = backend.decide(&approve, Some(Pick::Best(0))).unwrap_err();
    assert!(
        err.to_string().contains("not a comparison"),
        "{label}: a pick on an answer is refused: {err}"
    );
    let missing = decision("nope", 1, &me, Action::Approve);
    let err = backend.decide(&missing, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{label}: {err}");
    assert!(
        backend.history("a-1").is_empty(),
        "{label}: refusals record nothing"
    );
}

/// The example rubric: `correctness` (a required rating 1–5), `cites_sources`, `issues`.
fn rubric() -> Vec<FormQuestion> {
    vetted::review_form::parse_form(vetted::review_form::EXAMPLE_FORM).unwrap()
}

fn answers(given: &[(&str, serde_json::Value)]) -> FormAnswers {
    given
        .iter()
        .map(|(q, v)| ((*q).to_owned(), v.clone()))
        .collect()
}

/// The feedback rules on items `f-0`, `f-1`, `f-2` (answers in `finance`, one review each): a
/// form's answers and an answer's claim verdicts are recorded with the decision, checked with
/// the core's rules, or the decision is refused and nothing is recorded.
fn feedback_follows_the_core_rules(backend: &mut dyn Deciding, label: &str) {
    let me = backend.reviewer();
    let input = |backend: &mut dyn Deciding, item: &str| {
        let version = backend.version(item);
        decision(item, version, &me, Action::Approve)
    };
    let rated = |n: i64| Feedback {
        answers: answers(&[("correctness", serde_json::json!(n))]),
        ..Feedback::default()
    };
    let f0 = input(backend, "f-0");
    let err = backend.decide_with(&f0, &rated(4)).unwrap_err();
    assert!(
        err.to_string().contains("no review form to answer"),
        "{label}: answers without a form are refused: {err}"
    );
    let first = backend.set_form("finance", Some(&rubric())).unwrap();
    assert_eq!(
        (first.version, first.author.as_str()),
        (1, me.as_str()),
        "{label}: the first version, by the reviewer"
    );
    let err = backend.decide(&f0, None).unwrap_err();
    assert!(
        err.to_string().contains("required") && err.to_string().contains("correctness"),
        "{label}: an approve answers the required question: {err}"
    );
    let err = backend.decide_with(&f0, &rated(9)).unwrap_err();
    assert!(
        err.to_string().contains("1 to 5"),
        "{label}: an answer off the scale: {err}"
    );
    assert!(
        backend.history("f-0").is_empty(),
        "{label}: refusals record nothing"
    );
    let full = Feedback {
        answers: answers(&[
            ("correctness", serde_json::json!(4)),
            ("issues", serde_json::json!(["outdated"])),
        ]),
        ..Feedback::default()
    };
    backend.decide_with(&f0, &full).unwrap();

    // Claim verdicts: pieces of the model's answer, linked to its evidence.
    let shown = backend.shown("f-1");
    assert!(!shown.claims.is_empty(), "{label}: the answer has claims");
    let checked = ClaimCheck {
        claim: shown.claims[0].text.clone(),
        verdict: ClaimVerdict::Unsupported,
        spans: shown.claims[0].hint.clone().into_iter().collect(),
    };
    let f1 = input(backend, "f-1");
    let wrong = Feedback {
        claims: vec![ClaimCheck {
            claim: "Nothing the model said.".into(),
            ..checked.clone()
        }],
        ..rated(2)
    };
    let err = backend.decide_with(&f1, &wrong).unwrap_err();
    assert!(
        err.to_string().contains("not a part of the answer"),
        "{label}: a claim is a piece of the answer: {err}"
    );
    let with_claims = Feedback {
        claims: vec![checked],
        ..rated(2)
    };
    backend.decide_with(&f1, &with_claims).unwrap();
    assert_eq!(
        backend.history("f-1").len(),
        1,
        "{label}: one decision, with its claims"
    );

    // Retired, the form is asked no more; retiring it twice is refused.
    let retired = backend.set_form("finance", None).unwrap();
    assert_eq!(
        (retired.version, retired.questions.len()),
        (2, 0),
        "{label}: retiring adds a version without questions"
    );
    let f2 = input(backend, "f-2");
    backend.decide(&f2, None).unwrap();
    let err = backend.set_form("finance", None).unwrap_err();
    assert!(
        err.to_string().contains("no review form to remove"),
        "{label}: {err}"
    );
}

/// Review forms and claim verdicts on the team server: the local rules (one test body for
/// both backends), the CLI, and what the server enforces through raw SQL — only SMEs and
/// adjudicators set forms and settings, feedback comes only with one's own decision as it is
/// recorded and is never rewritten, and blind review hides others' answers.
#[test]
fn review_forms_and_claim_verdicts_keep_the_local_rules_and_the_server_says_who_sets_them() {
    let db = temp_db();
    let mut store = db.open();
    crate::support::import_lines(&db, &mut store, &answer_lines("f", 3));
    feedback_follows_the_core_rules(&mut store, "sqlite");

    let Some(team) = Team::new("team_forms") else {
        return;
    };
    team.import(&answer_lines("f", 3), 1);
    let analyst_url = team.reviewer("ana", Role::Analyst);
    let mut analyst = TeamServer::connect(&analyst_url).unwrap();
    let err = analyst
        .set_review_form("finance", Some(&rubric()))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(
        err.to_string().contains("SMEs and adjudicators"),
        "the refusal says who may: {err}"
    );
    let off = ClaimSettings {
        confirm_approve: false,
    };
    let err = analyst.set_claim_settings("finance", off).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");

    let sme_url = team.reviewer("sme", Role::Sme);
    let mut sme = TeamServer::connect(&sme_url).unwrap();
    feedback_follows_the_core_rules(&mut sme, "postgres");
    sme.set_claim_settings("finance", off).unwrap();
    assert_eq!(
        (
            analyst.claim_settings("finance").unwrap(),
            analyst.claim_settings("legal").unwrap()
        ),
        (off, ClaimSettings::default()),
        "every reviewer reads the settings; a domain never set asks"
    );
    assert_eq!(
        sme.stats().unwrap().claims,
        store.stats().unwrap().claims,
        "the claim figures of the same decisions"
    );

    // The CLI: a form put in force and answered on the server.
    let form_file = db.write_file("finance.toml", vetted::review_form::EXAMPLE_FORM);
    succeeded(
        on_server(&sme_url)
            .args(["forms", "set", "finance"])
            .arg(&form_file),
    );
    team.import(&answer_lines("g", 2), 1);
    let err = on_server(&analyst_url)
        .args(["decide", "g-0", "approve"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("correctness"),
        "the required question is asked on the server too: {}",
        String::from_utf8_lossy(&err.stderr)
    );
    succeeded(on_server(&analyst_url).args([
        "decide",
        "g-0",
        "approve",
        "--form",
        "correctness=5",
        "--claim",
        "1=unsupported",
    ]));
    let feedback_on_g0 = team
        .sql()
        .query_one(
            "SELECT (SELECT count(*) FROM vetted.form_answers a
                      JOIN vetted.decisions d ON d.id = a.decision_id
                      JOIN vetted.items i ON i.id = d.item_id WHERE i.external_id = 'g-0'),
                    (SELECT count(*) FROM vetted.claim_checks c
                      JOIN vetted.decisions d ON d.id = c.decision_id
                      JOIN vetted.items i ON i.id = d.item_id WHERE i.external_id = 'g-0')",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            feedback_on_g0.get::<_, i64>(0),
            feedback_on_g0.get::<_, i64>(1)
        ),
        (1, 1),
        "the CLI's answer and verdict are recorded with its decision"
    );
    let shown =
        crate::support::json_of(on_server(&sme_url).args(["forms", "show", "finance", "--json"]));
    assert_eq!(shown["in_force"]["version"], 3, "{shown}");

    // Through raw SQL as the analyst: feedback only with one's own decision, as it is recorded.
    let mut sql = raw(&analyst_url);
    let theirs = sme.history("f-0").unwrap()[0].id.clone();
    let mine = analyst.history("g-0").unwrap()[0].id.clone();
    let form_id: i64 = sql
        .query_one("SELECT max(id) FROM review_forms", &[])
        .unwrap()
        .get(0);
    for decision_id in [&theirs, &mine] {
        let why = refused(
            &mut sql,
            &format!(
                "INSERT INTO form_answers (decision_id, form_id, question, value)
                 VALUES ('{decision_id}', {form_id}, 'cites_sources', 'true')"
            ),
        );
        assert!(
            why.contains("only with a review of theirs"),
            "{decision_id}: {why}"
        );
    }
    let why = refused(
        &mut sql,
        &format!(
            "INSERT INTO claim_checks (decision_id, position, claim, verdict, spans)
             VALUES ('{mine}', 5, 'answer number 0', 'supported', '[]')"
        ),
    );
    assert!(why.contains("only with a review of theirs"), "{why}");
    let why = refused(
        &mut sql,
        "INSERT INTO review_forms (domain, questions) VALUES ('finance', '[]')",
    );
    assert!(why.contains("row-level security"), "{why}");
    let why = refused(&mut sql, "UPDATE form_answers SET value = '1'");
    assert!(why.contains("permission denied"), "{why}");
    let mut owner = team.sql();
    for table in [
        "form_answers",
        "claim_checks",
        "review_forms",
        "claim_settings",
    ] {
        let why = refused(&mut owner, &format!("DELETE FROM vetted.{table}"));
        assert!(why.contains("append-only"), "the owner too: {table}: {why}");
    }

    // Blind review: the answers of another reviewer's review stay hidden until one decided.
    team.import(&answer_lines("b", 1), 2);
    let rated = Feedback {
        answers: answers(&[("correctness", serde_json::json!(2))]),
        ..Feedback::default()
    };
    let version = sme.item_version("b-0").unwrap().1;
    sme.decide_with(
        &decision("b-0", version, sme.reviewer(), Action::Approve),
        &rated,
    )
    .unwrap();
    let answers_on_b = |sql: &mut Client| -> i64 {
        sql.query_one(
            "SELECT count(*) FROM form_answers a JOIN decisions d ON d.id = a.decision_id
               JOIN items i ON i.id = d.item_id WHERE i.external_id = 'b-0'",
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(answers_on_b(&mut sql), 0, "the SME's answers stay hidden");
    let version = analyst.item_version("b-0").unwrap().1;
    let reviewer = analyst.reviewer().to_owned();
    analyst
        .decide_with(
            &decision("b-0", version, &reviewer, Action::Approve),
            &rated,
        )
        .unwrap();
    assert_eq!(
        answers_on_b(&mut sql),
        2,
        "once the analyst decided, both reviews' answers"
    );

    // Through raw SQL, with the login's own review in its own transaction, the server takes only
    // feedback the core would take (one misfit would stop every snapshot, which merges with the
    // core's checks). A form of every kind of question:
    let every_kind = db.write_file(
        "every.toml",
        r#"
[[question]]
id = "correctness"
label = "How correct?"
type = "rating"
scale = 5
[[question]]
id = "cites"
label = "Cites?"
type = "yes_no"
[[question]]
id = "tone"
label = "Tone"
type = "single_choice"
options = ["neutral", "salesy"]
[[question]]
id = "issues"
label = "Issues"
type = "multi_label"
options = ["outdated", "hallucination"]
[[question]]
id = "confidence"
label = "Confidence"
type = "number"
min = 0
max = 1
[[question]]
id = "comment"
label = "Comment"
type = "text"
max_chars = 20
"#,
    );
    succeeded(
        on_server(&sme_url)
            .args(["forms", "set", "finance"])
            .arg(&every_kind),
    );
    let review = "INSERT INTO decisions (id, item_id, item_version, reviewer, action)
                  SELECT 'raw-1', id, version, session_user, 'approve' FROM items
                   WHERE external_id = 'g-1';";
    let answer = |question: &str, value: &str| {
        format!(
            "INSERT INTO form_answers (decision_id, form_id, question, value)
             SELECT 'raw-1', max(id), '{question}', '{value}' FROM review_forms;"
        )
    };
    let claim = |text: &str, spans: &str| {
        format!(
            "INSERT INTO claim_checks (decision_id, position, claim, verdict, spans)
             VALUES ('raw-1', 0, '{text}', 'supported', '{spans}');"
        )
    };
    for (feedback, problem) in [
        (
            answer("correctness", "4.0"),
            "does not fit question correctness",
        ),
        (
            answer("correctness", "4e0"),
            "does not fit question correctness",
        ),
        (
            answer("confidence", "1e400"),
            "does not fit question confidence",
        ),
        (
            answer("correctness", "6"),
            "does not fit question correctness",
        ),
        (answer("cites", "\"yes\""), "does not fit question cites"),
        (answer("tone", "\"angry\""), "does not fit question tone"),
        (
            answer("issues", r#"["outdated", "outdated"]"#),
            "does not fit question issues",
        ),
        (answer("issues", "[]"), "does not fit question issues"),
        (
            answer("confidence", "2"),
            "does not fit question confidence",
        ),
        (
            answer("comment", "\"   \""),
            "does not fit question comment",
        ),
        (
            answer("comment", "\"twenty-one characters\""),
            "does not fit question comment",
        ),
        (answer("nope", "true"), "has no question nope"),
        (
            claim("Nothing the model said.", "[]"),
            "not a part of the answer",
        ),
        (claim(" answer number 1", "[]"), "recorded trimmed"),
        (
            claim(
                "answer number 1",
                r#"[{"passage": "doc-1", "start": 0, "end": 7, "text": "Revenux"}]"#,
            ),
            "not a span of the item",
        ),
        (
            claim(
                "answer number 1",
                r#"[{"passage": "doc-9", "start": 0, "end": 7, "text": "Revenue"}]"#,
            ),
            "not a span of the item",
        ),
    ] {
        let why = refused(&mut sql, &format!("{review}{feedback}"));
        assert!(why.contains(problem), "{feedback}: {why}");
    }
    sql.batch_execute(&format!(
        "{review}{}{}{}{}{}{}{}",
        answer("correctness", "5"),
        answer("cites", "false"),
        answer("tone", "\"neutral\""),
        answer("issues", r#"["hallucination", "outdated"]"#),
        answer("confidence", "0.5"),
        answer("comment", "\"fine\""),
        claim(
            "answer number 1",
            r#"[{"passage": "doc-1", "start": 0, "end": 7, "text": "Revenue"}]"#
        ),
    ))
    .expect("feedback the core takes is taken: every kind of answer, a claim with its span");
    let why = refused(
        &mut raw(&sme_url),
        r#"INSERT INTO review_forms (domain, questions)
           VALUES ('finance', '[{"id": "Bad Id", "label": "q", "type": "yes_no"}]')"#,
    );
    assert!(
        why.contains("id: use lower-case"),
        "a malformed form: {why}"
    );
    let why = refused(
        &mut raw(&sme_url),
        r#"INSERT INTO review_forms (domain, questions)
           VALUES ('finance', '[{"id": "x", "label": "q", "type": "rating", "scale": 4}]')"#,
    );
    assert!(why.contains("scale: 5 or 7"), "{why}");
    let why = refused(
        &mut raw(&sme_url),
        r#"INSERT INTO review_forms (domain, questions)
           VALUES ('finance', '[{"id": "x", "label": "q", "type": "rating", "scale": 5.0}]')"#,
    );
    assert!(
        why.contains("scale: 5 or 7"),
        "a scale the core reads as no u8: {why}"
    );
}

/// The likelihood order on the server ranks relationships by the confidence they were proposed
/// with, answers last, and pages as a file does; the risk order puts a vetting failure first.
#[test]
fn the_server_sorts_by_likelihood_and_risk_as_a_file_does() {
    let Some(team) = Team::new("team_orders") else {
        return;
    };
    let with_confidence = |id: &str, confidence: Option<f64>| {
        let mut line: serde_json::Value = serde_json::from_str(&relationship_line(id)).unwrap();
        line["confidence"] = confidence.map_or(serde_json::Value::Null, |c| serde_json::json!(c));
        line.to_string()
    };
    let mut lines = answer_lines("a", 3);
    lines[1] = lines[1].replace("\"verdict\":\"pass\"", "\"verdict\":\"fail\"");
    lines.extend([
        with_confidence("r-low", Some(0.4)),
        with_confidence("r-high", Some(0.95)),
        with_confidence("r-none", None),
        with_confidence("r-mid", Some(0.82)),
        // Rounded as SQLite rounds doubles: 0.5005 × 1000 is 500.4999… there, so 500, below
        // 0.501's 501 (exact decimal arithmetic would tie them at 501).
        with_confidence("r-501", Some(0.501)),
        with_confidence("r-5005", Some(0.5005)),
    ]);
    team.import(&lines, 1);
    let local = temp_db();
    let file = local.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = local.open();
    store.import_path(&file).unwrap();
    let mut me = TeamServer::connect(&team.reviewer("lu", Role::Analyst)).unwrap();
    for sort in [QueueSort::Likely, QueueSort::Risk] {
        let filter = QueueFilter {
            sort,
            ..QueueFilter::default()
        };
        let (mut on_server, mut after) = (Vec::new(), None);
        loop {
            let page = me.queue_page(&filter, after, 2).unwrap();
            on_server.extend(page.entries.iter().map(|e| e.external_id.clone()));
            match page.next_after {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let on_file: Vec<String> = store
            .queue_page(&filter, None, 50)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.external_id.clone())
            .collect();
        assert_eq!(
            on_server, on_file,
            "{sort:?}: the file's order, in pages of 2"
        );
        let first = match sort {
            QueueSort::Likely => ["r-high", "r-mid", "r-501"],
            _ => ["a-1", "r-5005", "r-501"],
        };
        assert_eq!(on_server[..3], first, "{sort:?}: {on_server:?}");
    }
}

#[test]
fn one_test_body_decides_on_the_local_store_and_the_team_server() {
    let db = temp_db();
    let mut store = db.open();
    crate::support::import_lines(&db, &mut store, &answer_lines("a", 2));
    decisions_follow_the_core_rules(&mut store, "sqlite");

    let Some(team) = Team::new("team_rules") else {
        return;
    };
    team.import(&answer_lines("a", 2), 1);
    let mut server = TeamServer::connect(&team.reviewer("rita", Role::Analyst)).unwrap();
    decisions_follow_the_core_rules(&mut server, "postgres");
    let local: Vec<_> = store.history("a-0").unwrap();
    let remote = server.history("a-0").unwrap();
    let shape = |d: &Decision| {
        let reverted = |id: &String| local.iter().chain(&remote).position(|e| &e.id == id);
        (
            d.action,
            d.edited.clone(),
            d.edit_distance,
            d.item_version,
            d.reverts
                .as_ref()
                .map(|id| reverted(id).map(|i| i % local.len())),
        )
    };
    assert_eq!(
        local.iter().map(shape).collect::<Vec<_>>(),
        remote.iter().map(shape).collect::<Vec<_>>(),
        "both backends hold the same log for the same decisions"
    );
}

#[test]
fn imports_onto_the_server_are_all_or_nothing() {
    let Some(team) = Team::new("team_import") else {
        return;
    };
    let db = temp_db();
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let mut lines = answer_lines("i", 3);
    lines.push(answer_line("i-0", "the same id, other content"));
    let bad = db.write_file("bad.jsonl", lines.join("\n") + "\n");
    let err = admin.import_path(&bad, 1).unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.jsonl:4: id: 'i-0' is also used on line 1"),
        "file, line and field are named: {err}"
    );
    let count = |team: &Team| -> i64 {
        team.sql()
            .query_one("SELECT count(*) FROM vetted.items", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(count(&team), 0, "a bad file imports nothing");

    let good = db.write_file("good.jsonl", answer_lines("i", 3).join("\n") + "\n");
    let report = admin.import_path(&good, 2).unwrap();
    assert_eq!((report.new, report.already_present), (3, 0));
    let report = admin.import_path(&good, 2).unwrap();
    assert_eq!(
        (report.new, report.already_present),
        (0, 3),
        "a re-import adds nothing"
    );
    let clash = db.write_file("clash.jsonl", answer_line("i-2", "changed") + "\n");
    let err = admin.import_path(&clash, 1).unwrap_err();
    assert!(
        err.to_string()
            .contains("clash.jsonl:1: id: an item 'i-2' already exists"),
        "{err}"
    );
    let evidence: i64 = team
        .sql()
        .query_one("SELECT count(*) FROM vetted.evidence", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        (count(&team), evidence),
        (3, 3),
        "each item keeps its passage"
    );
    let ana = team.reviewer("ana", Role::Analyst);
    let err = TeamServer::connect(&ana)
        .unwrap()
        .import_path(&good, 1)
        .unwrap_err();
    assert!(
        err.code() == ErrorCode::Forbidden
            && err.to_string().contains("the schema's owner imports"),
        "reviewers do not import, and are told who does: {err}"
    );
    // The app's import job: the owner imports; a reviewer is told the same.
    let more = db.write_file("more.jsonl", answer_lines("job", 2).join("\n") + "\n");
    let mut ticks = Vec::new();
    let summary = tasks::import_to_server(team.admin.clone(), None, more.clone())(
        &mut |tick| ticks.push(tick),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(summary.contains("2 new"), "{summary}");
    let size = std::fs::metadata(&more).unwrap().len();
    assert_eq!(
        ticks.last().map(|t| (t.done, t.total)),
        Some((size, Some(size))),
        "the job's bar follows the file's bytes to its end: {ticks:?}"
    );
    assert_eq!(count(&team), 5, "the job's items are on the server");
    let err =
        tasks::import_to_server(ana, None, more)(&mut |_| {}, &AtomicBool::new(false)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    let later = db.write_file("later.jsonl", answer_lines("later", 3).join("\n") + "\n");
    let err = tasks::import_to_server(team.admin.clone(), None, later)(
        &mut |_| {},
        &AtomicBool::new(true),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(count(&team), 5, "a cancelled import writes nothing");
}

#[test]
fn leases_hand_an_item_to_k_distinct_reviewers_and_come_back_when_they_expire() {
    let Some(team) = Team::new("team_leases") else {
        return;
    };
    team.import(&answer_lines("l", 4), 2);
    let urls: Vec<String> = (0..3).map(|_| team.reviewer("r", Role::Analyst)).collect();
    let mut reviewers: Vec<TeamServer> = urls
        .iter()
        .map(|u| TeamServer::connect(u).unwrap())
        .collect();
    let lease = Duration::from_secs(600);
    let held: Vec<Vec<String>> = reviewers
        .iter_mut()
        .map(|r| {
            r.claim(4, lease)
                .unwrap()
                .into_iter()
                .map(|c| c.external_id)
                .collect()
        })
        .collect();
    assert_eq!(held[0], ["l-0", "l-1", "l-2", "l-3"]);
    assert_eq!(
        held[1],
        ["l-0", "l-1", "l-2", "l-3"],
        "k = 2: a second reviewer gets them too"
    );
    assert!(held[2].is_empty(), "k = 2: never a third holder");
    let again: Vec<String> = reviewers[0]
        .claim(4, lease)
        .unwrap()
        .into_iter()
        .map(|c| c.external_id)
        .collect();
    assert_eq!(
        again, held[0],
        "claiming again renews, never hands an item twice"
    );

    approve(&mut reviewers[0], "l-0").unwrap();
    assert!(
        reviewers[1].release("l-1").unwrap(),
        "a skip releases the lease"
    );
    let third: Vec<String> = reviewers[2]
        .claim(4, lease)
        .unwrap()
        .into_iter()
        .map(|c| c.external_id)
        .collect();
    assert_eq!(
        third,
        ["l-1"],
        "the released item goes to the next reviewer"
    );
    let skipper: Vec<String> = reviewers[1]
        .claim(4, lease)
        .unwrap()
        .into_iter()
        .map(|c| c.external_id)
        .collect();
    assert_eq!(
        skipper,
        ["l-0", "l-2", "l-3"],
        "who skipped an item does not get it back from their next claims"
    );
    // The laptop closes: its leases run out (set back in time, as the owner).
    team.sql()
        .batch_execute("UPDATE vetted.leases SET expires_at = now() - interval '1 s'")
        .unwrap();
    let after: Vec<String> = reviewers[2]
        .claim(4, lease)
        .unwrap()
        .into_iter()
        .map(|c| c.external_id)
        .collect();
    assert_eq!(
        after,
        ["l-0", "l-1", "l-2", "l-3"],
        "expired leases return their items (l-0 still needs a second review)"
    );
    let held_by_first: Vec<String> = reviewers[0]
        .claim(4, lease)
        .unwrap()
        .into_iter()
        .map(|c| c.external_id)
        .collect();
    assert_eq!(
        held_by_first,
        ["l-1", "l-2", "l-3"],
        "never an item the reviewer decided (l-0), and never a third holder"
    );
}

/// Twenty reviewers claim and approve at full speed until nothing is left; returns each item's
/// reviewers.
fn race(team: &Team, items: usize, k: u32) -> HashMap<String, Vec<String>> {
    team.import(&answer_lines("c", items), k);
    let urls: Vec<String> = (0..20).map(|_| team.reviewer("c", Role::Analyst)).collect();
    let threads: Vec<_> = urls
        .into_iter()
        .map(|url| {
            std::thread::spawn(move || {
                let mut server = TeamServer::connect(&url).unwrap();
                let mut decided = 0;
                loop {
                    let held = server.claim(5, Duration::from_secs(600)).unwrap();
                    if held.is_empty() {
                        return decided;
                    }
                    for item in held {
                        let input = decision(
                            &item.external_id,
                            item.version,
                            server.reviewer(),
                            Action::Approve,
                        );
                        server.decide(&input, None).unwrap_or_else(|e| {
                            panic!("a leased item is decided without a conflict: {e}")
                        });
                        decided += 1;
                    }
                }
            })
        })
        .collect();
    let decided: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(
        decided,
        items * k as usize,
        "every claim ended in a decision"
    );
    let mut by_item: HashMap<String, Vec<String>> = HashMap::new();
    for row in team
        .sql()
        .query(
            "SELECT i.external_id, d.reviewer FROM vetted.decisions d
               JOIN vetted.items i ON i.id = d.item_id",
            &[],
        )
        .unwrap()
    {
        by_item.entry(row.get(0)).or_default().push(row.get(1));
    }
    by_item
}

#[test]
fn twenty_reviewers_at_full_speed_decide_each_item_exactly_k_times() {
    let Some(one) = Team::new("team_race1") else {
        return;
    };
    let by_item = race(&one, 300, 1);
    assert_eq!(by_item.len(), 300, "no item is lost");
    assert!(
        by_item.values().all(|reviewers| reviewers.len() == 1),
        "k = 1: no item decided twice"
    );
    let two = Team::new("team_race2").unwrap();
    let by_item = race(&two, 150, 2);
    assert_eq!(by_item.len(), 150, "no item is lost");
    for (item, reviewers) in &by_item {
        let distinct: HashSet<&String> = reviewers.iter().collect();
        assert_eq!(
            (reviewers.len(), distinct.len()),
            (2, 2),
            "k = 2: {item} gets exactly two distinct reviewers"
        );
    }
    let settled: i64 = two
        .sql()
        .query_one(
            "SELECT count(*) FROM vetted.items WHERE review = 'settled' AND status = 'approved'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(settled, 150, "two agreeing approvals settle each item");
    two.assert_counts_kept("after 20 reviewers at full speed, k = 2");
    one.assert_counts_kept("after 20 reviewers at full speed, k = 1");
}

#[test]
fn reviewers_killed_mid_decision_lose_no_acknowledged_decision() {
    let Some(team) = Team::new("team_kill") else {
        return;
    };
    team.import(&answer_lines("k", 3000), 1);
    let vetted = assert_cmd::cargo::cargo_bin("vetted");
    let out = temp_db();
    let mut clients = Vec::new();
    for client in 0..4 {
        let url = team.reviewer("kill", Role::Analyst);
        let log = out.dir.path().join(format!("acks-{client}.log"));
        // Each client claims and decides through the real CLI, as fast as it can, and appends
        // every acknowledgement the CLI printed.
        let script = format!(
            "while true; do
               items=$('{bin}' --db '{url}' queue --limit 5 --json | grep external_id | cut -d'\"' -f4)
               [ -z \"$items\" ] && exit 0
               for item in $items; do '{bin}' --db '{url}' decide \"$item\" approve >> '{log}'; done
             done",
            bin = vetted.display(),
            log = log.display()
        );
        let child = std::process::Command::new("bash")
            .args(["-c", &script])
            .process_group(0)
            .spawn()
            .unwrap();
        clients.push((child, log));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let mut killed = 0;
    for (child, _) in &mut clients {
        // The client's whole process group: its shell and the `vetted` it is running. A client
        // that already ran out of items has no group left to kill.
        let group = nix::unistd::Pid::from_raw(child.id() as i32);
        match nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL) {
            Ok(()) => killed += 1,
            Err(nix::errno::Errno::ESRCH) => {}
            Err(e) => panic!("kill -9 of client group {group}: {e}"),
        }
        child.wait().unwrap();
    }
    assert!(killed > 0, "the clients were still deciding when killed");
    let mut acknowledged = Vec::new();
    for (_, log) in &clients {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        for line in text.lines().filter(|l| l.ends_with(')')) {
            let id = line
                .rsplit_once("(decision ")
                .map(|(_, rest)| rest.trim_end_matches(')').to_owned())
                .unwrap_or_else(|| panic!("an acknowledgement names its decision: {line}"));
            acknowledged.push(id);
        }
    }
    assert!(
        acknowledged.len() >= 8,
        "the clients decided for a while before the kill ({} acknowledged)",
        acknowledged.len()
    );
    let stored: HashSet<String> = team
        .sql()
        .query("SELECT id FROM vetted.decisions", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "0 acknowledged decisions lost; lost: {lost:?}"
    );
    let decided_twice: i64 = team
        .sql()
        .query_one(
            "SELECT count(*) FROM (SELECT item_id FROM vetted.decisions GROUP BY item_id
                                    HAVING count(*) > 1) twice",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        decided_twice, 0,
        "k = 1: no item decided twice, kills or not"
    );
}

#[test]
fn tls_sessions_check_what_their_sslmode_says() {
    let Some(team) = Team::new("team_tls") else {
        return;
    };
    let (ca, other_ca) = (
        std::env::var("VETTED_TEST_POSTGRES_CA").expect("the test server's CA"),
        std::env::var("VETTED_TEST_POSTGRES_OTHER_CA").expect("a CA the server does not use"),
    );
    let ana = team.reviewer("tls", Role::Analyst);
    // The server's certificate names `localhost` only.
    let by_name = ana.replace("127.0.0.1", "localhost");
    let encrypted = |url: &str| -> bool {
        let mut server = TeamServer::connect(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        server.is_encrypted().unwrap()
    };
    assert!(!encrypted(&ana), "no sslmode: a plain session, as before");
    assert!(
        encrypted(&format!("{by_name}?sslmode=verify-full&sslrootcert={ca}")),
        "verify-full with the server's CA and name"
    );
    assert!(
        encrypted(&format!("{ana}?sslmode=verify-ca&sslrootcert={ca}")),
        "verify-ca ignores the name"
    );
    assert!(
        encrypted(&format!("{ana}?sslmode=require")),
        "require encrypts without checking"
    );

    let refused = |url: String| -> String {
        match TeamServer::connect(&url) {
            Ok(_) => panic!("{url} was accepted"),
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::Server, "{e}");
                e.to_string()
            }
        }
    };
    let wrong_name = refused(format!("{ana}?sslmode=verify-full&sslrootcert={ca}"));
    assert!(
        wrong_name.contains("certificate"),
        "a certificate for another name is refused: {wrong_name}"
    );
    let wrong_ca = refused(format!(
        "{by_name}?sslmode=verify-full&sslrootcert={other_ca}"
    ));
    assert!(
        wrong_ca.contains("certificate"),
        "an unknown issuer is refused: {wrong_ca}"
    );
    let wrong_ca = refused(format!("{ana}?sslmode=require&sslrootcert={other_ca}"));
    assert!(
        wrong_ca.contains("certificate"),
        "require with a root file checks the chain, as libpq: {wrong_ca}"
    );
    let missing = refused(format!(
        "{ana}?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem"
    ));
    assert!(
        missing.contains("/nonexistent/ca.pem"),
        "the file is named: {missing}"
    );
    let prefer = refused(format!("{ana}?sslmode=prefer"));
    assert!(prefer.contains("unencrypted"), "{prefer}");
}

#[test]
fn a_large_import_is_copied_in_batches_and_later_imports_take_fresh_ids() {
    let Some(team) = Team::new("team_batches") else {
        return;
    };
    let db = temp_db();
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let big = db.write_file("big.jsonl", answer_lines("b", 10_500).join("\n") + "\n");
    let size = std::fs::metadata(&big).unwrap().len();
    let mut reports = Vec::new();
    let report = admin
        .import_path_cancellable(&big, 1, &AtomicBool::new(false), &mut |p| reports.push(p))
        .unwrap();
    assert_eq!(report.new, 10_500, "more than one COPY batch of items");
    // Progress after each batch written (10,000 items a batch): items and bytes only grow, and
    // the last report is the whole file.
    assert!(reports.len() >= 2, "a report per batch: {reports:?}");
    assert!(
        reports
            .windows(2)
            .all(|w| w[0].items < w[1].items && w[0].bytes_read <= w[1].bytes_read),
        "{reports:?}"
    );
    let last = reports.last().unwrap();
    assert_eq!(
        (last.items, last.bytes_read, last.bytes_total),
        (10_500, size, Some(size)),
        "the last report is every item and byte of the file"
    );
    let mut sql = team.sql();
    let (items, passages, low, high): (i64, i64, i64, i64) = {
        let row = sql
            .query_one(
                "SELECT (SELECT count(*) FROM vetted.items), (SELECT count(*) FROM vetted.evidence),
                        (SELECT min(id) FROM vetted.items), (SELECT max(id) FROM vetted.items)",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1), row.get(2), row.get(3))
    };
    assert_eq!(
        (items, passages),
        (10_500, 10_500),
        "every item with its passage"
    );
    assert_eq!(high - low + 1, items, "ids are assigned without gaps");
    // One stored item and one new one: the merging path, whose id must not collide.
    let mixed = db.write_file(
        "mixed.jsonl",
        [answer_lines("b", 1), answer_lines("after", 1)]
            .concat()
            .join("\n")
            + "\n",
    );
    let report = admin.import_path(&mixed, 1).unwrap();
    assert_eq!((report.new, report.already_present), (1, 1));
    // The merging path reports while it reads too (every 2,000 items, and once staged).
    let again = db.write_file("again.jsonl", answer_lines("b", 4_100).join("\n") + "\n");
    let mut reports = Vec::new();
    let report = admin
        .import_path_cancellable(&again, 1, &AtomicBool::new(false), &mut |p| reports.push(p))
        .unwrap();
    assert_eq!(report.already_present, 4_100, "{report}");
    assert_eq!(
        reports.iter().map(|p| p.items).collect::<Vec<_>>(),
        [2_000, 4_000, 4_100],
        "the staging read reports its progress"
    );
    assert!(
        reports
            .iter()
            .all(|p| p.bytes_read > 0
                && p.bytes_total == Some(std::fs::metadata(&again).unwrap().len())),
        "{reports:?}"
    );
    // A stored id after a first batch of new items: the new items' batch is reported, then the
    // file is read again to be merged, and the progress never goes back.
    let late = db.write_file(
        "late.jsonl",
        [answer_lines("late", 10_001), answer_lines("b", 1)]
            .concat()
            .join("\n")
            + "\n",
    );
    let size = std::fs::metadata(&late).unwrap().len();
    let mut reports = Vec::new();
    let report = admin
        .import_path_cancellable(&late, 1, &AtomicBool::new(false), &mut |p| reports.push(p))
        .unwrap();
    assert_eq!((report.new, report.already_present), (10_001, 1));
    assert_eq!(
        reports.first().map(|p| p.items),
        Some(10_000),
        "the first batch of new items was written before the stored id showed: {reports:?}"
    );
    assert!(
        reports
            .windows(2)
            .all(|w| w[0].bytes_read <= w[1].bytes_read && w[0].items <= w[1].items),
        "the progress never goes back: {reports:?}"
    );
    let last = reports.last().unwrap();
    assert_eq!((last.items, last.bytes_read), (10_002, size), "{reports:?}");
    let id: i64 = sql
        .query_one(
            "SELECT id FROM vetted.items WHERE external_id = 'after-0'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        id > high,
        "the identity continues after the copied ids ({id} > {high})"
    );
}

#[test]
fn a_watching_client_sees_another_clients_decision_within_a_second() {
    use std::io::BufRead;
    let Some(team) = Team::new("team_live") else {
        return;
    };
    team.import(&answer_lines("w", 3), 1);
    let watcher_url = team.reviewer("watch", Role::Analyst);
    let mut watcher = std::process::Command::new(assert_cmd::cargo::cargo_bin("vetted"))
        .args(["--db", &watcher_url, "team", "watch", "--seconds", "20"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel();
    let stdout = watcher.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(10))
        .expect("the counts at start");
    assert!(first.contains("open 3 · settled 0"), "{first}");

    let mut other = TeamServer::connect(&team.reviewer("other", Role::Analyst)).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // the watcher is listening by now
    let decided = std::time::Instant::now();
    approve(&mut other, "w-1").unwrap();
    let next = lines
        .recv_timeout(Duration::from_secs(1))
        .expect("new counts within a second of the decision, without polling");
    let after = decided.elapsed();
    assert!(next.contains("open 2 · settled 1"), "{next}");
    team.import(&answer_lines("more", 2), 1);
    let next = lines
        .recv_timeout(Duration::from_secs(1))
        .expect("new counts within a second of an import");
    assert!(next.contains("open 4 · settled 1"), "{next}");
    let _ = watcher.kill();
    let _ = watcher.wait();
    eprintln!("decision seen by the watcher after {after:?}");

    // Guidelines, tags and marks are announced too, naming the domain and the item to reload.
    let mut listener = TeamServer::connect(&watcher_url).unwrap();
    listener.listen().unwrap();
    other.add_guideline("finance", "Cite the filing.").unwrap();
    other.add_tag("w-0", "gold").unwrap();
    other.set_do_not_train("w-0", true).unwrap();
    other.set_do_not_train("w-0", false).unwrap();
    // A review form and a claim setting, by an SME (an analyst may change neither).
    let mut sme = TeamServer::connect(&team.reviewer("sme", Role::Sme)).unwrap();
    sme.set_review_form("finance", Some(&rubric())).unwrap();
    sme.set_claim_settings(
        "legal",
        ClaimSettings {
            confirm_approve: false,
        },
    )
    .unwrap();
    // Data products, registered by the SME: one announcement for the batch.
    sme.register_products(&[vetted::products::ProductSource::File(
        crate::support::chinook_path(),
    )])
    .unwrap();
    let mut heard = Vec::new();
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while heard.len() < 7 && std::time::Instant::now() < until {
        heard.extend(listener.changes(Duration::from_millis(500)).unwrap());
    }
    assert_eq!(
        heard,
        [
            Change::Guidelines {
                domain: "finance".into()
            },
            Change::Annotations { item: "w-0".into() },
            Change::Annotations { item: "w-0".into() },
            Change::Annotations { item: "w-0".into() },
            Change::Forms {
                domain: "finance".into()
            },
            Change::Forms {
                domain: "legal".into()
            },
            Change::Products,
        ],
        "a guideline, a tag, a mark and its removal, a form, a claim setting and the products, \
         in order"
    );
    assert_eq!(
        LiveEvent::of(&heard),
        LiveEvent::Changed {
            changes: 7,
            guidelines: vec!["finance".into()],
            annotated: vec!["w-0".into()],
            forms: vec!["finance".into(), "legal".into()],
            products: true,
        },
        "the window is told each domain and item once, and that products changed"
    );
}

/// Pushing again adds the form answers and claim verdicts of events the server holds without
/// them (pushed by a build that kept none there), and refuses other ones; a domain's claim
/// setting goes up only where the server has none.
#[test]
fn a_push_adds_the_feedback_the_server_lacks_and_refuses_other_feedback() {
    let Some(team) = Team::new("team_push_feedback") else {
        return;
    };
    let local = temp_db();
    let mut store = local.open();
    crate::support::import_lines(&local, &mut store, &answer_lines("q", 1));
    store
        .set_review_form("finance", Some(&rubric()), "rita")
        .unwrap();
    let version = store.item("q-0").unwrap().version;
    let claim = store.item_shown("q-0").unwrap().claims[0].text.clone();
    let feedback = Feedback {
        answers: answers(&[("correctness", serde_json::json!(4))]),
        claims: vec![ClaimCheck {
            claim,
            verdict: ClaimVerdict::Supported,
            spans: Vec::new(),
        }],
        pick: None,
    };
    store
        .decide_with(
            &decision("q-0", version, "rita", Action::Approve),
            &feedback,
        )
        .unwrap();
    drop(store);
    // Copies of the database with its feedback changed by hand (the local triggers dropped).
    let copy = |name: &str, change: &str| {
        let path = local.dir.path().join(name);
        std::fs::copy(&local.path, &path).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(change)
            .unwrap();
        path
    };
    let bare = copy(
        "bare.db",
        "DROP TRIGGER form_answers_no_delete; DROP TRIGGER claim_checks_no_delete;
         DELETE FROM form_answers; DELETE FROM claim_checks;",
    );
    let other = copy(
        "other.db",
        "DROP TRIGGER form_answers_no_update; UPDATE form_answers SET value = '2';",
    );
    let held = |team: &Team| -> (i64, i64) {
        let row = team
            .sql()
            .query_one(
                "SELECT (SELECT count(*) FROM vetted.form_answers),
                        (SELECT count(*) FROM vetted.claim_checks)",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };

    // A claim setting the server has for a domain stays in force; one it lacks is pushed.
    let mut local_store = local.open();
    let off = ClaimSettings {
        confirm_approve: false,
    };
    local_store
        .set_claim_settings("finance", off, "rita")
        .unwrap();
    local_store
        .set_claim_settings("legal", off, "rita")
        .unwrap();
    drop(local_store);
    team.sql()
        .batch_execute(
            "INSERT INTO vetted.claim_settings (domain, confirm_approve) VALUES ('finance', true)",
        )
        .unwrap();
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    assert_eq!(admin.push(&bare).unwrap().events, 1);
    assert_eq!(held(&team), (0, 0), "the event went up without feedback");
    let again = admin.push(&local.path).unwrap();
    assert_eq!(again.events, 0, "the event is the server's already");
    assert_eq!(held(&team), (1, 1), "its answer and verdict are added");
    assert_eq!(
        (
            admin.claim_settings("finance").unwrap(),
            admin.claim_settings("legal").unwrap()
        ),
        (ClaimSettings::default(), off),
        "the server's own setting stays; the one it lacked came"
    );
    admin.push(&local.path).unwrap();
    assert_eq!(held(&team), (1, 1), "pushing again adds nothing");
    let err = admin.push(&other).unwrap_err();
    assert!(
        err.to_string()
            .contains("has other form answers or claim verdicts on the server"),
        "{err}"
    );
}

#[test]
fn a_pushed_local_database_keeps_its_log_and_pushing_again_adds_nothing() {
    let Some(team) = Team::new("team_push") else {
        return;
    };
    let local = temp_db();
    let mut store = local.open();
    crate::support::import_lines(&local, &mut store, &answer_lines("p", 4));
    store
        .set_overlap(&vetted::store::OverlapScope::Default, 2)
        .unwrap();
    let decide = |store: &mut Store, item: &str, reviewer: &str, action: Action| {
        let version = store.item(item).unwrap().version;
        let mut input = decision(item, version, reviewer, action);
        if action == Action::Edit {
            input.edited = Some(EditedContent::Answer {
                answer: "a corrected answer".into(),
            });
        }
        store.decide(&input).unwrap()
    };
    decide(&mut store, "p-0", "rita", Action::Approve);
    decide(&mut store, "p-0", "sam", Action::Approve);
    decide(&mut store, "p-1", "rita", Action::Edit);
    decide(&mut store, "p-1", "sam", Action::Reject);
    decide(&mut store, "p-2", "rita", Action::Reject);
    store
        .undo(&uuid::Uuid::now_v7().to_string(), "rita")
        .unwrap()
        .expect("rita's reject of p-2 is undone");
    // Annotations and guidelines: a tag, a mark, a guideline, a promoted note, an archived one.
    store.add_tag("p-0", "Tricky").unwrap();
    store.set_do_not_train("p-3", "rita", true).unwrap();
    store
        .add_guideline("finance", "Cite the filing.", "rita")
        .unwrap();
    let p3 = store.item("p-3").unwrap().version;
    let mut noted = decision("p-3", p3, "sam", Action::NeedsSme);
    noted.note = Some("Q3 means the fiscal quarter.".into());
    let noted = store.decide(&noted).unwrap();
    store.promote_note(&noted.id, "sam").unwrap();
    let gone = store
        .add_guideline("finance", "An old rule.", "sam")
        .unwrap();
    store.archive_guideline(gone.id, "sam").unwrap();
    drop(store);

    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let report = admin.push(&local.path).unwrap();
    assert_eq!(
        (report.items.new, report.events, report.annotations),
        (4, 7, 5),
        "every item, event, tag, mark and guideline: {report:?}"
    );
    let mut sql = team.sql();
    let rows = |sql: &mut Client, query: &str| -> Vec<String> {
        sql.query(query, &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(
        rows(
            &mut sql,
            "SELECT i.external_id || ' ' || t.tag FROM vetted.item_tags t
               JOIN vetted.items i ON i.id = t.item_id"
        ),
        ["p-0 tricky"]
    );
    assert_eq!(
        rows(
            &mut sql,
            "SELECT i.external_id || ' ' || n.marked_by FROM vetted.do_not_train n
               JOIN vetted.items i ON i.id = n.item_id"
        ),
        ["p-3 rita"],
        "the mark keeps who set it"
    );
    assert_eq!(
        rows(
            &mut sql,
            "SELECT concat_ws(' | ', g.created_by, g.body, i.external_id, g.archived::text)
               FROM vetted.guidelines g LEFT JOIN vetted.items i ON i.id = g.source_item
              ORDER BY g.id"
        ),
        [
            "rita | Cite the filing. | false",
            "sam | Q3 means the fiscal quarter. | p-3 | false",
            "sam | An old rule. | true",
        ],
        "the guidelines keep their authors, links and state"
    );
    let store = local.open();
    for item in ["p-0", "p-1", "p-2", "p-3"] {
        let shape = |d: &Decision| {
            (
                d.id.clone(),
                d.reviewer.clone(),
                d.action,
                d.edited.clone(),
                d.reason.clone(),
                d.reverts.clone(),
                d.decided_at,
                d.edit_distance,
            )
        };
        let here: Vec<_> = store.history(item).unwrap().iter().map(shape).collect();
        let there: Vec<_> = admin.history(item).unwrap().iter().map(shape).collect();
        assert_eq!(
            here, there,
            "{item}: the same log, in the same order, with the same ids"
        );
    }
    for item in ["p-0", "p-1", "p-2", "p-3"] {
        let local_item = store.item(item).unwrap();
        let row = sql
            .query_one(
                "SELECT status, required_reviews FROM vetted.items WHERE external_id = $1",
                &[&item],
            )
            .unwrap();
        let (status, k): (String, i32) = (row.get(0), row.get(1));
        assert_eq!(
            (status.as_str(), k),
            (
                serde_json::to_value(local_item.status)
                    .unwrap()
                    .as_str()
                    .unwrap(),
                2
            ),
            "{item}: the same projection and overlap"
        );
    }
    let again = admin.push(&local.path).unwrap();
    assert_eq!(
        (
            again.items.new,
            again.items.already_present,
            again.events,
            again.already_there
        ),
        (0, 4, 0, 7),
        "pushing again adds nothing"
    );
    assert_eq!(again.annotations, 0, "nor annotations");
    // A guideline edited locally since takes its new text on the next push.
    let mut store = local.open();
    let first = store.guidelines("finance").unwrap()[0].clone();
    store
        .update_guideline(first.id, "Cite the 10-Q filing.", "sam")
        .unwrap();
    drop(store);
    assert_eq!(admin.push(&local.path).unwrap().annotations, 1);
    assert_eq!(
        rows(
            &mut sql,
            "SELECT body || ' by ' || updated_by FROM vetted.guidelines WHERE created_by = 'rita'"
        ),
        ["Cite the 10-Q filing. by sam"]
    );
    // A note promoted on the server first and locally later: the server's entry stays, and
    // the push goes through.
    let mut store = local.open();
    let version = store.item("p-2").unwrap().version;
    let mut asked = decision("p-2", version, "sam", Action::NeedsSme);
    asked.note = Some("Ask finance which quarter.".into());
    let asked = store.decide(&asked).unwrap();
    drop(store);
    admin.push(&local.path).unwrap();
    let on_server_first = admin.promote_note(&asked.id).unwrap();
    local.open().promote_note(&asked.id, "sam").unwrap();
    admin
        .push(&local.path)
        .expect("a note the server promoted first does not block the push");
    assert_eq!(
        rows(
            &mut sql,
            &format!(
                "SELECT id::text FROM vetted.guidelines WHERE source_decision = '{}'",
                asked.id
            )
        ),
        [on_server_first.id.to_string()],
        "one entry for the note: the server's"
    );
    // An item the server holds with other content refuses the whole push.
    let other = temp_db();
    let mut other_store = other.open();
    crate::support::import_lines(
        &other,
        &mut other_store,
        &[
            answer_line("p-0", "other content"),
            answer_line("q-0", "new"),
        ],
    );
    drop(other_store);
    let err = admin.push(&other.path).unwrap_err();
    assert!(
        err.to_string().contains("'p-0' with other content"),
        "{err}"
    );
    let items: i64 = sql
        .query_one("SELECT count(*) FROM vetted.items", &[])
        .unwrap()
        .get(0);
    assert_eq!(items, 4, "a refused push writes nothing");
    // A reviewer's next event sorts after everything pushed.
    let mut rita = TeamServer::connect(&team.reviewer("rita", Role::Analyst)).unwrap();
    approve(&mut rita, "p-3").unwrap();
    let last: String = sql
        .query_one(
            "SELECT i.external_id FROM vetted.decisions d JOIN vetted.items i ON i.id = d.item_id
              ORDER BY d.clock DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        last, "p-3",
        "the server's clock continues after the pushed clocks"
    );
}

#[test]
fn local_to_server_to_snapshot_loses_nothing() {
    let Some(team) = Team::new("team_roundtrip") else {
        return;
    };
    let local = temp_db();
    let mut store = local.open();
    crate::support::import_lines(&local, &mut store, &answer_lines("r", 5));
    for (item, action) in [
        ("r-0", Action::Approve),
        ("r-1", Action::Edit),
        ("r-2", Action::Reject),
        ("r-3", Action::Approve),
    ] {
        let version = store.item(item).unwrap().version;
        let mut input = decision(item, version, "rita", action);
        if action == Action::Edit {
            input.edited = Some(EditedContent::Answer {
                answer: "answer number 1, as the report states it".into(),
            });
        }
        store.decide(&input).unwrap();
    }
    store
        .undo(&uuid::Uuid::now_v7().to_string(), "rita")
        .unwrap();
    store.add_tag("r-0", "gold").unwrap();
    store.set_do_not_train("r-3", "rita", true).unwrap();
    store
        .add_guideline("finance", "Cite the filing.", "rita")
        .unwrap();
    let old = store
        .add_guideline("finance", "An old rule.", "rita")
        .unwrap();
    store.archive_guideline(old.id, "rita").unwrap();
    // A form, its retirement and a new version; the asked decision answers it with verdicts.
    store
        .set_review_form("finance", Some(&rubric()[..1]), "rita")
        .unwrap();
    store.set_review_form("finance", None, "rita").unwrap();
    store
        .set_review_form("finance", Some(&rubric()), "rita")
        .unwrap();
    let claim = store.item_shown("r-4").unwrap().claims[0].clone();
    let version = store.item("r-4").unwrap().version;
    let mut asked = decision("r-4", version, "rita", Action::NeedsSme);
    asked.note = Some("Which quarter?".into());
    let feedback = Feedback {
        answers: answers(&[
            ("correctness", serde_json::json!(3)),
            ("issues", serde_json::json!(["outdated", "hallucination"])),
        ]),
        claims: vec![ClaimCheck {
            claim: claim.text,
            verdict: ClaimVerdict::Contradicted,
            spans: claim.hint.into_iter().collect(),
        }],
        pick: None,
    };
    let asked = store.decide_with(&asked, &feedback).unwrap();
    store.promote_note(&asked.id, "rita").unwrap();
    let off = ClaimSettings {
        confirm_approve: false,
    };
    store.set_claim_settings("finance", off, "rita").unwrap();
    store
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    drop(store);

    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    admin.push(&local.path).unwrap();
    let snapshot = local.dir.path().join("snapshot.db");
    let out = succeeded(
        on_server(&team.admin)
            .args(["backup", "--out"])
            .arg(&snapshot),
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("5 items, 6 events"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (original, copy) = (local.open(), Store::open(&snapshot).unwrap());
    assert_eq!(
        copy.every_tag().unwrap(),
        original.every_tag().unwrap(),
        "the tags"
    );
    assert_eq!(
        copy.every_do_not_train().unwrap(),
        original.every_do_not_train().unwrap(),
        "the do-not-train marks, with who set them and when"
    );
    let guidelines = |store: &Store| {
        store
            .every_guideline()
            .unwrap()
            .into_iter()
            .map(|(mut g, archived)| {
                g.id = 0;
                (g, archived)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        guidelines(&copy),
        guidelines(&original),
        "the guidelines, archived ones too, with their authors, times and links"
    );
    let forms = |store: &Store| {
        let mut versions = store.review_form_versions("finance").unwrap();
        versions.iter_mut().for_each(|f| f.id = 0);
        versions
    };
    assert_eq!(
        forms(&copy),
        forms(&original),
        "both form versions, as written"
    );
    assert_eq!(
        forms(&copy).len(),
        3,
        "a version, its retirement, a version"
    );
    assert_eq!(
        copy.form_answers("r-4").unwrap(),
        original.form_answers("r-4").unwrap(),
        "the answers, under the version they were given under"
    );
    assert_eq!(
        copy.claim_checks("r-4").unwrap(),
        original.claim_checks("r-4").unwrap(),
        "the claim verdicts, with their spans"
    );
    assert_eq!(
        copy.claim_checks("r-4").unwrap()[0].claims.len(),
        1,
        "a verdict travelled"
    );
    assert_eq!(
        copy.every_claim_setting().unwrap(),
        original.every_claim_setting().unwrap(),
        "the claim setting, with who changed it and when"
    );
    assert_eq!(copy.claim_settings("finance").unwrap(), off);
    assert_eq!(
        copy.products().unwrap(),
        original.products().unwrap(),
        "the data products, with their schemas, samples and registration times"
    );
    assert!(!copy.products().unwrap().is_empty(), "products travelled");
    let on_the_server = admin.stats().unwrap();
    let local_stats = original.stats().unwrap();
    assert_eq!(
        (on_the_server.forms, on_the_server.claims),
        (local_stats.forms, local_stats.claims),
        "the form and claim figures on the server are the local ones"
    );
    assert!(
        guidelines(&copy)
            .iter()
            .any(|(g, _)| g.source_item.as_deref() == Some("r-4")
                && g.source_decision.as_deref() == Some(asked.id.as_str())),
        "the promoted note keeps its links"
    );
    // Everything but `item_version`, which a merge (sync or snapshot) records as of the merge:
    // bundles do not carry it.
    let log = |store: &Store, item: &str| -> Vec<Decision> {
        let mut log = store.history(item).unwrap();
        log.iter_mut().for_each(|d| d.item_version = 0);
        log
    };
    for n in 0..5 {
        let item = format!("r-{n}");
        assert_eq!(
            log(&original, &item),
            log(&copy, &item),
            "{item}: the same log after local → server → snapshot"
        );
        assert_eq!(
            original.item(&item).unwrap().status,
            copy.item(&item).unwrap().status,
            "{item}: the same state"
        );
    }
    for format in ["trl-sft", "trl-kto", "decisions"] {
        let export = |db: &std::path::Path, name: &str| {
            let path = local.dir.path().join(name);
            succeeded(
                crate::support::vetted(db)
                    .args(["export", "--format", format, "--out"])
                    .arg(&path),
            );
            std::fs::read(&path).unwrap()
        };
        let before = export(&local.path, &format!("before-{format}.jsonl"));
        let after = export(&snapshot, &format!("after-{format}.jsonl"));
        assert!(!before.is_empty(), "{format}: the export has rows");
        assert_eq!(
            before, after,
            "{format}: the same export bytes from the snapshot"
        );
        let on_the_server = local.dir.path().join(format!("server-{format}.jsonl"));
        succeeded(
            on_server(&team.admin)
                .args(["export", "--format", format, "--out"])
                .arg(&on_the_server),
        );
        assert_eq!(
            std::fs::read(&on_the_server).unwrap(),
            before,
            "{format}: the same export bytes straight from the server"
        );
    }
    assert_no_snapshot_left(local.dir.path());
    let err = on_server(&team.admin)
        .args(["backup", "--out"])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert!(
        !err.status.success(),
        "an existing file is never overwritten"
    );
}

/// The stats dashboard on the server: the figures a local database shows of a log are the ones
/// the server shows of the same log pushed up (decisions per day and reviewer, outcomes, reasons,
/// edit distances, burn-down, agreement with its κ and α, comparisons' picks, the vetter), from
/// the core and from `vetted stats`; under blind review a reviewer's figures leave out others'
/// decisions on an item until they decided it.
#[test]
fn the_stats_on_the_server_are_the_local_stats_of_the_same_log() {
    let Some(team) = Team::new("team_stats") else {
        return;
    };
    // Three reviewers with agreements, disagreements, an undo and a changed mind (see the
    // fixture's table), and two comparisons two reviewers picked on: apart on c-0, alike on c-1.
    let local = crate::stats::reviewed_db();
    let mut store = local.open();
    let lines =
        ["c-0", "c-1"].map(|id| crate::comparisons::comparison_line(id, crate::comparisons::THREE));
    crate::support::import_lines(&local, &mut store, &lines);
    for (item, reviewer, picked) in [
        ("c-0", "ana", Pick::Best(0)),
        ("c-0", "ben", Pick::Best(1)),
        ("c-1", "ana", Pick::Tie),
        ("c-1", "ben", Pick::Tie),
    ] {
        let version = store.item(item).unwrap().version;
        let feedback = Feedback {
            pick: Some(picked),
            ..Default::default()
        };
        store
            .decide_with(
                &decision(item, version, reviewer, Action::Approve),
                &feedback,
            )
            .unwrap();
    }
    let expected = store.stats().unwrap();
    drop(store);
    assert!(
        expected.agreement.overall.items == 4
            && expected.agreement.picks.items == 2
            && expected.agreement.by_pair.len() == 3
            && expected.reject_reasons.len() >= 2
            && expected.edit_distance.edits == 1
            && !expected.vetter.is_empty(),
        "the fixture exercises every figure: {expected:#?}"
    );

    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    admin.push(&local.path).unwrap();
    assert_eq!(
        admin.stats().unwrap(),
        expected,
        "the server's figures of the pushed log are the local ones"
    );
    assert_eq!(
        crate::support::json_of(on_server(&team.admin).args(["stats", "--json"])),
        crate::support::json_of(crate::support::vetted(&local.path).args(["stats", "--json"])),
        "`vetted stats --json` says the same on the server"
    );
    let vetter = succeeded(on_server(&team.admin).args(["stats", "--vetter"]));
    assert!(
        String::from_utf8_lossy(&vetter.stdout).contains("vetter-1"),
        "`stats --vetter` on the server: {}",
        String::from_utf8_lossy(&vetter.stdout)
    );

    // Blind review: bob's decision on b-0 (k = 2), and bob's and carl's rejections settling b-1,
    // are out of maria's figures about reviewers' work until she decides the item; the figures
    // about items (outcomes, reasons, the burn-down) are of every item, as the counts are.
    team.import(&answer_lines("b", 2), 2);
    let mut bob = TeamServer::connect(&team.reviewer("bob", Role::Analyst)).unwrap();
    let mut carl = TeamServer::connect(&team.reviewer("carl", Role::Analyst)).unwrap();
    let mut maria = TeamServer::connect(&team.reviewer("maria", Role::Analyst)).unwrap();
    approve(&mut bob, "b-0").unwrap();
    for reviewer in [&mut bob, &mut carl] {
        let (_, version) = reviewer.item_version("b-1").unwrap();
        let name = reviewer.reviewer().to_owned();
        reviewer
            .decide(&decision("b-1", version, &name, Action::Reject), None)
            .unwrap();
    }
    let before = expected.decisions;
    let all = admin.stats().unwrap();
    assert_eq!(all.decisions, before + 3, "the owner reads all");
    let hidden = maria.stats().unwrap();
    assert_eq!(
        hidden.decisions, before,
        "the blind reviews are hidden from maria"
    );
    assert!(
        hidden
            .decisions_by_reviewer
            .iter()
            .all(|r| r.reviewer != bob.reviewer() && r.reviewer != carl.reviewer()),
        "bob and carl are not among maria's reviewers yet: {:?}",
        hidden.decisions_by_reviewer
    );
    assert_eq!(
        (&hidden.items, &hidden.reject_reasons, &hidden.burn_down),
        (&all.items, &all.reject_reasons, &all.burn_down),
        "maria's item figures are every item's"
    );
    assert_eq!(
        (
            &hidden.edit_distance,
            &hidden.outcomes_by_model,
            &hidden.vetter
        ),
        (&all.edit_distance, &all.outcomes_by_model, &all.vetter),
        "maria's item figures are every item's"
    );
    approve(&mut maria, "b-0").unwrap();
    let seen = maria.stats().unwrap();
    assert_eq!(
        seen.decisions,
        before + 2,
        "having decided b-0, maria reads bob's decision there too (b-1 stays hidden)"
    );
    assert_eq!(
        seen.agreement.overall.items,
        expected.agreement.overall.items + 1,
        "b-0 now counts for agreement"
    );
}

/// No partial snapshot file (nor any other hidden file) is left in `dir`.
fn assert_no_snapshot_left(dir: &std::path::Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        left.is_empty(),
        "nothing temporary is left behind: {left:?}"
    );
}

#[test]
fn a_snapshot_streams_the_server_in_batches_and_a_cancel_leaves_nothing() {
    let Some(team) = Team::new("team_snapshot_batches") else {
        return;
    };
    let n = 2 * ROWS_PER_READ as usize + 500;
    team.import(&answer_lines("s", n), 1);
    let sme = team.reviewer("snap", Role::Sme);
    let mut server = TeamServer::connect(&sme).unwrap();
    let last = format!("s-{}", n - 1);
    for item in ["s-0", "s-1", last.as_str()] {
        approve(&mut server, item).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.db");
    let mut reports = Vec::new();
    let report = server
        .snapshot(&out, &mut |p| reports.push(p), &AtomicBool::new(false))
        .unwrap();
    assert_eq!(
        (report.items_added, report.decisions_added),
        (n, 3),
        "every item and event"
    );
    let rows = (n + 3) as u64;
    assert_eq!(
        reports.last(),
        Some(&Progress {
            done: rows,
            total: rows
        }),
        "progress ends at every row read"
    );
    assert!(
        reports.len() >= 5 && reports.windows(2).all(|w| w[0].done < w[1].done),
        "one report per batch of {ROWS_PER_READ} rows (3 of items, 1 of events), growing: \
         {reports:?}"
    );
    let copy = Store::open(&out).unwrap();
    for (item, status) in [
        ("s-1", ItemStatus::Approved),
        ("s-2", ItemStatus::Pending),
        (last.as_str(), ItemStatus::Approved),
    ] {
        assert_eq!(
            copy.item(item).unwrap().status,
            status,
            "{item} in the snapshot"
        );
    }

    // Cancelled in the second batch: no file, and the session goes on.
    let cancel = AtomicBool::new(false);
    let cancelled = dir.path().join("cancelled.db");
    let err = server
        .snapshot(
            &cancelled,
            &mut |p| {
                if p.done >= ROWS_PER_READ as u64 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert!(!cancelled.exists(), "a cancelled snapshot writes no file");
    assert_no_snapshot_left(dir.path());
    approve(&mut server, "s-2").expect("the session still decides after a cancel");

    // What an export reads: a snapshot in a folder of its own, gone when it is dropped.
    let temporary = server
        .temporary_snapshot(
            &SnapshotScope::Everything,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    let folder = temporary.path().parent().unwrap().to_owned();
    assert_eq!(
        Store::open(temporary.path())
            .unwrap()
            .item("s-2")
            .unwrap()
            .status,
        ItemStatus::Approved,
        "the temporary snapshot is one of now"
    );
    drop(temporary);
    assert!(
        !folder.exists(),
        "the temporary snapshot goes with its folder"
    );

    // The app's export job: a temporary snapshot, exported, then deleted.
    let request = ExportRequest {
        format: Format::TrlSft,
        pii: PiiMode::Redact,
        val_fraction: 0.0,
        kinds: Vec::new(),
        domains: Vec::new(),
        models: Vec::new(),
        tags: Vec::new(),
        include_ties: false,
    };
    let from_app = dir.path().join("app.jsonl");
    let mut ticks = Vec::new();
    let summary = tasks::export_from_server(sme.clone(), None, request, from_app.clone())(
        &mut |t| ticks.push(t.done),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(summary.starts_with("4 lines written"), "{summary}");
    assert!(
        ticks.windows(2).all(|w| w[0] <= w[1]) && ticks.last() == Some(&1000),
        "one bar from reading to writing: {ticks:?}"
    );
    let from_cli = dir.path().join("cli.jsonl");
    succeeded(
        on_server(&sme)
            .args(["export", "--format", "trl-sft", "--out"])
            .arg(&from_cli),
    );
    assert_eq!(
        std::fs::read(&from_app).unwrap(),
        std::fs::read(&from_cli).unwrap(),
        "the app and the CLI export the same bytes"
    );
    assert_no_snapshot_left(dir.path());
}

#[test]
fn an_offline_laptops_bundle_merges_into_the_server_as_into_a_file() {
    let Some(team) = Team::new("team_bundle") else {
        return;
    };
    team.import(&answer_lines("o", 3), 1);
    // The laptop took a snapshot, worked offline, and packs what it decided.
    let laptop = temp_db();
    succeeded(
        on_server(&team.admin)
            .args(["backup", "--out"])
            .arg(&laptop.path),
    );
    let mut store = laptop.open();
    for (item, action) in [("o-0", Action::Approve), ("o-1", Action::Reject)] {
        let version = store.item(item).unwrap().version;
        store
            .decide(&decision(item, version, "dana", action))
            .unwrap();
    }
    drop(store);
    let bundle = laptop.dir.path().join("offline.json");
    crate::support::vetted(&laptop.path)
        .args(["sync", "pack", "--out"])
        .arg(&bundle)
        .assert()
        .success();
    let merged = on_server(&team.admin)
        .args(["sync", "merge"])
        .arg(&bundle)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&merged.stdout);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert!(text.contains("events 2 new"), "{text}");
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let there = admin.history("o-1").unwrap();
    let here = laptop.open().history("o-1").unwrap();
    assert_eq!(
        there
            .iter()
            .map(|d| (&d.id, &d.reviewer, d.action, d.decided_at))
            .collect::<Vec<_>>(),
        here.iter()
            .map(|d| (&d.id, &d.reviewer, d.action, d.decided_at))
            .collect::<Vec<_>>(),
        "the laptop's decision, as it was made"
    );
    let again = on_server(&team.admin)
        .args(["sync", "merge"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("events 0 new, 2 already there"),
        "merging again adds nothing: {}",
        String::from_utf8_lossy(&again.stdout)
    );
    // Only the schema's owner records others' events as they were.
    let ana = team.reviewer("ana", Role::Analyst);
    let refused = on_server(&ana)
        .args(["sync", "merge"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "a reviewer cannot merge others' events"
    );
    // An event whose id the server holds with other content refuses the whole bundle.
    let mut altered: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    altered["decisions"][0]["clock"] = serde_json::json!(999_999);
    let altered_path = laptop.dir.path().join("altered.json");
    std::fs::write(&altered_path, altered.to_string()).unwrap();
    let err = admin.merge_bundle(&altered_path).unwrap_err();
    assert!(
        err.to_string()
            .contains("differs from the event with that id on the server"),
        "{err}"
    );
    // A push names a database that exists; it never creates one.
    let missing = laptop.dir.path().join("typo.db");
    let err = admin.push(&missing).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingDatabase, "{err}");
    assert!(!missing.exists(), "nothing was created");
    // Standard input cannot be read twice, which an import with stored ids needs.
    let err = admin.import_path(std::path::Path::new("-"), 1).unwrap_err();
    assert!(err.to_string().contains("not standard input"), "{err}");
}

#[test]
fn an_adjudicator_lists_the_conflicts_and_settles_them_on_the_server() {
    let Some(team) = Team::new("team_conflicts") else {
        return;
    };
    team.import(&answer_lines("x", 2), 2);
    let mut one = TeamServer::connect(&team.reviewer("one", Role::Analyst)).unwrap();
    let mut two = TeamServer::connect(&team.reviewer("two", Role::Sme)).unwrap();
    approve(&mut one, "x-0").unwrap();
    let (_, version) = two.item_version("x-0").unwrap();
    two.decide(
        &decision("x-0", version, two.reviewer(), Action::Reject),
        None,
    )
    .unwrap();
    let judge = team.reviewer("judge", Role::Adjudicator);
    let listed = on_server(&judge)
        .args(["adjudication", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        text.contains("x-0")
            && text.contains(&format!("{}: approve", one.reviewer()))
            && text.contains(&format!("{}: reject", two.reviewer())),
        "the conflict with both reviews: {text}"
    );
    assert!(!text.contains("x-1"), "only items in conflict: {text}");
    // A reviewer who has not reviewed it sees the item, not the reviews.
    let outsider = team.reviewer("outsider", Role::Analyst);
    let seen = on_server(&outsider)
        .args(["adjudication", "list"])
        .output()
        .unwrap();
    let seen = String::from_utf8_lossy(&seen.stdout);
    assert!(
        seen.contains("x-0") && !seen.contains("approve"),
        "blind review holds in the list too: {seen}"
    );
    // The app's adjudication panel: the reviews that count, side by side, by reviewer.
    let case = TeamServer::connect(&judge)
        .unwrap()
        .adjudication_case("x-0")
        .unwrap();
    let mut expected = vec![
        (one.reviewer().to_owned(), Action::Approve),
        (two.reviewer().to_owned(), Action::Reject),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let reviews: Vec<(String, Action)> = case
        .decisions
        .iter()
        .map(|d| (d.reviewer.clone(), d.action))
        .collect();
    assert_eq!(reviews, expected, "both reviews, by reviewer");
    assert_eq!(case.entry.external_id, "x-0");
    let blind = TeamServer::connect(&outsider)
        .unwrap()
        .adjudication_case("x-0")
        .unwrap();
    assert!(
        blind.decisions.is_empty(),
        "blind review holds in the panel: {:?}",
        blind.decisions
    );
    on_server(&judge)
        .args(["decide", "x-0", "approve", "--adjudicate"])
        .assert()
        .success();
    let after = on_server(&judge)
        .args(["adjudication", "list"])
        .output()
        .unwrap();
    team.assert_counts_kept("after a conflict and its adjudication");
    assert!(
        String::from_utf8_lossy(&after.stdout).contains("no item awaits adjudication"),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
}

/// `(host, port, database)` of a server URL `postgres://USER@HOST:PORT/DATABASE`.
fn address_parts(url: &str) -> (String, u16, String) {
    let (_, rest) = url.split_once('@').unwrap();
    let (host_port, database) = rest.split_once('/').unwrap();
    let (host, port) = host_port.rsplit_once(':').unwrap();
    (host.into(), port.parse().unwrap(), database.into())
}

fn login_of(url: &str) -> &str {
    let (scheme_user, _) = url.split_once('@').unwrap();
    scheme_user.split_once("://").unwrap().1
}

#[test]
fn the_review_screen_reads_the_server_as_it_reads_a_file() {
    let Some(team) = Team::new("team_screen") else {
        return;
    };
    // q-5's vetter is less sure, q-6's flags it: the confident-vetter filter tells them apart.
    let mut lines = answer_lines("q", 15);
    lines[5] = lines[5].replace("\"score\":0.9", "\"score\":0.5");
    lines[6] = lines[6].replace("\"verdict\":\"pass\"", "\"verdict\":\"flag\"");
    assert!(
        lines[5].contains("0.5") && lines[6].contains("flag"),
        "{lines:?}"
    );
    team.import(&lines, 1);
    let local = temp_db();
    let file = local.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = local.open();
    store.import_path(&file).unwrap();

    let sme = team.reviewer("maria", Role::Sme);
    let mut maria = TeamServer::connect(&sme).unwrap();
    assert_eq!(
        maria.role().unwrap(),
        Some(Role::Sme),
        "the role is the login's group"
    );
    let adjudicator = team.reviewer("ada", Role::Adjudicator);
    assert_eq!(
        TeamServer::connect(&adjudicator).unwrap().role().unwrap(),
        Some(Role::Adjudicator)
    );

    // The Pending tab claims: a batch of CLAIM_BATCH, oldest first, in one page.
    let pending = QueueFilter {
        status: Some(ItemStatus::Pending),
        awaiting: Some(maria.reviewer().to_owned()),
        ..QueueFilter::default()
    };
    let ids = |page: &QueuePage| -> Vec<String> {
        page.entries.iter().map(|e| e.external_id.clone()).collect()
    };
    let page = maria.queue_page(&pending, None, 50).unwrap();
    let first_ten: Vec<String> = (0..10).map(|i| format!("q-{i}")).collect();
    assert_eq!(
        ids(&page),
        first_ten,
        "the queue is the batch the server leased"
    );
    let leased: i64 = team
        .sql()
        .query_one(
            "SELECT count(*) FROM vetted.leases WHERE reviewer = $1",
            &[&login_of(&sme)],
        )
        .unwrap()
        .get(0);
    assert_eq!(leased, i64::from(CLAIM_BATCH), "every item shown is leased");
    assert!(page.next_after.is_none(), "the batch is one page");
    let again = maria.queue_page(&pending, None, 50).unwrap();
    assert_eq!(
        ids(&again),
        first_ten,
        "loading again renews, never hands out more"
    );
    approve(&mut maria, "q-0").unwrap();
    let topped_up = maria.queue_page(&pending, None, 50).unwrap();
    assert_eq!(
        ids(&topped_up),
        (1..11).map(|i| format!("q-{i}")).collect::<Vec<_>>(),
        "a decided item leaves the batch and the next one is claimed"
    );
    assert_eq!(
        topped_up.entries[0].verdict,
        Some(Verdict::Pass),
        "rows carry the vetting verdict"
    );

    // Other tabs browse, with pages and filters.
    let all = QueueFilter::default();
    let first = maria.queue_page(&all, None, 6).unwrap();
    let second = maria.queue_page(&all, first.next_after, 6).unwrap();
    let third = maria.queue_page(&all, second.next_after, 6).unwrap();
    let mut every = ids(&first);
    every.extend(ids(&second));
    every.extend(ids(&third));
    assert_eq!(
        every.len(),
        15,
        "three pages cover every item once: {every:?}"
    );
    assert!(third.next_after.is_none(), "the last page says so");
    let approved = QueueFilter {
        status: Some(ItemStatus::Approved),
        ..QueueFilter::default()
    };
    assert_eq!(
        ids(&maria.queue_page(&approved, None, 50).unwrap()),
        ["q-0"]
    );
    let newest = QueueFilter {
        sort: QueueSort::Newest,
        ..QueueFilter::default()
    };
    assert_eq!(ids(&maria.queue_page(&newest, None, 1).unwrap()), ["q-14"]);
    let elsewhere = QueueFilter {
        domain: Some("no-such-domain".into()),
        ..QueueFilter::default()
    };
    assert!(
        maria
            .queue_page(&elsewhere, None, 50)
            .unwrap()
            .entries
            .is_empty()
    );

    team.assert_counts_kept("after approvals and an edit");
    // Many changes are folded into one row per status and state when counted.
    team.sql()
        .batch_execute(
            "INSERT INTO vetted.item_count_changes
             SELECT 'pending', 'open', 0 FROM generate_series(1, 1200)",
        )
        .unwrap();
    team.assert_counts_kept("with 1,200 more changes");
    let rows: i64 = team
        .sql()
        .query_one("SELECT count(*) FROM vetted.item_count_changes", &[])
        .unwrap()
        .get(0);
    assert!(
        rows <= 5,
        "folded into a row per status and state: {rows} rows"
    );
    let deleting = team
        .sql()
        .batch_execute("DELETE FROM vetted.items WHERE external_id = 'q-14'")
        .unwrap_err();
    assert!(
        deleting.to_string().contains("never deleted")
            || format!("{deleting:?}").contains("never deleted"),
        "items are kept, so the counts stay true: {deleting:?}"
    );
    let counts = maria.status_counts(&all).unwrap();
    assert_eq!(
        (counts.pending, counts.approved, counts.conflict),
        (14, 1, 0)
    );
    assert_eq!(
        maria.status_counts(&elsewhere).unwrap(),
        StatusCounts::default(),
        "the counts follow the filter's criteria"
    );
    // The reviewer and confident-vetter filters select what they select on a file with the
    // same decisions: maria approved q-0 there too.
    let version = store.item("q-0").unwrap().version;
    store
        .decide(&decision("q-0", version, maria.reviewer(), Action::Approve))
        .unwrap();
    let confident = |min_score| vetted::store::ConfidentPass {
        model: "vetter-1".into(),
        min_score,
    };
    for (label, filter) in [
        (
            "by maria",
            QueueFilter {
                reviewer: Some(maria.reviewer().to_owned()),
                ..QueueFilter::default()
            },
        ),
        (
            "by nobody",
            QueueFilter {
                reviewer: Some("bob".into()),
                ..QueueFilter::default()
            },
        ),
        (
            "vetter sure at 0.9",
            QueueFilter {
                vetter_confident: Some(confident(0.9)),
                ..QueueFilter::default()
            },
        ),
        (
            "vetter sure at 0.9, pending",
            QueueFilter {
                status: Some(ItemStatus::Pending),
                vetter_confident: Some(confident(0.9)),
                ..QueueFilter::default()
            },
        ),
        (
            "vetter sure at 0.95",
            QueueFilter {
                vetter_confident: Some(confident(0.95)),
                ..QueueFilter::default()
            },
        ),
    ] {
        let from_server = ids(&maria.queue_page(&filter, None, 50).unwrap());
        assert_eq!(
            from_server,
            ids(&store.queue_page(&filter, None, 50).unwrap()),
            "{label}: the same items as on a file"
        );
        assert_eq!(
            maria.status_counts(&filter).unwrap(),
            store.status_counts(&filter).unwrap(),
            "{label}: the same counts as on a file"
        );
        let expected = match label {
            "by maria" => 1,
            "by nobody" | "vetter sure at 0.95" => 0,
            "vetter sure at 0.9" => 13,
            _ => 12,
        };
        assert_eq!(from_server.len(), expected, "{label}: {from_server:?}");
    }
    assert_eq!(
        maria.queue_facets().unwrap().reviewers,
        [maria.reviewer()],
        "the filter bar offers the reviewers whose decisions are in force"
    );
    // Riskiest and most likely first, page by page, as on the file (q-0 is approved on both).
    for sort in [QueueSort::Risk, QueueSort::Likely] {
        for status in [None, Some(ItemStatus::Pending)] {
            let filter = QueueFilter {
                sort,
                status,
                ..QueueFilter::default()
            };
            let paged = |backend: &mut dyn FnMut(Option<QueueCursor>) -> QueuePage| {
                let (mut seen, mut after) = (Vec::new(), None);
                loop {
                    let page = backend(after);
                    seen.extend(ids(&page));
                    match page.next_after {
                        Some(next) => after = Some(next),
                        None => return seen,
                    }
                }
            };
            let on_server = paged(&mut |after| maria.queue_page(&filter, after, 4).unwrap());
            let on_file = paged(&mut |after| store.queue_page(&filter, after, 4).unwrap());
            assert_eq!(on_server, on_file, "{sort:?}, {status:?}: the file's order");
            if sort == QueueSort::Risk {
                assert_eq!(
                    on_server[..2],
                    ["q-6", "q-5"],
                    "the flagged item, then the less sure pass"
                );
            }
        }
    }
    let filtered_pending = QueueFilter {
        domain: Some("finance".into()),
        ..pending.clone()
    };
    let unfiltered = maria.queue_page(&filtered_pending, None, 50).unwrap_err();
    assert!(
        unfiltered.code() == ErrorCode::BadRequest
            && unfiltered.to_string().contains("batch the server leases"),
        "the leased batch is not filtered: {unfiltered}"
    );
    assert_eq!(
        maria.queue_facets().unwrap().domains,
        store.queue_facets().unwrap().domains,
        "the filter bar offers the same domains"
    );
    assert_eq!(
        maria.reject_reasons().unwrap(),
        store.reject_reasons().unwrap()
    );

    // One item as the reviewer sees it: what a local database shows for the same line.
    let from_server = maria.item_shown("q-3").unwrap();
    let from_file = store.item_shown("q-3").unwrap();
    assert_eq!(
        from_server.body, from_file.body,
        "question, answer, evidence"
    );
    assert_eq!(from_server.vetting, from_file.vetting);
    assert_eq!(from_server.metadata, from_file.metadata);
    assert_eq!(
        from_server.claims, from_file.claims,
        "the claims and their grounding"
    );
    assert_eq!(from_server.sensitive, from_file.sensitive);
    let (_, version) = maria.item_version("q-3").unwrap();
    let mut edit = decision("q-3", version, maria.reviewer(), Action::Edit);
    let corrected = EditedContent::Answer {
        answer: "answer number 3, corrected".into(),
    };
    edit.edited = Some(corrected.clone());
    maria.decide(&edit, None).unwrap();
    let edited = maria.item_shown("q-3").unwrap();
    assert_eq!(
        edited.latest_edit,
        Some(corrected),
        "the correction in force"
    );
    assert_eq!(edited.status, ItemStatus::Edited);
    assert_eq!(
        maria.item_shown("nope").unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn the_window_signs_in_to_a_team_server_and_remembers_it_but_not_the_password() {
    let Some(team) = Team::new("team_window") else {
        return;
    };
    let sme = team.reviewer("maria", Role::Sme);
    let (host, port, database) = address_parts(&sme);
    let address = ServerAddress {
        host,
        port,
        database,
        user: login_of(&sme).to_owned(),
        tls: TlsMode::Disable,
        ca_file: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let recent = dir.path().join("recent.json");
    let mut window = Window::new(&recent);
    let local = dir.path().join("mine.db");
    window.create(&local);

    let wrong = ServerAddress {
        database: "no_such_database".into(),
        ..address.clone()
    };
    let refused = TeamSession::sign_in(&wrong, None).err().expect("refused");
    assert!(
        refused.to_string().contains("no_such_database"),
        "the refusal names the server: {refused}"
    );
    let state = window.state();
    let open = state.database.as_ref().expect("the file is still open");
    assert!(!open.team_server && open.name == "mine.db", "{open:?}");
    assert!(
        state.team_server.is_none(),
        "a refused server is not remembered"
    );

    let session = TeamSession::sign_in(&address, None).unwrap();
    let kept = window.open_team_server(session);
    assert_eq!(kept, None, "no password typed, none to keep");
    let state = window.state();
    let open = state.database.as_ref().expect("signed in");
    assert!(open.team_server, "{open:?}");
    assert_eq!(
        open.name,
        format!(
            "{}@{}:{}/{}",
            address.user, address.host, port, address.database
        )
    );
    assert_eq!(window_title(Some(open)), format!("{} — Vetted", open.name));
    assert!(!open.path.contains("password"), "{}", open.path);
    assert_eq!(
        window.team_server().map(|s| s.reviewer().to_owned()),
        Some(address.user.clone()),
        "the reviewer is the login"
    );
    let local_only = window.store().err().expect("no local store on a server");
    assert!(
        local_only.to_string().contains("team server"),
        "what the app does not do on a server yet says so: {local_only}"
    );

    // The next start offers the server again; the file holds no password.
    let reopened = Window::new(&recent);
    assert_eq!(reopened.state().team_server, Some(address));
    let saved = std::fs::read_to_string(&recent).unwrap();
    assert!(!saved.to_lowercase().contains("password"), "{saved}");
}

/// Runs under `scripts/test-keyring.sh scripts/with-postgres.sh …` (the test command's keyring
/// step): a real Secret Service, and a login that must give its password (scram-sha-256).
#[test]
fn keyring_keeps_a_team_server_password_only_once_the_server_took_it() {
    if std::env::var_os("VETTED_TEST_KEYRING").is_none() {
        eprintln!("skipped: no keyring session (run under scripts/test-keyring.sh)");
        return;
    }
    let Some(team) = Team::new("team_keyring") else {
        return;
    };
    let name = team.password_login("kim", Role::Sme, " kim team s3cret ");
    let (host, port, database) = address_parts(&team.admin);
    let address = ServerAddress {
        host,
        port,
        database,
        user: name.clone(),
        tls: TlsMode::Disable,
        ca_file: None,
    };
    // As the dialog sends it: spaces at either end are part of the password.
    let typed = |text: &str| ApiKey::verbatim(text);

    let wrong = TeamSession::sign_in(&address, typed("not-it"))
        .err()
        .expect("a wrong password is refused");
    assert!(
        wrong.to_string().contains("password authentication failed"),
        "the server's reason: {wrong}"
    );
    let missing = TeamSession::sign_in(&address, None)
        .err()
        .expect("the wrong password was not kept, so there is none");
    assert!(
        missing.to_string().contains("no password was given"),
        "says what to do: {missing}"
    );
    let session = TeamSession::sign_in(&address, typed(" kim team s3cret ")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut window = Window::new(&dir.path().join("recent.json"));
    assert_eq!(
        window.open_team_server(session),
        None,
        "kept in the keyring"
    );
    let again = TeamSession::sign_in(&address, None).expect("the kept password signs in");
    drop(again);
    let saved = std::fs::read_to_string(dir.path().join("recent.json")).unwrap();
    assert!(!saved.contains("kim team s3cret"), "{saved}");
}

#[test]
fn a_password_is_taken_as_it_is_spaces_at_either_end_included() {
    let Some(team) = Team::new("team_password") else {
        return;
    };
    let url = team.url_of(&team.password_login("pat", Role::Analyst, " two words "));
    let whoami = |password: &str| {
        on_server(&url)
            .env("PGPASSWORD", password)
            .args(["team", "whoami"])
            .output()
            .unwrap()
    };
    let signed_in = whoami(" two words ");
    assert!(
        signed_in.status.success(),
        "the password as set: {}",
        String::from_utf8_lossy(&signed_in.stderr)
    );
    let trimmed = whoami("two words");
    assert!(
        !trimmed.status.success()
            && String::from_utf8_lossy(&trimmed.stderr).contains("password authentication failed"),
        "without its spaces it is another password: {}",
        String::from_utf8_lossy(&trimmed.stderr)
    );
}

#[test]
fn search_on_the_server_finds_what_a_local_search_finds() {
    let Some(team) = Team::new("team_search") else {
        return;
    };
    let big = SERVER_RANK_LIMIT as usize + 1;
    let lines = answer_lines("s", big);
    team.import(&lines, 1);
    let local = temp_db();
    let file = local.write_file("items.jsonl", lines.join("\n") + "\n");
    let mut store = local.open();
    store.import_path(&file).unwrap();
    let mut maria = TeamServer::connect(&team.reviewer("maria", Role::Sme)).unwrap();
    let ids = |results: &SearchResults| -> Vec<String> {
        results.hits.iter().map(|h| h.external_id.clone()).collect()
    };

    // Question and answer words, ranked (few matches).
    let both = maria.search("answer number 1234", 20).unwrap();
    assert_eq!(ids(&both), ["s-1234"], "every word must occur");
    assert_eq!(both.order, SearchOrder::Relevance);
    assert_eq!(
        ids(&both),
        ids(&store.search("answer number 1234", 20).unwrap()),
        "the same hit as a local database"
    );
    // A word only the evidence holds, in every item: too many to rank, newest first.
    let evidence = maria.search("12M", 5).unwrap();
    assert_eq!(evidence.order, SearchOrder::Newest, "{big} matches");
    assert_eq!(
        ids(&evidence),
        (0..5)
            .map(|i| format!("s-{}", big - 1 - i))
            .collect::<Vec<_>>(),
        "the passages are searched, newest first"
    );
    for hostile in [
        "NEAR( \"x* col:y",
        "a & !b | (c",
        "'); DROP TABLE items; --",
        "",
    ] {
        let found = maria.search(hostile, 20).unwrap();
        assert!(
            found.hits.is_empty(),
            "{hostile:?} matched nothing: {:?}",
            ids(&found)
        );
    }
    assert_eq!(
        maria.search("revenue", 3000).unwrap().hits.len(),
        1000,
        "limit ≤ 1000"
    );
}

#[test]
fn guidelines_on_the_server_keep_the_local_contract_and_the_server_says_who_edits() {
    let Some(team) = Team::new("team_guidelines") else {
        return;
    };
    team.import(&answer_lines("g", 2), 1);
    team.import(&answer_lines("blind", 1), 2);
    let (ana_url, sme_url, bo_url) = (
        team.reviewer("gana", Role::Analyst),
        team.reviewer("gsme", Role::Sme),
        team.reviewer("gbo", Role::Analyst),
    );
    let mut ana = TeamServer::connect(&ana_url).unwrap();
    let mut sme = TeamServer::connect(&sme_url).unwrap();
    let mut bo = TeamServer::connect(&bo_url).unwrap();

    // Added as the login; listed for everyone, oldest first.
    let first = ana.add_guideline(" finance ", "Cite the filing.").unwrap();
    assert_eq!(
        (first.domain.as_str(), first.created_by.as_str()),
        ("finance", ana.reviewer()),
        "stamped with the login"
    );
    let second = sme
        .add_guideline("finance", "Quarters are fiscal.")
        .unwrap();
    let listed: Vec<i64> = bo
        .guidelines("finance")
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(
        listed,
        vec![first.id, second.id],
        "everyone reads them, oldest first"
    );
    for (domain, body) in [("finance", "  "), (" ", "text")] {
        let err = ana.add_guideline(domain, body).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::BadRequest,
            "{domain:?}/{body:?}: {err}"
        );
    }

    // Another analyst may not change ana's entry; an SME may, and is named as its editor.
    let err = bo.update_guideline(first.id, "Mine now.").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(
        err.to_string()
            .contains("only its author, an SME or an adjudicator"),
        "{err}"
    );
    let edited = sme
        .update_guideline(first.id, "Cite the 10-Q filing.")
        .unwrap();
    assert_eq!(
        (
            edited.body.as_str(),
            edited.updated_by.as_str(),
            edited.created_by.as_str()
        ),
        ("Cite the 10-Q filing.", sme.reviewer(), ana.reviewer())
    );
    let err = bo.archive_guideline(second.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    ana.archive_guideline(first.id).unwrap();
    let listed: Vec<i64> = ana
        .guidelines("finance")
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(listed, vec![second.id], "an archived entry is not listed");
    let err = ana.archive_guideline(first.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");

    // A note becomes a guideline of its item's domain, linked to it, once.
    let (_, version) = ana.item_version("g-0").unwrap();
    let mut input = decision("g-0", version, ana.reviewer(), Action::Approve);
    input.note = Some("\n Revenue is in the 10-Q, not the press release.\n".into());
    let decided = ana.decide(&input, None).unwrap();
    let promoted = ana.promote_note(&decided.id).unwrap();
    assert_eq!(
        (
            promoted.domain.as_str(),
            promoted.body.as_str(),
            promoted.source_item.as_deref(),
            promoted.source_decision.as_deref()
        ),
        (
            "finance",
            "Revenue is in the 10-Q, not the press release.",
            Some("g-0"),
            Some(decided.id.as_str())
        ),
        "the note itself, linked to its item and decision"
    );
    assert_eq!(
        bo.promote_note(&decided.id).unwrap().id,
        promoted.id,
        "promoting it again returns the same entry"
    );
    let silent = approve(&mut ana, "g-1").unwrap();
    let err = ana.promote_note(&silent.id).unwrap_err();
    assert!(err.to_string().contains("has no note to promote"), "{err}");
    // Blind review holds: ana has not reviewed blind-0, so she may neither promote the SME's
    // note nor read it once the SME promoted it, until she has reviewed the item herself.
    let (_, version) = sme.item_version("blind-0").unwrap();
    let mut input = decision("blind-0", version, sme.reviewer(), Action::Approve);
    input.note = Some("Checked against the annual report.".into());
    let hidden = sme.decide(&input, None).unwrap();
    let err = ana.promote_note(&hidden.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    let blind = sme.promote_note(&hidden.id).unwrap();
    assert_eq!(blind.source_item.as_deref(), Some("blind-0"));
    let listed = |server: &mut TeamServer| -> Vec<i64> {
        server
            .guidelines("finance")
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect()
    };
    assert!(
        listed(&mut sme).contains(&blind.id),
        "the SME lists her note"
    );
    assert!(
        !listed(&mut ana).contains(&blind.id),
        "ana does not, before reviewing blind-0"
    );
    // Nor does her snapshot hold it; its progress still ends at what she may read.
    let dir = tempfile::tempdir().unwrap();
    let copy_path = dir.path().join("ana.db");
    let mut reports = Vec::new();
    ana.snapshot(
        &copy_path,
        &mut |p| reports.push(p),
        &AtomicBool::new(false),
    )
    .unwrap();
    let copy = Store::open(&copy_path).unwrap();
    let kept = copy.every_guideline().unwrap();
    assert!(
        !kept.is_empty()
            && kept
                .iter()
                .all(|(g, _)| g.source_item.as_deref() != Some("blind-0")),
        "her snapshot has the guidelines she may read, not the hidden note: {kept:?}"
    );
    let last = reports.last().unwrap();
    assert_eq!(last.done, last.total, "progress ends at its total");
    approve(&mut ana, "blind-0").unwrap();
    assert!(
        listed(&mut ana).contains(&blind.id),
        "she does once she has"
    );

    // Raw SQL as the analyst: no forged author or link, no delete, no un-archiving.
    let mut raw_ana = raw(&ana_url);
    for sql in [
        "INSERT INTO guidelines (domain, body, created_by) VALUES ('finance', 'x', 'someone')",
        "INSERT INTO guidelines (domain, body, source_item) VALUES ('finance', 'x', 1)",
        "UPDATE guidelines SET created_by = 'someone'",
        "UPDATE guidelines SET domain = 'legal'",
        "DELETE FROM guidelines",
        "TRUNCATE guidelines",
    ] {
        refused(&mut raw_ana, sql);
    }
    for change in ["archived = false", "body = 'changed'"] {
        let message = refused(
            &mut raw_ana,
            &format!("UPDATE guidelines SET {change} WHERE id = {}", first.id),
        );
        assert!(message.contains("is archived"), "{change}: {message}");
    }
    let stamped: String = raw_ana
        .query_one(
            "INSERT INTO guidelines (domain, body) VALUES ('finance', 'raw') RETURNING created_by",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        stamped,
        ana.reviewer(),
        "a raw insert is stamped with the login too"
    );
    let message = refused(&mut team.sql(), "DELETE FROM vetted.guidelines");
    assert!(
        message.contains("never deleted"),
        "the owner neither: {message}"
    );
    let message = refused(
        &mut team.sql(),
        "INSERT INTO vetted.guidelines (domain, body, source_item) VALUES ('finance', 'x', 1)",
    );
    assert!(
        message.contains("only through a promoted note"),
        "nor links an entry to an item by hand: {message}"
    );

    // The CLI on the server: the login writes; naming another author is refused.
    let added = on_server(&bo_url)
        .args([
            "guidelines",
            "add",
            "--domain",
            "legal",
            "--text",
            "Quote the clause.",
        ])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let listed = crate::support::json_of(on_server(&bo_url).args([
        "guidelines",
        "list",
        "--domain",
        "legal",
        "--json",
    ]));
    assert_eq!(listed[0]["created_by"], bo.reviewer(), "{listed}");
    let forged = on_server(&bo_url)
        .args([
            "guidelines",
            "add",
            "--domain",
            "legal",
            "--text",
            "x",
            "--reviewer",
            "sam",
        ])
        .output()
        .unwrap();
    assert!(
        !forged.status.success()
            && String::from_utf8_lossy(&forged.stderr).contains("leave out --reviewer"),
        "{}",
        String::from_utf8_lossy(&forged.stderr)
    );
}

/// Copies every row of `table` from one Vetted schema to another, column by column as the
/// target has them (columns the target lacks are left out), ids included.
fn copy_rows(from: &mut Client, to: &mut Client, table: &str, order: &str) {
    for row in from
        .query(
            &format!("SELECT row_to_json(t)::text FROM vetted.{table} t ORDER BY {order}"),
            &[],
        )
        .unwrap()
    {
        let json: String = row.get(0);
        to.execute(
            &format!(
                "INSERT INTO vetted.{table} OVERRIDING SYSTEM VALUE
                 SELECT * FROM json_populate_record(NULL::vetted.{table}, $1::text::json)"
            ),
            &[&json],
        )
        .unwrap();
    }
}

#[test]
fn a_version_1_server_with_items_and_decisions_upgrades_to_the_current_schema() {
    let Some(current) = Team::new("team_upgrade_now") else {
        return;
    };
    let lines = [answer_lines("u", 3), vec![relationship_line("rel-1")]].concat();
    current.import(&lines, 1);
    let mut ana = TeamServer::connect(&current.reviewer("upana", Role::Analyst)).unwrap();
    approve(&mut ana, "u-0").unwrap();
    let (_, version) = ana.item_version("u-1").unwrap();
    ana.decide(
        &decision("u-1", version, ana.reviewer(), Action::Reject),
        None,
    )
    .unwrap();
    approve(&mut ana, "rel-1").unwrap();

    // A server at version 1, as `team init` made it before 0002, holding the same rows.
    let old = new_database(&postgres_server().unwrap(), "team_upgrade_old");
    let mut sql = Client::connect(&old, NoTls).unwrap();
    let (_, name, first) = vetted::team_server::MIGRATIONS[0];
    sql.batch_execute(&format!(
        "BEGIN;
         CREATE SCHEMA vetted;
         CREATE TABLE vetted.schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
                                                applied_at timestamptz NOT NULL DEFAULT now());
         SET LOCAL search_path = vetted, pg_temp;
         {first}
         INSERT INTO schema_migrations (version, name) VALUES (1, '{name}');
         COMMIT;"
    ))
    .unwrap();
    let mut source = current.sql();
    copy_rows(&mut source, &mut sql, "items", "id");
    copy_rows(&mut source, &mut sql, "evidence", "item_id, position");
    sql.batch_execute("BEGIN; SET LOCAL vetted.push = 'on';")
        .unwrap();
    copy_rows(&mut source, &mut sql, "decisions", "seq");
    sql.batch_execute(
        "COMMIT;
         SELECT setval(pg_get_serial_sequence('vetted.items', 'id'), max(id)) FROM vetted.items;
         SELECT setval(pg_get_serial_sequence('vetted.decisions', 'seq'), max(seq))
           FROM vetted.decisions;",
    )
    .unwrap();

    let (_, applied) = TeamServer::init(&old).unwrap();
    assert_eq!(
        applied,
        vetted::team_server::MIGRATIONS.len() - 1,
        "every later migration applies over the rows"
    );
    let upgraded = Team { admin: old };
    let indexed = |sql: &mut Client| -> Vec<(String, String)> {
        sql.query(
            "SELECT external_id, search::text FROM vetted.items ORDER BY external_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    assert_eq!(
        indexed(&mut upgraded.sql()),
        indexed(&mut current.sql()),
        "the backfill indexes each older item exactly as an import indexes it now"
    );
    upgraded.assert_counts_kept("after the upgrade");
    let counts = |team: &Team| -> Vec<(String, String, i64)> {
        team.sql()
            .query(
                "SELECT status, review, items FROM vetted.item_counts() WHERE items <> 0
                  ORDER BY 1, 2",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    assert_eq!(counts(&upgraded), counts(&current), "the same counts");

    // The upgraded server works on: search, a decision, the counts.
    let mut sme = TeamServer::connect(&upgraded.reviewer("upsme", Role::Sme)).unwrap();
    let found: Vec<String> = sme
        .search("customer_id", 10)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.external_id)
        .collect();
    assert_eq!(
        found,
        ["rel-1"],
        "an older relationship is found by its fields"
    );
    approve(&mut sme, "u-2").unwrap();
    upgraded.assert_counts_kept("after a decision on the upgraded server");
}

#[test]
fn a_snapshot_keeps_each_items_overlap_and_every_outcome_across_batches() {
    let Some(team) = Team::new("team_snapshot_log") else {
        return;
    };
    // One domain, two overlaps: a local database sets overlap per domain, the server per item.
    team.import(&answer_lines("m", ROWS_PER_READ as usize), 1);
    team.import(&answer_lines("b", 2), 2);
    let mut ana = TeamServer::connect(&team.reviewer("snapana", Role::Analyst)).unwrap();
    let mut bo = TeamServer::connect(&team.reviewer("snapbo", Role::Analyst)).unwrap();
    let mut adj = TeamServer::connect(&team.reviewer("snapadj", Role::Adjudicator)).unwrap();
    // Events 1–996, then a conflict (997, 998), then 999 and 1000, which ends the first batch
    // of events; the adjudication (1001) and an undo of event 1000 (1002) come in the second.
    for i in 0..996 {
        approve(&mut ana, &format!("m-{i}")).unwrap();
    }
    approve(&mut ana, "b-0").unwrap();
    let (_, version) = bo.item_version("b-0").unwrap();
    bo.decide(
        &decision("b-0", version, bo.reviewer(), Action::Reject),
        None,
    )
    .unwrap();
    approve(&mut ana, "m-996").unwrap();
    approve(&mut ana, "m-997").unwrap();
    let (_, version) = adj.item_version("b-0").unwrap();
    adj.adjudicate(
        &decision("b-0", version, adj.reviewer(), Action::Approve),
        None,
    )
    .unwrap();
    let undone = ana
        .undo(&uuid::Uuid::now_v7().to_string())
        .unwrap()
        .unwrap();
    assert_eq!(
        undone.item, "m-997",
        "the undo reverts the last event of the first batch"
    );
    approve(&mut ana, "b-1").unwrap(); // one of its two reviews: still open

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.db");
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let report = admin
        .snapshot(&out, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(
        (report.items_added, report.decisions_added, report.conflicts),
        (ROWS_PER_READ as usize + 2, 1003, 0),
        "every item and event; the conflict was settled"
    );
    let outcomes = |rows: Vec<(String, String, String)>| -> Vec<(String, String, String)> {
        let mut rows = rows;
        rows.sort();
        rows
    };
    let server_outcomes = outcomes(
        team.sql()
            .query("SELECT external_id, status, review FROM vetted.items", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect(),
    );
    let in_snapshot = outcomes({
        let conn = rusqlite::Connection::open(&out).unwrap();
        let mut stmt = conn
            .prepare("SELECT external_id, status, review FROM items")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    });
    assert_eq!(
        in_snapshot, server_outcomes,
        "every item's status and review state as on the server"
    );

    // An export from the server: 996 + m-996 approvals and the adjudicated b-0, not the undone
    // m-997 nor b-1, which awaits its second review. (b-0 says what m-0 says: --no-dedup.)
    let exported = dir.path().join("sft.jsonl");
    succeeded(
        on_server(&team.admin)
            .args(["export", "--format", "trl-sft", "--no-dedup", "--out"])
            .arg(&exported),
    );
    let lines = std::fs::read_to_string(&exported).unwrap().lines().count();
    assert_eq!(
        lines, 998,
        "every settled approval, whatever its item's overlap"
    );
    // Refused before the server is read: the file is there and --force was not given.
    let again = on_server(&team.admin)
        .args(["export", "--format", "trl-sft", "--out"])
        .arg(&exported)
        .output()
        .unwrap();
    assert!(
        !again.status.success() && String::from_utf8_lossy(&again.stderr).contains("exists"),
        "an existing file is refused: {}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn tags_and_do_not_train_on_the_server_filter_the_queue_and_reach_the_export() {
    let Some(team) = Team::new("team_annotations") else {
        return;
    };
    team.import(&answer_lines("a", 3), 1);
    let ana_url = team.reviewer("annana", Role::Analyst);
    let mut ana = TeamServer::connect(&ana_url).unwrap();
    let mut bo = TeamServer::connect(&team.reviewer("annbo", Role::Analyst)).unwrap();
    let mut sme = TeamServer::connect(&team.reviewer("annsme", Role::Sme)).unwrap();

    // Tags: normalized as locally, shared by everyone, a filter of the queue and the counts.
    assert_eq!(ana.add_tag("a-0", "  Tricky ").unwrap(), ["tricky"]);
    assert_eq!(
        bo.add_tag("a-0", "tricky").unwrap(),
        ["tricky"],
        "twice is once"
    );
    assert_eq!(bo.add_tag("a-2", "scratch").unwrap(), ["scratch"]);
    assert_eq!(
        ana.remove_tag("a-2", "Scratch").unwrap(),
        Vec::<String>::new()
    );
    let err = ana.add_tag("a-1", " ").unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadRequest, "{err}");
    let err = ana.add_tag("nope", "x").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert_eq!(bo.queue_facets().unwrap().tags, ["tricky"]);
    let tricky = QueueFilter {
        tag: Some("tricky".into()),
        ..QueueFilter::default()
    };
    let page = bo.queue_page(&tricky, None, 50).unwrap();
    let listed: Vec<&str> = page
        .entries
        .iter()
        .map(|e| e.external_id.as_str())
        .collect();
    assert_eq!(listed, ["a-0"], "the tag filters the queue");
    assert_eq!(
        bo.status_counts(&tricky).unwrap().pending,
        1,
        "and the counts"
    );
    assert_eq!(bo.item_shown("a-0").unwrap().tags, ["tricky"]);

    // Do-not-train: anyone marks; only the marker, an SME or an adjudicator takes it off.
    ana.set_do_not_train("a-1", true).unwrap();
    ana.set_do_not_train("a-1", true).unwrap();
    assert!(
        bo.item_shown("a-1").unwrap().do_not_train,
        "everyone sees the mark"
    );
    let err = bo.set_do_not_train("a-1", false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(err.to_string().contains("marked do-not-train by"), "{err}");
    sme.set_do_not_train("a-1", false).unwrap();
    assert!(
        !bo.item_shown("a-1").unwrap().do_not_train,
        "the SME took it off"
    );
    bo.set_do_not_train("a-1", true).unwrap();
    bo.set_do_not_train("a-1", false).unwrap();
    ana.set_do_not_train("a-1", true).unwrap();

    // The CLI marks as the login, and takes its own mark off.
    for args in [
        vec!["do-not-train", "a-2"],
        vec!["do-not-train", "a-2", "--clear"],
    ] {
        let out = on_server(&ana_url).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            bo.item_shown("a-2").unwrap().do_not_train,
            args.len() == 2,
            "{args:?}"
        );
    }

    let marked = on_server(&ana_url)
        .args(["do-not-train", "a-2"])
        .output()
        .unwrap();
    assert!(marked.status.success());
    let marker: String = team
        .sql()
        .query_one(
            "SELECT n.marked_by FROM vetted.do_not_train n JOIN vetted.items i ON i.id = n.item_id
              WHERE i.external_id = 'a-2'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(marker, ana.reviewer(), "the CLI marks as the login");
    let forged = on_server(&ana_url)
        .args(["do-not-train", "a-2", "--clear", "--reviewer", "sam"])
        .output()
        .unwrap();
    assert!(
        !forged.status.success()
            && String::from_utf8_lossy(&forged.stderr).contains("leave out --reviewer"),
        "{}",
        String::from_utf8_lossy(&forged.stderr)
    );
    ana.set_do_not_train("a-2", false).unwrap();

    // Raw SQL as the analyst: no forged marker, no rewritten mark, no malformed tag.
    let mut raw_ana = raw(&ana_url);
    for sql in [
        "INSERT INTO do_not_train (item_id, marked_by) SELECT id, 'someone' FROM items LIMIT 1",
        "UPDATE do_not_train SET marked_by = 'someone'",
        "INSERT INTO item_tags (item_id, tag) SELECT id, 'tab' || chr(9) || 'bed' FROM items",
        "INSERT INTO item_tags (item_id, tag) SELECT id, 'c1' || chr(133) FROM items LIMIT 1",
        "INSERT INTO item_tags (item_id, tag) SELECT id, ' padded' FROM items LIMIT 1",
        "INSERT INTO item_tags (item_id, tag) SELECT id, repeat('x', 65) FROM items LIMIT 1",
    ] {
        refused(&mut raw_ana, sql);
    }
    let marker: String = raw_ana
        .query_one("SELECT marked_by FROM do_not_train", &[])
        .unwrap()
        .get(0);
    assert_eq!(marker, ana.reviewer(), "stamped with the login");
    // A tag the app would have put in lower case, written through raw SQL: kept as it is.
    raw_ana
        .batch_execute(
            "INSERT INTO item_tags (item_id, tag)
             SELECT id, 'Mixed Case' FROM items WHERE external_id = 'a-2'",
        )
        .unwrap();

    // An export from the server leaves the marked item out and filters by tag.
    for item in ["a-0", "a-1", "a-2"] {
        approve(&mut sme, item).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let temporary = tempfile::tempdir().unwrap();
    let export = |name: &str, extra: &[&str]| -> Vec<String> {
        let path = dir.path().join(name);
        succeeded(
            on_server(&team.admin)
                .env("TMPDIR", temporary.path())
                .args(["export", "--format", "trl-sft", "--out"])
                .arg(&path)
                .args(extra),
        );
        std::fs::read_to_string(dir.path().join(name.replace(".jsonl", ".sidecar.jsonl")))
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["item"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        export("all.jsonl", &[]),
        ["a-0", "a-2"],
        "a-1 is do-not-train"
    );
    assert_eq!(
        export("tricky.jsonl", &["--tag", "tricky"]),
        ["a-0"],
        "the tag filter"
    );
    assert_eq!(
        export("mixed.jsonl", &["--tag", "Mixed Case"]),
        ["a-2"],
        "a snapshot copies tags as the server holds them"
    );
    assert_eq!(
        std::fs::read_dir(temporary.path()).unwrap().count(),
        0,
        "every temporary snapshot is gone"
    );
}

/// Chinook's declared foreign keys as relationship items (`fk-1` …), read from `store`'s
/// registered products; `fk-1` proposed with a wrong cardinality, `fk-2` with a wrong target.
fn chinook_relationships(store: &Store) -> Vec<String> {
    let mut lines = Vec::new();
    for product in store.list_products().unwrap() {
        let schema = store.product(&product.name).unwrap().unwrap().schema;
        for fk in schema.foreign_keys {
            let id = format!("fk-{}", lines.len() + 1);
            let source: Vec<&str> = fk.fields.iter().map(String::as_str).collect();
            let target: Vec<&str> = fk.target_fields.iter().map(String::as_str).collect();
            lines.push(crate::support::relationship_between(
                store,
                &id,
                (&product.name, &source),
                (&fk.target_product, &target),
                if lines.is_empty() { "1:1" } else { "N:1" },
            ));
        }
    }
    lines
}

#[test]
fn relationships_on_a_server_are_measured_edited_and_drawn_as_in_a_file() {
    let Some(team) = Team::new("team_relationships") else {
        return;
    };
    let local = temp_db();
    let mut store = local.open();
    store
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    let lines = chinook_relationships(&store);
    assert!(lines.len() >= 10, "Chinook declares its foreign keys");
    crate::support::import_lines(&local, &mut store, &lines);
    team.import(&lines, 1);
    let sme_url = team.reviewer("rel_sme", Role::Sme);
    let analyst_url = team.reviewer("rel_analyst", Role::Analyst);
    let mut sme = TeamServer::connect(&sme_url).unwrap();
    let mut analyst = TeamServer::connect(&analyst_url).unwrap();
    let chinook = vetted::products::ProductSource::File(crate::support::chinook_path());

    // Who registers: SMEs (and adjudicators); an analyst is told who may.
    let refusal = analyst
        .register_products(std::slice::from_ref(&chinook))
        .unwrap_err();
    assert_eq!(refusal.code(), ErrorCode::Forbidden, "{refusal}");
    let registered = sme
        .register_products(std::slice::from_ref(&chinook))
        .unwrap();
    assert_eq!(registered.len(), store.list_products().unwrap().len());
    assert!(registered.iter().all(|r| r.new), "first registration adds");
    let again = sme
        .register_products(std::slice::from_ref(&chinook))
        .unwrap();
    assert!(
        again.iter().all(|r| !r.new),
        "the same source again refreshes"
    );
    // Another source under a taken name refuses the whole batch.
    let other = local.write_file("Album.csv", "AlbumId,Title\n1,Other\n");
    let extra = local.write_file("Extra.csv", "Id\n1\n");
    let collision = sme
        .register_products(&[
            vetted::products::ProductSource::File(extra),
            vetted::products::ProductSource::File(other),
        ])
        .unwrap_err();
    assert_eq!(collision.code(), ErrorCode::ProductCollision, "{collision}");
    assert!(
        analyst.product("Extra").unwrap().is_none(),
        "a refused batch registers nothing"
    );
    // Everyone reads the products, as registered locally (the server stamps its own time).
    let summaries = |list: Vec<vetted::products::ProductSummary>| {
        list.into_iter()
            .map(|mut p| {
                p.registered_at = chrono::DateTime::UNIX_EPOCH;
                p
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summaries(analyst.list_products().unwrap()),
        summaries(store.list_products().unwrap()),
        "the product list"
    );

    // The same decisions on both: an approve, a relation edit, a not-related edit, a reject.
    let proposed = |item: &str| match store.item(item).unwrap().body {
        vetted::domain::ItemBody::Relationship(body) => body.relation,
        _ => unreachable!("{item} is a relationship"),
    };
    let relation = vetted::domain::Relation {
        cardinality: vetted::domain::Cardinality::ManyToOne,
        ..proposed("fk-1")
    };
    let not_related = vetted::domain::Relation {
        relation_type: vetted::domain::NOT_RELATED.into(),
        ..proposed("fk-2")
    };
    let fk6 = proposed("fk-6");
    let steps: [(&str, Action, Option<vetted::domain::Relation>); 4] = [
        ("fk-1", Action::Edit, Some(relation)),
        ("fk-2", Action::Edit, Some(not_related)),
        ("fk-3", Action::Approve, None),
        ("fk-4", Action::Reject, None),
    ];
    for (item, action, edit) in steps {
        let edited = edit.map(|relation| EditedContent::Relationship { relation });
        let version = store.item(item).unwrap().version;
        let mut input = decision(item, version, "ana", action);
        input.edited = edited.clone();
        store.decide(&input).unwrap();
        let version = analyst.item_version(item).unwrap().1;
        let mut input = decision(item, version, analyst.reviewer(), action);
        input.edited = edited;
        analyst.decide(&input, None).unwrap();
    }
    for n in 1..=lines.len() {
        let item = format!("fk-{n}");
        let here = store.relationship_evidence(&item).unwrap();
        let there = analyst.relationship_evidence(&item).unwrap();
        assert_eq!(there, here, "{item}: the server's evidence is the file's");
        let there = there.expect("a relationship item has evidence");
        assert_eq!(
            there.source_basis.kind,
            vetted::relation_evidence::BasisKind::SourceTable,
            "{item}: read from Chinook itself, where it lives"
        );
    }
    let edited = analyst.relationship_evidence("fk-1").unwrap().unwrap();
    assert_eq!(
        edited.claimed_cardinality,
        vetted::domain::Cardinality::ManyToOne,
        "the evidence measures the relation as edited"
    );
    assert_eq!(
        analyst.review_graph().unwrap(),
        store.review_graph().unwrap(),
        "the review graph: nodes, edges, statuses, relations and conflicts"
    );
    assert!(
        analyst
            .review_graph()
            .unwrap()
            .edges
            .iter()
            .any(|e| e.item == "fk-2" && e.not_related),
        "a not-related edit is drawn as such"
    );
    assert!(
        analyst.relationship_evidence("missing").is_err(),
        "an unknown item is an error, not empty evidence"
    );

    // What the server refuses through raw SQL.
    let mut as_analyst = raw(&analyst_url);
    let mut as_sme = raw(&sme_url);
    let mut as_owner = raw(&team.admin);
    let insert = |name: &str, schema: &str, sample: &str, path: &str| {
        format!(
            "INSERT INTO products (name, source_kind, source_path, schema, row_count, sample_rows,
                                   registered_at)
             VALUES ('{name}', 'csv', '{path}', '{schema}', 1, '{sample}', 'x')"
        )
    };
    let good_schema = r#"{"fields":[{"name":"id","type":"INTEGER","not_null":false}],"primary_key":[],"unique_keys":[],"foreign_keys":[]}"#;
    assert!(
        refused(&mut as_analyst, &insert("p1", good_schema, "[]", "/x.csv"))
            .contains("row-level security"),
        "an analyst registers no product"
    );
    for (schema, sample, why) in [
        ("[]", "[]", "the schema is not a JSON object"),
        (
            r#"{"fields":[{"name":"id"}],"primary_key":[],"unique_keys":[],"foreign_keys":[]}"#,
            "[]",
            "a field lacks",
        ),
        (
            r#"{"fields":[],"primary_key":[1],"unique_keys":[],"foreign_keys":[]}"#,
            "[]",
            "the primary key",
        ),
        (
            r#"{"fields":[],"primary_key":[],"unique_keys":[],"foreign_keys":[{"fields":["a"]}]}"#,
            "[]",
            "a foreign key",
        ),
        (
            r#"{"fields":[],"primary_key":{},"unique_keys":[],"foreign_keys":[]}"#,
            "[]",
            "the primary key is not a list",
        ),
        (
            r#"{"fields":[],"primary_key":[],"unique_keys":[{}],"foreign_keys":[]}"#,
            "[]",
            "the unique keys are not lists",
        ),
        (
            r#"{"fields":[],"primary_key":[],"unique_keys":[],"foreign_keys":[{"fields":{},"target_product":"t","target_fields":[]}]}"#,
            "[]",
            "a foreign key lacks",
        ),
        (good_schema, "[1]", "a sample row is not a JSON object"),
        (good_schema, "{}", "the sample is not a JSON list"),
        (
            good_schema,
            &format!("[{}]", vec!["{}"; 201].join(",")),
            "more than 200 rows",
        ),
        // JSON PostgreSQL takes but no client reads back (serde): it would stop every
        // snapshot and the graph for everyone.
        (
            r#"{"fields":[{"name":"\udc00","type":"INTEGER","not_null":false}],"primary_key":[],"unique_keys":[],"foreign_keys":[]}"#,
            "[]",
            "its schema: ",
        ),
        (good_schema, r#"[{"id":"a\ud800"}]"#, "its sample: "),
        (
            good_schema,
            r#"[{"id":1e400}]"#,
            "its sample: a number is beyond the range of a double",
        ),
        (
            good_schema,
            &format!(r#"[{{"id":{}1{}}}]"#, "[".repeat(126), "]".repeat(126)),
            "its sample: arrays or objects are nested 128 deep",
        ),
    ] {
        let refusal = refused(&mut as_sme, &insert("p2", schema, sample, "/x.csv"));
        assert!(refusal.contains(why), "{why}: {refusal}");
    }
    as_sme
        .batch_execute(&insert("p3", good_schema, r#"[{"id":1}]"#, "/x.csv"))
        .expect("an SME registers a well-formed product");
    // A NUL character in a sample (a source's text may hold one) is kept, as locally.
    as_sme
        .batch_execute(&insert(
            "p5",
            good_schema,
            r#"[{"id":"a\u0000b"}]"#,
            "/z.csv",
        ))
        .expect("a sample may hold a NUL character");
    assert_eq!(
        analyst.product("p5").unwrap().unwrap().sample_rows[0]["id"],
        "a\u{0}b",
        "read back as written"
    );
    // A surrogate pair is a character like any other.
    as_sme
        .batch_execute(&insert(
            "p6",
            good_schema,
            r#"[{"id":"\ud83d\ude00"}]"#,
            "/z6.csv",
        ))
        .expect("a sample may hold any character");
    assert_eq!(
        analyst.product("p6").unwrap().unwrap().sample_rows[0]["id"],
        "\u{1f600}",
        "read back as written"
    );
    // 127 nested containers: as deep as a client reads (serde's limit is 128).
    let deepest = format!(r#"[{{"id":{}1{}}}]"#, "[".repeat(125), "]".repeat(125));
    as_sme
        .batch_execute(&insert("p7", good_schema, &deepest, "/z7.csv"))
        .expect("nesting a client reads is taken");
    assert!(
        analyst.product("p7").unwrap().is_some(),
        "and read back: the server's limit is the client's"
    );
    assert!(
        refused(
            &mut as_sme,
            "INSERT INTO products (name, source_kind, source_path, schema, row_count, sample_rows,
                                   registered_at)
             SELECT 'p3', 'csv', '/x.csv', schema, 1, '[]', 'x' FROM products WHERE name = 'p3'
             ON CONFLICT (name) DO UPDATE SET source_path = '/elsewhere.csv'"
        )
        .contains("permission denied"),
        "no source change through an upsert either"
    );
    let stamped: (String, String) = as_sme
        .query_one(
            "SELECT registered_by, registered_at FROM products WHERE name = 'p3'",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(stamped.0, sme.reviewer(), "stamped with the login");
    assert_ne!(stamped.1, "x", "stamped with the server's time");
    assert!(
        refused(
            &mut as_sme,
            "UPDATE products SET source_path = '/y.csv' WHERE name = 'p3'"
        )
        .contains("permission denied"),
        "a product keeps its source"
    );
    assert!(
        refused(
            &mut as_owner,
            "UPDATE products SET source_path = '/y.csv' WHERE name = 'p3'"
        )
        .contains("keeps its name and source"),
        "the owner too"
    );
    as_sme
        .batch_execute("UPDATE products SET row_count = 2 WHERE name = 'p3'")
        .expect("an SME refreshes a product");
    for sql in ["DELETE FROM products", "TRUNCATE products"] {
        assert!(
            refused(&mut as_sme, sql).contains("permission denied"),
            "{sql} as an SME"
        );
        assert!(
            refused(&mut as_owner, sql).contains("never deleted"),
            "{sql} as the owner"
        );
    }
    let with_password = format!(
        "INSERT INTO products (name, source_kind, source_path, source_table, schema, row_count,
                               sample_rows, registered_at)
         VALUES ('p4', 'postgres', 'postgres://u:secret@h:5432/d', '\"public\".\"t\"',
                 '{good_schema}', 1, '[]', 'x')"
    );
    let refusal = refused(&mut as_owner, &with_password);
    assert!(
        refusal.contains("products_postgres_url_without_password"),
        "no password in a source URL: {refusal}"
    );
    // Only the forms the core writes: no parameters in the URL, no SQL as a table.
    for (url, table, constraint) in [
        (
            "postgres://u@h:5432/d?password=secret",
            "\"public\".\"t\"",
            "products_postgres_url_without_password",
        ),
        (
            "postgres://u@h:5432/d",
            "(SELECT * FROM hr.salaries) s",
            "products_postgres_table_quoted",
        ),
        (
            "postgres://u@h:5432/d",
            "public.t",
            "products_postgres_table_quoted",
        ),
    ] {
        let sql = format!(
            "INSERT INTO products (name, source_kind, source_path, source_table, schema,
                                   row_count, sample_rows, registered_at)
             VALUES ('p6', 'postgres', '{url}', '{table}', '{good_schema}', 1, '[]', 'x')"
        );
        let refusal = refused(&mut as_sme, &sql);
        assert!(refusal.contains(constraint), "{url} {table}: {refusal}");
    }
    // What the core writes passes: a host by name, a Unix socket folder.
    for (n, url) in [
        "postgres://ana@db.example.org:5432/sales",
        "postgres://ana@%2Fvar%2Frun%2Fpostgresql:5432/sales",
    ]
    .into_iter()
    .enumerate()
    {
        let normal = vetted::products::postgres_source::PostgresSource::new(url, "public", vec![])
            .unwrap()
            .url;
        assert_eq!(normal, url, "the core writes {url} so");
        as_sme
            .batch_execute(&format!(
                "INSERT INTO products (name, source_kind, source_path, source_table, schema,
                                       row_count, sample_rows, registered_at)
                 VALUES ('pg{n}', 'postgres', '{url}', '\"public\".\"t\"', '{good_schema}', 1,
                         '[]', 'x')"
            ))
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for (path, constraint) in [
        ("//fileserver/share/x.csv", "products_file_path_local"),
        ("\\\\fileserver\\share\\x.csv", "products_file_path_local"),
        ("relative.csv", "products_file_path_local"),
        (
            "/x\u{1b}[31m.csv",
            "products_names_without_control_characters",
        ),
    ] {
        let refusal = refused(&mut as_sme, &insert("p7", good_schema, "[]", path));
        assert!(refusal.contains(constraint), "{path:?}: {refusal}");
    }
    as_sme
        .batch_execute(&insert("p8", good_schema, "[]", "C:\\data\\x.csv"))
        .expect("a Windows drive path is a local path");
    // An edit the core could not read back is refused by the server itself, whoever sends it.
    let fk7 = as_sme
        .query_one(
            "SELECT id, version FROM items WHERE external_id = 'fk-7'",
            &[],
        )
        .map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1)))
        .unwrap();
    for (edit, why) in [
        (r#"{"x":1}"#, "not of a relationship item"),
        (
            r#"{"kind":"relationship","relation":{"type":"fk","cardinality":"N:1"}}"#,
            "nothing else",
        ),
        (
            r#"{"kind":"relationship","relation":{"type":"fk","cardinality":"2:1","mapping":[]}}"#,
            "the cardinality",
        ),
        (
            r#"{"kind":"relationship","relation":{"type":"fk","cardinality":"N:1","mapping":[{"source_field":1,"target_field":"b"}]}}"#,
            "a mapped pair",
        ),
        (
            r#"{"kind":"answer","answer":"x"}"#,
            "not of a relationship item",
        ),
    ] {
        let sql = format!(
            "INSERT INTO decisions (id, item_id, item_version, reviewer, action, edited_payload)
             VALUES ('raw-{}', {}, {}, session_user, 'edit', '{edit}')",
            uuid::Uuid::now_v7(),
            fk7.0,
            fk7.1
        );
        let refusal = refused(&mut as_sme, &sql);
        assert!(refusal.contains(why), "{edit}: {refusal}");
    }

    // A relation edit the local store refuses, the server refuses too.
    let version = analyst.item_version("fk-6").unwrap().1;
    for (relation, why) in [
        (
            vetted::domain::Relation {
                mapping: Vec::new(),
                ..fk6.clone()
            },
            "maps no fields",
        ),
        (
            vetted::domain::Relation {
                mapping: vec![vetted::domain::FieldPair {
                    source_field: "NoSuchColumn".into(),
                    target_field: fk6.mapping[0].target_field.clone(),
                }],
                ..fk6.clone()
            },
            "NoSuchColumn",
        ),
    ] {
        let mut input = decision("fk-6", version, analyst.reviewer(), Action::Edit);
        input.edited = Some(EditedContent::Relationship { relation });
        let refusal = analyst.decide(&input, None).unwrap_err().to_string();
        assert!(refusal.contains(why), "{why}: {refusal}");
    }
    drop(store);

    // The CLI: products on the server, a relation edit, and `show` with the evidence.
    let listed = succeeded(on_server(&analyst_url).args(["products", "list"]));
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("InvoiceLine"),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );
    let refusal = on_server(&analyst_url)
        .args(["products", "add"])
        .arg(crate::support::chinook_path())
        .output()
        .unwrap();
    assert!(
        !refusal.status.success() && String::from_utf8_lossy(&refusal.stderr).contains("SME"),
        "{}",
        String::from_utf8_lossy(&refusal.stderr)
    );
    succeeded(on_server(&sme_url).args(["decide", "fk-5", "edit", "--not-related"]));
    let shown = succeeded(on_server(&sme_url).args(["show", "fk-5", "--json"]));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(
        shown["item"]["latest_edit"]["relation"]["type"], "not_related",
        "the relation edit landed: {shown}"
    );
    assert!(
        shown["evidence_computed"]["containment"].is_number(),
        "show prints the computed evidence: {shown}"
    );

    // Blind review: a relationship edited by its two reviewers stands for the edit for
    // everyone once settled (its title says so already), so the graph and the evidence of a
    // reviewer who did not take part compare against the team's relation, not the proposal.
    let blind_line = chinook_relationships(&local.open())[6].replace("\"fk-7\"", "\"blind-fk\"");
    team.import(&[blind_line], 2);
    let other_url = team.reviewer("rel_other", Role::Analyst);
    let mut other = TeamServer::connect(&other_url).unwrap();
    let blind_relation = match other.item_shown("blind-fk").unwrap().body {
        vetted::domain::ItemBody::Relationship(body) => vetted::domain::Relation {
            relation_type: vetted::domain::NOT_RELATED.into(),
            ..body.relation
        },
        _ => unreachable!("blind-fk is a relationship"),
    };
    let drawn = |other: &mut TeamServer| {
        other
            .review_graph()
            .unwrap()
            .edges
            .into_iter()
            .find(|e| e.item == "blind-fk")
            .expect("drawn")
    };
    for (n, reviewer) in [&mut sme, &mut analyst].into_iter().enumerate() {
        let version = reviewer.item_version("blind-fk").unwrap().1;
        let mut input = decision("blind-fk", version, reviewer.reviewer(), Action::Edit);
        input.edited = Some(EditedContent::Relationship {
            relation: blind_relation.clone(),
        });
        reviewer.decide(&input, None).unwrap();
        if n == 0 {
            // One review of two: nothing is settled, and nothing of it shows.
            assert!(
                !drawn(&mut other).not_related,
                "an unsettled review stays hidden"
            );
            assert_eq!(other.item_shown("blind-fk").unwrap().latest_edit, None);
        }
    }
    assert!(
        other.history("blind-fk").unwrap().is_empty(),
        "the decisions stay hidden from a reviewer who did not take part"
    );
    let edge = drawn(&mut other);
    assert!(
        edge.not_related,
        "the settled relation is drawn, not the proposal: {edge:?}"
    );
    assert_eq!(
        other.item_shown("blind-fk").unwrap().latest_edit,
        Some(EditedContent::Relationship {
            relation: blind_relation
        }),
        "and shown with the item"
    );

    // A push adds only the products the server lacks (those it registers stay as they are),
    // and leaves out, with the reason, one the server refuses.
    let before = analyst.products().unwrap();
    let other_local = temp_db();
    let mut pushed = other_local.open();
    pushed
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    drop(pushed);
    rusqlite::Connection::open(&other_local.path)
        .unwrap()
        .execute(
            "INSERT INTO products (name, source_kind, source_path, source_table, schema,
                                   row_count, sample_rows, registered_at)
             SELECT 'Odd', 'csv', 'relative.csv', NULL, schema, row_count, sample_rows,
                    registered_at
               FROM products WHERE name = 'Album'",
            [],
        )
        .unwrap();
    let (mut admin, _) = TeamServer::init(&team.admin).unwrap();
    let report = admin.push(&other_local.path).unwrap();
    assert_eq!(
        report.annotations, 0,
        "every Chinook table is there: {report:?}"
    );
    assert!(
        report.products_refused.len() == 1
            && report.products_refused[0].starts_with("Odd:")
            && report.products_refused[0].contains("products_file_path_local"),
        "{:?}",
        report.products_refused
    );
    assert_eq!(
        analyst.products().unwrap(),
        before,
        "the server's products are as they were"
    );

    // A snapshot carries the products down, exactly.
    let snapshot = local.dir.path().join("relationships-snapshot.db");
    let mut snapshot_of = TeamServer::connect(&analyst_url).unwrap();
    snapshot_of
        .snapshot(&snapshot, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    let copy = Store::open(&snapshot).unwrap();
    assert_eq!(
        copy.products().unwrap(),
        analyst.products().unwrap(),
        "the snapshot's products are the server's"
    );
    assert_eq!(
        copy.relationship_evidence("fk-1").unwrap(),
        analyst.relationship_evidence("fk-1").unwrap(),
        "and measure the same"
    );
}

/// A PostgreSQL product on a team server names a source another login chose: each client reads
/// it with the password its own keyring keeps for that exact URL, never with `PGPASSWORD` (which
/// a CLI session may hold for the team server itself). So does a local database, whose stored
/// products may be a snapshot's: `PGPASSWORD` serves only the registration the user types.
#[test]
fn a_stored_postgres_source_never_gets_the_password_pgpassword_holds() {
    let Some(team) = Team::new("team_source_passwords") else {
        return;
    };
    const PASSWORD: &str = "team-source-s3cret";
    let source = new_database(&postgres_server().unwrap(), "team_source");
    let role = format!("src_{}", std::process::id());
    Client::connect(&source, NoTls)
        .unwrap()
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}' IN ROLE vetted_password_login;
             CREATE TABLE customers (id int PRIMARY KEY);
             CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);
             INSERT INTO customers SELECT generate_series(1, 300);
             INSERT INTO orders SELECT g, 1 + g % 300 FROM generate_series(1, 500) g;
             GRANT SELECT ON customers, orders TO {role};"
        ))
        .unwrap();
    let (server_part, database) = source
        .trim_start_matches("postgres://postgres@")
        .split_once('/')
        .unwrap();
    let protected = format!("postgres://{role}@{server_part}/{database}");
    let sme_url = team.reviewer("src_sme", Role::Sme);
    let analyst_url = team.reviewer("src_analyst", Role::Analyst);
    // The SME names the source and gives its password: registering reads it.
    succeeded(
        on_server(&sme_url)
            .env("PGPASSWORD", PASSWORD)
            .args(["products", "add", &protected]),
    );
    let item = relationship_line("r-1");
    team.import(std::slice::from_ref(&item), 1);
    let basis = |shown: &serde_json::Value| {
        let side = &shown["evidence_computed"]["source_basis"];
        (
            side["kind"].as_str().unwrap_or_default().to_owned(),
            side["fallback_reason"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let on_the_server = crate::support::json_of(
        on_server(&analyst_url)
            .env("PGPASSWORD", PASSWORD)
            .args(["show", "r-1", "--json"]),
    );
    let (kind, why) = basis(&on_the_server);
    assert_eq!(
        kind, "registered_sample",
        "the server's product is not read with PGPASSWORD: {on_the_server}"
    );
    assert!(why.contains("could not connect"), "{why}");

    let local = temp_db();
    let file = local.write_file("items.jsonl", item + "\n");
    let cli = |args: &[&str]| {
        let mut cmd = crate::support::vetted(&local.path);
        cmd.env("PGPASSWORD", PASSWORD).args(args);
        cmd
    };
    succeeded(&mut cli(&["products", "add", &protected]));
    succeeded(&mut cli(&["import", file.to_str().unwrap()]));
    let here = crate::support::json_of(&mut cli(&["show", "r-1", "--json"]));
    let (kind, why) = basis(&here);
    assert_eq!(
        kind, "registered_sample",
        "a file's stored product is not read with PGPASSWORD either: {here}"
    );
    assert!(
        why.contains("products set-password"),
        "the reason says where the password goes: {why}"
    );
}

/// Approving by rule on the team server (#17, with #21's rules): the same plan and approvals as
/// on a file, leaving items another reviewer holds; undo and redo take the batch back and bring
/// it back as one step, as on a file; the server refuses the batch rows a login may not write,
/// even through raw SQL; a push carries batches up and a snapshot brings them down, where undo
/// still takes a batch back whole.
#[test]
fn a_rule_approves_on_the_server_as_on_a_file_and_undo_takes_the_batch_back_whole() {
    use std::ops::ControlFlow;
    use vetted::approval_rule::{self, EvidenceRule, RulePlan};

    let Some(team) = Team::new("team_rules") else {
        return;
    };
    let local = temp_db();
    let mut store = local.open();
    store
        .add_products(&[crate::support::chinook_path()])
        .unwrap();
    let pairs = [
        (
            "fk-album-artist",
            ("Album", "ArtistId"),
            ("Artist", "ArtistId"),
        ),
        ("fk-track-album", ("Track", "AlbumId"), ("Album", "AlbumId")),
        ("fk-track-genre", ("Track", "GenreId"), ("Genre", "GenreId")),
        (
            "fk-line-track",
            ("InvoiceLine", "TrackId"),
            ("Track", "TrackId"),
        ),
        (
            "fk-invoice-customer",
            ("Invoice", "CustomerId"),
            ("Customer", "CustomerId"),
        ),
        // Track ids reach 3503, albums 347; genre ids run to 25, media-type ids to 5.
        (
            "wrong-track-album",
            ("Track", "TrackId"),
            ("Album", "AlbumId"),
        ),
        (
            "wrong-genre-media",
            ("Genre", "GenreId"),
            ("MediaType", "MediaTypeId"),
        ),
        // Meets the rule, but contradicts the true Invoice.CustomerId key.
        (
            "dispute-invoice-track",
            ("Invoice", "CustomerId"),
            ("Track", "TrackId"),
        ),
    ];
    let lines: Vec<String> = pairs
        .iter()
        .map(|(id, (source, sf), (target, tf))| {
            crate::support::relationship_between(
                &store,
                id,
                (source, &[sf]),
                (target, &[tf]),
                "N:1",
            )
        })
        .collect();
    crate::support::import_lines(&local, &mut store, &lines);
    team.import(&lines, 1);
    let sme_url = team.reviewer("rule_sme", Role::Sme);
    let analyst_url = team.reviewer("rule_analyst", Role::Analyst);
    let mut sme = TeamServer::connect(&sme_url).unwrap();
    let mut analyst = TeamServer::connect(&analyst_url).unwrap();
    sme.register_products(&[vetted::products::ProductSource::File(
        crate::support::chinook_path(),
    )])
    .unwrap();
    // A product no client reads back, stored before migration 0012 refused such JSON: a plan
    // reads only the products its candidates name, so this one stops nothing.
    team.sql()
        .batch_execute(
            r#"ALTER TABLE vetted.products DISABLE TRIGGER products_json_readable;
               INSERT INTO vetted.products (name, source_kind, source_path, source_table, schema,
                                            row_count, sample_rows, registered_at, registered_by)
               SELECT 'Unreadable', source_kind, source_path || '-old', source_table, schema,
                      row_count,
                      '[{"ArtistId": "\ud800"}]', registered_at, registered_by
                 FROM vetted.products WHERE name = 'Artist';
               ALTER TABLE vetted.products ENABLE TRIGGER products_json_readable;"#,
        )
        .unwrap();
    assert!(
        sme.products().is_err(),
        "the unreadable product is there: reading every product fails"
    );
    let me = sme.reviewer().to_owned();
    // Decided by hand on both: no longer a candidate, and an accepted relationship.
    approve(&mut sme, "fk-track-genre").unwrap();
    let v = store.item("fk-track-genre").unwrap().version;
    store
        .decide(&decision("fk-track-genre", v, &me, Action::Approve))
        .unwrap();

    let rule: EvidenceRule = "containment>=100%, target-key".parse().unwrap();
    let never_stop = &mut |_: usize, _: usize| ControlFlow::Continue(());
    let shape = |plan: &RulePlan| {
        let of = |list: &[vetted::approval_rule::RuleCandidate]| {
            list.iter()
                .map(|c| {
                    let containment = c.containment.map(|v| format!("{v:.6}"));
                    (
                        c.item.clone(),
                        c.title.clone(),
                        containment,
                        c.basis.clone(),
                        c.unmet.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        (plan.rule.clone(), of(&plan.approve), of(&plan.leave))
    };
    let listed = |plan: &RulePlan| -> Vec<String> {
        (plan.approve.iter().chain(&plan.leave))
            .map(|c| c.item.clone())
            .collect()
    };
    let on_file = approval_rule::plan(&store, &QueueFilter::default(), &rule, &me, never_stop)
        .unwrap()
        .unwrap();
    let server_plan = sme
        .plan_rule(None, None, &rule, never_stop)
        .unwrap()
        .unwrap();
    assert_eq!(
        shape(&server_plan),
        shape(&on_file),
        "the server plans as a file does (the products' full sources read on both)"
    );
    let meeting: Vec<&str> = server_plan
        .approve
        .iter()
        .map(|c| c.item.as_str())
        .collect();
    assert_eq!(
        meeting,
        ["fk-album-artist", "fk-track-album", "fk-line-track"],
        "the true keys not yet decided meet the rule"
    );
    for disputed in ["fk-invoice-customer", "dispute-invoice-track"] {
        let left = server_plan
            .leave
            .iter()
            .find(|c| c.item == disputed)
            .unwrap();
        assert!(
            left.unmet
                .iter()
                .any(|u| u.contains("disputed by another candidate")),
            "{disputed}: meets the rule but contradicts another candidate: left for a person"
        );
    }
    assert!(
        !listed(&server_plan).contains(&"fk-track-genre".to_owned()),
        "an item the login decided is no candidate"
    );
    let other_domain = sme
        .plan_rule(Some("no-such-domain"), None, &rule, never_stop)
        .unwrap()
        .unwrap();
    assert!(listed(&other_domain).is_empty(), "only the domain asked");
    // An item another reviewer holds is left to them.
    let claimed = analyst.claim(1, Duration::from_secs(600)).unwrap();
    assert_eq!(
        claimed[0].external_id, "fk-album-artist",
        "the oldest open item"
    );
    let while_held = sme
        .plan_rule(None, None, &rule, never_stop)
        .unwrap()
        .unwrap();
    assert!(
        !listed(&while_held).contains(&"fk-album-artist".to_owned()),
        "a rule does not take an item another reviewer holds: {:?}",
        listed(&while_held)
    );
    assert!(analyst.release("fk-album-artist").unwrap());

    // Approving: one batch, all or nothing. An item another reviewer took after the check, or
    // one changed since, refuses the whole batch; a retry records nothing more.
    let batch = server_plan.batch("rule-batch-1", &me).unwrap();
    let held = analyst.claim(1, Duration::from_secs(600)).unwrap()[0]
        .external_id
        .clone();
    assert!(meeting.contains(&held.as_str()), "{held} is planned");
    let taken = sme.approve_batch(&batch).unwrap_err();
    assert!(
        taken
            .to_string()
            .contains(&format!("'{held}' is no longer yours to approve by rule")),
        "{taken}"
    );
    assert!(analyst.release(&held).unwrap());
    let mut stale = server_plan.batch("rule-batch-stale", &me).unwrap();
    stale.items.last_mut().unwrap().1 -= 1;
    let refused_batch = sme.approve_batch(&stale).unwrap_err();
    assert_eq!(refused_batch.code(), ErrorCode::Conflict, "{refused_batch}");
    assert!(
        sme.batch("rule-batch-stale").unwrap().is_none()
            && meeting
                .iter()
                .all(|item| sme.item_shown(item).unwrap().status == ItemStatus::Pending),
        "a batch refused on its last item records none of the approvals before it"
    );
    let approved = sme.approve_batch(&batch).unwrap();
    let note = format!("approved by rule: {}", server_plan.rule);
    assert_eq!(
        approved.len(),
        3,
        "one approval per candidate meeting the rule"
    );
    assert!(
        approved.iter().all(|d| d.reviewer == me
            && d.action == Action::Approve
            && d.note == Some(note.clone())),
        "each an approval of the login's, with the rule as its note: {approved:?}"
    );
    let ids = |decisions: &[Decision]| decisions.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&sme.approve_batch(&batch).unwrap()),
        ids(&approved),
        "a retried batch returns what it recorded"
    );
    let replayed = sme
        .approve_batch(&server_plan.batch("rule-batch-again", &me).unwrap())
        .unwrap_err();
    assert!(
        replayed.to_string().contains("no longer yours"),
        "the same plan again finds its items decided: {replayed}"
    );
    approval_rule::apply(&mut store, &on_file, "rule-batch-1", &me).unwrap();
    let statuses = |server: &mut TeamServer, store: &Store| {
        for (id, ..) in pairs {
            assert_eq!(
                server.item_shown(id).unwrap().status,
                store.item(id).unwrap().status,
                "{id}: the same status on the server as on the file"
            );
        }
    };
    statuses(&mut sme, &store);
    let (rule_of, events) = analyst.batch("rule-batch-1").unwrap().unwrap();
    assert_eq!(
        (rule_of, events.len()),
        (server_plan.rule.clone(), 3),
        "everyone reads a batch where they read its decisions"
    );

    // Undo and redo: the whole batch, on both.
    for (redo, status) in [(false, ItemStatus::Pending), (true, ItemStatus::Approved)] {
        let id = uuid::Uuid::now_v7().to_string();
        let event = match redo {
            true => sme.redo(&id).unwrap(),
            false => sme.undo(&id).unwrap(),
        };
        let step = sme.reverted(event.unwrap()).unwrap();
        let event = match redo {
            true => store.redo(&id, &me).unwrap(),
            false => store.undo(&id, &me).unwrap(),
        };
        let local_step = store.reverted(event.unwrap()).unwrap();
        assert_eq!(
            (step.rule.clone(), step.decisions),
            (Some(server_plan.rule.clone()), 3),
            "redo {redo}: one step for the whole batch"
        );
        assert_eq!(
            (step.rule, step.decisions, step.event.item),
            (local_step.rule, local_step.decisions, local_step.event.item),
            "redo {redo}: as on the file, the event the one of the latest decision"
        );
        statuses(&mut sme, &store);
        for item in &meeting {
            assert_eq!(
                sme.item_shown(item).unwrap().status,
                status,
                "{item}, redo {redo}"
            );
        }
        assert_eq!(
            sme.item_shown("fk-track-genre").unwrap().status,
            ItemStatus::Approved,
            "the approval by hand is another step"
        );
    }

    // From the CLI: undo names the batch; approve-where plans and approves on the server.
    let out = succeeded(on_server(&sme_url).arg("undo"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "undo: 3 decisions of the bulk approval '{}' by {me}",
            server_plan.rule
        ),
        "the CLI undoes the batch as one step"
    );
    let out = succeeded(on_server(&sme_url).args([
        "approve-where",
        "containment>=100%, target-key",
        "--json",
    ]));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["approved"], 3, "{report}");
    assert_eq!(report["reviewer"], me.as_str(), "{report}");
    let cli_batch = report["batch"].as_str().unwrap();
    assert_eq!(
        sme.batch(cli_batch).unwrap().unwrap().1.len(),
        3,
        "one batch"
    );
    let tagged = crate::support::json_of(on_server(&sme_url).args([
        "approve-where",
        "containment>=0%",
        "--tag",
        "no-such-tag",
        "--dry-run",
        "--json",
    ]));
    assert_eq!(
        (
            tagged["approve"].as_array().unwrap().len(),
            tagged["leave"].as_array().unwrap().len()
        ),
        (0, 0),
        "--tag: only candidates with the tag: {tagged}"
    );
    let out = on_server(&sme_url)
        .args([
            "approve-where",
            "containment>=100%",
            "--reviewer",
            "someone",
        ])
        .output()
        .unwrap();
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("your login"),
        "on a server a rule approves as the login: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // What the server refuses, through raw SQL.
    let analyst_batch = BatchApproval {
        id: "analyst-batch".into(),
        reviewer: analyst.reviewer().to_owned(),
        rule: "names>=50%".into(),
        items: vec![(
            "wrong-genre-media".into(),
            analyst.item_version("wrong-genre-media").unwrap().1,
        )],
    };
    analyst.approve_batch(&analyst_batch).unwrap();
    let someone_elses = approved[0].id.clone();
    let mut as_analyst = raw(&analyst_url);
    let message = refused(
        &mut as_analyst,
        &format!(
            "INSERT INTO decision_batches VALUES ('{someone_elses}', 'mine', 'containment>=1%')"
        ),
    );
    assert!(
        message.contains("groups only approvals and reverts of theirs"),
        "{message}"
    );
    let mut as_sme = raw(&sme_url);
    let message = refused(
        &mut as_sme,
        &format!("INSERT INTO decision_batches VALUES ('{someone_elses}', 'later', 'x')"),
    );
    assert!(
        message.contains("groups only approvals and reverts of theirs"),
        "an earlier decision of one's own is not grouped afterwards: {message}"
    );
    let fresh = |batch: &str, rule: &str| {
        format!(
            "INSERT INTO decisions (id, item_id, item_version, reviewer, action)
             SELECT 'raw-{batch}', id, version, session_user, 'approve' FROM items
              WHERE external_id = 'dispute-invoice-track';
             INSERT INTO decision_batches VALUES ('raw-{batch}', '{batch}', '{rule}')"
        )
    };
    let message = refused(&mut as_sme, &fresh("analyst-batch", "names>=50%"));
    assert!(message.contains("is another login's"), "{message}");
    let message = refused(&mut as_sme, &fresh("rule-batch-1", &server_plan.rule));
    assert!(
        message.contains("is recorded already"),
        "a later decision joins no earlier batch, one's own included: {message}"
    );
    let message = refused(&mut as_sme, &fresh("blank-rule", " "));
    assert!(message.contains("decision_batches_rule_check"), "{message}");
    for sql in [
        "UPDATE decision_batches SET rule = 'x'",
        "DELETE FROM decision_batches",
    ] {
        let message = refused(&mut as_sme, sql);
        assert!(message.contains("permission denied"), "{sql}: {message}");
    }
    let mut owner = team.sql();
    owner.batch_execute("SET search_path = vetted").unwrap();
    for sql in [
        "UPDATE decision_batches SET rule = 'x'",
        "DELETE FROM decision_batches",
        "TRUNCATE decision_batches",
    ] {
        let message = refused(&mut owner, sql);
        assert!(
            message.contains("decision_batches is append-only"),
            "{sql}, as the owner: {message}"
        );
    }

    // Under blind review (k = 2) a rule gives only an item's first review (the server refuses
    // undoing a blind review once another exists, and a batch is undone whole), and its
    // approvals stay hidden from those who have not reviewed the item.
    let blind: Vec<String> = [
        (
            "blind-track-media",
            ("Track", "MediaTypeId"),
            ("MediaType", "MediaTypeId"),
        ),
        (
            "blind-playlist",
            ("PlaylistTrack", "PlaylistId"),
            ("Playlist", "PlaylistId"),
        ),
    ]
    .iter()
    .map(|(id, (source, sf), (target, tf))| {
        crate::support::relationship_between(&store, id, (source, &[sf]), (target, &[tf]), "N:1")
    })
    .collect();
    team.import(&blind, 2);
    approve(&mut analyst, "blind-track-media").unwrap();
    let blind_plan = sme
        .plan_rule(None, None, &rule, never_stop)
        .unwrap()
        .unwrap();
    assert_eq!(
        blind_plan
            .approve
            .iter()
            .map(|c| c.item.as_str())
            .collect::<Vec<_>>(),
        ["blind-playlist"],
        "another's blind review takes blind-track-media out: {:?}",
        listed(&blind_plan)
    );
    sme.approve_batch(&blind_plan.batch("rule-batch-blind", &me).unwrap())
        .unwrap();
    assert!(
        analyst.batch("rule-batch-blind").unwrap().is_none(),
        "a blind approval by rule, and its batch, stay hidden from a reviewer yet to review it"
    );
    let undone = sme
        .undo(&uuid::Uuid::now_v7().to_string())
        .unwrap()
        .unwrap();
    assert_eq!(sme.reverted(undone).unwrap().decisions, 1, "and it undoes");

    // A push carries the file's batches up; a snapshot brings them down, undoable whole.
    let Some(other) = Team::new("team_rules_push") else {
        return;
    };
    let (mut admin, _) = TeamServer::init(&other.admin).unwrap();
    let pushed = admin.push(&local.path).unwrap();
    assert!(pushed.events >= 9, "the file's log is pushed: {pushed:?}");
    assert_eq!(
        admin.push(&local.path).unwrap().events,
        0,
        "a push again adds nothing"
    );
    let reader = other.reviewer("rule_reader", Role::Analyst);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot.db");
    TeamServer::connect(&reader)
        .unwrap()
        .snapshot(&out, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    let mut snapshot = Store::open(&out).unwrap();
    let batch_ids = |store: &Store, batch: &str| {
        let (rule, events) = store.batch(batch).unwrap().expect("the batch is there");
        (rule, ids(&events))
    };
    assert_eq!(
        batch_ids(&snapshot, "rule-batch-1"),
        batch_ids(&store, "rule-batch-1"),
        "the batch went up and came down"
    );
    let undone = snapshot.undo("snapshot-undo", &me).unwrap().unwrap();
    let step = snapshot.reverted(undone).unwrap();
    assert_eq!(
        (step.rule, step.decisions),
        (Some(server_plan.rule.clone()), 3),
        "undo in the snapshot takes the batch back whole"
    );
    // The login that approved (roles are the cluster's), once a reviewer of this database too,
    // undoes the pushed batch on the server.
    admin.add_reviewer(&me, Role::Sme, None).unwrap();
    let mut pushed_by = TeamServer::connect(&other.url_of(&me)).unwrap();
    let undone = pushed_by.undo("server-undo").unwrap().unwrap();
    let step = pushed_by.reverted(undone).unwrap();
    assert_eq!(
        (step.rule, step.decisions),
        (Some(server_plan.rule.clone()), 3),
        "undo on the server takes a pushed batch back whole"
    );
}

/// The vetting model's verdict for the answer the prompt carries: a fail, a flag or a pass.
fn verdict_for(request: &crate::llm::fault_server::Request) -> crate::llm::fault_server::Reply {
    let sent = request.body.to_string();
    let verdict = if sent.contains("answer number 0") {
        r#"{"verdict":"fail","reasons":["privacy_pii","privacy_pii"],"risk":0.9}"#
    } else if sent.contains("answer number 1") {
        r#"{"verdict":"flag","reasons":["unsupported_claim"],"risk":0.4}"#
    } else {
        r#"{"verdict":"pass","reasons":[],"risk":0.05}"#
    };
    crate::llm::fault_server::completion(verdict, "stop")
}

#[test]
fn the_vetting_model_runs_on_the_server_as_on_a_file_and_only_smes_and_adjudicators_run_it() {
    use crate::llm::fault_server::FaultServer;
    use vetted::jobs::tasks::LlmRunRequest;
    use vetted::jobs::{JobEvent, Jobs};

    let Some(team) = Team::new("team_vetting") else {
        return;
    };
    let lines = answer_lines("v", 4);
    team.import(&lines, 1);
    let model = FaultServer::start(|_, request| verdict_for(request));

    // The same items on a file, vetted by the same model: what the server must hold.
    let local = temp_db();
    let mut store = local.open();
    crate::support::import_lines(&local, &mut store, &lines);
    let settings = crate::support::provider_settings(&local, "vetter", &model.base_url);
    let vet_all = || LlmRunRequest::Vet {
        provider: "vetter".into(),
        filter: QueueFilter::default(),
        limit: 100,
        revet: false,
        knowledge: vetted::roles::knowledge::Variant::Base,
    };
    let jobs = Jobs::default();
    let outcome = |work| {
        let (_, events) = crate::support::spawn_job(&jobs, work);
        events.iter().last().expect("a job ends with an outcome")
    };
    let on_file = outcome(tasks::llm_run(
        local.path.clone(),
        settings.clone(),
        vet_all(),
        None,
    ));
    assert!(
        matches!(&on_file, JobEvent::Finished { summary } if summary.contains("4 inputs · 4 ok")),
        "{on_file:?}"
    );

    // An analyst is told before anything is read; the server refuses them anyway (below).
    let analyst = team.reviewer("vet_analyst", Role::Analyst);
    let analyst_run = outcome(tasks::llm_run_on_server(
        analyst.clone(),
        None,
        settings.clone(),
        vet_all(),
        None,
        1,
    ));
    assert!(
        matches!(&analyst_run, JobEvent::Failed { code: ErrorCode::Forbidden, message }
            if message.contains("only SMEs and adjudicators run the vetting model")),
        "an analyst does not run the vetting model: {analyst_run:?}"
    );
    let generate = outcome(tasks::llm_run_on_server(
        team.reviewer("vet_sme_gen", Role::Sme),
        None,
        settings.clone(),
        LlmRunRequest::Generate {
            provider: "vetter".into(),
            knowledge: vetted::roles::knowledge::Variant::Base,
        },
        None,
        1,
    ));
    assert!(
        matches!(&generate, JobEvent::Failed { code: ErrorCode::Forbidden, message }
            if message.contains("only its owner adds items")),
        "an SME does not add items on a server, answers included: {generate:?}"
    );
    assert_eq!(
        model.requests().len(),
        4,
        "refused runs call no model (the file's run made 4 calls)"
    );

    // Another reviewer's window hears each verdict.
    let mut watcher = TeamServer::connect(&analyst).unwrap();
    watcher.listen().unwrap();

    let sme = team.reviewer("vet_sme", Role::Sme);
    let sme_name = TeamServer::connect(&sme).unwrap().reviewer().to_owned();
    let sme_run = outcome(tasks::llm_run_on_server(
        sme.clone(),
        None,
        settings.clone(),
        vet_all(),
        None,
        1,
    ));
    let JobEvent::Finished { summary } = &sme_run else {
        panic!("the SME's run finishes: {sme_run:?}");
    };
    assert!(
        summary.starts_with("vet run 1 with gpt-4o-mini")
            && summary.contains("4 inputs · 4 ok · 0 failed · 0 not run · 4 items written"),
        "the summary names the server's run: {summary}"
    );
    let heard = heard_until_quiet(&mut watcher);
    for i in 0..4 {
        let item = format!("v-{i}");
        assert!(
            heard.contains(&Change::Vetted { item: item.clone() }),
            "{item}'s new verdict is announced: {heard:?}"
        );
    }
    let LiveEvent::Changed { annotated, .. } = LiveEvent::of(&heard) else {
        unreachable!("announcements make a change");
    };
    assert_eq!(
        annotated,
        ["v-0", "v-1", "v-2", "v-3"],
        "the window reads each vetted item again"
    );

    // The server shows exactly what the file shows, and keeps who ran it and what it cost.
    let mut sql = team.sql();
    for i in 0..4 {
        let item = format!("v-{i}");
        let on_file: String = store
            .conn()
            .query_row(
                "SELECT vetting FROM items WHERE external_id = ?1",
                [&item],
                |r| r.get(0),
            )
            .unwrap();
        let shown: String = sql
            .query_one(
                "SELECT vetting FROM vetted.items WHERE external_id = $1",
                &[&item],
            )
            .unwrap()
            .get(0);
        assert_eq!(
            shown, on_file,
            "{item} shows the file's verdict, byte for byte"
        );
        let costs = TeamServer::connect(&analyst)
            .unwrap()
            .item_costs(&item)
            .unwrap();
        assert_eq!(
            costs,
            store.item_costs(&item).unwrap(),
            "{item}'s costs, read by an analyst, are the file's"
        );
        assert!(costs.calls == 1 && costs.cost_usd > 0.0, "{costs:?}");
    }
    let run = sql
        .query_one(
            "SELECT run_by, role, model, finished_at IS NOT NULL, NOT cancelled,
                    (SELECT count(*) FROM vetted.llm_calls c WHERE c.run_id = r.id),
                    (SELECT count(*) FROM vetted.vetting_suggestions s
                       JOIN vetted.llm_calls c ON c.id = s.call_id
                       JOIN vetted.items i ON i.id = s.item_id
                      WHERE c.run_id = r.id AND c.item_id = s.item_id
                        AND s.item_version = i.version AND s.shown = i.vetting)
             FROM vetted.llm_runs r",
            &[],
        )
        .unwrap();
    let run: (String, String, String, bool, bool, i64, i64) = (
        run.get(0),
        run.get(1),
        run.get(2),
        run.get(3),
        run.get(4),
        run.get(5),
        run.get(6),
    );
    assert_eq!(
        run,
        (
            sme_name.clone(),
            "vet".into(),
            "gpt-4o-mini".into(),
            true,
            true,
            4,
            4
        ),
        "one finished run, stamped with the SME, four calls, each suggestion on the item it judged"
    );
    let reasons: String = sql
        .query_one(
            "SELECT s.reasons FROM vetted.vetting_suggestions s
               JOIN vetted.items i ON i.id = s.item_id WHERE i.external_id = 'v-0'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        reasons, r#"["privacy_pii"]"#,
        "repeated reasons are kept once"
    );

    // The CLI: the same run, as an adjudicator, named by the server's run id.
    let adjudicator = team.reviewer("vet_adjudicator", Role::Adjudicator);
    let out = succeeded(on_server(&adjudicator).args([
        "vet",
        "--base-url",
        &model.base_url,
        "--model",
        "gpt-4o-mini",
        "--revet",
        "--limit",
        "2",
        "--json",
    ]));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            summary["run_id"].as_i64(),
            summary["items_written"].as_i64()
        ),
        (Some(2), Some(2)),
        "the CLI's run is the server's second: {summary}"
    );
    on_server(&analyst)
        .args([
            "vet",
            "--base-url",
            &model.base_url,
            "--model",
            "gpt-4o-mini",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "only SMEs and adjudicators run the vetting model",
        ));
    assert_eq!(
        model.requests().len(),
        10,
        "the file's 4, the app's 4, the CLI's 2"
    );

    let shown = crate::support::json_of(on_server(&analyst).args(["show", "v-0", "--json"]));
    assert_eq!(
        (
            shown["llm"]["calls"].as_i64(),
            shown["item"]["vetting"]["verdict"].as_str()
        ),
        (Some(2), Some("fail")),
        "`show` on the server gives the item's verdict and the costs of its 2 calls (the app's run \
         and the CLI's): {shown}"
    );

    // A snapshot (an analyst's backup) keeps the team's runs, calls and suggestions as the
    // server holds them: the same costs per item, the same history.
    let backup = local.dir.path().join("backup.db");
    succeeded(on_server(&analyst).args(["backup", "--out"]).arg(&backup));
    let copy = Store::open(&backup).unwrap();
    let mut reader = TeamServer::connect(&analyst).unwrap();
    for i in 0..4 {
        let item = format!("v-{i}");
        assert_eq!(
            copy.item_costs(&item).unwrap(),
            reader.item_costs(&item).unwrap(),
            "{item}'s costs in the snapshot are the server's"
        );
    }
    let history = |sql: &str| -> Vec<String> {
        copy.conn()
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let on_server_history = |sql: &str| -> Vec<String> {
        team.sql()
            .query(sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(
        history(
            "SELECT started_at || ' ' || finished_at || ' ' || model || ' ' || cancelled
             FROM llm_runs ORDER BY id"
        ),
        on_server_history(
            "SELECT started_at || ' ' || finished_at || ' ' || model || ' ' || cancelled::int
             FROM vetted.llm_runs ORDER BY id"
        ),
        "the runs, with their times"
    );
    let suggestions = history(
        "SELECT i.external_id || ' ' || s.verdict || ' ' || s.reasons || ' ' || s.item_version
                || ' ' || s.created_at || ' ' || c.created_at || ' ' || c.cost_usd
         FROM vetting_suggestions s JOIN items i ON i.id = s.item_id
         JOIN llm_calls c ON c.id = s.call_id ORDER BY s.id",
    );
    assert_eq!(
        suggestions.len(),
        6,
        "the app's 4 and the CLI's 2: {suggestions:?}"
    );
    assert_eq!(
        suggestions,
        on_server_history(
            "SELECT i.external_id || ' ' || s.verdict || ' ' || s.reasons || ' ' || s.item_version
                    || ' ' || s.created_at || ' ' || c.created_at || ' ' || c.cost_usd
             FROM vetted.vetting_suggestions s JOIN vetted.items i ON i.id = s.item_id
             JOIN vetted.llm_calls c ON c.id = s.call_id ORDER BY s.id"
        ),
        "every suggestion, on its item and call"
    );

    // What the server refuses through raw SQL, whatever client a reviewer uses.
    let mut as_sme = Client::connect(&sme, NoTls).unwrap();
    let other_sme = team.reviewer("vet_sme_other", Role::Sme);
    let mut as_other = Client::connect(&other_sme, NoTls).unwrap();
    let forged: String = as_sme
        .query_one(
            "INSERT INTO vetted.llm_runs (role, provider, model, prompt_version)
             VALUES ('vet', 'p', 'gpt-4o-mini', 'v') RETURNING run_by",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(forged, sme_name, "a run is stamped with its login");
    let open_run: i64 = as_sme
        .query_one("SELECT max(id) FROM vetted.llm_runs", &[])
        .unwrap()
        .get(0);
    let item_id = |external: &str, sql: &mut Client| -> i64 {
        sql.query_one(
            "SELECT id FROM vetted.items WHERE external_id = $1",
            &[&external],
        )
        .unwrap()
        .get(0)
    };
    let v0 = item_id("v-0", &mut as_sme);
    let v1 = item_id("v-1", &mut as_sme);
    let call = |item: i64, model: &str, error: &str, cost: &str| {
        format!(
            "INSERT INTO vetted.llm_calls (run_id, item_id, subject, role, provider, model,
                 prompt_version, output_mode, streamed, prompt_tokens, completion_tokens,
                 cost_usd, priced, latency_ms, attempts, error_code, error)
             VALUES ({open_run}, {item}, 's', 'vet', 'p', '{model}', 'v', 'text', false, 1, 1,
                     {cost}, false, 1, 1, {error}, {error})"
        )
    };
    let good_call = call(v0, "gpt-4o-mini", "NULL", "0");
    let mut as_analyst = Client::connect(&analyst, NoTls).unwrap();
    for sql in [
        "INSERT INTO vetted.llm_runs (role, provider, model, prompt_version) VALUES ('vet', 'p', 'm', 'v')",
        &good_call,
        "INSERT INTO vetted.vetting_suggestions (item_id, call_id, agent, verdict, risk, reasons, shown)
         VALUES (1, 1, 'gpt-4o-mini', 'pass', 0, '[]', '{}')",
        "UPDATE vetted.items SET vetting = '{}'",
    ] {
        let refusal = refused(&mut as_analyst, sql);
        assert!(refusal.contains("permission denied"), "{sql}: {refusal}");
    }
    for (sql, expected) in [
        (good_call.clone(), "unfinished run of"),
        (call(v0, "other-model", "NULL", "0"), "unfinished run of"),
    ] {
        let client = if sql == good_call {
            &mut as_other
        } else {
            &mut as_sme
        };
        let refusal = refused(client, &sql);
        assert!(
            refusal.contains(expected),
            "a call goes into one's own run, with its model: {sql}: {refusal}"
        );
    }
    for cost in ["'NaN'", "'Infinity'", "-1"] {
        let sql = call(v0, "gpt-4o-mini", "NULL", cost);
        let refusal = refused(&mut as_sme, &sql);
        assert!(
            refusal.contains("violates check constraint"),
            "{sql}: {refusal}"
        );
    }
    let new_call = |sql: &mut Client, text: &str| -> i64 {
        sql.query_one(&format!("{text} RETURNING id"), &[])
            .unwrap()
            .get(0)
    };
    let call_id = new_call(&mut as_sme, &good_call);
    let failed_call = new_call(&mut as_sme, &call(v0, "gpt-4o-mini", "'llm_http'", "0"));
    let suggestion = |item: i64, call: i64, agent: &str, reasons: &str, shown: &str| {
        format!(
            "INSERT INTO vetted.vetting_suggestions (item_id, call_id, agent, verdict, risk, reasons, shown)
             VALUES ({item}, {call}, '{agent}', 'pass', 0.25, '{reasons}', '{shown}')"
        )
    };
    let shown =
        r#"{"model":"gpt-4o-mini","verdict":"pass","score":0.75,"reasons":[],"prompt":"v"}"#;
    let suggest = |call: i64, shown: &str| suggestion(v0, call, "gpt-4o-mini", "[]", shown);
    for (by_other, sql, expected) in [
        (
            false,
            suggestion(v1, call_id, "gpt-4o-mini", "[]", shown),
            "from a successful vetting call",
        ),
        (
            false,
            suggest(failed_call, shown),
            "from a successful vetting call",
        ),
        (
            false,
            suggestion(
                v0,
                call_id,
                "other-model",
                "[]",
                &shown.replace("gpt-4o-mini", "other-model"),
            ),
            "from a successful vetting call",
        ),
        (
            true,
            suggest(call_id, shown),
            "from a successful vetting call",
        ),
        (
            false,
            suggest(call_id, &shown.replace("0.75", "0.99")),
            "is not the suggestion",
        ),
        (
            false,
            suggest(call_id, &shown.replace("\"pass\"", "\"fail\"")),
            "is not the suggestion",
        ),
        (
            false,
            suggest(call_id, &shown.replace("}", r#","extra":1}"#)),
            "is not the suggestion",
        ),
        (
            false,
            suggest(call_id, &shown.replace("}", r#","score":0.75}"#)),
            "is not the suggestion",
        ),
        (
            false,
            suggest(call_id, &shown.replace("0.75", "\"0.75\"")),
            "is not the suggestion",
        ),
        (false, suggest(call_id, "[]"), "is not a JSON object"),
        (
            false,
            suggestion(
                v0,
                call_id,
                "gpt-4o-mini",
                "[1]",
                &shown.replace("[]", "[1]"),
            ),
            "reason ids (strings)",
        ),
    ] {
        let client = if by_other { &mut as_other } else { &mut as_sme };
        let refusal = refused(client, &sql);
        assert!(refusal.contains(expected), "{sql}: {refusal}");
    }
    as_sme.batch_execute(&suggest(call_id, shown)).unwrap();
    let now_shown: String = as_sme
        .query_one("SELECT vetting FROM vetted.items WHERE id = $1", &[&v0])
        .unwrap()
        .get(0);
    assert_eq!(now_shown, shown, "a checked suggestion shows on its item");
    let refusal = refused(&mut as_sme, &suggest(call_id, shown));
    assert!(
        refusal.contains("duplicate key"),
        "one suggestion per call: {refusal}"
    );
    let finish = |cancelled: bool| {
        format!("UPDATE vetted.llm_runs SET cancelled = {cancelled} WHERE id = {open_run}")
    };
    let refusal = refused(&mut as_other, &finish(true));
    assert!(refusal.contains("only they finish it"), "{refusal}");
    as_sme.batch_execute(&finish(true)).unwrap();
    let refusal = refused(&mut as_sme, &finish(false));
    assert!(
        refusal.contains("finished already"),
        "a run is finished once: {refusal}"
    );
    let refusal = refused(&mut as_sme, &good_call);
    assert!(
        refusal.contains("unfinished run of"),
        "a finished run takes no more calls: {refusal}"
    );
    let mut owner = team.sql();
    for sql in [
        "UPDATE vetted.llm_calls SET cost_usd = 0",
        "DELETE FROM vetted.vetting_suggestions",
        "DELETE FROM vetted.llm_runs",
        "TRUNCATE vetted.llm_calls CASCADE",
    ] {
        let refusal = refused(&mut owner, sql);
        assert!(
            refusal.contains("is append-only"),
            "not even the owner rewrites what a model said or cost: {sql}: {refusal}"
        );
    }
}

/// A record the server refuses stops the run where it is, and the run is finished as cancelled
/// on the server: nobody adds to it later.
#[test]
fn a_vetting_run_the_server_stops_is_finished_there_as_cancelled() {
    use crate::llm::fault_server::FaultServer;

    let Some(team) = Team::new("team_vetting_stop") else {
        return;
    };
    team.import(&answer_lines("v", 3), 1);
    let admin = team.admin.clone();
    // The first call fails with a provider's message holding NUL (which PostgreSQL's text does
    // not take); while the second is answered, the owner makes the server refuse every
    // suggestion.
    let model = FaultServer::start(move |n, request| {
        if n == 0 {
            return crate::llm::fault_server::error(
                400,
                serde_json::json!({"message": "bad\u{0}request", "type": "invalid_request_error"}),
            );
        }
        if n == 1 {
            Client::connect(&admin, NoTls)
                .unwrap()
                .batch_execute(
                    "ALTER TABLE vetted.vetting_suggestions
                        ADD CONSTRAINT closed_for_maintenance CHECK (false) NOT VALID",
                )
                .unwrap();
        }
        verdict_for(request)
    });
    let sme = team.reviewer("vet_stop_sme", Role::Sme);
    let out = on_server(&sme)
        .args([
            "vet",
            "--base-url",
            &model.base_url,
            "--model",
            "gpt-4o-mini",
            "--concurrency",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the run stops");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("closed_for_maintenance"),
        "the server's refusal is said: {stderr}"
    );
    assert_eq!(model.requests().len(), 2, "no call after the refused one");
    let row = team
        .sql()
        .query_one(
            "SELECT count(*), bool_and(finished_at IS NOT NULL AND cancelled),
                    (SELECT string_agg(error, ' | ') FROM vetted.llm_calls)
             FROM vetted.llm_runs",
            &[],
        )
        .unwrap();
    let (runs, closed, errors): (i64, bool, Option<String>) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((runs, closed), (1, true), "one run, finished as cancelled");
    let errors = errors.expect("the failed call is on the server");
    assert!(
        errors.contains("bad\u{fffd}request") && !errors.contains(" | "),
        "only the failed call, its NUL kept as U+FFFD, not the one whose suggestion was \
         refused: {errors}"
    );
}

/// The figures of alignment runs, without what differs from run to run (times, latencies).
fn alignment_figures(
    runs: &[vetted::roles::align::AlignmentSummary],
) -> Vec<(String, usize, Vec<String>)> {
    runs.iter()
        .map(|r| {
            let variants = r
                .variants
                .iter()
                .map(|v| {
                    format!(
                        "{} judged {} failed {} κ {:?} accuracy {:?} precision {:?} recall {:?} \
                         cost {:.9}",
                        v.variant.as_str(),
                        v.judged,
                        v.failed,
                        v.kappa,
                        v.accuracy,
                        v.precision,
                        v.recall,
                        v.cost_usd
                    )
                })
                .collect();
            (r.domain.clone(), r.held_out, variants)
        })
        .collect()
}

#[test]
fn the_vetting_model_is_aligned_on_the_server_as_on_a_file_against_the_servers_own_decisions() {
    use crate::llm::fault_server::FaultServer;
    use vetted::jobs::tasks::LlmRunRequest;
    use vetted::jobs::{JobEvent, Jobs};
    use vetted::roles::align::{alignment_history, suggest_auto_approve};
    use vetted::roles::knowledge::Variant;

    let Some(team) = Team::new("team_align") else {
        return;
    };
    let lines = answer_lines("al", 24);
    team.import(&lines, 1);
    let local = temp_db();
    let mut store = local.open();
    crate::support::import_lines(&local, &mut store, &lines);
    // The same decisions on both: every third item rejected, the rest approved.
    let sme = team.reviewer("align_sme", Role::Sme);
    let mut deciding = TeamServer::connect(&sme).unwrap();
    let me = deciding.reviewer().to_owned();
    for i in 0..24 {
        let item = format!("al-{i}");
        let action = if i % 3 == 0 {
            Action::Reject
        } else {
            Action::Approve
        };
        let (_, v) = deciding.item_version(&item).unwrap();
        deciding
            .decide(&decision(&item, v, &me, action), None)
            .unwrap();
        let v = store.item(&item).unwrap().version;
        store.decide(&decision(&item, v, &me, action)).unwrap();
    }
    // The model fails answers 0 and 1 and passes the rest (see `verdict_for`).
    let model = FaultServer::start(|_, request| verdict_for(request));
    let settings = crate::support::provider_settings(&local, "vetter", &model.base_url);
    let align = || LlmRunRequest::Align {
        provider: "vetter".into(),
        domain: "finance".into(),
        holdout: 0.5,
        variants: vec![Variant::Base, Variant::Guidelines],
        limit: 100,
    };
    let jobs = Jobs::default();
    let outcome = |work| {
        let (_, events) = crate::support::spawn_job(&jobs, work);
        events.iter().last().expect("a job ends with an outcome")
    };
    let on_file = outcome(tasks::llm_run(
        local.path.clone(),
        settings.clone(),
        align(),
        None,
    ));
    assert!(
        matches!(&on_file, JobEvent::Finished { summary } if summary.starts_with("alignment run 1 of finance")),
        "{on_file:?}"
    );
    let analyst = team.reviewer("align_analyst", Role::Analyst);
    let analyst_run = outcome(tasks::llm_run_on_server(
        analyst.clone(),
        None,
        settings.clone(),
        align(),
        None,
        1,
    ));
    assert!(
        matches!(
            &analyst_run,
            JobEvent::Failed {
                code: ErrorCode::Forbidden,
                ..
            }
        ),
        "an analyst does not align the vetting model: {analyst_run:?}"
    );
    // The server's ids differ from the snapshot's, so a report naming the snapshot's is caught.
    team.sql()
        .batch_execute(
            "ALTER TABLE vetted.llm_runs ALTER COLUMN id RESTART WITH 100;
             ALTER TABLE vetted.alignment_runs ALTER COLUMN id RESTART WITH 50;",
        )
        .unwrap();
    let server_run = outcome(tasks::llm_run_on_server(
        sme.clone(),
        None,
        settings.clone(),
        align(),
        None,
        1,
    ));
    let JobEvent::Finished { summary } = &server_run else {
        panic!("the SME aligns on the server: {server_run:?}");
    };
    assert!(
        summary.starts_with("alignment run 50 of finance"),
        "the report names the server's run: {summary}"
    );

    // Anyone reads the same figures from the server as from the file.
    let mut reader = TeamServer::connect(&analyst).unwrap();
    let from_server = alignment_history(&mut reader, None).unwrap();
    let from_file = alignment_history(&mut store, None).unwrap();
    assert_eq!(
        alignment_figures(&from_server),
        alignment_figures(&from_file),
        "κ, accuracy, precision, recall, judged, failed and cost per variant"
    );
    assert!(
        from_server[0].variants.iter().all(|v| v.judged > 0),
        "each variant judged held-out items: {from_server:?}"
    );
    let variant_runs: Vec<i64> = from_server[0].variants.iter().map(|v| v.run_id).collect();
    assert_eq!(
        (from_server[0].alignment_id, variant_runs),
        (50, vec![100, 101]),
        "the alignment and each variant are named by their ids on the server"
    );
    let mut on_server_suggestion = suggest_auto_approve(&mut reader, 50, None, 0.5, 1).unwrap();
    on_server_suggestion.alignment_id = 1;
    assert_eq!(
        on_server_suggestion,
        suggest_auto_approve(&mut store, 1, None, 0.5, 1).unwrap(),
        "the auto-approve threshold the server's run supports is the file's"
    );
    let shown = crate::support::json_of(on_server(&analyst).args(["align", "runs", "--json"]));
    assert_eq!(
        shown[0]["alignment_id"].as_i64(),
        Some(50),
        "`align runs` reads the server: {shown}"
    );

    // A snapshot (an analyst's backup) carries the alignment: the same figures, offline.
    let backup = local.dir.path().join("aligned.db");
    succeeded(on_server(&analyst).args(["backup", "--out"]).arg(&backup));
    let mut snapshot = Store::open(&backup).unwrap();
    let from_snapshot = alignment_history(&mut snapshot, None).unwrap();
    assert_eq!(
        alignment_figures(&from_snapshot),
        alignment_figures(&from_server),
        "the snapshot's dashboard shows the server's alignment"
    );
    assert_eq!(
        (
            from_snapshot[0].started_at.clone(),
            from_snapshot[0].variants.len()
        ),
        (from_server[0].started_at.clone(), 2),
        "with the server's time, and both variants linked to their runs"
    );
    assert_eq!(
        (
            from_server[0].run_by.as_deref(),
            from_snapshot[0].run_by.as_deref(),
            from_file[0].run_by.as_deref()
        ),
        (Some(me.as_str()), Some(me.as_str()), None),
        "the dashboard names who ran it on the server (a snapshot too); a file's own run names none"
    );
    let runs_by: Vec<Option<String>> = snapshot
        .conn()
        .prepare("SELECT run_by FROM llm_runs ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        runs_by,
        [Some(me.clone()), Some(me.clone())],
        "the snapshot keeps who ran each variant's run"
    );
    let mut snapshot_suggestion = suggest_auto_approve(&mut snapshot, 1, None, 0.5, 1).unwrap();
    snapshot_suggestion.alignment_id = 50;
    assert_eq!(
        snapshot_suggestion,
        suggest_auto_approve(&mut reader, 50, None, 0.5, 1).unwrap(),
        "and supports the same auto-approve threshold"
    );

    // What the server refuses through raw SQL.
    let mut as_analyst = Client::connect(&analyst, NoTls).unwrap();
    let refusal = refused(
        &mut as_analyst,
        "INSERT INTO vetted.alignment_runs (domain, provider, model, holdout, seed, held_out)
         VALUES ('finance', 'p', 'm', 0.5, 1, 1)",
    );
    assert!(refusal.contains("permission denied"), "{refusal}");
    let mut as_sme = Client::connect(&sme, NoTls).unwrap();
    let run_by: String = as_sme
        .query_one(
            "INSERT INTO vetted.alignment_runs (domain, provider, model, holdout, seed, held_out)
             VALUES ('finance', 'vetter', 'gpt-4o-mini', 0.5, 1, 1) RETURNING run_by",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(run_by, me, "an alignment run is stamped with its login");
    as_sme
        .batch_execute(
            "INSERT INTO vetted.llm_runs (role, provider, model, prompt_version)
             VALUES ('vet', 'vetter', 'gpt-4o-mini', 'v');
             INSERT INTO vetted.llm_calls (run_id, item_id, subject, role, provider, model,
                 prompt_version, output_mode, streamed, prompt_tokens, completion_tokens,
                 cost_usd, priced, latency_ms, attempts)
             SELECT (SELECT max(id) FROM vetted.llm_runs), i.id, 's', 'vet', 'vetter',
                    'gpt-4o-mini', 'v', 'text', false, 1, 1, 0, false, 1, 1
               FROM vetted.items i WHERE i.external_id = 'al-0'",
        )
        .unwrap();
    let result = |human: &str| {
        format!(
            "INSERT INTO vetted.alignment_results
                 (alignment_id, variant, item_id, call_id, verdict, risk, human)
             SELECT (SELECT max(id) FROM vetted.alignment_runs), 'base', i.id,
                    (SELECT max(id) FROM vetted.llm_calls), 'pass', 0.1, '{human}'
               FROM vetted.items i WHERE i.external_id = 'al-0'"
        )
    };
    let other = team.reviewer("align_other", Role::Sme);
    let refusal = refused(
        &mut Client::connect(&other, NoTls).unwrap(),
        &result("rejected"),
    );
    assert!(
        refusal.contains("from a successful vetting call of"),
        "a result comes from one's own call: {refusal}"
    );
    // al-0 was rejected on the server: a client saying it was approved is not believed.
    as_sme.batch_execute(&result("approved")).unwrap();
    let kept: String = as_sme
        .query_one(
            "SELECT human FROM vetted.alignment_results WHERE call_id =
                 (SELECT max(id) FROM vetted.llm_calls)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        kept, "rejected",
        "the human label is the server's own decision"
    );
    let link = |variant: &str| {
        format!(
            "INSERT INTO vetted.alignment_variants (alignment_id, variant, run_id)
             SELECT max(a.id), '{variant}', (SELECT max(id) FROM vetted.llm_runs)
               FROM vetted.alignment_runs a"
        )
    };
    let refusal = refused(&mut Client::connect(&other, NoTls).unwrap(), &link("base"));
    assert!(
        refusal.contains("links an alignment run of"),
        "a variant links one's own alignment and run: {refusal}"
    );
    let refusal = refused(&mut as_sme, &link("both"));
    assert!(
        refusal.contains("links only the run whose results are its own"),
        "the run's results are the base variant's: {refusal}"
    );
    as_sme.batch_execute(&link("base")).unwrap();
    let mut owner = team.sql();
    for sql in [
        "UPDATE vetted.alignment_results SET human = 'approved'",
        "DELETE FROM vetted.alignment_variants",
        "TRUNCATE vetted.alignment_runs CASCADE",
    ] {
        let refusal = refused(&mut owner, sql);
        assert!(
            refusal.contains("is append-only"),
            "not even the owner rewrites an alignment: {sql}: {refusal}"
        );
    }
}
