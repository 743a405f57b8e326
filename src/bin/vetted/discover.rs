//! `relate --discover`: relationship candidates from the data-product registry, without a
//! model, queued as relationship items (or only listed with `--dry-run`).

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use indicatif::{ProgressBar, ProgressStyle};
use vetted::discovery::{
    self, Candidate, DiscoveryOptions, QueuedCandidates, declared_key_pairs, measure,
};
use vetted::team_server::{RunWrites, SnapshotScope, TeamServer};
use vetted::{Error, Result, Store};

use crate::export::with_progress_bar;
use crate::output::print_json;

pub struct DiscoverArgs {
    pub domain: String,
    pub ignore_declared: bool,
    pub schema_only: bool,
    pub dry_run: bool,
    pub json: bool,
    /// On a team server: how many distinct reviewers each new candidate goes to.
    pub overlap: Option<u32>,
}

/// Discovers and queues in the local database `store`.
pub fn run(store: &mut Store, args: DiscoverArgs) -> Result<()> {
    let domain = args.domain.clone();
    discover_and_report(store, args, |store, candidates| {
        store.queue_candidates(&domain, candidates)
    })
}

/// `vetted --db postgres://… relate --discover`: on a snapshot of the team server's products
/// and relationship items (what discovery reads), by its owner
/// (who alone adds items there), the new candidates copied to the server; with `--dry-run`, by
/// anyone (nothing is queued).
pub fn run_on_server(url: &str, args: DiscoverArgs) -> Result<()> {
    let server = TeamServer::connect(url)?;
    let writes = match args.dry_run {
        true => RunWrites::Nothing,
        false => RunWrites::Items {
            reviews: args.overlap.unwrap_or(1),
        },
    };
    let mut run = with_progress_bar("reading the server ", |on_progress| {
        let scope = SnapshotScope::Relationships;
        server.prepare_run(writes, &scope, on_progress, crate::interrupt::cancel_flag())
    })?;
    let (store, mirror) = run.parts();
    let domain = args.domain.clone();
    discover_and_report(store, args, |store, candidates| {
        let mut mirror = mirror.lock().unwrap_or_else(PoisonError::into_inner);
        mirror.queue_candidates(store, &domain, candidates)
    })
}

/// Discovers the candidates among `store`'s products, has `queue` queue them (unless a dry run)
/// and reports them.
fn discover_and_report(
    store: &mut Store,
    args: DiscoverArgs,
    queue: impl FnOnce(&mut Store, &[Candidate]) -> Result<QueuedCandidates>,
) -> Result<()> {
    let products = store.products_for_discovery()?;
    let bar = (std::io::stderr().is_terminal() && !args.json).then(|| {
        let bar = ProgressBar::new(products.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} products {elapsed}")
                .expect("template is valid"),
        );
        bar
    });
    let options = DiscoveryOptions {
        declared: !args.ignore_declared,
        values: !args.schema_only,
    };
    let cancel = crate::interrupt::cancel_flag();
    let candidates = discovery::discover(&products, options, &mut |done, _| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
        if cancel.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // Ctrl-C: nothing was queued.
    let candidates = candidates.ok_or(Error::Cancelled)?;
    // Measured against the declared keys only when discovery did not simply copy them.
    let declared = declared_key_pairs(&products);
    let recall =
        (args.ignore_declared && !declared.is_empty()).then(|| measure(&candidates, &declared));
    let queued = if args.dry_run {
        None
    } else {
        Some(queue(store, &candidates)?)
    };
    if args.json {
        print_json(&serde_json::json!({
            "products": products.len(),
            "candidates": candidates,
            "against_declared": recall,
            "queued": queued,
        }));
        return Ok(());
    }
    for c in &candidates {
        let pairs: Vec<String> = c
            .mapping
            .iter()
            .map(|p| {
                format!(
                    "{}.{} → {}.{}",
                    c.source_product, p.source_field, c.target_product, p.target_field
                )
            })
            .collect();
        println!(
            "{:.2}  {}  {}",
            c.score,
            pairs.join(", "),
            c.cardinality.as_str()
        );
        for signal in &c.signals {
            println!("        {}", signal.describe());
        }
    }
    println!(
        "{} candidate(s) from {} products",
        candidates.len(),
        products.len()
    );
    if let Some(r) = recall {
        println!(
            "against the {} declared foreign key pair(s): recall {:.2} ({} found), {} false \
             candidate(s) ({:.2} per key)",
            r.true_keys,
            r.recall(),
            r.found,
            r.false_candidates,
            r.false_per_key()
        );
    }
    match queued {
        Some(q) => println!(
            "queued {} new relationship item(s) in domain '{}'; {} already in the queue",
            q.new, args.domain, q.already_queued
        ),
        None => println!("dry run: nothing queued"),
    }
    Ok(())
}
