//! `queue`, `decide`, `show` and `stats`.

use vetted::domain::{Action, DecisionInput, EditedContent, Item, ItemBody, ItemStatus};
use vetted::store::{QueueFilter, QueueOrder};
use vetted::vetter_agreement::vetter_agreement;
use vetted::{Error, Result, Store, reviewer};

use crate::output::{one_line, print_json};

pub fn queue(
    store: &Store,
    limit: u32,
    status: Option<ItemStatus>,
    order: QueueOrder,
    json: bool,
) -> Result<()> {
    let page = store.queue_page_ordered(QueueFilter { status }, order, None, limit)?;
    if json {
        print_json(&page.entries);
        return Ok(());
    }
    for e in &page.entries {
        println!(
            "{:<24} {:<12} {:<9} {:<5} {}",
            e.external_id,
            enum_name(&e.kind),
            enum_name(&e.status),
            e.verdict.as_ref().map_or("-".into(), enum_name),
            one_line(&e.title, 74)
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
    let costs = store.item_costs(id)?;
    if json {
        print_json(&serde_json::json!({ "item": item, "decisions": history, "llm": costs }));
        return Ok(());
    }
    print_item(&item);
    if costs.calls > 0 {
        println!(
            "\nLLM calls: {} ({} failed) · {} + {} tokens · ${:.6}",
            costs.calls,
            costs.failed_calls,
            costs.prompt_tokens,
            costs.completion_tokens,
            costs.cost_usd
        );
    }
    println!("\nDecisions:");
    if history.is_empty() {
        println!("  (none yet)");
    }
    for d in history {
        let detail = [d.reason, d.note]
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
    let counts = store.status_counts()?;
    if json {
        print_json(&serde_json::json!({
            "pending": counts.pending,
            "approved": counts.approved,
            "edited": counts.edited,
            "rejected": counts.rejected,
            "total": counts.total(),
        }));
        return Ok(());
    }
    for (label, n) in [
        ("pending", counts.pending),
        ("approved", counts.approved),
        ("edited", counts.edited),
        ("rejected", counts.rejected),
        ("total", counts.total()),
    ] {
        println!("{label:<9} {n:>8}");
    }
    Ok(())
}

/// Vetter vs human per domain and vetting model (binarisation in `vetted::vetter_agreement`).
pub fn vetter_stats(store: &Store, json: bool) -> Result<()> {
    let rows = vetter_agreement(&store.vetted_decisions()?);
    if json {
        print_json(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        println!("no decided item carries a vetting verdict yet");
    }
    for r in rows {
        let kappa = r.kappa.map_or("undefined".into(), |k| format!("{k:.3}"));
        println!(
            "{} · {}: {} items · agreement {:.1} % · kappa {kappa}",
            r.domain,
            r.vetter,
            r.items,
            100.0 * r.observed_agreement
        );
        println!(
            "  {:<6} {:>9} {:>7} {:>9}",
            "", "approved", "edited", "rejected"
        );
        for verdict in ["pass", "flag", "fail"] {
            let row = &r.matrix[verdict];
            println!(
                "  {verdict:<6} {:>9} {:>7} {:>9}",
                row["approved"], row["edited"], row["rejected"]
            );
        }
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
