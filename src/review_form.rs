//! Review forms (rubrics): the questions a domain asks with every decision — ratings with a label
//! per point, yes/no, one choice, several labels, a number, a short text — and the rules an
//! answer must meet. Written in TOML (`vetted forms set DOMAIN FILE.toml`), stored as versions
//! (`store::review_forms`); every answer records the version it was given under.
//!
//! Invariants: a form has at least one question, ids are unique; an accepted answer has the
//! question's type and lies within its scale, options or bounds; a required question must be
//! answered with an approve, edit or reject (a needs-SME deferral may leave it open).

pub mod stats;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Action;
use crate::error::{Error, Result};

/// Longest accepted text answer when the question sets no limit, in characters.
pub const DEFAULT_MAX_TEXT_CHARS: u32 = 2000;

/// One question of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FormQuestion {
    /// Stable key of the answers (`[a-z0-9_]`, e.g. `correctness`).
    pub id: String,
    /// The question as the reviewer reads it.
    pub label: String,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// What a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum QuestionKind {
    /// A point on a 1..=`scale` scale (5 or 7), optionally with a label per point.
    Rating {
        scale: u8,
        #[serde(default)]
        labels: Vec<String>,
    },
    YesNo,
    SingleChoice {
        options: Vec<String>,
    },
    MultiLabel {
        options: Vec<String>,
    },
    Number {
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    Text {
        #[serde(default)]
        max_chars: Option<u32>,
    },
}

/// A form as written in its TOML file: `[[question]]` tables.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    #[serde(rename = "question", default)]
    questions: Vec<FormQuestion>,
}

/// A form to start from when a domain has none: one question of each common kind.
pub const EXAMPLE_FORM: &str = r#"# A review form: the questions asked with every decision in this domain.
# Types: rating (scale 5 or 7, optional labels), yes_no, single_choice and multi_label
# (2 to 9 options), number (optional min, max), text (optional max_chars).

[[question]]
id = "correctness"
label = "How correct is the answer?"
type = "rating"
scale = 5
labels = ["wrong", "mostly wrong", "partly right", "mostly right", "right"]
required = true

[[question]]
id = "cites_sources"
label = "Does it cite its sources?"
type = "yes_no"

[[question]]
id = "issues"
label = "Issues"
type = "multi_label"
options = ["hallucination", "outdated", "personal_data"]
"#;

/// `questions` as a form file's TOML; [`parse_form`] reads it back to the same questions.
pub fn form_toml(questions: &[FormQuestion]) -> String {
    toml::to_string(&FormFile {
        questions: questions.to_vec(),
    })
    .expect("a form serializes to TOML")
}

/// Reads and checks a form file; errors name the file, the line and the field.
pub fn read_form_file(path: &Path) -> Result<Vec<FormQuestion>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_form(&text).map_err(|problem| Error::BadRequest(format!("{}:{problem}", path.display())))
}

/// A form written in the app's editor: [`parse_form`], its problem as a `BadRequest` that
/// starts with `line N: ` when the place is known.
pub fn parse_form_text(text: &str) -> Result<Vec<FormQuestion>> {
    parse_form(text).map_err(|problem| {
        Error::BadRequest(match problem.split_once(": ") {
            Some((line, rest)) if line.chars().all(|c| c.is_ascii_digit()) => {
                format!("line {line}: {rest}")
            }
            _ => problem.trim().to_owned(),
        })
    })
}

/// Parses a form's TOML text; the error starts with `LINE: ` when the place is known.
pub fn parse_form(text: &str) -> std::result::Result<Vec<FormQuestion>, String> {
    let at_line = |e: toml::de::Error| {
        let line = e
            .span()
            .map(|span| text[..span.start].matches('\n').count() + 1);
        let message = e.message().trim().to_owned();
        match line {
            Some(line) => format!("{line}: {message}"),
            None => format!(" {message}"),
        }
    };
    let table: toml::Table = toml::from_str(text).map_err(at_line)?;
    check_keys(text, &table)?;
    let file: FormFile = toml::from_str(text).map_err(at_line)?;
    check_questions(&file.questions).map_err(|problem| format!(" {problem}"))?;
    Ok(file.questions)
}

