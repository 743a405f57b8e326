//! Who is reviewing. In order: the name given explicitly (`--reviewer`), `VETTED_REVIEWER`, the
//! reviewer chosen for this database with `vetted reviewer use NAME`, the OS user name.

use crate::Store;

/// The reviewer name to record when none is given explicitly and the database has no current
/// reviewer: `VETTED_REVIEWER`, else the OS user name.
pub fn default_reviewer() -> String {
    env_reviewer().unwrap_or_else(os_user)
}

fn env_reviewer() -> Option<String> {
    std::env::var("VETTED_REVIEWER")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

fn os_user() -> String {
    ["USER", "USERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "reviewer".to_owned())
}

/// Whether someone was chosen to review on `store` — by `VETTED_REVIEWER` or as the database's
/// current reviewer. When not, the app asks at start instead of silently using the OS user.
pub fn is_chosen(store: &Store) -> crate::Result<bool> {
    Ok(env_reviewer().is_some() || store.current_reviewer()?.is_some())
}

/// The reviewer for this session on `store`: `explicit`, else `VETTED_REVIEWER`, else the
/// database's current reviewer, else the OS user name.
pub fn session_reviewer(store: &Store, explicit: Option<String>) -> crate::Result<String> {
    if let Some(name) = explicit.filter(|n| !n.trim().is_empty()) {
        return Ok(name);
    }
    if let Some(name) = env_reviewer() {
        return Ok(name);
    }
    Ok(store.current_reviewer()?.unwrap_or_else(os_user))
}
