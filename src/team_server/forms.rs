//! Review forms, claim settings and the feedback recorded with decisions (form answers, claim
//! verdicts) on the team server, with the local store's contract ([`crate::Store::review_form`]
//! and its siblings; what a form, an answer and a claim check may hold is the core's rule, in
//! `review_form` and `claims`). The server numbers and stamps form versions and settings, lets
//! only SMEs and adjudicators change them, and takes feedback only with the login's own
//! decision, in its transaction (see `0007_review_forms_and_claims.sql`).

use std::collections::HashMap;

use postgres::{Row, Statement, Transaction};

use super::{TeamServer, server_error};
use crate::claims::ClaimCheck;
use crate::domain::Decision;
use crate::error::{Error, Result};
use crate::review_form::{FormAnswers, FormQuestion, check_form_change, parse_form_text};
use crate::store::{
    ClaimSettings, GivenAnswer, RecordedClaims, ReviewForm, ReviewFormDraft, parse_time,
    settings_domain,
};
use crate::sync::{BundleAnswers, BundleForm};

/// The columns [`read_form`] reads.
macro_rules! form_columns {
    () => {
        "id, domain, version, questions, author, created_at"
    };
}

const FORM_VERSIONS: &str = concat!(
    "SELECT ",
    form_columns!(),
    " FROM review_forms WHERE domain = $1 ORDER BY version DESC"
);

const LATEST_FORM: &str = concat!(
    "SELECT ",
    form_columns!(),
    " FROM review_forms WHERE domain = $1 ORDER BY version DESC LIMIT 1"
);

/// Versions of one domain are written one at a time (the stamp trigger takes the same lock).
const FORM_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext('vetted.review_forms'), hashtext($1))";

const NEW_FORM: &str = concat!(
    "INSERT INTO review_forms (domain, questions) VALUES ($1, $2) RETURNING ",
    form_columns!()
);

const SETTINGS: &str =
    "SELECT confirm_approve FROM claim_settings WHERE domain = $1 ORDER BY id DESC LIMIT 1";

const INSERT_ANSWER: &str =
    "INSERT INTO form_answers (decision_id, form_id, question, value) VALUES ($1, $2, $3, $4)";

const INSERT_CLAIM: &str = "INSERT INTO claim_checks (decision_id, position, claim, verdict, spans)
                            VALUES ($1, $2, $3, $4, $5)";

impl TeamServer {
    /// The review form in force in `domain`: its latest version, unless that retired it.
    pub fn review_form(&mut self, domain: &str) -> Result<Option<ReviewForm>> {
        let statement = self.prepared(LATEST_FORM)?;
        let latest = self
            .client
            .query_opt(&statement, &[&domain])
            .map_err(|e| self.failed(e))?;
        Ok(latest
            .map(|row| read_form(&row))
            .transpose()?
            .filter(|form| !form.questions.is_empty()))
    }

    /// Every version of `domain`'s form, newest first.
    pub fn review_form_versions(&mut self, domain: &str) -> Result<Vec<ReviewForm>> {
        let statement = self.prepared(FORM_VERSIONS)?;
        let rows = self
            .client
            .query(&statement, &[&domain])
            .map_err(|e| self.failed(e))?;
        rows.iter().map(read_form).collect()
    }

    /// `domain`'s form for the editor: in force, every version, and its TOML text.
    pub fn review_form_draft(&mut self, domain: &str) -> Result<ReviewFormDraft> {
        Ok(ReviewFormDraft::of(self.review_form_versions(domain)?))
    }

    /// Puts the form written in `text` in force as a new version by the login; `None` retires
    /// the domain's form (see [`crate::Store::save_review_form_text`]).
    pub fn save_review_form_text(
        &mut self,
        domain: &str,
        text: Option<&str>,
    ) -> Result<ReviewForm> {
        let questions = text.map(parse_form_text).transpose()?;
        self.set_review_form(domain, questions.as_deref())
    }

    /// Adds a version of `domain`'s form by the login (numbered by the server); `None` retires
    /// it. Errors: `BadRequest` as locally; `Forbidden` for a login that is neither an SME nor
    /// an adjudicator.
    pub fn set_review_form(
        &mut self,
        domain: &str,
        questions: Option<&[FormQuestion]>,
    ) -> Result<ReviewForm> {
        let (lock, latest, insert) = (
            self.prepared(FORM_LOCK)?,
            self.prepared(LATEST_FORM)?,
            self.prepared(NEW_FORM)?,
        );
        let json =
            serde_json::to_string(questions.unwrap_or_default()).expect("questions serialize");
        let (server, login) = (self.server.clone(), self.reviewer.clone());
        let failed = |e| only_experts(server_error(&server, e), &login, "change review forms");
        let mut tx = self.client.transaction().map_err(failed)?;
        tx.execute(&lock, &[&domain]).map_err(failed)?;
        let in_force = match tx.query_opt(&latest, &[&domain]).map_err(failed)? {
            Some(row) => !read_form(&row)?.questions.is_empty(),
            None => false,
        };
        check_form_change(domain, questions, in_force)?;
        let row = tx.query_one(&insert, &[&domain, &json]).map_err(failed)?;
        let form = read_form(&row)?;
        tx.commit().map_err(failed)?;
        Ok(form)
    }

