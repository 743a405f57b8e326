//! The review screen's reads on the team server: the queue, the counts, the filter choices and
//! one item as a reviewer is shown it.
//!
//! The Pending tab of a reviewer (`QueueFilter::awaiting`) is work distribution, not a listing:
//! each load claims (see `leases`) and shows every item the server holds for this login (at
//! most [`CLAIM_BATCH`]), in one page; the app loads it again when it runs low, which claims
//! more. Every other tab browses the items in import order (or newest first) by status, review
//! state, kind, domain, model, verdict, tag, reviewer (whose decision is in force) and a
//! confident vetter, as do the counts, oldest or newest first, riskiest first or most likely
//! first (the server's `risk` and `likely` columns, migration 0008). The Pending tab's batch is
//! always in claim order, oldest first: the order picks nothing for a reviewer to claim.

use postgres::types::ToSql;

use super::TeamServer;
use super::decisions::{enum_text, json_column};
use super::leases::{DEFAULT_LEASE, enum_value};
use super::reviewers::group_role;
use crate::domain::{
    EditedContent, Evidence, Item, ItemStatus, QueueCursor, QueueEntry, QueuePage, RejectReason,
    StatusCounts, Vetting,
};
use crate::error::{Error, Result};
use crate::store::{QueueFacets, QueueFilter, QueueSort, read_body};
use crate::team::Role;

/// How many items a reviewer holds at once from the app: a screenful, so a closed laptop keeps
/// few items from the others until its leases run out.
pub const CLAIM_BATCH: u32 = 10;

/// The filter's criteria as SQL on `items` ([`Criteria`]): `$1`–`$8` are kind, domain, model,
/// verdict, tag, reviewer, and the vetter and least score of a confident pass (NULL: any), as
/// the local store's `filter_clauses` and `CONFIDENT_PASS`.
macro_rules! criteria {
    () => {
        "($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR domain = $2)
         AND ($3::text IS NULL OR model = $3)
         AND ($4::text IS NULL OR vetting::jsonb ->> 'verdict' = $4)
         AND ($5::text IS NULL
              OR EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = items.id AND t.tag = $5))
         AND ($6::text IS NULL OR decided_by = $6)
         AND ($7::text IS NULL
              OR (vetting::jsonb ->> 'verdict' = 'pass' AND vetting::jsonb ->> 'model' = $7
                  AND (vetting::jsonb ->> 'score')::float8 >= $8::float8))"
    };
}

/// Items matching the criteria, the status `$9` and the review state `$10`, in `$order` after
/// the cursor (`$after`), at most `$limit`; the sort key comes last, as a `bigint`.
macro_rules! browse {
    ($key:literal, $order:literal, $after:literal, $limit:literal) => {
        concat!(
            "SELECT id, external_id, kind, domain, model, title, status, vetting, ",
            $key,
            // Named apart: an output column named like the order's would be sorted instead of
            // the indexed column.
            " AS sort_key FROM items WHERE ",
            criteria!(),
            " AND ($9::text IS NULL OR status = $9) AND ($10::text IS NULL OR review = $10) AND ",
            $after,
            " ORDER BY ",
            $order,
            " LIMIT ",
            $limit
        )
    };
}
const OLDEST_FIRST: &str = browse!("id", "id", "id > $11", "$12");
const NEWEST_FIRST: &str = browse!("id", "id DESC", "id < $11", "$12");
// The orders of migration 0008's columns, each read from its index `(key, id)`.
const RISKIEST_FIRST: &str = browse!(
    "risk::bigint",
    "risk DESC, id DESC",
    "(risk, id) < ($11::bigint, $12)",
    "$13"
);
const LIKELIEST_FIRST: &str = browse!(
    "likely::bigint",
    "likely DESC, id DESC",
    "(likely, id) < ($11::bigint, $12)",
    "$13"
);

/// Every item by status, from the counts the server keeps (migration 0002): a few rows, however
/// many items.
const ALL_COUNTS: &str = "SELECT status, sum(items)::bigint,
                                 coalesce(sum(items) FILTER (WHERE review = 'conflict'), 0)::bigint
                            FROM item_counts() GROUP BY status";

