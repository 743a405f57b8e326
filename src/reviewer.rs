//! Who is reviewing: `VETTED_REVIEWER`, else the OS user name.

/// The reviewer name to record when none is given explicitly.
pub fn default_reviewer() -> String {
    ["VETTED_REVIEWER", "USER", "USERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "reviewer".to_owned())
}
