//! Native file dialogs, shown by Rust: the webview never names a path. Whatever the user picks
//! is still checked by the core (regular files only) before it is read or written.
//!
//! `VETTED_E2E_PICKS` (paths separated by `|`, an empty entry meaning "the user cancelled")
//! answers the dialogs in order instead, because WebDriver cannot drive a native GTK dialog. It
//! is honoured in release builds too, so the end-to-end suites drive the very build that is
//! packaged: like `VETTED_DB`, it comes from whoever starts the process (who can already read
//! and write every file the app can), never from the webview.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// A file to read, or `None` when the user cancelled.
pub fn open_file(app: &AppHandle, title: &str, filters: &[(&str, &[&str])]) -> Option<PathBuf> {
    if let Some(scripted) = scripted::next() {
        return scripted;
    }
    let mut dialog = app.dialog().file().set_title(title);
    for (name, extensions) in filters {
        dialog = dialog.add_filter(*name, extensions);
    }
    dialog.blocking_pick_file()?.into_path().ok()
}

/// A file to write, proposed as `file_name`; `None` when the user cancelled. The dialog asks
/// before replacing an existing file.
pub fn save_file(app: &AppHandle, title: &str, file_name: &str) -> Option<PathBuf> {
    if let Some(scripted) = scripted::next() {
        return scripted;
    }
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .set_can_create_directories(true)
        .blocking_save_file()?
        .into_path()
        .ok()
}

mod scripted {
    use std::collections::VecDeque;
    use std::path::PathBuf;
    use std::sync::{Mutex, OnceLock};

    /// The next scripted answer: `Some(None)` = cancelled; `None` = not scripted (or used up).
    pub fn next() -> Option<Option<PathBuf>> {
        static PICKS: OnceLock<Mutex<VecDeque<String>>> = OnceLock::new();
        let picks = PICKS.get_or_init(|| {
            let script = std::env::var("VETTED_E2E_PICKS").unwrap_or_default();
            Mutex::new(if script.is_empty() {
                VecDeque::new()
            } else {
                script.split('|').map(str::to_owned).collect()
            })
        });
        let entry = picks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()?;
        Some((!entry.is_empty()).then(|| PathBuf::from(entry)))
    }
}
