//! Parquet files and dataset folders as data products: types from the schema, folders of part
//! files, bad input refused whole, and evidence read from Parquet equal to the SQLite tables'.
//! Files are written here with the `parquet` crate's own writer; scripts/test-parquet.sh checks
//! files written by pyarrow.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use serde_json::json;
use vetted::ErrorCode;
use vetted::products::SourceKind;
use vetted::relation_evidence::BasisKind;

use crate::support::{chinook_path, import_lines, relationship_between, table_counts, temp_db};

/// One column's values in a row group, `None` for a null.
enum Values {
    Bool(Vec<Option<bool>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
    Double(Vec<Option<f64>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

/// Writes `row_groups` (one `Values` per leaf column, in schema order) as a Snappy-compressed
/// Parquet file. A null is written at definition level 0 (for a nested leaf: its group absent).
fn write_parquet(path: &Path, message_type: &str, row_groups: Vec<Vec<Values>>) {
    let schema = Arc::new(parse_message_type(message_type).expect("valid message type"));
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let file = File::create(path).expect("create parquet file");
    let mut writer = SerializedFileWriter::new(file, schema, Arc::new(props)).unwrap();
    for columns in row_groups {
        let mut group = writer.next_row_group().unwrap();
        for values in columns {
            let mut column = group.next_column().unwrap().expect("a column per Values");
            fn split<T: Clone>(v: &[Option<T>], max: i16) -> (Vec<T>, Vec<i16>) {
                let present = v.iter().flatten().cloned().collect();
                (
                    present,
                    v.iter()
                        .map(|x| if x.is_some() { max } else { 0 })
                        .collect(),
                )
            }
            macro_rules! write {
                ($t:ty, $v:expr) => {{
                    let typed = column.typed::<$t>();
                    let max = typed.get_descriptor().max_def_level();
                    let (present, defs) = split(&$v, max);
                    let defs = (max > 0).then_some(defs);
                    typed.write_batch(&present, defs.as_deref(), None).unwrap();
                }};
            }
            match values {
                Values::Bool(v) => write!(BoolType, v),
                Values::Int32(v) => write!(Int32Type, v),
                Values::Int64(v) => write!(Int64Type, v),
                Values::Double(v) => write!(DoubleType, v),
                Values::Bytes(v) => {
                    let v: Vec<Option<ByteArray>> =
                        v.into_iter().map(|b| b.map(ByteArray::from)).collect();
                    write!(ByteArrayType, v)
                }
            }
            column.close().unwrap();
        }
        group.close().unwrap();
    }
    writer.close().unwrap();
}

fn text(values: &[Option<&str>]) -> Values {
    Values::Bytes(
        values
            .iter()
            .map(|v| v.map(|s| s.as_bytes().to_vec()))
            .collect(),
    )
}

const ORDERS_SCHEMA: &str = "message schema {
    required int32 id;
    optional int64 customer_id;
    optional binary note (UTF8);
    optional int32 day (DATE);
    optional int64 paid_at (TIMESTAMP(MICROS,true));
    optional int64 shipped_at (TIMESTAMP(NANOS,false));
    optional int32 total (DECIMAL(9,2));
    optional boolean paid;
    optional double score;
    optional binary raw;
    optional group address { optional binary city (UTF8); }
}";

/// Two rows of every kind of column in [`ORDERS_SCHEMA`]; the second is null wherever it may be.
fn orders_columns(ids: [i32; 2]) -> Vec<Values> {
    vec![
        Values::Int32(ids.map(Some).to_vec()),
        Values::Int64(vec![Some(7), None]),
        text(&[Some("first"), None]),
        Values::Int32(vec![Some(19_724), None]), // 2024-01-02
        Values::Int64(vec![Some(1_704_200_400_000_000), None]), // 2024-01-02 13:00:00 UTC
        Values::Int64(vec![Some(1_704_200_400_123_000_000), None]),
        Values::Int32(vec![Some(198), None]),
        Values::Bool(vec![Some(true), None]),
        Values::Double(vec![Some(2.5), None]),
        Values::Bytes(vec![Some(vec![0, 1, 2]), None]),
        text(&[Some("Oslo"), None]),
    ]
}

#[test]
fn a_parquet_file_registers_with_types_from_its_schema_and_typed_sample_values() {
    let db = temp_db();
    let path = db.dir.path().join("orders.parquet");
    write_parquet(
        &path,
        ORDERS_SCHEMA,
        vec![orders_columns([1, 2]), orders_columns([3, 4])],
    );
    let mut store = db.open();
    let registered = store.add_products(&[path]).unwrap();
    assert_eq!(registered.len(), 1, "one product per file");

    let orders = store
        .product("orders")
        .unwrap()
        .expect("named after the file stem");
    assert_eq!(orders.source_kind, SourceKind::Parquet);
    assert_eq!(orders.source_table, None);
    assert_eq!(
        orders.row_count, 4,
        "rows of every row group, from the footer"
    );
    let types: Vec<(&str, &str, bool)> = orders
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.declared_type.as_str(), f.not_null))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "INTEGER", true),
            ("customer_id", "INTEGER", false),
            ("note", "TEXT", false),
            ("day", "DATE", false),
            ("paid_at", "DATETIME", false),
            ("shipped_at", "DATETIME", false),
            ("total", "DECIMAL(9,2)", false),
            ("paid", "BOOLEAN", false),
            ("score", "REAL", false),
            ("raw", "BLOB", false),
            ("address", "TEXT", false),
        ],
        "declared types from physical and logical types; not_null from REQUIRED"
    );
    assert_eq!(
        serde_json::Value::Object(orders.sample_rows[0].clone()),
        json!({
            "id": 1, "customer_id": 7, "note": "first", "day": "2024-01-02",
            "paid_at": "2024-01-02 13:00:00", "shipped_at": "2024-01-02 13:00:00.123",
            "total": 1.98, "paid": true, "score": 2.5, "raw": "<blob: 3 bytes>",
            "address": "{\"city\":\"Oslo\"}"
        }),
        "values follow the SQLite and CSV conventions; a nested field is JSON text"
    );
    assert!(
        orders.sample_rows[1]
            .iter()
            .all(|(name, value)| name == "id" || value.is_null()),
        "nulls stay nulls: {:?}",
        orders.sample_rows[1]
    );
    let ids: Vec<i64> = orders
        .sample_rows
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4], "row groups are read in order");
}