/// Items matching the criteria by status (every status, whatever the tab).
const COUNTS: &str = concat!(
    "SELECT status, count(*), count(*) FILTER (WHERE review = 'conflict') FROM items WHERE ",
    criteria!(),
    " GROUP BY status"
);

const HELD: &str = "SELECT i.id, i.external_id, i.kind, i.domain, i.model, i.title, i.status,
                           i.vetting
                      FROM claim_items($1, $2) AS c (id) JOIN items i ON i.id = c.id
                     ORDER BY i.id";

const ENTRY: &str = "SELECT id, external_id, kind, domain, model, title, status, vetting,
                             required_reviews
                        FROM items WHERE external_id = $1";

/// The latest edit is the effective decision's, where the login may read it; a settled
/// relationship's for everyone (`settled_relation_edit`).
/// The columns [`read_item`] reads, from `items i LEFT JOIN decisions d ON d.id =
/// i.effective_decision` ([`ITEM_COLUMN_COUNT`] of them).
macro_rules! item_columns {
    () => {
        "i.id, i.kind, i.domain, i.model, i.status, i.version, i.payload, i.vetting, i.metadata,
         i.created_at, i.updated_at,
         coalesce(d.edited_payload,
                  CASE WHEN i.kind = 'relationship' AND i.status = 'edited'
                       THEN settled_relation_edit(i.id) END),
         ARRAY(SELECT t.tag FROM item_tags t WHERE t.item_id = i.id ORDER BY t.tag COLLATE \"C\"),
         EXISTS (SELECT 1 FROM do_not_train n WHERE n.item_id = i.id), i.assessment"
    };
}
pub(super) use item_columns;

/// How many columns [`item_columns!`] names: a query's own columns come after them.
pub(super) const ITEM_COLUMN_COUNT: usize = 15;

const ITEM: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM items i LEFT JOIN decisions d ON d.id = i.effective_decision
     WHERE i.external_id = $1"
);

pub(super) const EVIDENCE: &str = "SELECT passage_id, title, text, source FROM evidence
                         WHERE item_id = $1 ORDER BY position";

/// An item as the columns of [`item_columns!`] hold it, without its passages and review aids
/// (see [`TeamServer::item_shown`]).
pub(super) fn read_item(row: &postgres::Row, external_id: &str) -> Result<Item> {
    let time = |column: usize| crate::store::parse_time(row.get(column));
    Ok(Item {
        external_id: external_id.to_owned(),
        domain: row.get(2),
        model: row.get(3),
        status: enum_value(row.get(4))?,
        version: row.get(5),
        body: read_body(enum_value(row.get(1))?, row.get(6))?,
        vetting: json_column(row.get(7))?,
        assessment: json_column(row.get(14))?,
        metadata: json_column(Some(row.get(8)))?.unwrap_or_default(),
        latest_edit: json_column::<EditedContent>(row.get(11))?,
        tags: row.get(12),
        do_not_train: row.get(13),
        sensitive: Vec::new(),
        claims: Vec::new(),
        created_at: time(9)?,
        updated_at: time(10)?,
    })
}

/// A passage as [`EVIDENCE`] reads it.
pub(super) fn read_passage(r: &postgres::Row) -> Evidence {
    Evidence {
        id: r.get(0),
        title: r.get(1),
        text: r.get(2),
        source: r.get(3),
    }
}

/// The criteria a server filters by, the parameters `$1`–`$8` of [`criteria!`].
struct Criteria {
    text: [Option<String>; 7],
    /// A confident pass's least vetting score.
    confident: Option<f64>,
}

impl Criteria {
    /// The filter's criteria.
    fn of(filter: &QueueFilter) -> Result<Criteria> {
        let pass = filter.vetter_confident.as_ref();
        Ok(Criteria {
            text: [
                filter.kind.map(|k| enum_text(&k)),
                filter.domain.clone(),
                filter.model.clone(),
                filter.verdict.map(|v| enum_text(&v)),
                filter.tag.clone(),
                filter.reviewer.clone(),
                pass.map(|p| p.model.clone()),
            ],
            confident: pass.map(|p| p.min_score),
        })
    }

