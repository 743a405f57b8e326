//! Versioned prompt templates: `prompts/{role}.v{N}.md` in the repository, compiled in. A
//! template is the system message; `{{domain}}` is replaced by the item's domain. The version
//! (`vet.v2`) is recorded with every call, so a decision can be traced to the prompt that
//! produced what was reviewed.
//!
//! Per-domain override: with a prompt directory (`--prompts DIR`), `DIR/{domain}/{role}.md`
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

/// The built-in template and its version for `role`.
pub fn builtin(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Generate => ("generate.v1", include_str!("../../prompts/generate.v1.md")),
        Role::Relate => ("relate.v1", include_str!("../../prompts/relate.v1.md")),
        Role::Vet => ("vet.v2", include_str!("../../prompts/vet.v2.md")),
    }
}

/// The prompt for `role` in `domain`: the override in `dir` if there is one, else built-in.
///
/// Errors: `Io` when an override exists but cannot be read.
pub fn prompt_for(role: Role, domain: &str, dir: Option<&Path>) -> Result<Prompt> {
    let (version, template) = builtin(role);
    let override_path = dir.map(|d| d.join(domain).join(format!("{}.md", role.as_str())));
    let (version, template) = match override_path.filter(|p| p.is_file()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let digest = hex::encode(Sha256::digest(text.as_bytes()));
            (format!("{version}+{domain}:{}", &digest[..8]), text)
        }
        None => (version.to_owned(), template.to_owned()),
    };
    Ok(Prompt {
        version,
        text: template.replace("{{domain}}", domain),
    })
}

/// The prompt of `role` for each of `domains`, loaded before a run starts so a broken override
/// stops the run before any call is paid for.
pub fn prompts_by_domain<'a>(
    role: Role,
    domains: impl IntoIterator<Item = &'a str>,
    dir: Option<&Path>,
) -> Result<BTreeMap<String, Prompt>> {
    domains
        .into_iter()
        .map(|domain| Ok((domain.to_owned(), prompt_for(role, domain, dir)?)))
        .collect()
}
