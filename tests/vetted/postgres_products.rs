//! Data products read where they live: Chinook copied into a real PostgreSQL server
//! (`scripts/with-postgres.sh` starts a throwaway one) gives the same schema, keys, row counts
//! and computed evidence as the SQLite file, and discovery finds the same keys from it.
//!
//! Without `VETTED_TEST_POSTGRES_URL` these tests say so and pass, so that a plain `cargo test`
//! works anywhere; the test command sets `VETTED_REQUIRE_POSTGRES=1`, which turns a missing
//! server into a failure.

use std::ops::ControlFlow;

use postgres::{Client, NoTls};
use vetted::discovery::{DiscoveryOptions, declared_key_pairs, discover, measure};
use vetted::products::postgres_source::PostgresSource;
use vetted::products::{DataProduct, ProductSource, SourceKind};
use vetted::relation_evidence::RelationshipEvidence;
use vetted::{ErrorCode, Store};

use crate::support::{
    TempDb, chinook_path, import_lines, new_database, postgres_server as server, temp_db,
};

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQLite declared type as PostgreSQL's.
fn pg_type(sqlite: &str) -> String {
    let upper = sqlite.to_ascii_uppercase();
    if upper.contains("INT") {
        "integer".into()
    } else if let Some(size) = upper.strip_prefix("NVARCHAR") {
        format!("varchar{size}")
    } else if upper == "DATETIME" {
        "timestamp".into()
    } else {
        upper
    }
}

