//! `vetted --db postgres://… backup --out snap.db`: a consistent local SQLite snapshot of the
//! team server, for offline work. Everything is read in one read-only `REPEATABLE READ`
//! transaction (one moment of the server), as a sync bundle of every item and event the login
//! may read, and merged into a new local database with the core's merge, written under a
//! temporary name and renamed into place, so `out` is complete or absent.

use std::collections::HashMap;
use std::path::Path;

use postgres::IsolationLevel;

use super::decisions::json_column;
use super::leases::enum_value;
use super::{TeamServer, server_error};
use crate::domain::{Evidence, RejectReason};
use crate::error::{Error, Result};
use crate::store::{MergeReport, NewItem, OverlapScope, Store, read_body};
use crate::sync::{BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, BundleDecision, new_item_record};

impl TeamServer {
    /// Writes the snapshot to `out`, which must not exist. Each domain's overlap is the
    /// largest k of its items (a local database sets overlap per domain, not per item).
    pub fn snapshot(&mut self, out: &Path) -> Result<MergeReport> {
        if out.exists() {
            return Err(Error::AlreadyExists {
                path: out.to_owned(),
            });
        }
        let (bundle, overlaps) = self.read_everything()?;
        // A name of this run's own, so concurrent snapshots never touch each other's file.
        let partial = out.with_file_name(format!(
            ".{}.{}-{}.partial",
            out.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let remove_partial = || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
            }
        };
        let merged = (|| {
            let mut store = Store::open(&partial)?;
            for (domain, k) in &overlaps {
                store.set_overlap(&OverlapScope::Domain(domain.clone()), *k)?;
            }
            store.merge(&bundle)
        })();
        // A hard link, unlike a rename, never replaces a file that appeared at `out` meanwhile.
        let placed = merged.and_then(|report| {
            std::fs::hard_link(&partial, out)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                        path: out.to_owned(),
                    },
                    _ => Error::io(out, e),
                })
                .map(|()| report)
        });
        remove_partial();
        placed
    }

    /// Every item and event the login may read, at one moment, as a bundle; and each domain's
    /// largest overlap.
    fn read_everything(&mut self) -> Result<(Bundle, HashMap<String, u32>)> {
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(failed)?;
        let mut evidence: HashMap<i64, Vec<Evidence>> = HashMap::new();
        for r in tx
            .query(
                "SELECT item_id, passage_id, title, text, source FROM evidence
                  ORDER BY item_id, position",
                &[],
            )
            .map_err(failed)?
        {
            evidence.entry(r.get(0)).or_default().push(Evidence {
                id: r.get(1),
                title: r.get(2),
                text: r.get(3),
                source: r.get(4),
            });
        }
        let mut items = Vec::new();
        let mut overlaps: HashMap<String, u32> = HashMap::new();
        for r in tx
            .query(
                "SELECT id, external_id, kind, domain, model, payload, vetting, metadata,
                        content_hash, required_reviews
                   FROM items ORDER BY id",
                &[],
            )
            .map_err(failed)?
        {
            let mut body = read_body(enum_value(r.get(2))?, r.get(5))?;
            if let Some(passages) = body.evidence_mut() {
                *passages = evidence.remove(&r.get::<_, i64>(0)).unwrap_or_default();
            }
            let domain: String = r.get(3);
            let k: i32 = r.get(9);
            let largest = overlaps.entry(domain.clone()).or_insert(1);
            *largest = (*largest).max(k as u32);
            items.push(new_item_record(&NewItem {
                external_id: r.get(1),
                domain,
                model: r.get(4),
                body,
                vetting: json_column(r.get(6))?,
                metadata: json_column(Some(r.get(7)))?.unwrap_or_default(),
                content_hash: r.get(8),
            }));
        }
        let reject_reasons = tx
            .query(
                "SELECT id, label FROM reject_reasons ORDER BY position",
                &[],
            )
            .map_err(failed)?
            .iter()
            .map(|r| RejectReason {
                id: r.get(0),
                label: r.get(1),
            })
            .collect();
        let mut decisions = Vec::new();
        for r in tx
            .query(
                "SELECT d.id, i.external_id, d.reviewer, d.action, d.edited_payload, d.reason,
                        d.note, d.decided_at, d.reverts, d.clock, d.supersedes, d.adjudication,
                        d.pick
                   FROM decisions d JOIN items i ON i.id = d.item_id
                  ORDER BY d.clock, d.id",
                &[],
            )
            .map_err(failed)?
        {
            let decided_at: String = r.get(7);
            decisions.push(BundleDecision {
                id: r.get(0),
                item: r.get(1),
                reviewer: r.get(2),
                action: enum_value(r.get(3))?,
                edited: json_column(r.get(4))?,
                reason: r.get(5),
                note: r.get(6),
                decided_at: crate::store::parse_time(&decided_at)?,
                reverts: r.get(8),
                clock: r.get(9),
                supersedes: json_column(r.get(10))?.unwrap_or_default(),
                adjudication: r.get(11),
                batch: None,
                form: None,
                claims: Vec::new(),
                pick: json_column(r.get(12))?,
            });
        }
        tx.commit().map_err(failed)?;
        let bundle = Bundle {
            format: BUNDLE_FORMAT.into(),
            version: BUNDLE_VERSION,
            created_at: chrono::Utc::now(),
            max_clock: decisions.iter().map(|d| d.clock).max().unwrap_or(0),
            since: None,
            reviewers: Vec::new(),
            reject_reasons,
            items,
            forms: Vec::new(),
            decisions,
        };
        Ok((bundle, overlaps))
    }
}