    /// The claim settings in force in `domain` (the defaults when never set).
    pub fn claim_settings(&mut self, domain: &str) -> Result<ClaimSettings> {
        let statement = self.prepared(SETTINGS)?;
        let confirm: Option<bool> = self
            .client
            .query_opt(&statement, &[&domain])
            .map_err(|e| self.failed(e))?
            .map(|r| r.get(0));
        Ok(
            confirm.map_or_else(ClaimSettings::default, |confirm_approve| ClaimSettings {
                confirm_approve,
            }),
        )
    }

    /// Records `settings` as `domain`'s, by the login (a new row: the history is kept).
    /// Errors: `Forbidden` for a login that is neither an SME nor an adjudicator.
    pub fn set_claim_settings(&mut self, domain: &str, settings: ClaimSettings) -> Result<()> {
        let domain = settings_domain(domain)?;
        let statement =
            self.prepared("INSERT INTO claim_settings (domain, confirm_approve) VALUES ($1, $2)")?;
        self.client
            .execute(&statement, &[&domain, &settings.confirm_approve])
            .map_err(|e| only_experts(self.failed(e), &self.reviewer, "change claim settings"))?;
        Ok(())
    }
}

impl TeamServer {
    /// The answers and claim verdicts given with `history` (decisions on one item the login
    /// may read, in log order), as [`crate::Store::form_answers`] and
    /// [`crate::Store::claim_checks`] read them locally: in log order, answers by question.
    pub fn feedback_given(
        &mut self,
        history: &[Decision],
    ) -> Result<(Vec<GivenAnswer>, Vec<RecordedClaims>)> {
        let ids: Vec<String> = history.iter().map(|d| d.id.clone()).collect();
        let server = self.server.clone();
        let mut tx = self.one_moment()?;
        let mut found = feedback_of(&mut tx, &ids, &server)?;
        tx.commit().map_err(|e| server_error(&server, e))?;
        let (mut answers, mut claims) = (Vec::new(), Vec::new());
        for decision_id in ids {
            let Some(feedback) = found.remove(&decision_id) else {
                continue;
            };
            if let Some(given) = feedback.answers {
                answers.extend(
                    given
                        .answers
                        .into_iter()
                        .map(|(question, value)| GivenAnswer {
                            decision_id: decision_id.clone(),
                            form_version: given.version,
                            question,
                            value,
                        }),
                );
            }
            if !feedback.claims.is_empty() {
                claims.push(RecordedClaims {
                    decision_id,
                    claims: feedback.claims,
                });
            }
        }
        Ok((answers, claims))
    }
}

/// A refusal of the server's policy in words a reviewer acts on.
pub(super) fn only_experts(e: Error, login: &str, what: &str) -> Error {
    match e {
        Error::Forbidden(_) => Error::Forbidden(format!(
            "{login} may not {what} on the team server: SMEs and adjudicators do \
             (`vetted team add-reviewer NAME --role sme`)"
        )),
        other => other,
    }
}

/// A form version as [`form_columns!`] reads it.
fn read_form(r: &Row) -> Result<ReviewForm> {
    let questions: &str = r.get(3);
    Ok(ReviewForm {
        id: r.get(0),
        domain: r.get(1),
        version: i64::from(r.get::<_, i32>(2)),
        questions: json_text(questions)?,
        author: r.get(4),
        created_at: parse_time(r.get(5))?,
    })
}

/// The form in force in an item's domain, as read with the item to decide on.
pub(super) struct FormToAnswer {
    pub id: i64,
    pub questions: Vec<FormQuestion>,
}

impl FormToAnswer {
    /// From the item's `form_id` and `questions` columns: `None` when its domain has no form,
    /// retired it, or the item is a comparison.
    pub(super) fn read(id: Option<i64>, questions: Option<&str>) -> Result<Option<FormToAnswer>> {
        let (Some(id), Some(questions)) = (id, questions) else {
            return Ok(None);
        };
        let questions: Vec<FormQuestion> = json_text(questions)?;
        Ok((!questions.is_empty()).then_some(FormToAnswer { id, questions }))
    }
}

/// The statements recording feedback, prepared before the decision's transaction begins.
pub(super) struct FeedbackStatements {
    answer: Statement,
    claim: Statement,
}

impl TeamServer {
    pub(super) fn feedback_statements(&mut self) -> Result<FeedbackStatements> {
        Ok(FeedbackStatements {
            answer: self.prepared(INSERT_ANSWER)?,
            claim: self.prepared(INSERT_CLAIM)?,
        })
    }
}

