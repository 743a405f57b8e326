//! Team review in the store: reviewer profiles, the current reviewer of this database, required
//! overlap, the item projection from [`crate::team::resolve`], history filtered for a viewer (no
//! anchoring), and the adjudication queue.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::decisions::{DECISION_COLUMNS, read_decision};
use super::items::{QUEUE_COLUMNS, VISIBLE, read_queue_entry};
use super::{Store, now_text, parse_json};
use crate::domain::{Decision, EditedContent, ItemBody, ItemKind};
use crate::error::{Error, Result};
use crate::team::{
    AdjudicationCase, LogEntry, ReviewState, ReviewerProfile, Role, alive, heads, resolve,
};

/// Which items an overlap setting applies to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "scope", content = "key", rename_all = "snake_case")]
#[ts(export)]
pub enum OverlapScope {
    /// Every item without a domain or import setting.
    Default,
    Domain(String),
    /// An import, by its local id (`imports.id`).
    Import(#[ts(type = "number")] i64),
}

impl OverlapScope {
    fn sql(&self) -> (&'static str, String) {
        match self {
            OverlapScope::Default => ("default", String::new()),
            OverlapScope::Domain(d) => ("domain", d.clone()),
            OverlapScope::Import(id) => ("import", id.to_string()),
        }
    }
}

/// A configured number of required independent reviews.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Overlap {
    pub scope: OverlapScope,
    pub k: u32,
}

/// The Lamport clock of the next event recorded here: one more than any clock in the database.
pub(super) fn next_clock(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(clock), 0) + 1 FROM decisions")?
        .query_row([], |r| r.get(0))?)
}

/// Every event on the item, as the resolver reads it.
pub(super) fn item_log(conn: &Connection, item_id: i64) -> Result<Vec<LogEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, reviewer, action, edited_payload, reverts, clock, supersedes, adjudication
         FROM decisions WHERE item_id = ?1 ORDER BY clock, id",
    )?;
    let rows = stmt.query_map([item_id], |r| {
        Ok(LogEntry {
            id: r.get(0)?,
            reviewer: r.get(1)?,
            action: r.get(2)?,
            edited: r
                .get::<_, Option<String>>(3)?
                .map(|p| parse_json(&p))
                .transpose()?,
            reverts: r.get(4)?,
            clock: r.get(5)?,
            supersedes: r
                .get::<_, Option<String>>(6)?
                .map(|s| parse_json(&s))
                .transpose()?
                .unwrap_or_default(),
            adjudication: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Required independent reviews of the item: its import's setting, else its domain's, else the
/// default, else 1.
pub(super) fn required_reviews(conn: &Connection, item_id: i64) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(
                 (SELECT k FROM review_overlap WHERE scope = 'import'
                    AND key = CAST(i.import_id AS TEXT)),
                 (SELECT k FROM review_overlap WHERE scope = 'domain' AND key = i.domain),
                 (SELECT k FROM review_overlap WHERE scope = 'default' AND key = ''),
                 1)
             FROM items i WHERE i.id = ?1",
        )?
        .query_row([item_id], |r| r.get(0))?)
}

/// Whether `reviewer` has recorded a decision (not a revert) on the item, undone or not: once
/// they have decided, they have formed their own view and may see the others'.
fn has_decided(conn: &Connection, item_id: i64, reviewer: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM decisions WHERE item_id = ?1 AND reviewer = ?2
                              AND action <> 'revert')",
        )?
        .query_row(params![item_id, reviewer], |r| r.get(0))?)
}

fn role_of(conn: &Connection, reviewer: &str) -> Result<Option<Role>> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM reviewers WHERE name = ?1")?
        .query_row([reviewer], |r| r.get(0))
        .optional()?;
    Ok(role.and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok()))
}

/// Whether `viewer` may see other reviewers' decisions on the item: always when one review is
/// required; with `k > 1` only once they decided it themselves, or as an adjudicator.
fn may_see_others(conn: &Connection, item_id: i64, viewer: &str) -> Result<bool> {
    Ok(required_reviews(conn, item_id)? <= 1
        || has_decided(conn, item_id, viewer)?
        || role_of(conn, viewer)? == Some(Role::Adjudicator))
}

