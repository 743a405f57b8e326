//! Command-line arguments shared by the benches that run on an existing database.

use std::path::PathBuf;

/// The arguments after the bench's name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// The first argument ending in `.db`, else `target/bench-import/{default}` (a database the
/// import bench leaves behind).
pub fn database(args: &[String], default: &str) -> PathBuf {
    args.iter()
        .find(|a| a.ends_with(".db"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/bench-import")
                .join(default)
        })
}

/// The value after `--{name}`, else `default`.
pub fn number(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a.strip_prefix("--") == Some(name))
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}
