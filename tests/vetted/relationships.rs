//! Evidence computed on real data (Chinook, Northwind), conflicts with accepted relationships,
//! relation edits, and the graph and dbt exports.

use vetted::ErrorCode;
use vetted::Store;
use vetted::domain::{
    Action, Cardinality, DecisionInput, EditedContent, FieldPair, ItemBody, ItemStatus,
    NOT_RELATED, Relation,
};
use vetted::relation_evidence::{BasisKind, ConflictKind, RelationshipEvidence};
use vetted::relation_export::RelationFormat;

use crate::support::{
    TempDb, chinook_path, import_lines, northwind_db, relationship_between, relationship_line,
    temp_db,
};

/// Chinook registered, with one relationship item per declared foreign key (`fk-<n>`).
fn chinook_with_declared_keys() -> (TempDb, Store, Vec<String>) {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let mut lines = Vec::new();
    let mut ids = Vec::new();
    for product in store.list_products().unwrap() {
        let schema = store.product(&product.name).unwrap().unwrap().schema;
        for fk in schema.foreign_keys {
            let id = format!("fk-{}", ids.len() + 1);
            let source: Vec<&str> = fk.fields.iter().map(String::as_str).collect();
            let target: Vec<&str> = fk.target_fields.iter().map(String::as_str).collect();
            lines.push(relationship_between(
                &store,
                &id,
                (&product.name, &source),
                (&fk.target_product, &target),
                "N:1",
            ));
            ids.push(id);
        }
    }
    import_lines(&db, &mut store, &lines);
    (db, store, ids)
}

fn evidence(store: &Store, id: &str) -> RelationshipEvidence {
    store
        .relationship_evidence(id)
        .unwrap()
        .expect("a relationship item has evidence")
}

fn decide(store: &mut Store, id: &str, action: Action, edited: Option<Relation>) {
    let version = store.item(id).unwrap().version;
    store
        .decide(&DecisionInput {
            id: format!("{id}-v{version}"),
            item: id.to_owned(),
            item_version: version,
            reviewer: "ana".into(),
            action,
            edited: edited.map(|relation| EditedContent::Relationship { relation }),
            reason: None,
            note: None,
        })
        .unwrap();
}

fn relation(cardinality: Cardinality, pairs: &[(&str, &str)]) -> Relation {
    Relation {
        relation_type: "foreign_key".into(),
        cardinality,
        mapping: pairs
            .iter()
            .map(|(s, t)| FieldPair {
                source_field: (*s).into(),
                target_field: (*t).into(),
            })
            .collect(),
    }
}

#[test]
fn every_declared_chinook_foreign_key_is_fully_contained_and_many_to_one() {
    let (_db, store, ids) = chinook_with_declared_keys();
    assert_eq!(ids.len(), 11, "Chinook declares 11 foreign keys");
    for id in &ids {
        let title = store.item(id).unwrap().body.title();
        let e = evidence(&store, id);
        assert_eq!(
            e.containment,
            Some(1.0),
            "{title}: every value is a target key"
        );
        assert_eq!(e.orphan_rows, 0, "{title}: no orphans");
        assert_eq!(
            e.observed_cardinality,
            Some(Cardinality::ManyToOne),
            "{title}: many rows per target key"
        );
        assert!(e.target_unique, "{title}: the target side is unique");
        assert_eq!(
            e.target_declared_key,
            Some(true),
            "{title}: and a declared key"
        );
        assert_eq!(
            (e.source_basis.kind, e.target_basis.kind),
            (BasisKind::SourceTable, BasisKind::SourceTable),
            "{title}: computed on the full tables"
        );
        assert!(e.conflicts.is_empty(), "{title}: nothing accepted yet");
    }
    let reports_to = ids
        .iter()
        .map(|id| (id, store.item(id).unwrap().body.title()))
        .find(|(_, t)| t == "Employee.ReportsTo → Employee.EmployeeId")
        .expect("the self-reference is among them");
    let e = evidence(&store, reports_to.0);
    assert_eq!(
        (e.source_rows_with_key, e.source_basis.rows),
        (7, 8),
        "the general manager's null ReportsTo is neither matched nor an orphan"
    );
    assert_eq!(e.source_basis.label, "source: full table, 8 rows");
}

