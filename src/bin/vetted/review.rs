//! `queue`, `decide`, `show` and `stats`.

use vetted::domain::{Action, DecisionInput, EditedContent, Item, ItemBody, ItemStatus};
use vetted::store::QueueFilter;
use vetted::{Error, Result, Store, reviewer};

use crate::output::{one_line, print_json};

pub fn queue(store: &Store, limit: u32, status: Option<ItemStatus>, json: bool) -> Result<()> {
    let filter = QueueFilter {
        status,
        ..QueueFilter::default()
    };
    let page = store.queue_page(&filter, None, limit)?;
    if json {
        print_json(&page.entries);
        return Ok(());
    }
    for e in &page.entries {
        println!(
            "{:<24} {:<12} {:<9} {}",
            e.external_id,
            enum_name(&e.kind),
            enum_name(&e.status),
            one_line(&e.title, 80)
        );
    }
    Ok(())
}

pub fn decide(
    store: &mut Store,
    item: String,
    action: Action,
    answer: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    reviewer: Option<String>,
) -> Result<()> {
    let current = store.item(&item)?;
    let edited = match (action, answer) {
        (Action::Edit, Some(answer)) => Some(EditedContent::Answer { answer }),
        (Action::Edit, None) => {
            return Err(Error::BadRequest(
                "edit needs --answer TEXT or --answer-file FILE".into(),
            ));
        }
        (_, Some(_)) => return Err(Error::BadRequest("--answer only goes with edit".into())),
        (_, None) => None,
    };
    let decision = store.decide(&DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item,
        item_version: current.version,
        reviewer: reviewer.unwrap_or_else(reviewer::default_reviewer),
        action,
        edited,
        reason,
        note,
    })?;
    println!(
        "{}: {} by {} (decision {})",
        decision.item,
        enum_name(&decision.action),
        decision.reviewer,
        decision.id
    );
    Ok(())
}

pub fn show(store: &Store, id: &str, json: bool) -> Result<()> {
    let item = store.item(id)?;
    let history = store.history(id)?;
    if json {
        print_json(&serde_json::json!({ "item": item, "decisions": history }));
        return Ok(());
    }
    print_item(&item);
    println!("\nDecisions:");
    if history.is_empty() {
        println!("  (none yet)");
    }
    for d in history {
        let detail = [d.reason, d.note, d.reverts.map(|r| format!("reverts {r}"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — ");
        println!(
            "  {}  {:<8} {:<16} {}",
            d.decided_at.format("%Y-%m-%d %H:%M:%S"),
            enum_name(&d.action),
            d.reviewer,
            detail
        );
    }
    Ok(())
}

pub fn stats(store: &Store, json: bool) -> Result<()> {
    let counts = store.status_counts(&QueueFilter::default())?;
    if json {
        print_json(&serde_json::json!({
            "pending": counts.pending,
            "approved": counts.approved,
            "edited": counts.edited,
            "rejected": counts.rejected,
            "needs_sme": counts.needs_sme,
            "total": counts.total(),
        }));
        return Ok(());
    }
    for (label, n) in [
        ("pending", counts.pending),
        ("approved", counts.approved),
        ("edited", counts.edited),
        ("rejected", counts.rejected),
        ("needs_sme", counts.needs_sme),
        ("total", counts.total()),
    ] {
        println!("{label:<9} {n:>8}");
    }
    Ok(())
}

/// The serde spelling of a unit enum (`pending`, `N:1`, …), as in the JSON output.
fn enum_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn print_item(item: &Item) {
    println!(
        "{}  [{}]  {} · {}",
        item.external_id,
        enum_name(&item.status),
        item.domain,
        item.model
    );
    match &item.body {
        ItemBody::Answer(a) => {
            println!("\nQuestion: {}\nAnswer:   {}", a.question, a.answer);
            if let Some(EditedContent::Answer { answer }) = &item.latest_edit {
                println!("Edited:   {answer}");
            }
            println!("\nEvidence:");
            for e in &a.evidence {
                println!("  [{}] {} ({})", e.id, e.title, e.source);
                println!("      {}", one_line(&e.text, 200));
            }
        }
        ItemBody::Relationship(r) => {
            println!("\n{}", item.body.title());
            println!(
                "type {} · cardinality {} · confidence {}",
                r.relation.relation_type,
                enum_name(&r.relation.cardinality),
                r.confidence.map_or("-".into(), |c| format!("{c:.2}"))
            );
            println!("Rationale: {}", r.rationale);
        }
    }
    if let Some(v) = &item.vetting {
        println!(
            "\nVetting ({}): {} {}",
            v.model,
            enum_name(&v.verdict),
            v.reasons.join("; ")
        );
    }
}
