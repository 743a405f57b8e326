//! Relationship candidates that name registered data products without repeating their fields
//! (issue #21): filled from the registry at import, or refused with the line and the names.

use predicates::prelude::*;

use vetted::ErrorCode;
use vetted::Store;
use vetted::domain::{ItemBody, ProductSide};

use crate::support::{
    TempDb, answer_line, by_name_line, chinook_path, json_of, relationship_between, table_counts,
    temp_db, vetted,
};

fn chinook() -> (TempDb, Store) {
    let db = temp_db();
    let mut store = db.open();
    store
        .add_products(&[chinook_path()])
        .expect("register Chinook");
    (db, store)
}

fn sides(store: &Store, id: &str) -> (ProductSide, ProductSide) {
    match store.item(id).expect("the item is stored").body {
        ItemBody::Relationship(r) => (r.source, r.target),
        other => panic!("{id} is a relationship item: {other:?}"),
    }
}

/// The side's fields must be the registered product's columns (names and declared types, in
/// order) and its samples the registered sample's first rows.
fn assert_filled_from_registry(store: &Store, side: &ProductSide, name: &str) {
    let product = store.product(name).unwrap().expect("registered");
    let columns: Vec<(&str, &str)> = product
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.declared_type.as_str()))
        .collect();
    let stored: Vec<(&str, &str)> = side
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.field_type.as_str()))
        .collect();
    assert_eq!(side.product, name, "the side keeps the product's name");
    assert_eq!(
        stored, columns,
        "{name}'s fields are its real columns and declared types"
    );
    assert!(
        !side.sample_rows.is_empty(),
        "{name} gets sample rows from the registry"
    );
    assert_eq!(
        side.sample_rows[..],
        product.sample_rows[..side.sample_rows.len()],
        "{name}'s sample rows are the first rows of its registered sample"
    );
}

#[test]
fn a_candidate_naming_registered_products_gets_their_columns_samples_and_evidence() {
    let (db, mut store) = chinook();
    let by_name = by_name_line(
        "by-name",
        ("Invoice", "CustomerId"),
        ("Customer", "CustomerId"),
    );
    let explicit = relationship_between(
        &store,
        "explicit",
        ("Invoice", &["CustomerId"]),
        ("Customer", &["CustomerId"]),
        "N:1",
    );
    let file = db.write_file("items.jsonl", format!("{by_name}\n{explicit}\n"));
    let report = store
        .import_path(&file)
        .expect("a by-name candidate imports");
    assert_eq!(report.new, 2, "both candidates are new");

    let (source, target) = sides(&store, "by-name");
    assert_filled_from_registry(&store, &source, "Invoice");
    assert_filled_from_registry(&store, &target, "Customer");
    assert!(
        source.fields.iter().any(|f| f.name == "BillingCountry"),
        "Invoice's columns beyond the mapped one are there too"
    );

    let evidence = |id: &str| store.relationship_evidence(id).unwrap().expect("evidence");
    let (named, given) = (evidence("by-name"), evidence("explicit"));
    assert_eq!(named.containment, Some(1.0), "59 of 59 customers found");
    assert_eq!(
        named.source_basis.label, "source: full table, 412 rows",
        "computed on Invoice's full table"
    );
    assert_eq!(
        named, given,
        "the evidence is the same as for the same candidate with explicit fields"
    );

    let again = store.import_path(&file).expect("importing again");
    assert_eq!(
        (again.new, again.already_present),
        (0, 2),
        "a by-name file imports idempotently"
    );
}

