//! How many distinct reviewers a team server's items need (the overlap k), changed after they
//! were added (`vetted --db postgres://… overlap set K [--domain D]`), and listed. Only items
//! nobody has reviewed or holds change: an item already reviewed (a decision in its log, undone
//! or not) or held by a reviewer keeps its k, so no review is ever judged against a k it was not
//! given, and nobody holds an item for a k that changed under them.

use serde::Serialize;

use super::import::check_reviews;
use super::{TeamServer, server_error};
use crate::error::{Error, Result};

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
    /// an import's `--overlap` does.
    ///
    /// Claims wait for the change (it takes their lock). A decision in flight locks its item
    /// too, so it either lands first (and its item keeps its k) or waits. The version of each
    /// changed item moves on: a decision made on the item as read before is refused as stale,
    /// unless it is a blind first review under the new k (which nothing it saw makes stale).
    /// A decision whose session read the old k just before the change cannot settle the item
    /// early: the server's `write_projection` refuses a settlement with fewer reviews than the
    /// item needs.
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
        let mut tx = self.client.transaction().map_err(failed)?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('vetted.claim_items'))",
            &[],
        )
        .map_err(failed)?;
        // Locked first; the next statement's snapshot then sees every decision on them.
        let candidates: Vec<i64> = tx
            .query(
                "SELECT id FROM items
                  WHERE ($1::text IS NULL OR domain = $1::text) AND required_reviews <> $2
                  ORDER BY id FOR UPDATE",
                &[&domain, &k],
            )
            .map_err(failed)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let changed = tx
            .execute(
                "UPDATE items i
                    SET required_reviews = $2, version = version + 1, updated_at = now_text()
                  WHERE i.id = ANY($1)
                    AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.item_id = i.id)
                    AND NOT EXISTS (SELECT 1 FROM leases l
                                     WHERE l.item_id = i.id AND l.expires_at > now())",
                &[&candidates, &k],
            )
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
        Ok(OverlapChange {
            changed,
            kept: candidates.len() as u64 - changed,
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
