//! Integration tests of the core and the CLI: one test binary, modules mirror `src/`.

mod cli;
mod decisions;
mod export;
mod import;
mod migrations;
mod privacy;
mod support;
