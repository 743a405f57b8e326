//! The answering role: question + evidence passages → an answer item in the queue, recorded
//! with the model, the prompt version, the usage and the cost of the call that wrote it. With
//! `samples` N > 1, N answers to each question → one comparison item, its candidates in the
//! order the calls were made; each call is recorded and linked to the item.
//!
//! Input (`--questions FILE.jsonl`), one object per line:
//! `{"id": "q-1", "domain": "finance", "question": "…", "evidence": [{"id", "title", "text", "source"}]}`.
//! A question whose id is already an item is skipped, so a rerun only pays for what is missing
//! (a question some of whose samples failed has no item, and is asked again whole).

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use rusqlite::OptionalExtension;
use serde::Deserialize;

use super::Role;
use super::knowledge::{Knowledge, KnowledgeOptions, Subject};
use super::prompts::{Template, prompts_by_domain, run_version};
use super::run::{Outcome, RunContext, RunSummary, Written, execute};
use crate::content_hash::content_hash;
use crate::domain::{
    AnswerBody, CANDIDATES, Candidate, ComparisonBody, Evidence, ItemBody, ItemKind,
};
use crate::error::{Error, InvalidInput, MAX_LISTED_PROBLEMS, Result};
use crate::llm::OutputMode;
use crate::store::{Inserted, NewItem, RunLabel, Store, insert_item, now_text};

const DEFAULT_MAX_TOKENS: u32 = 256;

/// The sampling temperature of `samples` > 1 when the run sets none: the same prompt at a
/// server's default (often 0 for local servers) would give the same answer N times.
const SAMPLE_TEMPERATURE: f32 = 0.8;

/// One question to answer from its evidence.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub domain: String,
    pub question: String,
    pub evidence: Vec<Evidence>,
}

/// Reads a questions file. All or nothing: every problem is reported as `FILE:LINE: problem`.
pub fn read_questions(path: &Path) -> Result<Vec<Question>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut questions: Vec<Question> = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), index + 1);
        match serde_json::from_str::<Question>(&line) {
            Err(e) => problems.push(format!("{at}: {e}")),
            Ok(q)
                if [&q.id, &q.domain, &q.question]
                    .iter()
                    .any(|t| t.trim().is_empty()) =>
            {
                problems.push(format!("{at}: id, domain and question must not be empty"));
            }
            Ok(q) if q.evidence.is_empty() => {
                problems.push(format!("{at}: needs at least one evidence passage"));
            }
            Ok(q) if questions.iter().any(|seen| seen.id == q.id) => {
                problems.push(format!("{at}: id '{}' appears twice", q.id));
            }
            Ok(q) => questions.push(q),
        }
    }
    if questions.is_empty() && problems.is_empty() {
        problems.push(format!("{}: no questions in the file", path.display()));
    }
    if problems.is_empty() {
        return Ok(questions);
    }
    Err(Error::Invalid(InvalidInput {
        total: problems.len(),
        problems: problems.into_iter().take(MAX_LISTED_PROBLEMS).collect(),
    }))
}

