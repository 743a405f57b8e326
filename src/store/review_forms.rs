//! Review forms per domain as append-only versions, and the answers given with decisions (what a
//! form and an answer may hold is `review_form`'s rule). The latest version of a domain is in
//! force; a version without questions retires the form. Answers are written in the decision's
//! own transaction and name the version they were given under.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{Store, now_text, parse_json, parse_time};
use crate::domain::DecisionInput;
use crate::error::Result;
use crate::review_form::stats::{FormStats, GivenAnswers, RatedAnswer, form_stats, text_questions};
use crate::review_form::{
    EXAMPLE_FORM, FormAnswers, FormQuestion, check_decision_answers, check_form_change, form_toml,
    parse_form_text,
};
use crate::sync::{BundleAnswers, BundleForm};

/// One version of a domain's review form.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewForm {
    #[ts(type = "number")]
    pub id: i64,
    pub domain: String,
    #[ts(type = "number")]
    pub version: i64,
    /// Empty in a version that retired the form.
    pub questions: Vec<FormQuestion>,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// An answer given with a decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct GivenAnswer {
    pub decision_id: String,
    /// The form version it was given under.
    #[ts(type = "number")]
    pub form_version: i64,
    pub question: String,
    #[ts(type = "unknown")]
    pub value: serde_json::Value,
}

/// A domain's form as the app's editor shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewFormDraft {
    pub in_force: Option<ReviewForm>,
    /// Every version, newest first.
    pub versions: Vec<ReviewForm>,
    /// The form in force as TOML, or an example to start from when there is none.
    pub text: String,
}

impl ReviewFormDraft {
    /// The editor's view of a domain's `versions` (newest first): the latest is in force unless
    /// it retired the form.
    pub fn of(versions: Vec<ReviewForm>) -> ReviewFormDraft {
        let in_force = versions
            .first()
            .filter(|f| !f.questions.is_empty())
            .cloned();
        let text = in_force
            .as_ref()
            .map_or_else(|| EXAMPLE_FORM.to_owned(), |f| form_toml(&f.questions));
        ReviewFormDraft {
            in_force,
            versions,
            text,
        }
    }
}

const COLUMNS: &str = "id, domain, version, questions, author, created_at";

fn read(r: &Row<'_>) -> rusqlite::Result<ReviewForm> {
    Ok(ReviewForm {
        id: r.get(0)?,
        domain: r.get(1)?,
        version: r.get(2)?,
        questions: parse_json(r.get_ref(3)?.as_str()?)?,
        author: r.get(4)?,
        created_at: parse_time(r.get_ref(5)?.as_str()?)?,
    })
}

/// The form in force in `domain`, if any.
fn form_in_force(conn: &rusqlite::Connection, domain: &str) -> Result<Option<ReviewForm>> {
    let latest = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_forms WHERE domain = ?1 ORDER BY version DESC LIMIT 1"
        ))?
        .query_row([domain], read)
        .optional()?;
    Ok(latest.filter(|f| !f.questions.is_empty()))
}

impl Store {
    /// The review form in force in `domain`: its latest version, unless that retired it.
    pub fn review_form(&self, domain: &str) -> Result<Option<ReviewForm>> {
        form_in_force(&self.conn, domain)
    }

