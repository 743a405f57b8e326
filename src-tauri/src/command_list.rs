// The app's commands, listed once. This file is `include!`d (not a module, so no `//!` here):
// by `build.rs`, which puts each command under Tauri's ACL, and by `src/main.rs`, which registers
// each handler with `tauri::generate_handler!`. `ui/src/commandList.test.ts` reads it too and
// fails when `capabilities/default.json`, `ui/src/api.ts` or `ui/dev/mockBackend.ts` disagree.

/// The single list of the app's commands (functions of `src/commands.rs`): calls the macro
/// `$callback` with every command ident, comma-separated. Adding a command means adding it here,
/// then its `allow-<command-with-dashes>` in `capabilities/default.json`, its function in
/// `ui/src/api.ts` and its stand-in in `ui/dev/mockBackend.ts` (`npm test` checks those three).
macro_rules! with_app_commands {
    ($callback:ident) => {
        $callback![
            window_state,
            open_database,
            open_recent,
            new_database,
            open_demo,
            close_database,
            forget_recent,
            about,
            session_info,
            stats,
            alignment_runs,
            auto_approve_suggestion,
            reviewers,
            choose_reviewer,
            adjudication_case,
            adjudicate,
            start_sync_pack,
            start_sync_merge,
            queue_page,
            status_counts,
            queue_facets,
            get_item,
            item_history,
            decide,
            undo,
            redo,
            start_rule_check,
            shown_rule_plan,
            approve_by_rule,
            reject_reasons,
            relationship_evidence,
            review_graph,
            search_items,
            add_tag,
            remove_tag,
            set_do_not_train,
            get_keymap,
            set_keymap,
            start_import,
            start_export,
            start_backup,
            start_register_products,
            start_discover_relationships,
            cancel_job,
            data_revision,
            guidelines,
            add_guideline,
            promote_note,
            update_guideline,
            archive_guideline,
            llm_providers,
            save_provider,
            remove_provider,
            set_provider_key,
            forget_provider_key,
            start_llm_run,
            item_costs,
            data_products,
        ]
    };
}
