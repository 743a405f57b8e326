//! Schema migrations: numbered files in `migrations/`, listed here explicitly (so no build script
//! is needed to notice a new file), applied in order, each in one transaction that also sets
//! `PRAGMA user_version`. Only ever add new migrations to the end.

use super::Store;
use crate::error::{Error, Result};

pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init.sql",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        name: "0002_products.sql",
        sql: include_str!("../../migrations/0002_products.sql"),
    },
    Migration {
        name: "0003_llm.sql",
        sql: include_str!("../../migrations/0003_llm.sql"),
    },
    Migration {
        name: "0004_import_staging_and_search.sql",
        sql: include_str!("../../migrations/0004_import_staging_and_search.sql"),
    },
];

pub(super) fn apply(store: &mut Store) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let found = store.schema_version()?;
    if found > known {
        return Err(Error::SchemaTooNew {
            path: store.path.clone(),
            found,
            known,
        });
    }
    if found > 0 && found < known {
        // Never migrate user data without a way back.
        store.backup_to(&super::backup::pre_migration_path(&store.path, found))?;
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        store.write(|tx| {
            // Another process may have migrated while we waited for the write lock.
            let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if current >= version {
                return Ok(());
            }
            tx.execute_batch(migration.sql)?;
            tx.pragma_update(None, "user_version", version)?;
            Ok(())
        })?;
    }
    Ok(())
}
