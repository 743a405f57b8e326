//! `reviewer`, `overlap`, `adjudication` and `sync`: team review from the command line.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use vetted::domain::{EditedContent, ItemBody, Pick};
use vetted::store::{OverlapScope, Since};
use vetted::team::Role;
use vetted::{Result, Store, reviewer};

use crate::output::{one_line, print_json};

#[derive(Subcommand)]
pub enum ReviewerCommand {
    /// Add a reviewer profile, or change a reviewer's role.
    Add {
        name: String,
        #[arg(long, value_enum, default_value = "analyst")]
        role: RoleArg,
    },
    /// List reviewer profiles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make NAME this database's current reviewer (an explicit switch; `--reviewer` and
    /// $VETTED_REVIEWER still take precedence).
    Use { name: String },
    /// Print the reviewer decisions are recorded for.
    Current,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Analyst,
    Sme,
    Adjudicator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Analyst => Role::Analyst,
            RoleArg::Sme => Role::Sme,
            RoleArg::Adjudicator => Role::Adjudicator,
        }
    }
}

#[derive(Subcommand)]
pub enum OverlapCommand {
    /// Require K independent reviews per item: by default, for a domain, or for an import. On
    /// a team server (the owner): the items of the domain, or every item, that nobody has
    /// reviewed or holds; the others keep theirs.
    Set {
        k: u32,
        #[arg(long, conflicts_with = "import")]
        domain: Option<String>,
        /// An import's id (see `imports` in the database or `vetted import`'s output).
        #[arg(long)]
        import: Option<i64>,
    },
    /// List the configured overlaps (on a team server: how many items need each K, by
    /// domain).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AdjudicationCommand {
    /// Items whose reviews disagree, with each reviewer's decision.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// One item's reviews side by side; edits as word diffs against the model's output.
    /// Record the final decision with `vetted decide ITEM ACTION --adjudicate`.
    Show {
        item: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Write a bundle of the decision log, the items it refers to and reviewer profiles.
    Pack {
        #[arg(long, value_name = "BUNDLE")]
        out: PathBuf,
        /// Only decisions after a clock (a previous bundle's max_clock), or at or after an
        /// RFC 3339 time or a date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<String>,
    },
    /// Merge a bundle: idempotent, order-independent, all-or-nothing.
    Merge {
        bundle: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn reviewer(store: &mut Store, command: ReviewerCommand) -> Result<()> {
    match command {
        ReviewerCommand::Add { name, role } => {
            let profile = store.add_reviewer(&name, role.into())?;
            println!("reviewer {} ({})", profile.name, profile.role.as_str());
        }
        ReviewerCommand::List { json } => {
            let profiles = store.reviewers()?;
            if json {
                print_json(&profiles);
            } else {
                let current = reviewer::session_reviewer(store, None)?;
                for p in profiles {
                    let mark = if p.name == current { "*" } else { " " };
                    println!("{mark} {:<24} {}", p.name, p.role.as_str());
                }
            }
        }
        ReviewerCommand::Use { name } => {
            store.use_reviewer(&name)?;
            println!("reviewing as {name}");
        }
        ReviewerCommand::Current => println!("{}", reviewer::session_reviewer(store, None)?),
    }
    Ok(())
}

pub fn overlap(store: &mut Store, command: OverlapCommand) -> Result<()> {
    match command {
        OverlapCommand::Set { k, domain, import } => {
            let scope = match (domain, import) {
                (Some(d), _) => OverlapScope::Domain(d),
                (None, Some(i)) => OverlapScope::Import(i),
                (None, None) => OverlapScope::Default,
            };
            let changed = store.set_overlap(&scope, k)?;
            println!(
                "{} now needs {k} review(s); {changed} item(s) changed state",
                scope_label(&scope)
            );
        }
        OverlapCommand::List { json } => {
            let overlaps = store.overlaps()?;
            if json {
                print_json(&overlaps);
            } else if overlaps.is_empty() {
                println!("every item needs 1 review (the default)");
            } else {
                for o in overlaps {
                    println!("{:<32} {}", scope_label(&o.scope), o.k);
                }
            }
        }
    }
    Ok(())
}

fn scope_label(scope: &OverlapScope) -> String {
    match scope {
        OverlapScope::Default => "default".into(),
        OverlapScope::Domain(d) => format!("domain {d}"),
        OverlapScope::Import(i) => format!("import {i}"),
    }
}

pub fn adjudication(store: &Store, command: AdjudicationCommand) -> Result<()> {
    match command {
        AdjudicationCommand::List { limit, json } => {
            let cases = store.adjudication_queue(None, limit)?;
            if json {
                print_json(&cases);
                return Ok(());
            }
            if cases.is_empty() {
                println!("no item awaits adjudication");
            }
            for case in cases {
                print_case(&case.entry.external_id, &case.entry.title, &case.decisions);
            }
        }
        AdjudicationCommand::Show { item, json } => {
            let case = store.adjudication_case(&item)?;
            let (state, k) = store.review_state(&item)?;
            if json {
                print_json(
                    &serde_json::json!({"case": case, "review": state, "required_reviews": k}),
                );
                return Ok(());
            }
            let full = store.item(&item)?;
            println!(
                "{}  [{}] · {} review(s) required\n{}",
                item,
                crate::review::enum_name(&state),
                k,
                case.entry.title
            );
            for d in &case.decisions {
                println!(
                    "\n{} — {} ({}; clock order, recorded {})",
                    d.reviewer,
                    crate::review::enum_name(&d.action),
                    d.id,
                    d.decided_at.format("%Y-%m-%d %H:%M:%S UTC")
                );
                if let Some(pick) = d.pick {
                    println!("  {}", crate::review::pick_text(pick));
                }
                for text in [&d.reason, &d.note].into_iter().flatten() {
                    println!("  {text}");
                }
                match (&full.body, &d.edited) {
                    (ItemBody::Answer(a), Some(EditedContent::Answer { answer })) => {
                        println!("  {}", word_diff(&a.answer, answer));
                    }
                    (ItemBody::Comparison(_), Some(edit @ EditedContent::Comparison { .. })) => {
                        let from = full.body.edited_from(edit);
                        println!("  {}", word_diff(&from, &edit.text()));
                    }
                    (_, Some(edit)) => {
                        println!("  {}", serde_json::to_string(edit).unwrap_or_default())
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Word diff: removed words as `[-…-]`, added ones as `{+…+}`.
pub fn word_diff(from: &str, to: &str) -> String {
    let a: Vec<&str> = from.split_whitespace().collect();
    let b: Vec<&str> = to.split_whitespace().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(a[i].to_owned());
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(format!("{{+{}+}}", b[j]));
            j += 1;
        } else {
            out.push(format!("[-{}-]", a[i]));
            i += 1;
        }
    }
    out.join(" ")
}

pub fn sync(store: &mut Store, command: SyncCommand) -> Result<()> {
    match command {
        SyncCommand::Pack { out, since } => {
            let since = match since {
                Some(text) => text.parse::<Since>()?,
                None => Since::All,
            };
            let report = store.pack(&out, &since)?;
            println!("packed into {}: {report}", out.display());
        }
        SyncCommand::Merge { bundle, json } => {
            let report = store.merge_bundle(&bundle)?;
            if json {
                print_json(&report);
            } else {
                println!("merged {}: {report}", bundle.display());
            }
        }
    }
    Ok(())
}

/// One line of the adjudication list: the item and each reviewer's decision (and pick).
pub fn print_case(item: &str, title: &str, decisions: &[vetted::domain::Decision]) {
    let sides: Vec<String> = decisions
        .iter()
        .map(|d| {
            let pick = match d.pick {
                Some(Pick::Best(n)) => format!(" {}", n + 1),
                Some(Pick::Tie) => " tie".into(),
                None => String::new(),
            };
            format!(
                "{}: {}{pick}",
                d.reviewer,
                crate::review::enum_name(&d.action)
            )
        })
        .collect();
    println!(
        "{item:<24} {}  [{}]",
        one_line(title, 60),
        sides.join(" · ")
    );
}
