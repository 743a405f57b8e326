//! `vetted stats`: the stats dashboard's figures as tables, or `--json` (the `Stats` value).

use vetted::Result;
use vetted::stats::{ActionCounts, AgreementFigures, Outcomes, Stats};

use crate::output::print_json;

/// Prints `stats` (a local database's or a team server's).
pub fn print(stats: &Stats, json: bool) -> Result<()> {
    if json {
        print_json(stats);
    } else {
        print!("{}", render(stats));
    }
    Ok(())
}

/// The text report (ends with a newline).
pub fn render(s: &Stats) -> String {
    let mut out = String::new();
    let c = &s.items;
    for (label, n) in [
        ("pending", c.pending),
        ("approved", c.approved),
        ("edited", c.edited),
        ("rejected", c.rejected),
        ("needs_sme", c.needs_sme),
        ("total", s.total),
    ] {
        out += &format!("{label:<9} {n:>8}\n");
    }
    if s.total == 0 {
        out += "\nThe database has no items yet: nothing to report. Import some with \
                `vetted import FILE`.\n";
        return out;
    }
    if s.decisions == 0 {
        out += "\nNo decisions yet: every item is pending.\n";
        return out;
    }

    section(
        &mut out,
        &format!("Decisions per day ({} in force)", s.decisions),
    );
    let action_row = |key: &str, a: &ActionCounts| {
        vec![
            key.to_owned(),
            a.approve.to_string(),
            a.edit.to_string(),
            a.reject.to_string(),
            a.needs_sme.to_string(),
            a.total.to_string(),
        ]
    };
    let action_headers = ["approve", "edit", "reject", "needs_sme", "total"];
    out += &table(
        &[&["day"], &action_headers[..]].concat(),
        s.decisions_by_day
            .iter()
            .map(|d| action_row(&d.day, &d.decisions))
            .collect(),
    );
    section(&mut out, "Decisions per reviewer");
    out += &table(
        &[&["reviewer"], &action_headers[..]].concat(),
        s.decisions_by_reviewer
            .iter()
            .map(|d| action_row(&d.reviewer, &d.decisions))
            .collect(),
    );

    for (title, key, rows) in [
        ("Outcomes by model", "model", &s.outcomes_by_model),
        ("Outcomes by domain", "domain", &s.outcomes_by_domain),
    ] {
        section(&mut out, &format!("{title} (rates over decided items)"));
        out += &outcomes_table(key, rows);
    }

    section(&mut out, "Reject reasons");
    if s.reject_reasons.is_empty() {
        out += "  no rejected items\n";
    } else {
        out += &table_with(
            &["reason", "label", "items"],
            s.reject_reasons
                .iter()
                .map(|r| vec![r.reason.clone(), r.label.clone(), r.count.to_string()])
                .collect(),
            2,
        );
    }

    let e = &s.edit_distance;
    section(&mut out, "Edit distance (words changed, edited items)");
    if e.edits == 0 {
        out += "  no edited items\n";
    } else {
        out += &format!(
            "  {} edits · mean {} · median {} · max {}{}\n",
            e.edits,
            e.mean.map_or("-".into(), |m| format!("{m:.1}")),
            e.median.map_or("-".into(), |m| m.to_string()),
            e.max.map_or("-".into(), |m| m.to_string()),
            if e.unknown > 0 {
                format!(" · {} without a recorded distance", e.unknown)
            } else {
                String::new()
            }
        );
        out += &table(
            &["words", "edits"],
            e.buckets
                .iter()
                .map(|b| {
                    let range = match b.to {
                        Some(to) if to == b.from => b.from.to_string(),
                        Some(to) => format!("{}–{to}", b.from),
                        None => format!("{}+", b.from),
                    };
                    vec![range, b.count.to_string()]
                })
                .collect(),
        );
    }

    section(&mut out, "Queue burn-down");
    out += &table(
        &["day", "added", "decided", "remaining"],
        s.burn_down
            .iter()
            .map(|d| {
                vec![
                    d.day.clone(),
                    d.added.to_string(),
                    d.decided.to_string(),
                    d.remaining.to_string(),
                ]
            })
            .collect(),
    );

    let a = &s.agreement;
    section(
        &mut out,
        &format!(
            "Agreement between reviewers (labels: {}; needs_sme counts as no rating)",
            a.labels.join(", ")
        ),
    );
    if a.overall.items == 0 {
        out += "  no item has been rated by two reviewers yet: agreement needs overlapping \
                reviews\n";
    } else {
        let figures_row = |key: &str, f: &AgreementFigures| {
            vec![
                key.to_owned(),
                f.items.to_string(),
                f.ratings.to_string(),
                percent(f.percent_agreement),
                number(f.alpha),
            ]
        };
        let headers = ["items", "ratings", "agreement", "alpha"];
        let mut rows = vec![figures_row("all", &a.overall)];
        rows.extend(
            a.by_domain
                .iter()
                .map(|d| figures_row(&d.domain, &d.agreement)),
        );
        if a.picks.items > 0 {
            rows.push(figures_row("comparisons (picks)", &a.picks));
        }
        out += &table(&[&["domain"], &headers[..]].concat(), rows);
        out += "\n";
        out += &table(
            &[&["day"], &headers[..]].concat(),
            a.by_day
                .iter()
                .map(|d| figures_row(&d.day, &d.agreement))
                .collect(),
        );
        out += "\n";
        out += &table(
            &["reviewers", "items", "agreement", "kappa"],
            a.by_pair
                .iter()
                .map(|p| {
                    vec![
                        format!("{} · {}", p.reviewer_a, p.reviewer_b),
                        p.items.to_string(),
                        percent(p.percent_agreement),
                        number(p.kappa),
                    ]
                })
                .collect(),
        );
    }
    if a.needs_sme_ratings > 0 {
        out += &format!(
            "  ({} needs_sme ratings on these items left out)\n",
            a.needs_sme_ratings
        );
    }

    section(
        &mut out,
        "Vetting model vs reviewers (keep = pass / approved or edited)",
    );
    if s.vetter.is_empty() {
        out += "  no decided item carries a vetting verdict\n";
    } else {
        out += &table(
            &["domain", "vetter", "items", "agreement", "kappa"],
            s.vetter
                .iter()
                .map(|v| {
                    vec![
                        v.domain.clone(),
                        v.vetter.clone(),
                        v.items.to_string(),
                        percent(Some(v.observed_agreement)),
                        number(v.kappa),
                    ]
                })
                .collect(),
        );
    }
    for form in &s.forms {
        section(
            &mut out,
            &format!("Review form of {} (version {})", form.domain, form.version),
        );
        out += &table(
            &[
                "question", "answered", "answers", "mean", "alpha", "on items",
            ],
            form.questions
                .iter()
                .map(|q| {
                    let answers: Vec<String> = q
                        .counts
                        .iter()
                        .map(|c| format!("{} {}", c.value, c.count))
                        .collect();
                    vec![
                        q.id.clone(),
                        q.answered.to_string(),
                        answers.join(" · "),
                        q.mean.map_or("-".into(), |m| format!("{m:.2}")),
                        q.agreement.as_ref().map_or("-".into(), |a| {
                            if a.labels.is_empty() {
                                format!("{} ({})", number(a.alpha), a.level)
                            } else {
                                let each: Vec<String> = a
                                    .labels
                                    .iter()
                                    .map(|l| format!("{} {}", l.label, number(l.alpha)))
                                    .collect();
                                format!("{} ({})", each.join(", "), a.level)
                            }
                        }),
                        q.agreement
                            .as_ref()
                            .map_or("-".into(), |a| a.items.to_string()),
                    ]
                })
                .collect(),
        );
    }
    if !s.claims.is_empty() {
        section(&mut out, "Claim verdicts (decisions in force)");
        out += &table(
            &[
                "domain",
                "answers",
                "supported",
                "unsupported",
                "contradicted",
                "not checkable",
            ],
            s.claims
                .iter()
                .map(|c| {
                    vec![
                        c.domain.clone(),
                        c.answers.to_string(),
                        c.supported.to_string(),
                        c.unsupported.to_string(),
                        c.contradicted.to_string(),
                        c.not_checkable.to_string(),
                    ]
                })
                .collect(),
        );
    }
    out
}

