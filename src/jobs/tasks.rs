//! The jobs the app runs in the background, each on its own connection to the database at
//! `db` (WAL lets the app keep reading and deciding meanwhile; imports stay invisible until
//! they complete). Paths come from the user's pick in a file dialog and are checked again by
//! the core ([`crate::user_files`]) before anything is read or written.

use std::path::PathBuf;

use super::Work;
use crate::domain::ItemKind;
use crate::export::{self, ExportOptions, Format, PiiMode};
use crate::import::ImportSource;
use crate::store::{Since, Store};

/// What the export dialog asks for; everything else takes the CLI's defaults.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportRequest {
    pub format: Format,
    pub pii: PiiMode,
    /// Share of prompts written to the validation file, in [0, 1).
    pub val_fraction: f64,
    /// Empty lists do not filter.
    pub kinds: Vec<ItemKind>,
    pub domains: Vec<String>,
    pub models: Vec<String>,
    pub tags: Vec<String>,
}

impl ExportRequest {
    /// The file name the save dialog proposes, e.g. `vetted-trl-dpo.jsonl`.
    pub fn suggested_file_name(&self) -> String {
        let extension = match self.format {
            Format::DecisionsCsv => "csv",
            _ => "jsonl",
        };
        format!("vetted-{}.{extension}", self.format.name())
    }

    /// Export options writing to `out`. `force` because the save dialog already asked the user
    /// before replacing an existing file.
    fn options(self, out: PathBuf) -> ExportOptions {
        let mut options = ExportOptions::new(self.format, out);
        options.force = true;
        options.pii = self.pii;
        options.val_fraction = self.val_fraction;
        options.filters.kinds = self.kinds;
        options.filters.domains = self.domains;
        options.filters.models = self.models;
        options.filters.tags = self.tags;
        options
    }
}

/// Imports `file` into the database at `db`; progress in bytes read.
pub fn import(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let mut store = Store::open(&db)?;
        let report = store.import(
            &ImportSource::File(file),
            &mut |p| progress(p.bytes_read, p.bytes_total),
            cancel,
        )?;
        Ok(report.to_string())
    })
}

/// Exports from the database at `db` to `out` as `request` says; progress in rows.
pub fn export(db: PathBuf, request: ExportRequest, out: PathBuf) -> Work {
    Box::new(move |progress, cancel| {
        let store = Store::open(&db)?;
        let options = request.options(out);
        let manifest = export::export(
            &store,
            &options,
            &mut |p| progress(p.done, Some(p.total)),
            cancel,
        )?;
        let mut summary = format!(
            "{} lines written to {}",
            manifest.counts.lines(),
            options.out.display()
        );
        for warning in &manifest.warnings {
            summary.push_str("; ");
            summary.push_str(warning);
        }
        Ok(summary)
    })
}

/// Registers the tables of a SQLite file, or a CSV file, as data products.
pub fn register_products(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |_, _| {
        let registered = Store::open(&db)?.add_products(std::slice::from_ref(&file))?;
        let names: Vec<&str> = registered.iter().map(|r| r.name.as_str()).collect();
        let refreshed = registered.iter().filter(|r| !r.new).count();
        let mut summary = format!(
            "{} data product(s) from {}: {}",
            registered.len(),
            file.display(),
            names.join(", ")
        );
        if refreshed > 0 {
            summary.push_str(&format!(" ({refreshed} refreshed)"));
        }
        Ok(summary)
    })
}

/// Packs every decision, the items they refer to and the reviewer profiles into `out`.
pub fn sync_pack(db: PathBuf, out: PathBuf) -> Work {
    Box::new(move |_, _| {
        let report = Store::open(&db)?.pack(&out, &Since::All)?;
        Ok(format!("packed into {}: {report}", out.display()))
    })
}

/// Merges the sync bundle `file` (all or nothing); disagreements enter adjudication.
pub fn sync_merge(db: PathBuf, file: PathBuf) -> Work {
    Box::new(move |_, _| {
        let report = Store::open(&db)?.merge_bundle(&file)?;
        Ok(format!("merged {}: {report}", file.display()))
    })
}

/// Writes a consistent copy of the database at `db` to `out` (which must not exist).
pub fn backup(db: PathBuf, out: PathBuf) -> Work {
    Box::new(move |_, _| {
        Store::open(&db)?.backup_to(&out)?;
        Ok(format!("backup written to {}", out.display()))
    })
}
