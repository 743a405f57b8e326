//! Approving the obvious in bulk: the relationship candidates of a queue filter that are still
//! waiting for the reviewer and whose computed evidence meets a stated [`EvidenceRule`] are
//! approved in one transaction, each as a decision of the reviewer who applied the rule (with
//! the rule as its note), and undone as one step.
//!
//! Two steps, so a person sees what a rule would do before it does it: [`plan`] (on a team
//! server, its candidates through [`plan_over`]) computes the evidence and says which candidates
//! meet the rule and why the others do not; [`RulePlan::batch`] is what recording the plan's
//! approvals takes, all or nothing (a candidate decided meanwhile fails the batch).
//! Candidates that meet the rule but contradict each other (the same source key to two targets)
//! are left for a person: a rule approves only what no other candidate meeting it disputes.

mod rule;

pub use rule::EvidenceRule;

use std::collections::HashMap;
use std::ops::ControlFlow;

use serde::Serialize;
use ts_rs::TS;

use crate::domain::{Decision, Item, ItemKind, Relation, RelationshipBody};
use crate::error::{Error, Result};
use crate::products::DataProduct;
use crate::relation_evidence::{
    Accepted, KeyCountCache, Products, find_conflicts, measure, relation_to_measure,
};
use crate::store::{BatchApproval, QueueFilter, Store};

/// Queue entries read per page while planning.
const PAGE: u32 = 500;

/// One candidate a plan looked at.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RuleCandidate {
    pub item: String,
    /// The version the evidence was computed on; approving needs it unchanged.
    #[ts(type = "number")]
    pub version: i64,
    pub title: String,
    pub containment: Option<f64>,
    /// What the value figures were computed on, e.g. `source: full table, 412 rows`.
    pub basis: String,
    /// Why the rule does not approve it; empty when it does.
    pub unmet: Vec<String>,
}

/// What applying a rule to a filter would approve, and what it would leave.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RulePlan {
    /// The rule in its canonical text.
    pub rule: String,
    /// Candidates meeting the rule, in queue order.
    pub approve: Vec<RuleCandidate>,
    /// Candidates of the filter left as they are, with the reasons.
    pub leave: Vec<RuleCandidate>,
}

