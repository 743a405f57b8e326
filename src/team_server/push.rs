//! `vetted team push LOCAL.db` (a local database's items, decision log with the form answers
//! and claim verdicts given with it, review forms, tags, do-not-train marks, guidelines, claim
//! settings and data products) and
//! `vetted --db postgres://… sync merge BUNDLE` (an offline laptop's sync bundle) onto the team
//! server, in one transaction, idempotently (items by external id and content, events by id).
//!
//! The log travels as a sync bundle does ([`Store::bundle`]): every event with its id, reviewer,
//! time, Lamport clock, supersedes and pick, recorded verbatim by the schema's owner (the stamp
//! trigger lets only the owner do that, see `pushing()` in the schema), then each touched
//! item's projection is recomputed with the core's resolver. The server's clock continues after
//! the greatest clock pushed, so later events sort after the pushed ones, as after a merge.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use postgres::{Statement, Transaction};

use super::decisions::LockedItem;
use super::forms::{
    FeedbackStatements, RecordedFeedback, feedback_of, form_version, push_form, record_feedback,
};
use super::fresh_import::{IMPORT_LOCK, copy_items};
use super::products::{product_columns, product_values};
use super::review_queue::{EVIDENCE, read_passage};
use super::{TeamServer, server_error};
use crate::claims::check_item_claims;
use crate::database_file::OpenDatabase;
use crate::domain::{Evidence, ItemKind};
use crate::edit_distance::edit_distance;
use crate::error::{Error, Result};
use crate::import::{ImportReport, parse_record};
use crate::products::DataProduct;
use crate::store::{
    Guideline, NewItem, Picking, PreparedItem, Since, Store, check_pick, read_body,
};
use crate::sync::{
    BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, BundleDecision, BundleForm, item_record, read_bundle,
};

/// Ids asked about per query.
const IDS_PER_QUERY: usize = 10_000;

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PushReport {
    pub items: ImportReport,
    /// Events recorded on the server; `already_there`: events it had.
    pub events: usize,
    pub already_there: usize,
    /// Tags, do-not-train marks, guidelines (or guidelines it had in an older version), claim
    /// settings and data products the server gained.
    pub annotations: usize,
    /// Data products the server refused (`name: why`), left out: the rest is pushed.
    pub products_refused: Vec<String>,
}

/// What a local database holds beside its items and log: tags `(item, tag)`, do-not-train
/// marks `(item, marked by, marked at)`, guidelines (archived ones too), every version of its
/// review forms (a bundle carries only the versions its answers name), its claim settings and
/// its data products.
#[derive(Default)]
struct Annotations {
    tags: Vec<(String, String)>,
    marks: Vec<(String, String, String)>,
    guidelines: Vec<(Guideline, bool)>,
    forms: Vec<BundleForm>,
    /// `(domain, confirm approve, changed by, changed at)`, oldest first.
    claim_settings: Vec<(String, bool, String, String)>,
    /// Registered data products.
    products: Vec<DataProduct>,
}

impl TeamServer {
    /// Pushes the database at `local`. Needs the schema's owner. Refused, with nothing
    /// written, when the server holds one of the ids with other content.
    pub fn push(&mut self, local: &Path) -> Result<PushReport> {
        let database = OpenDatabase::open_existing(local)?;
        let bundle = database.store().bundle(&Since::All)?;
        let items = database.store().items_with_overlap()?;
        let ids = items.iter().map(|(id, _)| id.clone()).collect();
        let annotations = Annotations {
            tags: database.store().every_tag()?,
            marks: database.store().every_do_not_train()?,
            guidelines: database.store().every_guideline()?,
            forms: database.store().every_review_form()?,
            claim_settings: database.store().every_claim_setting()?,
            products: database.store().products()?,
        };
        self.record_verbatim(local, ids, &bundle, &annotations, move |emit| {
            for (id, reviews) in items {
                emit(new_item(database.store(), &id)?, reviews)?;
            }
            Ok(())
        })
    }

