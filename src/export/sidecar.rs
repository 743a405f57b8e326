//! The sidecar line written next to each training line: provenance kept out of the training
//! text. A line is `{"line_id":…,"split":…,"line":…,` followed by the item's provenance (item,
//! decision, action, reviewer, time, reason, note, vetting), which is the same for every line of
//! an item and is therefore serialized once per item ([`Provenance::set`]).
//!
//! Lines are byte for byte what serde_json writes for the struct of all those fields in that
//! order; a test compares the two.

use std::fmt;

use serde::{Serialize, Serializer};

use super::selection::ReviewedItem;
use crate::domain::{Action, Vetting};

/// The line's own fields, serialized in front of the item's.
#[derive(Serialize)]
struct LineFields<'a> {
    line_id: LineId<'a>,
    split: &'static str,
    /// 1-based line number in the split's file.
    line: u64,
}

/// `DECISION/SUFFIX`, serialized as a JSON string without building it first.
struct LineId<'a>(&'a str, &'a str);

impl Serialize for LineId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for LineId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

/// The item's fields, the same for every line it yields.
#[derive(Serialize)]
struct ItemFields<'a> {
    item: &'a str,
    decision: &'a str,
    action: Action,
    reviewer: &'a str,
    decided_at: String,
    reason: Option<&'a str>,
    note: Option<&'a str>,
    vetting: Option<&'a Vetting>,
}

/// One item's provenance as the JSON object `{"item":…,"vetting":…}`, and its decision id (the
/// start of every line id). A buffer reused across items.
#[derive(Default)]
pub struct Provenance {
    json: Vec<u8>,
    decision: String,
}

impl Provenance {
    /// Replaces the provenance with that of `item`, whose note is `note` (already screened).
    pub fn set(&mut self, item: &ReviewedItem, note: Option<&str>) {
        let d = &item.decision;
        self.json.clear();
        serde_json::to_writer(
            &mut self.json,
            &ItemFields {
                item: &d.item,
                decision: &d.id,
                action: d.action,
                reviewer: &d.reviewer,
                decided_at: d
                    .decided_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                reason: d.reason.as_deref(),
                note,
                vetting: item.vetting.as_ref(),
            },
        )
        .expect("serializing to memory cannot fail");
        self.decision.clone_from(&d.id);
    }

    /// Writes the sidecar line (without newline) of the item's line `suffix`, written as line
    /// `line` of `split`, to `out` (cleared first).
    pub fn write_line(&self, suffix: &str, split: &'static str, line: u64, out: &mut Vec<u8>) {
        out.clear();
        serde_json::to_writer(
            &mut *out,
            &LineFields {
                line_id: LineId(&self.decision, suffix),
                split,
                line,
            },
        )
        .expect("serializing to memory cannot fail");
        // `{line fields}` + `{item fields}` → `{line fields,item fields}`.
        out.pop();
        out.push(b',');
        out.extend_from_slice(&self.json[1..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AnswerBody, Decision, ItemBody, Verdict};

    /// The sidecar line as one struct, serialized by serde_json: what `write_line` must reproduce.
    #[derive(Serialize)]
    struct SidecarLine<'a> {
        line_id: String,
        split: &'static str,
        line: u64,
        item: &'a str,
        decision: &'a str,
        action: Action,
        reviewer: &'a str,
        decided_at: String,
        reason: Option<&'a str>,
        note: Option<&'a str>,
        vetting: Option<&'a Vetting>,
    }

    fn item(id: &str, vetting: Option<Vetting>, reason: Option<&str>) -> ReviewedItem {
        ReviewedItem {
            row_id: 1,
            domain: "finance".into(),
            model: "m".into(),
            body: ItemBody::Answer(AnswerBody {
                question: "q".into(),
                answer: "a".into(),
                evidence: Vec::new(),
            }),
            vetting,
            decision: Decision {
                id: id.into(),
                item: "item \"1\"".into(),
                item_version: 1,
                reviewer: "rév\n".into(),
                action: Action::Edit,
                edited: None,
                reason: reason.map(str::to_owned),
                note: None,
                decided_at: chrono::DateTime::from_timestamp(1_700_000_000, 123_000_000)
                    .expect("time"),
                reverts: None,
                edit_distance: None,
                pick: None,
            },
        }
    }

    #[test]
    fn lines_are_what_serde_writes_for_the_whole_struct() {
        let vetting = Vetting {
            model: "vetter".into(),
            verdict: Verdict::Flag,
            score: Some(0.5),
            reasons: vec!["r \"1\"".into()],
            prompt: Some("vet.v3+d:0123abcd".into()),
        };
        let mut provenance = Provenance::default();
        provenance.set(&item("stale", None, None), Some("old"));
        let mut out = b"stale line".to_vec();
        for (item, note) in [
            (
                item("d-1\t", Some(vetting), Some("why")),
                Some("a \"note\""),
            ),
            (item("d-2", None, None), None),
        ] {
            provenance.set(&item, note);
            for (suffix, split, line) in [("kto-true", "train", 1), ("kto-false", "validation", 7)]
            {
                provenance.write_line(suffix, split, line, &mut out);
                let d = &item.decision;
                let expected = serde_json::to_string(&SidecarLine {
                    line_id: format!("{}/{suffix}", d.id),
                    split,
                    line,
                    item: &d.item,
                    decision: &d.id,
                    action: d.action,
                    reviewer: &d.reviewer,
                    decided_at: d
                        .decided_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    reason: d.reason.as_deref(),
                    note,
                    vetting: item.vetting.as_ref(),
                })
                .expect("serializes");
                assert_eq!(String::from_utf8(out.clone()).expect("utf-8"), expected);
            }
        }
    }
}
