//! The team server: many reviewers on one PostgreSQL database, the server deciding who may do
//! what (see `migrations/postgres/0001_team_server.sql` for what it enforces).
//!
//! Invariants:
//! - Identity is the PostgreSQL login: [`TeamServer::reviewer`] is `session_user`, and every
//!   decision is stamped with it by the server, whatever the client sends.
//! - The password never reaches a database, log or export: a URL that carries one is refused;
//!   it comes from `PGPASSWORD` or the OS keyring (entry = the URL without its TLS parameters,
//!   normalised as `vetted products set-password` stores it), as for PostgreSQL products.
//! - The domain rules (a decision's checks, what it supersedes, the item's projection) are the
//!   core's, shared with the local store ([`crate::decision_rules`], [`crate::team::resolve`]);
//!   only the SQL here is PostgreSQL's.
//! - TLS is rustls with libpq's `sslmode` meanings (see `tls`).
//! - Every session works in the `vetted` schema (`search_path`), so a server database can hold
//!   other schemas too.

mod address;
mod alignment;
mod annotations;
mod batches;
mod decisions;
mod forms;
mod fresh_import;
mod guidelines;
mod import;
mod leases;
mod live;
mod llm_runs;
mod migrations;
mod overlap;
mod products;
mod push;
mod review_queue;
mod reviewers;
mod search;
mod snapshot;
mod stats;
mod tls;
mod undo;

pub use address::ServerAddress;
pub use leases::{ClaimedItem, DEFAULT_LEASE};
pub use live::{Change, Counts, LiveEvent};
pub use llm_runs::{RunWrites, ServerMirror, ServerRun};
pub use migrations::{MIGRATIONS, SCHEMA};
pub use overlap::{OverlapChange, OverlapShare};
pub use push::PushReport;
pub use review_queue::CLAIM_BATCH;
pub use reviewers::{RemovedReviewer, TeamReviewer, TeamReviewers};
pub use search::SERVER_RANK_LIMIT;
pub use snapshot::{ROWS_PER_READ, SnapshotScope, TemporarySnapshot};
pub use tls::TlsMode;

use std::collections::HashMap;
use std::str::FromStr;

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};
use crate::llm::secret::ApiKey;
use crate::products::postgres_source::{PASSWORD_ENV, PostgresSource, session_config};

/// A session on the team server as one login.
pub struct TeamServer {
    client: Client,
    /// `user@host:port/database`, for messages and the window title.
    server: String,
    reviewer: String,
    transport: TlsMode,
    /// Statements prepared once per session (a query by text costs a second round trip).
    statements: HashMap<&'static str, Statement>,
}

impl TeamServer {
    /// Signs in to the team server at `url` (`postgres://USER@HOST[:PORT]/DATABASE`, the host
    /// possibly a Unix socket folder) and checks its schema is one this build knows.
    ///
    /// Errors: `Server` when the URL is not one, carries a password, or the server refuses the
    /// login or has no Vetted schema yet (`vetted team init` makes one).
    pub fn connect(url: &str) -> Result<TeamServer> {
        TeamServer::connect_with_password(url, None)
    }

    /// [`TeamServer::connect`] with `password` rather than the one from `PGPASSWORD` or the
    /// keyring (a password just typed in the app: see [`TeamServer::remember_password`]).
    pub fn connect_with_password(url: &str, password: Option<&ApiKey>) -> Result<TeamServer> {
        let mut session = TeamServer::sign_in(url, password)?;
        let version = migrations::version(&mut session.client).map_err(|e| session.failed(e))?;
        let known = MIGRATIONS.len() as i64;
        match version {
            None | Some(0) => Err(session.refused(
                "this database has no Vetted schema; an administrator sets it up with \
                 `vetted team init URL`",
            )),
            Some(v) if v > known => Err(session.refused(&format!(
                "the server's schema is version {v}, newer than this build knows ({known}); \
                 update Vetted"
            ))),
            Some(v) if v < known => Err(session.refused(&format!(
                "the server's schema is version {v}; an administrator upgrades it to {known} \
                 with `vetted team init URL`"
            ))),
            Some(_) => Ok(session),
        }
    }

    /// Keeps `password` in the OS keyring as the password of `url`'s login, where the next
    /// [`TeamServer::connect`] finds it.
    pub fn remember_password(url: &str, password: &ApiKey) -> Result<()> {
        let (driver_url, _) = tls::split_tls(url).map_err(|problem| Error::Server {
            server: "(URL)".into(),
            problem,
        })?;
        crate::llm::keys::store_password(&keyring_entry(&driver_url), password.expose())
    }