    /// `sync merge BUNDLE` on the server: an offline laptop's sync bundle (its items, each
    /// needing one review unless the server has it, and its events), recorded as by
    /// [`TeamServer::push`]. Needs the schema's owner.
    pub fn merge_bundle(&mut self, path: &Path) -> Result<PushReport> {
        let bundle = read_bundle(path)?;
        if bundle.format != BUNDLE_FORMAT || bundle.version != BUNDLE_VERSION {
            return Err(Error::BadRequest(format!(
                "{}: not a version {BUNDLE_VERSION} {BUNDLE_FORMAT}; nothing was merged",
                path.display()
            )));
        }
        if let Some(problem) = bundle.decisions.iter().find_map(|d| d.problem()) {
            return Err(Error::BadRequest(format!(
                "{}: {problem}; nothing was merged",
                path.display()
            )));
        }
        let records = bundle.items.clone();
        let ids = records
            .iter()
            .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
            .collect();
        self.record_verbatim(path, ids, &bundle, &Annotations::default(), move |emit| {
            for (i, record) in records.into_iter().enumerate() {
                let item = parse_record(record).map_err(|problems| {
                    Error::BadRequest(format!("items[{i}]: {}", problems.join("; ")))
                })?;
                emit(item, 1)?;
            }
            Ok(())
        })
    }

