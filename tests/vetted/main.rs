//! Integration tests of the core and the CLI: one test binary, modules mirror `src/`.

mod cli;
mod decisions;
mod import;
mod llm;
mod migrations;
mod products;
mod relations_cli;
mod relationships;
mod safety;
mod support;
