//! The relate role ranking discovery's candidates (`vetted relate --rank`). Discovery proposes
//! relationships without a model (`crate::discovery`); this is the layer above it. For each pair
//! of products with pending discovered candidates, one call shows the model both products (fields
//! and sample rows) and the numbered candidates — mapping, what proposed them, and the figures
//! computed from the data where it was read — and asks for:
//!
//! - a confidence and a rationale for **every** candidate, stored as the item's assessment
//!   (`crate::store::record_assessment`), which the reviewer sees and the "most likely first"
//!   queue order ranks by; never a decision;
//! - at most two relationships of its own, queued like `relate`'s.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Role;
use super::prompts::{Template, prompts_by_domain, run_version};
use super::relate::{
    Candidate, GeneratedBy, ProductPair, candidates_schema, check_candidates, queue_candidate,
};
use super::run::{Outcome, RunContext, RunSummary, Written, execute};
use super::vet::{ComputedFigures, computed_figures};
use crate::discovery::DISCOVERY_MODEL;
use crate::domain::{
    Assessment, Cardinality, FieldPair, Item, ItemBody, ItemKind, ItemStatus, RelationshipBody,
};
use crate::error::Result;
use crate::llm::OutputSchema;
use crate::llm::structured::{chat_structured, parse_reply};
use crate::store::{QueueFilter, RunLabel, Store, record_assessment};

/// Relationships the model may add per pair.
const MAX_OWN_CANDIDATES: usize = 2;

/// Which candidates to rank: pending relationship items discovery queued, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankSelection {
    /// The candidates' domain.
    pub domain: String,
    /// At most this many candidates per run.
    pub limit: usize,
    /// Rank again candidates this model already ranked.
    pub again: bool,
}

/// The discovered candidates between one pair of products, ranked in one call.
#[derive(Debug)]
struct PairToRank {
    pair: ProductPair,
    /// Row id and body of each candidate, numbered from 1 in this order in the prompt.
    candidates: Vec<(i64, RelationshipBody)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ranking {
    judgements: Vec<Judgement>,
    candidates: Vec<Candidate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Judgement {
    candidate: usize,
    confidence: f64,
    rationale: String,
}

/// The JSON the model must answer with.
pub fn output_schema() -> OutputSchema {
    OutputSchema {
        name: "relationship_ranking",
        schema: serde_json::json!({
            "type": "object",
            "properties": {
                "judgements": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "candidate": {"type": "integer", "minimum": 1},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "rationale": {"type": "string"},
                    },
                    "required": ["candidate", "confidence", "rationale"],
                    "additionalProperties": false}},
                "candidates": candidates_schema(MAX_OWN_CANDIDATES),
            },
            "required": ["judgements", "candidates"],
            "additionalProperties": false,
        }),
    }
}

/// Every numbered candidate is judged exactly once, with a confidence in 0..1 and a rationale;
/// the model's own candidates map existing fields.
fn check(to_rank: &PairToRank, out: &Ranking) -> std::result::Result<(), String> {
    let n = to_rank.candidates.len();
    let mut judged = vec![false; n];
    for j in &out.judgements {
        let Some(seen) = j.candidate.checked_sub(1).and_then(|i| judged.get_mut(i)) else {
            return Err(format!(
                "judged candidate {}, but the candidates are numbered 1 to {n}",
                j.candidate
            ));
        };
        if std::mem::replace(seen, true) {
            return Err(format!("candidate {} is judged twice", j.candidate));
        }
        if !(0.0..=1.0).contains(&j.confidence) {
            return Err(format!(
                "candidate {}: confidence {} is outside 0..1",
                j.candidate, j.confidence
            ));
        }
        if j.rationale.trim().is_empty() {
            return Err(format!("candidate {}: the rationale is empty", j.candidate));
        }
    }
    if let Some(missing) = judged.iter().position(|seen| !seen) {
        return Err(format!("candidate {} is not judged", missing + 1));
    }
    if out.candidates.len() > MAX_OWN_CANDIDATES {
        return Err(format!(
            "{} candidates of its own; at most {MAX_OWN_CANDIDATES} are asked for",
            out.candidates.len()
        ));
    }
    check_candidates(&to_rank.pair, &out.candidates)
}

/// One numbered candidate as the prompt shows it.
#[derive(Serialize)]
struct Shown<'a> {
    candidate: usize,
    mapping: &'a [FieldPair],
    cardinality: Cardinality,
    found_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    computed: Option<&'a ComputedFigures>,
}