/// Computes which pending relationship candidates of `filter` that `reviewer` has not decided
/// meet `rule` (see [`plan_over`]). Reads only.
pub fn plan(
    store: &Store,
    filter: &QueueFilter,
    rule: &EvidenceRule,
    reviewer: &str,
    progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
) -> Result<Option<RulePlan>> {
    let filter = QueueFilter {
        kind: Some(ItemKind::Relationship),
        awaiting: Some(reviewer.to_owned()),
        ..filter.clone()
    };
    let mut candidates = Vec::new();
    let mut after = None;
    loop {
        let page = store.queue_page(&filter, after, PAGE)?;
        for entry in page.entries {
            candidates.push(Candidate {
                item: store.item(&entry.external_id)?,
                title: entry.title,
            });
        }
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let accepted = store.approved_relationships()?;
    let accepted: Vec<Accepted> = accepted.iter().map(Accepted::from).collect();
    plan_over(
        &candidates,
        &mut |name| store.product(name),
        &accepted,
        rule,
        progress,
    )
}

/// A relationship candidate as its database shows it to the reviewer planning.
pub struct Candidate {
    pub item: Item,
    /// Its title in the queue.
    pub title: String,
}

impl Candidate {
    /// The products its evidence is computed from (source, target), as [`plan_over`] asks for
    /// them; `None` for an item that is no relationship.
    pub fn products(&self) -> Option<[&str; 2]> {
        relation_to_measure(&self.item)
            .map(|(body, _)| [body.source.product.as_str(), body.target.product.as_str()])
    }
}

/// Which of `candidates` (in queue order) meet `rule`, whatever database holds them: the
/// evidence of each is computed from the registered products `product` names (`None`: not
/// registered), against the `accepted` relationships. `progress(done, total)` is called after
/// each candidate and may stop the plan (`Ok(None)`).
pub fn plan_over(
    candidates: &[Candidate],
    product: &mut dyn FnMut(&str) -> Result<Option<DataProduct>>,
    accepted: &[Accepted],
    rule: &EvidenceRule,
    progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
) -> Result<Option<RulePlan>> {
    let cache = &mut KeyCountCache::default();
    let mut looked = Vec::with_capacity(candidates.len());
    for (done, Candidate { item, title }) in candidates.iter().enumerate() {
        let Some((body, relation)) = relation_to_measure(item) else {
            continue;
        };
        let mut candidate = RuleCandidate {
            item: item.external_id.clone(),
            version: item.version,
            title: title.clone(),
            containment: None,
            basis: String::new(),
            unmet: Vec::new(),
        };
        let products = Products {
            source: product(&body.source.product)?,
            target: product(&body.target.product)?,
        };
        let accepted = accepted.iter().copied();
        match measure(
            &products,
            cache,
            &item.external_id,
            body,
            relation,
            accepted,
        ) {
            Ok(evidence) => {
                candidate.containment = evidence.containment;
                candidate.basis = format!(
                    "{}; {}",
                    evidence.source_basis.label, evidence.target_basis.label
                );
                candidate.unmet = rule.unmet(&evidence);
            }
            Err(e) => candidate.unmet = vec![format!("no computed evidence: {e}")],
        }
        looked.push((candidate, body.clone(), relation.clone()));
        if progress(done + 1, candidates.len()).is_break() {
            return Ok(None);
        }
    }
    leave_disputed(&mut looked);
    let (approve, leave) = looked
        .into_iter()
        .map(|(candidate, ..)| candidate)
        .partition(|c| c.unmet.is_empty());
    Ok(Some(RulePlan {
        rule: rule.to_string(),
        approve,
        leave,
    }))
}

/// Marks candidates that meet the rule but contradict another such candidate as unmet, both of
/// them: which one is right is a person's call. Each is compared only with the candidates naming
/// its source product (the only ones that can conflict with it, see [`find_conflicts`]).
fn leave_disputed(looked: &mut [(RuleCandidate, RelationshipBody, Relation)]) {
    let meeting: Vec<usize> = (0..looked.len())
        .filter(|&i| looked[i].0.unmet.is_empty())
        .collect();
    let mut naming: HashMap<&str, Vec<usize>> = HashMap::new();
    for &i in &meeting {
        let body = &looked[i].1;
        naming.entry(&body.source.product).or_default().push(i);
        if body.target.product != body.source.product {
            naming.entry(&body.target.product).or_default().push(i);
        }
    }
    let disputes: Vec<(usize, String)> = meeting
        .iter()
        .flat_map(|&i| {
            let (candidate, body, relation) = &looked[i];
            let others = naming[body.source.product.as_str()]
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| Accepted {
                    item: &looked[j].0.item,
                    body: &looked[j].1,
                    relation: &looked[j].2,
                });
            find_conflicts(&candidate.item, body, relation, others)
                .into_iter()
                .next()
                .map(|c| (i, format!("disputed by another candidate: {}", c.message)))
        })
        .collect();
    for (i, why) in disputes {
        looked[i].0.unmet.push(why);
    }
}

impl RulePlan {
    /// The approvals this plan lists, as batch `batch_id` by `reviewer`, for
    /// [`Store::approve_batch`] (or the team server's): recorded in one transaction, and a
    /// candidate changed since it was planned fails the batch (`Conflict`, nothing recorded).
    ///
    /// Errors: `BadRequest` when the plan approves nothing.
    pub fn batch(&self, batch_id: &str, reviewer: &str) -> Result<BatchApproval> {
        if self.approve.is_empty() {
            return Err(Error::BadRequest(format!(
                "no candidate meets the rule '{}'; nothing was approved",
                self.rule
            )));
        }
        Ok(BatchApproval {
            id: batch_id.to_owned(),
            reviewer: reviewer.to_owned(),
            rule: self.rule.clone(),
            items: self
                .approve
                .iter()
                .map(|c| (c.item.clone(), c.version))
                .collect(),
        })
    }
}

/// Records the approvals `plan` lists as batch `batch_id` by `reviewer` in a local database, in
/// one transaction (see [`RulePlan::batch`]).
pub fn apply(
    store: &mut Store,
    plan: &RulePlan,
    batch_id: &str,
    reviewer: &str,
) -> Result<Vec<Decision>> {
    store.approve_batch(&plan.batch(batch_id, reviewer)?)
}
