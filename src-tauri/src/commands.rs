//! The IPC surface. Commands are `async` so they run off the main thread; each locks the store
//! for one short core call.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tauri::ipc::Channel;
use tauri::path::BaseDirectory;
use tauri::{AppHandle, Manager, State};

use vetted::about::AboutInfo;
use vetted::approval_rule::{self, EvidenceRule, RulePlan};
use vetted::auto_approve::DEFAULT_MIN_SUPPORT;
use vetted::domain::{
    Decision, DecisionDraft, Feedback, Item, KeyBinding, QueueCursor, QueuePage, RejectReason,
    StatusCounts,
};
use vetted::jobs::tasks::{self, ExportRequest, LlmRunRequest};
use vetted::jobs::{JobEvent, JobId, Jobs, Work};
use vetted::llm::keys;
use vetted::llm::provider::{ProviderConfig, ProvidersView, Settings};
use vetted::llm::secret::ApiKey;
use vetted::off_runtime::off_runtime;
use vetted::products::ProductSummary;
use vetted::relation_evidence::RelationshipEvidence;
use vetted::review_graph::ReviewGraph;
use vetted::roles::align::{
    AlignmentSummary, AutoApproveSuggestion, alignment_history, suggest_auto_approve,
};
use vetted::roles::knowledge::Variant;
use vetted::roles::prompts::{PromptView, Template, prompt_view, set_prompt};
use vetted::stats::Stats;
use vetted::store::{
    ClaimSettings, CostTotals, Guideline, PromptRevision, QueueFacets, QueueFilter, Reverted,
    ReviewForm, ReviewFormDraft, SearchResults,
};
use vetted::team::{AdjudicationCase, ReviewerProfile, Role};
use vetted::team_server::{LiveEvent, RemovedReviewer, ServerAddress, TeamReviewers, TeamServer};
use vetted::window::{TeamSession, TeamSignIn, Window, WindowState, window_title};
use vetted::{Error, Result, SessionInfo, Store, db_path};

use crate::picker;

pub struct AppState {
    /// The open database, or none (the welcome screen); see `vetted::window`.
    pub window: Mutex<Window>,
    /// Who is reviewing; set from the database when one opens, switched explicitly from the app
    /// (see `choose_reviewer`).
    pub reviewer: Mutex<String>,
    /// The last bulk-approval plan shown: what `approve_by_rule` records, once, so the webview
    /// never names the items itself.
    pub rule_plan: Arc<Mutex<RuleChecks>>,
    pub jobs: Jobs,
    /// Stops the thread following the open team server's changes (see `watch_team_server`);
    /// a new watch stops the previous one.
    pub team_follower: Mutex<Option<Arc<AtomicBool>>>,
    /// The CA file last chosen in Connect to team server… (see `choose_ca_file`): with the
    /// remembered server's, the only CA file a sign-in may name.
    pub chosen_ca_file: Mutex<Option<String>>,
}

/// The open database's store, borrowed for one short core call (the window stays locked).
pub struct StoreGuard<'a>(MutexGuard<'a, Window>);

impl Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.0
            .store()
            .expect("a StoreGuard exists only while a database is open")
    }
}

impl DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.0
            .store_mut()
            .expect("a StoreGuard exists only while a database is open")
    }
}

/// Locks `mutex`, poisoned or not: a panic while holding one of the app's locks cannot leave
/// SQLite half-written (transactions roll back) nor a plain value torn.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn window(&self) -> MutexGuard<'_, Window> {
        lock(&self.window)
    }

    /// The open database's store; an error while the welcome screen shows.
    fn store(&self) -> Result<StoreGuard<'_>> {
        let window = self.window();
        window.store()?;
        Ok(StoreGuard(window))
    }

    fn reviewer(&self) -> String {
        lock(&self.reviewer).clone()
    }

    /// `call` on the team server session when one is open (the window stays locked meanwhile);
    /// `None` for a local database or the welcome screen.
    fn on_team_server<T: Send>(
        &self,
        call: impl FnOnce(&mut TeamServer) -> Result<T> + Send,
    ) -> Option<Result<T>> {
        let mut window = self.window();
        let server = window.team_server()?;
        Some(off_runtime(|| call(server)))
    }

    /// The settings file of the open database (see [`Settings::default_path`]); on a team
    /// server, the user's own (see [`Settings::user_path`]).
    fn settings_path(&self) -> Result<PathBuf> {
        if self.window().is_team_server() {
            return Settings::user_path().ok_or_else(|| {
                Error::Config(
                    "this system names no configuration folder for Vetted's LLM settings; set \
                     XDG_CONFIG_HOME (or HOME) and try again"
                        .into(),
                )
            });
        }
        Ok(Settings::default_path(self.store()?.path()))
    }

    /// Starts `work` made from the database path; its events go to the webview's channel.
    fn spawn(
        &self,
        work: impl FnOnce(PathBuf) -> Work,
        on_event: Channel<JobEvent>,
    ) -> Result<JobId> {
        let db = self.store()?.path().to_owned();
        Ok(self.start(work(db), on_event))
    }

    /// [`AppState::spawn`], or on a team server `on_server` made from its URL and the password
    /// typed (the job signs in on a session of its own).
    fn spawn_either(
        &self,
        work: impl FnOnce(PathBuf) -> Work,
        on_server: impl FnOnce(String, Option<ApiKey>) -> Work,
        on_event: Channel<JobEvent>,
    ) -> Result<JobId> {
        let sign_in = self.window().team_server_sign_in();
        match sign_in {
            Some((url, password, _)) => Ok(self.start(on_server(url, password), on_event)),
            None => self.spawn(work, on_event),
        }
    }

    fn start(&self, work: Work, on_event: Channel<JobEvent>) -> JobId {
        self.jobs.spawn(work, move |event| {
            // A closed channel means the window is gone; the job still finishes (or is
            // cancelled with the app), so there is nobody left to tell.
            let _ = on_event.send(event);
        })
    }
}