    /// Signs in without checking the schema (for `init`).
    fn sign_in(url: &str, password: Option<&ApiKey>) -> Result<TeamServer> {
        let (driver_url, tls) = tls::split_tls(url).map_err(|problem| Error::Server {
            server: "(URL)".into(),
            problem,
        })?;
        let mut config = Config::from_str(&driver_url).map_err(|e| Error::Server {
            server: "(not a URL)".into(),
            problem: format!(
                "not a PostgreSQL URL ({e}); write postgres://USER@HOST:PORT/DATABASE"
            ),
        })?;
        let server = describe(&config);
        if config.get_password().is_some() {
            return Err(Error::Server {
                server,
                problem: format!(
                    "the URL carries a password; remove it and set {PASSWORD_ENV} or keep it in \
                     the OS keyring"
                ),
            });
        }
        session_config(&mut config, &keyring_entry(&driver_url));
        if let Some(password) = password {
            config.password(password.expose());
        }
        let connected = match tls.mode {
            TlsMode::Disable => config.connect(NoTls),
            _ => {
                let rustls = tls::client_config(&tls).map_err(|problem| Error::Server {
                    server: server.clone(),
                    problem,
                })?;
                config.ssl_mode(SslMode::Require);
                config.connect(MakeRustlsConnect::new(rustls))
            }
        };
        let no_password = config.get_password().is_none();
        let mut client = connected.map_err(|e| Error::Server {
            server: server.clone(),
            problem: match e.code() {
                // The database's CONNECT privilege is its list of reviewers (migration 0016);
                // the server's routine names the check in any language.
                Some(code)
                    if *code == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE
                        && e.as_db_error().and_then(|d| d.routine()) == Some("CheckMyDatabase") =>
                {
                    let user = config.get_user().unwrap_or("this login");
                    format!(
                        "{user} is not a reviewer of database {} ({}); ask its owner to add \
                         you: vetted team add-reviewer {user} --role analyst|sme|adjudicator",
                        config.get_dbname().unwrap_or("?"),
                        reason(&e)
                    )
                }
                _ => format!(
                    "could not sign in ({}){}",
                    failure_chain(&e),
                    if no_password {
                        format!(
                            "; no password was given: type it in Connect to team server…, set \
                         {PASSWORD_ENV}, or keep it in the OS keyring"
                        )
                    } else {
                        String::new()
                    }
                ),
            },
        })?;
        let signed_in = client
            .batch_execute(&format!("SET search_path = {SCHEMA}, pg_temp"))
            .and_then(|()| client.query_one("SELECT session_user::text", &[]));
        let reviewer: String = signed_in
            .map_err(|e| Error::Server {
                server: server.clone(),
                problem: reason(&e),
            })?
            .get(0);
        Ok(TeamServer {
            client,
            server,
            reviewer,
            transport: tls.mode,
            statements: HashMap::new(),
        })
    }

    /// The signed-in reviewer: the server's login.
    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }

    /// `user@host:port/database`.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// What protects the session (`sslmode`), for people.
    pub fn transport(&self) -> &'static str {
        self.transport.describe()
    }

    /// Whether the server says this session is encrypted (`pg_stat_ssl`).
    pub fn is_encrypted(&mut self) -> Result<bool> {
        let row = self
            .client
            .query_one(
                "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
                &[],
            )
            .map_err(|e| self.failed(e))?;
        Ok(row.get(0))
    }

    /// The applied schema version.
    pub fn schema_version(&mut self) -> Result<i64> {
        let version = migrations::version(&mut self.client).map_err(|e| self.failed(e))?;
        Ok(version.unwrap_or(0))
    }

    /// A read-only REPEATABLE READ transaction: every query in it sees the server at one moment.
    fn one_moment(&mut self) -> Result<postgres::Transaction<'_>> {
        let server = &self.server;
        self.client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| server_error(server, e))
    }

    /// `sql` prepared on this session, once.
    fn prepared(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).map_err(|e| self.failed(e))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    /// The rows of the statement `sql` (prepared once per session) with `params`.
    fn rows(
        &mut self,
        sql: &'static str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>> {
        let statement = self.prepared(sql)?;
        self.client
            .query(&statement, params)
            .map_err(|e| self.failed(e))
    }

    /// A server error as the core's ([`server_error`]).
    fn failed(&self, e: postgres::Error) -> Error {
        server_error(&self.server, e)
    }

    fn refused(&self, problem: &str) -> Error {
        refusal(&self.server, problem)
    }
}

/// The keyring entry of a URL without TLS parameters, as `products set-password` stores it:
/// the URL normalised.
fn keyring_entry(driver_url: &str) -> String {
    PostgresSource::new(driver_url, "public", Vec::new())
        .map(|source| source.url)
        .unwrap_or_else(|_| driver_url.to_owned())
}

/// A server error as the core's: a refusal of the server's rules is `Forbidden`, a taken id
/// `Duplicate`, the rest `Server`.
fn server_error(server: &str, e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    match e.code() {
        Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
            Error::Forbidden(format!("the team server refused it: {}", reason(&e)))
        }
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => Error::Duplicate(reason(&e)),
        _ => refusal(server, &reason(&e)),
    }
}

fn refusal(server: &str, problem: &str) -> Error {
    Error::Server {
        server: server.to_owned(),
        problem: problem.to_owned(),
    }
}

/// The server's own words for a failure: its message, not the driver's wrapper.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.to_string(),
    }
}

/// A connection failure with its causes (a TLS refusal is the cause of the driver's error).
fn failure_chain(e: &postgres::Error) -> String {
    let mut text = reason(e);
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `user@host:port/database` of a connection config; an IPv6 address in brackets, so the port
/// reads apart from it (`maria@[::1]:5432/vetted`).
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) if host.contains(':') => format!("[{host}]"),
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        Some(postgres::config::Host::Unix(folder)) => folder.display().to_string(),
        None => "localhost".into(),
    };
    format!(
        "{}@{host}:{}/{}",
        config.get_user().unwrap_or("?"),
        config.get_ports().first().copied().unwrap_or(5432),
        config.get_dbname().unwrap_or("?")
    )
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use postgres::Config;

    use super::describe;

    #[test]
    fn a_server_is_described_as_user_at_host_port_database() {
        let described = |url: &str| describe(&Config::from_str(url).expect("a valid URL"));
        assert_eq!(
            described("postgres://maria@db.example.org/vetted"),
            "maria@db.example.org:5432/vetted",
            "the default port is named"
        );
        assert_eq!(
            described("postgres://maria@[::1]:5433/vetted"),
            "maria@[::1]:5433/vetted",
            "an IPv6 address keeps its brackets, so its port reads apart"
        );
        assert_eq!(
            described("postgres://anne%20marie@[fe80::1]:5432/q3%2Freview"),
            "anne marie@[fe80::1]:5432/q3/review",
            "a percent-encoded login and database are shown decoded"
        );
    }
}
