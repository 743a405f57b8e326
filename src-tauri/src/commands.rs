//! The IPC surface. Commands are `async` so they run off the main thread; each locks the store
//! for one short core call.

use std::sync::{Mutex, MutexGuard};

use tauri::State;
use vetted::domain::{
    Decision, DecisionInput, Item, KeyBinding, QueueCursor, QueueEntry, QueuePage, RejectReason,
    StatusCounts,
};
use vetted::relation_evidence::RelationshipEvidence;
use vetted::store::{QueueFacets, QueueFilter};
use vetted::{Result, SessionInfo, Store};

pub struct AppState {
    pub store: Mutex<Store>,
    pub reviewer: String,
}

impl AppState {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[tauri::command(async)]
pub fn session_info(state: State<'_, AppState>) -> SessionInfo {
    SessionInfo {
        reviewer: state.reviewer.clone(),
        db_path: state.store().path().display().to_string(),
    }
}

#[tauri::command(async)]
pub fn queue_page(
    state: State<'_, AppState>,
    filter: QueueFilter,
    after: Option<QueueCursor>,
    limit: u32,
) -> Result<QueuePage> {
    state.store().queue_page(&filter, after, limit)
}

#[tauri::command(async)]
pub fn status_counts(state: State<'_, AppState>, filter: QueueFilter) -> Result<StatusCounts> {
    state.store().status_counts(&filter)
}

#[tauri::command(async)]
pub fn queue_facets(state: State<'_, AppState>) -> Result<QueueFacets> {
    state.store().queue_facets()
}

#[tauri::command(async)]
pub fn get_item(state: State<'_, AppState>, external_id: String) -> Result<Item> {
    state.store().item(&external_id)
}

#[tauri::command(async)]
pub fn item_history(state: State<'_, AppState>, external_id: String) -> Result<Vec<Decision>> {
    // With several required reviews, others' decisions stay hidden until the reviewer decided.
    state.store().history_for(&external_id, &state.reviewer)
}

#[tauri::command(async)]
pub fn decide(state: State<'_, AppState>, input: DecisionInput) -> Result<Decision> {
    state.store().decide(&input)
}

/// Full-text search over questions, answers, evidence and relationships (FTS5); the query is
/// matched literally, never parsed as FTS syntax.
#[tauri::command(async)]
pub fn search_items(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<Vec<QueueEntry>> {
    state.store().search(&query, limit)
}

#[tauri::command(async)]
pub fn relationship_evidence(
    state: State<'_, AppState>,
    external_id: String,
) -> Result<Option<RelationshipEvidence>> {
    state.store().relationship_evidence(&external_id)
}

/// Undoes the session reviewer's latest decision in force; `null` when there is none.
#[tauri::command(async)]
pub fn undo(state: State<'_, AppState>, id: String) -> Result<Option<Decision>> {
    state.store().undo(&id, &state.reviewer)
}

/// Redoes the session reviewer's latest undo; `null` when there is none.
#[tauri::command(async)]
pub fn redo(state: State<'_, AppState>, id: String) -> Result<Option<Decision>> {
    state.store().redo(&id, &state.reviewer)
}

#[tauri::command(async)]
pub fn reject_reasons(state: State<'_, AppState>) -> Result<Vec<RejectReason>> {
    state.store().reject_reasons()
}

#[tauri::command(async)]
pub fn add_tag(
    state: State<'_, AppState>,
    external_id: String,
    tag: String,
) -> Result<Vec<String>> {
    state.store().add_tag(&external_id, &tag)
}

#[tauri::command(async)]
pub fn remove_tag(
    state: State<'_, AppState>,
    external_id: String,
    tag: String,
) -> Result<Vec<String>> {
    state.store().remove_tag(&external_id, &tag)
}

#[tauri::command(async)]
pub fn set_do_not_train(state: State<'_, AppState>, external_id: String, flag: bool) -> Result<()> {
    state
        .store()
        .set_do_not_train(&external_id, &state.reviewer, flag)
}

#[tauri::command(async)]
pub fn get_keymap(state: State<'_, AppState>) -> Result<Vec<KeyBinding>> {
    state.store().keymap_overrides()
}

#[tauri::command(async)]
pub fn set_keymap(state: State<'_, AppState>, overrides: Vec<KeyBinding>) -> Result<()> {
    state.store().set_keymap_overrides(&overrides)
}
