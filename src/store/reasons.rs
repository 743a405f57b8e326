//! The reject-reason taxonomy, stored in `reject_reasons` (seeded with the seven defaults) so a
//! team can extend it with `vetted reasons add`. Decisions store the reason id.

use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use crate::domain::RejectReason;
use crate::error::{Error, Result};

impl Store {
    /// The taxonomy in the order shown to reviewers (keys 1–9 pick the first nine).
    pub fn reject_reasons(&self) -> Result<Vec<RejectReason>> {
        all(&self.conn)
    }

    /// The id of the reason `id_or_label` names: its id, or its label in any case (as
    /// `vetted reasons list` and the app show it). Decisions store the id. Errors: `BadRequest`
    /// listing the valid ids when no reason matches.
    pub fn reject_reason_id(&self, id_or_label: &str) -> Result<String> {
        let text = id_or_label.trim();
        let reasons = all(&self.conn)?;
        let by_id = reasons.iter().find(|r| r.id == text);
        let by_label = || {
            let label = text.to_lowercase();
            reasons.iter().find(|r| r.label.to_lowercase() == label)
        };
        match by_id.or_else(by_label) {
            Some(reason) => Ok(reason.id.clone()),
            None => Err(unknown(text, &reasons)),
        }
    }

    /// Appends a reason at the end of the taxonomy. Errors: `BadRequest` for a malformed id or
    /// an empty label, `Duplicate` for an id already used.
    pub fn add_reject_reason(&mut self, id: &str, label: &str) -> Result<RejectReason> {
        let well_formed = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(Error::BadRequest(format!(
                "reason id '{id}' must be lowercase letters, digits and underscores"
            )));
        }
        if label.trim().is_empty() {
            return Err(Error::BadRequest("the reason label is empty".to_owned()));
        }
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM reject_reasons WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Err(Error::Duplicate(format!("reason '{id}' already exists")));
            }
            tx.execute(
                "INSERT INTO reject_reasons (id, label, position)
                 SELECT ?1, ?2, coalesce(max(position), 0) + 1 FROM reject_reasons",
                params![id, label.trim()],
            )?;
            Ok(RejectReason {
                id: id.to_owned(),
                label: label.trim().to_owned(),
            })
        })
    }
}

fn all(conn: &Connection) -> Result<Vec<RejectReason>> {
    let mut stmt = conn.prepare_cached("SELECT id, label FROM reject_reasons ORDER BY position")?;
    let rows = stmt.query_map([], |r| {
        Ok(RejectReason {
            id: r.get(0)?,
            label: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Errors with the list of valid ids when `reason` is not in the taxonomy.
pub(super) fn ensure_known(conn: &Connection, reason: &str) -> Result<()> {
    let reasons = all(conn)?;
    if reasons.iter().any(|r| r.id == reason) {
        return Ok(());
    }
    Err(unknown(reason, &reasons))
}

fn unknown(reason: &str, reasons: &[RejectReason]) -> Error {
    let ids: Vec<&str> = reasons.iter().map(|r| r.id.as_str()).collect();
    Error::BadRequest(format!(
        "unknown reject reason '{reason}'; use one of: {}",
        ids.join(", ")
    ))
}