#[tauri::command(async)]
pub fn session_info(state: State<'_, AppState>) -> Result<SessionInfo> {
    // On a team server the reviewer is the login, and the role its group.
    if let Some(info) = state.on_team_server(|server| {
        Ok(SessionInfo {
            reviewer: server.reviewer().to_owned(),
            role: server.role()?,
            needs_profile: false,
            db_path: server.server().to_owned(),
            team_server: true,
            adds_items: server.may_add_items()?,
        })
    }) {
        return info;
    }
    let reviewer = state.reviewer();
    let store = state.store()?;
    let role = store.reviewer_profile(&reviewer)?.map(|p| p.role);
    Ok(SessionInfo {
        needs_profile: role.is_none() && !vetted::reviewer::is_chosen(&store)?,
        role,
        reviewer,
        db_path: store.path().display().to_string(),
        team_server: false,
        adds_items: true,
    })
}

/// Every reviewer profile of this database, by name.
#[tauri::command(async)]
pub fn reviewers(state: State<'_, AppState>) -> Result<Vec<ReviewerProfile>> {
    state.store()?.reviewers()
}

/// Switches who is reviewing (creating or updating the profile) and makes it this database's
/// current reviewer, so the next start opens as them.
#[tauri::command(async)]
pub fn choose_reviewer(
    state: State<'_, AppState>,
    name: String,
    role: Role,
) -> Result<SessionInfo> {
    {
        let mut store = state.store()?;
        let profile = store.add_reviewer(&name, role)?;
        store.use_reviewer(&profile.name)?;
        *lock(&state.reviewer) = profile.name;
    }
    session_info(state)
}

/// The reviews of an item side by side, for the adjudicator.
#[tauri::command(async)]
pub fn adjudication_case(
    state: State<'_, AppState>,
    external_id: String,
) -> Result<AdjudicationCase> {
    if let Some(case) = state.on_team_server(|server| server.adjudication_case(&external_id)) {
        return case;
    }
    state.store()?.adjudication_case(&external_id)
}

/// Records the session reviewer's final decision (refused unless they are an adjudicator).
#[tauri::command(async)]
pub fn adjudicate(state: State<'_, AppState>, draft: DecisionDraft) -> Result<Decision> {
    let (input, feedback) = draft.into_input(state.reviewer());
    let pick = feedback.pick;
    if (Feedback {
        pick: None,
        ..feedback
    }) != Feedback::default()
    {
        return Err(Error::BadRequest(
            "a final decision carries no review form answers nor claim verdicts".into(),
        ));
    }
    if let Some(decision) = state.on_team_server(|server| server.adjudicate(&input, pick)) {
        return decision;
    }
    state.store()?.adjudicate(&input, pick)
}

#[tauri::command(async)]
pub fn queue_page(
    state: State<'_, AppState>,
    filter: QueueFilter,
    after: Option<QueueCursor>,
    limit: u32,
) -> Result<QueuePage> {
    // On a team server the Pending tab claims: see `TeamServer::queue_page`.
    if let Some(page) = state.on_team_server(|server| server.queue_page(&filter, after, limit)) {
        return page;
    }
    state.store()?.queue_page(&filter, after, limit)
}

#[tauri::command(async)]
pub fn status_counts(state: State<'_, AppState>, filter: QueueFilter) -> Result<StatusCounts> {
    if let Some(counts) = state.on_team_server(|server| server.status_counts(&filter)) {
        return counts;
    }
    state.store()?.status_counts(&filter)
}

#[tauri::command(async)]
pub fn queue_facets(state: State<'_, AppState>) -> Result<QueueFacets> {
    if let Some(facets) = state.on_team_server(TeamServer::queue_facets) {
        return facets;
    }
    state.store()?.queue_facets()
}

#[tauri::command(async)]
pub fn get_item(state: State<'_, AppState>, external_id: String) -> Result<Item> {
    if let Some(item) = state.on_team_server(|server| server.item_shown(&external_id)) {
        return item;
    }
    state.store()?.item_shown(&external_id)
}

#[tauri::command(async)]
pub fn item_history(state: State<'_, AppState>, external_id: String) -> Result<Vec<Decision>> {
    // With several required reviews, others' decisions stay hidden until the reviewer decided
    // (on a team server, by the server's row-level security).
    if let Some(history) = state.on_team_server(|server| server.history(&external_id)) {
        return history;
    }
    state.store()?.history_for(&external_id, &state.reviewer())
}

/// Records the session reviewer's decision; the webview never names the reviewer.
#[tauri::command(async)]
pub fn decide(state: State<'_, AppState>, draft: DecisionDraft) -> Result<Decision> {
    if let Some(decided) = state.on_team_server(|server| {
        let (input, feedback) = draft.clone().into_input(server.reviewer());
        server.decide_with(&input, &feedback)
    }) {
        return decided;
    }
    let (input, feedback) = draft.into_input(state.reviewer());
    state.store()?.decide_with(&input, &feedback)
}

/// The review form in force in `domain` (asked with every decision there), if any.
#[tauri::command(async)]
pub fn review_form(state: State<'_, AppState>, domain: String) -> Result<Option<ReviewForm>> {
    if let Some(form) = state.on_team_server(|server| server.review_form(&domain)) {
        return form;
    }
    state.store()?.review_form(&domain)
}

/// `domain`'s form for the editor: in force, its versions and its TOML text.
#[tauri::command(async)]
pub fn review_form_draft(state: State<'_, AppState>, domain: String) -> Result<ReviewFormDraft> {
    if let Some(draft) = state.on_team_server(|server| server.review_form_draft(&domain)) {
        return draft;
    }
    state.store()?.review_form_draft(&domain)
}

