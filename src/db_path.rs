//! Where Vetted keeps things on this computer. The database the CLI uses: `--db PATH`, else
//! `VETTED_DB`, else `vetted.db` in the data folder. The app's own settings (the recent
//! databases) live in the config folder, never inside a database, and nothing is written next to
//! the binary.
//!
//! | | Linux | macOS | Windows |
//! |---|---|---|---|
//! | data folder | `~/.local/share/vetted` | `~/Library/Application Support/vetted` | `%APPDATA%\vetted` |
//! | config folder | `~/.config/vetted` | `~/Library/Application Support/vetted` | `%APPDATA%\vetted` |
//!
//! On Linux both follow `XDG_DATA_HOME` and `XDG_CONFIG_HOME`.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the default database path (app and CLI).
pub const DB_ENV: &str = "VETTED_DB";

/// The database path to use when none was given explicitly.
pub fn default_db_path() -> PathBuf {
    env_db_path().unwrap_or_else(|| data_dir().join("vetted.db"))
}

/// `VETTED_DB`, when it is set and not empty.
pub fn env_db_path() -> Option<PathBuf> {
    std::env::var_os(DB_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// Vetted's folder in the OS data directory (databases Vetted creates itself, such as the demo).
pub fn data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vetted")
}

/// Vetted's folder in the OS config directory (the app's settings, such as the recent list).
pub fn config_dir() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vetted")
}

/// The demo database the app creates from the bundled fixture on first use.
pub fn demo_db_path() -> PathBuf {
    data_dir().join("vetted-demo.db")
}

/// The one name of a file the window and the recent list go by: absolute, with `..` and
/// symlinks resolved when the file exists (so `../x.db` and `/data/x.db` are one entry).
pub fn file_identity(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    Ok(std::fs::canonicalize(&absolute).unwrap_or(absolute))
}
