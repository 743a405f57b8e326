//! How many distinct reviewers a team server's items need (the overlap k), changed after they
//! were added (`vetted --db postgres://… overlap set K [--domain D]`), and listed. Only items
//! nobody has reviewed or holds change: an item already reviewed (a decision in its log, undone
//! or not) or held by a reviewer keeps its k, so no review is ever judged against a k it was not
//! given, and nobody holds an item for a k that changed under them.

use postgres::IsolationLevel;
use serde::Serialize;

use super::import::check_reviews;
use super::{TeamServer, server_error};
use crate::error::{Error, Result};

/// Items changed per transaction by [`TeamServer::set_overlap`]: claims wait for one batch.
pub const ITEMS_PER_CHANGE: usize = 5_000;

/// What [`TeamServer::set_overlap`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OverlapChange {
    /// Items that need the new k now.
    pub changed: u64,
    /// Items of the scope with another k that keep theirs: reviewed, or held by a reviewer.
    pub kept: u64,
}

/// The items of one domain that need one k.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlapShare {
    pub domain: String,
    pub k: u32,
    pub items: u64,
    /// Of those, the ones not settled yet (open or in conflict).
    pub unsettled: u64,
}

impl TeamServer {
    /// Makes every item of `domain` (every item, with `None`) that nobody has reviewed or holds
    /// need `k` distinct reviewers (1–10). Needs the right to add items (the schema's owner), as
    /// an import's `--overlap` does. `BadRequest` for a domain without items.
    ///
    /// Works through the items in batches of [`ITEMS_PER_CHANGE`], each in a transaction of its
    /// own under the claims' lock, so claims wait for a batch at most (they give up after 3 s);
    /// an interrupted change leaves whole batches done, and running it again finishes it. In a
    /// batch, the items are locked before they are checked, so a decision in flight either lands
    /// first (and its item keeps its k) or waits. A changed item's version moves on: a decision
    /// made on it as read before is refused as stale, unless it is a blind first review under
    /// the new k (which nothing it saw makes stale). Open windows are told once per batch.
    pub fn set_overlap(&mut self, domain: Option<&str>, k: u32) -> Result<OverlapChange> {
        check_reviews(k)?;
        if !self.may_add_items()? {
            return Err(Error::Forbidden(format!(
                "on the team server {} only its owner sets how many reviewers items need, as with \
                 imports; {} may not",
                self.server, self.reviewer
            )));
        }
        let k = k as i32;
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let scope = self
            .client
            .query_one(
                "SELECT count(*), count(*) FILTER (WHERE required_reviews <> $2),
                        array_agg(id ORDER BY id) FILTER (WHERE required_reviews <> $2)
                   FROM items WHERE $1::text IS NULL OR domain = $1::text",
                &[&domain, &k],
            )
            .map_err(failed)?;
        if let (0, Some(domain)) = (scope.get::<_, i64>(0), domain) {
            return Err(Error::BadRequest(format!(
                "the team server {server} has no items of domain '{domain}'; `vetted overlap \
                 list` shows its domains; nothing was changed"
            )));
        }
        let other_k = scope.get::<_, i64>(1) as u64;
        let ids: Vec<i64> = scope.get::<_, Option<Vec<i64>>>(2).unwrap_or_default();
        let mut changed = 0;
        for batch in ids.chunks(ITEMS_PER_CHANGE) {
            let mut tx = (self.client.build_transaction())
                .isolation_level(IsolationLevel::ReadCommitted)
                .start()
                .map_err(failed)?;
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtext('vetted.claim_items'))",
                &[],
            )
            .map_err(failed)?;
            // Locked first; the next statement's snapshot then sees every decision and lease
            // on them.
            let untouched = |condition: &str| {
                format!(
                    "{condition} AND required_reviews <> $2 AND review = 'open'
                       AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.item_id = i.id)
                       AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = i.id
                                          AND l.expires_at > clock_timestamp())"
                )
            };
            let locked: Vec<i64> = tx
                .query(
                    &format!(
                        "SELECT id FROM items i WHERE {} ORDER BY id FOR NO KEY UPDATE",
                        untouched("i.id = ANY($1)")
                    ),
                    &[&batch, &k],
                )
                .map_err(failed)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let done = tx
                .execute(
                    &format!(
                        "UPDATE items i SET required_reviews = $2, version = version + 1,
                                updated_at = now_text()
                          WHERE {}",
                        untouched("i.id = ANY($1)")
                    ),
                    &[&locked, &k],
                )
                .map_err(failed)?;
            if done > 0 {
                tx.execute(
                    "SELECT pg_notify('vetted_changes', json_build_object('change', 'items')::text)",
                    &[],
                )
                .map_err(failed)?;
            }
            tx.commit().map_err(failed)?;
            changed += done;
        }
        Ok(OverlapChange {
            changed,
            kept: other_k - changed,
        })
    }

    /// How many items need each k, by domain, then k. Any reviewer may read it.
    pub fn overlaps(&mut self) -> Result<Vec<OverlapShare>> {
        let rows = self
            .client
            .query(
                "SELECT domain, required_reviews, count(*),
                        count(*) FILTER (WHERE review <> 'settled')
                   FROM items GROUP BY 1, 2 ORDER BY 1, 2",
                &[],
            )
            .map_err(|e| self.failed(e))?;
        Ok(rows
            .iter()
            .map(|r| OverlapShare {
                domain: r.get(0),
                k: r.get::<_, i32>(1) as u32,
                items: r.get::<_, i64>(2) as u64,
                unsettled: r.get::<_, i64>(3) as u64,
            })
            .collect())
    }
}
