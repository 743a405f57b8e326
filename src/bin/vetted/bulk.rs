//! `approve-where`: approve the relationship candidates whose computed evidence meets a rule,
//! as one undoable step; and `undo` / `redo` of the reviewer's latest step.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;

use indicatif::{ProgressBar, ProgressStyle};
use vetted::approval_rule::{self, EvidenceRule, RuleCandidate};
use vetted::store::{QueueFilter, Reverted};
use vetted::{Error, Result, reviewer};

use crate::output::{one_line, print_json};
use crate::workspace::{Workspace, as_login};

#[derive(clap::Args)]
pub struct ApproveWhereArgs {
    /// Clauses, all of which must hold: containment>=N%, orphans<=N%, names>=N%, target-key,
    /// target-unique, types-match, no-cautions.
    rule: String,
    /// Only candidates of this domain.
    #[arg(long)]
    domain: Option<String>,
    /// Only candidates with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Reviewer name (default: $VETTED_REVIEWER, else `vetted reviewer use`, else $USER).
    #[arg(long)]
    reviewer: Option<String>,
    /// List what the rule would approve and why the rest is left; record nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

pub fn approve_where(workspace: Workspace, args: ApproveWhereArgs) -> Result<()> {
    let rule: EvidenceRule = args.rule.parse()?;
    let bar = (std::io::stderr().is_terminal() && !args.json).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} candidates checked {elapsed}")
                .expect("template is valid"),
        );
        bar
    });
    let cancel = crate::interrupt::cancel_flag();
    let progress = &mut |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        if cancel.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let batch = uuid::Uuid::now_v7().to_string();
    let (domain, tag) = (args.domain.as_deref(), args.tag.as_deref());
    // Ctrl-C while checking: nothing was approved.
    let (reviewer, plan, approved) = match workspace {
        Workspace::Local(store) => {
            let reviewer = reviewer::session_reviewer(store, args.reviewer)?;
            let filter = QueueFilter {
                domain: args.domain.clone(),
                tag: args.tag.clone(),
                ..QueueFilter::default()
            };
            let plan = approval_rule::plan(store, &filter, &rule, &reviewer, progress)?
                .ok_or(Error::Cancelled)?;
            let approved = match args.dry_run || plan.approve.is_empty() {
                true => 0,
                false => store.approve_batch(&plan.batch(&batch, &reviewer)?)?.len(),
            };
            (reviewer, plan, approved)
        }
        Workspace::Server(mut server) => {
            as_login(args.reviewer)?;
            let reviewer = server.reviewer().to_owned();
            let plan = server
                .plan_rule(domain, tag, &rule, progress)?
                .ok_or(Error::Cancelled)?;
            let approved = match args.dry_run || plan.approve.is_empty() {
                true => 0,
                false => server.approve_batch(&plan.batch(&batch, &reviewer)?)?.len(),
            };
            (reviewer, plan, approved)
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if args.json {
        print_json(&serde_json::json!({
            "rule": plan.rule,
            "reviewer": reviewer,
            "batch": (approved > 0).then_some(&batch),
            "approved": approved,
            "approve": plan.approve,
            "leave": plan.leave,
        }));
        return Ok(());
    }
    let verb = if args.dry_run {
        "would approve"
    } else {
        "approved"
    };
    for c in &plan.approve {
        println!("{verb:<13} {}", candidate_line(c));
    }
    for c in &plan.leave {
        println!(
            "{:<13} {}  ({})",
            "left",
            candidate_line(c),
            c.unmet.join("; ")
        );
    }
    let (meeting, total) = (plan.approve.len(), plan.approve.len() + plan.leave.len());
    match (args.dry_run, approved) {
        (true, _) => println!(
            "rule '{}': {meeting} of {total} candidates meet it; nothing was recorded (dry run)",
            plan.rule
        ),
        (false, 0) => println!("rule '{}': none of {total} candidates meets it", plan.rule),
        (false, _) => println!(
            "rule '{}': {approved} of {total} candidates approved by {reviewer}; `vetted undo` \
             takes all {approved} back in one step",
            plan.rule
        ),
    }
    Ok(())
}

fn candidate_line(c: &RuleCandidate) -> String {
    let containment = c
        .containment
        .map_or("-".to_owned(), |v| format!("{:.1}%", v * 100.0));
    format!(
        "{:<24} {:>7}  {}",
        c.item,
        containment,
        one_line(&c.title, 60)
    )
}

/// `undo` (or `redo` when `redo`): the reviewer's latest step, a bulk approval as a whole (on a
/// team server, the login's).
pub fn undo(workspace: Workspace, reviewer: Option<String>, redo: bool) -> Result<()> {
    let id = uuid::Uuid::now_v7().to_string();
    let what = if redo { "redo" } else { "undo" };
    let (reviewer, step) = match workspace {
        Workspace::Local(store) => {
            let reviewer = reviewer::session_reviewer(store, reviewer)?;
            let event = match redo {
                true => store.redo(&id, &reviewer)?,
                false => store.undo(&id, &reviewer)?,
            };
            let step = event.map(|e| store.reverted(e)).transpose()?;
            (reviewer, step)
        }
        Workspace::Server(mut server) => {
            as_login(reviewer)?;
            let event = match redo {
                true => server.redo(&id)?,
                false => server.undo(&id)?,
            };
            let step = event.map(|e| server.reverted(e)).transpose()?;
            (server.reviewer().to_owned(), step)
        }
    };
    match step {
        None => println!("nothing to {what} for {reviewer}"),
        Some(Reverted {
            rule: Some(rule),
            decisions,
            ..
        }) => println!("{what}: {decisions} decisions of the bulk approval '{rule}' by {reviewer}"),
        Some(step) => println!("{what}: {} by {reviewer}", step.event.item),
    }
    Ok(())
}
