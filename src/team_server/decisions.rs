//! Recording decisions on the team server with the core's rules ([`crate::decision_rules`],
//! [`crate::team::resolve`]); the server stamps each with its login, time and clock, checks the
//! version under a row lock and refuses what the login's roles do not allow.

use postgres::types::ToSql;
use postgres::{GenericClient, Statement, Transaction};

use super::forms::{FeedbackStatements, FormToAnswer, record_feedback};
use super::leases::enum_value;
use super::{TeamServer, server_error};
use crate::claims::check_item_claims;
use crate::decision_rules::{
    DecidedItem, check_against_item, retried, supersedes, title_in_force, validate,
};
use crate::domain::{
    Action, Decision, DecisionInput, EditedContent, Evidence, Feedback, ItemBody, ItemKind, Pick,
};
use crate::error::{Error, Result};
use crate::review_form::check_decision_answers;
use crate::store::{check_edited_relation, read_body};
use crate::team::{AdjudicationCase, LogEntry, ReviewState, alive, heads, resolve};

/// The columns [`read_decision`] reads, from `decisions d JOIN items i`.
macro_rules! decision_columns {
    () => {
        "d.id, i.external_id, d.item_version, d.reviewer, d.action, d.edited_payload, d.reason,
         d.note, d.decided_at, d.reverts, d.edit_distance, d.pick"
    };
}

pub(super) use decision_columns;

const DECISION_BY_ID: &str = concat!(
    "SELECT ",
    decision_columns!(),
    " FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = $1"
);

const HISTORY: &str = concat!(
    "SELECT ",
    decision_columns!(),
    " FROM decisions d JOIN items i ON i.id = d.item_id
      WHERE i.external_id = $1 ORDER BY d.clock, d.id"
);

/// With the reviews the item needs as this statement reads it (`overlap set` may change it
/// until the item's first decision).
const ITEM_LOG: &str = "SELECT d.id, d.reviewer, d.action, d.edited_payload, d.reverts, d.clock,
                               d.supersedes, d.adjudication, d.pick, i.required_reviews
                          FROM decisions d JOIN items i ON i.id = d.item_id
                         WHERE d.item_id = $1 ORDER BY d.clock, d.id";

/// With the review form in force in the item's domain (none for a comparison, which answers
/// no form: its pick is its judgement).
const ITEM_TO_DECIDE: &str =
    "SELECT i.id, i.kind, i.version, i.payload, i.review, i.required_reviews, i.title,
            f.id, f.questions
       FROM items i
       LEFT JOIN LATERAL (SELECT id, questions FROM review_forms
                           WHERE domain = i.domain ORDER BY version DESC LIMIT 1) f
              ON i.kind <> 'comparison'
      WHERE i.external_id = $1";

const REASON_IDS: &str = "SELECT id FROM reject_reasons ORDER BY position";

const REGISTERED_SCHEMA: &str = "SELECT schema FROM products WHERE name = $1";