/// The `supersedes` of a decision `reviewer` is about to record on the item: the decisions
/// they could see and that this one replaces. An adjudication replaces them all; a
/// review of an item in conflict replaces none (only an adjudicator settles a conflict); a blind
/// review (k > 1, not yet decided) knows none.
pub(super) fn supersedes_for(
    tx: &Transaction<'_>,
    item_id: i64,
    reviewer: &str,
    adjudication: bool,
) -> Result<Option<String>> {
    let review: ReviewState = tx
        .prepare_cached("SELECT review FROM items WHERE id = ?1")?
        .query_row([item_id], |r| {
            let text: String = r.get(0)?;
            parse_json(&format!("\"{text}\""))
        })?;
    let knows =
        adjudication || (review != ReviewState::Conflict && may_see_others(tx, item_id, reviewer)?);
    if !knows {
        return Ok(None);
    }
    // Every decision known, in force or undone: a decision made after an undo replaces the
    // undone one too, should a redo re-instate it (as in one database's linear history).
    let log = item_log(tx, item_id)?;
    let ids: Vec<&str> = log
        .iter()
        .filter(|e| e.action != crate::domain::Action::Revert)
        .map(|e| e.id.as_str())
        .collect();
    Ok((!ids.is_empty()).then(|| serde_json::to_string(&ids).expect("ids serialize")))
}

/// Records a profile for a reviewer seen for the first time (as an analyst).
pub(super) fn ensure_reviewer(tx: &Transaction<'_>, name: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO reviewers (name, role, stamp, created_at) VALUES (?1, 'analyst', 0, ?2)
         ON CONFLICT (name) DO NOTHING",
    )?
    .execute(params![name, now_text()])?;
    Ok(())
}

/// Errors unless `reviewer` is an adjudicator.
pub(super) fn ensure_adjudicator(conn: &Connection, reviewer: &str) -> Result<()> {
    if role_of(conn, reviewer)? == Some(Role::Adjudicator) {
        Ok(())
    } else {
        Err(Error::BadRequest(format!(
            "'{reviewer}' is not an adjudicator; only adjudicators record final decisions \
             (vetted reviewer add {reviewer} --role adjudicator)"
        )))
    }
}

/// The queue title of the content in force: an edited relation's mapping replaces the proposed
/// one (so the row reads as the reviewer corrected it, and reverts with an undo). An answer's
/// title is its question, which no decision changes.
fn title_in_force(tx: &Transaction<'_>, item_id: i64, effective: Option<&str>) -> Result<String> {
    let (kind, title): (ItemKind, String) = tx
        .prepare_cached("SELECT kind, title FROM items WHERE id = ?1")?
        .query_row([item_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if kind == ItemKind::Answer {
        return Ok(title);
    }
    let mut body = super::items::body_of(tx, item_id)?;
    let edited: Option<String> = match effective {
        Some(id) => tx
            .prepare_cached("SELECT edited_payload FROM decisions WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
        None => None,
    };
    if let (ItemBody::Relationship(r), Some(json)) = (&mut body, edited)
        && let Ok(EditedContent::Relationship { relation }) = serde_json::from_str(&json)
    {
        r.relation = relation;
    }
    Ok(body.title())
}

/// Recomputes the item's projection (status, decided_by, review, effective decision) from its
/// log. With `bump`, the version always increases (a decision, undo or redo); without, only
/// when the projection changed (a merge or an overlap change). Returns the new review state.
pub(super) fn project(
    tx: &Transaction<'_>,
    item_id: i64,
    at: &str,
    bump: bool,
) -> Result<ReviewState> {
    let k = required_reviews(tx, item_id)?;
    let resolution = resolve(&item_log(tx, item_id)?, k);
    let review = serde_json::to_value(resolution.review).expect("state serializes");
    let title = title_in_force(tx, item_id, resolution.effective.as_deref())?;
    tx.prepare_cached(
        "UPDATE items SET status = ?1, decided_by = ?2, review = ?3, effective_decision = ?4,
                          title = ?8, version = version + 1, updated_at = ?5
         WHERE id = ?6 AND (?7 OR status IS NOT ?1 OR decided_by IS NOT ?2 OR review IS NOT ?3
                            OR effective_decision IS NOT ?4 OR title IS NOT ?8)",
    )?
    .execute(params![
        resolution.status,
        resolution.decided_by,
        review.as_str(),
        resolution.effective,
        at,
        item_id,
        bump,
        title
    ])?;
    Ok(resolution.review)
}

fn read_profile(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewerProfile> {
    let role: String = r.get(1)?;
    Ok(ReviewerProfile {
        name: r.get(0)?,
        role: parse_json(&format!("\"{role}\""))?,
        stamp: r.get(2)?,
    })
}

pub(super) fn all_profiles(conn: &Connection) -> Result<Vec<ReviewerProfile>> {
    let mut stmt = conn.prepare_cached("SELECT name, role, stamp FROM reviewers ORDER BY name")?;
    let rows = stmt.query_map([], read_profile)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds `profile` or, when the name is known, keeps the greater `(stamp, role)` — commutative,
/// so merging profiles in any order gives the same result. Returns whether the name was new.
pub(super) fn merge_profile(tx: &Transaction<'_>, profile: &ReviewerProfile) -> Result<bool> {
    let existing: Option<ReviewerProfile> = tx
        .prepare_cached("SELECT name, role, stamp FROM reviewers WHERE name = ?1")?
        .query_row([&profile.name], read_profile)
        .optional()?;
    match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO reviewers (name, role, stamp, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                profile.name,
                profile.role.as_str(),
                profile.stamp,
                now_text()
            ])?;
            Ok(true)
        }
        Some(old) => {
            if (profile.stamp, profile.role) > (old.stamp, old.role) {
                tx.prepare_cached("UPDATE reviewers SET role = ?1, stamp = ?2 WHERE name = ?3")?
                    .execute(params![profile.role.as_str(), profile.stamp, profile.name])?;
            }
            Ok(false)
        }
    }
}

fn valid_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "reviewer name '{name}' must be 1–100 printable characters"
        )));
    }
    Ok(name)
}

