//! Shared output helpers for the CLI.

/// Pretty JSON on stdout (for `--json`).
pub fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("output serializes")
    );
}

/// Whitespace collapsed to single spaces, cut to `max_chars` with an ellipsis.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        flat
    } else {
        flat.chars().take(max_chars - 1).chain(['…']).collect()
    }
}

/// Ends the process quietly, with success, when stdout is a pipe its reader closed
/// (`vetted queue | head`), as Unix tools do, instead of a panic from `println!`. Rust ignores
/// SIGPIPE, so the write fails with `BrokenPipe`, which `println!` turns into a panic; this hook
/// recognises exactly that panic. Anything a command wrote to the database was committed before
/// it printed (an unfinished transaction rolls back on the next open).
pub fn exit_quietly_when_stdout_closes() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
