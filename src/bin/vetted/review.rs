//! `queue`, `decide`, `show` and `stats`.

use std::path::PathBuf;

use vetted::claims::{Claim, ClaimCheck, parse_cli_claims};
use vetted::domain::{
    Action, Decision, DecisionInput, EditedContent, Feedback, Item, ItemBody, NOT_RELATED, Pick,
    QueueEntry, Relation,
};
use vetted::privacy::{self, Findings, Sensitive, SensitivePlace};
use vetted::relation_evidence::RelationshipEvidence;
use vetted::review_form::{FormAnswers, parse_cli_answer};
use vetted::store::{CostTotals, GivenAnswer, QueueFilter, RecordedClaims, ReviewForm};
use vetted::team_server::TeamServer;
use vetted::vetter_agreement::Agreement;
use vetted::{Error, Result, Store, reviewer};

use crate::evidence_view::print_evidence;
use crate::output::{one_line, print_json};

pub fn queue(store: &Store, filter: &QueueFilter, limit: u32, json: bool) -> Result<()> {
    let page = store.queue_page(filter, None, limit)?;
    if json {
        print_json(&page.entries);
    } else {
        print_queue_entries(&page.entries);
    }
    Ok(())
}

/// One line per entry: id, kind, status, title.
pub fn print_queue_entries(entries: &[QueueEntry]) {
    for e in entries {
        println!(
            "{:<24} {:<12} {:<9} {:<5} {}",
            e.external_id,
            enum_name(&e.kind),
            enum_name(&e.status),
            e.verdict.as_ref().map_or("-".into(), enum_name),
            one_line(&e.title, 74)
        );
    }
}

/// What the reviewer corrects in an `edit`.
pub enum Correction {
    Answer(String),
    /// A JSON file holding a [`Relation`].
    RelationFile(PathBuf),
    /// The proposal's mapping, retyped `not_related`.
    NotRelated,
    /// The answer as shown (the latest edit, else the model's), with every finding of the
    /// privacy screen replaced by its typed placeholder.
    Redacted,
}

pub struct DecisionArgs {
    pub item: String,
    pub action: Action,
    pub correction: Option<Correction>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub reviewer: Option<String>,
    /// Record an adjudicator's final decision.
    pub adjudicate: bool,
    /// Also exclude the item from training exports.
    pub do_not_train: bool,
    /// Answers to the domain's review form, `QUESTION=VALUE`.
    pub form: Vec<String>,
    /// Verdicts on the answer's claims, `N=VERDICT[@LINK]`.
    pub claims: Vec<String>,
    /// A comparison's best candidate (`1`–`4`) or `tie` for an approve; for an edit, the
    /// candidate the new answer starts from.
    pub pick: Option<String>,
}

pub fn decide(store: &mut Store, args: DecisionArgs) -> Result<()> {
    let DecisionArgs {
        item,
        action,
        correction,
        reason,
        note,
        reviewer,
        adjudicate,
        do_not_train,
        form,
        claims,
        pick,
    } = args;
    let reviewer = reviewer::session_reviewer(store, reviewer)?;
    let current = store.item_shown(&item)?;
    let pick = pick.as_deref().map(parse_cli_pick).transpose()?;
    if pick.is_some() && !matches!(current.body, ItemBody::Comparison(_)) {
        return Err(Error::BadRequest(format!(
            "--pick: '{item}' is not a comparison; only a comparison's candidates are picked"
        )));
    }
    let edited = edit_of(&current, action, correction, pick)?;
    let input = DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item,
        item_version: current.version,
        reviewer: reviewer.clone(),
        action,
        edited,
        // Other actions keep their reason as given, as before: only a reject's is checked.
        reason: match (action, reason) {
            (Action::Reject, Some(reason)) => Some(store.reject_reason_id(&reason)?),
            (_, reason) => reason,
        },
        note,
    };
    let form_in_force = match form.is_empty() {
        true => None,
        false => store.review_form(&current.domain)?,
    };
    let (answers, claims) = cli_feedback(&current, form_in_force, &form, &claims, adjudicate)?;
    // An edit's --pick names the candidate it started from, which its content carries.
    let pick = pick.filter(|_| action != Action::Edit);
    let decision = if adjudicate {
        store.adjudicate(&input, pick)?
    } else {
        let feedback = Feedback {
            answers,
            claims,
            pick,
        };
        store.decide_with(&input, &feedback)?
    };
    println!(
        "{}: {} by {} (decision {})",
        decision.item,
        enum_name(&decision.action),
        decision.reviewer,
        decision.id
    );
    if do_not_train {
        // After the decision, so a refused decision leaves the flag as it was.
        set_do_not_train(store, &decision.item, Some(reviewer), true)?;
    }
    Ok(())
}

