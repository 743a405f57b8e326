//! Versioned prompt templates: `prompts/{template}.v{N}.md` in the repository, compiled in. A
//! template is the system message; `{{domain}}` is replaced by the item's domain. The version
//! (`vet.v3`) is recorded with every call, so a decision can be traced to the prompt that
//! produced what was reviewed.
//!
//! Per-domain overrides, first found wins:
//! 1. with a prompt directory (`--prompts DIR`), the file `DIR/{domain}/{template}.md`;
//! 2. the domain's revision in force in the database (`vetted prompts set`, the app's Prompts
//!    dialog; `store::prompt_revisions`, append-only, so every version stays readable);
//! 3. the built-in template.
//!
//! An override's recorded version is the built-in one plus `+{domain}:{first 8 hex of the
//! SHA-256 of its text}`, from a file or the database alike: an edit is a new version, and the
//! same text is the same version wherever it came from.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::Role;
use crate::error::{Error, Result};
use crate::store::{PromptRevision, Store};

/// Longest accepted template text, in characters.
pub const MAX_PROMPT_CHARS: usize = 20_000;

/// A rendered system prompt and the version to record with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub version: String,
    pub text: String,
}

/// What a call asks: one template per task. The relate role has two: propose relationships
/// between two products, and rank the candidates discovery proposed (`vetted relate --rank`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "PromptTemplate")]
pub enum Template {
    Generate,
    Relate,
    Rank,
    Vet,
}

impl Template {
    /// The role whose calls use this template.
    pub fn role(self) -> Role {
        match self {
            Template::Generate => Role::Generate,
            Template::Relate | Template::Rank => Role::Relate,
            Template::Vet => Role::Vet,
        }
    }

    /// The name of its files: `prompts/{name}.v{N}.md`, overrides `DIR/{domain}/{name}.md`.
    pub fn name(self) -> &'static str {
        match self {
            Template::Generate => "generate",
            Template::Relate => "relate",
            Template::Rank => "rank",
            Template::Vet => "vet",
        }
    }
}

/// The built-in template and its version.
pub fn builtin(template: Template) -> (&'static str, &'static str) {
    match template {
        Template::Generate => ("generate.v2", include_str!("../../prompts/generate.v2.md")),
        Template::Relate => ("relate.v2", include_str!("../../prompts/relate.v2.md")),
        Template::Rank => ("rank.v1", include_str!("../../prompts/rank.v1.md")),
        Template::Vet => ("vet.v3", include_str!("../../prompts/vet.v3.md")),
    }
}

impl std::str::FromStr for Template {
    type Err = Error;

    fn from_str(s: &str) -> Result<Template> {
        [
            Template::Generate,
            Template::Relate,
            Template::Rank,
            Template::Vet,
        ]
        .into_iter()
        .find(|t| t.name() == s)
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "unknown prompt template '{s}': use generate, relate, rank or vet"
            ))
        })
    }
}

/// The version an override of `template` in `domain` with `text` records: derived from the text
/// when it is used (so a file and a database revision with the same text agree, today and after a
/// new built-in version), and the built-in version for the built-in text itself.
fn override_version(template: Template, domain: &str, text: &str) -> String {
    let (version, builtin_text) = builtin(template);
    if text == builtin_text {
        return version.to_owned();
    }
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    format!("{version}+{domain}:{}", &digest[..8])
}

/// The prompt of `template` in `domain` (see the module header for which wins).
///
/// Errors: `Io` when an override file exists but cannot be read.
pub fn prompt_for(
    store: &Store,
    template: Template,
    domain: &str,
    dir: Option<&Path>,
) -> Result<Prompt> {
    let override_path = dir.map(|d| d.join(domain).join(format!("{}.md", template.name())));
    let (version, text) = match override_path.filter(|p| p.is_file()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            (override_version(template, domain, &text), text)
        }
        None => match store.prompt_in_force(domain, template.name())? {
            Some(PromptRevision {
                body: Some(body), ..
            }) => (override_version(template, domain, &body), body),
            _ => {
                let (version, text) = builtin(template);
                (version.to_owned(), text.to_owned())
            }
        },
    };
    Ok(Prompt {
        version,
        text: text.replace("{{domain}}", domain),
    })
}

