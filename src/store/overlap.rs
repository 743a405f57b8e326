//! Required overlap: how many independent reviews the items of a scope (default, domain,
//! import) need. Changing it re-projects every decided item.

use rusqlite::{OptionalExtension, params};

use super::projection::reproject_decided;
use super::{Store, now_text};
use crate::error::{Error, Result};

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

impl Store {
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

    /// Gives the items `external_ids` (merged ones: of no import) an overlap of `k` of their
    /// own, whatever their domain's:
    /// they join the import "overlap k (team server)" (made once, its overlap set to k), whose
    /// setting comes first. A team server sets k per item (its import's `--overlap`), which a
    /// snapshot keeps this way. Re-projects the decided items, as [`Store::set_overlap`] does.
    pub(crate) fn keep_overlap(&mut self, k: u32, external_ids: &[String]) -> Result<()> {
        if !(1..=100).contains(&k) {
            return Err(Error::BadRequest(format!(
                "required reviews must be 1–100, not {k}"
            )));
        }
        let source = format!("overlap {k} (team server)");
        self.write(|tx| {
            let existing: Option<i64> = tx
                .prepare_cached("SELECT id FROM imports WHERE source = ?1 AND file_sha256 = ''")?
                .query_row([&source], |r| r.get(0))
                .optional()?;
            let import = match existing {
                Some(id) => id,
                None => {
                    tx.execute(
                        "INSERT INTO imports (source, file_sha256, items_new, items_present,
                                              imported_at)
                         VALUES (?1, '', 0, 0, ?2)",
                        params![source, now_text()],
                    )?;
                    let id = tx.last_insert_rowid();
                    tx.execute(
                        "INSERT INTO review_overlap (scope, key, k) VALUES ('import', ?1, ?2)",
                        params![id.to_string(), k],
                    )?;
                    id
                }
            };
            let mut assign = tx.prepare_cached(
                "UPDATE items SET import_id = ?1 WHERE external_id = ?2 AND import_id IS NULL",
            )?;
            for id in external_ids {
                assign.execute(params![import, id])?;
            }
            reproject_decided(tx)?;
            Ok(())
        })
    }
}