    /// Records the items `items` yields (those the server lacks; `ids` are theirs), the
    /// bundle's events and the annotations verbatim, in one transaction as the schema's owner,
    /// then recomputes the projection of every item an event touched.
    fn record_verbatim<F>(
        &mut self,
        source: &Path,
        ids: Vec<String>,
        bundle: &Bundle,
        annotations: &Annotations,
        items: F,
    ) -> Result<PushReport>
    where
        F: FnOnce(&mut dyn FnMut(NewItem, u32) -> Result<()>) -> Result<()> + Send,
    {
        let source = source.display().to_string();
        let source_name = source.clone();
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let statements = self.recording()?;
        let sql = FeedbackPush {
            record: self.feedback_statements()?,
            passages: self.prepared(EVIDENCE)?,
            server: server.clone(),
        };
        let mut tx = self.client.transaction().map_err(failed)?;
        tx.batch_execute("SET LOCAL vetted.push = 'on'")
            .map_err(failed)?;
        // Under the import lock (held to the end), so no import adds one of these ids meanwhile.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
            .map_err(failed)?;
        let stored = stored_hashes(&mut tx, &ids, &server)?;
        let report = copy_items(
            &mut tx,
            &server,
            move |write| {
                let mut report = ImportReport {
                    source,
                    new: 0,
                    already_present: 0,
                    skipped: 0,
                    notes: Vec::new(),
                };
                items(&mut |item, reviews| {
                    match stored.get(&item.external_id) {
                        Some(hash) if *hash == item.content_hash => report.already_present += 1,
                        Some(_) => {
                            return Err(Error::BadRequest(format!(
                                "the server holds an item '{}' with other content; nothing was \
                             pushed",
                                item.external_id
                            )));
                        }
                        None => {
                            write(PreparedItem::new(item), reviews as i32)?;
                            report.new += 1;
                        }
                    }
                    Ok(())
                })?;
                Ok(report)
            },
            // A push reports when it is done, not along the way.
            &mut |_| {},
        )?;

        for reason in &bundle.reject_reasons {
            tx.execute(
                "INSERT INTO reject_reasons (id, label, position)
                 SELECT $1, $2, coalesce(max(position), 0) + 1 FROM reject_reasons
                 ON CONFLICT (id) DO NOTHING",
                &[&reason.id, &reason.label],
            )
            .map_err(failed)?;
        }
        for form in bundle.forms.iter().chain(&annotations.forms) {
            push_form(&mut tx, form, &server).map_err(|e| {
                Error::BadRequest(format!("{source_name}: {e}; nothing was pushed"))
            })?;
        }
        let event_ids: Vec<&str> = bundle.decisions.iter().map(|d| d.id.as_str()).collect();
        let known = known_events(&mut tx, &event_ids, &server)?;
        let (mut events, mut max_clock) = (0, 0);
        let mut touched = HashSet::new();
        let mut recorded: HashMap<&str, &str> = HashMap::new();
        for d in &bundle.decisions {
            let refused = |problem: &str| {
                Error::BadRequest(format!(
                    "{source}: decision '{}' {problem}; nothing was pushed",
                    d.id,
                    source = source_name
                ))
            };
            // A refusal of the feedback names the decision itself.
            let wrap = |e: Error| match e {
                Error::BadRequest(problem) => {
                    Error::BadRequest(format!("{source_name}: {problem}; nothing was pushed"))
                }
                other => other,
            };
            if let Some(held) = known.get(&d.id) {
                let action = super::decisions::enum_text(&d.action);
                if *held != (d.item.clone(), d.reviewer.clone(), action, d.clock) {
                    return Err(refused("differs from the event with that id on the server"));
                }
                recorded.insert(&d.id, &d.item);
                add_to_batch(&mut tx, d).map_err(failed)?;
                // Feedback the server lacks (pushed before it kept any) is added now.
                if d.form.is_some() || !d.claims.is_empty() {
                    let row = tx
                        .query_one(
                            "SELECT id, kind, payload, domain FROM items WHERE external_id = $1",
                            &[&d.item],
                        )
                        .map_err(failed)?;
                    let (payload, domain): (String, String) = (row.get(2), row.get(3));
                    let item = PushedItem {
                        id: row.get(0),
                        kind: super::leases::enum_value(row.get(1))?,
                        payload: &payload,
                        domain: &domain,
                    };
                    push_feedback(&mut tx, &sql, d, &item, true).map_err(wrap)?;
                }
                continue;
            }
            let item = tx
                .query_opt(
                    "SELECT id, kind, payload, domain FROM items WHERE external_id = $1",
                    &[&d.item],
                )
                .map_err(failed)?
                .ok_or_else(|| refused("is about an item neither pushed nor on the server"))?;
            let (item_id, payload, domain): (i64, String, String) =
                (item.get(0), item.get(2), item.get(3));
            let kind: ItemKind = super::leases::enum_value(item.get(1))?;
            if let Some(target) = &d.reverts {
                let on_item = match recorded.get(target.as_str()) {
                    Some(item) => *item == d.item,
                    None => tx
                        .query_opt(
                            "SELECT 1 FROM decisions WHERE id = $1 AND item_id = $2",
                            &[target, &item_id],
                        )
                        .map_err(failed)?
                        .is_some(),
                };
                if !on_item {
                    return Err(refused(&format!(
                        "reverts '{target}', which is not an earlier event on the same item"
                    )));
                }
            }
            check_pick(
                kind,
                &payload,
                Picking {
                    item: &d.item,
                    action: d.action,
                    edited: d.edited.as_ref(),
                },
                d.pick,
            )
            .map_err(|e| refused(&e.to_string()))?;
            let distance = match &d.edited {
                Some(edit) if edit.kind() != kind => {
                    return Err(refused(&format!(
                        "edits a {kind:?} item as {:?}",
                        edit.kind()
                    )));
                }
                Some(edit) => Some(edit_distance(&read_body(kind, &payload)?, edit) as i64),
                None => None,
            };
            let edited = d
                .edited
                .as_ref()
                .map(|e| serde_json::to_string(e).expect("edit"));
            let supersedes = (!d.supersedes.is_empty())
                .then(|| serde_json::to_string(&d.supersedes).expect("ids serialize"));
            let pick = d
                .pick
                .map(|p| serde_json::to_string(&p).expect("pick serializes"));
            let decided_at = d
                .decided_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            tx.execute(
                "INSERT INTO decisions (id, item_id, item_version, reviewer, action,
                                        edited_payload, reason, note, decided_at, edit_distance,
                                        clock, supersedes, adjudication, reverts, pick)
                 SELECT $1, $2, version, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
                   FROM items WHERE id = $2",
                &[
                    &d.id,
                    &item_id,
                    &d.reviewer,
                    &super::decisions::enum_text(&d.action),
                    &edited,
                    &d.reason,
                    &d.note,
                    &decided_at,
                    &distance,
                    &d.clock,
                    &supersedes,
                    &d.adjudication,
                    &d.reverts,
                    &pick,
                ],
            )
            .map_err(failed)?;
            add_to_batch(&mut tx, d).map_err(failed)?;
            let item = PushedItem {
                id: item_id,
                kind,
                payload: &payload,
                domain: &domain,
            };
            push_feedback(&mut tx, &sql, d, &item, false).map_err(wrap)?;
            events += 1;
            max_clock = max_clock.max(d.clock);
            touched.insert(item_id);
            recorded.insert(&d.id, &d.item);
        }
        if events > 0 {
            tx.execute(
                "SELECT setval('decision_clock', greatest($1, (SELECT last_value FROM decision_clock)))",
                &[&max_clock],
            )
            .map_err(failed)?;
        }
        for item_id in touched {
            let row = tx
                .query_one(
                    "SELECT id, kind, version, payload, review, required_reviews, title
                       FROM items WHERE id = $1",
                    &[&item_id],
                )
                .map_err(failed)?;
            LockedItem::read(&row)?.project(&mut tx, &statements, &server)?;
        }
        let annotated = record_annotations(&mut tx, annotations).map_err(failed)?;
        let (products, products_refused) = push_products(&mut tx, &annotations.products, &server)?;
        tx.commit().map_err(failed)?;
        Ok(PushReport {
            items: report,
            events,
            already_there: known.len(),
            annotations: annotated + products,
            products_refused,
        })
    }
}

