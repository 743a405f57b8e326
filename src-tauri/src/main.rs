//! Vetted's desktop shell. Each command is one delegation to the core; errors cross IPC as
//! `{code, message}` (see `vetted::Error`'s `Serialize`). No SQL, file or network access is
//! exposed to the webview.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod picker;
mod rendering;

use std::sync::Mutex;

use tauri::Manager;

use vetted::instance_lock::InstanceLock;
use vetted::{Store, db_path};

fn main() {
    let path = db_path::default_db_path();
    let opened = InstanceLock::acquire(&path).and_then(|lock| Ok((lock, Store::open(&path)?)));
    let (_lock, store) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("Vetted could not open {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    // $VETTED_REVIEWER, else the database's current reviewer (`vetted reviewer use`), else the
    // OS user.
    let reviewer = vetted::reviewer::session_reviewer(&store, None)
        .unwrap_or_else(|_| vetted::reviewer::default_reviewer());
    tauri::Builder::default()
        .manage(commands::AppState {
            store: Mutex::new(store),
            reviewer: Mutex::new(reviewer),
            jobs: Default::default(),
        })
        // Used from Rust only (see `picker`); the capability grants the webview none of its
        // commands.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::session_info,
            commands::stats,
            commands::reviewers,
            commands::choose_reviewer,
            commands::adjudication_case,
            commands::adjudicate,
            commands::start_sync_pack,
            commands::start_sync_merge,
            commands::queue_page,
            commands::status_counts,
            commands::queue_facets,
            commands::get_item,
            commands::item_history,
            commands::decide,
            commands::undo,
            commands::redo,
            commands::reject_reasons,
            commands::relationship_evidence,
            commands::search_items,
            commands::add_tag,
            commands::remove_tag,
            commands::set_do_not_train,
            commands::get_keymap,
            commands::set_keymap,
            commands::start_import,
            commands::start_export,
            commands::start_backup,
            commands::start_register_products,
            commands::cancel_job,
            commands::data_revision,
            commands::guidelines,
            commands::add_guideline,
            commands::promote_note,
            commands::update_guideline,
            commands::archive_guideline,
            commands::llm_providers,
            commands::save_provider,
            commands::remove_provider,
            commands::set_provider_key,
            commands::forget_provider_key,
            commands::start_llm_run,
            commands::item_costs,
            commands::data_products,
        ])
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                rendering::configure(&window)?;
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Vetted");
}