#[test]
fn a_wrong_candidate_is_visibly_contradicted() {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let line = relationship_between(
        &store,
        "wrong",
        ("Invoice", &["CustomerId"]),
        ("Employee", &["EmployeeId"]),
        "N:1",
    );
    import_lines(&db, &mut store, &[line]);
    let e = evidence(&store, "wrong");
    let containment = e.containment.unwrap();
    assert!(
        containment < 0.2,
        "only 8 of 59 customer ids are also employee ids, got {containment}"
    );
    assert!(
        e.orphan_rows > 0 && e.orphan_rate.unwrap() > 0.5,
        "most invoices are orphans"
    );
    assert_eq!(
        e.orphan_examples,
        ["9", "10", "11", "12", "13"],
        "the smallest orphan keys, in numeric order, to look up"
    );
    assert!(
        e.pairs[0].name_similarity < 0.7,
        "CustomerId and EmployeeId share only `id`"
    );
}

#[test]
fn a_key_to_key_coincidence_is_flagged_although_containment_is_full() {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let line = relationship_between(
        &store,
        "ids",
        ("Customer", &["CustomerId"]),
        ("Invoice", &["InvoiceId"]),
        "1:1",
    );
    import_lines(&db, &mut store, &[line]);
    let e = evidence(&store, "ids");
    assert_eq!(
        e.containment,
        Some(1.0),
        "customer ids 1..59 are all invoice ids: containment cannot refute this"
    );
    assert!(e.sequential_source_ids, "the source keys are 1..59");
    assert_eq!(
        (e.source_declared_key, e.target_declared_key),
        (Some(true), Some(true)),
        "both sides are primary keys"
    );
    assert!(
        e.target_coverage.unwrap() < 0.2,
        "59 of 412 invoices are referenced"
    );
    assert_eq!(
        e.cautions.len(),
        2,
        "the reviewer is told why full containment proves little: {:?}",
        e.cautions
    );
}

#[test]
fn northwind_ship_via_is_contained_although_the_names_differ() {
    let db = temp_db();
    let northwind = northwind_db(db.dir.path());
    let mut store = db.open();
    store.add_products(&[northwind]).unwrap();
    let lines = [
        relationship_between(
            &store,
            "ship",
            ("Orders", &["ShipVia"]),
            ("Shippers", &["ShipperID"]),
            "N:1",
        ),
        relationship_between(
            &store,
            "details",
            ("Order Details", &["OrderID"]),
            ("Orders", &["OrderID"]),
            "N:1",
        ),
    ];
    import_lines(&db, &mut store, &lines);

    let ship = evidence(&store, "ship");
    assert_eq!(ship.containment, Some(1.0), "every ShipVia is a ShipperID");
    assert_eq!(ship.observed_cardinality, Some(Cardinality::ManyToOne));
    assert!(
        ship.pairs[0].name_similarity < 0.5,
        "names differ: {}",
        ship.pairs[0].name_similarity
    );

    let details = evidence(&store, "details");
    assert_eq!(
        details.containment,
        Some(1.0),
        "[Order Details] is read despite the space"
    );
    assert_eq!(details.source_basis.label, "source: full table, 2155 rows");
}

#[test]
fn without_a_registered_source_the_samples_are_used_and_labelled() {
    let db = temp_db();
    let mut store = db.open();
    import_lines(&db, &mut store, &[relationship_line("r-1")]);
    let e = evidence(&store, "r-1");
    assert_eq!(e.source_basis.kind, BasisKind::ItemSample);
    assert_eq!(e.source_basis.label, "samples: 1 row");
    assert_eq!(
        e.target_declared_key, None,
        "no registered schema to declare keys"
    );

    let csv = db.write_file("customers.csv", "id\n7\n8\n");
    store.add_products(std::slice::from_ref(&csv)).unwrap();
    assert_eq!(
        evidence(&store, "r-1").target_basis.label,
        "source: full table, 2 rows"
    );
    std::fs::remove_file(&csv).unwrap();
    let gone = evidence(&store, "r-1");
    assert_eq!(
        gone.target_basis.kind,
        BasisKind::RegisteredSample,
        "when the source is gone, the registered sample stands in"
    );
    assert!(
        gone.target_basis
            .fallback_reason
            .unwrap()
            .contains("no longer there")
    );
    // A pipe where the file was (or a device) would never end: it is not read.
    let made = std::process::Command::new("mkfifo")
        .arg(&csv)
        .status()
        .expect("mkfifo");
    assert!(made.success(), "a FIFO in place of the source");
    let pipe = evidence(&store, "r-1");
    assert_eq!(pipe.target_basis.kind, BasisKind::RegisteredSample);
    assert!(
        pipe.target_basis
            .fallback_reason
            .as_deref()
            .is_some_and(|why| why.contains("not a file or folder")),
        "{:?}",
        pipe.target_basis
    );
}

