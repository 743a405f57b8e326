//! The stated rule a bulk approval applies: clauses over a candidate's computed evidence, all of
//! which must hold. Written as text (`containment>=100%, target-key`) on the command line and
//! in the app, and recorded in that canonical text on every decision it makes.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::relation_evidence::{RelationshipEvidence, TypeMatch};

/// Evidence clauses; every `Some`/`true` one must hold. At least one is set (an empty rule
/// would approve every candidate, which is not a rule). A candidate with a conflict (another
/// approved relationship it contradicts) never meets a rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceRule {
    /// Share of distinct source keys found in the target, 0–1 (`containment>=…`).
    pub min_containment: Option<f64>,
    /// Share of source rows whose key is not in the target, 0–1 (`orphans<=…`).
    pub max_orphan_rate: Option<f64>,
    /// The target fields are its declared primary or unique key (`target-key`).
    pub target_declared_key: bool,
    /// Every target key occurs once in the data read (`target-unique`).
    pub target_unique: bool,
    /// No field pair has incompatible or unknown declared types (`types-match`).
    pub types_match: bool,
    /// Each field pair's name similarity, 0–1 (`names>=…`).
    pub min_name_similarity: Option<f64>,
    /// None of the evidence's cautions applies (`no-cautions`): not sequential ids that any id
    /// column contains, not key to key, …
    pub no_cautions: bool,
}

/// The clauses, for error messages.
const RULE_SYNTAX: &str = "containment>=N%, orphans<=N%, names>=N%, target-key, \
                               target-unique, types-match, no-cautions (comma-separated, all \
                               must hold)";

impl EvidenceRule {
    /// Why `evidence` does not meet the rule, clause by clause; empty when it does. Each reason
    /// starts with its kind (`containment`, `types do not match:`, …), which the app groups by.
    pub fn unmet(&self, evidence: &RelationshipEvidence) -> Vec<String> {
        let mut unmet = Vec::new();
        if let Some(conflict) = evidence.conflicts.first() {
            unmet.push(format!("conflict: {}", conflict.message));
        }
        if let Some(min) = self.min_containment {
            match evidence.containment {
                Some(c) if c >= min - 1e-12 => {}
                Some(c) => unmet.push(format!("containment {} < {}", percent(c), percent(min))),
                None => unmet.push("containment unknown (no source keys)".to_owned()),
            }
        }
        if let Some(max) = self.max_orphan_rate {
            match evidence.orphan_rate {
                Some(r) if r <= max + 1e-12 => {}
                Some(r) => unmet.push(format!("orphans {} > {}", percent(r), percent(max))),
                None => unmet.push("orphan rate unknown (no source keys)".to_owned()),
            }
        }
        if self.target_declared_key && evidence.target_declared_key != Some(true) {
            unmet.push("target is not a declared key".to_owned());
        }
        if self.target_unique && !evidence.target_unique {
            unmet.push("target values repeat".to_owned());
        }
        if self.types_match
            && let Some(pair) = evidence
                .pairs
                .iter()
                .find(|p| matches!(p.type_match, TypeMatch::Incompatible | TypeMatch::Unknown))
        {
            unmet.push(format!(
                "types do not match: {} → {}",
                pair.source_field, pair.target_field
            ));
        }
        if let Some(min) = self.min_name_similarity
            && let Some(pair) = evidence
                .pairs
                .iter()
                .find(|p| p.name_similarity < min - 1e-12)
        {
            unmet.push(format!(
                "names differ: {} → {} {} < {}",
                pair.source_field,
                pair.target_field,
                percent(pair.name_similarity),
                percent(min)
            ));
        }
        if self.no_cautions
            && let Some(caution) = evidence.cautions.first()
        {
            unmet.push(format!("caution: {caution}"));
        }
        unmet
    }
}

impl FromStr for EvidenceRule {
    type Err = Error;

    fn from_str(text: &str) -> Result<EvidenceRule> {
        let bad = |clause: &str, problem: &str| {
            Error::BadRequest(format!(
                "rule clause '{clause}': {problem}. A rule is {RULE_SYNTAX}."
            ))
        };
        let mut rule = EvidenceRule::default();
        let mut seen = Vec::new();
        for clause in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let compact: String = clause.chars().filter(|c| !c.is_whitespace()).collect();
            let compact = compact.to_ascii_lowercase();
            let name = compact
                .split(['>', '<', '='])
                .next()
                .unwrap_or_default()
                .to_owned();
            if seen.contains(&name) {
                return Err(bad(clause, "this clause is given twice; keep one"));
            }
            seen.push(name);
            match compact.as_str() {
                "target-key" => rule.target_declared_key = true,
                "target-unique" => rule.target_unique = true,
                "types-match" => rule.types_match = true,
                "no-cautions" => rule.no_cautions = true,
                _ => {
                    let (name, op, value) = split_comparison(&compact)
                        .ok_or_else(|| bad(clause, "not a clause Vetted knows"))?;
                    let slot = match (name, op) {
                        ("containment", ">=" | "=") => &mut rule.min_containment,
                        ("orphans", "<=" | "=") => &mut rule.max_orphan_rate,
                        ("names", ">=" | "=") => &mut rule.min_name_similarity,
                        ("containment" | "names", _) => return Err(bad(clause, "use >=")),
                        ("orphans", _) => return Err(bad(clause, "use <=")),
                        _ => return Err(bad(clause, "not a clause Vetted knows")),
                    };
                    *slot =
                        Some(parse_share(value).ok_or_else(|| {
                            bad(clause, "the value is a share: 100%, 98% or 0.98")
                        })?);
                }
            }
        }
        if seen.is_empty() {
            return Err(Error::BadRequest(format!(
                "the rule is empty; a rule is {RULE_SYNTAX}"
            )));
        }
        Ok(rule)
    }
}