#[test]
fn a_folder_of_part_files_is_one_product_read_in_file_name_order() {
    let db = temp_db();
    let folder = db.dir.path().join("orders");
    std::fs::create_dir(&folder).unwrap();
    // Written out of order: the parts are read by file name, not by creation.
    write_parquet(
        &folder.join("part-1.parquet"),
        ORDERS_SCHEMA,
        vec![orders_columns([3, 4])],
    );
    write_parquet(
        &folder.join("part-0.parquet"),
        ORDERS_SCHEMA,
        vec![orders_columns([1, 2])],
    );
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    std::fs::write(folder.join(".part-0.parquet.crc"), "x").unwrap();
    let mut store = db.open();
    store.add_products(std::slice::from_ref(&folder)).unwrap();
    let orders = store
        .product("orders")
        .unwrap()
        .expect("named after the folder");
    assert_eq!(orders.row_count, 4, "rows of every part");
    let ids: Vec<i64> = orders
        .sample_rows
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [1, 2, 3, 4],
        "part-0 before part-1; markers and checksums skipped"
    );
    assert!(
        orders.source_path.ends_with("orders"),
        "{}",
        orders.source_path
    );
}

#[test]
fn a_hive_partitioned_folder_adds_its_keys_as_fields_valued_from_the_folder_names() {
    let db = temp_db();
    let sales = db.dir.path().join("sales");
    let schema = "message schema { required int32 id; optional int64 customer_id; }";
    let parts = [
        ("year=2024/region=north", [1, 2]),
        // pyarrow and Spark percent-encode folder names: "süd".
        ("year=2024/region=s%C3%BCd", [3, 4]),
        ("year=2025/region=__HIVE_DEFAULT_PARTITION__", [5, 6]),
    ];
    for (folder, ids) in parts {
        std::fs::create_dir_all(sales.join(folder)).unwrap();
        write_parquet(
            &sales.join(folder).join("part-0.parquet"),
            schema,
            vec![vec![
                Values::Int32(ids.map(Some).to_vec()),
                Values::Int64(vec![Some(7), Some(8)]),
            ]],
        );
    }
    std::fs::write(sales.join("_SUCCESS"), "").unwrap();
    let mut store = db.open();
    store.add_products(std::slice::from_ref(&sales)).unwrap();
    // A link to a folder is not followed: this one leads back up and would never end.
    let looped = db.dir.path().join("looped");
    std::fs::create_dir_all(looped.join("year=2024")).unwrap();
    std::fs::copy(
        sales.join("year=2024/region=north/part-0.parquet"),
        looped.join("year=2024/part-0.parquet"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&looped, looped.join("year=2025")).unwrap();
    let err = store
        .add_products(std::slice::from_ref(&looped))
        .expect_err("a linked folder is refused");
    assert!(
        err.to_string()
            .contains("'year=2025' is not a .parquet file"),
        "{err}"
    );
    let product = store
        .product("sales")
        .unwrap()
        .expect("named after the folder");
    let fields: Vec<(&str, &str, bool)> = product
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.declared_type.as_str(), f.not_null))
        .collect();
    assert_eq!(
        fields,
        [
            ("id", "INTEGER", true),
            ("customer_id", "INTEGER", false),
            ("year", "INTEGER", true),
            ("region", "TEXT", false),
        ],
        "the files' fields, then one per partition key: integers where every value is one, \
         nullable where a partition is the default (null) one"
    );
    assert_eq!(product.row_count, 6, "rows of every part");
    let rows: Vec<(i64, i64, serde_json::Value)> = product
        .sample_rows
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["year"].as_i64().expect("year is a number"),
                r["region"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, 2024, json!("north")),
            (2, 2024, json!("north")),
            (3, 2024, json!("süd")),
            (4, 2024, json!("süd")),
            (5, 2025, json!(null)),
            (6, 2025, json!(null)),
        ],
        "each row carries its part's partition values, decoded"
    );
}

