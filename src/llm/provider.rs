//! Providers: where calls go (base URL), which model answers, and which environment variable
//! holds the key. Named providers live in a TOML settings file; the CLI can also name a server
//! directly with `--base-url URL --model NAME`.
//!
//! ```toml
//! # vetted.toml (next to the database, or in the OS config directory)
//! [providers.openai]
//! base_url = "https://api.openai.com/v1"
//! model = "gpt-4o-mini"
//! api_key_env = "OPENAI_API_KEY"   # the default
//! ```
//!
//! Keys are read from the environment only: never from the settings file, never stored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::secret::ApiKey;
use crate::error::{Error, Result};

/// The environment variable a provider's key is read from unless it names another.
pub const DEFAULT_KEY_ENV: &str = "OPENAI_API_KEY";

/// File name of the settings file.
pub const SETTINGS_FILE: &str = "vetted.toml";

/// One named provider as written in the settings file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    pub base_url: String,
    pub model: String,
    #[serde(default = "default_key_env")]
    pub api_key_env: String,
}

fn default_key_env() -> String {
    DEFAULT_KEY_ENV.to_owned()
}

/// The settings file: named providers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderConfig>,
}

impl Settings {
    /// Reads the settings file; a missing file is empty settings.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        toml::from_str(&text)
            .map_err(|e| Error::Config(format!("{}: {}", path.display(), e.message())))
    }

    /// The settings file used with the database at `db`: `vetted.toml` beside it if present,
    /// else in the OS config directory (`~/.config/vetted/` on Linux).
    pub fn default_path(db: &Path) -> PathBuf {
        let beside = db.with_file_name(SETTINGS_FILE);
        if beside.exists() {
            return beside;
        }
        dirs::config_dir()
            .map(|d| d.join("vetted").join(SETTINGS_FILE))
            .unwrap_or(beside)
    }

    /// The named provider, with its key read from the environment.
    pub fn provider(&self, name: &str) -> Result<Provider> {
        let config = self.providers.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.providers.keys().map(String::as_str).collect();
            Error::Config(format!(
                "no provider named '{name}' in the settings (known: {}); add a [providers.{name}] \
                 table to {SETTINGS_FILE}, or pass --base-url and --model",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        Provider::new(name, &config.base_url, &config.model, &config.api_key_env)
    }
}

/// A resolved provider: ready for [`super::Client::new`]. Its `Debug` hides the key.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Shown in messages and recorded with each call (never the key).
    pub name: String,
    /// Without a trailing slash, e.g. `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    pub model: String,
    /// `None` when the variable is unset: local servers need no key.
    pub api_key: Option<ApiKey>,
}

impl Provider {
    /// Errors: `Config` for an empty model or a base URL that is not http(s).
    pub fn new(name: &str, base_url: &str, model: &str, api_key_env: &str) -> Result<Provider> {
        let base_url = base_url.trim().trim_end_matches('/');
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "provider '{name}': base URL '{base_url}' must start with http:// or https://"
            )));
        }
        if model.trim().is_empty() {
            return Err(Error::Config(format!(
                "provider '{name}': the model is empty"
            )));
        }
        Ok(Provider {
            name: name.to_owned(),
            base_url: base_url.to_owned(),
            model: model.trim().to_owned(),
            api_key: ApiKey::from_env(api_key_env),
        })
    }

    /// Whether a key was found: the only thing about the key the UI may learn.
    pub fn has_key(&self) -> bool {
        self.api_key.is_some()
    }
}
