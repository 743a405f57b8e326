//! Puts every app command under Tauri's ACL: each needs an explicit `allow-<command>` in a
//! capability file before the webview may call it.

/// Keep in sync with `tauri::generate_handler!` in `src/main.rs`.
const COMMANDS: &[&str] = &[
    "session_info",
    "stats",
    "reviewers",
    "choose_reviewer",
    "adjudication_case",
    "adjudicate",
    "start_sync_pack",
    "start_sync_merge",
    "queue_page",
    "status_counts",
    "queue_facets",
    "get_item",
    "item_history",
    "decide",
    "undo",
    "redo",
    "reject_reasons",
    "relationship_evidence",
    "search_items",
    "add_tag",
    "remove_tag",
    "set_do_not_train",
    "get_keymap",
    "set_keymap",
    "start_import",
    "start_export",
    "start_backup",
    "start_register_products",
    "cancel_job",
    "data_revision",
    "guidelines",
    "add_guideline",
    "promote_note",
    "update_guideline",
    "archive_guideline",
    "llm_providers",
    "save_provider",
    "remove_provider",
    "set_provider_key",
    "forget_provider_key",
    "start_llm_run",
    "item_costs",
    "data_products",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
