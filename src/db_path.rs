//! Where the database lives: `--db PATH` (CLI), else `VETTED_DB`, else `vetted.db` in the OS
//! app-data directory (`~/.local/share/vetted/` on Linux).

use std::path::PathBuf;

/// Environment variable that overrides the default database path (app and CLI).
pub const DB_ENV: &str = "VETTED_DB";

/// The database path to use when none was given explicitly.
pub fn default_db_path() -> PathBuf {
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vetted")
        .join("vetted.db")
}
