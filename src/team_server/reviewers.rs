//! Reviewers are PostgreSQL logins; analyst, SME and adjudicator are group roles
//! (`vetted_analyst`, `vetted_sme`, `vetted_adjudicator`, all members of `vetted_reviewer`).
//! Roles are the cluster's; a database's reviewers are the logins it lets connect (migration
//! `0016_reviewers_per_database.sql` takes CONNECT from PUBLIC).

use postgres::Transaction;
use serde::Serialize;
use ts_rs::TS;

use super::migrations::MIGRATION_LOCK;
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
    /// for servers that authenticate otherwise (peer, certificates). The login may then sign in
    /// to this database (and no other it was not added to). Needs CREATEROLE and the database's
    /// ownership.
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
        lock_the_door(&mut tx, &server, "adds reviewers to it")?;
        let exists: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                &[&name],
            )
            .map_err(|e| server_error(&server, e))?
            .get(0);
        // A login's password is the cluster's: set here, it would open the other databases the
        // login reviews to whoever owns this one.
        if exists && verifier.is_some() {
            let elsewhere: Option<String> = tx
                .query_one(
                    "SELECT string_agg(datname, ', ' ORDER BY datname) FROM pg_database
                      WHERE datname <> current_database() AND datallowconn
                        AND has_database_privilege($1, oid, 'CONNECT')
                        AND NOT has_database_privilege('public', oid, 'CONNECT')",
                    &[&name],
                )
                .map_err(|e| server_error(&server, e))?
                .get(0);
            if let Some(databases) = elsewhere {
                return Err(Error::Forbidden(format!(
                    "{name} may already sign in to {databases} on this server, with a password \
                     of their own: add them here without a password (they sign in with the one \
                     they have); nothing was changed"
                )));
            }
        }
        // Identifiers and the verifier are quoted by the server's own format().
        let statements: Vec<String> = tx
            .query(
                "SELECT format('CREATE ROLE %I LOGIN', $1::text) WHERE NOT $4
                 UNION ALL
                 SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)
                  WHERE $2::text IS NOT NULL
                 UNION ALL
                 SELECT format('GRANT %I TO %I', $3::text, $1::text)
                 UNION ALL
                 SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), $1::text)",
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

    /// Takes this database's door from the login `name`: it signs in here no more (its other
    /// databases keep it), the items it holds go back to the queue now, and its open sessions
    /// here are closed when the signed-in role may signal them; one left open writes nothing
    /// more (migration 0016). Its decisions stay in the log.
    ///
    /// Errors: `NotFound` for a login that does not review here; `BadRequest` (nothing changed)
    /// when it would still connect — a superuser, the database's owner, or a member of a role
    /// that may; `Forbidden` unless signed in as the database's owner.
    pub fn remove_reviewer(&mut self, name: &str) -> Result<RemovedReviewer> {
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        lock_the_door(&mut tx, &server, "removes reviewers from it")?;
        let reviews_here: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1 AND rolcanlogin
                                   AND has_database_privilege(oid, current_database(), 'CONNECT'))",
                &[&name],
            )
            .map_err(failed)?
            .get(0);
        if !reviews_here {
            return Err(Error::NotFound(format!(
                "'{name}' is not a reviewer of this database; nothing was changed"
            )));
        }
        let revoke: String = tx
            .query_one(
                "SELECT format('REVOKE CONNECT ON DATABASE %I FROM %I', current_database(), $1::text)",
                &[&name],
            )
            .map_err(failed)?
            .get(0);
        tx.batch_execute(&revoke).map_err(failed)?;
        let still: bool = tx
            .query_one(
                "SELECT has_database_privilege($1, current_database(), 'CONNECT')",
                &[&name],
            )
            .map_err(failed)?
            .get(0);
        if still {
            return Err(Error::BadRequest(format!(
                "'{name}' would still sign in here: it is a superuser, owns this database, or \
                 belongs to a role that may connect; nothing was changed"
            )));
        }
        // After the claims in flight (claims take turns under this lock; a later one of the
        // login's is refused).
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('vetted.claim_items'))",
            &[],
        )
        .map_err(failed)?;
        let leases_released = tx
            .execute("DELETE FROM leases WHERE reviewer = $1", &[&name])
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
        // After the commit: a session that reconnects now is refused.
        let (sessions_closed, sessions_open) = self.close_sessions_of(name);
        Ok(RemovedReviewer {
            leases_released,
            sessions_closed,
            sessions_open,
        })
    }

    /// Closes `name`'s sessions on this database when the signed-in role may signal them (a
    /// superuser, or a member of `pg_signal_backend`); returns how many were closed and how
    /// many stay open. Never fails: the removal it follows is done already.
    fn close_sessions_of(&mut self, name: &str) -> (u64, u64) {
        const THEIRS: &str = "SELECT pid FROM pg_stat_activity
                               WHERE usename = $1 AND datname = current_database()
                                 -- NULL for a role that may not read others' details
                                 AND coalesce(backend_type, 'client backend') = 'client backend'";
        let closed = self.client.query_one(
            &format!(
                "SELECT count(*) FILTER (WHERE CASE WHEN may THEN pg_terminate_backend(pid, 5000) END),
                        count(*) FILTER (WHERE NOT may)
                   FROM ({THEIRS}) theirs,
                        (SELECT pg_has_role('pg_signal_backend', 'USAGE')
                                OR (SELECT rolsuper FROM pg_roles
                                     WHERE rolname = current_user) AS may) m"
            ),
            &[&name],
        );
        let count = |row: &postgres::Row, column| row.get::<_, i64>(column) as u64;
        match closed {
            Ok(row) => (count(&row, 0), count(&row, 1)),
            Err(_) => match self
                .client
                .query_one(&format!("SELECT count(*) FROM ({THEIRS}) theirs"), &[&name])
            {
                Ok(row) => (0, count(&row, 0)),
                Err(_) => (0, 0),
            },
        }
    }

    /// The logins that may sign in to this database as reviewers, by name, with their team
    /// roles (superusers and the database's owner left out: they are its administrators), and
    /// whether the signed-in login may change that list. Any reviewer may read it.
    pub fn reviewers(&mut self) -> Result<TeamReviewers> {
        let here = self
            .client
            .query_one(
                "SELECT current_database()::text,
                        has_database_privilege(current_database(), 'CONNECT WITH GRANT OPTION')",
                &[],
            )
            .map_err(|e| self.failed(e))?;
        let rows = self
            .client
            .query(
                "SELECT r.rolname::text,
                        pg_has_role(r.oid, 'vetted_analyst', 'MEMBER'),
                        pg_has_role(r.oid, 'vetted_sme', 'MEMBER'),
                        pg_has_role(r.oid, 'vetted_adjudicator', 'MEMBER')
                   FROM pg_roles r
                  WHERE r.rolcanlogin AND NOT r.rolsuper
                    AND pg_has_role(r.oid, 'vetted_reviewer', 'MEMBER')
                    AND has_database_privilege(r.oid, current_database(), 'CONNECT')
                    AND r.oid <> (SELECT datdba FROM pg_database
                                   WHERE datname = current_database())
                  ORDER BY 1",
                &[],
            )
            .map_err(|e| self.failed(e))?;
        let reviewers = rows
            .iter()
            .map(|r| TeamReviewer {
                login: r.get(0),
                roles: [Role::Analyst, Role::Sme, Role::Adjudicator]
                    .into_iter()
                    .zip(1..)
                    .filter(|&(_, column)| r.get::<_, bool>(column))
                    .map(|(role, _)| role)
                    .collect(),
            })
            .collect();
        Ok(TeamReviewers {
            database: here.get(0),
            may_manage: here.get(1),
            reviewers,
        })
    }
}

