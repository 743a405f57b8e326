//! Packing the decision log into a sync bundle and merging a bundle: idempotent (decision ids are
//! globally unique), order-independent (outcomes depend on the set of decisions only, see
//! [`crate::team::resolve`]) and all-or-nothing (one transaction; a malformed bundle changes
//! nothing).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::claim_checks::{checked_claims, claims_of_decision, insert_claims};
use super::comparison_picks::{Picking, check_pick, insert_pick, pick_of};
use super::decision_rows::add_to_batch;
use super::item_rows::{VISIBLE, body_of};
use super::items::{Inserted, insert_item};
use super::profiles::{all_profiles, ensure_reviewer, merge_profile};
use super::projection::project;
use super::review_forms::{bundle_answers, bundle_form, merge_answers, merge_form};
use super::{Store, now_text, parse_json, parse_time};
use crate::domain::{Action, EditedContent, ItemKind};
use crate::edit_distance::edit_distance;
use crate::error::{Error, Result};
use crate::import::parse_record;
use crate::sync::{
    BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, BundleBatch, BundleDecision, item_record, read_bundle,
    write_bundle,
};

/// The columns a bundled decision is read from (with its batch, if any); add `WHERE …`.
const BUNDLE_SELECT: &str = "SELECT d.id, i.external_id, d.reviewer, d.action, d.edited_payload,
        d.reason, d.note, d.decided_at, d.reverts, d.clock, d.supersedes, d.adjudication,
        b.batch_id, b.rule
     FROM decisions d JOIN items i ON i.id = d.item_id
     LEFT JOIN decision_batches b ON b.decision_id = d.id";
use crate::team::ReviewState;

/// Which decisions to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Everything.
    All,
    /// Decisions with a Lamport clock greater than this (a previous bundle's `max_clock`).
    Clock(i64),
    /// Decisions recorded (wall clock of the deciding laptop) at or after this time.
    Time(DateTime<Utc>),
}

impl std::str::FromStr for Since {
    type Err = Error;

    /// An integer is a clock, anything else an RFC 3339 time or a `YYYY-MM-DD` date (UTC).
    fn from_str(text: &str) -> Result<Since> {
        let text = text.trim();
        if let Ok(clock) = text.parse::<i64>() {
            return Ok(Since::Clock(clock));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Since::Time(t.with_timezone(&Utc)));
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Since::Time(
                d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc(),
            ));
        }
        Err(Error::BadRequest(format!(
            "--since '{text}': expected a clock (a bundle's max_clock), an RFC 3339 time or a \
             date YYYY-MM-DD"
        )))
    }
}

/// What [`Store::pack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PackReport {
    #[ts(type = "number")]
    pub decisions: usize,
    #[ts(type = "number")]
    pub items: usize,
    #[ts(type = "number")]
    pub reviewers: usize,
    /// Pass as `--since` next time to pack only newer decisions.
    #[ts(type = "number")]
    pub max_clock: i64,
}

/// What [`Store::merge_bundle`] added.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MergeReport {
    #[ts(type = "number")]
    pub decisions_added: usize,
    /// Decisions of the bundle this database already had.
    #[ts(type = "number")]
    pub decisions_present: usize,
    #[ts(type = "number")]
    pub items_added: usize,
    #[ts(type = "number")]
    pub reviewers_added: usize,
    /// Items that entered the adjudication queue because of this merge.
    #[ts(type = "number")]
    pub conflicts: usize,
}

impl std::fmt::Display for PackReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} decision(s), {} item(s), {} reviewer(s) (max_clock {}: pack --since {} next time)",
            self.decisions, self.items, self.reviewers, self.max_clock, self.max_clock
        )
    }
}

impl std::fmt::Display for MergeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} decision(s) ({} already present), {} item(s), {} reviewer(s); {} new \
             conflict(s) for adjudication",
            self.decisions_added,
            self.decisions_present,
            self.items_added,
            self.reviewers_added,
            self.conflicts
        )
    }
}