/// Puts the form written in `text` in force for `domain` as a new version, by the session
/// reviewer (on a team server: the login, if an SME or adjudicator); `None` stops asking it.
#[tauri::command(async)]
pub fn save_review_form(
    state: State<'_, AppState>,
    domain: String,
    text: Option<String>,
) -> Result<ReviewForm> {
    if let Some(saved) =
        state.on_team_server(|server| server.save_review_form_text(&domain, text.as_deref()))
    {
        return saved;
    }
    state
        .store()?
        .save_review_form_text(&domain, text.as_deref(), &state.reviewer())
}

/// `domain`'s claim settings (whether approving with doubtful claims asks to confirm).
#[tauri::command(async)]
pub fn claim_settings(state: State<'_, AppState>, domain: String) -> Result<ClaimSettings> {
    if let Some(settings) = state.on_team_server(|server| server.claim_settings(&domain)) {
        return settings;
    }
    state.store()?.claim_settings(&domain)
}

/// Records `settings` as `domain`'s claim settings, by the session reviewer (on a team server:
/// the login, if an SME or adjudicator).
#[tauri::command(async)]
pub fn set_claim_settings(
    state: State<'_, AppState>,
    domain: String,
    settings: ClaimSettings,
) -> Result<ClaimSettings> {
    if let Some(saved) = state.on_team_server(|server| {
        server.set_claim_settings(&domain, settings)?;
        server.claim_settings(&domain)
    }) {
        return saved;
    }
    let mut store = state.store()?;
    store.set_claim_settings(&domain, settings, &state.reviewer())?;
    store.claim_settings(&domain)
}

/// Full-text search over questions, answers, evidence and relationships (FTS5); the query is
/// matched literally, never parsed as FTS syntax. Best match first, or newest first when every
/// word is too common to rank by (`order` says which).
#[tauri::command(async)]
pub fn search_items(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<SearchResults> {
    if let Some(results) = state.on_team_server(|server| server.search(&query, limit)) {
        return results;
    }
    state.store()?.search(&query, limit)
}

#[tauri::command(async)]
pub fn relationship_evidence(
    state: State<'_, AppState>,
    external_id: String,
) -> Result<Option<RelationshipEvidence>> {
    // Read from the server, then measured without holding the window: a source may be slow.
    let inputs = state.on_team_server(|server| {
        let item = server.item_shown(&external_id)?;
        server.evidence_inputs(&item)
    });
    if let Some(inputs) = inputs {
        return off_runtime(|| inputs?.map(|inputs| inputs.measure()).transpose());
    }
    state.store()?.relationship_evidence(&external_id)
}

/// Every data product and relationship item, with status, current relation and conflicts.
#[tauri::command(async)]
pub fn review_graph(state: State<'_, AppState>) -> Result<ReviewGraph> {
    if let Some(graph) = state.on_team_server(TeamServer::review_graph) {
        return graph;
    }
    state.store()?.review_graph()
}

/// Starts checking which relationship candidates (of `domain`, if given) waiting for the
/// session reviewer meet `rule`, as a job with progress and cancel on its own connection (on a
/// team server, its own session: the server says which candidates the login may approve). When
/// it finishes, [`shown_rule_plan`] gives the plan, which [`approve_by_rule`] records. A rule
/// that does not parse is refused at once.
#[tauri::command(async)]
pub fn start_rule_check(
    state: State<'_, AppState>,
    rule: String,
    domain: Option<String>,
    on_event: Channel<JobEvent>,
) -> Result<JobId> {
    let rule: EvidenceRule = rule.parse()?;
    let reviewer = state.reviewer();
    let generation = state.window().generation()?;
    let checks = Arc::clone(&state.rule_plan);
    let check = {
        let mut checks = lock(&checks);
        checks.latest += 1;
        checks.shown = None;
        checks.latest
    };
    let planner = reviewer.clone();
    let deliver = move |plan| {
        let mut checks = lock(&checks);
        // An earlier check finishing late never replaces the latest one's plan.
        if checks.latest == check {
            checks.shown = Some(ShownPlan {
                reviewer,
                generation,
                plan,
            });
        }
    };
    state.spawn_either(
        |db| {
            let filter = QueueFilter {
                domain: domain.clone(),
                ..QueueFilter::default()
            };
            tasks::check_rule(db, rule.clone(), filter, planner, deliver.clone())
        },
        |url, password| {
            tasks::check_rule_on_server(
                url,
                password,
                rule.clone(),
                domain.clone(),
                deliver.clone(),
            )
        },
        on_event,
    )
}

/// Approve-by-rule checks: the number of the latest one started, and the plan it made.
#[derive(Default)]
pub struct RuleChecks {
    latest: u64,
    shown: Option<ShownPlan>,
}

/// The plan the last finished check made, if it was made for the session reviewer on what the
/// window shows.
#[tauri::command(async)]
pub fn shown_rule_plan(state: State<'_, AppState>) -> Result<Option<RulePlan>> {
    let reviewer = state.reviewer();
    let generation = state.window().generation()?;
    Ok(lock(&state.rule_plan)
        .shown
        .as_ref()
        .filter(|s| s.reviewer == reviewer && s.generation == generation)
        .map(|s| s.plan.clone()))
}

/// A plan as shown to a reviewer on what the window showed as `generation`.
pub struct ShownPlan {
    reviewer: String,
    generation: u32,
    plan: RulePlan,
}

/// Approves, as batch `id` by the session reviewer, what the last plan for `rule` listed, and
/// forgets that plan; returns how many decisions were recorded. Refused unless that plan was
/// made for this reviewer on what the window shows (a new check is needed after a failure too).
#[tauri::command(async)]
pub fn approve_by_rule(state: State<'_, AppState>, id: String, rule: String) -> Result<u32> {
    let reviewer = state.reviewer();
    let generation = state.window().generation()?;
    let shown = lock(&state.rule_plan).shown.take();
    let plan = shown
        .filter(|s| s.reviewer == reviewer && s.generation == generation && s.plan.rule == rule)
        .map(|s| s.plan)
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "check which candidates meet '{rule}' again before approving them"
            ))
        })?;
    if let Some(approved) = state.on_team_server(|server| {
        let batch = plan.batch(&id, server.reviewer())?;
        server.approve_batch(&batch)
    }) {
        return approved.map(|decisions| decisions.len() as u32);
    }
    let mut store = state.store()?;
    let decisions = approval_rule::apply(&mut store, &plan, &id, &reviewer)?;
    Ok(decisions.len() as u32)
}