/// Takes the lock every change of who connects takes (two grants on one database at once
/// would race on its catalog row), then checks the signed-in role owns this database (or is a
/// superuser): only it decides who connects. `Forbidden` otherwise; `what` the owner does, for
/// the message.
fn lock_the_door(tx: &mut Transaction<'_>, server: &str, what: &str) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| server_error(server, e))?;
    let row = tx
        .query_one(
            "SELECT has_database_privilege(current_database(), 'CONNECT WITH GRANT OPTION'),
                    current_database()::text",
            &[],
        )
        .map_err(|e| server_error(server, e))?;
    match row.get(0) {
        true => Ok(()),
        false => Err(Error::Forbidden(format!(
            "only the owner of database {} {what}; sign in as its owner",
            row.get::<_, String>(1)
        ))),
    }
}

/// What [`TeamServer::remove_reviewer`] did besides closing the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RemovedReviewer {
    /// Items the login held, back in the queue.
    #[ts(type = "number")]
    pub leases_released: u64,
    /// Its sessions on this database, closed.
    #[ts(type = "number")]
    pub sessions_closed: u64,
    /// Its sessions left open (the signed-in role may not signal them): they end when they
    /// disconnect, and sign in here no more.
    #[ts(type = "number")]
    pub sessions_open: u64,
}

/// Who may sign in to a team database ([`TeamServer::reviewers`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TeamReviewers {
    /// The database's name on its server.
    pub database: String,
    /// The signed-in login owns the database (or is a superuser), so it adds and removes
    /// reviewers; anyone else only reads the list.
    pub may_manage: bool,
    /// By login.
    pub reviewers: Vec<TeamReviewer>,
}

/// A login that may sign in to the database, with its team roles (one, unless given more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TeamReviewer {
    pub login: String,
    pub roles: Vec<Role>,
}
