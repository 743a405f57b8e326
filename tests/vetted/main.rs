//! Integration tests of the core and the CLI: one test binary, modules mirror `src/`.

mod agreement_reference;
mod candidates_by_name;
mod cli;
mod decisions;
mod export;
mod guidelines;
mod import;
mod import_formats;
mod import_fuzz;
mod import_limits;
mod import_staging;
mod jobs;
mod llm;
mod migrations;
mod privacy;
mod products;
mod relations_cli;
mod relationships;
mod safety;
mod search;
mod stats;
mod support;
mod sync_cli;
mod team;
mod undo;
mod workspace;