#[test]
fn conflicts_with_accepted_relationships_are_reported() {
    let db = temp_db();
    let mut store = db.open();
    store.add_products(&[chinook_path()]).unwrap();
    let lines = [
        relationship_between(
            &store,
            "right",
            ("Invoice", &["CustomerId"]),
            ("Customer", &["CustomerId"]),
            "N:1",
        ),
        relationship_between(
            &store,
            "other-target",
            ("Invoice", &["CustomerId"]),
            ("Employee", &["EmployeeId"]),
            "N:1",
        ),
        relationship_between(
            &store,
            "reversed",
            ("Customer", &["CustomerId"]),
            ("Invoice", &["CustomerId"]),
            "N:1",
        ),
        relationship_between(
            &store,
            "again",
            ("Invoice", &["CustomerId"]),
            ("Customer", &["CustomerId"]),
            "1:1",
        ),
    ];
    import_lines(&db, &mut store, &lines);
    assert!(
        evidence(&store, "other-target").conflicts.is_empty(),
        "nothing accepted yet"
    );
    decide(&mut store, "right", Action::Approve, None);

    let kinds = |store: &Store, id: &str| -> Vec<ConflictKind> {
        evidence(store, id)
            .conflicts
            .iter()
            .map(|c| c.kind)
            .collect()
    };
    assert_eq!(
        kinds(&store, "other-target"),
        [ConflictKind::SameSourceOtherTarget]
    );
    assert_eq!(
        kinds(&store, "reversed"),
        [ConflictKind::ContradictoryCardinality],
        "Invoice→Customer N:1 means Customer→Invoice 1:N"
    );
    assert_eq!(
        kinds(&store, "again"),
        [ConflictKind::ContradictoryCardinality]
    );
    assert!(
        kinds(&store, "right").is_empty(),
        "an item never conflicts with itself"
    );

    decide(
        &mut store,
        "again",
        Action::Edit,
        Some(Relation {
            relation_type: NOT_RELATED.into(),
            ..relation(Cardinality::ManyToOne, &[("CustomerId", "CustomerId")])
        }),
    );
    assert_eq!(
        kinds(&store, "right"),
        [ConflictKind::RelatedVersusNotRelated]
    );
}

#[test]
fn edited_relations_must_name_existing_fields() {
    let (_db, mut store, _) = chinook_with_declared_keys();
    let version = store.item("fk-1").unwrap().version;
    let err = store
        .decide(&DecisionInput {
            id: "bad-edit".into(),
            item: "fk-1".into(),
            item_version: version,
            reviewer: "ana".into(),
            action: Action::Edit,
            edited: Some(EditedContent::Relationship {
                relation: relation(Cardinality::ManyToOne, &[("ArtistId", "NoSuchField")]),
            }),
            reason: None,
            note: None,
        })
        .expect_err("a mapping to a missing field is refused");
    assert_eq!(err.code(), ErrorCode::UnknownField);
    assert!(
        err.to_string()
            .contains("'NoSuchField' is not a field of 'Artist'"),
        "{err}"
    );
    assert_eq!(
        store.history("fk-1").unwrap().len(),
        0,
        "nothing was recorded"
    );

    let not_related = Relation {
        relation_type: NOT_RELATED.into(),
        cardinality: Cardinality::ManyToOne,
        mapping: vec![],
    };
    decide(&mut store, "fk-1", Action::Edit, Some(not_related.clone()));
    assert_eq!(
        store.item("fk-1").unwrap().latest_edit,
        Some(EditedContent::Relationship {
            relation: not_related
        }),
        "'not related' is an edit with an empty mapping"
    );
}