/// The user message: both products, then the numbered candidates.
fn user_message(to_rank: &PairToRank, computed: &HashMap<i64, ComputedFigures>) -> String {
    let shown: Vec<Shown<'_>> = to_rank
        .candidates
        .iter()
        .enumerate()
        .map(|(i, (id, body))| Shown {
            candidate: i + 1,
            mapping: &body.relation.mapping,
            cardinality: body.relation.cardinality,
            found_by: &body.rationale,
            computed: computed.get(id),
        })
        .collect();
    format!(
        "Source product:\n{}\n\nTarget product:\n{}\n\nCandidates:\n{}",
        pretty(&to_rank.pair.source),
        pretty(&to_rank.pair.target),
        pretty(&shown)
    )
}

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("prompt parts serialize")
}

/// Ranks the selected discovered candidates, pair by pair, and queues the model's own.
pub async fn rank(
    store: &mut Store,
    ctx: &RunContext<'_>,
    selection: RankSelection,
) -> Result<RunSummary> {
    let agent = ctx.client.provider().model.clone();
    let Selected {
        items,
        ranked_before,
    } = select(store, &agent, &selection)?;
    let computed = computed_figures(store, items.iter().map(|(id, item)| (*id, item)))?;
    let pairs = group_by_pair(items);
    // Pairs whose every selected candidate this model already ranked: not run.
    let skipped = ranked_before
        .iter()
        .filter(|key| !pairs.iter().any(|p| &p.key() == *key))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let prompts = prompts_by_domain(
        store,
        Template::Rank,
        pairs.iter().map(|p| p.pair.domain.as_str()),
        ctx.options.prompt_dir.as_deref(),
    )?;
    let label = RunLabel {
        role: Role::Relate,
        provider: ctx.client.provider().name.clone(),
        model: agent.clone(),
        prompt_version: run_version(Template::Rank, prompts.values()),
    };
    let provider = label.provider.clone();
    let schema = output_schema();
    execute(
        store,
        ctx,
        label,
        &pairs,
        skipped,
        |to_rank: &PairToRank| {
            let prompt = &prompts[&to_rank.pair.domain];
            // About 100 tokens per judgement, and room for the model's own candidates.
            let max_tokens = 300 + 120 * to_rank.candidates.len() as u32;
            let message = user_message(to_rank, &computed);
            let params = ctx.params(&prompt.text, message, max_tokens.min(4000));
            let (schema, provider) = (&schema, &provider);
            async move {
                let exchange = chat_structured(ctx.client, params, schema, ctx.cancel).await;
                Outcome::new(
                    format!(
                        "{}|{}",
                        to_rank.pair.source.product, to_rank.pair.target.product
                    ),
                    prompt.version.clone(),
                    exchange,
                    ctx.options.stream,
                    |reply| parse_reply(provider, reply, |r| check(to_rank, r)),
                )
            }
        },
        |tx, to_rank, ranking: Ranking, call_id| {
            for j in &ranking.judgements {
                let (item_id, _) = &to_rank.candidates[j.candidate - 1];
                let assessment = Assessment {
                    model: agent.clone(),
                    confidence: j.confidence,
                    rationale: j.rationale.trim().to_owned(),
                };
                record_assessment(tx, *item_id, call_id, &assessment)?;
            }
            let generated_by = GeneratedBy {
                model: &agent,
                provider: &provider,
                prompt_version: &prompts[&to_rank.pair.domain].version,
                call_id,
            };
            let mut queued = 0;
            for own in ranking.candidates {
                let given = (to_rank.candidates.iter())
                    .any(|(_, body)| body.relation.mapping == own.mapping);
                if !given {
                    queued += usize::from(queue_candidate(tx, &to_rank.pair, own, &generated_by)?);
                }
            }
            Ok(Written {
                item_id: None,
                items: ranking.judgements.len() + queued,
            })
        },
    )
    .await
}

/// Domain, source product and target product: candidates with the same key share a call.
type PairKey = (String, String, String);

fn pair_key(domain: &str, body: &RelationshipBody) -> PairKey {
    (
        domain.to_owned(),
        body.source.product.clone(),
        body.target.product.clone(),
    )
}

impl PairToRank {
    fn key(&self) -> PairKey {
        (
            self.pair.domain.clone(),
            self.pair.source.product.clone(),
            self.pair.target.product.clone(),
        )
    }
}

/// What a run takes: candidates with their row ids, and the pair of each candidate skipped as
/// already ranked by this agent.
struct Selected {
    items: Vec<(i64, Item)>,
    ranked_before: Vec<PairKey>,
}

