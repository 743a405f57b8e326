//! The privacy screen over structured content: every string of a JSON value is screened as the
//! plain text it is, before anything is serialized — so a finding at the start of a line is seen
//! (no `\n` escape glued to it) and a placeholder never lands inside a JSON escape.

use serde_json::Value;

use super::{Manifest, PiiMode};
use crate::domain::ItemBody;
use crate::privacy;

/// Screens every string in `value` (all of them, so the manifest counts every finding): redacts
/// them in `redact` mode; in `exclude` mode returns false when anything was found (the caller
/// leaves the item out). Object keys are Vetted's own and left alone.
pub(super) fn screen_strings(value: &mut Value, mode: PiiMode, manifest: &mut Manifest) -> bool {
    let children: Vec<&mut Value> = match value {
        Value::String(text) => {
            return match mode {
                PiiMode::Off => true,
                PiiMode::Redact => {
                    *text = privacy::redact(text, &mut manifest.privacy.found).into_owned();
                    true
                }
                PiiMode::Exclude => {
                    let found = privacy::scan(text);
                    manifest.privacy.found.add(&found);
                    found.is_empty()
                }
            };
        }
        Value::Array(values) => values.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => return true,
    };
    let mut clean = true;
    for child in children {
        clean &= screen_strings(child, mode, manifest);
    }
    clean
}

/// `body` with every text screened (see [`screen_strings`]); `None` when `exclude` mode found
/// something in it.
pub(super) fn screened_body(
    body: &ItemBody,
    mode: PiiMode,
    manifest: &mut Manifest,
) -> Option<ItemBody> {
    if mode == PiiMode::Off {
        return Some(body.clone());
    }
    let mut value = serde_json::to_value(body).expect("an item body serializes");
    if !screen_strings(&mut value, mode, manifest) {
        return None;
    }
    Some(serde_json::from_value(value).expect("a screened body keeps its shape"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{ExportOptions, Format};

    #[test]
    fn a_finding_at_the_start_of_a_line_is_redacted_and_the_json_stays_valid() {
        let mut manifest = Manifest::new(&ExportOptions::new(Format::VetterClaims, "x"), 17);
        let mut value =
            serde_json::json!({"claims": [{"claim": "Mail us:\nalice@example.com today"}]});
        assert!(screen_strings(&mut value, PiiMode::Redact, &mut manifest));
        assert_eq!(value["claims"][0]["claim"], "Mail us:\n[EMAIL] today");
        let text = value.to_string();
        assert!(
            serde_json::from_str::<Value>(&text).is_ok(),
            "still JSON: {text}"
        );
        let mut value = serde_json::json!(["fine", "call +1 (415) 555-0134"]);
        assert!(
            !screen_strings(&mut value, PiiMode::Exclude, &mut manifest),
            "exclude mode reports the finding"
        );
    }
}