// The server's trigger stamps the time and clock.
const INSERT_DECISION: &str =
    "INSERT INTO decisions (id, item_id, item_version, reviewer, action, edited_payload, reason,
                            note, edit_distance, supersedes, adjudication, pick)
     VALUES ($1, $2, $3, session_user, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING decided_at";

/// The server checks the projection before writing it (`write_projection`).
const WRITE_PROJECTION: &str = "SELECT write_projection($6, $1, $2, $3, $4, $5)";

/// The statements recording a decision needs, prepared before its transaction begins.
pub(super) struct Recording {
    pub by_id: Statement,
    log: Statement,
    item: Statement,
    insert: Statement,
    projection: Statement,
}

impl TeamServer {
    /// Records the signed-in reviewer's decision on an item, as [`crate::Store::decide_with`]
    /// does locally (a retried id returns the decision recorded first). `input.reviewer` must be
    /// the signed-in login: the server records no decision in anyone else's name.
    ///
    /// Errors: `BadRequest`, `NotFound`, `Conflict` as locally; `Forbidden` when the server
    /// refuses it.
    pub fn decide(&mut self, input: &DecisionInput, pick: Option<Pick>) -> Result<Decision> {
        let feedback = Feedback {
            pick,
            ..Feedback::default()
        };
        self.record(input, &feedback, false)
    }

    /// [`TeamServer::decide`] with `feedback`, in the same transaction, with the local rules
    /// of [`crate::Store::decide_with`]: answers fit the form in force in the item's domain
    /// (an approve, edit or reject answers its required questions), claim verdicts are about
    /// pieces of an answer item's model answer and link spans of its evidence. A retried id
    /// returns the decision recorded first and adds no feedback.
    pub fn decide_with(&mut self, input: &DecisionInput, feedback: &Feedback) -> Result<Decision> {
        self.record(input, feedback, false)
    }

    /// Records an adjudicator's final decision (see [`crate::Store::adjudicate`]); the server
    /// refuses it unless the login is in `vetted_adjudicator`.
    pub fn adjudicate(&mut self, input: &DecisionInput, pick: Option<Pick>) -> Result<Decision> {
        let feedback = Feedback {
            pick,
            ..Feedback::default()
        };
        self.record(input, &feedback, true)
    }

    /// The decisions on an item the signed-in reviewer may read, in log order: under blind
    /// review, only their own until they have decided it.
    pub fn history(&mut self, external_id: &str) -> Result<Vec<Decision>> {
        let statement = self.prepared(HISTORY)?;
        let rows = self
            .client
            .query(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?;
        rows.iter().map(read_decision).collect()
    }

    /// Items whose reviews disagree, oldest first, each with the decisions on it the login may
    /// read (an adjudicator: all of them), as `(external id, title, decisions)`.
    pub fn conflicts(&mut self, limit: u32) -> Result<Vec<(String, String, Vec<Decision>)>> {
        let statement = self.prepared(
            "SELECT external_id, title FROM items WHERE review = 'conflict' ORDER BY id LIMIT $1",
        )?;
        let rows = self
            .client
            .query(&statement, &[&i64::from(limit)])
            .map_err(|e| self.failed(e))?;
        let items: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        items
            .into_iter()
            .map(|(item, title)| {
                let decisions = self.history(&item)?;
                Ok((item, title, decisions))
            })
            .collect()
    }

    /// An item in conflict with the reviews that count, side by side, for the adjudicator
    /// ([`crate::Store::adjudication_case`]); only the reviews the login may read.
    pub fn adjudication_case(&mut self, external_id: &str) -> Result<AdjudicationCase> {
        let (entry, k) = self.queue_entry(external_id)?;
        let sql = self.recording()?;
        let (log, _) = item_log(&mut self.client, &sql, entry.id, &self.server)?;
        let alive = alive(&log);
        let mut heads: Vec<(&str, &str)> = heads(&log, &alive, k)
            .into_iter()
            .map(|e| (e.reviewer.as_str(), e.id.as_str()))
            .collect();
        heads.sort();
        let decisions = heads
            .into_iter()
            .map(|(_, id)| {
                let row = self
                    .client
                    .query_one(&sql.by_id, &[&id])
                    .map_err(|e| self.failed(e))?;
                read_decision(&row)
            })
            .collect::<Result<_>>()?;
        Ok(AdjudicationCase { entry, decisions })
    }

    /// The kind and current version of an item, to decide on.
    pub fn item_version(&mut self, external_id: &str) -> Result<(ItemKind, i64)> {
        let statement = self.prepared("SELECT kind, version FROM items WHERE external_id = $1")?;
        let row = self
            .client
            .query_opt(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?;
        Ok((enum_value(row.get(0))?, row.get(1)))
    }

    pub(super) fn recording(&mut self) -> Result<Recording> {
        Ok(Recording {
            by_id: self.prepared(DECISION_BY_ID)?,
            log: self.prepared(ITEM_LOG)?,
            item: self.prepared(ITEM_TO_DECIDE)?,
            insert: self.prepared(INSERT_DECISION)?,
            projection: self.prepared(WRITE_PROJECTION)?,
        })
    }

    fn record(
        &mut self,
        input: &DecisionInput,
        feedback: &Feedback,
        adjudication: bool,
    ) -> Result<Decision> {
        let recorder = match adjudication {
            true => Recorder::Adjudicator,
            false => Recorder::Reviewer,
        };
        let statements = self.statements_for(input, feedback)?;
        let (server, reviewer) = (self.server.clone(), self.reviewer.clone());
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        let at = (reviewer.as_str(), server.as_str());
        match record_in(&mut tx, &statements, input, feedback, recorder, at)? {
            Recorded::Decision(decision) => {
                tx.commit().map_err(failed)?;
                Ok(*decision)
            }
            Recorded::Stale => {
                drop(tx);
                Err(self.stale_conflict(input)?)
            }
        }
    }

    /// Checks `input` is a decision the login may record at all, and prepares what recording
    /// it (with `feedback`) takes, before its transaction begins.
    pub(super) fn statements_for(
        &mut self,
        input: &DecisionInput,
        feedback: &Feedback,
    ) -> Result<Statements> {
        validate(input)?;
        if input.reviewer != self.reviewer {
            return Err(Error::Forbidden(format!(
                "signed in to the team server as '{}': a decision is recorded as its login, not \
                 as '{}'",
                self.reviewer, input.reviewer
            )));
        }
        let given = !feedback.answers.is_empty() || !feedback.claims.is_empty();
        Ok(Statements {
            sql: self.recording()?,
            reasons: match (input.action, &input.reason) {
                (Action::Reject, Some(_)) => Some(self.prepared(REASON_IDS)?),
                _ => None,
            },
            feedback: given.then(|| self.feedback_statements()).transpose()?,
            evidence: match feedback.claims.is_empty() {
                true => None,
                false => Some(self.prepared(super::review_queue::EVIDENCE)?),
            },
            registered: match &input.edited {
                Some(EditedContent::Relationship { .. }) => Some(self.prepared(REGISTERED_SCHEMA)?),
                _ => None,
            },
        })
    }

    /// The `Conflict` of a decision on `input`'s item refused as stale: it changed since the
    /// version the decision names.
    pub(super) fn stale_conflict(&mut self, input: &DecisionInput) -> Result<Error> {
        let (_, current) = self.item_version(&input.item)?;
        Ok(Error::Conflict {
            item: input.item.clone(),
            seen: input.item_version,
            current,
        })
    }
}

/// Who records an event, which decides the rules it meets.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Recorder {
    /// A review: it answers the review form in force in its item's domain.
    Reviewer,
    /// An adjudicator's final decision: it settles the reviews it is shown and answers no form.
    Adjudicator,
    /// An approval by rule (a bulk approval): its note is the rule; it answers no form, as
    /// locally.
    Rule,
}

/// What recording one decision needs besides its transaction, prepared before it begins
/// ([`TeamServer::statements_for`]).
pub(super) struct Statements {
    pub sql: Recording,
    reasons: Option<Statement>,
    feedback: Option<FeedbackStatements>,
    evidence: Option<Statement>,
    registered: Option<Statement>,
}

/// What [`record_in`] did.
pub(super) enum Recorded {
    /// Recorded now, or earlier under the same id (a retry).
    Decision(Box<Decision>),
    /// Refused: the item changed since the version the decision names. The transaction is
    /// aborted; see [`TeamServer::stale_conflict`].
    Stale,
}

/// Records `input` with `feedback` in `tx`, with the core's rules, as `recorder`; the caller
/// commits. `at` is `(the signed-in login, the server)`.
pub(super) fn record_in(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    input: &DecisionInput,
    feedback: &Feedback,
    recorder: Recorder,
    (reviewer, server): (&str, &str),
) -> Result<Recorded> {
    let Statements {
        sql,
        reasons,
        feedback: feedback_sql,
        evidence,
        registered,
    } = statements;
    let adjudication = recorder == Recorder::Adjudicator;
    let pick = feedback.pick;
    let failed = |e| server_error(server, e);
    if let Some(existing) = tx.query_opt(&sql.by_id, &[&input.id]).map_err(failed)? {
        return retried(read_decision(&existing)?, input).map(|d| Recorded::Decision(Box::new(d)));
    }
    if let (Some(statement), Some(reason)) = (reasons, &input.reason) {
        let known: Vec<String> = tx
            .query(statement, &[])
            .map_err(failed)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if !known.contains(reason) {
            return Err(Error::BadRequest(format!(
                "unknown reject reason '{reason}'; use one of: {}",
                known.join(", ")
            )));
        }
    }
    let item = tx
        .query_opt(&sql.item, &[&input.item])
        .map_err(failed)?
        .ok_or_else(|| Error::ItemNotFound(input.item.clone()))?;
    let form = FormToAnswer::read(item.get(7), item.get(8))?;
    let item = LockedItem::read(&item)?;
    if recorder == Recorder::Reviewer {
        let questions = form.as_ref().map(|f| f.questions.as_slice());
        check_decision_answers(questions, &input.item, &feedback.answers, input.action)?;
    }
    let claims = match evidence {
        Some(statement) => {
            let passages: Vec<Evidence> = tx
                .query(statement, &[&item.id])
                .map_err(failed)?
                .iter()
                .map(super::review_queue::read_passage)
                .collect();
            let body = read_body(item.kind, &item.payload)?;
            check_item_claims(&input.item, &body, &passages, &feedback.claims)?
        }
        None => Vec::new(),
    };
    // What the reviewer may read of the log is what they know of it (row-level security).
    let (known, _) = item_log(tx, sql, item.id, server)?;
    let decided_before = known
        .iter()
        .any(|e| e.reviewer == reviewer && e.action != Action::Revert);
    let distance = check_against_item(
        input,
        pick,
        &DecidedItem {
            kind: item.kind,
            version: item.version,
            payload: &item.payload,
            blind: item.required > 1 && !adjudication && !decided_before,
        },
    )?;
    // An edited relation maps fields its products have, as locally (the server registers
    // the products).
    if let (Some(EditedContent::Relationship { relation }), Some(schema)) =
        (&input.edited, registered)
        && item.kind == ItemKind::Relationship
    {
        let ItemBody::Relationship(body) = read_body(item.kind, &item.payload)? else {
            unreachable!("a relationship item's body reads as a relationship");
        };
        check_edited_relation(&body, relation, |product| {
            tx.query_opt(schema, &[&product])
                .map_err(failed)?
                .map(|r| json_column(Some(r.get(0))))
                .transpose()
                .map(Option::flatten)
        })?;
    }
    let supersedes = supersedes(&known, adjudication || item.review != ReviewState::Conflict);
    let action = enum_text(&input.action);
    let edited = input
        .edited
        .as_ref()
        .map(|e| serde_json::to_string(e).expect("edit serializes"));
    let pick_json = pick.map(|p| serde_json::to_string(&p).expect("pick serializes"));
    let params: [&(dyn ToSql + Sync); 11] = [
        &input.id,
        &item.id,
        &input.item_version,
        &action,
        &edited,
        &input.reason,
        &input.note,
        &distance,
        &supersedes,
        &adjudication,
        &pick_json,
    ];
    let decided_at: String = match tx.query_one(&sql.insert, &params) {
        Ok(row) => row.get(0),
        Err(e) if stale(&e) => return Ok(Recorded::Stale),
        Err(e) => return Err(failed(e)),
    };
    if let Some(statements) = feedback_sql {
        let form_id = form.as_ref().map(|f| f.id);
        record_feedback(
            tx,
            statements,
            &input.id,
            form_id,
            &feedback.answers,
            &claims,
            server,
        )?;
    }
    item.project(tx, sql, server)?;
    Ok(Recorded::Decision(Box::new(Decision {
        id: input.id.clone(),
        item: input.item.clone(),
        item_version: input.item_version,
        reviewer: reviewer.to_owned(),
        action: input.action,
        edited: input.edited.clone(),
        reason: input.reason.clone(),
        note: input.note.clone(),
        decided_at: crate::store::parse_time(&decided_at)?,
        reverts: None,
        edit_distance: distance,
        pick,
    })))
}

/// An item about to get an event, as [`ITEM_TO_DECIDE`] reads it. Reviewers may not lock rows:
/// the server's stamp trigger locks the item when the event is inserted, and refuses it if the
/// version read here is no longer current ([`stale`]).
pub(super) struct LockedItem {
    pub id: i64,
    pub kind: ItemKind,
    pub version: i64,
    payload: String,
    review: ReviewState,
    required: i32,
    title: String,
}

impl LockedItem {
    pub(super) fn read(row: &postgres::Row) -> Result<LockedItem> {
        Ok(LockedItem {
            id: row.get(0),
            kind: enum_value(row.get(1))?,
            version: row.get(2),
            payload: row.get(3),
            review: enum_value(row.get(4))?,
            required: row.get(5),
            title: row.get(6),
        })
    }

    /// Recomputes the item's projection from its log with the core's resolver, in the
    /// transaction that changed the log (whose own event makes the whole log readable).
    pub(super) fn project(
        &self,
        tx: &mut Transaction<'_>,
        sql: &Recording,
        server: &str,
    ) -> Result<()> {
        // The k read now, under the event's row lock: `overlap set` may have changed it since
        // the item was read.
        let (log, required) = item_log(tx, sql, self.id, server)?;
        let resolution = resolve(&log, required.unwrap_or(self.required).max(1) as u32);
        let effective_edit = resolution
            .effective
            .as_deref()
            .and_then(|id| log.iter().find(|e| e.id == id))
            .and_then(|e| e.edited.as_ref());
        let title = title_in_force(self.kind, self.title.clone(), &self.payload, effective_edit)?;
        tx.execute(
            &sql.projection,
            &[
                &enum_text(&resolution.status),
                &resolution.decided_by,
                &enum_text(&resolution.review),
                &resolution.effective,
                &title,
                &self.id,
            ],
        )
        .map_err(|e| server_error(server, e))?;
        Ok(())
    }
}

pub(super) fn read_decision(r: &postgres::Row) -> Result<Decision> {
    let decided_at: String = r.get(8);
    Ok(Decision {
        id: r.get(0),
        item: r.get(1),
        item_version: r.get(2),
        reviewer: r.get(3),
        action: enum_value(r.get(4))?,
        edited: json_column(r.get(5))?,
        reason: r.get(6),
        note: r.get(7),
        decided_at: crate::store::parse_time(&decided_at)?,
        reverts: r.get(9),
        edit_distance: r.get(10),
        pick: json_column(r.get(11))?,
    })
}

/// The item's log as the resolver reads it, as far as the reviewer may read it, and the
/// reviews the item needs as read with it (`None` when none of the log is readable).
fn item_log(
    tx: &mut impl GenericClient,
    sql: &Recording,
    item_id: i64,
    server: &str,
) -> Result<(Vec<LogEntry>, Option<i32>)> {
    let rows = tx
        .query(&sql.log, &[&item_id])
        .map_err(|e| server_error(server, e))?;
    let required = rows.first().map(|r| r.get(9));
    let log = rows
        .iter()
        .map(|r| {
            Ok(LogEntry {
                id: r.get(0),
                reviewer: r.get(1),
                action: enum_value(r.get(2))?,
                edited: json_column(r.get(3))?,
                reverts: r.get(4),
                clock: r.get(5),
                supersedes: json_column(r.get(6))?.unwrap_or_default(),
                adjudication: r.get(7),
                pick: json_column(r.get(8))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((log, required))
}

/// Whether the server refused an event because its item changed since it was read (the stamp
/// trigger's version check, under the row lock).
pub(super) fn stale(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::T_R_SERIALIZATION_FAILURE)
}

/// A JSON text column.
pub(super) fn json_column<T: serde::de::DeserializeOwned>(text: Option<&str>) -> Result<Option<T>> {
    text.map(json_value).transpose()
}

/// [`json_column`] of a column that is never NULL.
pub(super) fn json_value<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::BadRequest(format!("the server holds malformed JSON ({e}): {text}")))
}

/// A unit enum's serde name.
pub(super) fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value).expect("unit enums serialize") {
        serde_json::Value::String(text) => text,
        other => unreachable!("a unit enum serializes as a string, not {other}"),
    }
}
