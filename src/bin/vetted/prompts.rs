//! `prompts show|set|reset`: a domain's own prompt templates (the vetting prompt above all),
//! kept as append-only revisions in the database (docs/llm.md#prompts-and-versions).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use vetted::roles::prompts::{Template, prompt_view, set_prompt};
use vetted::store::PromptRevision;
use vetted::{Error, Result, Store, reviewer};

use crate::output::print_json;

#[derive(Args, Debug)]
pub struct Which {
    /// The domain whose prompt it is.
    #[arg(long)]
    domain: String,
    /// generate, relate, rank or vet.
    #[arg(long, default_value = "vet")]
    template: Template,
}

#[derive(Subcommand, Debug)]
pub enum PromptsCommand {
    /// Print the prompt in force for a domain, its version, and every revision.
    Show {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Put the text of FILE in force for the domain, as a new version (`{{domain}}` is replaced
    /// by the domain's name in each call). Every call records the version it used.
    Set {
        #[command(flatten)]
        which: Which,
        file: PathBuf,
        /// Author (default: $VETTED_REVIEWER, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Return the domain to the built-in prompt (a revision too: the history keeps every text).
    Reset {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        reviewer: Option<String>,
    },
}

pub fn run(store: &mut Store, command: PromptsCommand) -> Result<()> {
    let who = |r: Option<String>| r.unwrap_or_else(reviewer::default_reviewer);
    match command {
        PromptsCommand::Show { which, json } => {
            let view = prompt_view(store, which.template, &which.domain)?;
            if json {
                print_json(&view);
                return Ok(());
            }
            let own = if view.version == view.builtin_version {
                "built in"
            } else {
                "the domain's own"
            };
            println!(
                "{} prompt of domain '{}': {} ({own})\n",
                view.template.name(),
                view.domain,
                view.version
            );
            println!("{}", view.text.trim_end());
            if !view.revisions.is_empty() {
                println!("\nrevisions, newest first:");
                for r in &view.revisions {
                    print_revision(r);
                }
            }
            Ok(())
        }
        PromptsCommand::Set {
            which,
            file,
            reviewer,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let revision = set_prompt(
                store,
                which.template,
                &which.domain,
                Some(&text),
                &who(reviewer),
            )?;
            println!(
                "the {} prompt of domain '{}' is now {}",
                which.template.name(),
                which.domain,
                revision.version
            );
            Ok(())
        }
        PromptsCommand::Reset { which, reviewer } => {
            let revision = set_prompt(store, which.template, &which.domain, None, &who(reviewer))?;
            println!(
                "the {} prompt of domain '{}' is the built-in one again ({})",
                which.template.name(),
                which.domain,
                revision.version
            );
            Ok(())
        }
    }
}

fn print_revision(r: &PromptRevision) {
    println!(
        "  {}  {:<28} {}{}",
        r.created_at.format("%Y-%m-%d %H:%M"),
        r.version,
        r.author,
        if r.body.is_none() {
            " (back to built-in)"
        } else {
            ""
        }
    );
}
