//! The team server's schema: `migrations/postgres/NNNN_*.sql`, applied in order by `vetted team
//! init`, each in its own transaction with its version, under an advisory lock so two
//! administrators upgrading at once apply each migration once. Append-only once landed, like the
//! SQLite series.

use postgres::Client;

use super::{TeamServer, reason, refusal, server_error};
use crate::error::Result;

/// The schema every Vetted object lives in.
pub const SCHEMA: &str = "vetted";

/// `(version, name, sql)`, in order; versions are 1, 2, … without gaps.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_team_server",
        include_str!("../../migrations/postgres/0001_team_server.sql"),
    ),
    (
        2,
        "0002_search_and_counts",
        include_str!("../../migrations/postgres/0002_search_and_counts.sql"),
    ),
    (
        3,
        "0003_guidelines",
        include_str!("../../migrations/postgres/0003_guidelines.sql"),
    ),
    (
        4,
        "0004_annotations",
        include_str!("../../migrations/postgres/0004_annotations.sql"),
    ),
    (
        5,
        "0005_announce_annotations",
        include_str!("../../migrations/postgres/0005_announce_annotations.sql"),
    ),
    (
        6,
        "0006_stats_outcomes",
        include_str!("../../migrations/postgres/0006_stats_outcomes.sql"),
    ),
    (
        7,
        "0007_review_forms_and_claims",
        include_str!("../../migrations/postgres/0007_review_forms_and_claims.sql"),
    ),
    (
        8,
        "0008_risk_and_likely_orders",
        include_str!("../../migrations/postgres/0008_risk_and_likely_orders.sql"),
    ),
    (
        9,
        "0009_claims_by_index",
        include_str!("../../migrations/postgres/0009_claims_by_index.sql"),
    ),
    (
        10,
        "0010_data_products",
        include_str!("../../migrations/postgres/0010_data_products.sql"),
    ),
    (
        11,
        "0011_decision_batches",
        include_str!("../../migrations/postgres/0011_decision_batches.sql"),
    ),
    (
        12,
        "0012_readable_product_json",
        include_str!("../../migrations/postgres/0012_readable_product_json.sql"),
    ),
    (
        13,
        "0013_vetting_runs",
        include_str!("../../migrations/postgres/0013_vetting_runs.sql"),
    ),
    (
        14,
        "0014_alignment_runs",
        include_str!("../../migrations/postgres/0014_alignment_runs.sql"),
    ),
    (
        15,
        "0015_relation_assessments",
        include_str!("../../migrations/postgres/0015_relation_assessments.sql"),
    ),
    (
        16,
        "0016_reviewers_per_database",
        include_str!("../../migrations/postgres/0016_reviewers_per_database.sql"),
    ),
    (
        17,
        "0017_claim_plans",
        include_str!("../../migrations/postgres/0017_claim_plans.sql"),
    ),
];

/// Any number: what matters is that every Vetted migration takes the same lock.
pub(super) const MIGRATION_LOCK: i64 = 0x7665_7474_6564; // "vetted"

/// The applied version: `None` when the database has no Vetted schema.
pub(super) fn version(client: &mut Client) -> std::result::Result<Option<i64>, postgres::Error> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[&format!("{SCHEMA}.schema_migrations")],
        )?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client.query_one(
        &format!("SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_migrations"),
        &[],
    )?;
    Ok(Some(row.get::<_, i32>(0).into()))
}

impl TeamServer {
    /// Creates or upgrades the Vetted schema on the server at `url`, signed in as an
    /// administrator (a role that may create schemas and roles). Returns the signed-in session
    /// and how many migrations it applied (0: already current).
    pub fn init(url: &str) -> Result<(TeamServer, usize)> {
        let mut session = TeamServer::sign_in(url, None)?;
        let applied = session.migrate()?;
        Ok((session, applied))
    }

    fn migrate(&mut self) -> Result<usize> {
        let server = self.server.clone();
        let mut applied = 0;
        for &(version, name, sql) in MIGRATIONS {
            let mut tx = self
                .client
                .transaction()
                .map_err(|e| server_error(&server, e))?;
            let done = (|| {
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
                tx.batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {SCHEMA};
                     CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations (
                         version    integer PRIMARY KEY,
                         name       text        NOT NULL,
                         applied_at timestamptz NOT NULL DEFAULT now());
                     SET LOCAL search_path = {SCHEMA}, pg_temp;"
                ))?;
                let present: bool = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
                        &[&(version as i32)],
                    )?
                    .get(0);
                if present {
                    return Ok(false);
                }
                tx.batch_execute(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    &[&(version as i32), &name],
                )?;
                Ok(true)
            })();
            match done {
                Ok(new) => {
                    tx.commit().map_err(|e| server_error(&server, e))?;
                    applied += usize::from(new);
                }
                Err(e) => {
                    return Err(refusal(
                        &server,
                        &format!("migration {name} failed: {}", reason(&e)),
                    ));
                }
            }
        }
        Ok(applied)
    }
}
