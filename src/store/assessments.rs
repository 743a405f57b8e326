//! The relate model's assessments of relationship candidates (`vetted relate --rank`): kept in
//! `relation_assessments` and mirrored into `items.assessment`, which the reviewer sees and the
//! "most likely first" queue order ranks by. Like a vetting suggestion, an assessment never
//! touches the decision log, the item's status or its version.

use rusqlite::{Transaction, params};

use super::{Store, now_text};
use crate::domain::Assessment;
use crate::error::Result;

/// Records `assessment` of the item at `item_id`, made by call `call_id`.
pub(crate) fn record_assessment(
    tx: &Transaction<'_>,
    item_id: i64,
    call_id: i64,
    assessment: &Assessment,
) -> Result<()> {
    let now = now_text();
    tx.prepare_cached(
        "INSERT INTO relation_assessments (item_id, call_id, agent, confidence, rationale,
                                           item_version, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT version FROM items WHERE id = ?1), ?6)",
    )?
    .execute(params![
        item_id,
        call_id,
        assessment.model,
        assessment.confidence,
        assessment.rationale,
        now,
    ])?;
    tx.prepare_cached("UPDATE items SET assessment = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![item_id, shown(assessment), now])?;
    Ok(())
}

/// An assessment as stored, its item named by external id: what a call of a run wrote, for
/// copying it to another database (a team server, a snapshot of one).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAssessment {
    pub item: String,
    pub assessment: Assessment,
    pub item_version: i64,
    pub created_at: String,
}

/// Keeps the assessments call `call_id` (this database's) wrote in another database as they
/// are there, as history: what each item shows comes with it (see
/// [`Store::keep_shown_assessments`]); the items must be held here.
pub(crate) fn keep_assessments(
    tx: &Transaction<'_>,
    call_id: i64,
    assessments: &[StoredAssessment],
) -> Result<()> {
    for a in assessments {
        let item_id: i64 = tx
            .prepare_cached("SELECT id FROM items WHERE external_id = ?1")?
            .query_row([&a.item], |r| r.get(0))?;
        tx.prepare_cached(
            "INSERT INTO relation_assessments (item_id, call_id, agent, confidence, rationale,
                                               item_version, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            item_id,
            call_id,
            a.assessment.model,
            a.assessment.confidence,
            a.assessment.rationale,
            a.item_version,
            a.created_at,
        ])?;
    }
    Ok(())
}

/// What an item shows for `assessment` (`items.assessment`).
pub fn shown(assessment: &Assessment) -> String {
    serde_json::to_string(assessment).expect("assessment serializes")
}

/// One item a run assessed, for listing a run's ranking.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessed {
    pub external_id: String,
    /// The queue title: `source.field → target.field`.
    pub title: String,
    #[serde(flatten)]
    pub assessment: Assessment,
}

impl Store {
    /// Shows each `(item, assessment)` as another database shows it (`items.assessment`).
    pub fn keep_shown_assessments(&mut self, shown: &[(String, String)]) -> Result<()> {
        self.write(|tx| {
            let mut show =
                tx.prepare_cached("UPDATE items SET assessment = ?2 WHERE external_id = ?1")?;
            for (item, assessment) in shown {
                show.execute(params![item, assessment])?;
            }
            Ok(())
        })
    }

    /// The assessments call `call_id` wrote, in the order written.
    pub(crate) fn call_assessments(&self, call_id: i64) -> Result<Vec<StoredAssessment>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.external_id, a.agent, a.confidence, a.rationale, a.item_version,
                    a.created_at
             FROM relation_assessments a JOIN items i ON i.id = a.item_id
             WHERE a.call_id = ?1 ORDER BY a.id",
        )?;
        let rows = stmt.query_map([call_id], |r| {
            Ok(StoredAssessment {
                item: r.get(0)?,
                assessment: Assessment {
                    model: r.get(1)?,
                    confidence: r.get(2)?,
                    rationale: r.get(3)?,
                },
                item_version: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What run `run_id` assessed, most confident first (ties in item order).
    pub fn run_assessments(&self, run_id: i64) -> Result<Vec<Assessed>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.external_id, i.title, a.agent, a.confidence, a.rationale
             FROM relation_assessments a
             JOIN llm_calls c ON c.id = a.call_id
             JOIN items i ON i.id = a.item_id
             WHERE c.run_id = ?1
             ORDER BY a.confidence DESC, i.id",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(Assessed {
                external_id: r.get(0)?,
                title: r.get(1)?,
                assessment: Assessment {
                    model: r.get(2)?,
                    confidence: r.get(3)?,
                    rationale: r.get(4)?,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