impl Store {
    /// Adds a reviewer, or changes a known reviewer's role.
    pub fn add_reviewer(&mut self, name: &str, role: Role) -> Result<ReviewerProfile> {
        let name = valid_name(name)?.to_owned();
        self.write(|tx| {
            // A role change is an event of this database: stamp it after everything it holds,
            // so it wins over older profiles when bundles are merged.
            let stamp: i64 = tx.query_row(
                "SELECT max(coalesce((SELECT max(clock) FROM decisions), 0),
                            coalesce((SELECT max(stamp) FROM reviewers), 0)) + 1",
                [],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO reviewers (name, role, stamp, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, stamp = excluded.stamp",
                params![name, role.as_str(), stamp, now_text()],
            )?;
            Ok(ReviewerProfile { name, role, stamp })
        })
    }

    /// Every reviewer profile, by name.
    pub fn reviewers(&self) -> Result<Vec<ReviewerProfile>> {
        all_profiles(&self.conn)
    }

    pub fn reviewer_profile(&self, name: &str) -> Result<Option<ReviewerProfile>> {
        Ok(self
            .conn
            .prepare_cached("SELECT name, role, stamp FROM reviewers WHERE name = ?1")?
            .query_row([name], read_profile)
            .optional()?)
    }

    /// Makes `name` (a known reviewer) this database's current reviewer: an explicit switch.
    pub fn use_reviewer(&mut self, name: &str) -> Result<()> {
        if self.reviewer_profile(name)?.is_none() {
            return Err(Error::BadRequest(format!(
                "no reviewer '{name}'; add one first: vetted reviewer add {name} --role analyst"
            )));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO local_settings (key, value) VALUES ('current_reviewer', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [name],
            )?;
            Ok(())
        })
    }

    /// The reviewer chosen with [`Store::use_reviewer`], if any.
    pub fn current_reviewer(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM local_settings WHERE key = 'current_reviewer'")?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    /// Sets how many independent reviews items in `scope` need, and recomputes the projection of
    /// every decided item (an item may settle, or wait for more reviews). Returns how many items
    /// changed state.
    pub fn set_overlap(&mut self, scope: &OverlapScope, k: u32) -> Result<usize> {
        if !(1..=100).contains(&k) {
            return Err(Error::BadRequest(format!(
                "required reviews must be 1–100, not {k}"
            )));
        }
        let (scope_name, key) = scope.sql();
        self.write(|tx| {
            if scope_name == "domain" && key.trim().is_empty() {
                return Err(Error::BadRequest("the domain is empty".to_owned()));
            }
            tx.execute(
                "INSERT INTO review_overlap (scope, key, k) VALUES (?1, ?2, ?3)
                 ON CONFLICT (scope, key) DO UPDATE SET k = excluded.k",
                params![scope_name, key, k],
            )?;
            reproject_decided(tx)
        })
    }

    /// The configured overlaps (default first, then domains, then imports).
    pub fn overlaps(&self) -> Result<Vec<Overlap>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT scope, key, k FROM review_overlap
             ORDER BY CASE scope WHEN 'default' THEN 0 WHEN 'domain' THEN 1 ELSE 2 END, key",
        )?;
        let rows = stmt.query_map([], |r| {
            let (scope, key): (String, String) = (r.get(0)?, r.get(1)?);
            let scope = match scope.as_str() {
                "default" => OverlapScope::Default,
                "domain" => OverlapScope::Domain(key),
                _ => OverlapScope::Import(key.parse().unwrap_or_default()),
            };
            Ok(Overlap {
                scope,
                k: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The item's history as `viewer` may see it: everything, unless the item needs several
    /// independent reviews and `viewer` has not decided it yet (and is not an adjudicator) —
    /// then only their own events, so nobody is anchored by the others' decisions.
    pub fn history_for(&self, external_id: &str, viewer: &str) -> Result<Vec<Decision>> {
        let item_id = self.item_row_id(external_id)?;
        let history = self.history(external_id)?;
        if may_see_others(&self.conn, item_id, viewer)? {
            return Ok(history);
        }
        Ok(history
            .into_iter()
            .filter(|d| d.reviewer == viewer)
            .collect())
    }

    /// The item's review state and required reviews.
    pub fn review_state(&self, external_id: &str) -> Result<(ReviewState, u32)> {
        let item_id = self.item_row_id(external_id)?;
        let state: String =
            self.conn
                .query_row("SELECT review FROM items WHERE id = ?1", [item_id], |r| {
                    r.get(0)
                })?;
        Ok((
            parse_json(&format!("\"{state}\""))?,
            required_reviews(&self.conn, item_id)?,
        ))
    }

    pub(super) fn item_row_id(&self, external_id: &str) -> Result<i64> {
        self.conn
            .prepare_cached(&format!(
                "SELECT id FROM items WHERE external_id = ?1 AND {VISIBLE}"
            ))?
            .query_row([external_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))
    }

    /// Items whose reviews disagree, in item order after row id `after`, each with the
    /// disagreeing reviews side by side (by reviewer name).
    pub fn adjudication_queue(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AdjudicationCase>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {QUEUE_COLUMNS} FROM items
             WHERE review = 'conflict' AND id > ?1 AND {VISIBLE} ORDER BY id LIMIT ?2"
        ))?;
        let entries = stmt
            .query_map(params![after.unwrap_or(0), limit.clamp(1, 1000)], |r| {
                read_queue_entry(r)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        entries
            .into_iter()
            .map(|entry| {
                let decisions = self.current_reviews(entry.id)?;
                Ok(AdjudicationCase { entry, decisions })
            })
            .collect()
    }

    /// One item's case for adjudication (whatever its state): its current reviews.
    pub fn adjudication_case(&self, external_id: &str) -> Result<AdjudicationCase> {
        let item_id = self.item_row_id(external_id)?;
        let entry = self
            .conn
            .prepare_cached(&format!("SELECT {QUEUE_COLUMNS} FROM items WHERE id = ?1"))?
            .query_row([item_id], read_queue_entry)?;
        let decisions = self.current_reviews(item_id)?;
        Ok(AdjudicationCase { entry, decisions })
    }

    /// The reviews that currently count for the item (see [`crate::team::heads`]), by reviewer.
    fn current_reviews(&self, item_id: i64) -> Result<Vec<Decision>> {
        let k = required_reviews(&self.conn, item_id)?;
        let log = item_log(&self.conn, item_id)?;
        let alive = alive(&log);
        let mut ids: Vec<(String, String)> = heads(&log, &alive, k)
            .into_iter()
            .map(|e| (e.reviewer.clone(), e.id.clone()))
            .collect();
        ids.sort();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d JOIN items i ON i.id = d.item_id
             WHERE d.id = ?1"
        ))?;
        ids.iter()
            .map(|(_, id)| Ok(stmt.query_row([id], read_decision)?))
            .collect()
    }
}

/// Recomputes the projection of every item that has a decision; returns how many changed.
pub(super) fn reproject_decided(tx: &Transaction<'_>) -> Result<usize> {
    let ids: Vec<i64> = tx
        .prepare("SELECT DISTINCT item_id FROM decisions")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let at = now_text();
    let mut changed = 0;
    for id in ids {
        let before: i64 = tx.query_row("SELECT version FROM items WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        project(tx, id, &at, false)?;
        let after: i64 = tx.query_row("SELECT version FROM items WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        changed += usize::from(after != before);
    }
    Ok(changed)
}
