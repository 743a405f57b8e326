//! Puts every app command (the single list in `src/command_list.rs`) under Tauri's ACL: each
//! needs an explicit `allow-<command>` in a capability file before the webview may call it
//! (`capabilities/default.json`; `ui/src/commandList.test.ts` checks it allows exactly these).

// The command list itself: `with_app_commands!`, shared with `src/main.rs`.
include!("src/command_list.rs");

/// Turns the command idents into their names.
macro_rules! command_names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every command `src/main.rs` registers, from `src/command_list.rs`.
const COMMANDS: &[&str] = with_app_commands!(command_names);

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