fn section(out: &mut String, title: &str) {
    *out += &format!("\n{title}\n");
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{:.1} %", 100.0 * v))
}

fn number(value: Option<f64>) -> String {
    value.map_or("undefined".into(), |v| format!("{v:.3}"))
}

fn outcomes_table(key: &str, rows: &[Outcomes]) -> String {
    table(
        &[
            key,
            "items",
            "pending",
            "approve",
            "edit",
            "reject",
            "needs_sme",
        ],
        rows.iter()
            .map(|o| {
                let with_rate = |n: i64, rate: Option<f64>| match rate {
                    Some(r) => format!("{n} ({:.0} %)", 100.0 * r),
                    None => n.to_string(),
                };
                vec![
                    o.key.clone(),
                    o.items.total().to_string(),
                    o.items.pending.to_string(),
                    with_rate(o.items.approved, o.approve_rate),
                    with_rate(o.items.edited, o.edit_rate),
                    with_rate(o.items.rejected, o.reject_rate),
                    with_rate(o.items.needs_sme, o.needs_sme_rate),
                ]
            })
            .collect(),
    )
}

/// Indented columns: the first left-aligned, the others right-aligned.
fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    table_with(headers, rows, 1)
}

/// Indented columns: the first `left` left-aligned, the others right-aligned.
fn table_with(headers: &[&str], rows: Vec<Vec<String>>, left: usize) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::from(" ");
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(w - cell.chars().count());
            text += if i == 0 { " " } else { "   " };
            if i < left {
                text += &format!("{cell}{pad}");
            } else {
                text += &format!("{pad}{cell}");
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in &rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}