/// Refuses a key the question's type does not take (a typo would otherwise be ignored), naming
/// its line.
fn check_keys(text: &str, table: &toml::Table) -> std::result::Result<(), String> {
    if let Some(key) = table.keys().find(|k| *k != "question") {
        return Err(format!(
            "{}: {key}: unknown; a form is a list of [[question]] tables",
            line_of_key(text, 0, key)
        ));
    }
    let questions = table.get("question").and_then(toml::Value::as_array);
    for (index, question) in questions.into_iter().flatten().enumerate() {
        let Some(question) = question.as_table() else {
            continue;
        };
        let own: &[&str] = match question.get("type").and_then(toml::Value::as_str) {
            Some("rating") => &["scale", "labels"],
            Some("single_choice" | "multi_label") => &["options"],
            Some("number") => &["min", "max"],
            Some("text") => &["max_chars"],
            _ => &[],
        };
        let allowed =
            |k: &str| ["id", "label", "required", "type"].contains(&k) || own.contains(&k);
        if let Some(key) = question.keys().find(|k| !allowed(k)) {
            return Err(format!(
                "{}: {key}: not a field of this question (its type takes: id, label, required, type{})",
                line_of_key(text, index + 1, key),
                own.iter().map(|k| format!(", {k}")).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// The line of `key = …` in the `nth` `[[question]]` table (0: before the first), else that
/// table's header line.
fn line_of_key(text: &str, nth: usize, key: &str) -> usize {
    let mut table = 0;
    let mut header = 1;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("[[question]]") {
            table += 1;
            if table == nth {
                header = i + 1;
            }
        } else if table == nth
            && line.starts_with(key)
            && line[key.len()..].trim_start().starts_with('=')
        {
            return i + 1;
        }
    }
    header
}

/// Checks a list of questions as a form: see the module's invariants.
pub fn check_questions(questions: &[FormQuestion]) -> std::result::Result<(), String> {
    if questions.is_empty() {
        return Err("a form needs at least one [[question]]".into());
    }
    let mut ids = BTreeSet::new();
    for q in questions {
        let at = format!("question '{}'", q.id);
        if q.id.is_empty()
            || !q
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!("{at}: id: use lower-case letters, digits and _"));
        }
        if !ids.insert(q.id.as_str()) {
            return Err(format!("{at}: id: used twice"));
        }
        if q.label.trim().is_empty() {
            return Err(format!("{at}: label: write the question"));
        }
        // A team server (PostgreSQL) keeps no NUL in a text: refused on either kind of database.
        let texts = match &q.kind {
            QuestionKind::Rating { labels, .. } => labels.as_slice(),
            QuestionKind::SingleChoice { options } | QuestionKind::MultiLabel { options } => {
                options.as_slice()
            }
            _ => &[],
        };
        if q.label.contains('\0') || texts.iter().any(|t| t.contains('\0')) {
            return Err(format!("{at}: no NUL character (U+0000) in its texts"));
        }
        match &q.kind {
            QuestionKind::Rating { scale, labels } => {
                if ![5, 7].contains(scale) {
                    return Err(format!("{at}: scale: 5 or 7 (got {scale})"));
                }
                if !labels.is_empty() && labels.len() != usize::from(*scale) {
                    return Err(format!(
                        "{at}: labels: one per point ({scale}), or none (got {})",
                        labels.len()
                    ));
                }
            }
            QuestionKind::SingleChoice { options } | QuestionKind::MultiLabel { options } => {
                if options.len() < 2 {
                    return Err(format!("{at}: options: at least two"));
                }
                if options.iter().collect::<BTreeSet<_>>().len() != options.len() {
                    return Err(format!("{at}: options: each once"));
                }
                if options.len() > 9 {
                    return Err(format!("{at}: options: at most nine (digits pick them)"));
                }
            }
            QuestionKind::Number { min, max } => {
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    return Err(format!("{at}: min is above max"));
                }
            }
            QuestionKind::YesNo | QuestionKind::Text { .. } => {}
        }
    }
    Ok(())
}

/// A decision's answers, by question id. Values are JSON: a number (rating, number), a bool
/// (yes/no), a string (one choice, text) or an array of strings (several labels).
pub type FormAnswers = BTreeMap<String, serde_json::Value>;

/// Checks `answers` against `questions` for a decision of `action`: every answer names a
/// question and fits it ([`check_values`]), and (for approve, edit and reject) every required
/// question is answered.
pub fn check_answers(
    questions: &[FormQuestion],
    answers: &FormAnswers,
    action: Action,
) -> Result<()> {
    check_values(questions, answers)?;
    if matches!(action, Action::Approve | Action::Edit | Action::Reject) {
        let missing: Vec<&str> = questions
            .iter()
            .filter(|q| q.required && !answers.contains_key(&q.id))
            .map(|q| q.id.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Error::BadRequest(format!(
                "answer the review form's required question(s) first: {}",
                missing.join(", ")
            )));
        }
    }
    Ok(())
}