    /// Every version of `domain`'s form, newest first.
    pub fn review_form_versions(&self, domain: &str) -> Result<Vec<ReviewForm>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_forms WHERE domain = ?1 ORDER BY version DESC"
        ))?;
        let rows = stmt.query_map([domain], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every version of every domain's form, by domain and version: what `team push` copies.
    pub fn every_review_form(&self) -> Result<Vec<BundleForm>> {
        let mut stmt = self
            .conn
            .prepare("SELECT domain, version FROM review_forms ORDER BY domain, version")?;
        let versions: Vec<(String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        versions
            .into_iter()
            .map(|(domain, version)| bundle_form(&self.conn, &domain, version))
            .collect()
    }

    /// `domain`'s form for the editor: in force, every version, and its TOML text.
    pub fn review_form_draft(&self, domain: &str) -> Result<ReviewFormDraft> {
        Ok(ReviewFormDraft::of(self.review_form_versions(domain)?))
    }

    /// Puts the form written in `text` (TOML, see `review_form`) in force as a new version;
    /// `None` retires the domain's form. A bad text is refused naming its line and field.
    pub fn save_review_form_text(
        &mut self,
        domain: &str,
        text: Option<&str>,
        author: &str,
    ) -> Result<ReviewForm> {
        let questions = text.map(parse_form_text).transpose()?;
        self.set_review_form(domain, questions.as_deref(), author)
    }

    /// Adds a version of `domain`'s form (`questions` checked as a form); `None` retires it.
    /// Errors: `BadRequest` for a form that breaks `review_form`'s rules, or retiring a form
    /// the domain does not have.
    pub fn set_review_form(
        &mut self,
        domain: &str,
        questions: Option<&[FormQuestion]>,
        author: &str,
    ) -> Result<ReviewForm> {
        self.write(|tx| {
            check_form_change(domain, questions, form_in_force(tx, domain)?.is_some())?;
            let version: i64 = tx.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM review_forms WHERE domain = ?1",
                [domain],
                |r| r.get(0),
            )?;
            let json =
                serde_json::to_string(questions.unwrap_or_default()).expect("questions serialize");
            tx.execute(
                "INSERT INTO review_forms (domain, version, questions, author, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![domain, version, json, author, now_text()],
            )?;
            let id = tx.last_insert_rowid();
            Ok(tx.query_row(
                &format!("SELECT {COLUMNS} FROM review_forms WHERE id = ?1"),
                [id],
                read,
            )?)
        })
    }

    /// The figures of every domain's form in force: answers of the items' decisions in force,
    /// and each reviewer's on items several reviewers decided (their rating in
    /// `stats_ratings`). Read from the answers, so a database without forms costs one lookup.
    pub fn form_stats(&self) -> Result<Vec<FormStats>> {
        let domains: Vec<String> = self
            .conn
            .prepare_cached("SELECT DISTINCT domain FROM review_forms ORDER BY domain")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for domain in domains {
            let Some(form) = form_in_force(&self.conn, &domain)? else {
                continue;
            };
            // Answers under the version in force only (another version may ask otherwise),
            // counted per distinct value; texts are counted, not told apart.
            let texts = text_questions(&form.questions);
            let effective = self
                .conn
                .prepare_cached(
                    "SELECT a.question,
                            CASE WHEN a.question IN (SELECT value FROM json_each(?2))
                                 THEN 'null' ELSE a.value END AS given,
                            count(*)
                     FROM form_answers a
                     JOIN decisions d ON d.id = a.decision_id
                     JOIN items i ON i.id = d.item_id AND i.effective_decision = d.id
                     WHERE a.form_id = ?1
                     GROUP BY a.question, given",
                )?
                .query_map(
                    params![
                        form.id,
                        serde_json::to_string(&texts).expect("ids serialize")
                    ],
                    |r| {
                        Ok(GivenAnswers {
                            question: r.get(0)?,
                            value: parse_json(r.get_ref(1)?.as_str()?)?,
                            items: r.get::<_, i64>(2)? as u64,
                        })
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let ratings = self
                .conn
                .prepare_cached(
                    "SELECT d.item_id, a.question, a.value FROM form_answers a
                     JOIN decisions d ON d.id = a.decision_id
                     JOIN stats_ratings s ON s.item_id = d.item_id AND s.reviewer = d.reviewer
                          AND s.decided_at = d.decided_at AND s.action = d.action
                     WHERE a.form_id = ?1",
                )?
                .query_map([form.id], |r| {
                    Ok(RatedAnswer {
                        item: r.get(0)?,
                        question: r.get(1)?,
                        value: parse_json(r.get_ref(2)?.as_str()?)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push(form_stats(
                &domain,
                form.version,
                &form.questions,
                &effective,
                &ratings,
            ));
        }
        Ok(out)
    }

    /// The answers given with the decisions on an item, in log order, then question order.
    pub fn form_answers(&self, external_id: &str) -> Result<Vec<GivenAnswer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.decision_id, f.version, a.question, a.value
             FROM form_answers a
             JOIN decisions d ON d.id = a.decision_id
             JOIN items i ON i.id = d.item_id
             JOIN review_forms f ON f.id = a.form_id
             WHERE i.external_id = ?1
             ORDER BY d.seq, a.question",
        )?;
        let rows = stmt.query_map([external_id], |r| {
            Ok(GivenAnswer {
                decision_id: r.get(0)?,
                form_version: r.get(1)?,
                question: r.get(2)?,
                value: parse_json(r.get_ref(3)?.as_str()?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The form in force for the item `external_id`, once `answers` are checked against it
/// (`review_form::check_decision_answers`). A missing item is left to the decision to report.
pub(super) fn form_for_answers(
    tx: &Transaction<'_>,
    input: &DecisionInput,
    answers: &FormAnswers,
) -> Result<Option<ReviewForm>> {
    let form = form_of_item(tx, &input.item)?;
    let questions = form.as_ref().map(|f| f.questions.as_slice());
    check_decision_answers(questions, &input.item, answers, input.action)?;
    Ok(form)
}

/// Records `answers` (checked by [`form_for_answers`]) with decision `decision_id`.
pub(super) fn insert_answers(
    tx: &Transaction<'_>,
    decision_id: &str,
    form: &ReviewForm,
    answers: &FormAnswers,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO form_answers (decision_id, form_id, question, value)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (question, value) in answers {
        insert.execute(params![decision_id, form.id, question, value.to_string()])?;
    }
    Ok(())
}

/// The form in force in the domain of the item `external_id` (a missing item is left to the
/// decision to report). A comparison answers no form: its pick is its judgement, and a form's
/// questions are about one answer.
fn form_of_item(tx: &Transaction<'_>, external_id: &str) -> Result<Option<ReviewForm>> {
    let domain: Option<String> = tx
        .prepare_cached("SELECT domain FROM items WHERE external_id = ?1 AND kind <> 'comparison'")?
        .query_row([external_id], |r| r.get(0))
        .optional()?;
    match domain {
        Some(domain) => form_in_force(tx, &domain),
        None => Ok(None),
    }
}

/// The answers recorded with decision `decision_id`, as a sync bundle carries them.
pub(super) fn bundle_answers(
    conn: &Connection,
    decision_id: &str,
) -> Result<Option<BundleAnswers>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.domain, f.version, a.question, a.value FROM form_answers a
         JOIN review_forms f ON f.id = a.form_id WHERE a.decision_id = ?1 ORDER BY a.question",
    )?;
    let mut rows = stmt.query([decision_id])?;
    let mut found: Option<BundleAnswers> = None;
    while let Some(r) = rows.next()? {
        let (domain, version): (String, i64) = (r.get(0)?, r.get(1)?);
        let entry = found.get_or_insert_with(|| BundleAnswers {
            domain,
            version,
            answers: FormAnswers::new(),
        });
        entry
            .answers
            .insert(r.get(2)?, parse_json(&r.get::<_, String>(3)?)?);
    }
    Ok(found)
}

/// Version `version` of `domain`'s form, as a sync bundle carries it.
pub(super) fn bundle_form(conn: &Connection, domain: &str, version: i64) -> Result<BundleForm> {
    let form = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_forms WHERE domain = ?1 AND version = ?2"
        ))?
        .query_row(params![domain, version], read)?;
    Ok(BundleForm {
        domain: form.domain,
        version: form.version,
        questions: form.questions,
        author: form.author,
        created_at: form.created_at,
    })
}

/// Adds a bundled form version this database lacks ([`BundleForm::is_new`]).
pub(super) fn merge_form(tx: &Transaction<'_>, form: &BundleForm) -> Result<()> {
    let held: Option<String> = tx
        .prepare_cached("SELECT questions FROM review_forms WHERE domain = ?1 AND version = ?2")?
        .query_row(params![form.domain, form.version], |r| r.get(0))
        .optional()?;
    let held: Option<Vec<FormQuestion>> = held.map(|h| parse_json(&h)).transpose()?;
    if form.is_new(held.as_deref())? {
        tx.prepare_cached(
            "INSERT INTO review_forms (domain, version, questions, author, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            form.domain,
            form.version,
            serde_json::to_string(&form.questions).expect("questions serialize"),
            form.author,
            form.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ])?;
    }
    Ok(())
}

/// Records a merged decision's answers under the form version they name (merged or held),
/// once checked ([`BundleAnswers::check`]).
pub(super) fn merge_answers(
    tx: &Transaction<'_>,
    decision_id: &str,
    given: &BundleAnswers,
) -> Result<()> {
    let form = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_forms WHERE domain = ?1 AND version = ?2"
        ))?
        .query_row(params![given.domain, given.version], read)
        .optional()?;
    let item_domain: String = tx
        .prepare_cached(
            "SELECT i.domain FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.id = ?1",
        )?
        .query_row([decision_id], |r| r.get(0))?;
    given.check(
        decision_id,
        &item_domain,
        form.as_ref().map(|f| f.questions.as_slice()),
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO form_answers (decision_id, form_id, question, value)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    if let Some(form) = form {
        for (question, value) in &given.answers {
            insert.execute(params![decision_id, form.id, question, value.to_string()])?;
        }
    }
    Ok(())
}