/// Item `id` of `store` as it would be imported elsewhere (its decisions aside).
pub(super) fn new_item(store: &Store, id: &str) -> Result<NewItem> {
    let item = store.item(id)?;
    parse_record(item_record(&item))
        .map_err(|problems| Error::BadRequest(format!("{id}: {}", problems.join("; "))))
}

/// Records the bulk-approval batch pushed event `d` belongs to, if any, unless the server holds
/// its batch already (the event was pushed before the server kept batches, or again).
fn add_to_batch(tx: &mut Transaction<'_>, d: &BundleDecision) -> Result<(), postgres::Error> {
    if let Some(batch) = &d.batch {
        tx.execute(
            "INSERT INTO decision_batches (decision_id, batch_id, rule) VALUES ($1, $2, $3)
             ON CONFLICT (decision_id) DO NOTHING",
            &[&d.id, &batch.id, &batch.rule],
        )?;
    }
    Ok(())
}

/// What recording pushed feedback needs, prepared before the push's transaction begins.
struct FeedbackPush {
    record: FeedbackStatements,
    passages: Statement,
    server: String,
}

/// The item a pushed event is about.
struct PushedItem<'a> {
    id: i64,
    kind: ItemKind,
    payload: &'a str,
    domain: &'a str,
}

/// Records the form answers and claim verdicts pushed with event `d`, checked with the core's
/// rules as a merge checks them, unless the server holds them already (`known`: the event is
/// the server's): the same ones are left as they are, other ones refuse the push.
fn push_feedback(
    tx: &mut Transaction<'_>,
    sql: &FeedbackPush,
    d: &BundleDecision,
    item: &PushedItem<'_>,
    known: bool,
) -> Result<()> {
    if d.form.is_none() && d.claims.is_empty() {
        return Ok(());
    }
    let server = sql.server.as_str();
    // Checked first: what the server holds was recorded checked (claims trimmed, spans' text
    // the passages'), so that is what it is compared with.
    let form = match &d.form {
        Some(given) => {
            let form = form_version(tx, &given.domain, given.version, server)?;
            given.check(&d.id, item.domain, form.as_ref().map(|(_, q)| q.as_slice()))?;
            form.map(|(id, _)| id)
        }
        None => None,
    };
    let claims = match d.claims.is_empty() {
        true => Vec::new(),
        false => {
            let evidence: Vec<Evidence> = tx
                .query(&sql.passages, &[&item.id])
                .map_err(|e| server_error(server, e))?
                .iter()
                .map(read_passage)
                .collect();
            let body = read_body(item.kind, item.payload)?;
            check_item_claims(&d.item, &body, &evidence, &d.claims).map_err(|e| {
                Error::BadRequest(format!(
                    "decision '{}' has claim verdicts that do not fit: {e}",
                    d.id
                ))
            })?
        }
    };
    if known {
        let held = feedback_of(tx, std::slice::from_ref(&d.id), server)?
            .remove(&d.id)
            .unwrap_or_default();
        if held != RecordedFeedback::default() {
            return match held.answers == d.form && held.claims == claims {
                true => Ok(()),
                false => Err(Error::BadRequest(format!(
                    "decision '{}' has other form answers or claim verdicts on the server",
                    d.id
                ))),
            };
        }
    }
    let answers = d
        .form
        .as_ref()
        .map(|f| f.answers.clone())
        .unwrap_or_default();
    record_feedback(tx, &sql.record, &d.id, form, &answers, &claims, server)
}

