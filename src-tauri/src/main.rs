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

// `with_app_commands!`: the single list of commands, shared with `build.rs` (see the file).
include!("command_list.rs");

/// Registers every listed command of `commands` with the invoke handler.
macro_rules! app_invoke_handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

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
        .invoke_handler(with_app_commands!(app_invoke_handler))
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                rendering::configure(&window)?;
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Vetted");
}