/// Gives an item leased on the team server back before its lease ends (a skip), so another
/// reviewer can take it; `false` when it was not held. A local database leases nothing.
#[tauri::command(async)]
pub fn release_item(state: State<'_, AppState>, external_id: String) -> Result<bool> {
    state
        .on_team_server(|server| server.release(&external_id))
        .unwrap_or_else(|| {
            Err(Error::BadRequest(
                "only a team server leases items; on a local database a skip just moves on".into(),
            ))
        })
}

/// `call` on the open team server's session; `BadRequest` on a local database, whose reviewers
/// are profiles chosen with Switch, not logins.
fn on_team_logins<T: Send>(
    state: &AppState,
    call: impl FnOnce(&mut TeamServer) -> Result<T> + Send,
) -> Result<T> {
    state.on_team_server(call).unwrap_or_else(|| {
        Err(Error::BadRequest(
            "only a team server has reviewer logins; on a local database, Switch chooses who \
             is reviewing"
                .into(),
        ))
    })
}

/// Who may sign in to the open team server's database, and whether the signed-in login may
/// change that (its owner).
#[tauri::command(async)]
pub fn team_reviewers(state: State<'_, AppState>) -> Result<TeamReviewers> {
    on_team_logins(&state, TeamServer::reviewers)
}

/// Lets the login `login` sign in to the open team server's database as `role` (creating the
/// login, with `password` when given; see [`TeamServer::add_reviewer`]), then lists who may.
/// Only the database's owner may.
#[tauri::command(async)]
pub fn add_team_reviewer(
    state: State<'_, AppState>,
    login: String,
    role: Role,
    password: Option<String>,
) -> Result<TeamReviewers> {
    on_team_logins(&state, |server| {
        server.add_reviewer(login.trim(), role, password.as_deref())?;
        server.reviewers()
    })
}

/// Takes the open team server's database from the login `login`: see
/// [`TeamServer::remove_reviewer`]. Only the database's owner may.
#[tauri::command(async)]
pub fn remove_team_reviewer(state: State<'_, AppState>, login: String) -> Result<RemovedReviewer> {
    on_team_logins(&state, |server| server.remove_reviewer(&login))
}

/// Undoes the session reviewer's latest step (a bulk approval as a whole); `null` when there is
/// nothing to undo.
#[tauri::command(async)]
pub fn undo(state: State<'_, AppState>, id: String) -> Result<Option<Reverted>> {
    if let Some(undone) = state.on_team_server(|server| {
        let event = server.undo(&id)?;
        event.map(|e| server.reverted(e)).transpose()
    }) {
        return undone;
    }
    let reviewer = state.reviewer();
    let mut store = state.store()?;
    let event = store.undo(&id, &reviewer)?;
    event.map(|e| store.reverted(e)).transpose()
}

/// Redoes the session reviewer's latest undo; `null` when there is none.
#[tauri::command(async)]
pub fn redo(state: State<'_, AppState>, id: String) -> Result<Option<Reverted>> {
    if let Some(redone) = state.on_team_server(|server| {
        let event = server.redo(&id)?;
        event.map(|e| server.reverted(e)).transpose()
    }) {
        return redone;
    }
    let reviewer = state.reviewer();
    let mut store = state.store()?;
    let event = store.redo(&id, &reviewer)?;
    event.map(|e| store.reverted(e)).transpose()
}

#[tauri::command(async)]
pub fn reject_reasons(state: State<'_, AppState>) -> Result<Vec<RejectReason>> {
    if let Some(reasons) = state.on_team_server(TeamServer::reject_reasons) {
        return reasons;
    }
    state.store()?.reject_reasons()
}

/// Tags the item; its tags, sorted.
#[tauri::command(async)]
pub fn add_tag(
    state: State<'_, AppState>,
    external_id: String,
    tag: String,
) -> Result<Vec<String>> {
    if let Some(tags) = state.on_team_server(|server| server.add_tag(&external_id, &tag)) {
        return tags;
    }
    state.store()?.add_tag(&external_id, &tag)
}

/// Takes a tag off the item; the tags left.
#[tauri::command(async)]
pub fn remove_tag(
    state: State<'_, AppState>,
    external_id: String,
    tag: String,
) -> Result<Vec<String>> {
    if let Some(tags) = state.on_team_server(|server| server.remove_tag(&external_id, &tag)) {
        return tags;
    }
    state.store()?.remove_tag(&external_id, &tag)
}

/// Marks the item do-not-train or takes the mark off (on a team server: as the login; taking
/// another's mark off is for SMEs and adjudicators).
#[tauri::command(async)]
pub fn set_do_not_train(state: State<'_, AppState>, external_id: String, flag: bool) -> Result<()> {
    if let Some(done) = state.on_team_server(|server| server.set_do_not_train(&external_id, flag)) {
        return done;
    }
    state
        .store()?
        .set_do_not_train(&external_id, &state.reviewer(), flag)
}

