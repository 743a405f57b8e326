//! Reviewer profiles (name, role, stamp) and the current reviewer of this database.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Store, now_text, parse_json};
use crate::error::{Error, Result};
use crate::team::{ReviewerProfile, Role};

pub(super) fn role_of(conn: &Connection, reviewer: &str) -> Result<Option<Role>> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM reviewers WHERE name = ?1")?
        .query_row([reviewer], |r| r.get(0))
        .optional()?;
    Ok(role.and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok()))
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

/// Errors (`Forbidden`) unless `reviewer` is an adjudicator.
pub(super) fn ensure_adjudicator(conn: &Connection, reviewer: &str) -> Result<()> {
    if role_of(conn, reviewer)? == Some(Role::Adjudicator) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "'{reviewer}' is not an adjudicator; only adjudicators record final decisions"
        )))
    }
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
            return Err(Error::NotFound(format!(
                "no reviewer '{name}'; add the reviewer first"
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
}
