//! Relationship discovery without a model, measured on schemas no one here wrote: Chinook and
//! Northwind (with their rows) and Spider's 166 schemas (names and types only). The declared
//! foreign keys are hidden from discovery and used as the truth. The floors below are the
//! figures recorded in `docs/relationships.md`; a change that lowers recall or adds false
//! candidates fails here.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use vetted::discovery::{
    Candidate, DiscoveryOptions, Recall, Signal, declared_key_pairs, discover, measure,
};
use vetted::products::{DataProduct, ForeignKey, ProductField, ProductSchema, SourceKind};

use crate::support::{chinook_path, json_of, northwind_db, temp_db, vetted};

const INFER: DiscoveryOptions = DiscoveryOptions {
    declared: false,
    values: true,
};
const INFER_SCHEMA_ONLY: DiscoveryOptions = DiscoveryOptions {
    declared: false,
    values: false,
};

fn run(products: &[DataProduct], options: DiscoveryOptions) -> (Vec<Candidate>, Recall) {
    let candidates = discover(products, options, &mut |_, _| ControlFlow::Continue(()))
        .expect("nothing stops discovery");
    let recall = measure(&candidates, &declared_key_pairs(products));
    (candidates, recall)
}

fn report(name: &str, r: Recall) {
    println!(
        "{name}: recall {}/{} = {:.3}, false candidates {} ({:.2} per true key)",
        r.found,
        r.true_keys,
        r.recall(),
        r.false_candidates,
        r.false_per_key()
    );
}

/// Fails unless `r` is at least as good as the recorded figures.
fn assert_at_least(name: &str, r: Recall, recall: f64, false_per_key: f64) {
    report(name, r);
    assert!(
        r.recall() >= recall - 1e-9,
        "{name}: recall {:.3} fell below the recorded {recall}",
        r.recall()
    );
    assert!(
        r.false_per_key() <= false_per_key + 1e-9,
        "{name}: {:.3} false candidates per true key, more than the recorded {false_per_key}",
        r.false_per_key()
    );
}

fn registered(paths: &[&Path]) -> (crate::support::TempDb, Vec<DataProduct>) {
    let db = temp_db();
    let mut store = db.open();
    let paths: Vec<_> = paths.iter().map(|p| p.to_path_buf()).collect();
    store.add_products(&paths).unwrap();
    let products = store.products().unwrap();
    (db, products)
}

#[test]
fn chinook_foreign_keys_are_found_from_names_and_values() {
    let (_db, products) = registered(&[&chinook_path()]);
    let (candidates, with_values) = run(&products, INFER);
    assert_eq!(
        with_values.true_keys, 11,
        "Chinook declares 11 foreign keys"
    );
    assert_at_least("chinook, names + values", with_values, 1.0, 2.0 / 11.0);
    let (_, schema_only) = run(&products, INFER_SCHEMA_ONLY);
    assert_at_least("chinook, schema only", schema_only, 9.0 / 11.0, 0.0);

    // The two keys no name explains are found from their values; the hierarchy comes first.
    let reports_to: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.source_product == "Employee" && c.mapping[0].source_field == "ReportsTo")
        .collect();
    assert_eq!(
        reports_to[0].target_product, "Employee",
        "ReportsTo refers to its own table first: {reports_to:#?}"
    );
    assert!(
        reports_to[0]
            .signals
            .iter()
            .any(|s| matches!(s, Signal::HierarchyRoots { null_rows: 1 })),
        "the general manager reports to no one: {:#?}",
        reports_to[0].signals
    );
    assert!(
        reports_to[0].signals.iter().any(|s| matches!(
            s,
            Signal::Values { containment, basis, .. }
                if *containment == 1.0 && basis.starts_with("source: full table")
        )),
        "its values were read from the full table: {:#?}",
        reports_to[0].signals
    );
}

#[test]
fn northwind_foreign_keys_are_found_where_names_differ() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, products) = registered(&[&northwind_db(dir.path())]);
    let (candidates, with_values) = run(&products, INFER);
    assert_eq!(
        with_values.true_keys, 13,
        "Northwind declares 13 foreign keys"
    );
    assert_at_least("northwind, names + values", with_values, 1.0, 2.0 / 13.0);
    let (_, schema_only) = run(&products, INFER_SCHEMA_ONLY);
    assert_at_least(
        "northwind, schema only",
        schema_only,
        11.0 / 13.0,
        1.0 / 13.0,
    );

    let ship_via = candidates
        .iter()
        .find(|c| c.source_product == "Orders" && c.mapping[0].source_field == "ShipVia")
        .expect("Orders.ShipVia has a candidate");
    assert_eq!(
        (
            ship_via.target_product.as_str(),
            ship_via.mapping[0].target_field.as_str()
        ),
        ("Shippers", "ShipperID"),
        "ShipVia's values cover every shipper, so Shippers ranks first"
    );
}

#[test]
fn declared_foreign_keys_are_proposed_as_declared() {
    let (_db, products) = registered(&[&chinook_path()]);
    let (candidates, recall) = run(&products, DiscoveryOptions::default());
    assert_eq!(
        (recall.found, recall.false_candidates),
        (11, 0),
        "every declared key, and nothing else: {candidates:#?}"
    );
    assert!(
        candidates
            .iter()
            .all(|c| c.signals == [Signal::Declared] && c.score == 1.0),
        "declared keys are not second-guessed"
    );
}