#[test]
fn the_dbt_export_of_approved_chinook_keys_parses_and_names_real_columns() {
    let (_db, mut store, ids) = chinook_with_declared_keys();
    for id in &ids {
        decide(&mut store, id, Action::Approve, None);
    }
    let yaml = String::from_utf8(store.export_relations(RelationFormat::Dbt).unwrap()).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&yaml).expect("valid YAML");
    let mut tests = 0;
    for model in doc["models"].as_sequence().expect("a models list") {
        let name = model["name"].as_str().unwrap();
        let product = store.product(name).unwrap().expect("models are products");
        for column in model["columns"].as_sequence().unwrap() {
            let column_name = column["name"].as_str().unwrap();
            assert!(
                product.schema.field(column_name).is_some(),
                "{name}.{column_name} exists"
            );
            for test in column["data_tests"].as_sequence().unwrap() {
                let rel = &test["relationships"];
                let to = rel["to"].as_str().unwrap();
                let target = to
                    .strip_prefix("ref('")
                    .and_then(|t| t.strip_suffix("')"))
                    .expect("to: ref('<product>')");
                let target = store
                    .product(target)
                    .unwrap()
                    .expect("the target is a product");
                let field = rel["field"].as_str().unwrap();
                assert!(target.schema.field(field).is_some(), "{to}.{field} exists");
                tests += 1;
            }
        }
    }
    assert_eq!(tests, 11, "one relationships test per approved foreign key");
}

#[test]
fn the_graph_export_carries_provenance_and_evidence() {
    let (_db, mut store, ids) = chinook_with_declared_keys();
    decide(&mut store, &ids[0], Action::Approve, None);
    let graph = store.relationship_graph().unwrap();
    assert_eq!(graph.nodes.len(), 11, "every registered product is a node");
    assert_eq!(
        graph.edges.len(),
        1,
        "only accepted relationships are edges"
    );
    let edge = &graph.edges[0];
    assert_eq!(edge.decided_by, "ana");
    assert_eq!(
        edge.evidence.as_ref().and_then(|e| e.containment),
        Some(1.0),
        "evidence figures travel with the edge"
    );
}

#[test]
fn dbt_names_with_spaces_are_quoted() {
    let db = temp_db();
    let northwind = northwind_db(db.dir.path());
    let mut store = db.open();
    store.add_products(&[northwind]).unwrap();
    let line = relationship_between(
        &store,
        "details",
        ("Order Details", &["OrderID"]),
        ("Orders", &["OrderID"]),
        "N:1",
    );
    import_lines(&db, &mut store, &[line]);
    decide(&mut store, "details", Action::Approve, None);
    let yaml = String::from_utf8(store.export_relations(RelationFormat::Dbt).unwrap()).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&yaml).expect("valid YAML");
    assert_eq!(
        doc["models"][0]["name"].as_str(),
        Some("Order Details"),
        "{yaml}"
    );
}

#[test]
fn a_composite_key_is_measured_as_a_tuple_and_left_out_of_dbt() {
    let db = temp_db();
    let picks = db.write_file(
        "picks.csv",
        "PlaylistId,TrackId,note\n1,3402,a\n1,3402,b\n1,3389,c\n99,1,orphan\n1,,half-null\n",
    );
    let mut store = db.open();
    store.add_products(&[chinook_path(), picks]).unwrap();
    let line = relationship_between(
        &store,
        "picks",
        ("picks", &["PlaylistId", "TrackId"]),
        ("PlaylistTrack", &["PlaylistId", "TrackId"]),
        "N:1",
    );
    import_lines(&db, &mut store, &[line]);
    let e = evidence(&store, "picks");
    assert_eq!(
        e.source_basis.label, "source: full table, 5 rows",
        "the CSV source is read whole"
    );
    assert_eq!(
        (e.matched_distinct, e.source_distinct),
        (2, 3),
        "(1,3402) and (1,3389) are playlist entries, (99,1) is not; the half-null row is skipped"
    );
    assert_eq!((e.orphan_rows, e.source_rows_with_key), (1, 4));
    assert_eq!(
        e.target_declared_key,
        Some(true),
        "the pair is PlaylistTrack's primary key"
    );
    assert_eq!(e.observed_cardinality, Some(Cardinality::ManyToOne));

    decide(&mut store, "picks", Action::Approve, None);
    let yaml = String::from_utf8(store.export_relations(RelationFormat::Dbt).unwrap()).unwrap();
    assert!(
        yaml.contains("(composite key): picks") && yaml.contains("models: []"),
        "dbt has no composite relationships test, so it is listed, not emitted: {yaml}"
    );
}