/// The form answers (`form`: `QUESTION=VALUE`) and claim verdicts (`claims`:
/// `N=VERDICT[@LINK]`) given on the command line with a decision on `item`, whose domain's form
/// in force is `form_in_force` (read only when answers are given).
pub fn cli_feedback(
    item: &Item,
    form_in_force: Option<ReviewForm>,
    form: &[String],
    claims: &[String],
    adjudicate: bool,
) -> Result<(FormAnswers, Vec<ClaimCheck>)> {
    if adjudicate && !(form.is_empty() && claims.is_empty()) {
        return Err(Error::BadRequest(
            "--form and --claim go with a review, not with --adjudicate".into(),
        ));
    }
    let questions = form_in_force.map(|f| f.questions).unwrap_or_default();
    if !form.is_empty() && questions.is_empty() {
        return Err(Error::BadRequest(format!(
            "--form: domain '{}' has no review form (see `vetted forms set`)",
            item.domain
        )));
    }
    let answers = form
        .iter()
        .map(|spec| parse_cli_answer(&questions, spec))
        .collect::<Result<FormAnswers>>()?;
    let claims = match &item.body {
        ItemBody::Answer(answer) => parse_cli_claims(claims, &item.claims, &answer.evidence)?,
        _ if !claims.is_empty() => {
            return Err(Error::BadRequest(
                "--claim: only an answer has claims; claims are checked on answers".into(),
            ));
        }
        _ => Vec::new(),
    };
    Ok((answers, claims))
}

/// Sets or clears an item's do-not-train flag (the app's checkbox).
pub fn set_do_not_train(
    store: &mut Store,
    item: &str,
    reviewer: Option<String>,
    flag: bool,
) -> Result<()> {
    let reviewer = reviewer::session_reviewer(store, reviewer)?;
    store.set_do_not_train(item, &reviewer, flag)?;
    if flag {
        println!("{item}: left out of training exports (marked by {reviewer})");
    } else {
        println!("{item}: back in training exports");
    }
    Ok(())
}

/// A recorded pick in words, candidates numbered as shown.
pub fn pick_text(pick: Pick) -> String {
    match pick {
        Pick::Best(n) => format!("picked candidate {} as the best", n + 1),
        Pick::Tie => "judged the candidates a tie".into(),
    }
}

/// `--pick`: a candidate as shown (`1`–`4`) or `tie`.
pub fn parse_cli_pick(text: &str) -> Result<Pick> {
    match text.trim() {
        "tie" | "=" => Ok(Pick::Tie),
        n => match n.parse::<u8>() {
            Ok(n @ 1..=4) => Ok(Pick::Best(n - 1)),
            _ => Err(Error::BadRequest(format!(
                "--pick {text}: expected a candidate number 1–4 or `tie`"
            ))),
        },
    }
}

/// What an `action` on `current` with `correction` edits: only an edit corrects, and it must.
pub fn edit_of(
    current: &Item,
    action: Action,
    correction: Option<Correction>,
    pick: Option<Pick>,
) -> Result<Option<EditedContent>> {
    match (action, correction) {
        (Action::Edit, Some(correction)) => edited_content(current, correction, pick).map(Some),
        (Action::Edit, None) => Err(Error::BadRequest(
            "edit needs --answer TEXT, --answer-file FILE, --redact, --relation-file FILE or --not-related"
                .into(),
        )),
        (_, Some(_)) => Err(Error::BadRequest(
            "--answer, --answer-file, --redact, --relation-file and --not-related only go with edit"
                .into(),
        )),
        (_, None) => Ok(None),
    }
}

