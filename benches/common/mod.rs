//! Command-line arguments and reporting shared by the benches. Each bench binary compiles this
//! module and uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

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

/// One row of a Markdown table of timings: label, runs, p50, p95, p99, max.
pub fn report_row(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    println!(
        "| {label} | {} | {} | {} | {} | {} |",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(*times.last().expect("runs"))
    );
}