/// Copies every Chinook table, its rows, primary and foreign keys into the database at `url`.
fn load_chinook(url: &str) {
    let sqlite = rusqlite::Connection::open(chinook_path()).unwrap();
    let tables: Vec<String> = sqlite
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut pg = Client::connect(url, NoTls).unwrap();
    let mut foreign_keys = Vec::new();
    for table in &tables {
        let columns: Vec<(String, String, bool, i64)> = sqlite
            .prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut pk: Vec<&(String, String, bool, i64)> =
            columns.iter().filter(|c| c.3 > 0).collect();
        pk.sort_by_key(|c| c.3);
        let definitions: Vec<String> = columns
            .iter()
            .map(|(name, ty, not_null, _)| {
                format!(
                    "{} {}{}",
                    quote(name),
                    pg_type(ty),
                    if *not_null { " NOT NULL" } else { "" }
                )
            })
            .chain(std::iter::once(format!(
                "PRIMARY KEY ({})",
                pk.iter()
                    .map(|c| quote(&c.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
            .collect();
        pg.batch_execute(&format!(
            "CREATE TABLE {} ({})",
            quote(table),
            definitions.join(", ")
        ))
        .unwrap();
        // Rows as literals PostgreSQL casts to each column's type.
        let mut stmt = sqlite
            .prepare(&format!("SELECT * FROM {}", quote(table)))
            .unwrap();
        let width = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells = (0..width)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                            rusqlite::types::ValueRef::Integer(n) => format!("'{n}'"),
                            rusqlite::types::ValueRef::Real(f) => format!("'{f}'"),
                            rusqlite::types::ValueRef::Text(t) => {
                                format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''"))
                            }
                            rusqlite::types::ValueRef::Blob(_) => "NULL".to_owned(),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(format!("({})", cells.join(", ")))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        if !rows.is_empty() {
            pg.batch_execute(&format!(
                "INSERT INTO {} VALUES {}",
                quote(table),
                rows.join(", ")
            ))
            .unwrap();
        }
        let keys: Vec<(String, String, String)> = sqlite
            .prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)")
            .unwrap()
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        foreign_keys.extend(keys.into_iter().map(|(to_table, from, to)| {
            format!(
                "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})",
                quote(table),
                quote(&from),
                quote(&to_table),
                quote(&to)
            )
        }));
    }
    pg.batch_execute(&foreign_keys.join(";\n")).unwrap();
    pg.batch_execute("ANALYZE").unwrap();
}

fn postgres_source(url: &str, tables: &[&str]) -> ProductSource {
    ProductSource::Postgres(
        PostgresSource::new(
            url,
            "public",
            tables.iter().map(|t| t.to_string()).collect(),
        )
        .unwrap(),
    )
}

/// A relationship item naming two registered products (fields filled from the registry).
fn candidate_line(id: &str, source: &str, field: &str, target: &str, key: &str) -> String {
    serde_json::json!({
        "kind": "relationship", "id": id, "domain": "music", "model": "m",
        "source": {"product": source}, "target": {"product": target},
        "relation": {"type": "foreign_key", "cardinality": "N:1",
                     "mapping": [{"source_field": field, "target_field": key}]},
        "rationale": "r", "confidence": 0.5,
    })
    .to_string()
}

/// The figures computed from values, without the declared types (which each engine spells
/// its own way) or the source labels.
fn value_figures(e: &RelationshipEvidence) -> serde_json::Value {
    serde_json::json!({
        "source_rows": e.source_basis.rows, "target_rows": e.target_basis.rows,
        "kinds": [e.source_basis.kind, e.target_basis.kind],
        "source_distinct": e.source_distinct, "matched_distinct": e.matched_distinct,
        "containment": e.containment, "orphan_rows": e.orphan_rows,
        "orphan_examples": e.orphan_examples, "target_distinct": e.target_distinct,
        "target_unique": e.target_unique, "target_declared_key": e.target_declared_key,
        "source_unique": e.source_unique, "source_declared_key": e.source_declared_key,
        "sequential_source_ids": e.sequential_source_ids,
        "observed_cardinality": e.observed_cardinality, "cautions": e.cautions,
    })
}

fn evidence_of_every_declared_key(db: &TempDb, store: &mut Store) -> Vec<serde_json::Value> {
    let products = store.products().unwrap();
    let mut keys = declared_key_pairs(&products);
    keys.sort_by(|a, b| {
        (&a.source_product, &a.source_field).cmp(&(&b.source_product, &b.source_field))
    });
    let mut lines: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            candidate_line(
                &format!("fk-{i}"),
                &k.source_product,
                &k.source_field,
                &k.target_product,
                &k.target_field,
            )
        })
        .collect();
    lines.push(candidate_line(
        "wrong",
        "Invoice",
        "CustomerId",
        "Employee",
        "EmployeeId",
    ));
    import_lines(db, store, &lines);
    let mut ids: Vec<String> = (0..lines.len() - 1).map(|i| format!("fk-{i}")).collect();
    ids.push("wrong".into());
    ids.iter()
        .map(|id| {
            let evidence = store
                .relationship_evidence(id)
                .unwrap()
                .expect("a relationship");
            serde_json::json!({"item": id, "figures": value_figures(&evidence)})
        })
        .collect()
}

#[test]
fn chinook_in_postgres_gives_the_same_products_and_evidence_as_the_sqlite_file() {
    let Some(admin) = server() else { return };
    let url = new_database(&admin, "chinook");
    load_chinook(&url);

    let from_pg = temp_db();
    let mut pg_store = from_pg.open();
    let registered = pg_store
        .add_product_sources(&[postgres_source(&url, &[])])
        .unwrap();
    assert_eq!(registered.len(), 11, "Chinook's 11 tables: {registered:#?}");
    let from_file = temp_db();
    let mut file_store = from_file.open();
    file_store.add_products(&[chinook_path()]).unwrap();

    let pg_products = pg_store.products().unwrap();
    let file_products = file_store.products().unwrap();
    for (pg, file) in pg_products.iter().zip(&file_products) {
        assert_eq!(pg.name, file.name);
        assert_eq!(pg.source_kind, SourceKind::Postgres);
        assert!(
            pg.source_path.starts_with("postgres://postgres@127.0.0.1:")
                && !pg.source_path.contains('?'),
            "the stored source is the plain URL: {}",
            pg.source_path
        );
        assert_eq!(pg.row_count, file.row_count, "{}: row count", pg.name);
        assert_eq!(
            pg.sample_rows.len(),
            file.sample_rows.len(),
            "{}: sample size",
            pg.name
        );
        let names = |p: &DataProduct| {
            p.schema
                .fields
                .iter()
                .map(|f| f.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(pg), names(file), "{}: fields", pg.name);
        assert_eq!(
            pg.schema.primary_key, file.schema.primary_key,
            "{}: primary key",
            pg.name
        );
        let mut pg_keys = pg.schema.foreign_keys.clone();
        let mut file_keys = file.schema.foreign_keys.clone();
        pg_keys.sort_by(|a, b| a.fields.cmp(&b.fields));
        file_keys.sort_by(|a, b| a.fields.cmp(&b.fields));
        assert_eq!(pg_keys, file_keys, "{}: foreign keys", pg.name);
    }
    assert_eq!(
        pg_products[0].sample_rows[0], file_products[0].sample_rows[0],
        "Album's first row is the same JSON from both sources"
    );

    let pg_evidence = evidence_of_every_declared_key(&from_pg, &mut pg_store);
    let file_evidence = evidence_of_every_declared_key(&from_file, &mut file_store);
    assert_eq!(
        pg_evidence.len(),
        12,
        "11 declared keys and one wrong candidate"
    );
    assert_eq!(
        pg_evidence, file_evidence,
        "every figure computed from PostgreSQL equals the one from the SQLite file"
    );
    assert_eq!(
        pg_evidence[11]["figures"]["matched_distinct"], 8,
        "the wrong candidate is measured, not just the right ones: {:#}",
        pg_evidence[11]
    );

    // Discovery reads the values through PostgreSQL too.
    let candidates = discover(
        &pg_products,
        DiscoveryOptions {
            declared: false,
            values: true,
        },
        &mut |_, _| ControlFlow::Continue(()),
    )
    .unwrap();
    let recall = measure(&candidates, &declared_key_pairs(&pg_products));
    assert_eq!(
        (recall.found, recall.false_candidates),
        (11, 2),
        "the same keys as from the SQLite file: {candidates:#?}"
    );
}

#[test]
fn a_large_table_is_sampled_not_read_whole_and_bad_sources_register_nothing() {
    let Some(admin) = server() else { return };
    let url = new_database(&admin, "large");
    let mut pg = Client::connect(&url, NoTls).unwrap();
    pg.batch_execute(
        "CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);
         INSERT INTO events SELECT g, 'k' || (g % 7) FROM generate_series(1, 1200000) g;
         CREATE TABLE kinds (kind text PRIMARY KEY);
         INSERT INTO kinds SELECT 'k' || g FROM generate_series(0, 6) g;
         ANALYZE;",
    )
    .unwrap();

    let db = temp_db();
    let mut store = db.open();
    let missing = store
        .add_product_sources(&[postgres_source(&url, &["events", "nosuch"])])
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::BadSource);
    assert!(
        missing.to_string().contains("no table 'nosuch'"),
        "{missing}"
    );
    let down = PostgresSource::new("postgres://postgres@127.0.0.1:1/x", "public", vec![]).unwrap();
    let unreachable = store
        .add_product_sources(&[ProductSource::Postgres(down)])
        .unwrap_err();
    assert!(
        unreachable.to_string().contains("could not connect"),
        "{unreachable}"
    );
    assert!(
        store.products().unwrap().is_empty(),
        "nothing was registered"
    );

    store
        .add_product_sources(&[postgres_source(&url, &[])])
        .unwrap();
    let events = store.product("events").unwrap().unwrap();
    assert!(
        (1_000_000..1_400_000).contains(&events.row_count),
        "the row count of a large table is PostgreSQL's estimate: {}",
        events.row_count
    );
    assert!(
        (100..=200).contains(&events.sample_rows.len()),
        "a bounded sample: {} rows",
        events.sample_rows.len()
    );
    let first: Vec<i64> = events.sample_rows[..5]
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first.len(), 5, "it starts with the table's first rows");

    // Evidence on the large table is computed in PostgreSQL (GROUP BY), over every row.
    import_lines(
        &db,
        &mut store,
        &[candidate_line("ev-kind", "events", "kind", "kinds", "kind")],
    );
    let evidence = store.relationship_evidence("ev-kind").unwrap().unwrap();
    assert_eq!(
        evidence.source_basis.rows, 1_200_000,
        "{:#?}",
        evidence.source_basis
    );
    assert_eq!(
        (evidence.source_distinct, evidence.containment),
        (7, Some(1.0))
    );
}

#[test]
fn a_local_server_is_reached_through_its_unix_socket_folder() {
    let Some(admin) = server() else { return };
    let folder = std::env::var("VETTED_TEST_POSTGRES_SOCKET_DIR")
        .expect("scripts/with-postgres.sh names the socket folder");
    let url = new_database(&admin, "socket");
    Client::connect(&url, NoTls)
        .unwrap()
        .batch_execute(
            "CREATE TABLE customers (id int PRIMARY KEY, name text);
             INSERT INTO customers VALUES (1, 'Ana'), (2, 'Bo');
             CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);
             INSERT INTO orders VALUES (10, 1), (11, 2), (12, 2);",
        )
        .unwrap();
    let (_, dbname) = url.rsplit_once('/').unwrap();
    let port = admin
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(port, _)| port)
        .unwrap();
    let encoded = folder.replace('/', "%2F");
    for given in [
        format!("postgres://postgres@{encoded}:{port}/{dbname}"),
        format!("postgresql:///{dbname}?host={folder}&port={port}&user=postgres"),
    ] {
        let source = PostgresSource::new(&given, "public", vec![]).unwrap();
        assert_eq!(
            source.url,
            format!("postgres://postgres@{encoded}:{port}/{dbname}"),
            "{given}: stored as one canonical URL, the folder percent-encoded"
        );
    }
    let tls = PostgresSource::new(
        &format!("postgres://postgres@{encoded}:{port}/{dbname}?sslmode=require"),
        "public",
        vec![],
    )
    .unwrap_err();
    assert!(
        tls.to_string()
            .contains("TLS (sslmode=require) is not supported yet"),
        "a TLS demand is refused, not silently dropped: {tls}"
    );
    let db = temp_db();
    let mut store = db.open();
    let given = format!("postgresql:///{dbname}?host={folder}&port={port}&user=postgres");
    store
        .add_product_sources(&[postgres_source(&given, &[])])
        .unwrap();
    let orders = store.product("orders").unwrap().expect("registered");
    assert_eq!(orders.row_count, 3);
    assert_eq!(
        orders.schema.foreign_keys.len(),
        1,
        "declared keys are read through the socket too"
    );
    import_lines(
        &db,
        &mut store,
        &[candidate_line(
            "o-c",
            "orders",
            "customer_id",
            "customers",
            "id",
        )],
    );
    let evidence = store.relationship_evidence("o-c").unwrap().unwrap();
    assert_eq!(
        (evidence.source_distinct, evidence.containment),
        (2, Some(1.0)),
        "key counts computed in PostgreSQL, over the socket: {evidence:#?}"
    );
}