/// Answers each question not yet in the store and queues the answers as items: one answer
/// item per question, or with `samples` of 2–4 one comparison item of that many answers. Each
/// prompt carries what `knowledge` asks for: the domain's guidelines, reviewed answers to
/// similar questions.
pub async fn generate(
    store: &mut Store,
    ctx: &RunContext<'_>,
    questions: Vec<Question>,
    knowledge: KnowledgeOptions,
    samples: usize,
) -> Result<RunSummary> {
    if samples != 1 && !CANDIDATES.contains(&samples) {
        return Err(Error::BadRequest(format!(
            "--samples {samples}: 1 answers each question once; a comparison takes {} to {} \
             samples",
            CANDIDATES.start(),
            CANDIDATES.end()
        )));
    }
    // Samples are gathered per question id, so ids must be distinct (`read_questions` checks
    // files; this checks callers of the library).
    let mut ids = HashSet::new();
    if let Some(twice) = questions.iter().find(|q| !ids.insert(q.id.as_str())) {
        return Err(Error::BadRequest(format!(
            "question id '{}' appears twice",
            twice.id
        )));
    }
    let provider = ctx.client.provider();
    let total = questions.len();
    let mut todo = Vec::new();
    for q in questions {
        let present: Option<i64> = store
            .conn()
            .query_row(
                "SELECT id FROM items WHERE external_id = ?1",
                [&q.id],
                |r| r.get(0),
            )
            .optional()?;
        if present.is_none() {
            let subject = Subject {
                domain: &q.domain,
                kind: ItemKind::Answer,
                text: &q.question,
            };
            let known = Knowledge::for_subject(
                store,
                knowledge.variant,
                subject,
                knowledge.examples,
                &HashSet::new(),
            )?;
            todo.push((q, known));
        }
    }
    let skipped = total - todo.len();
    // One call per sample: (question, knowledge, sample number from 0).
    let calls: Vec<(&Question, &Knowledge, usize)> = (todo.iter())
        .flat_map(|(q, known)| (0..samples).map(move |n| (q, known, n)))
        .collect();
    let prompts = prompts_by_domain(
        store,
        Template::Generate,
        todo.iter().map(|(q, _)| q.domain.as_str()),
        ctx.options.prompt_dir.as_deref(),
    )?;
    let label = RunLabel {
        role: Role::Generate,
        provider: provider.name.clone(),
        model: provider.model.clone(),
        prompt_version: run_version(Template::Generate, prompts.values()),
    };
    let model = label.model.clone();
    // Answers of a comparison's samples so far, with their calls, until the last arrives.
    let mut sampled: HashMap<&str, Vec<(usize, String, i64)>> = HashMap::new();
    execute(
        store,
        ctx,
        label,
        &calls,
        skipped * samples,
        |&(q, known, sample): &(&Question, &Knowledge, usize)| {
            let prompt = &prompts[&q.domain];
            let message = format!("{}{}", known.sections(&q.domain), user_message(q));
            let mut params = ctx.params(&prompt.text, message, DEFAULT_MAX_TOKENS);
            if samples > 1 {
                params.temperature = params.temperature.or(Some(SAMPLE_TEMPERATURE));
            }
            let subject = match samples {
                1 => q.id.clone(),
                _ => format!("{}#{}", q.id, sample + 1),
            };
            async move {
                let exchange = ctx.client.chat(&params, ctx.cancel).await;
                let mut outcome = Outcome::new(
                    subject,
                    prompt.version.clone(),
                    (exchange, OutputMode::Text),
                    ctx.options.stream,
                    |reply| match reply.finish_reason.as_deref() {
                        Some("length") => Err(Error::LlmTruncated {
                            provider: provider.name.clone(),
                        }),
                        _ if reply.content.trim().is_empty() => Err(Error::LlmBadOutput {
                            provider: provider.name.clone(),
                            message: "the answer is empty".to_owned(),
                        }),
                        _ => Ok((reply.content.trim().to_owned(), prompt.version.clone())),
                    },
                );
                outcome.knowledge = known.record();
                outcome
            }
        },
        |tx, &(q, _, sample), (answer, prompt_version): (String, String), call_id| {
            // The calls of a comparison's samples, linked to the item once it is written.
            let mut sample_calls = Vec::new();
            let body = if samples == 1 {
                ItemBody::Answer(AnswerBody {
                    question: q.question.clone(),
                    answer,
                    evidence: q.evidence.clone(),
                })
            } else {
                let answers = sampled.entry(&q.id).or_default();
                answers.push((sample, answer, call_id));
                if answers.len() < samples {
                    return Ok(Written {
                        item_id: None,
                        items: 0,
                    });
                }
                let mut answers = sampled.remove(q.id.as_str()).unwrap_or_default();
                answers.sort_by_key(|(sample, ..)| *sample);
                sample_calls = answers.iter().map(|(.., call)| *call).collect();
                ItemBody::Comparison(ComparisonBody {
                    question: q.question.clone(),
                    candidates: (answers.into_iter())
                        .map(|(_, answer, _)| Candidate {
                            model: model.clone(),
                            answer,
                        })
                        .collect(),
                    evidence: q.evidence.clone(),
                })
            };
            let item = NewItem {
                content_hash: content_hash(&q.domain, &model, &body),
                external_id: q.id.clone(),
                domain: q.domain.clone(),
                model: model.clone(),
                body,
                vetting: None,
                metadata: match sample_calls.as_slice() {
                    [] => serde_json::json!({
                        "generated_by": {"provider": provider.name,
                                         "prompt_version": prompt_version, "llm_call": call_id}
                    }),
                    calls => serde_json::json!({
                        "generated_by": {"provider": provider.name,
                                         "prompt_version": prompt_version, "llm_calls": calls}
                    }),
                },
            };
            if insert_item(tx, &item, None, &now_text())? == Inserted::Clash {
                return Err(Error::BadRequest(format!(
                    "an item '{}' was added with different content while this run was answering it",
                    q.id
                )));
            }
            let item_id: i64 = tx.query_row(
                "SELECT id FROM items WHERE external_id = ?1",
                [&q.id],
                |r| r.get(0),
            )?;
            for call in sample_calls {
                tx.execute(
                    "UPDATE llm_calls SET item_id = ?1 WHERE id = ?2",
                    [item_id, call],
                )?;
            }
            Ok(Written {
                item_id: Some(item_id),
                items: 1,
            })
        },
    )
    .await
}

fn user_message(q: &Question) -> String {
    let mut text = format!("Question: {}\n\nEvidence:\n", q.question);
    for e in &q.evidence {
        text.push_str(&format!("[{}] {}\n{}\n\n", e.id, e.title, e.text));
    }
    text
}