/// Spider's `tables.json` as products without rows: names, types and primary keys, and its
/// foreign keys (one per column pair) as the truth.
fn spider_databases() -> Vec<(String, Vec<DataProduct>)> {
    #[derive(serde::Deserialize)]
    struct Database {
        db_id: String,
        table_names_original: Vec<String>,
        column_names_original: Vec<(i64, String)>,
        column_types: Vec<String>,
        primary_keys: Vec<serde_json::Value>,
        foreign_keys: Vec<(usize, usize)>,
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/spider/tables.json");
    let text = std::fs::read_to_string(&path).expect("read spider/tables.json");
    let databases: Vec<Database> = serde_json::from_str(&text).expect("parse spider/tables.json");
    databases
        .into_iter()
        .map(|db| {
            let columns = &db.column_names_original;
            // A primary key entry is a column index, or a list of them (composite).
            let primary: Vec<usize> = db
                .primary_keys
                .iter()
                .flat_map(|v| match v {
                    serde_json::Value::Array(parts) => {
                        parts.iter().filter_map(|p| p.as_u64()).collect::<Vec<_>>()
                    }
                    other => other.as_u64().into_iter().collect(),
                })
                .map(|i| i as usize)
                .collect();
            let products = db
                .table_names_original
                .iter()
                .enumerate()
                .map(|(t, table)| {
                    let in_table: Vec<usize> = (0..columns.len())
                        .filter(|&i| columns[i].0 == t as i64)
                        .collect();
                    let foreign_keys = db
                        .foreign_keys
                        .iter()
                        .filter(|(from, _)| columns[*from].0 == t as i64)
                        .map(|&(from, to)| ForeignKey {
                            fields: vec![columns[from].1.clone()],
                            target_product: db.table_names_original[columns[to].0 as usize].clone(),
                            target_fields: vec![columns[to].1.clone()],
                        })
                        .collect();
                    DataProduct {
                        name: table.clone(),
                        source_kind: SourceKind::Sqlite,
                        source_path: format!("spider/{}", db.db_id),
                        source_table: Some(table.clone()),
                        schema: ProductSchema {
                            fields: in_table
                                .iter()
                                .map(|&i| ProductField {
                                    name: columns[i].1.clone(),
                                    declared_type: db.column_types[i].clone(),
                                    not_null: false,
                                })
                                .collect(),
                            primary_key: in_table
                                .iter()
                                .filter(|i| primary.contains(i))
                                .map(|&i| columns[i].1.clone())
                                .collect(),
                            unique_keys: Vec::new(),
                            foreign_keys,
                        },
                        row_count: 0,
                        sample_rows: Vec::new(),
                        registered_at: chrono::Utc::now(),
                    }
                })
                .collect();
            (db.db_id, products)
        })
        .collect()
}

#[test]
fn spider_schemas_recall_by_database_size() {
    let databases = spider_databases();
    assert_eq!(databases.len(), 166, "Spider has 166 databases");
    let mut by_size: BTreeMap<&str, (usize, Recall)> = BTreeMap::new();
    let mut total = Recall {
        true_keys: 0,
        found: 0,
        false_candidates: 0,
    };
    for (_, products) in &databases {
        let (_, r) = run(products, INFER_SCHEMA_ONLY);
        let size = match products.len() {
            0..=3 => "1. 1-3 tables",
            4..=6 => "2. 4-6 tables",
            7..=10 => "3. 7-10 tables",
            _ => "4. 11+ tables",
        };
        let entry = by_size.entry(size).or_insert((0, total));
        entry.0 += 1;
        entry.1 = if entry.0 == 1 { r } else { entry.1.plus(r) };
        total = total.plus(r);
    }
    for (size, (databases, r)) in &by_size {
        report(&format!("spider {size} ({databases} databases)"), *r);
    }
    assert!(
        total.true_keys > 780,
        "Spider declares 795 foreign-key pairs ({} distinct)",
        total.true_keys
    );
    assert_at_least("spider, all 166 schemas", total, 0.80, 0.20);
}

#[test]
fn cli_queues_discovered_candidates_once_and_reports_recall() {
    let db = temp_db();
    let cli = |args: &[&str]| {
        let mut cmd = vetted(&db.path);
        cmd.args(args);
        cmd
    };
    let refused = cli(&["relate", "--discover"]).output().unwrap();
    assert!(!refused.status.success(), "nothing registered yet");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("at least two registered"),
        "says what is missing: {}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let chinook = chinook_path();
    json_of(&mut cli(&[
        "products",
        "add",
        chinook.to_str().unwrap(),
        "--json",
    ]));
    let dry = json_of(&mut cli(&[
        "relate",
        "--discover",
        "--ignore-declared",
        "--dry-run",
        "--json",
    ]));
    assert_eq!(dry["against_declared"]["found"], 11, "{dry:#}");
    assert!(dry["queued"].is_null(), "a dry run queues nothing");
    let queue = json_of(&mut cli(&["queue", "--status", "pending", "--json"]));
    assert_eq!(queue.as_array().map(Vec::len), Some(0), "{queue:#}");

    let first = json_of(&mut cli(&["relate", "--discover", "--json"]));
    assert_eq!(
        first["queued"]["new"], 11,
        "one item per declared key: {first:#}"
    );
    let again = json_of(&mut cli(&["relate", "--discover", "--json"]));
    assert_eq!(
        (&again["queued"]["new"], &again["queued"]["already_queued"]),
        (&serde_json::json!(0), &serde_json::json!(11)),
        "a second run queues nothing new"
    );

    let queue = json_of(&mut cli(&["queue", "--status", "pending", "--json"]));
    let id = queue[0]["external_id"].as_str().expect("an item id");
    let shown = json_of(&mut cli(&["show", id, "--json"]));
    let text = shown.to_string();
    assert!(
        text.contains("Proposed by discovery") && text.contains("declares this foreign key"),
        "the rationale says why it was proposed: {shown:#}"
    );
    assert_eq!(shown["item"]["model"], "discovery", "{shown:#}");
}
