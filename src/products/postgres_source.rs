//! Reading tables of a PostgreSQL database as data products, where they live: one product per
//! table (or partitioned table) of one schema, named after the table.
//!
//! Invariants:
//! - Every session is read-only (`default_transaction_read_only`) with a statement timeout, so
//!   Vetted can never change a source, and a slow source cannot hang it.
//! - The password never reaches the database, logs or exports: a URL that carries one is
//!   refused, and it is read from `PGPASSWORD` or the OS keyring (entry = the source's URL).
//!   The stored source is `postgres://user@host:port/dbname`, the host a name, an address or a
//!   percent-encoded Unix socket folder (`%2Fvar%2Frun%2Fpostgresql`, as `psql` connects
//!   locally).
//! - A large table is never read whole to register it: up to [`EXACT_COUNT_LIMIT`] estimated
//!   rows it is counted and streamed through the sampler like a SQLite table; above, its row
//!   count is PostgreSQL's estimate and its sample is its first rows plus a `TABLESAMPLE`.
//! - Key counts for evidence are computed in PostgreSQL (`GROUP BY`), values as JSON
//!   (`to_jsonb`) so they compare like every other source's ([`super::key_of_json`]).

use std::str::FromStr;
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use super::sample::{RowSample, SAMPLE_HEAD, SAMPLE_LIMIT};
use super::{DataProduct, ForeignKey, ProductField, ProductSchema, Row, SourceKind};
use crate::error::{Error, Result};
use crate::llm::ApiKey;
use crate::llm::keys::{KeyLookup, keyring_password};
use crate::off_runtime::off_runtime;

/// Above this many estimated rows a table is sampled, not read whole, at registration.
pub const EXACT_COUNT_LIMIT: i64 = 1_000_000;

/// How long one statement against a source may run.
const STATEMENT_TIMEOUT: &str = "120s";

/// The environment variable read for the password first (as `psql` does).
pub const PASSWORD_ENV: &str = "PGPASSWORD";

/// Tables of one schema of a PostgreSQL database to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresSource {
    /// `postgres://user@host:port/dbname`: no password, no other parameters (see the module
    /// header for the host).
    pub url: String,
    pub schema: String,
    /// Empty: every table of the schema.
    pub tables: Vec<String>,
}

/// What a socket folder escapes to be the host of a URL.
const URL_HOST: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'/')
    .add(b'%')
    .add(b':')
    .add(b'@')
    .add(b'?')
    .add(b'#')
    .add(b' ');

/// Whether `text` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl PostgresSource {
    /// Checks `url` (`postgres://user@host[:port]/dbname`, the host possibly a socket folder,
    /// also given as `?host=/path`) and normalises it.
    pub fn new(url: &str, schema: &str, tables: Vec<String>) -> Result<PostgresSource> {
        let config = Config::from_str(url)
            .map_err(|e| Error::bad_source(redacted(url), format!("not a PostgreSQL URL ({e})")))?;
        if config.get_password().is_some() {
            return Err(Error::bad_source(
                redacted(url),
                format!(
                    "the URL carries a password, which Vetted would store with the product; \
                     remove it and set {PASSWORD_ENV} or keep it in the OS keyring"
                ),
            ));
        }
        if config.get_ssl_mode() == postgres::config::SslMode::Require {
            return Err(Error::bad_source(
                url,
                "TLS (sslmode=require) is not supported yet for data products; connect over a \
                 trusted network or the server's Unix socket folder",
            ));
        }
        let user = config.get_user().ok_or_else(|| {
            Error::bad_source(url, "the URL names no user (postgres://USER@HOST/DB)")
        })?;
        let host = match config.get_hosts() {
            [postgres::config::Host::Tcp(host)] => host.clone(),
            [postgres::config::Host::Unix(folder)] => {
                percent_encoding::utf8_percent_encode(&folder.to_string_lossy(), URL_HOST)
                    .to_string()
            }
            _ => {
                return Err(Error::bad_source(
                    url,
                    "name exactly one host: by name or address (postgres://USER@HOST:PORT/DB), \
                     or a Unix socket folder (postgres://USER@%2Fvar%2Frun%2Fpostgresql/DB)",
                ));
            }
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let dbname = config.get_dbname().ok_or_else(|| {
            Error::bad_source(url, "the URL names no database (postgres://USER@HOST/DB)")
        })?;
        Ok(PostgresSource {
            url: format!("postgres://{user}@{host}:{port}/{dbname}"),
            schema: schema.to_owned(),
            tables,
        })
    }
}

