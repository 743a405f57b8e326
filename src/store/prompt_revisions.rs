//! Per-domain revisions of the prompt templates (`roles::prompts`), append-only: the latest
//! revision of a (domain, template) is in force; one without a body returns the domain to the
//! built-in template. The store keeps text and versions; which template a name means, how a
//! version is derived and what a body may hold are `roles::prompts`' rules.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, now_text, parse_time};
use crate::error::Result;

/// One revision of a domain's prompt template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PromptRevision {
    #[ts(type = "number")]
    pub id: i64,
    pub domain: String,
    pub template: String,
    /// The template text (`{{domain}}` not yet replaced); `None`: back to the built-in one.
    pub body: Option<String>,
    /// What calls made with it record.
    pub version: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, domain, template, body, version, author, created_at";

fn read(r: &Row<'_>) -> rusqlite::Result<PromptRevision> {
    Ok(PromptRevision {
        id: r.get(0)?,
        domain: r.get(1)?,
        template: r.get(2)?,
        body: r.get(3)?,
        version: r.get(4)?,
        author: r.get(5)?,
        created_at: parse_time(r.get_ref(6)?.as_str()?)?,
    })
}

impl Store {
    /// Every revision of `template` in `domain`, newest first.
    pub fn prompt_revisions(&self, domain: &str, template: &str) -> Result<Vec<PromptRevision>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM prompt_revisions WHERE domain = ?1 AND template = ?2
             ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map(params![domain, template], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The revision of `template` in force in `domain`: the latest, unless it returned the
    /// domain to the built-in template (or there is none).
    pub fn prompt_in_force(&self, domain: &str, template: &str) -> Result<Option<PromptRevision>> {
        let latest = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM prompt_revisions WHERE domain = ?1 AND template = ?2
                 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(params![domain, template], read)
            .optional()?;
        Ok(latest.filter(|r| r.body.is_some()))
    }

    /// Appends a revision; `body: None` returns the domain to the built-in template.
    pub fn add_prompt_revision(
        &mut self,
        domain: &str,
        template: &str,
        body: Option<&str>,
        version: &str,
        author: &str,
    ) -> Result<PromptRevision> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO prompt_revisions (domain, template, body, version, author, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![domain, template, body, version, author, now_text()],
            )?;
            let id = tx.last_insert_rowid();
            Ok(tx.query_row(
                &format!("SELECT {COLUMNS} FROM prompt_revisions WHERE id = ?1"),
                [id],
                read,
            )?)
        })
    }
}
