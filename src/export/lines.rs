//! The line shapes of the training formats. Every format puts the same system and user turns
//! in front of its completion(s); only the JSON around them differs.

use serde::Serialize;

use super::Format;
use super::mapping::Example;

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

fn system(content: &str) -> Message<'_> {
    Message {
        role: "system",
        content,
    }
}
fn user(content: &str) -> Message<'_> {
    Message {
        role: "user",
        content,
    }
}
fn assistant(content: &str) -> [Message<'_>; 1] {
    [Message {
        role: "assistant",
        content,
    }]
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
struct TrlKto<'a> {
    prompt: [Message<'a>; 2],
    completion: [Message<'a>; 1],
    label: bool,
}

/// Appends the JSON line (without newline) for `example` in `format` to `out`. Examples of a
/// family the format does not take write nothing and return `false`.
pub fn write(
    format: Format,
    prompt_completion: bool,
    (sys, usr): (&str, &str),
    example: &Example<'_>,
    out: &mut Vec<u8>,
) -> bool {
    let result = match (format, example) {
        (Format::TrlSft, Example::Sft { completion }) if prompt_completion => {
            serde_json::to_writer(
                &mut *out,
                &PromptCompletion {
                    prompt: [system(sys), user(usr)],
                    completion: assistant(completion),
                },
            )
        }
        (Format::OpenaiSft | Format::TrlSft, Example::Sft { completion }) => {
            let [reply] = assistant(completion);
            serde_json::to_writer(
                &mut *out,
                &Conversation {
                    messages: [system(sys), user(usr), reply],
                },
            )
        }
        (Format::OpenaiDpo, Example::Preference { chosen, rejected }) => serde_json::to_writer(
            &mut *out,
            &OpenAiPreference {
                input: OpenAiInput {
                    messages: [system(sys), user(usr)],
                },
                preferred_output: assistant(chosen),
                non_preferred_output: assistant(rejected),
            },
        ),
        (Format::TrlDpo, Example::Preference { chosen, rejected }) => serde_json::to_writer(
            &mut *out,
            &TrlPreference {
                prompt: [system(sys), user(usr)],
                chosen: assistant(chosen),
                rejected: assistant(rejected),
            },
        ),
        (Format::TrlKto, Example::Kto { completion, label }) => serde_json::to_writer(
            &mut *out,
            &TrlKto {
                prompt: [system(sys), user(usr)],
                completion: assistant(completion),
                label: *label,
            },
        ),
        _ => return false,
    };
    result.expect("serializing to memory cannot fail");
    true
}
