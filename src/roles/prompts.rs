//! Versioned prompt templates: `prompts/{template}.v{N}.md` in the repository, compiled in. A
//! template is the system message; `{{domain}}` is replaced by the item's domain. The version
//! (`vet.v3`) is recorded with every call, so a decision can be traced to the prompt that
//! produced what was reviewed.
//!
//! Per-domain override: with a prompt directory (`--prompts DIR`), `DIR/{domain}/{template}.md`
//! replaces the built-in template for that domain; its recorded version is the built-in one
//! plus `+{domain}:{first 8 hex of its SHA-256}`, so an edited override is a new version.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::Role;
use crate::error::{Error, Result};

/// A rendered system prompt and the version to record with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub version: String,
    pub text: String,
}

/// What a call asks: one template per task. The relate role has two: propose relationships
/// between two products, and rank the candidates discovery proposed (`vetted relate --rank`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The prompt of `template` in `domain`: the override in `dir` if there is one, else built-in.
///
/// Errors: `Io` when an override exists but cannot be read.
pub fn prompt_for(template: Template, domain: &str, dir: Option<&Path>) -> Result<Prompt> {
    let (version, text) = builtin(template);
    let override_path = dir.map(|d| d.join(domain).join(format!("{}.md", template.name())));
    let (version, text) = match override_path.filter(|p| p.is_file()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let digest = hex::encode(Sha256::digest(text.as_bytes()));
            (format!("{version}+{domain}:{}", &digest[..8]), text)
        }
        None => (version.to_owned(), text.to_owned()),
    };
    Ok(Prompt {
        version,
        text: text.replace("{{domain}}", domain),
    })
}

/// The prompt of `template` for each of `domains`, loaded before a run starts so a broken
/// override stops the run before any call is paid for.
pub fn prompts_by_domain<'a>(
    template: Template,
    domains: impl IntoIterator<Item = &'a str>,
    dir: Option<&Path>,
) -> Result<BTreeMap<String, Prompt>> {
    domains
        .into_iter()
        .map(|domain| Ok((domain.to_owned(), prompt_for(template, domain, dir)?)))
        .collect()
}
