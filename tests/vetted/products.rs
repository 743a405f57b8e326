//! Registering data products from real sources, and refusing bad ones whole.

use vetted::ErrorCode;
use vetted::products::{SAMPLE_HEAD, SAMPLE_LIMIT, SourceKind};

use crate::support::{chinook_path, northwind_db, table_counts, temp_db};

#[test]
fn every_chinook_table_registers_with_schema_keys_and_a_bounded_sample() {
    let db = temp_db();
    let mut store = db.open();
    let registered = store.add_products(&[chinook_path()]).unwrap();
    assert_eq!(registered.len(), 11, "Chinook has 11 tables");
    assert!(registered.iter().all(|r| r.new), "first registration");

    let track = store
        .product("Track")
        .unwrap()
        .expect("Track is registered");
    assert_eq!(track.source_kind, SourceKind::Sqlite);
    assert_eq!(track.row_count, 3503, "row count of the full table");
    assert_eq!(
        track.sample_rows.len(),
        SAMPLE_LIMIT,
        "the sample is bounded"
    );
    let head: Vec<i64> = track.sample_rows[..SAMPLE_HEAD]
        .iter()
        .map(|r| r["TrackId"].as_i64().unwrap())
        .collect();
    assert_eq!(
        head,
        [1, 2, 3, 4, 5],
        "the sample starts with the first rows"
    );
    assert_eq!(track.schema.primary_key, ["TrackId"]);
    assert_eq!(
        track.schema.field("Name").map(|f| f.declared_type.as_str()),
        Some("NVARCHAR(200)"),
        "declared types are kept verbatim"
    );

    let employee = store.product("Employee").unwrap().unwrap();
    let reports_to = employee
        .schema
        .foreign_keys
        .iter()
        .find(|fk| fk.fields == ["ReportsTo"])
        .expect("the self-reference is a declared foreign key");
    assert_eq!(
        (
            reports_to.target_product.as_str(),
            reports_to.target_fields.as_slice()
        ),
        ("Employee", &["EmployeeId".to_owned()][..])
    );
    let playlist_track = store.product("PlaylistTrack").unwrap().unwrap();
    assert_eq!(
        playlist_track.schema.primary_key,
        ["PlaylistId", "TrackId"],
        "composite primary keys keep their column order"
    );

    let again = store.add_products(&[chinook_path()]).unwrap();
    assert!(
        again.iter().all(|r| !r.new),
        "registering the same source again refreshes it"
    );
    assert_eq!(store.list_products().unwrap().len(), 11);
}

#[test]
fn a_northwind_table_with_a_space_in_its_name_registers() {
    let db = temp_db();
    let northwind = northwind_db(db.dir.path());
    let mut store = db.open();
    store.add_products(&[northwind]).unwrap();
    let details = store
        .product("Order Details")
        .unwrap()
        .expect("[Order Details] is a product");
    assert_eq!(details.row_count, 2155);
    assert_eq!(details.schema.primary_key, ["OrderID", "ProductID"]);
    assert!(
        details.sample_rows[0].contains_key("UnitPrice"),
        "sample rows are read through a quoted table name"
    );
}

#[test]
fn csv_types_are_inferred_from_every_value() {
    let db = temp_db();
    let csv = db.write_file(
        "payments.csv",
        "id,amount,paid_on,note\n1,10,2024-01-02,first\n2,12.5,2024-01-03,\n3,7,,x\n",
    );
    let mut store = db.open();
    store.add_products(&[csv]).unwrap();
    let payments = store
        .product("payments")
        .unwrap()
        .expect("named after the file stem");
    let types: Vec<&str> = payments
        .schema
        .fields
        .iter()
        .map(|f| f.declared_type.as_str())
        .collect();
    assert_eq!(types, ["INTEGER", "REAL", "DATE", "TEXT"]);
    assert_eq!(payments.row_count, 3);
    assert_eq!(payments.sample_rows[1]["amount"], serde_json::json!(12.5));
    assert_eq!(
        payments.sample_rows[1]["note"],
        serde_json::Value::Null,
        "an empty cell is a null"
    );
}

#[test]
fn bad_sources_are_refused_with_file_and_line_and_nothing_is_registered() {
    let db = temp_db();
    let good = db.write_file("good.csv", "id\n1\n");
    let ragged = db.write_file("ragged.csv", "id,name\n1,a\n2\n");
    let latin1 = db.write_file("latin1.csv", b"id,city\n1,K\xf6ln\n".as_slice());
    let not_db = db.write_file("fake.sqlite", "this is not a database");
    let mut store = db.open();
    let before = table_counts(&db.path);

    let cases = [
        (
            &ragged,
            "ragged.csv:3: this row has 1 fields but the header has 2",
        ),
        (&latin1, "latin1.csv:2: not UTF-8"),
        (&not_db, "fake.sqlite: not a SQLite database"),
    ];
    for (bad, expected) in cases {
        let err = store
            .add_products(&[good.clone(), bad.clone()])
            .expect_err("a bad file fails the batch");
        assert_eq!(err.code(), ErrorCode::BadSource);
        assert!(
            err.to_string().contains(expected),
            "message names the file and line: {err}"
        );
    }
    assert_eq!(
        table_counts(&db.path),
        before,
        "a failed batch registers nothing, not even the good file"
    );
}

#[test]
fn a_taken_name_from_another_source_is_a_collision() {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let album = db.write_file("Album.csv", "AlbumId,Title\n1,x\n");
    let err = store
        .add_products(&[album])
        .expect_err("Album is already registered from Chinook");
    assert_eq!(err.code(), ErrorCode::ProductCollision);
    assert!(
        err.to_string().contains("Chinook_Sqlite.sqlite#Album"),
        "{err}"
    );
    assert_eq!(
        store.product("Album").unwrap().unwrap().source_kind,
        SourceKind::Sqlite,
        "the registered product is untouched"
    );
}

#[test]
fn the_relate_role_reads_both_products_from_the_registry() {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let (source, target) =
        vetted::roles::relate::products_from_registry(&store, "Invoice", "Customer").unwrap();
    assert_eq!(source.product, "Invoice");
    assert!(
        source
            .fields
            .iter()
            .any(|f| f.name == "CustomerId" && f.field_type == "INTEGER"),
        "the registered schema, with declared types, goes into the prompt"
    );
    assert_eq!(
        target.sample_rows.len(),
        5,
        "a few sample rows per product, not the whole sample"
    );
    let err = vetted::roles::relate::products_from_registry(&store, "Invoice", "Nope").unwrap_err();
    assert!(
        err.to_string().contains("no registered product 'Nope'"),
        "an unknown product says how to register it: {err}"
    );
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
}
