//! Live changes: the server announces every event, import, guideline, tag, do-not-train mark,
//! review form, claim setting, data product and vetting suggestion on the `vetted_changes` channel (`LISTEN/NOTIFY`, see the
//! schema's `announce_*` triggers), so a client refreshes what they change when something
//! happens instead of polling.

use std::collections::BTreeSet;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::TeamServer;
use crate::error::Result;

/// The channel the server announces changes on.
const CHANNEL: &str = "vetted_changes";

/// One announced change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A decision, undo or redo on the item (who and what stay behind row-level security).
    Event { item: String },
    /// Items were imported.
    Items,
    /// A guideline of the domain was written, edited or archived.
    Guidelines { domain: String },
    /// The item's tags or do-not-train mark changed.
    Annotations { item: String },
    /// The domain's review form or claim settings changed.
    Forms { domain: String },
    /// Data products were registered or refreshed (what evidence and the graph read).
    Products,
    /// A model's judgement on the item changed: the vetting model's verdict, or the relate
    /// model's assessment of a relationship (a run on the server).
    Vetted { item: String },
}

/// What the app's follower of a team server tells the window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum LiveEvent {
    /// Someone changed the server: this many announcements came together, among them
    /// guidelines of these domains, the tags, marks or vetting verdicts of these items (each
    /// shown item among them is read again), the review forms or
    /// claim settings of these domains (each named once), and whether data products were
    /// registered or refreshed (computed evidence then reads them again).
    Changed {
        changes: u32,
        guidelines: Vec<String>,
        annotated: Vec<String>,
        forms: Vec<String>,
        products: bool,
    },
    /// Following stopped (the server went away, the session was closed): the counts no longer
    /// follow until the reviewer signs in again.
    Lost { message: String },
}

impl LiveEvent {
    /// What the window is told of `changes` (received together).
    pub fn of(changes: &[Change]) -> LiveEvent {
        let (mut guidelines, mut annotated, mut forms) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for change in changes {
            match change {
                Change::Guidelines { domain } => guidelines.insert(domain.clone()),
                Change::Annotations { item } | Change::Vetted { item } => {
                    annotated.insert(item.clone())
                }
                Change::Forms { domain } => forms.insert(domain.clone()),
                Change::Event { .. } | Change::Items | Change::Products => continue,
            };
        }
        LiveEvent::Changed {
            changes: changes.len() as u32,
            guidelines: guidelines.into_iter().collect(),
            annotated: annotated.into_iter().collect(),
            forms: forms.into_iter().collect(),
            products: changes.contains(&Change::Products),
        }
    }
}

/// Where the work stands, as the signed-in reviewer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Items awaiting reviews.
    pub open: i64,
    pub settled: i64,
    /// Items whose reviews disagree, awaiting an adjudicator.
    pub conflict: i64,
    /// Items the reviewer holds a live lease on.
    pub held: i64,
}

impl TeamServer {
    /// Subscribes this session to changes; [`TeamServer::changes`] then reports them.
    pub fn listen(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| self.failed(e))
    }

    /// Waits up to `timeout` for the first change, then returns it with every other change
    /// already received; empty when nothing happened.
    pub fn changes(&mut self, timeout: Duration) -> Result<Vec<Change>> {
        let server = self.server.clone();
        if self.client.is_closed() {
            return Err(self.refused("the server closed the connection; sign in again"));
        }
        let mut notifications = self.client.notifications();
        let mut received = Vec::new();
        let first = notifications
            .timeout_iter(timeout)
            .next()
            .map_err(|e| super::server_error(&server, e))?;
        if let Some(first) = first {
            received.push(first);
            let mut pending = notifications.iter();
            while let Some(more) = pending
                .next()
                .map_err(|e| super::server_error(&server, e))?
            {
                received.push(more);
            }
        }
        // A payload this build does not know (a newer server) is still a change: an import.
        Ok(received
            .iter()
            .map(|n| serde_json::from_str(n.payload()).unwrap_or(Change::Items))
            .collect())
    }

    /// The items by review state, from the counts the server keeps (`item_counts`, a few rows
    /// whatever the number of items), and those the reviewer holds.
    pub fn counts(&mut self) -> Result<Counts> {
        let statement = self.prepared(
            "SELECT coalesce(sum(items) FILTER (WHERE review = 'open'), 0)::bigint,
                    coalesce(sum(items) FILTER (WHERE review = 'settled'), 0)::bigint,
                    coalesce(sum(items) FILTER (WHERE review = 'conflict'), 0)::bigint,
                    (SELECT count(*) FROM leases
                      WHERE reviewer = session_user::text AND expires_at > clock_timestamp())
               FROM item_counts()",
        )?;
        let row = self
            .client
            .query_one(&statement, &[])
            .map_err(|e| self.failed(e))?;
        Ok(Counts {
            open: row.get(0),
            settled: row.get(1),
            conflict: row.get(2),
            held: row.get(3),
        })
    }
}
