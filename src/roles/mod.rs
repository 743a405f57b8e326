//! The three LLM roles — generate answers, infer relationships, vet items — as runs over the
//! store: each run records every call (tokens, cost, latency, prompt version) and puts its
//! results in the queue. The desktop app calls the same functions: each takes a progress
//! callback and a cancellation token and returns a [`RunSummary`].

pub mod align;
pub mod generate;
pub mod knowledge;
pub mod prompts;
pub mod rank;
pub mod relate;
mod run;
pub mod vet;

pub use run::{Progress, RunContext, RunMirror, RunOptions, RunSummary};

/// Which role a run or call played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Generate,
    Relate,
    Vet,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Generate => "generate",
            Role::Relate => "relate",
            Role::Vet => "vet",
        }
    }
}
