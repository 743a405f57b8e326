//! Per-question figures of a domain's review form: how often each answer was given on the items'
//! decisions in force, the mean of ratings and numbers, and agreement between reviewers —
//! Krippendorff's α, ordinal for ratings, nominal for yes/no and single choices, interval for
//! numbers, and nominal per label for multi-label questions (was the label given or not; see
//! `agreement`). Texts get none. Pure: the store hands in the answers.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::{FormQuestion, QuestionKind};
use crate::agreement::PairTally;

/// A domain's form in force and the figures of each of its questions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FormStats {
    pub domain: String,
    #[ts(type = "number")]
    pub version: i64,
    pub questions: Vec<QuestionStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QuestionStats {
    pub id: String,
    pub label: String,
    /// Items whose decision in force answered the question.
    #[ts(type = "number")]
    pub answered: u64,
    /// How often each answer was given, in the form's order (points, yes/no, options; each
    /// label of a multi-label answer counts once); empty for numbers and texts.
    pub counts: Vec<AnswerCount>,
    /// Mean of ratings and numbers.
    pub mean: Option<f64>,
    /// Between reviewers of the same items; `None` for texts.
    pub agreement: Option<QuestionAgreement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AnswerCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QuestionAgreement {
    /// `ordinal` (ratings), `nominal` (yes/no, one choice), `interval` (numbers) or
    /// `nominal per label` (several labels: `labels` holds the figures, `alpha` is `None`).
    pub level: String,
    /// Items two or more reviewers answered.
    #[ts(type = "number")]
    pub items: u64,
    /// Krippendorff's α; `None` when fewer than two different answers occur.
    pub alpha: Option<f64>,
    /// Multi-label questions: per option, α (nominal) of whether reviewers gave it; empty
    /// otherwise.
    pub labels: Vec<LabelAgreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LabelAgreement {
    pub label: String,
    /// `None` when every reviewer gave it, or none did, on every item.
    pub alpha: Option<f64>,
}

/// One reviewer's answer on one item, from their decision in force.
pub struct RatedAnswer {
    pub item: i64,
    pub question: String,
    pub value: serde_json::Value,
}

/// How many items' decisions in force gave `value` to `question` (texts come as one `null`
/// value with their number: they are counted, not charted).
pub struct GivenAnswers {
    pub question: String,
    pub value: serde_json::Value,
    pub items: u64,
}

/// The ids of the text questions among `questions`: their answers are counted, not told apart.
pub fn text_questions(questions: &[FormQuestion]) -> Vec<&str> {
    questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| q.id.as_str())
        .collect()
}

/// The figures of `questions` from the answers of the items' decisions in force (`effective`,
/// counted per distinct value) and of each reviewer's decision in force on items several
/// reviewers decided (`ratings`).
pub fn form_stats(
    domain: &str,
    version: i64,
    questions: &[FormQuestion],
    effective: &[GivenAnswers],
    ratings: &[RatedAnswer],
) -> FormStats {
    let questions = questions
        .iter()
        .map(|q| {
            let given: Vec<(&serde_json::Value, u64)> = effective
                .iter()
                .filter(|g| g.question == q.id)
                .map(|g| (&g.value, g.items))
                .collect();
            let mut by_item: BTreeMap<i64, Vec<&serde_json::Value>> = BTreeMap::new();
            for r in ratings.iter().filter(|r| r.question == q.id) {
                by_item.entry(r.item).or_default().push(&r.value);
            }
            QuestionStats {
                id: q.id.clone(),
                label: q.label.clone(),
                answered: given.iter().map(|(_, n)| n).sum(),
                counts: counts(&q.kind, &given),
                mean: mean(&q.kind, &given),
                agreement: agreement(&q.kind, &by_item),
            }
        })
        .collect();
    FormStats {
        domain: domain.to_owned(),
        version,
        questions,
    }
}

fn counts(kind: &QuestionKind, given: &[(&serde_json::Value, u64)]) -> Vec<AnswerCount> {
    let count_of = |matches: &dyn Fn(&serde_json::Value) -> bool| {
        given
            .iter()
            .filter(|(v, _)| matches(v))
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let tally = |values: Vec<(String, u64)>| {
        values
            .into_iter()
            .map(|(value, count)| AnswerCount { value, count })
            .collect()
    };
    match kind {
        QuestionKind::Rating { scale, labels } => tally(
            (1..=u64::from(*scale))
                .map(|point| {
                    let name = labels
                        .get(point as usize - 1)
                        .map_or(point.to_string(), |l| format!("{point} {l}"));
                    (name, count_of(&|v| v.as_u64() == Some(point)))
                })
                .collect(),
        ),
        QuestionKind::YesNo => tally(vec![
            ("yes".into(), count_of(&|v| v.as_bool() == Some(true))),
            ("no".into(), count_of(&|v| v.as_bool() == Some(false))),
        ]),
        QuestionKind::SingleChoice { options } => tally(
            options
                .iter()
                .map(|o| (o.clone(), count_of(&|v| v.as_str() == Some(o))))
                .collect(),
        ),
        QuestionKind::MultiLabel { options } => tally(
            options
                .iter()
                .map(|o| {
                    let has = |v: &serde_json::Value| {
                        v.as_array()
                            .is_some_and(|a| a.iter().any(|l| l.as_str() == Some(o)))
                    };
                    (o.clone(), count_of(&has))
                })
                .collect(),
        ),
        QuestionKind::Number { .. } | QuestionKind::Text { .. } => Vec::new(),
    }
}

fn mean(kind: &QuestionKind, given: &[(&serde_json::Value, u64)]) -> Option<f64> {
    if !matches!(
        kind,
        QuestionKind::Rating { .. } | QuestionKind::Number { .. }
    ) {
        return None;
    }
    let (sum, n) = given
        .iter()
        .filter_map(|(v, n)| Some((v.as_f64()? * *n as f64, *n)))
        .fold((0.0, 0), |(sum, count), (s, n)| (sum + s, count + n));
    (n > 0).then(|| sum / n as f64)
}

fn agreement(
    kind: &QuestionKind,
    by_item: &BTreeMap<i64, Vec<&serde_json::Value>>,
) -> Option<QuestionAgreement> {
    let units = by_item.values().filter(|values| values.len() >= 2);
    let mut labels = Vec::new();
    let (level, items, alpha) = match kind {
        QuestionKind::Rating { .. } => {
            let mut tally = PairTally::<u64>::new();
            for values in units {
                let points: Vec<u64> = values.iter().filter_map(|v| v.as_u64()).collect();
                tally.add_unit(&points);
            }
            ("ordinal", tally.units(), tally.alpha_ordinal())
        }
        QuestionKind::YesNo | QuestionKind::SingleChoice { .. } => {
            let mut tally = PairTally::<String>::new();
            for values in units {
                let answers: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                tally.add_unit(&answers);
            }
            ("nominal", tally.units(), tally.alpha_nominal())
        }
        QuestionKind::Number { .. } => {
            let mut tally = PairTally::<String>::new();
            for values in units {
                let numbers: Vec<String> = values
                    .iter()
                    .filter(|v| v.is_number())
                    .map(|v| v.to_string())
                    .collect();
                tally.add_unit(&numbers);
            }
            let value = |label: &String| label.parse::<f64>().unwrap_or(f64::NAN);
            ("interval", tally.units(), tally.alpha_interval(value))
        }
        QuestionKind::MultiLabel { options } => {
            let units: Vec<_> = units.collect();
            for option in options {
                let mut tally = PairTally::<bool>::new();
                for values in &units {
                    let given: Vec<bool> = values
                        .iter()
                        .map(|v| v.as_array().is_some_and(|l| l.iter().any(|x| x == option)))
                        .collect();
                    tally.add_unit(&given);
                }
                labels.push(LabelAgreement {
                    label: option.clone(),
                    alpha: tally.alpha_nominal(),
                });
            }
            ("nominal per label", units.len() as u64, None)
        }
        QuestionKind::Text { .. } => return None,
    };
    Some(QuestionAgreement {
        level: level.to_owned(),
        items,
        alpha,
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review_form::parse_form;
    use serde_json::json;

    #[test]
    fn counts_means_and_alpha_per_question() {
        let form = parse_form(
            "[[question]]\nid = \"correctness\"\nlabel = \"C\"\ntype = \"rating\"\nscale = 5\n\
             [[question]]\nid = \"cites\"\nlabel = \"Cites?\"\ntype = \"yes_no\"\n\
             [[question]]\nid = \"issues\"\nlabel = \"I\"\ntype = \"multi_label\"\noptions = [\"a\", \"b\"]\n",
        )
        .unwrap();
        let given = |question: &str, value: serde_json::Value, items: u64| GivenAnswers {
            question: question.into(),
            value,
            items,
        };
        let effective = vec![
            given("correctness", json!(4), 2),
            given("correctness", json!(1), 1),
            given("cites", json!(true), 1),
            given("issues", json!(["a", "b"]), 1),
            given("issues", json!(["b"]), 1),
        ];
        // Krippendorff (2011)'s four observers on the first nine units, as ratings.
        let table: [[u64; 4]; 3] = [[1, 1, 2, 1], [3, 3, 3, 3], [2, 2, 3, 4]];
        let ratings: Vec<RatedAnswer> = table
            .iter()
            .enumerate()
            .flat_map(|(item, row)| {
                row.iter().map(move |p| RatedAnswer {
                    item: item as i64,
                    question: "correctness".into(),
                    value: json!(p),
                })
            })
            .collect();
        let stats = form_stats("finance", 2, &form, &effective, &ratings);
        let [correctness, cites, issues] = &stats.questions[..] else {
            panic!("three questions")
        };
        assert_eq!(correctness.answered, 3);
        assert_eq!(
            correctness
                .counts
                .iter()
                .map(|c| c.count)
                .collect::<Vec<_>>(),
            [1, 0, 0, 2, 0],
            "one count per point of the scale"
        );
        assert_eq!(correctness.mean, Some(3.0), "(4 + 4 + 1) / 3");
        let agreement = correctness
            .agreement
            .as_ref()
            .expect("ratings agree or not");
        assert_eq!((agreement.level.as_str(), agreement.items), ("ordinal", 3));
        let mut tally = PairTally::<u64>::new();
        for row in &table {
            tally.add_unit(row);
        }
        assert_eq!(
            agreement.alpha,
            tally.alpha_ordinal(),
            "the ordinal alpha of those units"
        );
        assert_eq!(
            cites.counts[0],
            AnswerCount {
                value: "yes".into(),
                count: 1
            }
        );
        assert_eq!(
            cites.agreement.as_ref().map(|a| a.items),
            Some(0),
            "nobody else answered"
        );
        assert_eq!(
            issues.counts.iter().map(|c| c.count).collect::<Vec<_>>(),
            [1, 2],
            "each label counted once"
        );
        let issues = issues
            .agreement
            .as_ref()
            .expect("labels agree label by label");
        assert_eq!(
            (issues.level.as_str(), issues.items, issues.alpha),
            ("nominal per label", 0, None),
            "no overall alpha for several labels, and nobody else answered"
        );
        assert_eq!(issues.labels.len(), 2, "one figure per option");
    }

    #[test]
    fn numbers_agree_on_an_interval_scale_and_labels_one_by_one() {
        use crate::agreement::{alpha_interval_matrix, alpha_nominal_matrix};
        let form = parse_form(
            "[[question]]\nid = \"hours\"\nlabel = \"H\"\ntype = \"number\"\n\
             [[question]]\nid = \"issues\"\nlabel = \"I\"\ntype = \"multi_label\"\noptions = [\"a\", \"b\"]\n\
             [[question]]\nid = \"why\"\nlabel = \"Why\"\ntype = \"text\"\n",
        )
        .unwrap();
        // Two reviewers on three items.
        let hours = [[1, 1], [2, 3], [10, 9]];
        let issues = [
            [json!(["a"]), json!(["a"])],
            [json!(["a", "b"]), json!(["b"])],
            [json!(["b"]), json!(["a"])],
        ];
        let mut ratings = Vec::new();
        for item in 0..3 {
            for reviewer in 0..2 {
                let answer = |question: &str, value: serde_json::Value| RatedAnswer {
                    item: item as i64,
                    question: question.into(),
                    value,
                };
                ratings.push(answer("hours", json!(hours[item][reviewer])));
                ratings.push(answer("issues", issues[item][reviewer].clone()));
                ratings.push(answer("why", json!("because")));
            }
        }
        let stats = form_stats("ops", 1, &form, &[], &ratings);
        let [number, labels, text] = &stats.questions[..] else {
            panic!("three questions")
        };
        let number = number
            .agreement
            .as_ref()
            .expect("numbers have an interval alpha");
        let by_reviewer = |r: usize| hours.iter().map(|h| Some(h[r] as u8)).collect::<Vec<_>>();
        assert_eq!((number.level.as_str(), number.items), ("interval", 3));
        assert_eq!(
            number.alpha,
            alpha_interval_matrix(&[by_reviewer(0), by_reviewer(1)], |v| f64::from(*v)),
            "the interval alpha of the numbers"
        );
        let labels = labels.agreement.as_ref().expect("labels have alphas");
        let given = |label: &str, r: usize| {
            issues
                .iter()
                .map(|unit| Some(unit[r].as_array().unwrap().iter().any(|l| l == label)))
                .collect::<Vec<_>>()
        };
        for (i, label) in ["a", "b"].into_iter().enumerate() {
            assert_eq!(labels.labels[i].label, label);
            assert_eq!(
                labels.labels[i].alpha,
                alpha_nominal_matrix(&[given(label, 0), given(label, 1)]),
                "label {label}: the nominal alpha of given / not given"
            );
        }
        assert!(text.agreement.is_none(), "free text has no alpha");
    }
}
