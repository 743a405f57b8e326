//! The IPC surface. Commands are `async` so they run off the main thread; each locks the store
//! for one short core call.

use std::sync::{Mutex, MutexGuard};

use tauri::State;
use vetted::domain::{
    Decision, DecisionInput, Item, QueuePage, RejectReason, StatusCounts, default_reject_reasons,
};
use vetted::relation_evidence::RelationshipEvidence;
use vetted::store::QueueFilter;
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
    after: Option<i64>,
    limit: u32,
) -> Result<QueuePage> {
    state.store().queue_page(filter, after, limit)
}

#[tauri::command(async)]
pub fn status_counts(state: State<'_, AppState>) -> Result<StatusCounts> {
    state.store().status_counts()
}

#[tauri::command(async)]
pub fn get_item(state: State<'_, AppState>, external_id: String) -> Result<Item> {
    state.store().item(&external_id)
}

#[tauri::command(async)]
pub fn item_history(state: State<'_, AppState>, external_id: String) -> Result<Vec<Decision>> {
    state.store().history(&external_id)
}

#[tauri::command(async)]
pub fn decide(state: State<'_, AppState>, input: DecisionInput) -> Result<Decision> {
    state.store().decide(&input)
}

#[tauri::command(async)]
pub fn relationship_evidence(
    state: State<'_, AppState>,
    external_id: String,
) -> Result<Option<RelationshipEvidence>> {
    state.store().relationship_evidence(&external_id)
}

#[tauri::command(async)]
pub fn reject_reasons() -> Vec<RejectReason> {
    default_reject_reasons()
}
