//! Vetted's core: the review store, import, export for fine-tuning, and the domain they share. No Tauri here — the
//! desktop shell (`src-tauri`) and the `vetted` CLI are thin layers over this crate.

pub mod about;
pub mod agreement;
pub mod approval_rule;
pub mod auto_approve;
pub mod claims;
pub mod content_hash;
pub mod database_file;
pub mod db_path;
mod decision_rules;
pub mod discovery;
pub mod domain;
pub mod edit_distance;
pub mod error;
pub mod export;
pub mod import;
pub mod instance_lock;
pub mod jobs;
pub mod llm;
pub mod off_runtime;
pub mod privacy;
pub mod products;
pub mod recent;
pub mod relation_evidence;
pub mod relation_export;
pub mod review_form;
pub mod review_graph;
pub mod reviewer;
pub mod roles;
pub mod stats;
pub mod store;
pub mod sync;
pub mod team;
pub mod team_server;
pub mod user_files;
pub mod vetter_agreement;
pub mod window;

pub use error::{Error, ErrorCode, Result};
pub use store::Store;

/// Who is reviewing, and on which database: shown in the app's title bar.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SessionInfo {
    pub reviewer: String,
    /// The reviewer's profile role; `None` before a profile exists.
    pub role: Option<team::Role>,
    /// No reviewer was chosen for this database yet (nor by `VETTED_REVIEWER`): the app asks
    /// who is reviewing at first start.
    pub needs_profile: bool,
    /// The open file's path, or the team server (`login@host:port/database`).
    pub db_path: String,
    /// A team server is open: the reviewer is its login, not a name chosen in the app.
    pub team_server: bool,
    /// The reviewer may add items (import; a model's answers and proposed relationships):
    /// always on a local database, only the owner on a team server.
    pub adds_items: bool,
}