#[tauri::command(async)]
pub fn get_keymap(state: State<'_, AppState>) -> Result<Vec<KeyBinding>> {
    // A team server keeps no key bindings yet: the defaults hold there.
    if state.window().is_team_server() {
        return Ok(Vec::new());
    }
    state.store()?.keymap_overrides()
}

#[tauri::command(async)]
pub fn set_keymap(state: State<'_, AppState>, overrides: Vec<KeyBinding>) -> Result<()> {
    state.store()?.set_keymap_overrides(&overrides)
}

/// Asks for a JSONL/CSV file and imports it in the background (on a team server: as its
/// owner); `null` when the user cancelled the dialog. The queue shows the new items once the
/// import completes.
#[tauri::command(async)]
pub fn start_import(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(file) = picker::open_file(
        &app,
        "Import items",
        &[
            ("Items (JSONL, CSV, gzip)", &["jsonl", "json", "gz", "csv"]),
            ("All files", &["*"]),
        ],
    ) else {
        return Ok(None);
    };
    let on_server = {
        let file = file.clone();
        move |url, password| tasks::import_to_server(url, password, file)
    };
    state
        .spawn_either(|db| tasks::import(db, file), on_server, on_event)
        .map(Some)
}

/// Asks where to save and exports there in the background (on a team server, from a snapshot
/// read into a temporary folder); `null` when the user cancelled.
#[tauri::command(async)]
pub fn start_export(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(out) = picker::save_file(
        &app,
        "Export for fine-tuning",
        &request.suggested_file_name(),
    ) else {
        return Ok(None);
    };
    let on_server = {
        let (request, out) = (request.clone(), out.clone());
        move |url, password| tasks::export_from_server(url, password, request, out)
    };
    state
        .spawn_either(|db| tasks::export(db, request, out), on_server, on_event)
        .map(Some)
}

/// Asks for a SQLite database, CSV or Parquet file and registers it as data products in the
/// background. (A Parquet dataset folder is registered from the CLI: the dialog picks files.)
#[tauri::command(async)]
pub fn start_register_products(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(file) = picker::open_file(
        &app,
        "Add data products",
        &[
            (
                "SQLite databases, CSV and Parquet files",
                &["sqlite", "sqlite3", "db", "csv", "parquet"],
            ),
            ("All files", &["*"]),
        ],
    ) else {
        return Ok(None);
    };
    let on_server = {
        let file = file.clone();
        move |url, password| tasks::register_products_on_server(url, password, file)
    };
    state
        .spawn_either(|db| tasks::register_products(db, file), on_server, on_event)
        .map(Some)
}

/// Proposes relationship candidates among the registered data products, without a model, and
/// queues them, in the background (on a team server, its owner, each new candidate for
/// `reviews` distinct reviewers, default 1; a local database's overlap is configured, so it
/// takes none).
#[tauri::command(async)]
pub fn start_discover_relationships(
    state: State<'_, AppState>,
    reviews: Option<u32>,
    on_event: Channel<JobEvent>,
) -> Result<JobId> {
    if reviews.is_some() && !state.window().is_team_server() {
        return Err(reviews_are_for_a_server());
    }
    state.spawn_either(
        tasks::discover_relationships,
        |url, password| {
            tasks::discover_relationships_on_server(url, password, reviews.unwrap_or(1))
        },
        on_event,
    )
}

/// Reviewers per new item given for a local database, whose overlap is configured.
fn reviews_are_for_a_server() -> Error {
    Error::BadRequest(
        "reviews per new item are chosen on a team server; a local database uses its \
         configured overlap (vetted overlap set)"
            .into(),
    )
}

/// Asks where to save and writes a consistent backup of the open database there (on a team
/// server: a local snapshot of what the login may read).
#[tauri::command(async)]
pub fn start_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(out) = picker::save_file(&app, "Back up the database", "vetted-backup.db") else {
        return Ok(None);
    };
    let on_server = {
        let out = out.clone();
        move |url, password| tasks::snapshot_from_server(url, password, out)
    };
    state
        .spawn_either(|db| tasks::backup(db, out), on_server, on_event)
        .map(Some)
}

/// Asks a running job to stop; `false` when it already finished.
#[tauri::command(async)]
pub fn cancel_job(state: State<'_, AppState>, id: JobId) -> bool {
    state.jobs.cancel(id)
}

/// Grows whenever an import completes, in this app or the CLI.
#[tauri::command(async)]
pub fn data_revision(state: State<'_, AppState>) -> Result<i64> {
    // A team server announces changes instead (`watch_team_server`).
    if state.window().is_team_server() {
        return Ok(0);
    }
    state.store()?.data_revision()
}

/// The domain's guidelines, oldest first.
#[tauri::command(async)]
pub fn guidelines(state: State<'_, AppState>, domain: String) -> Result<Vec<Guideline>> {
    if let Some(listed) = state.on_team_server(|server| server.guidelines(&domain)) {
        return listed;
    }
    state.store()?.guidelines(&domain)
}

/// Adds a guideline to `domain` (on a team server, as the login).
#[tauri::command(async)]
pub fn add_guideline(
    state: State<'_, AppState>,
    domain: String,
    body: String,
) -> Result<Guideline> {
    if let Some(added) = state.on_team_server(|server| server.add_guideline(&domain, &body)) {
        return added;
    }
    state
        .store()?
        .add_guideline(&domain, &body, &state.reviewer())
}

/// Turns a decision's note into a guideline of its item's domain, linked to the item.
#[tauri::command(async)]
pub fn promote_note(state: State<'_, AppState>, decision_id: String) -> Result<Guideline> {
    if let Some(promoted) = state.on_team_server(|server| server.promote_note(&decision_id)) {
        return promoted;
    }
    state.store()?.promote_note(&decision_id, &state.reviewer())
}

