//! A decision writer for the crash soak (`scripts/soak.py`): records decisions through the core as
//! fast as it can and prints each decision id on stdout only after `decide` returned — that line
//! is the acknowledgement. The soak kills this process with SIGKILL at random moments and checks
//! that every acknowledged id is in the database.
//!
//! Usage: soak_writer DB WRITER_INDEX WRITER_COUNT

use std::io::Write;

use vetted::Store;
use vetted::domain::{Action, DecisionInput, EditedContent, ItemKind};
use vetted::store::QueueFilter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, index, count] = args.as_slice() else {
        return Err("usage: soak_writer DB WRITER_INDEX WRITER_COUNT".into());
    };
    let (index, count): (usize, usize) = (index.parse()?, count.parse()?);
    let mut store = Store::open(std::path::Path::new(db))?;
    // Each writer owns every count-th item, so writers never conflict on an item's version.
    let mine: Vec<String> = store
        .queue_page(&QueueFilter::default(), None, 1000)?
        .entries
        .into_iter()
        .filter(|e| e.kind == ItemKind::Answer)
        .enumerate()
        .filter(|(i, _)| i % count == index)
        .map(|(_, e)| e.external_id)
        .collect();
    let mut out = std::io::stdout().lock();
    for round in 0u64.. {
        let item = &mine[(round as usize) % mine.len()];
        let version = store.item(item)?.version;
        let action = [Action::Approve, Action::Edit, Action::Reject][(round % 3) as usize];
        let decision = store.decide(&DecisionInput {
            id: uuid::Uuid::now_v7().to_string(),
            item: item.clone(),
            item_version: version,
            reviewer: format!("soak-{index}"),
            action,
            edited: (action == Action::Edit).then(|| EditedContent::Answer {
                answer: format!("edited in round {round}"),
            }),
            reason: (action == Action::Reject).then(|| "incomplete".to_owned()),
            note: None,
        })?;
        writeln!(out, "{}", decision.id)?;
        out.flush()?;
    }
    Ok(())
}