#[test]
fn bad_parquet_input_is_refused_naming_the_file_and_nothing_is_registered() {
    let db = temp_db();
    let good = db.dir.path().join("good.parquet");
    write_parquet(&good, ORDERS_SCHEMA, vec![orders_columns([1, 2])]);
    let bytes = std::fs::read(&good).unwrap();
    let truncated = db.write_file("truncated.parquet", &bytes[..bytes.len() / 2]);
    let not_parquet = db.write_file("fake.parquet", "id,name\n1,a\n");
    let empty = db.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let other_schema = db.dir.path().join("mixed");
    std::fs::create_dir(&other_schema).unwrap();
    std::fs::copy(&good, other_schema.join("part-0.parquet")).unwrap();
    write_parquet(
        &other_schema.join("part-1.parquet"),
        "message schema { required int32 id; optional binary customer_id (UTF8); }",
        vec![vec![Values::Int32(vec![Some(5)]), text(&[Some("7")])]],
    );
    let not_partition = db.dir.path().join("not_partition");
    std::fs::create_dir_all(not_partition.join("extra")).unwrap();
    std::fs::copy(&good, not_partition.join("part-0.parquet")).unwrap();
    let mixed_keys = db.dir.path().join("mixed_keys");
    std::fs::create_dir_all(mixed_keys.join("year=2024")).unwrap();
    std::fs::copy(&good, mixed_keys.join("year=2024").join("part-0.parquet")).unwrap();
    std::fs::copy(&good, mixed_keys.join("part-1.parquet")).unwrap();
    let key_clash = db.dir.path().join("key_clash");
    std::fs::create_dir_all(key_clash.join("id=1")).unwrap();
    std::fs::copy(&good, key_clash.join("id=1").join("part-0.parquet")).unwrap();
    // A pipe named like a part file would never end: not read (`user_files::check_readable`).
    let with_pipe = db.dir.path().join("with_pipe");
    std::fs::create_dir(&with_pipe).unwrap();
    std::fs::copy(&good, with_pipe.join("part-0.parquet")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(with_pipe.join("part-1.parquet"))
        .status()
        .expect("mkfifo");
    assert!(made.success(), "a FIFO among the part files");
    let mut store = db.open();
    let before = table_counts(&db.path);

    let cases = [
        (
            &truncated,
            "truncated.parquet: not a readable Parquet file, or a truncated one",
        ),
        (
            &not_parquet,
            "fake.parquet: not a Parquet file (the file does not start with PAR1)",
        ),
        (&empty, "empty: the folder holds no .parquet part files"),
        (
            &other_schema,
            "part-1.parquet: field 'customer_id' is TEXT here but INTEGER in part-0.parquet",
        ),
        (
            &not_partition,
            "not_partition: 'extra' is a subfolder but not a Hive-style partition (KEY=VALUE)",
        ),
        (
            &mixed_keys,
            "mixed_keys: year=2024/part-0.parquet sits under partition keys (year), but \
             part-1.parquet under no partition folder",
        ),
        (
            &key_clash,
            "key_clash: 'id' is both a partition key (a folder name) and a field of the part files",
        ),
    ];
    for (bad, expected) in cases {
        let err = store
            .add_products(&[good.clone(), bad.clone()])
            .expect_err("a bad file fails the batch");
        assert_eq!(err.code(), ErrorCode::BadSource, "{err}");
        assert!(
            err.to_string().contains(expected),
            "names the file and the problem: {err}"
        );
    }
    let pipe = store
        .add_products(&[good.clone(), with_pipe.clone()])
        .expect_err("a pipe among the part files fails the batch");
    assert_eq!(pipe.code(), ErrorCode::NotARegularFile, "{pipe}");
    assert!(
        pipe.to_string()
            .contains("part-1.parquet: is a FIFO (pipe)"),
        "names the pipe: {pipe}"
    );
    assert_eq!(
        table_counts(&db.path),
        before,
        "a failed batch registers nothing, not even the good file"
    );
}

/// Chinook's `table` copied to Parquet as INT64 ids (REQUIRED where the table says NOT NULL)
/// and UTF-8 text, in row groups of 100 rows.
fn chinook_table_to_parquet(table: &str, path: &Path) {
    let conn = rusqlite::Connection::open(chinook_path()).unwrap();
    let columns: Vec<(String, String, bool)> = conn
        .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1)")
        .unwrap()
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let fields: Vec<String> = columns
        .iter()
        .map(|(name, t, not_null)| {
            let repetition = if *not_null { "required" } else { "optional" };
            let physical = if t == "INTEGER" { "int64" } else { "binary" };
            let logical = if t == "INTEGER" { "" } else { " (UTF8)" };
            format!("{repetition} {physical} {name}{logical};")
        })
        .collect();
    let message = format!("message schema {{ {} }}", fields.join(" "));
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
        .unwrap();
    let rows: Vec<Vec<rusqlite::types::Value>> = stmt
        .query_map([], |r| (0..columns.len()).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let groups = rows
        .chunks(100)
        .map(|chunk| {
            use rusqlite::types::Value as V;
            (0..columns.len())
                .map(|i| match columns[i].1.as_str() {
                    "INTEGER" => Values::Int64(
                        chunk
                            .iter()
                            .map(|r| {
                                if let V::Integer(n) = r[i] {
                                    Some(n)
                                } else {
                                    None
                                }
                            })
                            .collect(),
                    ),
                    _ => Values::Bytes(
                        chunk
                            .iter()
                            .map(|r| match &r[i] {
                                V::Null => None,
                                V::Integer(n) => Some(n.to_string().into_bytes()),
                                V::Real(f) => Some(f.to_string().into_bytes()),
                                V::Text(s) => Some(s.clone().into_bytes()),
                                V::Blob(b) => Some(b.clone()),
                            })
                            .collect(),
                    ),
                })
                .collect()
        })
        .collect();
    write_parquet(path, &message, groups);
}

#[test]
fn evidence_read_from_parquet_equals_the_evidence_of_the_sqlite_tables() {
    let db = temp_db();
    let invoice = db.dir.path().join("invoice_pq.parquet");
    let customer = db.dir.path().join("customer_pq.parquet");
    chinook_table_to_parquet("Invoice", &invoice);
    chinook_table_to_parquet("Customer", &customer);
    let mut store = db.open();
    store
        .add_products(&[chinook_path(), invoice, customer])
        .unwrap();
    let cases = [
        (
            ("Invoice", "invoice_pq"),
            "CustomerId",
            ("Customer", "customer_pq"),
            "CustomerId",
        ),
        (
            ("Customer", "customer_pq"),
            "SupportRepId",
            ("Invoice", "invoice_pq"),
            "InvoiceId",
        ),
        (
            ("Invoice", "invoice_pq"),
            "InvoiceId",
            ("Customer", "customer_pq"),
            "CustomerId",
        ),
    ];
    let mut lines = Vec::new();
    for (n, (source, sf, target, tf)) in cases.iter().enumerate() {
        for (prefix, s, t) in [
            ("sqlite", source.0, target.0),
            ("parquet", source.1, target.1),
        ] {
            let id = format!("{prefix}-{n}");
            lines.push(relationship_between(
                &store,
                &id,
                (s, &[*sf]),
                (t, &[*tf]),
                "N:1",
            ));
        }
    }
    import_lines(&db, &mut store, &lines);
    for n in 0..cases.len() {
        let sqlite = store
            .relationship_evidence(&format!("sqlite-{n}"))
            .unwrap()
            .unwrap();
        let parquet = store
            .relationship_evidence(&format!("parquet-{n}"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (parquet.source_basis.kind, parquet.target_basis.kind),
            (BasisKind::SourceTable, BasisKind::SourceTable),
            "case {n}: the full Parquet files are read"
        );
        let figures = |e: &vetted::relation_evidence::RelationshipEvidence| {
            json!([
                e.source_basis.rows,
                e.target_basis.rows,
                e.source_distinct,
                e.matched_distinct,
                e.containment,
                e.source_rows_with_key,
                e.orphan_rows,
                e.orphan_rate,
                e.orphan_examples,
                e.target_distinct,
                e.target_coverage,
                e.target_unique,
                e.source_unique,
                e.sequential_source_ids,
                e.observed_cardinality,
            ])
        };
        assert_eq!(
            figures(&parquet),
            figures(&sqlite),
            "case {n}: the same figures from Parquet"
        );
        assert_eq!(
            parquet.target_declared_key,
            Some(false),
            "Parquet declares no keys"
        );
    }
}