/// Replaces a guideline's text (on a team server: the login's own, or anyone's for an SME or
/// adjudicator).
#[tauri::command(async)]
pub fn update_guideline(state: State<'_, AppState>, id: i64, body: String) -> Result<Guideline> {
    if let Some(updated) = state.on_team_server(|server| server.update_guideline(id, &body)) {
        return updated;
    }
    state
        .store()?
        .update_guideline(id, &body, &state.reviewer())
}

/// Archives a guideline (the same rights as an edit).
#[tauri::command(async)]
pub fn archive_guideline(state: State<'_, AppState>, id: i64) -> Result<()> {
    if let Some(archived) = state.on_team_server(|server| server.archive_guideline(id)) {
        return archived;
    }
    state.store()?.archive_guideline(id, &state.reviewer())
}

/// Asks where to save and packs this database's decisions, their items and the reviewer
/// profiles into a sync bundle for another laptop.
#[tauri::command(async)]
pub fn start_sync_pack(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(out) = picker::save_file(
        &app,
        "Pack decisions for another laptop",
        "vetted-sync.json",
    ) else {
        return Ok(None);
    };
    state
        .spawn(|db| tasks::sync_pack(db, out), on_event)
        .map(Some)
}

/// Asks for a sync bundle and merges it; disagreements go to the adjudication queue.
#[tauri::command(async)]
pub fn start_sync_merge(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    let Some(file) = picker::open_file(
        &app,
        "Merge decisions from another laptop",
        &[("Sync bundles", &["json"]), ("All files", &["*"])],
    ) else {
        return Ok(None);
    };
    state
        .spawn(|db| tasks::sync_merge(db, file), on_event)
        .map(Some)
}

/// Every figure of the stats dashboard (decisions, outcomes, reasons, edit distances,
/// burn-down, agreement, vetter vs reviewers); on a team server, of what the login may read.
#[tauri::command(async)]
pub fn stats(state: State<'_, AppState>) -> Result<Stats> {
    if let Some(stats) = state.on_team_server(|server| server.stats()) {
        return stats;
    }
    state.store()?.stats()
}

/// Stored alignment runs of the vetting model (`vetted align vetter`), newest first, with each
/// prompt variant's agreement with the reviewers.
#[tauri::command(async)]
pub fn alignment_runs(state: State<'_, AppState>) -> Result<Vec<AlignmentSummary>> {
    if let Some(runs) = state.on_team_server(|server| alignment_history(server, None)) {
        return runs;
    }
    alignment_history(&mut *state.store()?, None)
}

/// The vetting score above which `variant` of an alignment run (default: its best by κ) passed
/// items reviewers approved at `precision`, and the pending items it would clear. A suggestion:
/// nothing is written.
#[tauri::command(async)]
pub fn auto_approve_suggestion(
    state: State<'_, AppState>,
    alignment_id: i64,
    variant: Option<Variant>,
    precision: f64,
) -> Result<AutoApproveSuggestion> {
    if let Some(suggestion) = state.on_team_server(|server| {
        suggest_auto_approve(
            server,
            alignment_id,
            variant,
            precision,
            DEFAULT_MIN_SUPPORT,
        )
    }) {
        return suggestion;
    }
    suggest_auto_approve(
        &mut *state.store()?,
        alignment_id,
        variant,
        precision,
        DEFAULT_MIN_SUPPORT,
    )
}

/// A domain's prompt template: the text in force, the built-in one and every revision.
#[tauri::command(async)]
pub fn prompt_template(
    state: State<'_, AppState>,
    domain: String,
    template: Template,
) -> Result<PromptView> {
    prompt_view(&*state.store()?, template, &domain)
}

/// Puts `text` in force as the domain's template, as a new revision by the session reviewer;
/// `None` returns the domain to the built-in template.
#[tauri::command(async)]
pub fn save_prompt_template(
    state: State<'_, AppState>,
    domain: String,
    template: Template,
    text: Option<String>,
) -> Result<PromptRevision> {
    let reviewer = state.reviewer();
    set_prompt(
        &mut *state.store()?,
        template,
        &domain,
        text.as_deref(),
        &reviewer,
    )
}

/// The settings file and its providers, each with where its key comes from (never the key).
#[tauri::command(async)]
pub fn llm_providers(state: State<'_, AppState>) -> Result<ProvidersView> {
    ProvidersView::load(&state.settings_path()?)
}

/// Adds or changes a provider in the settings file (comments and other tables are kept).
#[tauri::command(async)]
pub fn save_provider(
    state: State<'_, AppState>,
    name: String,
    config: ProviderConfig,
) -> Result<()> {
    Settings::save_provider(&state.settings_path()?, &name, &config)
}

/// Removes a provider from the settings file, and its key from the OS keyring when the keyring
/// is reachable (as `vetted provider remove` does).
#[tauri::command(async)]
pub fn remove_provider(state: State<'_, AppState>, name: String) -> Result<()> {
    Settings::remove_provider(&state.settings_path()?, &name)?;
    let _ = keys::forget_key(&name);
    Ok(())
}

/// Stores a provider's API key in the OS keyring. The key goes nowhere else and never comes
/// back to the webview: `llm_providers` only says where a key comes from.
#[tauri::command(async)]
pub fn set_provider_key(name: String, key: String) -> Result<()> {
    keys::store_key(&name, &key)
}

#[tauri::command(async)]
pub fn forget_provider_key(name: String) -> Result<bool> {
    keys::forget_key(&name)
}

