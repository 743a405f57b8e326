//! The human-readable block of computed evidence in `vetted show`.

use vetted::relation_evidence::{RelationshipEvidence, SideBasis};

fn percent(share: Option<f64>) -> String {
    share.map_or("-".into(), |s| format!("{:.1}%", s * 100.0))
}

fn basis_line(role: &str, b: &SideBasis) -> String {
    let why = b
        .fallback_reason
        .as_ref()
        .map_or(String::new(), |w| format!(" ({w})"));
    format!("  {role:<7} {:<20} {}{why}", b.product, b.label)
}

pub fn print_evidence(e: &RelationshipEvidence) {
    println!("\nComputed evidence:");
    println!("{}", basis_line("source", &e.source_basis));
    println!("{}", basis_line("target", &e.target_basis));
    println!(
        "  containment   {} ({} of {} distinct source values found in the target)",
        percent(e.containment),
        e.matched_distinct,
        e.source_distinct
    );
    let examples = if e.orphan_examples.is_empty() {
        String::new()
    } else {
        format!("; e.g. {}", e.orphan_examples.join(" | "))
    };
    println!(
        "  orphans       {} ({} of {} source rows with a value){examples}",
        percent(e.orphan_rate),
        e.orphan_rows,
        e.source_rows_with_key
    );
    println!(
        "  coverage      {} of the {} distinct target values are referenced",
        percent(e.target_coverage),
        e.target_distinct
    );
    let declared = match e.target_declared_key {
        Some(true) => ", declared key",
        Some(false) => ", not a declared key",
        None => "",
    };
    println!(
        "  target key    {}{declared}",
        if e.target_unique {
            "unique in the data"
        } else {
            "NOT unique in the data"
        }
    );
    println!(
        "  cardinality   observed {} · claimed {}",
        e.observed_cardinality.map_or("-", |c| c.as_str()),
        e.claimed_cardinality.as_str()
    );
    for p in &e.pairs {
        println!(
            "  {} → {}: types {} / {} ({}), name similarity {:.2}",
            p.source_field,
            p.target_field,
            p.source_type.as_deref().unwrap_or("?"),
            p.target_type.as_deref().unwrap_or("?"),
            serde_json::to_value(p.type_match)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            p.name_similarity
        );
    }
    if e.conflicts.is_empty() {
        println!("  conflicts     none with accepted relationships");
    }
    for c in &e.conflicts {
        println!("  CONFLICT      {}", c.message);
    }
    for c in &e.cautions {
        println!("  caution       {c}");
    }
}
