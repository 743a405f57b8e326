//! Bulk approval by rule on the team server (`migrations/postgres/0011_decision_batches.sql`),
//! with the core's rules ([`crate::approval_rule`]): the plan is [`plan_over`] the candidates the
//! server lets the login approve, measured here from the registered products; the batch is
//! recorded as locally (all or nothing, each approval a decision of the login's with the rule as
//! its note) and undone as one step (`undo`).

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use postgres::{GenericClient, Statement};

use super::decisions::{Recorded, Recorder, decision_columns, read_decision, record_in};
use super::review_queue::{ITEM_COLUMN_COUNT, item_columns, read_item};
use super::{TeamServer, server_error};
use crate::approval_rule::{Candidate, EvidenceRule, RulePlan, plan_over};
use crate::domain::{Decision, Feedback};
use crate::error::{Error, Result};
use crate::products::DataProduct;
use crate::store::{BatchApproval, RelationshipItem, Reverted};

/// The open relationship items the login may approve by rule (the server decides which, see
/// `rule_candidates`), of a domain and with a tag when given, oldest first, each as the login is
/// shown it, then its external id and title.
const RULE_CANDIDATES: &str = concat!(
    "SELECT ",
    item_columns!(),
    ", i.external_id, i.title
       FROM rule_candidates($1, $2) c JOIN items i ON i.id = c.id
       LEFT JOIN decisions d ON d.id = i.effective_decision
      ORDER BY i.id"
);

/// Those of the items `$1` (external ids) the login may still approve by rule, locked and asked
/// again in the transaction that approves them: planning takes a while, and meanwhile another
/// reviewer may have leased or reviewed one.
const STILL_CANDIDATES: &str = "SELECT c FROM lock_rule_candidates($1) c";

const BATCH_EVENTS: &str = concat!(
    "SELECT ",
    decision_columns!(),
    ", b.rule FROM decision_batches b
       JOIN decisions d ON d.id = b.decision_id JOIN items i ON i.id = d.item_id
      WHERE b.batch_id = $1 ORDER BY d.clock, d.id"
);

const BATCH_OF: &str = "SELECT batch_id, rule FROM decision_batches WHERE decision_id = $1";

const ADD_TO_BATCH: &str =
    "INSERT INTO decision_batches (decision_id, batch_id, rule) VALUES ($1, $2, $3)";

/// Where the column list of [`BATCH_EVENTS`] ends and its own column begins.
const RULE_COLUMN: usize = 12;

/// The statements reading and writing batches, prepared before a transaction begins.
pub(super) struct BatchStatements {
    events: Statement,
    of: Statement,
    add: Statement,
}

impl BatchStatements {
    /// The rule of the batch `decision_id` was recorded in, if any.
    pub(super) fn rule_of(
        &self,
        client: &mut impl GenericClient,
        decision_id: &str,
        server: &str,
    ) -> Result<Option<String>> {
        Ok(client
            .query_opt(&self.of, &[&decision_id])
            .map_err(|e| server_error(server, e))?
            .map(|r| r.get(1)))
    }

    /// Records `decision_id`, just recorded, as part of batch `batch_id`, which applied `rule`.
    pub(super) fn add(
        &self,
        client: &mut impl GenericClient,
        decision_id: &str,
        batch_id: &str,
        rule: &str,
        server: &str,
    ) -> Result<()> {
        client
            .execute(&self.add, &[&decision_id, &batch_id, &rule])
            .map_err(|e| server_error(server, e))?;
        Ok(())
    }

    /// The rule batch `batch_id` applied and its events the login may read, in log order;
    /// `None` for an unknown batch.
    fn events(
        &self,
        client: &mut impl GenericClient,
        batch_id: &str,
        server: &str,
    ) -> Result<Option<(String, Vec<Decision>)>> {
        let rows = client
            .query(&self.events, &[&batch_id])
            .map_err(|e| server_error(server, e))?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let events = rows.iter().map(read_decision).collect::<Result<_>>()?;
        Ok(Some((first.get(RULE_COLUMN), events)))
    }
}

impl TeamServer {
    pub(super) fn batch_statements(&mut self) -> Result<BatchStatements> {
        Ok(BatchStatements {
            events: self.prepared(BATCH_EVENTS)?,
            of: self.prepared(BATCH_OF)?,
            add: self.prepared(ADD_TO_BATCH)?,
        })
    }

