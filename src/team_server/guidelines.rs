//! Review guidelines on the team server, with the local store's contract
//! ([`crate::Store::guidelines`] and its siblings): oldest first, archived ones never listed, a
//! note promoted at most once. The server stamps every entry with the login and its own time
//! and refuses what a role may not do (see `0003_guidelines.sql`): a reviewer edits and archives
//! their own entries, SMEs and adjudicators anyone's.

use postgres::Row;

use super::TeamServer;
use crate::error::{Error, Result};
use crate::store::{Guideline, checked_guideline, no_guideline, parse_time};

/// A query of guidelines as [`read`] reads them, ending in `$condition`.
macro_rules! select_guidelines {
    ($condition:literal) => {
        concat!(
            "SELECT g.id, g.domain, g.body, i.external_id, g.source_decision, g.created_by,
                    g.created_at, g.updated_by, g.updated_at
               FROM guidelines g LEFT JOIN items i ON i.id = g.source_item ",
            $condition
        )
    };
}

impl TeamServer {
    /// The domain's guidelines, oldest first.
    pub fn guidelines(&mut self, domain: &str) -> Result<Vec<Guideline>> {
        let statement = self.prepared(select_guidelines!(
            "WHERE g.domain = $1 AND NOT g.archived ORDER BY g.id"
        ))?;
        let rows = self
            .client
            .query(&statement, &[&domain])
            .map_err(|e| self.failed(e))?;
        rows.iter().map(read).collect()
    }

    /// Adds a guideline to `domain`, as the login.
    pub fn add_guideline(&mut self, domain: &str, body: &str) -> Result<Guideline> {
        let domain = domain.trim();
        if domain.is_empty() {
            return Err(Error::BadRequest("a guideline needs a domain".into()));
        }
        let body = checked_guideline(body)?;
        let statement =
            self.prepared("INSERT INTO guidelines (domain, body) VALUES ($1, $2) RETURNING id")?;
        let id: i64 = self
            .client
            .query_one(&statement, &[&domain, &body])
            .map_err(|e| self.failed(e))?
            .get(0);
        self.guideline(id)
    }

    /// Promotes the note of decision `decision_id` (one the login may read) into a guideline
    /// of its item's domain, linked to the item and decision; promoting it again returns the
    /// same entry. The note is checked here first, for a clear message; the server checks it
    /// again and fills in the body, item and domain itself.
    pub fn promote_note(&mut self, decision_id: &str) -> Result<Guideline> {
        if let Some(id) = self.promoted(decision_id)? {
            return self.guideline(id);
        }
        let note_of = self.prepared("SELECT note FROM decisions WHERE id = $1")?;
        let note: Option<String> = self
            .client
            .query_opt(&note_of, &[&decision_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::NotFound(format!("no decision with id '{decision_id}'")))?
            .get(0);
        if note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(Error::BadRequest(format!(
                "decision '{decision_id}' has no note to promote; add a guideline instead"
            )));
        }
        checked_guideline(note.as_deref().unwrap_or_default())?;
        let add = self.prepared(
            "INSERT INTO guidelines (source_decision) VALUES ($1)
             ON CONFLICT (source_decision) WHERE source_decision IS NOT NULL DO NOTHING
             RETURNING id",
        )?;
        let added = self
            .client
            .query_opt(&add, &[&decision_id])
            .map_err(|e| self.failed(e))?;
        // Nothing added: another session promoted it meanwhile, which a new statement sees.
        let id = match added {
            Some(row) => row.get(0),
            None => self
                .promoted(decision_id)?
                .ok_or_else(|| Error::NotFound(format!("no decision with id '{decision_id}'")))?,
        };
        self.guideline(id)
    }

    /// The guideline promoted from decision `decision_id`, if any.
    fn promoted(&mut self, decision_id: &str) -> Result<Option<i64>> {
        let statement = self.prepared("SELECT id FROM guidelines WHERE source_decision = $1")?;
        Ok(self
            .client
            .query_opt(&statement, &[&decision_id])
            .map_err(|e| self.failed(e))?
            .map(|r| r.get(0)))
    }

    /// Replaces a guideline's text (the login's own entry; an SME or adjudicator: anyone's).
    pub fn update_guideline(&mut self, id: i64, body: &str) -> Result<Guideline> {
        let body = checked_guideline(body)?;
        let statement =
            self.prepared("UPDATE guidelines SET body = $2 WHERE id = $1 AND NOT archived")?;
        self.change_guideline(id, &statement, &[&id, &body])?;
        self.guideline(id)
    }

    /// Archives a guideline: it is no longer listed (the same rights as an edit).
    pub fn archive_guideline(&mut self, id: i64) -> Result<()> {
        let statement =
            self.prepared("UPDATE guidelines SET archived = true WHERE id = $1 AND NOT archived")?;
        self.change_guideline(id, &statement, &[&id])
    }

    /// Runs an update of guideline `id`; says why when it changed nothing: gone (or archived),
    /// or another reviewer's entry the login's role may not change.
    fn change_guideline(
        &mut self,
        id: i64,
        statement: &postgres::Statement,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<()> {
        let changed = self
            .client
            .execute(statement, params)
            .map_err(|e| self.failed(e))?;
        if changed > 0 {
            return Ok(());
        }
        let author =
            self.prepared("SELECT created_by FROM guidelines WHERE id = $1 AND NOT archived")?;
        match self
            .client
            .query_opt(&author, &[&id])
            .map_err(|e| self.failed(e))?
        {
            Some(row) => Err(Error::Forbidden(format!(
                "guideline #{id} is {}'s: only its author, an SME or an adjudicator changes it",
                row.get::<_, String>(0)
            ))),
            None => Err(no_guideline(id)),
        }
    }

    fn guideline(&mut self, id: i64) -> Result<Guideline> {
        let statement = self.prepared(select_guidelines!("WHERE g.id = $1"))?;
        let row = self
            .client
            .query_opt(&statement, &[&id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| no_guideline(id))?;
        read(&row)
    }
}

/// A guideline from the columns [`select_guidelines`] names.
pub(super) fn read(r: &Row) -> Result<Guideline> {
    Ok(Guideline {
        id: r.get(0),
        domain: r.get(1),
        body: r.get(2),
        source_item: r.get(3),
        source_decision: r.get(4),
        created_by: r.get(5),
        created_at: parse_time(r.get(6))?,
        updated_by: r.get(7),
        updated_at: parse_time(r.get(8))?,
    })
}
