//! Keyboard overrides: the reviewer's own binding for an action id. The UI owns the action ids,
//! the defaults and conflict detection; the store only persists `action → binding`.

use rusqlite::params;

use super::Store;
use crate::domain::KeyBinding;
use crate::error::{Error, Result};

impl Store {
    /// Every override, sorted by action id.
    pub fn keymap_overrides(&self) -> Result<Vec<KeyBinding>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT action, binding FROM keymap_overrides ORDER BY action")?;
        let rows = stmt.query_map([], |r| {
            Ok(KeyBinding {
                action: r.get(0)?,
                binding: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces all overrides at once (the UI validates conflicts before saving).
    pub fn set_keymap_overrides(&mut self, overrides: &[KeyBinding]) -> Result<()> {
        if let Some(bad) = overrides
            .iter()
            .find(|b| b.action.trim().is_empty() || b.binding.trim().is_empty())
        {
            return Err(Error::BadRequest(format!(
                "override '{}' → '{}' needs an action and a binding",
                bad.action, bad.binding
            )));
        }
        self.write(|tx| {
            tx.execute("DELETE FROM keymap_overrides", [])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO keymap_overrides (action, binding) VALUES (?1, ?2)",
            )?;
            for b in overrides {
                insert.execute(params![b.action, b.binding])?;
            }
            Ok(())
        })
    }
}