    fn is_empty(&self) -> bool {
        self.text.iter().all(Option::is_none)
    }

    /// `$1`–`$8`, then `more`.
    fn params<'a>(&'a self, more: &[&'a (dyn ToSql + Sync)]) -> Vec<&'a (dyn ToSql + Sync)> {
        let mut params: Vec<&(dyn ToSql + Sync)> =
            self.text.iter().map(|t| t as &(dyn ToSql + Sync)).collect();
        params.push(&self.confident);
        params.extend_from_slice(more);
        params
    }
}

impl TeamServer {
    /// A page of the queue (see the module's doc for what a server's queue is).
    pub fn queue_page(
        &mut self,
        filter: &QueueFilter,
        after: Option<QueueCursor>,
        limit: u32,
    ) -> Result<QueuePage> {
        let criteria = Criteria::of(filter)?;
        if filter.awaiting.is_some() {
            if !criteria.is_empty() {
                return Err(Error::BadRequest(
                    "on a team server the Pending tab is the batch the server leases you; clear \
                     the filters, or filter another tab"
                        .into(),
                ));
            }
            // One page: everything held. Past it there is nothing until the app claims again.
            if after.is_some() {
                return Ok(QueuePage {
                    entries: Vec::new(),
                    next_after: None,
                });
            }
            let held = self.prepared(HELD)?;
            let (wanted, seconds) = (CLAIM_BATCH as i32, DEFAULT_LEASE.as_secs() as i32);
            let rows = self
                .client
                .query(&held, &[&wanted, &seconds])
                .map_err(|e| self.failed(e))?;
            return Ok(QueuePage {
                entries: rows.iter().map(read_entry).collect::<Result<_>>()?,
                next_after: None,
            });
        }
        let limit = i64::from(limit.clamp(1, 500));
        let status = filter.status.map(|s| enum_text(&s));
        let review = filter.review.map(|r| enum_text(&r));
        let rows = match filter.sort {
            QueueSort::Oldest | QueueSort::Newest => {
                let newest = filter.sort == QueueSort::Newest;
                let statement = self.prepared(if newest { NEWEST_FIRST } else { OLDEST_FIRST })?;
                let from = after.map_or(if newest { i64::MAX } else { 0 }, |c| c.id);
                let params = criteria.params(&[&status, &review, &from, &limit]);
                self.client.query(&statement, &params)
            }
            QueueSort::Risk | QueueSort::Likely => {
                let statement = self.prepared(match filter.sort {
                    QueueSort::Risk => RISKIEST_FIRST,
                    _ => LIKELIEST_FIRST,
                })?;
                // Descending: the first page starts above every key.
                let (key, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
                let params = criteria.params(&[&status, &review, &key, &id, &limit]);
                self.client.query(&statement, &params)
            }
        }
        .map_err(|e| self.failed(e))?;
        let entries = rows.iter().map(read_entry).collect::<Result<Vec<_>>>()?;
        let next_after = rows
            .last()
            .filter(|_| rows.len() as i64 == limit)
            .map(|last| QueueCursor {
                key: last.get(8),
                id: last.get(0),
            });
        Ok(QueuePage {
            entries,
            next_after,
        })
    }

    /// Items matching the filter's criteria by status (conflicts counted among the pending),
    /// as the local store counts them. Without criteria, read from the counts the server keeps.
    pub fn status_counts(&mut self, filter: &QueueFilter) -> Result<StatusCounts> {
        let criteria = Criteria::of(filter)?;
        let rows = if criteria.is_empty() {
            let statement = self.prepared(ALL_COUNTS)?;
            self.client.query(&statement, &[])
        } else {
            let statement = self.prepared(COUNTS)?;
            self.client.query(&statement, &criteria.params(&[]))
        }
        .map_err(|e| self.failed(e))?;
        let mut counts = StatusCounts::default();
        for r in &rows {
            counts.conflict += r.get::<_, i64>(2);
            counts.add(enum_value::<ItemStatus>(r.get(0))?, r.get(1));
        }
        Ok(counts)
    }

    /// One item's queue row, with the reviews it needs (k).
    pub(super) fn queue_entry(&mut self, external_id: &str) -> Result<(QueueEntry, u32)> {
        let statement = self.prepared(ENTRY)?;
        let row = self
            .client
            .query_opt(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        Ok((read_entry(&row)?, row.get::<_, i32>(8) as u32))
    }

    /// The filter bar's choices: the domains, models, reviewers (whose decisions are in force)
    /// and tags of the server's items.
    pub fn queue_facets(&mut self) -> Result<QueueFacets> {
        let distinct = |server: &mut TeamServer, sql: &'static str| -> Result<Vec<String>> {
            let statement = server.prepared(sql)?;
            let rows = server
                .client
                .query(&statement, &[])
                .map_err(|e| server.failed(e))?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        };
        Ok(QueueFacets {
            domains: distinct(self, "SELECT DISTINCT domain FROM items ORDER BY 1")?,
            models: distinct(self, "SELECT DISTINCT model FROM items ORDER BY 1")?,
            reviewers: distinct(
                self,
                "SELECT DISTINCT decided_by FROM items WHERE decided_by IS NOT NULL ORDER BY 1",
            )?,
            tags: self.all_tags()?,
        })
    }

    /// One item as a reviewer is shown it ([`crate::Store::item_shown`]): its evidence, the
    /// correction in force when the login may read it (blind review hides it until they
    /// decided), its tags and do-not-train mark, the privacy findings and claims.
    pub fn item_shown(&mut self, external_id: &str) -> Result<Item> {
        let statement = self.prepared(ITEM)?;
        let row = self
            .client
            .query_opt(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        let item_id: i64 = row.get(0);
        let mut item = read_item(&row, external_id)?;
        if let Some(passages) = item.body.evidence_mut() {
            let evidence = self.prepared(EVIDENCE)?;
            *passages = self
                .client
                .query(&evidence, &[&item_id])
                .map_err(|e| self.failed(e))?
                .iter()
                .map(read_passage)
                .collect();
        }
        item.add_review_aids();
        Ok(item)
    }

    /// The reasons a rejection may give, in the server's order.
    pub fn reject_reasons(&mut self) -> Result<Vec<RejectReason>> {
        let statement = self.prepared("SELECT id, label FROM reject_reasons ORDER BY position")?;
        let rows = self
            .client
            .query(&statement, &[])
            .map_err(|e| self.failed(e))?;
        Ok(rows
            .iter()
            .map(|r| RejectReason {
                id: r.get(0),
                label: r.get(1),
            })
            .collect())
    }

    /// The login's strongest role: adjudicator, then SME, then analyst; `None` for a login in
    /// none of the groups.
    pub fn role(&mut self) -> Result<Option<Role>> {
        let statement = self.prepared("SELECT is_member($1)")?;
        for role in [Role::Adjudicator, Role::Sme, Role::Analyst] {
            let member: bool = self
                .client
                .query_one(&statement, &[&group_role(role)])
                .map_err(|e| self.failed(e))?
                .get(0);
            if member {
                return Ok(Some(role));
            }
        }
        Ok(None)
    }
}

/// A queue row from `id, external_id, kind, domain, model, title, status, vetting`.
pub(super) fn read_entry(r: &postgres::Row) -> Result<QueueEntry> {
    let vetting: Option<Vetting> = json_column(r.get(7))?;
    Ok(QueueEntry {
        id: r.get(0),
        external_id: r.get(1),
        kind: enum_value(r.get(2))?,
        domain: r.get(3),
        model: r.get(4),
        title: r.get(5),
        status: enum_value(r.get(6))?,
        verdict: vetting.map(|v| v.verdict),
    })
}
