//! `guidelines list|add|promote|edit|remove`: review guidelines per domain (markdown), on a
//! local database or a team server (where the login is the author and `--reviewer` is refused).

use std::path::PathBuf;

use clap::Subcommand;
use vetted::store::Guideline;
use vetted::{Error, Result};

use crate::output::print_json;
use crate::workspace::{Workspace, as_login, who};

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

impl Workspace<'_> {
    fn list(&mut self, domain: &str) -> Result<Vec<Guideline>> {
        match self {
            Workspace::Local(store) => store.guidelines(domain),
            Workspace::Server(server) => server.guidelines(domain),
        }
    }

    fn add(&mut self, domain: &str, body: &str, author: Option<String>) -> Result<Guideline> {
        match self {
            Workspace::Local(store) => store.add_guideline(domain, body, &who(author)),
            Workspace::Server(server) => {
                as_login(author)?;
                server.add_guideline(domain, body)
            }
        }
    }

    fn promote(&mut self, decision: &str, author: Option<String>) -> Result<Guideline> {
        match self {
            Workspace::Local(store) => store.promote_note(decision, &who(author)),
            Workspace::Server(server) => {
                as_login(author)?;
                server.promote_note(decision)
            }
        }
    }

    fn edit(&mut self, id: i64, body: &str, author: Option<String>) -> Result<Guideline> {
        match self {
            Workspace::Local(store) => store.update_guideline(id, body, &who(author)),
            Workspace::Server(server) => {
                as_login(author)?;
                server.update_guideline(id, body)
            }
        }
    }

    fn remove(&mut self, id: i64, author: Option<String>) -> Result<()> {
        match self {
            Workspace::Local(store) => store.archive_guideline(id, &who(author)),
            Workspace::Server(server) => {
                as_login(author)?;
                server.archive_guideline(id)
            }
        }
    }
}

pub fn run(mut book: Workspace<'_>, command: GuidelinesCommand) -> Result<()> {
    match command {
        GuidelinesCommand::List { domain, json } => {
            let guidelines = book.list(&domain)?;
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
            let g = book.add(&domain, &body, reviewer)?;
            println!("added guideline #{} to {}", g.id, g.domain);
        }
        GuidelinesCommand::Promote { decision, reviewer } => {
            let g = book.promote(&decision, reviewer)?;
            println!(
                "guideline #{} in {} (from {})",
                g.id,
                g.domain,
                g.source_item.unwrap_or_default()
            );
        }
        GuidelinesCommand::Edit { id, text, reviewer } => {
            book.edit(id, &text, reviewer)?;
            println!("updated guideline #{id}");
        }
        GuidelinesCommand::Remove { id, reviewer } => {
            book.remove(id, reviewer)?;
            println!("archived guideline #{id}");
        }
    }
    Ok(())
}