/// The queue row reads as the reviewer corrected the mapping, and reverts with an undo.
#[test]
fn an_edited_mapping_retitles_the_queue_row_until_it_is_undone() {
    let db = temp_db();
    let mut store = db.open();
    import_lines(&db, &mut store, &[relationship_line("rel-1")]);
    let title = |store: &Store| {
        store
            .queue_page(&Default::default(), None, 10)
            .unwrap()
            .entries[0]
            .title
            .clone()
    };
    assert_eq!(title(&store), "orders.customer_id → customers.id");
    decide(
        &mut store,
        "rel-1",
        Action::Edit,
        Some(relation(Cardinality::OneToOne, &[("id", "id")])),
    );
    assert_eq!(
        title(&store),
        "orders.id → customers.id",
        "the retargeted mapping in force"
    );
    store
        .undo("undo-1", "ana")
        .unwrap()
        .expect("an edit to undo");
    assert_eq!(
        title(&store),
        "orders.customer_id → customers.id",
        "undo restores the proposal"
    );
}

#[test]
fn the_review_graph_has_every_item_with_its_status_relation_and_conflicts() {
    let (db, mut store, ids) = chinook_with_declared_keys();
    let extra = [
        relationship_between(
            &store,
            "to-employee",
            ("Invoice", &["CustomerId"]),
            ("Employee", &["EmployeeId"]),
            "N:1",
        ),
        relationship_line("unregistered-pair"),
    ];
    import_lines(&db, &mut store, &extra);
    let is_invoice_customer = |id: &&String| {
        let item = store.item(id).unwrap();
        matches!(&item.body, ItemBody::Relationship(b)
            if b.source.product == "Invoice" && b.target.product == "Customer")
    };
    let invoice_customer = ids.iter().find(is_invoice_customer).unwrap().clone();
    let others: Vec<&String> = ids.iter().filter(|id| **id != invoice_customer).collect();
    decide(&mut store, &invoice_customer, Action::Approve, None);
    let version = store.item(others[0]).unwrap().version;
    store
        .decide(&DecisionInput {
            id: "reject-1".into(),
            item: others[0].clone(),
            item_version: version,
            reviewer: "ana".into(),
            action: Action::Reject,
            edited: None,
            reason: Some("other".into()),
            note: None,
        })
        .unwrap();
    decide(
        &mut store,
        others[1],
        Action::Edit,
        Some(Relation {
            relation_type: NOT_RELATED.into(),
            ..relation(Cardinality::ManyToOne, &[])
        }),
    );

    let graph = store.review_graph().unwrap();
    assert_eq!(
        graph.edges.len(),
        ids.len() + 2,
        "every relationship item is an edge"
    );
    assert_eq!(
        graph.nodes.len(),
        13,
        "the 11 registered products and the two only named by an item"
    );
    assert!(
        graph
            .nodes
            .iter()
            .any(|n| n.id == "orders" && !n.registered && n.row_count.is_none()),
        "a product only named by an item is an unregistered node"
    );
    let edge = |id: &str| graph.edges.iter().find(|e| e.item == id).unwrap();
    assert_eq!(edge(&invoice_customer).status, ItemStatus::Approved);
    assert!(edge(&invoice_customer).conflicts.is_empty());
    assert_eq!(edge(others[0]).status, ItemStatus::Rejected);
    assert_eq!(edge(others[1]).status, ItemStatus::Edited);
    assert!(
        edge(others[1]).not_related && edge(others[1]).relation.mapping.is_empty(),
        "an edited item's edge shows the edited relation"
    );
    let conflicting = edge("to-employee");
    assert_eq!(conflicting.status, ItemStatus::Pending);
    assert_eq!(
        conflicting
            .conflicts
            .iter()
            .map(|c| (c.kind, c.other_item.as_str()))
            .collect::<Vec<_>>(),
        [(
            ConflictKind::SameSourceOtherTarget,
            invoice_customer.as_str()
        )],
        "a candidate contradicting an approved relationship is flagged, naming it"
    );
    assert_eq!(edge("unregistered-pair").domain, "sales");
}
