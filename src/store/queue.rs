//! The queue: filtered, sorted and keyset-paged (never OFFSET), with counts per status under the
//! same filter. Only the active filter clauses are put in the SQL, so SQLite can use the
//! matching index (`items_by_status`, `items_by_domain`, `items_by_risk`, …).

use rusqlite::ToSql;

use super::Store;
use super::item_rows::{QUEUE_COLUMNS, VISIBLE, read_queue_entry};
use crate::domain::{ItemKind, ItemStatus, QueueCursor, QueuePage, StatusCounts, Verdict};
use crate::error::Result;

/// Which part of the queue to list; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct QueueFilter {
    pub status: Option<ItemStatus>,
    pub kind: Option<ItemKind>,
    pub domain: Option<String>,
    pub model: Option<String>,
    /// The vetting model's verdict.
    pub verdict: Option<Verdict>,
    /// Reviewer of the effective decision.
    pub reviewer: Option<String>,
    pub tag: Option<String>,
    /// Team review state: open (awaiting reviews), settled, or conflict (adjudication queue).
    /// Optional in the bindings: a filter without it means any state.
    #[ts(optional)]
    pub review: Option<crate::team::ReviewState>,
    /// Only items this reviewer still has to review: open, and no decision of theirs in force
    /// (with k required reviews, an item stays here for each reviewer until k have decided).
    #[ts(optional)]
    pub awaiting: Option<String>,
    /// Only items a vetting model passed with at least a vetting score: the "vetter confident"
    /// filter an auto-approve suggestion offers (`crate::auto_approve`).
    #[ts(optional)]
    pub vetter_confident: Option<ConfidentPass>,
    pub sort: QueueSort,
}

/// Items `model` passed with a vetting score of at least `min_score` (0..1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConfidentPass {
    pub model: String,
    pub min_score: f64,
}

/// The condition of [`ConfidentPass`] on `items`, with named parameters `:vetter` and
/// `:confident`: the queue filter and the count an auto-approve suggestion reports share it.
pub(crate) const CONFIDENT_PASS: &str = "vetting ->> '$.verdict' = 'pass' \
     AND vetting ->> '$.model' = :vetter AND vetting ->> '$.score' >= :confident";

/// Queue order. Each sort is a total order on `(key, id)`, which is what the cursor holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueueSort {
    /// Import order (row id ascending).
    #[default]
    Oldest,
    /// Latest imported first.
    Newest,
    /// Riskiest first: vetting `fail`, then `flag`, then no vetting, then `pass`; within a
    /// verdict the lowest vetting score first, then newest first.
    Risk,
    /// Most likely relationships first: the relate model's confidence where it ranked the item
    /// (`vetted relate --rank`), else the confidence the item was proposed with; answers last.
    Likely,
}

/// Values the filter bar offers, each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QueueFacets {
    pub domains: Vec<String>,
    pub models: Vec<String>,
    pub reviewers: Vec<String>,
    pub tags: Vec<String>,
}

impl QueueSort {
    /// (sort key expression, ORDER BY, keyset condition on `:key` and `:id`).
    fn sql(self) -> (&'static str, &'static str, &'static str) {
        match self {
            QueueSort::Oldest => ("id", "id", "id > :id"),
            QueueSort::Newest => ("id", "id DESC", "id < :id"),
            QueueSort::Risk => ("risk", "risk DESC, id DESC", "(risk, id) < (:key, :id)"),
            QueueSort::Likely => (
                "likely",
                "likely DESC, id DESC",
                "(likely, id) < (:key, :id)",
            ),
        }
    }
}

/// Named SQL parameters, owned.
/// Items of imports still running: counted, then subtracted (see [`Store::status_counts`]).
const UNFINISHED: &str = "import_id IN (SELECT id FROM imports WHERE state = 'running')";

