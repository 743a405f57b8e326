//! Work distribution: a reviewer claims a small batch of items for a while (a lease) and
//! decides them; the server hands an item needing k reviews to at most k distinct reviewers at
//! once, never twice to one, and takes back what a lease no longer covers (`claim_items` in the
//! schema). Deciding an item ends its lease; a skip releases it at once.

use std::time::Duration;

use super::TeamServer;
use crate::domain::ItemKind;
use crate::error::{Error, Result};

/// The lease a claim asks for unless told otherwise: long enough to read the evidence of a
/// batch, short enough that a closed laptop's items come back within the quarter hour.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15 * 60);

/// An item held by the signed-in reviewer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimedItem {
    pub external_id: String,
    pub kind: ItemKind,
    pub domain: String,
    pub title: String,
    /// The version to decide on.
    pub version: i64,
    /// Independent reviews the item needs (k).
    pub required_reviews: i32,
}

impl TeamServer {
    /// Holds up to `wanted` items (1–500) for `lease` (10 s to a day), renewing the leases
    /// already held, which come first; returns every item held, oldest first.
    pub fn claim(&mut self, wanted: u32, lease: Duration) -> Result<Vec<ClaimedItem>> {
        let (wanted, seconds) = (wanted as i32, lease.as_secs() as i32);
        let claim = self.prepared(
            "SELECT i.external_id, i.kind, i.domain, i.title, i.version, i.required_reviews
               FROM claim_items($1, $2) AS c (id) JOIN items i ON i.id = c.id
              ORDER BY i.id",
        )?;
        let rows = self
            .client
            .query(&claim, &[&wanted, &seconds])
            .map_err(|e| self.failed(e))?;
        rows.iter()
            .map(|r| {
                Ok(ClaimedItem {
                    external_id: r.get(0),
                    kind: enum_value(r.get(1))?,
                    domain: r.get(2),
                    title: r.get(3),
                    version: r.get(4),
                    required_reviews: r.get(5),
                })
            })
            .collect()
    }

    /// Gives an item back before its lease ends (a skip); `false` when it was not held.
    pub fn release(&mut self, external_id: &str) -> Result<bool> {
        let release = self.prepared("SELECT release_item(id) FROM items WHERE external_id = $1")?;
        let row = self
            .client
            .query_opt(&release, &[&external_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        Ok(row.get(0))
    }
}

/// A unit enum stored as its serde name (`'answer'`, `'approve'`, …).
pub(super) fn enum_value<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| Error::BadRequest(format!("the server holds an unknown value '{text}': {e}")))
}
