//! The vetting role: a second model screens items before a human sees them — verdict `pass` |
//! `flag` | `fail`, reasons from a fixed set, and a risk score in 0..1. The result is stored as
//! a suggestion from the vetting model (its model name is the agent) and shown with the item;
//! it never becomes a decision (see [`crate::store::Suggestion`]).

use std::collections::{HashMap, HashSet};

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use super::Role;
use super::knowledge::{Knowledge, KnowledgeOptions};
use super::prompts::{Template, prompts_by_domain, run_version};
use super::run::{Outcome, RunContext, RunSummary, Written, execute};
use crate::domain::{Cardinality, Item, ItemBody, ItemKind, Verdict};
use crate::error::Result;
use crate::llm::OutputSchema;
use crate::llm::structured::{chat_structured, parse_reply};
use crate::relation_evidence::{KeyCountCache, RelationshipEvidence, compute_evidence};
use crate::store::{QueueFilter, RunLabel, Store, Suggestion, record_suggestion};

/// The reasons a vetting model may give, in the order they are offered.
pub const REASONS: &[&str] = &[
    "unsupported_claim",
    "contradicts_evidence",
    "privacy_pii",
    "secret",
    "policy",
    "off_domain",
];

const DEFAULT_MAX_TOKENS: u32 = 200;

/// Which items to vet: the first `limit` of the queue under `filter`, in its order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VetSelection {
    pub filter: QueueFilter,
    pub limit: usize,
    /// Vet again items that already carry a verdict from this vetting model.
    pub revet: bool,
    /// What each prompt carries besides the item.
    pub knowledge: KnowledgeOptions,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VetOutput {
    verdict: Verdict,
    reasons: Vec<String>,
    risk: f64,
}

/// The JSON the vetting model must answer with.
pub fn output_schema() -> OutputSchema {
    OutputSchema {
        name: "vetting",
        schema: serde_json::json!({
            "type": "object",
            "properties": {
                "verdict": {"type": "string", "enum": ["pass", "flag", "fail"]},
                "reasons": {"type": "array", "items": {"type": "string", "enum": REASONS}},
                "risk": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "required": ["verdict", "reasons", "risk"],
            "additionalProperties": false,
        }),
    }
}

fn check(output: &VetOutput) -> std::result::Result<(), String> {
    if !(0.0..=1.0).contains(&output.risk) {
        return Err(format!("risk {} is outside 0..1", output.risk));
    }
    if let Some(unknown) = output
        .reasons
        .iter()
        .find(|r| !REASONS.contains(&r.as_str()))
    {
        return Err(format!(
            "unknown reason '{unknown}' (known: {})",
            REASONS.join(", ")
        ));
    }
    if output.verdict != Verdict::Pass && output.reasons.is_empty() {
        return Err("a flag or fail verdict needs at least one reason".to_owned());
    }
    Ok(())
}

/// `reasons` in their first-given order without repeats (small models repeat themselves).
fn distinct(mut reasons: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    reasons.retain(|r| seen.insert(r.clone()));
    reasons
}

/// The user message asking to vet `item`: the guidelines and reviewed examples `knowledge`
/// holds, its body as JSON and, for a relationship whose evidence Vetted could compute, those
/// figures (see [`ComputedFigures`]).
pub fn user_message(
    item: &Item,
    computed: Option<&ComputedFigures>,
    knowledge: &Knowledge,
) -> String {
    body_message(&item.domain, &item.body, computed, knowledge)
}

/// [`user_message`] for an item of `domain` with `body` (what the vetter-SFT export writes, so
/// a fine-tuned vetter is trained on exactly the message it is later asked).
pub fn body_message(
    domain: &str,
    body: &ItemBody,
    computed: Option<&ComputedFigures>,
    knowledge: &Knowledge,
) -> String {
    let body = serde_json::to_string_pretty(body).expect("item body serializes");
    let mut message = knowledge.sections(domain);
    // The domain comes from imported files: named as a JSON string, like everything else.
    let domain = serde_json::to_string(domain).expect("a string serializes");
    message.push_str(&format!("Item to vet ({domain} domain):\n{body}"));
    if let Some(figures) = computed {
        let figures = serde_json::to_string_pretty(figures).expect("figures serialize");
        message.push_str(&format!("\n\nComputed from the data:\n{figures}"));
    }
    message
}

/// What the vetting model is shown of a relationship's computed evidence: the figures that
/// confirm or contradict a key, not the per-pair detail or example values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputedFigures {
    pub containment: Option<f64>,
    pub orphan_rate: Option<f64>,
    pub target_declared_key: Option<bool>,
    pub target_unique: bool,
    pub observed_cardinality: Option<Cardinality>,
    pub claimed_cardinality: Cardinality,
    /// What the source and target figures were read from.
    pub computed_on: [String; 2],
    pub cautions: Vec<String>,
}

impl From<RelationshipEvidence> for ComputedFigures {
    fn from(e: RelationshipEvidence) -> ComputedFigures {
        ComputedFigures {
            containment: e.containment,
            orphan_rate: e.orphan_rate,
            target_declared_key: e.target_declared_key,
            target_unique: e.target_unique,
            observed_cardinality: e.observed_cardinality,
            claimed_cardinality: e.claimed_cardinality,
            computed_on: [e.source_basis.label, e.target_basis.label],
            cautions: e.cautions,
        }
    }
}