type NamedParams = Vec<(&'static str, Box<dyn ToSql>)>;

/// WHERE clauses and named parameters for every active filter except `status` (the counts
/// group by it).
fn filter_clauses(filter: &QueueFilter) -> (Vec<&'static str>, NamedParams) {
    let mut clauses = Vec::new();
    let mut params: NamedParams = Vec::new();
    // Written out, so the relationships' own index (migration 0019) serves the query (see
    // `page_query`): a bulk approval's plan asks for them at every check.
    if filter.kind == Some(ItemKind::Relationship) {
        clauses.push(RELATIONSHIPS);
    }
    let mut add = |clause, name, value: Box<dyn ToSql>| {
        clauses.push(clause);
        params.push((name, value));
    };
    if let Some(kind) = filter.kind.filter(|k| *k != ItemKind::Relationship) {
        add("kind = :kind", ":kind", Box::new(kind));
    }
    if let Some(domain) = &filter.domain {
        add("domain = :domain", ":domain", Box::new(domain.clone()));
    }
    if let Some(model) = &filter.model {
        add("model = :model", ":model", Box::new(model.clone()));
    }
    if let Some(verdict) = filter.verdict {
        add(
            "vetting ->> '$.verdict' = :verdict",
            ":verdict",
            Box::new(verdict),
        );
    }
    if let Some(reviewer) = &filter.reviewer {
        add(
            "decided_by = :reviewer",
            ":reviewer",
            Box::new(reviewer.clone()),
        );
    }
    if let Some(tag) = &filter.tag {
        add(
            "EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = items.id AND t.tag = :tag)",
            ":tag",
            Box::new(tag.clone()),
        );
    }
    if let Some(review) = filter.review {
        let state = serde_json::to_value(review).expect("state serializes");
        add(
            "review = :review",
            ":review",
            Box::new(state.as_str().unwrap_or_default().to_owned()),
        );
    }
    if let Some(reviewer) = &filter.awaiting {
        add(AWAITING, ":awaiting", Box::new(reviewer.clone()));
    }
    if let Some(pass) = &filter.vetter_confident {
        clauses.push(CONFIDENT_PASS);
        params.push((":vetter", Box::new(pass.model.clone())));
        params.push((":confident", Box::new(pass.min_score)));
    }
    (clauses, params)
}

/// The relationship items, as the condition of their partial index `items_relationships`.
const RELATIONSHIPS: &str = "kind = 'relationship'";

/// Open items without a decision in force by reviewer `:awaiting`.
const AWAITING: &str = "review = 'open' AND NOT EXISTS (
     SELECT 1 FROM decisions d WHERE d.item_id = items.id AND d.reviewer = :awaiting
       AND d.action <> 'revert' AND NOT EXISTS (
           SELECT 1 FROM decisions r WHERE r.reverts = d.id
             AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id)))";