#[test]
fn an_unregistered_product_name_rejects_the_file_and_names_the_registered_ones() {
    let (db, mut store) = chinook();
    let file = db.write_file(
        "items.jsonl",
        format!(
            "{}\n{}\n{}\n",
            answer_line("a-1", "$12M"),
            by_name_line(
                "good",
                ("Invoice", "CustomerId"),
                ("Customer", "CustomerId")
            ),
            by_name_line("typo", ("Invoce", "CustomerId"), ("Customer", "CustomerId")),
        ),
    );
    let before = table_counts(&db.path);
    let err = store
        .import_path(&file)
        .expect_err("an unknown product is refused");
    let message = err.to_string();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{message}");
    assert!(
        message.contains(
            "items.jsonl:3: source.product: 'Invoce' is not a registered data product \
             (registered: Album, Artist, Customer, Employee, Genre, Invoice, InvoiceLine, \
             MediaType, Playlist, PlaylistTrack, Track); register it with vetted products add, \
             or give its fields"
        ),
        "file, line, field and the registered names: {message}"
    );
    assert_eq!(
        table_counts(&db.path),
        before,
        "nothing is imported, not even the valid lines"
    );
    assert!(
        store.item("a-1").is_err(),
        "the answer on line 1 is not stored"
    );
}

#[test]
fn a_mapped_field_missing_from_the_registered_product_is_an_error() {
    let (db, mut store) = chinook();
    let file = db.write_file(
        "items.jsonl",
        by_name_line(
            "wrong-case",
            ("Invoice", "CustomerID"),
            ("Customer", "CustomerId"),
        ) + "\n",
    );
    let before = table_counts(&db.path);
    let message = store
        .import_path(&file)
        .expect_err("a field Invoice does not have is refused")
        .to_string();
    assert!(
        message.contains(
            "items.jsonl:1: relation.mapping[0].source_field: 'CustomerID' is not a field of \
             'Invoice' (registered; its fields: InvoiceId, CustomerId, InvoiceDate,"
        ),
        "names the mapping entry and Invoice's real fields: {message}"
    );
    assert_eq!(table_counts(&db.path), before, "nothing is imported");
}

#[test]
fn given_sample_rows_are_kept_when_only_the_fields_come_from_the_registry() {
    let (db, mut store) = chinook();
    let mut line: serde_json::Value = serde_json::from_str(&by_name_line(
        "own-rows",
        ("Invoice", "CustomerId"),
        ("Customer", "CustomerId"),
    ))
    .unwrap();
    line["source"]["sample_rows"] = serde_json::json!([{"InvoiceId": 1, "CustomerId": 2}]);
    let file = db.write_file("items.jsonl", format!("{line}\n"));
    store.import_path(&file).expect("imports");
    let (source, target) = sides(&store, "own-rows");
    assert_eq!(
        source.sample_rows,
        vec![serde_json::from_value(serde_json::json!({"InvoiceId": 1, "CustomerId": 2})).unwrap()],
        "the line's own sample rows are kept"
    );
    assert_eq!(
        source.fields.len(),
        9,
        "Invoice's 9 columns come from the registry"
    );
    assert_filled_from_registry(&store, &target, "Customer");
}

#[test]
fn the_cli_imports_by_name_candidates_and_refuses_unknown_names() {
    let db = temp_db();
    vetted(&db.path)
        .args(["products", "add"])
        .arg(chinook_path())
        .assert()
        .success();
    let good = db.write_file(
        "candidates.jsonl",
        by_name_line(
            "rel-1",
            ("Invoice", "CustomerId"),
            ("Customer", "CustomerId"),
        ) + "\n",
    );
    vetted(&db.path)
        .arg("import")
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 new"));
    let shown = json_of(vetted(&db.path).args(["show", "rel-1", "--json"]));
    assert_eq!(
        shown["evidence_computed"]["containment"], 1.0,
        "evidence is computed for the by-name candidate: {shown}"
    );

    let bad = db.write_file(
        "typo.jsonl",
        by_name_line(
            "rel-2",
            ("Invoice", "CustomerId"),
            ("Custmer", "CustomerId"),
        ) + "\n",
    );
    vetted(&db.path)
        .arg("import")
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "typo.jsonl:1: target.product: 'Custmer' is not a registered data product \
             (registered: Album, Artist, Customer,",
        ));
    vetted(&db.path).args(["show", "rel-2"]).assert().failure();
}