/// A domain's template as the Prompts dialog and `vetted prompts show` present it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PromptView {
    pub domain: String,
    pub template: Template,
    /// The built-in template's version and text.
    pub builtin_version: String,
    pub builtin_text: String,
    /// The version and text in force in the database (`{{domain}}` not replaced): the latest
    /// revision's, or the built-in ones.
    pub version: String,
    pub text: String,
    /// Every revision, newest first, each with the version it was saved as.
    pub revisions: Vec<PromptRevision>,
}

/// `template` in `domain` as stored: in force, built in, and every revision.
pub fn prompt_view(store: &Store, template: Template, domain: &str) -> Result<PromptView> {
    let (builtin_version, builtin_text) = builtin(template);
    let in_force = store.prompt_in_force(domain, template.name())?;
    let (version, text) = match &in_force {
        Some(PromptRevision {
            body: Some(body), ..
        }) => (override_version(template, domain, body), body.clone()),
        _ => (builtin_version.to_owned(), builtin_text.to_owned()),
    };
    Ok(PromptView {
        domain: domain.to_owned(),
        template,
        builtin_version: builtin_version.to_owned(),
        builtin_text: builtin_text.to_owned(),
        version,
        text,
        revisions: store.prompt_revisions(domain, template.name())?,
    })
}

/// Puts `text` in force for `template` in `domain` as a new revision by `author`; `None`, or the
/// built-in text itself, returns the domain to the built-in template. Text identical to the one
/// in force is refused (nothing would change).
pub fn set_prompt(
    store: &mut Store,
    template: Template,
    domain: &str,
    text: Option<&str>,
    author: &str,
) -> Result<PromptRevision> {
    if domain.trim().is_empty() {
        return Err(Error::BadRequest(
            "name the domain the prompt is for".into(),
        ));
    }
    let (builtin_version, builtin_text) = builtin(template);
    let text = text.filter(|t| *t != builtin_text);
    if let Some(t) = text {
        if t.trim().is_empty() {
            return Err(Error::BadRequest(
                "the prompt is empty; write one, or reset the domain to the built-in prompt".into(),
            ));
        }
        if t.chars().count() > MAX_PROMPT_CHARS {
            return Err(Error::BadRequest(format!(
                "the prompt is longer than {MAX_PROMPT_CHARS} characters"
            )));
        }
    }
    let current = prompt_view(store, template, domain)?;
    if text.unwrap_or(builtin_text) == current.text {
        return Err(Error::BadRequest(format!(
            "the {} prompt of domain '{domain}' is already this text ({})",
            template.name(),
            current.version
        )));
    }
    let version = match text {
        Some(t) => override_version(template, domain, t),
        None => builtin_version.to_owned(),
    };
    store.add_prompt_revision(domain, template.name(), text, &version, author)
}

/// The prompt version a run records and reports: the one its calls share, else the built-in
/// version marked `(+ domain prompts)` when some domains use their own (each call records its
/// own version either way).
pub fn run_version<'a>(
    template: Template,
    prompts: impl IntoIterator<Item = &'a Prompt>,
) -> String {
    let builtin = builtin(template).0;
    let mut versions = prompts.into_iter().map(|p| p.version.as_str());
    match versions.next() {
        Some(first) if versions.all(|v| v == first) => first.to_owned(),
        Some(_) => format!("{builtin} (+ domain prompts)"),
        None => builtin.to_owned(),
    }
}

/// The prompt of `template` for each of `domains`, loaded before a run starts so a broken
/// override stops the run before any call is paid for.
pub fn prompts_by_domain<'a>(
    store: &Store,
    template: Template,
    domains: impl IntoIterator<Item = &'a str>,
    dir: Option<&Path>,
) -> Result<BTreeMap<String, Prompt>> {
    domains
        .into_iter()
        .map(|domain| Ok((domain.to_owned(), prompt_for(store, template, domain, dir)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reports_the_version_its_calls_share_else_says_domains_differ() {
        let p = |version: &str| Prompt {
            version: version.into(),
            text: String::new(),
        };
        let own = p("vet.v3+finance:1a2b3c4d");
        assert_eq!(run_version(Template::Vet, [&own, &own]), own.version);
        assert_eq!(
            run_version(Template::Vet, [&own, &p("vet.v3")]),
            "vet.v3 (+ domain prompts)"
        );
        assert_eq!(run_version(Template::Vet, []), "vet.v3");
        assert!("few-shot".parse::<Template>().is_err());
        assert_eq!("rank".parse::<Template>().unwrap(), Template::Rank);
    }
}