fn where_sql(clauses: &[&str]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

/// The SQL of one page of the queue (see [`Store::queue_page`]) and its named parameters.
fn page_query(
    filter: &QueueFilter,
    after: Option<QueueCursor>,
    limit: u32,
) -> (String, NamedParams) {
    let (key, order, keyset) = filter.sort.sql();
    let (mut clauses, mut params) = filter_clauses(filter);
    clauses.push(VISIBLE);
    if let Some(status) = filter.status {
        clauses.push("status = :status");
        params.push((":status", Box::new(status)));
    }
    if let Some(cursor) = after {
        clauses.push(keyset);
        params.push((":id", Box::new(cursor.id)));
        if keyset.contains(":key") {
            params.push((":key", Box::new(cursor.key)));
        }
    }
    params.push((":limit", Box::new(limit)));
    // Left to itself, SQLite reads every open item for a page of relationships in import
    // order; the other orders have indexes of their own.
    let items = match (filter.kind, filter.sort) {
        (Some(ItemKind::Relationship), QueueSort::Oldest | QueueSort::Newest) => {
            "items INDEXED BY items_relationships"
        }
        _ => "items",
    };
    let sql = format!(
        "SELECT {QUEUE_COLUMNS}, {key}
         FROM {items} {} ORDER BY {order} LIMIT :limit",
        where_sql(&clauses)
    );
    (sql, params)
}

impl Store {
    /// One page of the queue in `filter.sort` order, strictly after `after`.
    pub fn queue_page(
        &self,
        filter: &QueueFilter,
        after: Option<QueueCursor>,
        limit: u32,
    ) -> Result<QueuePage> {
        let limit = limit.clamp(1, 1000);
        let (sql, params) = page_query(filter, after, limit);
        let named: Vec<(&str, &dyn ToSql)> = params.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut last_key = None;
        let entries = stmt
            .query_map(named.as_slice(), |r| {
                Ok((read_queue_entry(r)?, r.get::<_, i64>(8)?))
            })?
            .map(|row| {
                row.map(|(entry, key)| {
                    last_key = Some(QueueCursor { key, id: entry.id });
                    entry
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next_after = last_key.filter(|_| entries.len() == limit as usize);
        Ok(QueuePage {
            entries,
            next_after,
        })
    }

    /// A number that grows whenever any connection completes an import: what the app polls to
    /// notice items added meanwhile by the CLI and refresh its queue. Decisions do not count, so
    /// the reviewer's own work never makes the app reload the list under them.
    pub fn data_revision(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM imports WHERE state = 'complete'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Number of visible items in each status among those matching `filter`'s other fields.
    ///
    /// Counted as all matching items minus the matching items of unfinished imports (found
    /// through the import index), so no query tests every row for visibility.
    pub fn status_counts(&self, filter: &QueueFilter) -> Result<StatusCounts> {
        let (clauses, params) = filter_clauses(filter);
        let named: Vec<(&str, &dyn ToSql)> = params.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        let mut counts = StatusCounts::default();
        for (extra, sign) in [(None, 1), (Some(UNFINISHED), -1)] {
            let mut all = clauses.clone();
            all.extend(extra);
            let sql = format!(
                "SELECT status, count(*) FROM items {} GROUP BY status",
                where_sql(&all)
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(named.as_slice())?;
            while let Some(row) = rows.next()? {
                counts.add(row.get(0)?, sign * row.get::<_, i64>(1)?);
            }
            all.push("review = 'conflict'");
            let sql = format!("SELECT count(*) FROM items {}", where_sql(&all));
            let conflicts: i64 = self
                .conn
                .prepare_cached(&sql)?
                .query_row(named.as_slice(), |r| r.get(0))?;
            counts.conflict += sign * conflicts;
        }
        Ok(counts)
    }

    /// The distinct domains, models, reviewers and tags, for the filter bar.
    pub fn queue_facets(&self) -> Result<QueueFacets> {
        let distinct = |column: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare_cached(&skip_scan_distinct(column))?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        Ok(QueueFacets {
            domains: distinct("domain")?,
            models: distinct("model")?,
            reviewers: distinct("decided_by")?,
            tags: self.all_tags()?,
        })
    }
}

/// The distinct non-NULL values of `items.column` in ascending order, by a skip scan: each step
/// seeks the column's index for the smallest value above the previous one, so the cost follows
/// the number of distinct values, not of items (SQLite walks the whole index for `DISTINCT`:
/// 116-326 ms at 1M items). `column` must be an indexed column name, never user input.
fn skip_scan_distinct(column: &str) -> String {
    format!(
        "WITH RECURSIVE seen(value) AS (
             SELECT (SELECT min({column}) FROM items)
             UNION ALL
             SELECT (SELECT min({column}) FROM items WHERE {column} > seen.value)
             FROM seen WHERE seen.value IS NOT NULL
         )
         SELECT value FROM seen WHERE value IS NOT NULL"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The relationships of a filter are read in import order through their own index, not by
    /// reading every open item: a bulk approval's plan asks for them at every check (40 ms at
    /// 100,000 answers before, see PERFORMANCE.md). Every order and cursor still plans.
    #[test]
    fn a_page_of_relationships_reads_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("vetted.db")).unwrap();
        let cursor = QueueCursor { key: 0, id: 1 };
        let sorts = [
            QueueSort::Oldest,
            QueueSort::Newest,
            QueueSort::Risk,
            QueueSort::Likely,
        ];
        for (sort, after) in sorts
            .into_iter()
            .flat_map(|s| [(s, None), (s, Some(cursor))])
        {
            let filter = QueueFilter {
                kind: Some(ItemKind::Relationship),
                awaiting: Some("ana".into()),
                tag: Some("t".into()),
                sort,
                ..QueueFilter::default()
            };
            let (sql, params) = page_query(&filter, after, 500);
            let named: Vec<(&str, &dyn ToSql)> =
                params.iter().map(|(n, v)| (*n, v.as_ref())).collect();
            let plan: Vec<String> = (store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")))
                .unwrap()
                .query_map(named.as_slice(), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let by_id = matches!(sort, QueueSort::Oldest | QueueSort::Newest);
            assert_eq!(
                plan.iter().any(|step| step.contains("items_relationships")),
                by_id,
                "{sort:?} after {after:?}: in import order the page reads the relationships' \
                 index (the other orders have their own):\n{}",
                plan.join("\n")
            );
        }
    }
}