/// The canonical text, which parses back to the same rule.
impl fmt::Display for EvidenceRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut clauses = Vec::new();
        if let Some(min) = self.min_containment {
            clauses.push(format!("containment>={}", percent(min)));
        }
        if let Some(max) = self.max_orphan_rate {
            clauses.push(format!("orphans<={}", percent(max)));
        }
        if self.target_declared_key {
            clauses.push("target-key".to_owned());
        }
        if self.target_unique {
            clauses.push("target-unique".to_owned());
        }
        if self.types_match {
            clauses.push("types-match".to_owned());
        }
        if let Some(min) = self.min_name_similarity {
            clauses.push(format!("names>={}", percent(min)));
        }
        if self.no_cautions {
            clauses.push("no-cautions".to_owned());
        }
        f.write_str(&clauses.join(", "))
    }
}

/// `name`, operator and value of `containment>=100%`.
fn split_comparison(clause: &str) -> Option<(&str, &str, &str)> {
    [">=", "<=", "="].iter().find_map(|op| {
        clause
            .split_once(op)
            .map(|(name, value)| (name, *op, value))
    })
}

/// `100%`, `98.5%` or `0.985`, within 0–1, to 0.0001 % (finer digits are rounded), so that
/// [`percent`] prints it exactly.
fn parse_share(value: &str) -> Option<f64> {
    let share = match value.strip_suffix('%') {
        Some(p) => p.parse::<f64>().ok()? / 100.0,
        None => value.parse::<f64>().ok()?,
    };
    let share = (share * 1e6).round() / 1e6;
    (0.0..=1.0).contains(&share).then_some(share)
}

/// A share as a percentage to 0.0001 %, without needless zeros: `100%`, `98.5%`, `99.99%`.
fn percent(share: f64) -> String {
    let p = format!("{:.4}", share * 100.0);
    format!("{}%", p.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_parse_in_any_spacing_and_case_and_print_canonically() {
        let rule: EvidenceRule =
            " Containment >= 100% ,target-key, orphans<=0.5%, types-match, No-Cautions"
                .parse()
                .unwrap();
        assert_eq!(rule.min_containment, Some(1.0));
        assert_eq!(rule.max_orphan_rate, Some(0.005));
        assert!(rule.target_declared_key && rule.types_match && !rule.target_unique);
        let text = rule.to_string();
        assert_eq!(
            text, "containment>=100%, orphans<=0.5%, target-key, types-match, no-cautions",
            "the canonical text lists clauses in a fixed order"
        );
        assert_eq!(
            text.parse::<EvidenceRule>().unwrap(),
            rule,
            "the canonical text parses back to the same rule"
        );
    }

    #[test]
    fn a_fine_threshold_is_recorded_as_given_and_parses_back_the_same() {
        for (text, canonical) in [
            ("containment>=99.99%", "containment>=99.99%"),
            ("containment>=0.9999", "containment>=99.99%"),
            ("orphans<=0.01%", "orphans<=0.01%"),
            ("names>=0.123456", "names>=12.3456%"),
            ("containment >= 100 %", "containment>=100%"),
        ] {
            let rule: EvidenceRule = text.parse().unwrap();
            assert_eq!(rule.to_string(), canonical, "{text}");
            assert_eq!(canonical.parse::<EvidenceRule>().unwrap(), rule, "{text}");
        }
    }

    #[test]
    fn an_empty_rule_or_an_unknown_clause_is_refused_with_the_syntax() {
        for (text, expect) in [
            ("", "the rule is empty"),
            (" , ", "the rule is empty"),
            (
                "containment>=120%",
                "'containment>=120%': the value is a share",
            ),
            ("containment<=1", "use >="),
            ("containment>=", "the value is a share"),
            ("containment>=nan", "the value is a share"),
            ("containment>=100%, containment>=50%", "given twice"),
            ("target-key, Target-Key", "given twice"),
            ("orphans>=0", "use <="),
            ("rows>=10", "not a clause Vetted knows"),
            ("target_key", "not a clause Vetted knows"),
        ] {
            let err = text.parse::<EvidenceRule>().unwrap_err().to_string();
            assert!(err.contains(expect), "{text:?}: {err}");
            assert!(
                err.contains("target-key"),
                "{text:?} names the syntax: {err}"
            );
        }
    }
}