/// Up to `limit` pending discovered candidates in queue order; those this agent already ranked
/// are skipped unless `again`.
fn select(store: &Store, agent: &str, selection: &RankSelection) -> Result<Selected> {
    let filter = QueueFilter {
        status: Some(ItemStatus::Pending),
        kind: Some(ItemKind::Relationship),
        model: Some(DISCOVERY_MODEL.to_owned()),
        domain: Some(selection.domain.clone()),
        ..QueueFilter::default()
    };
    let mut chosen = Vec::new();
    let mut skipped = Vec::new();
    let mut after = None;
    while chosen.len() < selection.limit {
        let page = store.queue_page(&filter, after, 200)?;
        for entry in &page.entries {
            if chosen.len() == selection.limit {
                break;
            }
            let item = store.item(&entry.external_id)?;
            let ranked = item.assessment.as_ref().is_some_and(|a| a.model == agent);
            if let (true, false, ItemBody::Relationship(body)) =
                (ranked, selection.again, &item.body)
            {
                skipped.push(pair_key(&item.domain, body));
            } else {
                chosen.push((entry.id, item));
            }
        }
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(Selected {
        items: chosen,
        ranked_before: skipped,
    })
}

/// The candidates grouped by domain, source and target product, in order of first appearance.
fn group_by_pair(items: Vec<(i64, Item)>) -> Vec<PairToRank> {
    let mut pairs: Vec<PairToRank> = Vec::new();
    let mut index: HashMap<PairKey, usize> = HashMap::new();
    for (id, item) in items {
        let ItemBody::Relationship(body) = item.body else {
            continue;
        };
        let at = *index
            .entry(pair_key(&item.domain, &body))
            .or_insert_with(|| {
                pairs.push(PairToRank {
                    pair: ProductPair {
                        domain: item.domain.clone(),
                        source: body.source.clone(),
                        target: body.target.clone(),
                    },
                    candidates: Vec::new(),
                });
                pairs.len() - 1
            });
        pairs[at].candidates.push((id, body));
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, ProductSide, Relation};

    fn side(product: &str, field: &str) -> ProductSide {
        ProductSide {
            product: product.to_owned(),
            fields: vec![Field {
                name: field.to_owned(),
                field_type: "INTEGER".to_owned(),
            }],
            sample_rows: Vec::new(),
        }
    }

    /// Two candidates from `orders.customer_id` to `customers.id`.
    fn two_candidates() -> PairToRank {
        let body = RelationshipBody {
            source: side("orders", "customer_id"),
            target: side("customers", "id"),
            relation: Relation {
                relation_type: "foreign_key".to_owned(),
                cardinality: Cardinality::ManyToOne,
                mapping: vec![FieldPair {
                    source_field: "customer_id".to_owned(),
                    target_field: "id".to_owned(),
                }],
            },
            rationale: "names".to_owned(),
            confidence: Some(0.9),
        };
        PairToRank {
            pair: ProductPair {
                domain: "data".to_owned(),
                source: body.source.clone(),
                target: body.target.clone(),
            },
            candidates: vec![(1, body.clone()), (2, body)],
        }
    }

    fn ranking(judgements: serde_json::Value) -> Ranking {
        serde_json::from_value(serde_json::json!({"judgements": judgements, "candidates": []}))
            .unwrap()
    }

    #[test]
    fn every_candidate_is_judged_exactly_once_within_range() {
        let pair = two_candidates();
        let judged = |c: usize, confidence: f64| serde_json::json!({"candidate": c, "confidence": confidence, "rationale": "why"});
        let cases = [
            (vec![judged(1, 0.9), judged(2, 0.1)], None),
            (vec![judged(2, 0.1), judged(1, 0.9)], None),
            (vec![judged(1, 0.9)], Some("candidate 2 is not judged")),
            (
                vec![judged(1, 0.9), judged(1, 0.8), judged(2, 0.1)],
                Some("candidate 1 is judged twice"),
            ),
            (
                vec![judged(0, 0.9), judged(2, 0.1)],
                Some("judged candidate 0, but the candidates are numbered 1 to 2"),
            ),
            (
                vec![judged(1, 0.9), judged(3, 0.1)],
                Some("judged candidate 3"),
            ),
            (
                vec![judged(1, 1.5), judged(2, 0.1)],
                Some("confidence 1.5 is outside 0..1"),
            ),
        ];
        for (judgements, refused) in cases {
            let result = check(&pair, &ranking(serde_json::json!(judgements)));
            match refused {
                None => assert_eq!(result, Ok(()), "{judgements:?}"),
                Some(why) => assert!(
                    result.as_ref().is_err_and(|e| e.contains(why)),
                    "{judgements:?} is refused with '{why}': {result:?}"
                ),
            }
        }
    }
}
