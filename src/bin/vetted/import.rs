//! `import` and `search`: the CLI face of `vetted::import` and `Store::search`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use vetted::import::{ImportProgress, ImportSource};
use vetted::store::{RANK_LIMIT, SearchOrder};
use vetted::{Result, Store};

use crate::output::print_json;
use crate::review::print_queue_entries;

/// Imports each source in turn; stops at the first that fails (earlier ones stay imported).
pub fn import(store: &mut Store, sources: Vec<ImportSource>) -> Result<()> {
    for source in sources {
        let bar = progress_bar();
        let mut on_progress = |p: &ImportProgress| update(&bar, p);
        let result = store.import(&source, &mut on_progress, crate::interrupt::cancel_flag());
        bar.finish_and_clear();
        let report = result?;
        for note in &report.notes {
            eprintln!("note: {note}");
        }
        if report.skipped > report.notes.len() {
            eprintln!(
                "note: … and {} more skipped",
                report.skipped - report.notes.len()
            );
        }
        println!("{report}");
    }
    Ok(())
}

pub fn sources(
    files: Vec<PathBuf>,
    openai_batch: Option<Vec<PathBuf>>,
    domain: String,
) -> Vec<ImportSource> {
    match openai_batch.as_deref() {
        Some([input, output]) => vec![ImportSource::OpenAiBatch {
            input: input.clone(),
            output: output.clone(),
            domain,
        }],
        _ => files.into_iter().map(ImportSource::File).collect(),
    }
}

/// A bar on stderr when it is a terminal (hidden otherwise, so scripts and logs stay clean).
pub(crate) fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} · {msg} · ETA {eta}")
            .expect("valid progress template"),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

pub(crate) fn update(bar: &ProgressBar, p: &ImportProgress) {
    if let Some(total) = p.bytes_total {
        bar.set_length(total);
    }
    bar.set_position(p.bytes_read);
    let secs = bar.elapsed().as_secs_f64().max(0.001);
    bar.set_message(format!(
        "{} items · {:.0} items/s",
        p.items,
        p.items as f64 / secs
    ));
}

/// Prints the hits (a JSON array with `--json`, unchanged by the order); when they come newest
/// first because every word is too common to rank by, says so on stderr.
pub fn search(store: &Store, query: &str, limit: u32, json: bool) -> Result<()> {
    let found = store.search(query, limit)?;
    if found.order == SearchOrder::Newest {
        eprintln!(
            "common words only (each in over {RANK_LIMIT} items): newest first; add a rarer word to rank by relevance"
        );
    }
    if json {
        print_json(&found.hits);
    } else {
        print_queue_entries(&found.hits);
    }
    Ok(())
}
