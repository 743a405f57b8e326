//! The line shapes of the training formats. Every format puts the same system and user turns
//! in front of its completion(s); only the JSON around them differs.
//!
//! The two prompt turns are escaped once per item ([`PromptJson`]) and copied into each line
//! the item yields (KTO writes two for an edit, DPO one per sibling). Lines are byte for byte
//! what serde_json writes for the formats' structs (compact, fields in declaration order); the
//! tests compare the two.

use super::mapping::Example;
use super::{Format, json_string};

/// An item's system and user turns as two JSON array elements, without the brackets:
/// `{"role":"system","content":…},{"role":"user","content":…}`. A buffer reused across items.
#[derive(Default)]
pub struct PromptJson(Vec<u8>);

impl PromptJson {
    /// Replaces the turns with those of the next item.
    pub fn set(&mut self, system: &str, user: &str) {
        self.0.clear();
        message(&mut self.0, "system", system);
        self.0.push(b',');
        message(&mut self.0, "user", user);
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `{"role":ROLE,"content":…}`; `role` is a plain word that needs no escape.
fn message(out: &mut Vec<u8>, role: &'static str, content: &str) {
    out.extend_from_slice(br#"{"role":""#);
    out.extend_from_slice(role.as_bytes());
    out.extend_from_slice(br#"","content":"#);
    json_string::write(out, content);
    out.push(b'}');
}

/// `[{"role":"assistant","content":…}]`.
fn assistant(out: &mut Vec<u8>, content: &str) {
    out.push(b'[');
    message(out, "assistant", content);
    out.push(b']');
}

/// Writes what follows the prompt in a line.
type WriteTail<'a> = &'a dyn Fn(&mut Vec<u8>);

/// Appends the JSON line (without newline) for `example` in `format` to `out` and returns where
/// the prompt starts in it: every line of one format and variant is
/// `out[..start]` (the same bytes for all of them), then `prompt`, then the rest, so equal
/// lines are exactly those with equal prompts and equal rests. Examples of a family the format
/// does not take write nothing and return `None`.
pub fn write(
    format: Format,
    prompt_completion: bool,
    prompt: &PromptJson,
    example: &Example<'_>,
    out: &mut Vec<u8>,
) -> Option<usize> {
    let (head, tail): (&[u8], WriteTail<'_>) = match (format, example) {
        (Format::TrlSft, Example::Sft { completion }) if prompt_completion => {
            (br#"{"prompt":["#, &|out| {
                out.extend_from_slice(br#"],"completion":"#);
                assistant(out, completion);
            })
        }
        (Format::OpenaiSft | Format::TrlSft, Example::Sft { completion }) => {
            (br#"{"messages":["#, &|out| {
                out.push(b',');
                message(out, "assistant", completion);
                out.push(b']');
            })
        }
        (Format::OpenaiDpo, Example::Preference { chosen, rejected }) => {
            (br#"{"input":{"messages":["#, &|out| {
                out.extend_from_slice(br#"]},"preferred_output":"#);
                assistant(out, chosen);
                out.extend_from_slice(br#","non_preferred_output":"#);
                assistant(out, rejected);
            })
        }
        (Format::TrlDpo, Example::Preference { chosen, rejected }) => (br#"{"prompt":["#, &|out| {
            out.extend_from_slice(br#"],"chosen":"#);
            assistant(out, chosen);
            out.extend_from_slice(br#","rejected":"#);
            assistant(out, rejected);
        }),
        // Implicit prompt (TRL's reward format): each conversation repeats the prompt turns.
        (Format::TrlReward, Example::Preference { chosen, rejected }) => {
            (br#"{"chosen":["#, &|out| {
                out.push(b',');
                message(out, "assistant", chosen);
                out.extend_from_slice(br#"],"rejected":["#);
                out.extend_from_slice(prompt.as_bytes());
                out.push(b',');
                message(out, "assistant", rejected);
                out.push(b']');
            })
        }
        (Format::TrlKto, Example::Kto { completion, label }) => (br#"{"prompt":["#, &|out| {
            out.extend_from_slice(br#"],"completion":"#);
            assistant(out, completion);
            out.extend_from_slice(if *label {
                br#","label":true"#
            } else {
                br#","label":false"#
            });
        }),
        _ => return None,
    };
    let start = out.len() + head.len();
    out.extend_from_slice(head);
    out.extend_from_slice(prompt.as_bytes());
    tail(out);
    out.push(b'}');
    Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Message<'a> {
        role: &'static str,
        content: &'a str,
    }

    // The formats' lines as structs, serialized by serde_json: what `write` must reproduce.
    fn msg<'a>(role: &'static str, content: &'a str) -> Message<'a> {
        Message { role, content }
    }

    #[derive(Serialize)]
    struct Conversation<'a> {
        messages: [Message<'a>; 3],
    }

    #[derive(Serialize)]
    struct PromptCompletion<'a> {
        prompt: [Message<'a>; 2],
        completion: [Message<'a>; 1],
    }

    #[derive(Serialize)]
    struct OpenAiInput<'a> {
        messages: [Message<'a>; 2],
    }

    #[derive(Serialize)]
    struct OpenAiPreference<'a> {
        input: OpenAiInput<'a>,
        preferred_output: [Message<'a>; 1],
        non_preferred_output: [Message<'a>; 1],
    }

    #[derive(Serialize)]
    struct TrlPreference<'a> {
        prompt: [Message<'a>; 2],
        chosen: [Message<'a>; 1],
        rejected: [Message<'a>; 1],
    }

    #[derive(Serialize)]
    struct TrlReward<'a> {
        chosen: [Message<'a>; 3],
        rejected: [Message<'a>; 3],
    }

    #[derive(Serialize)]
    struct TrlKto<'a> {
        prompt: [Message<'a>; 2],
        completion: [Message<'a>; 1],
        label: bool,
    }

    fn serde_line(value: &impl Serialize) -> String {
        serde_json::to_string(value).expect("serializes")
    }

    const SYS: &str = "You are \"careful\"\n\tfor finance \\ é 😀 \u{1}";
    const USR: &str = "Question: </script> ✓\r\n\nEvidence: \u{7f}\u{2028}";
    const A: &str = "chosen \"quoted\" \\ \u{0}";
    const B: &str = "rejected\nline";

    fn written(format: Format, prompt_completion: bool, example: &Example<'_>) -> String {
        let mut prompt = PromptJson::default();
        prompt.set("stale", "turns");
        prompt.set(SYS, USR);
        let mut out = Vec::new();
        let start = write(format, prompt_completion, &prompt, example, &mut out).expect("line");
        assert_eq!(
            &out[start..start + prompt.as_bytes().len()],
            prompt.as_bytes()
        );
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn every_format_writes_what_serde_writes_for_its_struct() {
        let sft = Example::Sft { completion: A };
        let pref = Example::Preference {
            chosen: A,
            rejected: B,
        };
        let cases: [(Format, bool, &Example<'_>, String); 9] = [
            (
                Format::TrlReward,
                false,
                &pref,
                serde_line(&TrlReward {
                    chosen: [msg("system", SYS), msg("user", USR), msg("assistant", A)],
                    rejected: [msg("system", SYS), msg("user", USR), msg("assistant", B)],
                }),
            ),
            (
                Format::OpenaiSft,
                false,
                &sft,
                serde_line(&Conversation {
                    messages: [msg("system", SYS), msg("user", USR), msg("assistant", A)],
                }),
            ),
            (
                Format::TrlSft,
                false,
                &sft,
                serde_line(&Conversation {
                    messages: [msg("system", SYS), msg("user", USR), msg("assistant", A)],
                }),
            ),
            (
                Format::TrlSft,
                true,
                &sft,
                serde_line(&PromptCompletion {
                    prompt: [msg("system", SYS), msg("user", USR)],
                    completion: [msg("assistant", A)],
                }),
            ),
            (
                Format::OpenaiDpo,
                false,
                &pref,
                serde_line(&OpenAiPreference {
                    input: OpenAiInput {
                        messages: [msg("system", SYS), msg("user", USR)],
                    },
                    preferred_output: [msg("assistant", A)],
                    non_preferred_output: [msg("assistant", B)],
                }),
            ),
            (
                Format::TrlDpo,
                false,
                &pref,
                serde_line(&TrlPreference {
                    prompt: [msg("system", SYS), msg("user", USR)],
                    chosen: [msg("assistant", A)],
                    rejected: [msg("assistant", B)],
                }),
            ),
            (
                Format::TrlKto,
                false,
                &Example::Kto {
                    completion: A,
                    label: true,
                },
                serde_line(&TrlKto {
                    prompt: [msg("system", SYS), msg("user", USR)],
                    completion: [msg("assistant", A)],
                    label: true,
                }),
            ),
            (
                Format::TrlKto,
                false,
                &Example::Kto {
                    completion: B,
                    label: false,
                },
                serde_line(&TrlKto {
                    prompt: [msg("system", SYS), msg("user", USR)],
                    completion: [msg("assistant", B)],
                    label: false,
                }),
            ),
            (
                Format::OpenaiDpo,
                true,
                &pref,
                serde_line(&OpenAiPreference {
                    input: OpenAiInput {
                        messages: [msg("system", SYS), msg("user", USR)],
                    },
                    preferred_output: [msg("assistant", A)],
                    non_preferred_output: [msg("assistant", B)],
                }),
            ),
        ];
        for (format, prompt_completion, example, expected) in cases {
            assert_eq!(
                written(format, prompt_completion, example),
                expected,
                "{format:?}"
            );
        }
    }

    #[test]
    fn examples_of_another_family_write_nothing() {
        let mut out = Vec::new();
        let prompt = PromptJson::default();
        let kto = Example::Kto {
            completion: A,
            label: true,
        };
        for format in [
            Format::OpenaiSft,
            Format::OpenaiDpo,
            Format::TrlDpo,
            Format::TrlReward,
        ] {
            assert_eq!(write(format, false, &prompt, &kto, &mut out), None);
        }
        assert!(out.is_empty());
    }
}