/// Checks the answers given with a decision of `action` on item `item`, whose domain asks
/// `form` (`None`: its domain has no form, or the item is a comparison, which answers none):
/// with a form they must fit it ([`check_answers`]); without one, answers are refused.
pub fn check_decision_answers(
    form: Option<&[FormQuestion]>,
    item: &str,
    answers: &FormAnswers,
    action: Action,
) -> Result<()> {
    match form {
        Some(questions) => check_answers(questions, answers, action),
        None if !answers.is_empty() => Err(Error::BadRequest(format!(
            "item '{item}' has no review form to answer (its domain has none, or it is a comparison)"
        ))),
        None => Ok(()),
    }
}

/// Checks a new version of `domain`'s form: `questions` must make a form ([`check_questions`]);
/// `None` retires the form, which needs one in force (`has_form`).
pub fn check_form_change(
    domain: &str,
    questions: Option<&[FormQuestion]>,
    has_form: bool,
) -> Result<()> {
    match questions {
        Some(questions) => check_questions(questions).map_err(Error::BadRequest),
        None if !has_form => Err(Error::BadRequest(format!(
            "domain '{domain}' has no review form to remove"
        ))),
        None => Ok(()),
    }
}

/// Checks that every answer names one of `questions` and fits it (type, scale, options,
/// bounds); says nothing about questions left open.
pub fn check_values(questions: &[FormQuestion], answers: &FormAnswers) -> Result<()> {
    for (id, value) in answers {
        let question = questions.iter().find(|q| &q.id == id).ok_or_else(|| {
            Error::BadRequest(format!(
                "the review form has no question '{id}' (it asks: {})",
                ids(questions)
            ))
        })?;
        check_value(question, value)
            .map_err(|problem| Error::BadRequest(format!("question '{id}': {problem}")))?;
    }
    Ok(())
}