impl Store {
    /// The bundle of the decisions selected by `since` (and, with `since`, the decisions their
    /// reverts name), the items they refer to, every reviewer profile and reject reason.
    pub fn bundle(&self, since: &Since) -> Result<Bundle> {
        let (condition, value): (&str, Option<String>) = match since {
            Since::All => ("1", None),
            Since::Clock(c) => ("d.clock > ?1", Some(c.to_string())),
            Since::Time(t) => (
                "d.decided_at >= ?1",
                Some(t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            ),
        };
        let sql = format!(
            "{BUNDLE_SELECT} WHERE {condition} AND (?1 IS NULL OR 1) ORDER BY d.clock, d.id"
        );
        let mut decisions = self.read_bundle_decisions(&sql, value.as_deref())?;
        // A revert needs its target: pack the targets the selection lacks.
        let mut ids: BTreeSet<String> = decisions.iter().map(|d| d.id.clone()).collect();
        loop {
            let missing: Vec<String> = decisions
                .iter()
                .filter_map(|d| d.reverts.clone())
                .filter(|t| !ids.contains(t))
                .collect();
            if missing.is_empty() {
                break;
            }
            for id in missing {
                let found = self.read_bundle_decisions(
                    &format!("{BUNDLE_SELECT} WHERE d.id = ?1"),
                    Some(&id),
                )?;
                ids.insert(id);
                decisions.extend(found);
            }
        }
        decisions.sort_by(|a, b| (a.clock, &a.id).cmp(&(b.clock, &b.id)));
        for d in &mut decisions {
            d.form = bundle_answers(&self.conn, &d.id)?;
            d.claims = claims_of_decision(&self.conn, &d.id)?;
            d.pick = pick_of(&self.conn, &d.id)?;
        }
        let form_versions: BTreeSet<(&str, i64)> = decisions
            .iter()
            .filter_map(|d| d.form.as_ref())
            .map(|f| (f.domain.as_str(), f.version))
            .collect();
        let forms = form_versions
            .into_iter()
            .map(|(domain, version)| bundle_form(&self.conn, domain, version))
            .collect::<Result<Vec<_>>>()?;
        let item_ids: BTreeSet<&str> = decisions.iter().map(|d| d.item.as_str()).collect();
        let items = item_ids
            .into_iter()
            .map(|id| Ok(item_record(&self.item(id)?)))
            .collect::<Result<Vec<_>>>()?;
        let max_clock: i64 =
            self.conn
                .query_row("SELECT coalesce(max(clock), 0) FROM decisions", [], |r| {
                    r.get(0)
                })?;
        Ok(Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            version: BUNDLE_VERSION,
            created_at: Utc::now(),
            max_clock,
            since: match since {
                Since::All => None,
                Since::Clock(c) => Some(c.to_string()),
                Since::Time(t) => Some(t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            },
            reviewers: all_profiles(&self.conn)?,
            reject_reasons: self.reject_reasons()?,
            items,
            forms,
            decisions,
        })
    }

    /// Writes [`Store::bundle`] to `out`.
    pub fn pack(&self, out: &Path, since: &Since) -> Result<PackReport> {
        let bundle = self.bundle(since)?;
        write_bundle(&bundle, out)?;
        Ok(PackReport {
            decisions: bundle.decisions.len(),
            items: bundle.items.len(),
            reviewers: bundle.reviewers.len(),
            max_clock: bundle.max_clock,
        })
    }

    fn read_bundle_decisions(&self, sql: &str, value: Option<&str>) -> Result<Vec<BundleDecision>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([value], |r| {
            Ok(BundleDecision {
                id: r.get(0)?,
                item: r.get(1)?,
                reviewer: r.get(2)?,
                action: r.get(3)?,
                edited: r
                    .get::<_, Option<String>>(4)?
                    .map(|p| parse_json(&p))
                    .transpose()?,
                reason: r.get(5)?,
                note: r.get(6)?,
                decided_at: parse_time(&r.get::<_, String>(7)?)?,
                reverts: r.get(8)?,
                clock: r.get(9)?,
                supersedes: r
                    .get::<_, Option<String>>(10)?
                    .map(|s| parse_json(&s))
                    .transpose()?
                    .unwrap_or_default(),
                adjudication: r.get(11)?,
                batch: match (r.get(12)?, r.get(13)?) {
                    (Some(id), Some(rule)) => Some(BundleBatch { id, rule }),
                    _ => None,
                },
                form: None,
                claims: Vec::new(),
                pick: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reads the bundle at `path` and merges it: see [`Store::merge`].
    pub fn merge_bundle(&mut self, path: &Path) -> Result<MergeReport> {
        let bundle = read_bundle(path)?;
        self.merge(&bundle).map_err(|e| match e {
            Error::BadRequest(problem) => {
                Error::BadRequest(format!("{}: {problem}; nothing was merged", path.display()))
            }
            other => other,
        })
    }

    /// Merges `bundle` in one transaction: adds the reviewer profiles, reject reasons, items and
    /// decisions this database lacks, then recomputes the outcome of every item that gained a
    /// decision. Merging the same bundle again adds nothing.
    ///
    /// Errors (nothing is changed): `BadRequest` for a malformed bundle — an invalid item
    /// record, an inconsistent decision, a decision id this database holds with different
    /// content, an item whose content differs from the stored item with the same id, a decision
    /// about an item neither the bundle nor the database has, a revert of an unknown decision.
    pub fn merge(&mut self, bundle: &Bundle) -> Result<MergeReport> {
        if bundle.format != BUNDLE_FORMAT || bundle.version != BUNDLE_VERSION {
            return Err(Error::BadRequest(format!(
                "not a version {BUNDLE_VERSION} {BUNDLE_FORMAT}"
            )));
        }
        let mut items = Vec::with_capacity(bundle.items.len());
        for (i, record) in bundle.items.iter().enumerate() {
            items.push(
                parse_record(record.clone())
                    .map_err(|p| Error::BadRequest(format!("items[{i}]: {}", p.join("; "))))?,
            );
        }
        let mut seen: HashMap<&str, &BundleDecision> = HashMap::new();
        for d in &bundle.decisions {
            if let Some(problem) = d.problem() {
                return Err(Error::BadRequest(problem));
            }
            if let Some(earlier) = seen.insert(&d.id, d)
                && earlier != d
            {
                return Err(Error::BadRequest(format!(
                    "decision id '{}' appears twice with different content",
                    d.id
                )));
            }
        }
        for p in &bundle.reviewers {
            if p.name.trim().is_empty() {
                return Err(Error::BadRequest("a reviewer profile has no name".into()));
            }
        }
        let mut decisions: Vec<&BundleDecision> = seen.into_values().collect();
        decisions.sort_by(|a, b| (a.clock, &a.id).cmp(&(b.clock, &b.id)));
        self.write(|tx| {
            let now = now_text();
            let mut report = MergeReport::default();
            for reason in &bundle.reject_reasons {
                tx.prepare_cached(
                    "INSERT INTO reject_reasons (id, label, position)
                     SELECT ?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM reject_reasons)
                     WHERE NOT EXISTS (SELECT 1 FROM reject_reasons WHERE id = ?1)",
                )?
                .execute(params![reason.id, reason.label])?;
            }
            for profile in &bundle.reviewers {
                report.reviewers_added += usize::from(merge_profile(tx, profile)?);
            }
            for item in &items {
                match insert_item(tx, item, None, &now)? {
                    Inserted::New => report.items_added += 1,
                    Inserted::AlreadyPresent => {}
                    Inserted::Clash => {
                        return Err(Error::BadRequest(format!(
                            "item '{}' in the bundle has different content from the item with \
                             that id in this database",
                            item.external_id
                        )));
                    }
                    Inserted::Unfinished | Inserted::Absent => {
                        return Err(Error::BadRequest(format!(
                            "item '{}' belongs to an import still running here; merge later",
                            item.external_id
                        )));
                    }
                }
            }
            for form in &bundle.forms {
                merge_form(tx, form)?;
            }
            let mut touched: Vec<(i64, ReviewState)> = Vec::new();
            for d in decisions {
                if merge_decision(tx, d, &mut touched)? {
                    report.decisions_added += 1;
                } else {
                    report.decisions_present += 1;
                }
            }
            for (item_id, before) in touched {
                let after = project(tx, item_id, &now, false)?;
                report.conflicts +=
                    usize::from(after == ReviewState::Conflict && before != ReviewState::Conflict);
            }
            Ok(report)
        })
    }
}

/// Inserts one bundle decision unless its id is already recorded (then checks it is the same
/// decision). Returns whether it was added; records the item's review state before its first
/// new decision in `touched`.
fn merge_decision(
    tx: &Transaction<'_>,
    d: &BundleDecision,
    touched: &mut Vec<(i64, ReviewState)>,
) -> Result<bool> {
    let existing: Option<(String, String, Action, i64)> = tx
        .prepare_cached(
            "SELECT i.external_id, d.reviewer, d.action, d.clock
             FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = ?1",
        )?
        .query_row([&d.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    if let Some(existing) = existing {
        if existing != (d.item.clone(), d.reviewer.clone(), d.action, d.clock) {
            return Err(Error::BadRequest(format!(
                "decision '{}' differs from the decision with that id in this database",
                d.id
            )));
        }
        // A decision merged before bundles carried answers gets them now; answers it holds
        // must be the bundle's.
        match (bundle_answers(tx, &d.id)?, &d.form) {
            (None, Some(given)) => merge_answers(tx, &d.id, given)?,
            (Some(held), Some(given)) if held != *given => {
                return Err(Error::BadRequest(format!(
                    "decision '{}' carries other review form answers than this database holds",
                    d.id
                )));
            }
            _ => {}
        }
        // The same for claim verdicts.
        let held = claims_of_decision(tx, &d.id)?;
        if held.is_empty() && !d.claims.is_empty() {
            insert_claims(tx, &d.id, &checked_claims(tx, &d.item, &d.claims)?)?;
        } else if !d.claims.is_empty() && held != d.claims {
            return Err(Error::BadRequest(format!(
                "decision '{}' carries other claim verdicts than this database holds",
                d.id
            )));
        }
        // The same for a comparison's pick.
        match (pick_of(tx, &d.id)?, d.pick) {
            (None, Some(given)) => {
                let (kind, payload): (ItemKind, String) = tx.query_row(
                    "SELECT kind, payload FROM items WHERE external_id = ?1",
                    [&d.item],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                check_pick(kind, &payload, picking(d), Some(given))
                    .map_err(|e| Error::BadRequest(format!("decision '{}': {e}", d.id)))?;
                insert_pick(tx, &d.id, given)?;
            }
            (Some(held), Some(given)) if held != given => {
                return Err(Error::BadRequest(format!(
                    "decision '{}' carries another pick than this database holds",
                    d.id
                )));
            }
            _ => {}
        }
        return Ok(false);
    }
    let (item_id, kind, version, review, payload): (i64, ItemKind, i64, String, String) = tx
        .prepare_cached(&format!(
            "SELECT id, kind, version, review, payload FROM items
             WHERE external_id = ?1 AND {VISIBLE}"
        ))?
        .query_row([&d.item], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "decision '{}' is about item '{}', which is neither in the bundle nor in this \
                 database",
                d.id, d.item
            ))
        })?;
    if let Some(target) = &d.reverts {
        let known: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM decisions WHERE id = ?1 AND item_id = ?2)",
            )?
            .query_row(params![target, item_id], |r| r.get(0))?;
        if !known {
            return Err(Error::BadRequest(format!(
                "decision '{}' reverts '{target}', which is neither an earlier decision on the \
                 same item in the bundle nor in this database",
                d.id
            )));
        }
    }
    if let (Action::Reject, Some(reason)) = (d.action, &d.reason) {
        super::reasons::ensure_known(tx, reason)
            .map_err(|e| Error::BadRequest(format!("decision '{}': {e}", d.id)))?;
    }
    let distance = match &d.edited {
        Some(edit) if edit.kind() != kind => {
            return Err(Error::BadRequest(format!(
                "decision '{}' edits item '{}' as {:?}, but it is {kind:?}",
                d.id,
                d.item,
                edit.kind()
            )));
        }
        Some(edit) => Some(edit_distance(&body_of(tx, item_id)?, edit) as i64),
        None => None,
    };
    check_pick(kind, &payload, picking(d), d.pick)
        .map_err(|e| Error::BadRequest(format!("decision '{}': {e}", d.id)))?;
    if !touched.iter().any(|(id, _)| *id == item_id) {
        touched.push((item_id, parse_json(&format!("\"{review}\""))?));
    }
    ensure_reviewer(tx, &d.reviewer)?;
    tx.prepare_cached(
        "INSERT INTO decisions (id, item_id, item_version, reviewer, action, edited_payload,
                                reason, note, decided_at, reverts, edit_distance, clock,
                                supersedes, adjudication)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        d.id,
        item_id,
        version,
        d.reviewer,
        d.action,
        d.edited
            .as_ref()
            .map(|e: &EditedContent| serde_json::to_string(e).expect("edit serializes")),
        d.reason,
        d.note,
        d.decided_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        d.reverts,
        distance,
        d.clock,
        (!d.supersedes.is_empty())
            .then(|| serde_json::to_string(&d.supersedes).expect("ids serialize")),
        d.adjudication,
    ])?;
    if let Some(batch) = &d.batch {
        add_to_batch(tx, &d.id, &batch.id, &batch.rule)?;
    }
    if let Some(answers) = &d.form {
        merge_answers(tx, &d.id, answers)?;
    }
    insert_claims(tx, &d.id, &checked_claims(tx, &d.item, &d.claims)?)?;
    if let Some(pick) = d.pick {
        insert_pick(tx, &d.id, pick)?;
    }
    Ok(true)
}

/// What a bundled decision's pick is checked against.
fn picking(d: &BundleDecision) -> Picking<'_> {
    Picking {
        item: &d.item,
        action: d.action,
        edited: d.edited.as_ref(),
    }
}