    /// Which relationship candidates the login may approve by rule (of `domain`, with `tag`,
    /// when given) meet `rule`, as [`crate::approval_rule::plan`] does locally: each as the
    /// login is shown it, its evidence computed here from the products the server registers
    /// (their sources read where they live). `progress(done, total)` as locally. Reads only,
    /// outside any transaction: measuring may take long.
    pub fn plan_rule(
        &mut self,
        domain: Option<&str>,
        tag: Option<&str>,
        rule: &EvidenceRule,
        progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
    ) -> Result<Option<RulePlan>> {
        // Relationship items have no passages: each is as `item_shown` shows it.
        let candidates = (self.rows(RULE_CANDIDATES, &[&domain, &tag])?)
            .iter()
            .map(|r| {
                let mut item = read_item(r, r.get(ITEM_COLUMN_COUNT))?;
                item.add_review_aids();
                Ok(Candidate {
                    item,
                    title: r.get(ITEM_COLUMN_COUNT + 1),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let accepted_items = self.accepted_relationships()?;
        let accepted: Vec<_> = accepted_items
            .iter()
            .filter_map(RelationshipItem::accepted)
            .collect();
        // Only the products the candidates name, in one read: a server may register hundreds,
        // each with its sample.
        let names: HashSet<&str> = candidates
            .iter()
            .filter_map(Candidate::products)
            .flatten()
            .collect();
        let products: HashMap<String, DataProduct> = self
            .products_named(&names.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|p| (p.name.clone(), p))
            .collect();
        plan_over(
            &candidates,
            &mut |name| Ok(products.get(name).cloned()),
            &accepted,
            rule,
            progress,
        )
    }

    /// Records `batch` as one approval per item by the login, in one transaction, as
    /// [`crate::Store::approve_batch`] does locally; a batch id already recorded returns its
    /// decisions unchanged.
    ///
    /// Errors: as locally (`Conflict`, nothing recorded, when an item changed since its version
    /// was read); `BadRequest` when an item is no longer the login's to approve (another
    /// reviewer leased or reviewed it meanwhile); `Forbidden` when the batch names another
    /// reviewer or the server refuses it.
    pub fn approve_batch(&mut self, batch: &BatchApproval) -> Result<Vec<Decision>> {
        batch.check()?;
        let approvals = batch.approvals();
        let none = Feedback::default();
        // Every approval of the batch has the shape of the first.
        let statements = self.statements_for(&approvals[0], &none)?;
        let batches = self.batch_statements()?;
        let still = self.prepared(STILL_CANDIDATES)?;
        let (server, reviewer) = (self.server.clone(), self.reviewer.clone());
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        if let Some((_, recorded)) = batches.events(&mut tx, &batch.id, &server)? {
            return Ok(recorded);
        }
        let items: Vec<&str> = batch.items.iter().map(|(item, _)| item.as_str()).collect();
        let open: HashSet<String> = (tx.query(&still, &[&items]).map_err(failed)?)
            .iter()
            .map(|r| r.get(0))
            .collect();
        if let Some(taken) = items.iter().find(|item| !open.contains(**item)) {
            return Err(Error::BadRequest(format!(
                "'{taken}' is no longer yours to approve by rule (another reviewer holds it or \
                 reviewed it meanwhile); nothing was approved: check the rule again"
            )));
        }
        let mut decisions = Vec::with_capacity(approvals.len());
        for input in &approvals {
            let at = (reviewer.as_str(), server.as_str());
            let recorded = record_in(&mut tx, &statements, input, &none, Recorder::Rule, at)
                .map_err(|e| naming_item(e, &input.item))?;
            match recorded {
                Recorded::Decision(decision) => {
                    batches.add(&mut tx, &decision.id, &batch.id, &batch.rule, &server)?;
                    decisions.push(*decision);
                }
                Recorded::Stale => {
                    drop(tx);
                    return Err(self.stale_conflict(input)?);
                }
            }
        }
        tx.commit().map_err(failed)?;
        Ok(decisions)
    }

    /// Describes `event`, an undo or redo just recorded under its id (see [`Reverted`]).
    pub fn reverted(&mut self, event: Decision) -> Result<Reverted> {
        let statements = self.batch_statements()?;
        let server = self.server.clone();
        let batch = match self.rows(BATCH_OF, &[&event.id])?.first() {
            Some(row) => statements.events(&mut self.client, row.get(0), &server)?,
            None => None,
        };
        Ok(Reverted::of(event, batch))
    }

    /// The rule batch `batch_id` applied and its events the login may read (approvals, or the
    /// reverts of an undo or redo), in log order; `None` for an unknown batch.
    pub fn batch(&mut self, batch_id: &str) -> Result<Option<(String, Vec<Decision>)>> {
        let statements = self.batch_statements()?;
        let server = self.server.clone();
        statements.events(&mut self.client, batch_id, &server)
    }
}

/// `e`, a refusal of one event of a batch, naming the item it was about: the server names items
/// by its own numbers.
pub(super) fn naming_item(e: Error, item: &str) -> Error {
    match e {
        Error::Forbidden(problem) => Error::Forbidden(format!("{item}: {problem}")),
        Error::Server { server, problem } => Error::Server {
            server,
            problem: format!("{item}: {problem}"),
        },
        other => other,
    }
}