const PASSWORD_CANARY: &str = "pg-vetted-keyring-canary-51c9a2";

/// Runs under `scripts/test-keyring.sh scripts/with-postgres.sh …` (the test command's keyring
/// step): a real Secret Service and a role that must give its password (scram-sha-256).
#[test]
fn keyring_password_opens_a_protected_postgres_source_and_is_stored_nowhere_else() {
    if std::env::var_os("VETTED_TEST_KEYRING").is_none() {
        eprintln!("skipped: no keyring session (run under scripts/test-keyring.sh)");
        return;
    }
    let Some(admin) = server() else { return };
    let url = new_database(&admin, "protected");
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let role = format!("ana_{}", std::process::id());
    pg.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD_CANARY}' IN ROLE vetted_password_login;
         CREATE TABLE customers (id int PRIMARY KEY, name text);
         INSERT INTO customers VALUES (1, 'a'), (2, 'b');
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int);
         INSERT INTO orders SELECT g, 1 + g % 2 FROM generate_series(1, 300) g;
         GRANT SELECT ON customers, orders TO {role};"
    ))
    .unwrap();
    let (server_part, database) = url
        .trim_start_matches("postgres://postgres@")
        .split_once('/')
        .unwrap();
    let protected = format!("postgres://{role}@{server_part}/{database}");

    let db = temp_db();
    let cli = |args: &[&str]| {
        let mut cmd = crate::support::vetted(&db.path);
        cmd.env_remove("PGPASSWORD").args(args);
        cmd
    };
    let refused = cli(&["products", "add", &protected]).output().unwrap();
    assert!(!refused.status.success(), "no password, no connection");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("could not connect"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let stored = cli(&["products", "set-password", &protected])
        .write_stdin(format!("{PASSWORD_CANARY}\n"))
        .output()
        .unwrap();
    assert!(
        stored.status.success(),
        "{}",
        String::from_utf8_lossy(&stored.stderr)
    );
    let added = cli(&["products", "add", &protected, "--json"])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let listed = cli(&["products", "list", "--json"]).output().unwrap();

    let mut seen = Vec::new();
    for output in [&stored, &added, &listed] {
        seen.extend_from_slice(&output.stdout);
        seen.extend_from_slice(&output.stderr);
    }
    for entry in std::fs::read_dir(db.dir.path()).unwrap() {
        seen.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("customers"),
        "registered with the keyring's password"
    );
    assert!(
        !String::from_utf8_lossy(&seen).contains(PASSWORD_CANARY),
        "the password is in no output and no file of the database"
    );
    // Evidence reads the stored source with the keyring's password, and with nothing else.
    let items = db.write_file(
        "items.jsonl",
        crate::support::relationship_line("r-1") + "\n",
    );
    cli(&["import", items.to_str().unwrap()]).assert().success();
    let basis = |cmd: &mut assert_cmd::Command| {
        let shown = crate::support::json_of(cmd.args(["show", "r-1", "--json"]));
        shown["evidence_computed"]["source_basis"]["kind"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        basis(&mut cli(&[])),
        "source_table",
        "all 300 orders read with the keyring's password"
    );

    cli(&["products", "forget-password", &protected])
        .assert()
        .success();
    assert!(
        !cli(&["products", "add", &protected])
            .output()
            .unwrap()
            .status
            .success(),
        "forgotten: no connection"
    );
    cli(&["products", "add", &protected])
        .env("PGPASSWORD", PASSWORD_CANARY)
        .assert()
        .success();
    assert_eq!(
        basis(cli(&[]).env("PGPASSWORD", PASSWORD_CANARY)),
        "registered_sample",
        "PGPASSWORD serves the registration typed, never a stored source"
    );
}

/// The vetting model is shown a relationship's figures computed from the tables where they
/// live: the PostgreSQL client is synchronous, and a run's calls are made on an async runtime,
/// on which it may not block.
#[test]
fn vetting_a_relationship_between_postgres_tables_shows_the_model_their_figures() {
    use crate::llm::fault_server::{FaultServer, completion};
    use vetted::jobs::tasks::{self, LlmRunRequest};
    use vetted::jobs::{JobEvent, Jobs};

    let Some(admin) = server() else { return };
    let url = new_database(&admin, "chinook_vet");
    load_chinook(&url);
    let db = temp_db();
    let mut store = db.open();
    store
        .add_product_sources(&[postgres_source(&url, &["Invoice", "Customer"])])
        .unwrap();
    import_lines(
        &db,
        &mut store,
        &[candidate_line(
            "fk-invoice-customer",
            "Invoice",
            "CustomerId",
            "Customer",
            "CustomerId",
        )],
    );
    let model = FaultServer::start(|_, _| {
        completion(r#"{"verdict":"pass","reasons":[],"risk":0.1}"#, "stop")
    });
    let settings = crate::support::provider_settings(&db, "vetter", &model.base_url);
    let request = LlmRunRequest::Vet {
        provider: "vetter".into(),
        filter: vetted::store::QueueFilter::default(),
        limit: 10,
        revet: false,
        knowledge: vetted::roles::knowledge::Variant::Base,
    };
    let jobs = Jobs::default();
    let (_, events) = crate::support::spawn_job(
        &jobs,
        tasks::llm_run(db.path.clone(), settings, request, None),
    );
    let outcome = events.iter().last().expect("the job ends");
    assert!(
        matches!(&outcome, JobEvent::Finished { summary } if summary.contains("1 inputs · 1 ok")),
        "the run vets the relationship: {outcome:?}"
    );
    let sent = model.requests()[0].body.to_string();
    assert!(
        sent.contains("Computed from the data") && sent.contains(r#"\"containment\": 1.0"#),
        "the prompt carries the figures read from PostgreSQL: {sent}"
    );
}