/// Records the feedback given with decision `decision_id`, in its transaction: `answers` under
/// form `form_id`, `claims` in their order (both checked by the caller with the core's rules).
pub(super) fn record_feedback(
    tx: &mut Transaction<'_>,
    sql: &FeedbackStatements,
    decision_id: &str,
    form_id: Option<i64>,
    answers: &FormAnswers,
    claims: &[ClaimCheck],
    server: &str,
) -> Result<()> {
    let failed = |e| server_error(server, e);
    if let Some(form_id) = form_id {
        for (question, value) in answers {
            tx.execute(
                &sql.answer,
                &[&decision_id, &form_id, question, &value.to_string()],
            )
            .map_err(failed)?;
        }
    }
    for (position, check) in claims.iter().enumerate() {
        let spans = serde_json::to_string(&check.spans).expect("spans serialize");
        tx.execute(
            &sql.claim,
            &[
                &decision_id,
                &(position as i32),
                &check.claim,
                &check.verdict.as_str(),
                &spans,
            ],
        )
        .map_err(failed)?;
    }
    Ok(())
}

/// Version `version` of `domain`'s form on the server: its id and questions.
pub(super) fn form_version(
    tx: &mut Transaction<'_>,
    domain: &str,
    version: i64,
    server: &str,
) -> Result<Option<(i64, Vec<FormQuestion>)>> {
    // The server numbers versions in an `integer`: a greater one is none of its.
    let Ok(version) = i32::try_from(version) else {
        return Ok(None);
    };
    let row = tx
        .query_opt(
            "SELECT id, questions FROM review_forms WHERE domain = $1 AND version = $2",
            &[&domain, &version],
        )
        .map_err(|e| server_error(server, e))?;
    row.map(|r| Ok((r.get(0), json_text(r.get(1))?)))
        .transpose()
}

/// Records a pushed form version as it is (author and time included), unless the server holds
/// that version already with the same questions ([`BundleForm::is_new`]).
pub(super) fn push_form(tx: &mut Transaction<'_>, form: &BundleForm, server: &str) -> Result<()> {
    let held = form_version(tx, &form.domain, form.version, server)?;
    if form.is_new(held.as_ref().map(|(_, q)| q.as_slice()))? {
        let version = i32::try_from(form.version).map_err(|_| {
            Error::BadRequest(format!(
                "review form '{}' has a version number ({}) beyond any real one",
                form.domain, form.version
            ))
        })?;
        tx.execute(
            "INSERT INTO review_forms (domain, version, questions, author, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &form.domain,
                &version,
                &serde_json::to_string(&form.questions).expect("questions serialize"),
                &form.author,
                &form
                    .created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ],
        )
        .map_err(|e| server_error(server, e))?;
    }
    Ok(())
}

/// The feedback recorded with a decision, as a sync bundle carries it.
#[derive(Debug, Default, PartialEq)]
pub(super) struct RecordedFeedback {
    pub answers: Option<BundleAnswers>,
    pub claims: Vec<ClaimCheck>,
}

/// The feedback recorded with each of the decisions `ids` that has some the login may read
/// (answers and verdicts are readable exactly when their decision is).
pub(super) fn feedback_of(
    tx: &mut Transaction<'_>,
    ids: &[String],
    server: &str,
) -> Result<HashMap<String, RecordedFeedback>> {
    let failed = |e| server_error(server, e);
    let mut found: HashMap<String, RecordedFeedback> = HashMap::new();
    let answers = tx
        .query(
            "SELECT a.decision_id, f.domain, f.version, a.question, a.value
               FROM form_answers a JOIN review_forms f ON f.id = a.form_id
              WHERE a.decision_id = ANY($1)",
            &[&ids],
        )
        .map_err(failed)?;
    for r in &answers {
        let given = found
            .entry(r.get(0))
            .or_default()
            .answers
            .get_or_insert_with(|| BundleAnswers {
                domain: r.get(1),
                version: i64::from(r.get::<_, i32>(2)),
                answers: FormAnswers::new(),
            });
        given.answers.insert(r.get(3), json_text(r.get(4))?);
    }
    let claims = tx
        .query(
            "SELECT decision_id, claim, verdict, spans FROM claim_checks
              WHERE decision_id = ANY($1) ORDER BY decision_id, position",
            &[&ids],
        )
        .map_err(failed)?;
    for r in &claims {
        found.entry(r.get(0)).or_default().claims.push(ClaimCheck {
            claim: r.get(1),
            verdict: r.get::<_, &str>(2).parse()?,
            spans: json_text(r.get(3))?,
        });
    }
    Ok(found)
}

/// A JSON text the server holds, read as `T`.
pub(super) fn json_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::BadRequest(format!("the server holds malformed JSON ({e}): {text}")))
}
