//! Per-question figures of a domain's review form: how often each answer was given on the items'
//! decisions in force, the mean of ratings and numbers, and agreement between reviewers —
//! Krippendorff's α, ordinal for ratings and nominal for yes/no and single choices (see
//! `agreement`). Pure: the store hands in the answers.

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
    /// Between reviewers of the same items; `None` for labels, numbers and texts.
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
    /// `ordinal` (ratings) or `nominal` (yes/no, one choice).
    pub level: String,
    /// Items two or more reviewers answered.
    #[ts(type = "number")]
    pub items: u64,
    /// Krippendorff's α; `None` when fewer than two different answers occur.
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
        QuestionKind::MultiLabel { .. }
        | QuestionKind::Number { .. }
        | QuestionKind::Text { .. } => {
            return None;
        }
    };
    Some(QuestionAgreement {
        level: level.to_owned(),
        items,
        alpha,
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
        assert!(issues.agreement.is_none(), "no alpha for several labels");
    }
}
