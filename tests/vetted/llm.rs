//! The LLM client and roles: against a local fault-injecting server (always), and against a real
//! OpenAI-compatible server when `VETTED_TEST_LLM_URL` is set (`scripts/test-llm.sh`).

mod align;
mod app_run;
mod canary;
mod cli;
pub(crate) mod fault_server;
mod faults;
mod keyring;
mod knowledge;
mod prompts;
pub(crate) mod rank;
mod real_server;
mod roles;