/// Runs generate, relate or vet in the background with progress and cost so far; a generate run
/// first asks for the questions file (`null` when the user cancelled that dialog). On a team
/// server, each item the run adds goes to `reviews` distinct reviewers (default 1); a local
/// database's overlap is its configured one, so it takes none.
#[tauri::command(async)]
pub fn start_llm_run(
    app: AppHandle,
    state: State<'_, AppState>,
    request: LlmRunRequest,
    reviews: Option<u32>,
    on_event: Channel<JobEvent>,
) -> Result<Option<JobId>> {
    if reviews.is_some() && !state.window().is_team_server() {
        return Err(reviews_are_for_a_server());
    }
    let questions = match request {
        LlmRunRequest::Generate { .. } => {
            let Some(file) = picker::open_file(
                &app,
                "Questions to answer",
                &[
                    ("Questions (JSONL)", &["jsonl", "json"]),
                    ("All files", &["*"]),
                ],
            ) else {
                return Ok(None);
            };
            Some(file)
        }
        _ => None,
    };
    let settings = state.settings_path()?;
    let on_server = (settings.clone(), request.clone(), questions.clone());
    state
        .spawn_either(
            |db| tasks::llm_run(db, settings, request, questions),
            |url, password| {
                let (settings, request, questions) = on_server;
                let reviews = reviews.unwrap_or(1);
                tasks::llm_run_on_server(url, password, settings, request, questions, reviews)
            },
            on_event,
        )
        .map(Some)
}

/// Calls, tokens and cost of every LLM call about one item (vetting, generation).
#[tauri::command(async)]
pub fn item_costs(state: State<'_, AppState>, external_id: String) -> Result<CostTotals> {
    if let Some(costs) = state.on_team_server(|server| server.item_costs(&external_id)) {
        return costs;
    }
    state.store()?.item_costs(&external_id)
}

/// The registered data products, for choosing a pair to relate.
#[tauri::command(async)]
pub fn data_products(state: State<'_, AppState>) -> Result<Vec<ProductSummary>> {
    if let Some(products) = state.on_team_server(TeamServer::list_products) {
        return products;
    }
    state.store()?.list_products()
}

// The window's database: welcome screen, open, create, switch, close (see `vetted::window`).

/// The open database (or none: the welcome screen), why the last open failed, the recent list.
#[tauri::command(async)]
pub fn window_state(state: State<'_, AppState>) -> WindowState {
    state.window().state()
}

/// Asks for a database file and opens it in place of the current one.
#[tauri::command(async)]
pub fn open_database(app: AppHandle, state: State<'_, AppState>) -> Result<WindowState> {
    let Some(path) = picker::open_file(
        &app,
        "Open a Vetted database",
        &[
            ("Vetted databases", &["db", "sqlite", "sqlite3", "vetted"]),
            ("All files", &["*"]),
        ],
    ) else {
        return Ok(state.window().state());
    };
    switch_to(&app, &state, |window| window.open(&path))
}

