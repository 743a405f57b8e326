//! Vetted's desktop shell. Each command is one delegation to the core; errors cross IPC as
//! `{code, message}` (see `vetted::Error`'s `Serialize`). No SQL, file or network access is
//! exposed to the webview.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod picker;
mod rendering;

use std::sync::Mutex;

use tauri::Manager;

use vetted::recent::RecentList;
use vetted::window::{Window, startup_database};

// `with_app_commands!`: the single list of commands, shared with `build.rs` (see the file).
include!("command_list.rs");

/// Registers every listed command of `commands` with the invoke handler.
macro_rules! app_invoke_handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

fn main() {
    // `vetted-app PATH`, else VETTED_DB, else the welcome screen. A database that cannot be
    // opened is explained in the window (the welcome screen shows why), never by exiting.
    let mut window = Window::new(&RecentList::default_path());
    if let Some(path) = startup_database(std::env::args_os().skip(1)) {
        window.open(&path);
    }
    let reviewer = match window.store() {
        Ok(store) => commands::session_reviewer(store),
        Err(_) => vetted::reviewer::default_reviewer(),
    };
    tauri::Builder::default()
        .manage(commands::AppState {
            window: Mutex::new(window),
            reviewer: Mutex::new(reviewer),
            rule_plan: Default::default(),
            jobs: Default::default(),
            chosen_ca_file: Default::default(),
            team_follower: Default::default(),
        })
        // Used from Rust only (see `picker`); the capability grants the webview none of its
        // commands.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(with_app_commands!(app_invoke_handler))
        .setup(|app| {
            if let Some(webview) = app.get_webview_window("main") {
                rendering::configure(&webview)?;
            }
            let state = app.state::<commands::AppState>();
            commands::set_title(app.handle(), &state.window());
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Vetted");
}