/// The computed figures of the relation each relationship item in `items` proposes (what its
/// body shows the vetter), by item row id. An item is vetted on its body alone when there are
/// no figures to show: the evidence cannot be computed, or no key value was read on a side.
pub(super) fn computed_figures<'i>(
    store: &Store,
    items: impl IntoIterator<Item = (i64, &'i Item)>,
) -> Result<HashMap<i64, ComputedFigures>> {
    let accepted = store.approved_relationships()?;
    let cache = &mut KeyCountCache::default();
    Ok(items
        .into_iter()
        .filter_map(|(id, item)| {
            let ItemBody::Relationship(body) = &item.body else {
                return None;
            };
            let evidence = compute_evidence(
                store,
                cache,
                &item.external_id,
                body,
                &body.relation,
                &accepted,
            )
            .ok()?;
            let read = evidence.source_distinct > 0 && evidence.target_distinct > 0;
            read.then(|| (id, evidence.into()))
        })
        .collect())
}

/// Vets the selected items and stores each verdict as a suggestion from the vetting model.
pub async fn vet(
    store: &mut Store,
    ctx: &RunContext<'_>,
    selection: VetSelection,
) -> Result<RunSummary> {
    let agent = ctx.client.provider().model.clone();
    let options = selection.knowledge;
    let (items, skipped) = select(store, &agent, selection)?;
    let no_exclusions = HashSet::new();
    let to_vet = items
        .into_iter()
        .map(|(item_id, item)| {
            let knowledge = Knowledge::for_item(
                store,
                options.variant,
                &item,
                options.examples,
                &no_exclusions,
            )?;
            Ok(ToVet {
                item_id,
                item,
                knowledge,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    run_vet_calls(
        store,
        ctx,
        &to_vet,
        skipped,
        |tx, to_vet, suggestion, call_id| {
            record_suggestion(tx, to_vet.item_id, call_id, &agent, &suggestion)?;
            Ok(Written {
                item_id: Some(to_vet.item_id),
                items: 1,
            })
        },
    )
    .await
}

/// One item to vet and what its prompt carries besides it.
pub(super) struct ToVet {
    pub item_id: i64,
    pub item: Item,
    pub knowledge: Knowledge,
}

/// Asks the vetting model about each of `items` (their guidelines and examples before them, the
/// computed figures of a relationship after) and hands each valid verdict to `persist`, in the
/// transaction that records its call.
pub(super) async fn run_vet_calls(
    store: &mut Store,
    ctx: &RunContext<'_>,
    items: &[ToVet],
    skipped: usize,
    mut persist: impl FnMut(&Transaction<'_>, &ToVet, Suggestion, i64) -> Result<Written>,
) -> Result<RunSummary> {
    let agent = ctx.client.provider().model.clone();
    let prompts = prompts_by_domain(
        store,
        Template::Vet,
        items.iter().map(|v| v.item.domain.as_str()),
        ctx.options.prompt_dir.as_deref(),
    )?;
    let label = RunLabel {
        role: Role::Vet,
        provider: ctx.client.provider().name.clone(),
        model: agent.clone(),
        prompt_version: run_version(Template::Vet, prompts.values()),
    };
    let schema = output_schema();
    let provider = label.provider.clone();
    let computed = computed_figures(store, items.iter().map(|v| (v.item_id, &v.item)))?;
    execute(
        store,
        ctx,
        label,
        items,
        skipped,
        |to_vet: &ToVet| {
            let item = &to_vet.item;
            let prompt = &prompts[&item.domain];
            let message = user_message(item, computed.get(&to_vet.item_id), &to_vet.knowledge);
            let params = ctx.params(&prompt.text, message, DEFAULT_MAX_TOKENS);
            let (schema, provider) = (&schema, &provider);
            async move {
                let exchange = chat_structured(ctx.client, params, schema, ctx.cancel).await;
                let mut outcome = Outcome::new(
                    item.external_id.clone(),
                    prompt.version.clone(),
                    exchange,
                    ctx.options.stream,
                    |reply| parse_reply(provider, reply, check),
                );
                outcome.item_id = Some(to_vet.item_id);
                outcome.knowledge = to_vet.knowledge.record();
                outcome
            }
        },
        |tx, to_vet, output: VetOutput, call_id| {
            let suggestion = Suggestion {
                verdict: output.verdict,
                reasons: distinct(output.reasons),
                risk: output.risk,
            };
            persist(tx, to_vet, suggestion, call_id)
        },
    )
    .await
}

/// Up to `limit` items in queue order; items this agent already vetted are skipped (and
/// counted) unless `revet`, and so are comparisons: the vetting prompt judges one answer, and a
/// comparison's judgement is the reviewer's pick among several.
fn select(
    store: &Store,
    agent: &str,
    selection: VetSelection,
) -> Result<(Vec<(i64, Item)>, usize)> {
    let mut chosen = Vec::new();
    let mut skipped = 0;
    let mut after = None;
    while chosen.len() < selection.limit {
        let page = store.queue_page(&selection.filter, after, 200)?;
        for entry in &page.entries {
            if chosen.len() == selection.limit {
                break;
            }
            if entry.kind == ItemKind::Comparison {
                skipped += 1;
                continue;
            }
            let item = store.item(&entry.external_id)?;
            if !selection.revet && item.vetting.as_ref().is_some_and(|v| v.model == agent) {
                skipped += 1;
            } else {
                chosen.push((entry.id, item));
            }
        }
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok((chosen, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_reasons_are_kept_once_in_their_first_order() {
        let given = ["policy", "secret", "policy", "unsupported_claim", "secret"].map(String::from);
        assert_eq!(
            distinct(given.to_vec()),
            ["policy", "secret", "unsupported_claim"].map(String::from)
        );
    }
}