/// The correction `decide`'s options name, if any (an answer file first).
pub fn correction(
    answer: Option<String>,
    answer_file: Option<PathBuf>,
    relation_file: Option<PathBuf>,
    not_related: bool,
    redact: bool,
) -> Result<Option<Correction>> {
    Ok(match (answer_file, answer, relation_file) {
        (Some(f), _, _) => Some(Correction::Answer(
            std::fs::read_to_string(&f).map_err(|e| Error::io(f, e))?,
        )),
        (None, Some(answer), _) => Some(Correction::Answer(answer)),
        (None, None, Some(f)) => Some(Correction::RelationFile(f)),
        (None, None, None) if not_related => Some(Correction::NotRelated),
        (None, None, None) if redact => Some(Correction::Redacted),
        (None, None, None) => None,
    })
}

fn edited_content(
    item: &Item,
    correction: Correction,
    pick: Option<Pick>,
) -> Result<EditedContent> {
    let relation = match (correction, &item.body) {
        (Correction::Answer(answer), ItemBody::Answer(_)) => {
            return Ok(EditedContent::Answer { answer });
        }
        (Correction::Answer(answer), ItemBody::Comparison(_)) => {
            return match pick {
                Some(Pick::Best(based_on)) => Ok(EditedContent::Comparison { answer, based_on }),
                _ => Err(Error::BadRequest(format!(
                    "'{}' is a comparison: an edit names the candidate it starts from, \
                     --pick 1–4",
                    item.external_id
                ))),
            };
        }
        (
            Correction::Redacted | Correction::RelationFile(_) | Correction::NotRelated,
            ItemBody::Comparison(_),
        ) => {
            return Err(Error::BadRequest(format!(
                "'{}' is a comparison; edit it with --answer or --answer-file and --pick N",
                item.external_id
            )));
        }
        (Correction::Redacted, ItemBody::Answer(body)) => {
            let shown = match &item.latest_edit {
                Some(EditedContent::Answer { answer }) => answer,
                _ => &body.answer,
            };
            let mut findings = Findings::default();
            let answer = privacy::redact(shown, &mut findings).into_owned();
            if findings.is_empty() {
                return Err(Error::BadRequest(format!(
                    "{}: the privacy screen finds nothing to redact in the answer",
                    item.external_id
                )));
            }
            return Ok(EditedContent::Answer { answer });
        }
        (Correction::RelationFile(path), ItemBody::Relationship(_)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            serde_json::from_str::<Relation>(&text).map_err(|e| {
                Error::BadRequest(format!("{}: not a relation: {e}", path.display()))
            })?
        }
        (Correction::NotRelated, ItemBody::Relationship(body)) => Relation {
            relation_type: NOT_RELATED.to_owned(),
            ..body.relation.clone()
        },
        (Correction::Answer(_) | Correction::Redacted, _) => {
            return Err(Error::BadRequest(format!(
                "'{}' is a relationship item; edit it with --relation-file or --not-related",
                item.external_id
            )));
        }
        (_, _) => {
            return Err(Error::BadRequest(format!(
                "'{}' is an answer item; edit it with --answer, --answer-file or --redact",
                item.external_id
            )));
        }
    };
    Ok(EditedContent::Relationship { relation })
}

/// What `show` prints of an item, from either kind of database.
pub struct Shown {
    item: Item,
    /// The decisions the viewer may read, in log order.
    history: Vec<Decision>,
    evidence: Option<RelationshipEvidence>,
    costs: CostTotals,
    /// The answers and claim verdicts given with `history`.
    answers: Vec<GivenAnswer>,
    claim_checks: Vec<RecordedClaims>,
}

impl Shown {
    /// Item `id` of a local database, as `viewer` (default: the session reviewer) may read it.
    pub fn local(store: &Store, id: &str, viewer: Option<String>) -> Result<Shown> {
        let history = store.history_for(id, &reviewer::session_reviewer(store, viewer)?)?;
        // Answers of the decisions this reviewer may see.
        let seen = |decision: &str| history.iter().any(|d| d.id == decision);
        Ok(Shown {
            item: store.item_shown(id)?,
            evidence: store.relationship_evidence(id)?,
            costs: store.item_costs(id)?,
            answers: (store.form_answers(id)?.into_iter())
                .filter(|a| seen(&a.decision_id))
                .collect(),
            claim_checks: (store.claim_checks(id)?.into_iter())
                .filter(|c| seen(&c.decision_id))
                .collect(),
            history,
        })
    }

