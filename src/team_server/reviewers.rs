//! Reviewers are PostgreSQL logins; analyst, SME and adjudicator are group roles
//! (`vetted_analyst`, `vetted_sme`, `vetted_adjudicator`, all members of `vetted_reviewer`).

use super::{TeamServer, server_error};
use crate::error::{Error, Result};
use crate::team::Role;

/// The group role of a team role.
pub fn group_role(role: Role) -> &'static str {
    match role {
        Role::Analyst => "vetted_analyst",
        Role::Sme => "vetted_sme",
        Role::Adjudicator => "vetted_adjudicator",
    }
}

impl TeamServer {
    /// Creates the login `name` (or keeps an existing one) and makes it a member of `role`'s
    /// group. `password` is sent as a SCRAM-SHA-256 verifier computed here, so the server (and
    /// its statement log) never sees it in clear; `None` creates a login without a password,
    /// for servers that authenticate otherwise (peer, certificates). Needs CREATEROLE.
    pub fn add_reviewer(&mut self, name: &str, role: Role, password: Option<&str>) -> Result<()> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid || name.starts_with("vetted_") || name.starts_with("pg_") {
            return Err(Error::BadRequest(format!(
                "'{name}' cannot be a reviewer's login: use 1–63 letters, digits, '_', '.' or \
                 '-', not starting with 'vetted_' or 'pg_'"
            )));
        }
        let verifier = password.map(|p| postgres_protocol::password::scram_sha_256(p.as_bytes()));
        let server = self.server.clone();
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| server_error(&server, e))?;
        let exists: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                &[&name],
            )
            .map_err(|e| server_error(&server, e))?
            .get(0);
        // Identifiers and the verifier are quoted by the server's own format().
        let statements: Vec<String> = tx
            .query(
                "SELECT format('CREATE ROLE %I LOGIN', $1::text) WHERE NOT $4
                 UNION ALL
                 SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)
                  WHERE $2::text IS NOT NULL
                 UNION ALL
                 SELECT format('GRANT %I TO %I', $3::text, $1::text)",
                &[&name, &verifier, &group_role(role), &exists],
            )
            .map_err(|e| server_error(&server, e))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for statement in statements {
            tx.batch_execute(&statement)
                .map_err(|e| server_error(&server, e))?;
        }
        tx.commit().map_err(|e| server_error(&server, e))
    }
}
