//! `guidelines list|add|promote|edit|remove`: review guidelines per domain (markdown).

use std::path::PathBuf;

use clap::Subcommand;
use vetted::{Error, Result, Store, reviewer};

use crate::output::print_json;

#[derive(Subcommand)]
pub enum GuidelinesCommand {
    /// Print a domain's guidelines.
    List {
        #[arg(long)]
        domain: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a guideline to a domain, from --text or --file (markdown).
    Add {
        #[arg(long)]
        domain: String,
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        text: Option<String>,
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Author (default: $VETTED_REVIEWER, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Turn a decision's note (e.g. an SME's answer) into a guideline linked to its item.
    Promote {
        decision: String,
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Replace a guideline's text.
    Edit {
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Archive a guideline (it is no longer shown).
    Remove {
        id: i64,
        #[arg(long)]
        reviewer: Option<String>,
    },
}

pub fn run(store: &mut Store, command: GuidelinesCommand) -> Result<()> {
    let who = |r: Option<String>| r.unwrap_or_else(reviewer::default_reviewer);
    match command {
        GuidelinesCommand::List { domain, json } => {
            let guidelines = store.guidelines(&domain)?;
            if json {
                print_json(&guidelines);
                return Ok(());
            }
            if guidelines.is_empty() {
                println!("no guidelines for {domain} yet; add one with `vetted guidelines add`");
            }
            for g in guidelines {
                let source = g
                    .source_item
                    .map(|item| format!(" (from {item})"))
                    .unwrap_or_default();
                println!("#{} by {}{source}\n{}\n", g.id, g.created_by, g.body);
            }
        }
        GuidelinesCommand::Add {
            domain,
            text,
            file,
            reviewer,
        } => {
            let body = match (text, file) {
                (Some(text), _) => text,
                (None, Some(file)) => {
                    vetted::user_files::check_readable(&file)?;
                    std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?
                }
                (None, None) => unreachable!("clap requires --text or --file"),
            };
            let g = store.add_guideline(&domain, &body, &who(reviewer))?;
            println!("added guideline #{} to {}", g.id, g.domain);
        }
        GuidelinesCommand::Promote { decision, reviewer } => {
            let g = store.promote_note(&decision, &who(reviewer))?;
            println!(
                "guideline #{} in {} (from {})",
                g.id,
                g.domain,
                g.source_item.unwrap_or_default()
            );
        }
        GuidelinesCommand::Edit { id, text, reviewer } => {
            store.update_guideline(id, &text, &who(reviewer))?;
            println!("updated guideline #{id}");
        }
        GuidelinesCommand::Remove { id, reviewer } => {
            store.archive_guideline(id, &who(reviewer))?;
            println!("archived guideline #{id}");
        }
    }
    Ok(())
}
