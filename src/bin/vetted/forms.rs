//! `forms set|show|remove`: a domain's review form (rubric), versioned in the database; answered
//! with `vetted decide … --form QUESTION=VALUE` and in the app beside the item (docs/forms.md).

use std::path::PathBuf;

use clap::Subcommand;
use vetted::review_form::{QuestionKind, read_form_file};
use vetted::store::ReviewForm;
use vetted::{Result, Store, reviewer};

use crate::output::print_json;

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

pub fn run(store: &mut Store, command: FormsCommand) -> Result<()> {
    let who = |r: Option<String>| r.unwrap_or_else(reviewer::default_reviewer);
    match command {
        FormsCommand::Set {
            domain,
            file,
            reviewer,
        } => {
            let questions = read_form_file(&file)?;
            let form = store.set_review_form(&domain, Some(&questions), &who(reviewer))?;
            println!(
                "{domain}: review form version {} in force ({} question(s))",
                form.version,
                form.questions.len()
            );
        }
        FormsCommand::Remove { domain, reviewer } => {
            let form = store.set_review_form(&domain, None, &who(reviewer))?;
            println!(
                "{domain}: no review form from now on (version {})",
                form.version
            );
        }
        FormsCommand::Show { domain, json } => {
            let versions = store.review_form_versions(&domain)?;
            let in_force = store.review_form(&domain)?;
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