/// Adds the tags, marks, guidelines and claim settings the server lacks, as they are (who and
/// when included).
/// A push only adds: it takes no tag or mark off, and brings back nothing the server took off
/// or archived. A guideline pushed before (the same origin: author, creation time, domain and
/// local id) and edited locally since takes the local text (and is archived if archived
/// locally), unless the server archived it. A promoted note the server already holds as a
/// guideline (promoted there, or pushed from another database), or an entry it holds with the
/// same domain, author, time and text (a snapshot's copy pushed back), is left as the server
/// has it. A domain's claim setting in force is pushed only to a server without one for it.
/// Returns how many changed.
fn record_annotations(
    tx: &mut postgres::Transaction<'_>,
    annotations: &Annotations,
) -> std::result::Result<usize, postgres::Error> {
    let mut changed = 0;
    for (item, tag) in &annotations.tags {
        changed += tx.execute(
            "INSERT INTO item_tags (item_id, tag) SELECT id, $2 FROM items WHERE external_id = $1
             ON CONFLICT DO NOTHING",
            &[item, tag],
        )?;
    }
    for (item, by, at) in &annotations.marks {
        changed += tx.execute(
            "INSERT INTO do_not_train (item_id, marked_by, marked_at)
             SELECT id, $2, $3 FROM items WHERE external_id = $1 ON CONFLICT DO NOTHING",
            &[item, by, at],
        )?;
    }
    let time =
        |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for (g, archived) in &annotations.guidelines {
        changed += tx.execute(
            "INSERT INTO guidelines (domain, body, source_item, source_decision, created_by,
                                     created_at, updated_by, updated_at, archived, origin)
             SELECT $1, $2, (SELECT id FROM items WHERE external_id = $3), $4, $5, $6, $7, $8,
                    $9, concat_ws(' ', $5::text, $6::text, $1::text, $10::bigint)
              WHERE NOT EXISTS (
                    SELECT 1 FROM guidelines g
                     WHERE (g.source_decision = $4::text
                            OR (g.domain = $1 AND g.created_by = $5 AND g.created_at = $6
                                AND g.body = $2))
                       AND g.origin IS DISTINCT FROM
                           concat_ws(' ', $5::text, $6::text, $1::text, $10::bigint))
             ON CONFLICT (origin) WHERE origin IS NOT NULL DO UPDATE
                SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by,
                    updated_at = EXCLUDED.updated_at, archived = EXCLUDED.archived
              WHERE guidelines.updated_at < EXCLUDED.updated_at AND NOT guidelines.archived",
            &[
                &g.domain,
                &g.body,
                &g.source_item,
                &g.source_decision,
                &g.created_by,
                &time(&g.created_at),
                &g.updated_by,
                &time(&g.updated_at),
                archived,
                &g.id,
            ],
        )?;
    }
    // The setting in force of each domain the server has none for: a setting changed on the
    // server stays in force.
    let mut in_force: BTreeMap<&str, &(String, bool, String, String)> = BTreeMap::new();
    for setting in &annotations.claim_settings {
        in_force.insert(&setting.0, setting);
    }
    for (domain, confirm, by, at) in in_force.into_values() {
        changed += tx.execute(
            "INSERT INTO claim_settings (domain, confirm_approve, changed_by, changed_at)
             SELECT $1, $2, $3, $4
              WHERE NOT EXISTS (SELECT 1 FROM claim_settings WHERE domain = $1)",
            &[domain, confirm, by, at],
        )?;
    }
    Ok(changed as usize)
}