/// `url` with any password replaced, for messages.
fn redacted(url: &str) -> String {
    match Config::from_str(url) {
        Ok(config) if config.get_password().is_some() => match url.rsplit_once('@') {
            Some((before, after)) => match before.split_once("://") {
                Some((scheme, credentials)) => {
                    let user = credentials.split(':').next().unwrap_or("");
                    format!("{scheme}://{user}:[redacted]@{after}")
                }
                None => "[a PostgreSQL URL]".to_owned(),
            },
            None => "[a PostgreSQL URL]".to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Vetted's session settings for the password-free `url`: a connect timeout, the application
/// name, and the password from `PGPASSWORD` or the OS keyring entry named by `url`, if any.
/// For a URL the user names now: a team server, a source being registered.
pub(crate) fn session_config(config: &mut Config, url: &str) {
    let password = KeyLookup {
        env_var: PASSWORD_ENV,
        keyring_entry: Some(url),
    }
    .resolve_password();
    settings(config, password);
}

fn settings(config: &mut Config, password: Option<ApiKey>) {
    config.connect_timeout(Duration::from_secs(10));
    config.application_name("vetted");
    if let Some(password) = password {
        config.password(password.expose());
    }
}

/// A read-only session on the database of `url` (a source being registered: `PGPASSWORD`, else
/// the keyring).
pub(crate) fn connect(url: &str) -> Result<Client> {
    let mut config = Config::from_str(url)
        .map_err(|e| Error::bad_source(url, format!("not a PostgreSQL URL ({e})")))?;
    session_config(&mut config, url);
    read_only_session(config, url)
}

/// A read-only session on the database of a stored source's `url`, with the password the OS
/// keyring keeps for that exact URL and no other: a stored URL may have been named by another
/// login (a team server's product, or a snapshot of one), and must never receive the password
/// `PGPASSWORD` holds for another server.
fn connect_stored(url: &str) -> Result<Client> {
    let mut config = Config::from_str(url)
        .map_err(|e| Error::bad_source(url, format!("not a PostgreSQL URL ({e})")))?;
    settings(&mut config, keyring_password(url));
    read_only_session(config, url)
}

fn read_only_session(config: Config, url: &str) -> Result<Client> {
    let mut client = config
        .connect(NoTls)
        .map_err(|e| Error::bad_source(url, format!("could not connect ({e})")))?;
    client
        .batch_execute(&format!(
            "SET default_transaction_read_only = on; \
             SET statement_timeout = '{STATEMENT_TIMEOUT}'"
        ))
        .map_err(|e| {
            Error::bad_source(url, format!("could not start a read-only session ({e})"))
        })?;
    Ok(client)
}

/// `schema.table` as SQL, each part double-quoted: what products store as their table.
pub(crate) fn qualified(schema: &str, table: &str) -> String {
    format!("{}.{}", quote(schema), quote(table))
}

/// Whether `text` is a table as [`qualified`] writes it (and so names a table, never SQL of
/// its own).
pub(crate) fn is_qualified(text: &str) -> bool {
    /// The name a quoted part at the start of `text` stands for, and what follows it.
    fn quoted(text: &str) -> Option<(String, &str)> {
        let mut rest = text.strip_prefix('"')?;
        let mut name = String::new();
        loop {
            let end = rest.find('"')?;
            name.push_str(&rest[..end]);
            rest = &rest[end + 1..];
            match rest.strip_prefix('"') {
                Some(after) => {
                    name.push('"');
                    rest = after;
                }
                None => return Some((name, rest)),
            }
        }
    }
    let Some((schema, rest)) = quoted(text) else {
        return false;
    };
    let Some((table, "")) = rest.strip_prefix('.').and_then(quoted) else {
        return false;
    };
    !schema.is_empty() && !table.is_empty() && qualified(&schema, &table) == text
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A query error against the source, as an error naming it.
fn failed(url: &str, what: &str) -> impl FnOnce(postgres::Error) -> Error {
    let location = url.to_owned();
    let what = what.to_owned();
    move |e| Error::bad_source(location, format!("{what}: {e}"))
}

pub(super) fn scan(source: &PostgresSource) -> Result<Vec<DataProduct>> {
    let url = source.url.as_str();
    let mut client = connect(url)?;
    let listed: Vec<(u32, String, f32)> = client
        .query(
            "SELECT c.oid, c.relname::text, c.reltuples FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             ORDER BY c.relname",
            &[&source.schema],
        )
        .map_err(failed(url, "listing tables"))?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for wanted in &source.tables {
        if !listed.iter().any(|(_, name, _)| name == wanted) {
            return Err(Error::bad_source(
                url,
                format!("schema '{}' has no table '{wanted}'", source.schema),
            ));
        }
    }
    let tables: Vec<_> = listed
        .into_iter()
        .filter(|(_, name, _)| source.tables.is_empty() || source.tables.contains(name))
        .collect();
    if tables.is_empty() {
        return Err(Error::bad_source(
            url,
            format!("schema '{}' has no tables", source.schema),
        ));
    }
    let registered_at = chrono::Utc::now();
    tables
        .into_iter()
        .map(|(oid, table, estimate)| {
            let schema = read_schema(&mut client, url, oid)?;
            let relation = qualified(&source.schema, &table);
            let (sample_rows, row_count) =
                sample_rows(&mut client, url, &relation, estimate as i64)?;
            Ok(DataProduct {
                name: table,
                source_kind: SourceKind::Postgres,
                source_path: source.url.clone(),
                source_table: Some(relation),
                schema,
                row_count,
                sample_rows,
                registered_at,
            })
        })
        .collect()
}

/// SQL for the column names of the attribute-number array `keys` of relation `relation`, in
/// array order.
fn column_names(keys: &str, relation: &str) -> String {
    format!(
        "ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY AS k(num, ord)
               JOIN pg_attribute a ON a.attrelid = {relation} AND a.attnum = k.num
               ORDER BY k.ord)"
    )
}

fn read_schema(client: &mut Client, url: &str, oid: u32) -> Result<ProductSchema> {
    let fields = client
        .query(
            "SELECT attname::text, format_type(atttypid, atttypmod), attnotnull
             FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped
             ORDER BY attnum",
            &[&oid],
        )
        .map_err(failed(url, "reading columns"))?
        .iter()
        .map(|r| ProductField {
            name: r.get(0),
            declared_type: r.get(1),
            not_null: r.get(2),
        })
        .collect();
    let index_columns = column_names("i.indkey::int2[]", "i.indrelid");
    let mut primary_key = Vec::new();
    let mut unique_keys = Vec::new();
    // Unique indexes on plain columns, without a predicate: partial ones do not make a key.
    for r in client
        .query(
            &format!(
                "SELECT i.indisprimary, {index_columns} FROM pg_index i
                 JOIN pg_class ic ON ic.oid = i.indexrelid
                 WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL
                   AND i.indexprs IS NULL
                 ORDER BY NOT i.indisprimary, ic.relname"
            ),
            &[&oid],
        )
        .map_err(failed(url, "reading keys"))?
    {
        let columns: Vec<String> = r.get(1);
        if r.get::<_, bool>(0) {
            primary_key = columns;
        } else if !unique_keys.contains(&columns) {
            unique_keys.push(columns);
        }
    }
    let from = column_names("con.conkey", "con.conrelid");
    let to = column_names("con.confkey", "con.confrelid");
    let foreign_keys = client
        .query(
            &format!(
                "SELECT {from}, target.relname::text, {to} FROM pg_constraint con
                 JOIN pg_class target ON target.oid = con.confrelid
                 WHERE con.conrelid = $1 AND con.contype = 'f' ORDER BY con.conname"
            ),
            &[&oid],
        )
        .map_err(failed(url, "reading foreign keys"))?
        .iter()
        .map(|r| ForeignKey {
            fields: r.get(0),
            target_product: r.get(1),
            target_fields: r.get(2),
        })
        .collect();
    Ok(ProductSchema {
        fields,
        primary_key,
        unique_keys,
        foreign_keys,
    })
}

/// The sample and the row count of `relation` (see the module doc for large tables).
fn sample_rows(
    client: &mut Client,
    url: &str,
    relation: &str,
    estimate: i64,
) -> Result<(Vec<Row>, i64)> {
    let parse = |text: String| -> Result<Row> {
        serde_json::from_str(&text).map_err(|e| {
            Error::bad_source(url, format!("{relation}: a row is not a JSON object ({e})"))
        })
    };
    if estimate <= EXACT_COUNT_LIMIT {
        // Streamed through a portal, a batch at a time: the table is never held in memory.
        let mut sample = RowSample::new();
        let mut tx = client
            .transaction()
            .map_err(failed(url, "starting a read"))?;
        let portal = tx
            .bind(
                &format!("SELECT row_to_json(t)::text FROM {relation} AS t"),
                &[],
            )
            .map_err(failed(url, "reading rows"))?;
        loop {
            let batch = tx
                .query_portal(&portal, 1000)
                .map_err(failed(url, "reading rows"))?;
            if batch.is_empty() {
                break;
            }
            for row in batch {
                sample.push_with(|| parse(row.get(0)))?;
            }
        }
        let (rows, count) = sample.finish();
        return Ok((rows, count as i64));
    }
    // A large table: its first rows, then a block sample sized for the rest of the sample.
    let percent = (100.0 * 4.0 * SAMPLE_LIMIT as f64 / estimate as f64).clamp(0.0001, 100.0);
    let query = format!(
        "(SELECT row_to_json(t)::text FROM {relation} AS t LIMIT {SAMPLE_HEAD})
         UNION ALL
         (SELECT row_to_json(t)::text FROM {relation} AS t
          TABLESAMPLE SYSTEM ({percent}) REPEATABLE (42) LIMIT {})",
        SAMPLE_LIMIT - SAMPLE_HEAD
    );
    let rows = client
        .query(&query, &[])
        .map_err(failed(url, "sampling rows"))?
        .into_iter()
        .map(|r| parse(r.get(0)))
        .collect::<Result<Vec<Row>>>()?;
    Ok((rows, estimate))
}

/// Rows per distinct non-null-or-null key of `fields` in `relation`, computed in PostgreSQL;
/// each part as JSON text. Stops after `limit` groups. Callable from async code (an LLM run
/// shows the vetting model these figures).
pub(crate) fn key_counts(
    url: &str,
    relation: &str,
    fields: &[&str],
    limit: usize,
) -> Result<Vec<(Vec<serde_json::Value>, u64)>> {
    off_runtime(|| read_key_counts(url, relation, fields, limit))
}

fn read_key_counts(
    url: &str,
    relation: &str,
    fields: &[&str],
    limit: usize,
) -> Result<Vec<(Vec<serde_json::Value>, u64)>> {
    let mut client = connect_stored(url)?;
    let columns: Vec<String> = fields
        .iter()
        .map(|f| format!("to_jsonb({})::text", quote(f)))
        .collect();
    let positions: Vec<String> = (1..=fields.len()).map(|i| i.to_string()).collect();
    let query = format!(
        "SELECT {}, count(*) FROM {relation} GROUP BY {} LIMIT {}",
        columns.join(", "),
        positions.join(", "),
        limit
    );
    let rows = client
        .query(&query, &[])
        .map_err(failed(url, "counting keys"))?;
    rows.iter()
        .map(|r| {
            let parts = (0..fields.len())
                .map(|i| {
                    let text: Option<String> = r.get(i);
                    text.map_or(Ok(serde_json::Value::Null), |t| {
                        serde_json::from_str(&t).map_err(|e| {
                            Error::bad_source(url, format!("{relation}: a key is not JSON ({e})"))
                        })
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((parts, r.get::<_, i64>(fields.len()) as u64))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quoted_tables_pass_as_tables() {
        for table in [r#""public"."orders""#, r#""we""ird"."a.b""#, r#""s"." ""#] {
            assert!(
                is_qualified(table),
                "{table} is a table as Vetted writes one"
            );
        }
        for sql in [
            "public.orders",
            r#""public".orders"#,
            r#""public"."orders"; DROP TABLE x"#,
            r#"(SELECT * FROM hr.salaries) s"#,
            r#""public"."orders" x"#,
            r#""a"b"."c""#,
            r#"""."t""#,
            r#""public""#,
        ] {
            assert!(!is_qualified(sql), "{sql} is not a quoted table");
        }
    }

    #[test]
    fn urls_are_normalised_and_never_keep_a_password() {
        let source =
            PostgresSource::new("postgresql://ana@db.example:6543/sales", "public", vec![])
                .unwrap();
        assert_eq!(source.url, "postgres://ana@db.example:6543/sales");
        let default_port =
            PostgresSource::new("postgres://ana@db/sales", "public", vec![]).unwrap();
        assert_eq!(default_port.url, "postgres://ana@db:5432/sales");

        let refused = PostgresSource::new("postgres://ana:s3cret@db/sales", "public", vec![])
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains(PASSWORD_ENV) && !refused.contains("s3cret"),
            "says where the password goes and never repeats it: {refused}"
        );
        assert!(
            PostgresSource::new("postgres://db/sales", "public", vec![]).is_err(),
            "no user"
        );
        assert!(
            PostgresSource::new("postgres://ana@db", "public", vec![]).is_err(),
            "no db"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(
            qualified("public", "Order Details"),
            "\"public\".\"Order Details\""
        );
        assert_eq!(qualified("a\"b", "t"), "\"a\"\"b\".\"t\"");
    }
}