    /// Item `id` on the team server, as its login may read it, with the costs of the team's
    /// LLM calls about it.
    pub fn on_server(server: &mut TeamServer, id: &str) -> Result<Shown> {
        let history = server.history(id)?;
        let (answers, claim_checks) = server.feedback_given(&history)?;
        let item = server.item_shown(id)?;
        Ok(Shown {
            evidence: (server.evidence_inputs(&item)?)
                .map(|inputs| inputs.measure())
                .transpose()?,
            item,
            costs: server.item_costs(id)?,
            answers,
            claim_checks,
            history,
        })
    }
}

pub fn show(shown: Shown, json: bool) -> Result<()> {
    let Shown {
        item,
        history,
        evidence,
        costs,
        answers,
        claim_checks,
    } = shown;
    if json {
        print_json(&serde_json::json!({
            "item": item,
            "decisions": history,
            "form_answers": answers,
            "claim_checks": claim_checks,
            "evidence_computed": evidence,
            "llm": costs,
        }));
        return Ok(());
    }
    print_item(&item);
    if costs.calls > 0 {
        println!("\nLLM {costs}");
    }
    if let Some(evidence) = &evidence {
        print_evidence(evidence);
    }
    println!("\nDecisions:");
    if history.is_empty() {
        println!("  (none yet)");
    }
    for d in history {
        let detail = [d.reason, d.note, d.reverts.map(|r| format!("reverts {r}"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — ");
        println!(
            "  {}  {:<8} {:<16} {}",
            d.decided_at.format("%Y-%m-%d %H:%M:%S"),
            enum_name(&d.action),
            d.reviewer,
            detail
        );
        for a in answers.iter().filter(|a| a.decision_id == d.id) {
            println!(
                "      {} = {} (form v{})",
                a.question, a.value, a.form_version
            );
        }
        for recorded in claim_checks.iter().filter(|c| c.decision_id == d.id) {
            print_claim_checks(&recorded.claims);
        }
        if let Some(pick) = d.pick {
            println!("      {}", pick_text(pick));
        }
    }
    Ok(())
}

/// An answer's claims, numbered as `decide --claim N=…` takes them, with their hints.
fn print_claims(claims: &[Claim]) {
    if claims.is_empty() {
        return;
    }
    println!(
        "
Claims (`decide ITEM … --claim N=supported@hint` records a verdict):"
    );
    for (n, claim) in claims.iter().enumerate() {
        let hint = match &claim.hint {
            Some(span) => format!(
                "hint [{}:{}-{}] {}",
                span.passage,
                span.start,
                span.end,
                one_line(&span.text, 60)
            ),
            None => "no passage shares half its words".to_owned(),
        };
        println!(
            "  {:>2}. {}
      {hint}",
            n + 1,
            one_line(&claim.text, 100)
        );
    }
}

/// A decision's claim verdicts, one line each with the spans they link.
fn print_claim_checks(checks: &[ClaimCheck]) {
    for check in checks {
        let spans: Vec<String> = check
            .spans
            .iter()
            .map(|s| format!("[{}:{}-{}]", s.passage, s.start, s.end))
            .collect();
        println!(
            "      {:<13} {} {}",
            check.verdict.as_str(),
            one_line(&check.claim, 80),
            spans.join(" ")
        );
    }
}

/// The privacy screen's findings in what the item shows, one line each.
fn print_sensitive(found: &[Sensitive]) {
    if found.is_empty() {
        return;
    }
    println!(
        "\nPersonal data and secrets (`decide ITEM edit --redact` replaces an answer's; \
         `do-not-train ITEM` keeps the item out of training):"
    );
    for s in found {
        let place = match &s.place {
            SensitivePlace::Question => "question".to_owned(),
            SensitivePlace::Answer => "answer".to_owned(),
            SensitivePlace::Candidate { candidate } => format!("candidate {}", candidate + 1),
            SensitivePlace::Edit => "edited answer".to_owned(),
            SensitivePlace::Evidence { passage } => format!("evidence [{passage}]"),
            SensitivePlace::Sample { side, row, column } => {
                format!("{side} row {} {column}", row + 1)
            }
        };
        println!(
            "  {:<20} {:<20} {}",
            s.placeholder,
            place,
            one_line(&s.text, 60)
        );
    }
}

/// Vetter vs human per domain and vetting model (binarisation in `vetted::vetter_agreement`).
/// Prints the vetter's agreement with the reviewers (a local database's or a team server's).
pub fn vetter_stats(rows: Vec<Agreement>, json: bool) -> Result<()> {
    if json {
        print_json(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        println!("no decided item carries a vetting verdict yet");
    }
    for r in rows {
        let kappa = r.kappa.map_or("undefined".into(), |k| format!("{k:.3}"));
        println!(
            "{} · {}: {} items · agreement {:.1} % · kappa {kappa}",
            r.domain,
            r.vetter,
            r.items,
            100.0 * r.observed_agreement
        );
        println!(
            "  {:<6} {:>9} {:>7} {:>9}",
            "", "approved", "edited", "rejected"
        );
        for verdict in ["pass", "flag", "fail"] {
            let row = &r.matrix[verdict];
            println!(
                "  {verdict:<6} {:>9} {:>7} {:>9}",
                row["approved"], row["edited"], row["rejected"]
            );
        }
    }
    Ok(())
}

/// The serde spelling of a unit enum (`pending`, `N:1`, …), as in the JSON output.
pub fn enum_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn print_item(item: &Item) {
    println!(
        "{}  [{}]  {} · {}",
        item.external_id,
        enum_name(&item.status),
        item.domain,
        item.model
    );
    match &item.body {
        ItemBody::Comparison(c) => {
            println!("\nQuestion: {}", c.question);
            for (n, candidate) in c.candidates.iter().enumerate() {
                println!(
                    "Candidate {} ({}): {}",
                    n + 1,
                    candidate.model,
                    candidate.answer
                );
            }
            if let Some(EditedContent::Comparison { answer, based_on }) = &item.latest_edit {
                println!("Edited from candidate {}: {answer}", based_on + 1);
            }
            println!("\nEvidence:");
            for e in &c.evidence {
                println!("  [{}] {} ({})", e.id, e.title, e.source);
                println!("      {}", one_line(&e.text, 200));
            }
        }
        ItemBody::Answer(a) => {
            println!("\nQuestion: {}\nAnswer:   {}", a.question, a.answer);
            if let Some(EditedContent::Answer { answer }) = &item.latest_edit {
                println!("Edited:   {answer}");
            }
            println!("\nEvidence:");
            for e in &a.evidence {
                println!("  [{}] {} ({})", e.id, e.title, e.source);
                println!("      {}", one_line(&e.text, 200));
            }
        }
        ItemBody::Relationship(r) => {
            println!("\n{}", item.body.title());
            println!(
                "type {} · cardinality {} · confidence {}",
                r.relation.relation_type,
                enum_name(&r.relation.cardinality),
                r.confidence.map_or("-".into(), |c| format!("{c:.2}"))
            );
            println!("Rationale: {}", r.rationale);
            if let Some(EditedContent::Relationship { relation }) = &item.latest_edit {
                let pairs: Vec<String> = relation
                    .mapping
                    .iter()
                    .map(|p| format!("{} → {}", p.source_field, p.target_field))
                    .collect();
                println!(
                    "Edited:    type {} · cardinality {} · {}",
                    relation.relation_type,
                    relation.cardinality.as_str(),
                    pairs.join(", ")
                );
            }
        }
    }
    print_sensitive(&item.sensitive);
    print_claims(&item.claims);
    if let Some(v) = &item.vetting {
        println!(
            "\nVetting ({}): {} {}",
            v.model,
            enum_name(&v.verdict),
            v.reasons.join("; ")
        );
    }
}
