//! `forms set|show|remove`: a domain's review form (rubric), versioned in the database; answered
//! with `vetted decide … --form QUESTION=VALUE` and in the app beside the item (docs/forms.md).
//! On a team server the login writes, and the server lets only SMEs and adjudicators.

use std::path::PathBuf;

use clap::Subcommand;
use vetted::Result;
use vetted::review_form::{FormQuestion, QuestionKind, read_form_file};
use vetted::store::{ReviewForm, ReviewFormDraft};

use crate::output::print_json;
use crate::workspace::{Workspace, as_login, who};

#[derive(Subcommand, Debug)]
pub enum FormsCommand {
    /// Put the form in FILE.toml in force for DOMAIN, as a new version (answers given under
    /// earlier versions keep theirs).
    Set {
        domain: String,
        file: PathBuf,
        /// Author (default: $VETTED_REVIEWER, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Print the form in force for DOMAIN and its versions.
    Show {
        domain: String,
        #[arg(long)]
        json: bool,
    },
    /// Stop asking DOMAIN's form (a version too: the history keeps every form).
    Remove {
        domain: String,
        #[arg(long)]
        reviewer: Option<String>,
    },
}

impl Workspace<'_> {
    /// Adds a version of `domain`'s form by `author` (on a server: the login); `None` retires it.
    fn set_form(
        &mut self,
        domain: &str,
        questions: Option<&[FormQuestion]>,
        author: Option<String>,
    ) -> Result<ReviewForm> {
        match self {
            Workspace::Local(store) => store.set_review_form(domain, questions, &who(author)),
            Workspace::Server(server) => {
                as_login(author)?;
                server.set_review_form(domain, questions)
            }
        }
    }

    fn form_versions(&mut self, domain: &str) -> Result<Vec<ReviewForm>> {
        match self {
            Workspace::Local(store) => store.review_form_versions(domain),
            Workspace::Server(server) => server.review_form_versions(domain),
        }
    }
}

pub fn run(mut on: Workspace<'_>, command: FormsCommand) -> Result<()> {
    match command {
        FormsCommand::Set {
            domain,
            file,
            reviewer,
        } => {
            let questions = read_form_file(&file)?;
            let form = on.set_form(&domain, Some(&questions), reviewer)?;
            println!(
                "{domain}: review form version {} in force ({} question(s))",
                form.version,
                form.questions.len()
            );
        }
        FormsCommand::Remove { domain, reviewer } => {
            let form = on.set_form(&domain, None, reviewer)?;
            println!(
                "{domain}: no review form from now on (version {})",
                form.version
            );
        }
        FormsCommand::Show { domain, json } => {
            let draft = ReviewFormDraft::of(on.form_versions(&domain)?);
            let (in_force, versions) = (draft.in_force, draft.versions);
            if json {
                print_json(&serde_json::json!({ "in_force": in_force, "versions": versions }));
                return Ok(());
            }
            match &in_force {
                Some(form) => print_form(form),
                None => println!("{domain}: no review form in force"),
            }
            for v in &versions {
                println!(
                    "  version {:<3} {} by {} ({} question(s))",
                    v.version,
                    v.created_at.format("%Y-%m-%d %H:%M"),
                    v.author,
                    v.questions.len()
                );
            }
        }
    }
    Ok(())
}

fn print_form(form: &ReviewForm) {
    println!("{}: review form version {}", form.domain, form.version);
    for q in &form.questions {
        let takes = match &q.kind {
            QuestionKind::Rating { scale, labels } if labels.is_empty() => format!("1–{scale}"),
            QuestionKind::Rating { scale, labels } => format!("1–{scale}: {}", labels.join(" / ")),
            QuestionKind::YesNo => "yes / no".into(),
            QuestionKind::SingleChoice { options } => format!("one of {}", options.join(", ")),
            QuestionKind::MultiLabel { options } => format!("any of {}", options.join(", ")),
            QuestionKind::Number { min, max } => format!(
                "a number{}{}",
                min.map_or(String::new(), |m| format!(" ≥ {m}")),
                max.map_or(String::new(), |m| format!(" ≤ {m}"))
            ),
            QuestionKind::Text { .. } => "text".into(),
        };
        let required = if q.required { " (required)" } else { "" };
        println!("  {:<20} {}{required} — {takes}", q.id, q.label);
    }
}