fn ids(questions: &[FormQuestion]) -> String {
    questions
        .iter()
        .map(|q| q.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_value(
    question: &FormQuestion,
    value: &serde_json::Value,
) -> std::result::Result<(), String> {
    use serde_json::Value;
    match (&question.kind, value) {
        (QuestionKind::Rating { scale, .. }, Value::Number(n)) => match n.as_u64() {
            Some(point) if (1..=u64::from(*scale)).contains(&point) => Ok(()),
            _ => Err(format!("a whole point from 1 to {scale} (got {n})")),
        },
        (QuestionKind::YesNo, Value::Bool(_)) => Ok(()),
        (QuestionKind::SingleChoice { options }, Value::String(s)) => {
            if options.contains(s) {
                Ok(())
            } else {
                Err(format!("one of {} (got '{s}')", options.join(", ")))
            }
        }
        (QuestionKind::MultiLabel { options }, Value::Array(values)) => {
            if values.is_empty() {
                return Err("no label is no answer: leave the question out".into());
            }
            let mut seen = BTreeSet::new();
            for v in values {
                let label = v.as_str().ok_or("labels are strings")?;
                if !options.iter().any(|o| o == label) {
                    return Err(format!(
                        "labels from {} (got '{label}')",
                        options.join(", ")
                    ));
                }
                if !seen.insert(label) {
                    return Err(format!("'{label}' is given twice"));
                }
            }
            Ok(())
        }
        (QuestionKind::Number { min, max }, Value::Number(n)) => {
            let x = n.as_f64().ok_or("a number")?;
            if min.is_some_and(|min| x < min) || max.is_some_and(|max| x > max) {
                return Err(format!(
                    "a number from {} to {} (got {x})",
                    min.map_or("any".into(), |m| m.to_string()),
                    max.map_or("any".into(), |m| m.to_string())
                ));
            }
            Ok(())
        }
        (QuestionKind::Text { max_chars }, Value::String(s)) => {
            let limit = max_chars.unwrap_or(DEFAULT_MAX_TEXT_CHARS);
            if s.trim().is_empty() {
                Err("an empty text is no answer: leave the question out".into())
            } else if s.contains('\0') {
                Err("a text without a NUL character (U+0000)".into())
            } else if s.chars().count() > limit as usize {
                Err(format!("at most {limit} characters"))
            } else {
                Ok(())
            }
        }
        (kind, value) => Err(format!("{} expected (got {value})", kind.expects())),
    }
}

impl QuestionKind {
    /// What an answer looks like, in words.
    fn expects(&self) -> &'static str {
        match self {
            QuestionKind::Rating { .. } => "a point of the scale",
            QuestionKind::YesNo => "yes or no",
            QuestionKind::SingleChoice { .. } => "one of the options",
            QuestionKind::MultiLabel { .. } => "a list of labels",
            QuestionKind::Number { .. } => "a number",
            QuestionKind::Text { .. } => "a text",
        }
    }
}

/// Reads a CLI answer `QUESTION=VALUE` for `questions`: a rating or a number as digits,
/// yes/no as `yes`/`no`, several labels separated by commas, the rest as written.
pub fn parse_cli_answer(
    questions: &[FormQuestion],
    spec: &str,
) -> Result<(String, serde_json::Value)> {
    let (id, raw) = spec.split_once('=').ok_or_else(|| {
        Error::BadRequest(format!(
            "--form '{spec}': write QUESTION=VALUE, e.g. correctness=4"
        ))
    })?;
    let id = id.trim();
    let question = questions.iter().find(|q| q.id == id).ok_or_else(|| {
        Error::BadRequest(format!(
            "--form '{spec}': the review form has no question '{id}' (it asks: {})",
            ids(questions)
        ))
    })?;
    let raw = raw.trim();
    let bad = |what: &str| Error::BadRequest(format!("--form '{spec}': {what}"));
    let value = match &question.kind {
        QuestionKind::Rating { .. } => serde_json::Value::from(
            raw.parse::<u64>()
                .map_err(|_| bad("give the point as a whole number"))?,
        ),
        QuestionKind::Number { .. } => {
            serde_json::Value::from(raw.parse::<f64>().map_err(|_| bad("give a number"))?)
        }
        QuestionKind::YesNo => match raw.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => serde_json::Value::Bool(true),
            "no" | "n" | "false" => serde_json::Value::Bool(false),
            _ => return Err(bad("answer yes or no")),
        },
        QuestionKind::MultiLabel { .. } => serde_json::Value::from(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
        ),
        QuestionKind::SingleChoice { .. } | QuestionKind::Text { .. } => {
            serde_json::Value::from(raw)
        }
    };
    Ok((id.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = EXAMPLE_FORM;

    #[test]
    fn a_form_file_parses_and_answers_are_checked_against_it() {
        let form = parse_form(FORM).expect("the example form parses");
        assert_eq!(form.len(), 3);
        let ok: FormAnswers = [
            ("correctness".to_owned(), serde_json::json!(4)),
            ("issues".to_owned(), serde_json::json!(["outdated"])),
        ]
        .into();
        check_answers(&form, &ok, Action::Approve).expect("a fitting answer is accepted");
        let out_of_scale: FormAnswers = [("correctness".to_owned(), serde_json::json!(6))].into();
        let err = check_answers(&form, &out_of_scale, Action::Approve).unwrap_err();
        assert!(err.to_string().contains("1 to 5"), "{err}");
        let missing = FormAnswers::new();
        let err = check_answers(&form, &missing, Action::Reject).unwrap_err();
        assert!(err.to_string().contains("correctness"), "{err}");
        check_answers(&form, &missing, Action::NeedsSme)
            .expect("a deferral may leave required questions open");
    }

    #[test]
    fn a_bad_form_is_refused_with_its_line_and_field() {
        let err = parse_form(
            "[[question]]\nid = \"x\"\nlabel = \"X\"\ntype = \"rating\"\nscale = \"five\"\n",
        )
        .unwrap_err();
        assert!(
            err.starts_with("1:") || err.starts_with("5:"),
            "a line number first: {err}"
        );
        let err =
            parse_form("[[question]]\nid = \"x\"\nlabel = \"X\"\ntype = \"rating\"\nscale = 4\n")
                .unwrap_err();
        assert!(err.contains("question 'x': scale: 5 or 7"), "{err}");
        let err = parse_form("").unwrap_err();
        assert!(err.contains("at least one"), "{err}");
        let err =
            parse_form("[[question]]\nid = \"x\"\nlabel = \"X\"\ntype = \"yes_no\"\nwieght = 2\n")
                .unwrap_err();
        assert!(
            err.starts_with("5: wieght"),
            "an unknown field is named with its line: {err}"
        );
    }

    #[test]
    fn no_text_of_a_form_or_an_answer_holds_a_nul_which_a_team_server_could_not_keep() {
        let form = parse_form(
            "[[question]]\nid = \"note\"\nlabel = \"N\"\ntype = \"text\"\n\
             [[question]]\nid = \"tone\"\nlabel = \"T\"\ntype = \"single_choice\"\n\
             options = [\"a\", \"b\"]\n",
        )
        .unwrap();
        let nul: FormAnswers = [("note".to_owned(), serde_json::json!("a\u{0}b"))].into();
        let err = check_values(&form, &nul).unwrap_err();
        assert!(err.to_string().contains("NUL"), "{err}");
        let mut with_nul = form.clone();
        with_nul[1].kind = QuestionKind::SingleChoice {
            options: vec!["a".into(), "b\u{0}".into()],
        };
        let err = check_questions(&with_nul).unwrap_err();
        assert!(
            err.contains("question 'tone'") && err.contains("NUL"),
            "{err}"
        );
        with_nul[0].label = "N\u{0}".into();
        assert!(
            check_questions(&with_nul)
                .unwrap_err()
                .contains("question 'note'")
        );
    }

    #[test]
    fn a_form_written_as_toml_reads_back_the_same_and_the_example_is_valid() {
        let form = parse_form(FORM).unwrap();
        assert_eq!(
            parse_form(&form_toml(&form)).unwrap(),
            form,
            "TOML round trip"
        );
        let numbers = parse_form(
            "[[question]]\nid = \"minutes\"\nlabel = \"M\"\ntype = \"number\"\nmin = 0\n\
             [[question]]\nid = \"note\"\nlabel = \"N\"\ntype = \"text\"\n",
        )
        .unwrap();
        assert_eq!(
            parse_form(&form_toml(&numbers)).unwrap(),
            numbers,
            "unset bounds stay unset"
        );
        assert_eq!(
            parse_form(EXAMPLE_FORM).map(|q| q.len()),
            Ok(3),
            "the example is a form"
        );
    }

    #[test]
    fn cli_answers_are_read_by_question_type() {
        let form = parse_form(FORM).unwrap();
        assert_eq!(
            parse_cli_answer(&form, "correctness=4").unwrap(),
            ("correctness".to_owned(), serde_json::json!(4))
        );
        assert_eq!(
            parse_cli_answer(&form, "cites_sources=no").unwrap().1,
            serde_json::json!(false)
        );
        assert_eq!(
            parse_cli_answer(&form, "issues=hallucination, outdated")
                .unwrap()
                .1,
            serde_json::json!(["hallucination", "outdated"])
        );
        assert!(
            parse_cli_answer(&form, "tone=formal").is_err(),
            "unknown question"
        );
    }
}
