//! Integration tests of the core and the CLI: one test binary, modules mirror `src/`.

mod cli;
mod decisions;
mod import;
mod migrations;
mod safety;
mod support;
mod undo;
mod workspace;