/// Opens a database of the recent list (only those: the webview cannot name other files).
#[tauri::command(async)]
pub fn open_recent(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<WindowState> {
    let path = recent_path(&state, &path)?;
    switch_to(&app, &state, |window| window.open(&path))
}

/// Asks where to create a new, empty database and opens it.
#[tauri::command(async)]
pub fn new_database(app: AppHandle, state: State<'_, AppState>) -> Result<WindowState> {
    let Some(path) = picker::save_file(&app, "New Vetted database", "vetted.db") else {
        return Ok(state.window().state());
    };
    switch_to(&app, &state, |window| window.create(&path))
}

/// Opens the demo database in the data folder, created from the bundled demo items on first use.
#[tauri::command(async)]
pub fn open_demo(app: AppHandle, state: State<'_, AppState>) -> Result<WindowState> {
    let fixture = app
        .path()
        .resolve(DEMO_FIXTURE, BaseDirectory::Resource)
        .map_err(|e| Error::Config(format!("the bundled demo items cannot be found: {e}")))?;
    switch_to(&app, &state, |window| {
        window.open_demo(&db_path::demo_db_path(), &fixture)
    })
}

/// Signs in to a team server as `address.user` in place of what is open (which stays when the
/// server refuses: the error says why). A password typed
/// (`Some`) is tried, then kept in the OS keyring for the next sign-in; `None` uses the one
/// already there (or `PGPASSWORD`). The CA file must be one chosen with `choose_ca_file` or the
/// remembered server's: the webview names no other file.
#[tauri::command(async)]
pub fn connect_team_server(
    app: AppHandle,
    state: State<'_, AppState>,
    address: ServerAddress,
    password: Option<String>,
) -> Result<TeamSignIn> {
    if let Some(ca_file) = address.ca_file.as_deref().filter(|f| !f.trim().is_empty()) {
        let chosen = lock(&state.chosen_ca_file).as_deref() == Some(ca_file);
        let remembered = state.window().state().team_server.and_then(|a| a.ca_file);
        if !chosen && remembered.as_deref() != Some(ca_file) {
            return Err(Error::BadRequest(format!(
                "{ca_file} was not chosen here; pick the CA file with Choose…"
            )));
        }
    }
    refuse_while_jobs_run(&state)?;
    // Signed in before the window is locked: it can take seconds (the server, the keyring).
    let session =
        off_runtime(|| TeamSession::sign_in(&address, password.and_then(ApiKey::verbatim)))?;
    let mut keyring_problem = None;
    let window = switch_to(&app, &state, |window| {
        keyring_problem = window.open_team_server(session);
    })?;
    Ok(TeamSignIn {
        window,
        keyring_problem,
    })
}

/// Asks for the CA certificates (PEM) a team server's certificate must chain to; `null` when
/// the user cancelled.
#[tauri::command(async)]
pub fn choose_ca_file(app: AppHandle, state: State<'_, AppState>) -> Option<String> {
    let path = picker::open_file(
        &app,
        "The team server's CA certificate",
        &[
            ("PEM certificates", &["pem", "crt", "cer"]),
            ("All files", &["*"]),
        ],
    )?;
    let path = path.display().to_string();
    *lock(&state.chosen_ca_file) = Some(path.clone());
    Some(path)
}

/// Tells `on_event` whenever anyone changes the team server open (decisions, undo, redo,
/// imports) within a second, through `LISTEN/NOTIFY` on a session of its own (no polling), and
/// when following stops. One follower at a time: a new watch (a reloaded webview) replaces the
/// previous one, and it ends when the window opens something else.
#[tauri::command(async)]
pub fn watch_team_server(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<LiveEvent>,
) -> Result<()> {
    let (url, password, generation) = state
        .window()
        .team_server_sign_in()
        .ok_or_else(|| Error::BadRequest("no team server is open; connect to one first".into()))?;
    let mut listener = off_runtime(|| {
        let mut listener = TeamServer::connect_with_password(&url, password.as_ref())?;
        listener.listen().map(|()| listener)
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    if let Some(previous) = lock(&state.team_follower).replace(stop.clone()) {
        previous.store(true, Ordering::Relaxed);
    }
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        while !stop.load(Ordering::Relaxed) && state.window().is_generation(generation) {
            let event = match listener.changes(std::time::Duration::from_millis(500)) {
                Ok(changes) if changes.is_empty() => continue,
                Ok(changes) => LiveEvent::of(&changes),
                Err(e) => LiveEvent::Lost {
                    message: e.to_string(),
                },
            };
            let lost = matches!(event, LiveEvent::Lost { .. });
            // A closed channel means the webview is gone: nobody listens any more.
            if on_event.send(event).is_err() || lost {
                break;
            }
        }
    });
    Ok(())
}

/// Closes the database (releasing its lock): back to the welcome screen.
#[tauri::command(async)]
pub fn close_database(app: AppHandle, state: State<'_, AppState>) -> Result<WindowState> {
    switch_to(&app, &state, |window| window.close())
}

/// Takes a database off the recent list; the file itself is left alone.
#[tauri::command(async)]
pub fn forget_recent(state: State<'_, AppState>, path: String) -> Result<WindowState> {
    let path = recent_path(&state, &path)?;
    let mut window = state.window();
    window.forget_recent(&path)?;
    Ok(window.state())
}

/// Version, open database and schema, data and config folders, bundled data licenses.
#[tauri::command(async)]
pub fn about(state: State<'_, AppState>) -> Result<AboutInfo> {
    vetted::about::about(state.window().store().ok())
}

/// Where `bundle.resources` in tauri.conf.json puts the demo items, under the resource dir.
pub const DEMO_FIXTURE: &str = "demo/demo-items.jsonl";

/// `path` if it is on the recent list.
fn recent_path(state: &AppState, path: &str) -> Result<PathBuf> {
    let listed = state.window().state().recent.iter().any(|r| r.path == path);
    if !listed {
        return Err(Error::NotFound(format!(
            "{path} is not on the recent list; open it with Open database…"
        )));
    }
    Ok(PathBuf::from(path))
}

/// Runs `change` on the window unless a background job still works on the open database, then
/// makes the session follow the database now open: its reviewer and the window title.
fn switch_to(
    app: &AppHandle,
    state: &AppState,
    change: impl FnOnce(&mut Window) + Send,
) -> Result<WindowState> {
    refuse_while_jobs_run(state)?;
    let mut window = state.window();
    // Off the runtime: signing in to a team server, or dropping its session, blocks on the
    // driver's own runtime.
    let opened: &mut Window = &mut window;
    off_runtime(|| change(opened));
    if let Ok(store) = window.store() {
        *lock(&state.reviewer) = session_reviewer(store);
    }
    if let Some(server) = window.team_server() {
        *lock(&state.reviewer) = server.reviewer().to_owned();
    }
    set_title(app, &window);
    Ok(window.state())
}

/// Refuses to switch databases while a background job still works on the open one.
fn refuse_while_jobs_run(state: &AppState) -> Result<()> {
    if state.jobs.running() > 0 {
        return Err(Error::BadRequest(
            "a background job (import, export, backup, sync or model run) is still working on \
             this database; wait for it to finish or cancel it, then switch"
                .into(),
        ));
    }
    Ok(())
}

/// `$VETTED_REVIEWER`, else the database's current reviewer (`vetted reviewer use`), else the
/// OS user.
pub fn session_reviewer(store: &Store) -> String {
    vetted::reviewer::session_reviewer(store, None)
        .unwrap_or_else(|_| vetted::reviewer::default_reviewer())
}

/// The window title names the open file (`vetted-demo.db — Vetted`) or team server
/// (`maria@review.example.com:5432/vetted — Vetted`).
pub fn set_title(app: &AppHandle, window: &Window) {
    if let Some(webview) = app.get_webview_window("main") {
        // A title that cannot be set is cosmetic; the header shows the path too.
        let _ = webview.set_title(&window_title(window.state().database.as_ref()));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn the_demo_items_are_bundled_where_open_demo_looks_for_them() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json");
        let resources = conf["bundle"]["resources"]
            .as_object()
            .expect("bundle.resources maps sources to where they go");
        let (source, _) = resources
            .iter()
            .find(|(_, target)| target.as_str() == Some(DEMO_FIXTURE))
            .unwrap_or_else(|| panic!("no resource is bundled as {DEMO_FIXTURE}: {resources:?}"));
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
        assert!(source.is_file(), "{} must exist", source.display());
    }

    #[test]
    fn review_commands_say_what_to_do_while_no_database_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState {
            window: Mutex::new(Window::new(&dir.path().join("recent.json"))),
            reviewer: Mutex::new("me".into()),
            rule_plan: Default::default(),
            jobs: Jobs::default(),
            chosen_ca_file: Mutex::default(),
            team_follower: Mutex::default(),
        };
        let err = state.store().err().expect("no store on the welcome screen");
        assert_eq!(err.code(), vetted::ErrorCode::BadRequest);
        assert!(
            err.to_string().contains("welcome screen"),
            "the message says where to open one: {err}"
        );
    }
}
