//! `reasons list` and `reasons add`: the reject taxonomy.

use vetted::{Result, Store};

use crate::output::print_json;

pub fn list(store: &Store, json: bool) -> Result<()> {
    let reasons = store.reject_reasons()?;
    if json {
        print_json(&reasons);
        return Ok(());
    }
    for (position, reason) in reasons.iter().enumerate() {
        println!("{:>2}  {:<28} {}", position + 1, reason.id, reason.label);
    }
    Ok(())
}

pub fn add(store: &mut Store, id: &str, label: &str) -> Result<()> {
    let reason = store.add_reject_reason(id, label)?;
    println!("added reason {}: {}", reason.id, reason.label);
    Ok(())
}
