//! Schema migrations: numbered files in `migrations/`, listed here explicitly (so no build script
//! is needed to notice a new file), applied in order, each in one transaction that also sets
//! `PRAGMA user_version`. Only ever add new migrations to the end.
//!
//! Foreign keys are off while migrations run (a migration may rebuild a referenced table, since
//! SQLite cannot alter a CHECK constraint) and `PRAGMA foreign_key_check` must come back empty
//! before each migration commits.

use super::Store;
use crate::error::{Error, Result};

pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
    /// Set when the migration edits a table's definition in `sqlite_schema` in place (SQLite's
    /// documented procedure for loosening a constraint without rebuilding the table).
    pub edits_schema: Option<SchemaEdit>,
}

/// A table definition a migration edits in place: the runner then increments `schema_version`
/// (so every connection, this one included, re-reads the schema) and refuses the migration,
/// changing nothing, unless the table's definition now contains `now_contains`.
pub struct SchemaEdit {
    pub table: &'static str,
    pub now_contains: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init.sql",
        sql: include_str!("../../migrations/0001_init.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0002_products.sql",
        sql: include_str!("../../migrations/0002_products.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0003_llm.sql",
        sql: include_str!("../../migrations/0003_llm.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0004_import_staging_and_search.sql",
        sql: include_str!("../../migrations/0004_import_staging_and_search.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0005_review_workspace.sql",
        sql: include_str!("../../migrations/0005_review_workspace.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0006_team_review.sql",
        sql: include_str!("../../migrations/0006_team_review.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0007_guidelines.sql",
        sql: include_str!("../../migrations/0007_guidelines.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0008_stats_indexes.sql",
        sql: include_str!("../../migrations/0008_stats_indexes.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0009_stats_covering_indexes.sql",
        sql: include_str!("../../migrations/0009_stats_covering_indexes.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0010_stats_aggregates.sql",
        sql: include_str!("../../migrations/0010_stats_aggregates.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0011_product_sources.sql",
        sql: include_str!("../../migrations/0011_product_sources.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0012_decision_batches.sql",
        sql: include_str!("../../migrations/0012_decision_batches.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0013_relation_assessments.sql",
        sql: include_str!("../../migrations/0013_relation_assessments.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0014_alignment.sql",
        sql: include_str!("../../migrations/0014_alignment.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0015_prompt_revisions.sql",
        sql: include_str!("../../migrations/0015_prompt_revisions.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0016_review_forms.sql",
        sql: include_str!("../../migrations/0016_review_forms.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0017_claim_checks.sql",
        sql: include_str!("../../migrations/0017_claim_checks.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0018_comparisons.sql",
        sql: include_str!("../../migrations/0018_comparisons.sql"),
        edits_schema: Some(SchemaEdit {
            table: "items",
            now_contains: "'comparison'",
        }),
    },
    Migration {
        name: "0019_relationship_index.sql",
        sql: include_str!("../../migrations/0019_relationship_index.sql"),
        edits_schema: None,
    },
    Migration {
        name: "0020_run_by.sql",
        sql: include_str!("../../migrations/0020_run_by.sql"),
        edits_schema: None,
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
    // A no-op inside a transaction, so it is switched here, around the migrations.
    store.conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_pending(store, found);
    store.conn.pragma_update(None, "foreign_keys", true)?;
    applied
}

fn apply_pending(store: &mut Store, found: i64) -> Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        store.write(|tx| {
            // Another process may have migrated while we waited for the write lock.
            let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if current >= version {
                return Ok(());
            }
            tx.execute_batch(migration.sql)?;
            if let Some(edit) = &migration.edits_schema {
                let cookie: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
                tx.pragma_update(None, "schema_version", cookie + 1)?;
                let edited: bool = tx.query_row(
                    "SELECT coalesce(max(instr(sql, ?2) > 0), 0) FROM sqlite_schema
                     WHERE type = 'table' AND name = ?1",
                    [edit.table, edit.now_contains],
                    |r| r.get(0),
                )?;
                if !edited {
                    return Err(Error::BadRequest(format!(
                        "migration {} did not find the definition of table {} it edits; \
                         nothing was changed",
                        migration.name, edit.table
                    )));
                }
            }
            let dangling: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if dangling > 0 {
                return Err(Error::BadRequest(format!(
                    "migration {} would leave {dangling} dangling references; nothing was changed",
                    migration.name
                )));
            }
            tx.pragma_update(None, "user_version", version)?;
            Ok(())
        })?;
    }
    Ok(())
}