/// Adds each product the server has none of that name for (one it registers stays as it is:
/// its source, and its sample as last refreshed there); returns how many were added, and the
/// ones the server refused (`name: why`: a source form or shape it does not take, e.g. a
/// product registered by an older build), which are left out rather than stop the push.
fn push_products(
    tx: &mut postgres::Transaction<'_>,
    products: &[DataProduct],
    server: &str,
) -> Result<(usize, Vec<String>)> {
    let (mut added, mut refused) = (0, Vec::new());
    for product in products {
        let values = product_values(product);
        // A savepoint each: a refusal undoes that product alone.
        let mut one = tx.transaction().map_err(|e| server_error(server, e))?;
        let inserted = one.execute(
            concat!(
                "INSERT INTO products (",
                product_columns!(),
                ") SELECT $1, $2, $3, $4, $5, $6, $7, $8
                  WHERE NOT EXISTS (SELECT 1 FROM products WHERE name = $1)"
            ),
            &values.as_params(),
        );
        match inserted {
            Ok(rows) => {
                one.commit().map_err(|e| server_error(server, e))?;
                added += rows as usize;
            }
            Err(e) => {
                let why = e
                    .as_db_error()
                    .map_or(e.to_string(), |db| db.message().to_owned());
                refused.push(format!("{}: {why}", product.name));
            }
        }
    }
    Ok((added, refused))
}

/// The content hash of each of `ids` the server holds.
pub(super) fn stored_hashes(
    tx: &mut postgres::Transaction<'_>,
    ids: &[&str],
    server: &str,
) -> Result<HashMap<String, String>> {
    let mut stored = HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let rows = tx
            .query(
                "SELECT external_id, content_hash FROM items WHERE external_id = ANY($1)",
                &[&chunk],
            )
            .map_err(|e| server_error(server, e))?;
        stored.extend(rows.iter().map(|r| (r.get(0), r.get(1))));
    }
    Ok(stored)
}

/// The events among `ids` the server holds, as `(item, reviewer, action, clock)`.
fn known_events(
    tx: &mut postgres::Transaction<'_>,
    ids: &[&str],
    server: &str,
) -> Result<HashMap<String, (String, String, String, i64)>> {
    let mut known = HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let rows = tx
            .query(
                "SELECT d.id, i.external_id, d.reviewer, d.action, d.clock
                   FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = ANY($1)",
                &[&chunk],
            )
            .map_err(|e| server_error(server, e))?;
        known.extend(
            rows.iter()
                .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3), r.get(4)))),
        );
    }
    Ok(known)
}
