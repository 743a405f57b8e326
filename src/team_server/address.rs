//! Where a team server is, as the app's Connect to team server… dialog asks for it, and the
//! URL that makes (`postgres://USER@HOST:PORT/DATABASE?sslmode=…&sslrootcert=…`).

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::tls::TlsMode;
use crate::error::{Error, Result};

/// A team server and the login to sign in as. The password is not part of it: it is typed
/// apart and kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ServerAddress {
    /// A host name or address.
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: TlsMode,
    /// The CA certificates (PEM) the server's certificate must chain to; the system's trusted
    /// roots when `None`. Only with TLS.
    pub ca_file: Option<String>,
}

impl ServerAddress {
    /// The URL to sign in with. Errors (`BadRequest`, naming the field): an empty host, user
    /// or database, port 0, a CA file without TLS.
    pub fn url(&self) -> Result<String> {
        let field = |name: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                return Err(Error::BadRequest(format!(
                    "the team server's {name} is empty; fill it in"
                )));
            }
            Ok(utf8_percent_encode(value, NON_ALPHANUMERIC).to_string())
        };
        let host = self.host.trim();
        if host.is_empty() || host.contains(['/', '@', '?', '#']) {
            return Err(Error::BadRequest(format!(
                "'{host}' is not a host name or address; write e.g. review.example.com"
            )));
        }
        if self.port == 0 {
            return Err(Error::BadRequest(
                "the team server's port is 0; PostgreSQL listens on 5432 unless told otherwise"
                    .into(),
            ));
        }
        if self.tls == TlsMode::Disable && !is_this_machine(host) {
            return Err(Error::BadRequest(format!(
                "an unencrypted session is only for a server on this machine, not {host}: the \
                 password and every decision would cross the network in clear; choose \
                 verify-full"
            )));
        }
        let (user, database) = (
            field("user", &self.user)?,
            field("database", &self.database)?,
        );
        // An IPv6 address goes in brackets.
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let mut url = format!(
            "postgres://{user}@{host}:{}/{database}?sslmode={}",
            self.port,
            self.tls.as_str()
        );
        match (self.ca_file.as_deref().map(str::trim), self.tls) {
            (None | Some(""), _) => {}
            (Some(_), TlsMode::Disable) => {
                return Err(Error::BadRequest(
                    "a CA file is for a TLS session; choose require, verify-ca or verify-full"
                        .into(),
                ));
            }
            (Some(file), _) => {
                url.push_str("&sslrootcert=");
                url.push_str(&utf8_percent_encode(file, NON_ALPHANUMERIC).to_string());
            }
        }
        Ok(url)
    }
}

/// Whether `host` names this machine (loopback), where a session never leaves it.
fn is_this_machine(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> ServerAddress {
        ServerAddress {
            host: "review.example.com".into(),
            port: 5432,
            database: "vetted".into(),
            user: "maria".into(),
            tls: TlsMode::VerifyFull,
            ca_file: Some("/etc/vetted/ca.pem".into()),
        }
    }

    #[test]
    fn the_url_carries_the_tls_settings_and_encodes_every_part() {
        assert_eq!(
            address().url().unwrap(),
            "postgres://maria@review.example.com:5432/vetted?sslmode=verify-full\
             &sslrootcert=%2Fetc%2Fvetted%2Fca%2Epem"
        );
        let odd = ServerAddress {
            host: "::1".into(),
            user: "anne marie".into(),
            database: "q3/review".into(),
            tls: TlsMode::Disable,
            ca_file: None,
            ..address()
        };
        assert_eq!(
            odd.url().unwrap(),
            "postgres://anne%20marie@[::1]:5432/q3%2Freview?sslmode=disable",
            "a space or slash cannot change which login or database is meant"
        );
    }

    #[test]
    fn a_missing_field_or_an_unsafe_choice_is_named() {
        for (address, names) in [
            (
                ServerAddress {
                    user: " ".into(),
                    ..address()
                },
                "user",
            ),
            (
                ServerAddress {
                    database: String::new(),
                    ..address()
                },
                "database",
            ),
            (
                ServerAddress {
                    host: "a/b".into(),
                    ..address()
                },
                "host name",
            ),
            (
                ServerAddress {
                    port: 0,
                    ..address()
                },
                "port",
            ),
            (
                ServerAddress {
                    host: "localhost".into(),
                    tls: TlsMode::Disable,
                    ..address()
                },
                "CA file is for a TLS session",
            ),
            (
                ServerAddress {
                    tls: TlsMode::Disable,
                    ca_file: None,
                    ..address()
                },
                "only for a server on this machine",
            ),
        ] {
            let refused = address.url().expect_err("refused").to_string();
            assert!(refused.contains(names), "{refused} names {names}");
        }
    }
}
