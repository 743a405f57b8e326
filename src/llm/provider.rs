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
//!
//! [prices."my-finetune"]             # USD per million tokens, added to the built-in table
//! input_per_mtok = 0.30
//! output_per_mtok = 1.20
//! ```
//!
//! Keys never appear in the settings file: a provider's key is read from its `api_key_env`
//! variable, else from the OS keyring entry named after the provider (see [`super::keys`]).
//! The app and `vetted provider add|remove` edit the file in place, keeping its comments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::keys::{KeyLookup, KeySource};
use super::prices::{Price, PriceTable};
use super::secret::ApiKey;
use crate::error::{Error, Result};

/// The environment variable a provider's key is read from unless it names another.
pub const DEFAULT_KEY_ENV: &str = "OPENAI_API_KEY";

/// File name of the settings file.
pub const SETTINGS_FILE: &str = "vetted.toml";

/// One named provider as written in the settings file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ts_rs::TS)]
#[ts(export)]
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

/// A provider as the app and `vetted provider list` show it: never the key, only its source.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProviderStatus {
    pub name: String,
    pub config: ProviderConfig,
    pub key: KeySource,
}

/// The settings file and its providers, as the app shows them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProvidersView {
    pub settings_file: String,
    pub providers: Vec<ProviderStatus>,
}

impl ProvidersView {
    pub fn load(path: &Path) -> Result<ProvidersView> {
        Ok(ProvidersView {
            providers: Settings::load(path)?.statuses(),
            settings_file: path.display().to_string(),
        })
    }
}

/// The settings file: named providers and model prices.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Prices per model, over the built-in ones (see [`super::prices`]).
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
    /// Where the settings were read from, for messages.
    #[serde(skip)]
    path: PathBuf,
}

impl Settings {
    /// Reads the settings file; a missing file is empty settings.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut settings: Settings = toml::from_str(&text)
            .map_err(|e| Error::Config(format!("{}: {}", path.display(), e.message())))?;
        settings.path = path.to_owned();
        Ok(settings)
    }

    /// The built-in prices with this file's `[prices."MODEL"]` entries over them.
    pub fn prices(&self) -> Result<PriceTable> {
        PriceTable::with_overrides(self.prices.clone())
            .map_err(|e| Error::Config(format!("{}: {e}", self.path.display())))
    }

    /// The settings file used with the database at `db`: `vetted.toml` beside it if present,
    /// else in the OS config directory (`~/.config/vetted/` on Linux).
    pub fn default_path(db: &Path) -> PathBuf {
        let beside = db.with_file_name(SETTINGS_FILE);
        if beside.exists() {
            return beside;
        }
        Settings::user_path().unwrap_or(beside)
    }

    /// The settings file in the OS config directory (`~/.config/vetted/vetted.toml` on Linux):
    /// what a team server session uses, having no file to sit beside. `None` when the system
    /// names no config directory.
    pub fn user_path() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("vetted").join(SETTINGS_FILE))
    }

    /// The named provider, with its key read from the environment.
    pub fn provider(&self, name: &str) -> Result<Provider> {
        let config = self.providers.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.providers.keys().map(String::as_str).collect();
            Error::Config(format!(
                "no provider named '{name}' in the settings (known: {}); add a [providers.{name}] \
                 table to {SETTINGS_FILE}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        config.provider(name)
    }

    /// Every provider with where its key comes from (the key itself stays in the core).
    pub fn statuses(&self) -> Vec<ProviderStatus> {
        self.providers
            .iter()
            .map(|(name, config)| ProviderStatus {
                name: name.clone(),
                key: config.key_lookup(name).resolve().1,
                config: config.clone(),
            })
            .collect()
    }

    /// Adds provider `name` to the settings file at `path`, or replaces its table, keeping the
    /// rest of the file (comments included). The file and its directory are created if needed.
    /// Errors: `Config` for a bad name, base URL or model, or a file that is not valid TOML.
    pub fn save_provider(path: &Path, name: &str, config: &ProviderConfig) -> Result<()> {
        check_name(name)?;
        config.check(name)?;
        let mut document = edit_document(path)?;
        let providers = providers_table(&mut document, path)?;
        let mut table = toml_edit::Table::new();
        table["base_url"] = toml_edit::value(config.base_url.trim().trim_end_matches('/'));
        table["model"] = toml_edit::value(config.model.trim());
        if config.api_key_env != DEFAULT_KEY_ENV {
            table["api_key_env"] = toml_edit::value(config.api_key_env.trim());
        }
        providers.insert(name, toml_edit::Item::Table(table));
        write_document(path, &document)
    }

    /// Removes provider `name`'s table from the settings file; `false` when it had none.
    pub fn remove_provider(path: &Path, name: &str) -> Result<bool> {
        let mut document = edit_document(path)?;
        let removed = providers_table(&mut document, path)?.remove(name).is_some();
        if removed {
            write_document(path, &document)?;
        }
        Ok(removed)
    }
}

impl ProviderConfig {
    /// The provider called `name`, with its key looked up in the environment, then the keyring.
    pub fn provider(&self, name: &str) -> Result<Provider> {
        Provider::new(name, &self.base_url, &self.model, self.key_lookup(name))
    }

    fn key_lookup<'a>(&'a self, name: &'a str) -> KeyLookup<'a> {
        KeyLookup {
            env_var: &self.api_key_env,
            keyring_entry: Some(name),
        }
    }

    fn check(&self, name: &str) -> Result<()> {
        check_base_url(name, &self.base_url)?;
        check_model(name, &self.model)?;
        let var = self.api_key_env.trim();
        if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Error::Config(format!(
                "provider '{name}': the key variable '{var}' must be letters, digits and _, \
                 e.g. OPENAI_API_KEY"
            )));
        }
        Ok(())
    }
}

/// Provider names are keyring entries and TOML keys: letters, digits, `-` and `_`, ≤ 64.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "'{name}' is not a usable provider name: use 1–64 letters, digits, - or _"
        )))
    }
}

fn check_base_url(name: &str, base_url: &str) -> Result<()> {
    let base_url = base_url.trim();
    if base_url.starts_with("http://") || base_url.starts_with("https://") {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "provider '{name}': base URL '{base_url}' must start with http:// or https://"
        )))
    }
}

fn check_model(name: &str, model: &str) -> Result<()> {
    if model.trim().is_empty() {
        return Err(Error::Config(format!(
            "provider '{name}': the model is empty"
        )));
    }
    Ok(())
}

fn edit_document(path: &Path) -> Result<toml_edit::DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    text.parse().map_err(|e: toml_edit::TomlError| {
        Error::Config(format!("{}: {}", path.display(), e.message()))
    })
}

fn providers_table<'d>(
    document: &'d mut toml_edit::DocumentMut,
    path: &Path,
) -> Result<&'d mut toml_edit::Table> {
    let item = document
        .entry("providers")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    item.as_table_mut().ok_or_else(|| {
        Error::Config(format!(
            "{}: `providers` must be a table of [providers.NAME] tables",
            path.display()
        ))
    })
}

/// Writes beside the file and renames over it, so a crash leaves the old file or the new one.
fn write_document(path: &Path, document: &toml_edit::DocumentMut) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut file, document.to_string().as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A resolved provider: ready for [`super::Client::new`]. Its `Debug` hides the key.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Shown in messages and recorded with each call (never the key).
    pub name: String,
    /// Without a trailing slash, e.g. `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    pub model: String,
    /// `None` when neither the environment nor the keyring has one: local servers need none.
    pub api_key: Option<ApiKey>,
    /// Where `api_key` came from.
    pub key_source: KeySource,
}

impl Provider {
    /// Errors: `Config` for an empty model or a base URL that is not http(s).
    pub fn new(name: &str, base_url: &str, model: &str, key: KeyLookup<'_>) -> Result<Provider> {
        check_base_url(name, base_url)?;
        check_model(name, model)?;
        let (api_key, key_source) = key.resolve();
        Ok(Provider {
            name: name.to_owned(),
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            model: model.trim().to_owned(),
            api_key,
            key_source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str, model: &str) -> ProviderConfig {
        ProviderConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key_env: DEFAULT_KEY_ENV.into(),
        }
    }

    #[test]
    fn saving_a_provider_keeps_the_rest_of_the_file_and_its_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf").join(SETTINGS_FILE);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            "# our team's servers\n[providers.openai]\nbase_url = \"https://api.openai.com/v1\"\nmodel = \"gpt-4o-mini\" # cheap\n",
        )
        .unwrap();
        Settings::save_provider(
            &path,
            "local",
            &config("http://127.0.0.1:8080/v1/", " smollm2 "),
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# our team's servers") && text.contains("# cheap"),
            "{text}"
        );
        let settings = Settings::load(&path).unwrap();
        assert_eq!(settings.providers.len(), 2, "{text}");
        assert_eq!(
            settings.providers["local"],
            config("http://127.0.0.1:8080/v1", "smollm2"),
            "stored trimmed, without the trailing slash and without the default key variable"
        );
        assert!(
            !text.contains("api_key_env"),
            "the default variable is not written: {text}"
        );

        assert!(Settings::remove_provider(&path, "openai").unwrap());
        assert!(
            !Settings::remove_provider(&path, "openai").unwrap(),
            "already gone"
        );
        let settings = Settings::load(&path).unwrap();
        assert_eq!(settings.providers.keys().collect::<Vec<_>>(), ["local"]);
    }

    #[test]
    fn a_bad_provider_is_refused_and_the_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        let cases = [
            (
                "bad name",
                config("http://x/v1", "m"),
                "not a usable provider name",
            ),
            (
                "ok",
                config("ftp://x/v1", "m"),
                "must start with http:// or https://",
            ),
            ("ok", config("http://x/v1", "  "), "the model is empty"),
            (
                "ok",
                ProviderConfig {
                    api_key_env: "MY-KEY".into(),
                    ..config("http://x/v1", "m")
                },
                "letters, digits and _",
            ),
        ];
        for (name, config, expected) in cases {
            let e = Settings::save_provider(&path, name, &config).unwrap_err();
            assert!(e.to_string().contains(expected), "{name}: {e}");
        }
        assert!(!path.exists(), "nothing was written");
        std::fs::write(&path, "providers = 3\n").unwrap();
        let e = Settings::save_provider(&path, "ok", &config("http://x/v1", "m")).unwrap_err();
        assert!(e.to_string().contains("must be a table"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "providers = 3\n");
    }

    #[test]
    fn prices_in_the_settings_file_add_to_the_built_in_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(
            &path,
            "[prices.\"my-finetune\"]\ninput_per_mtok = 0.3\noutput_per_mtok = 1.2\n",
        )
        .unwrap();
        let prices = Settings::load(&path).unwrap().prices().unwrap();
        assert_eq!(
            prices.price("my-finetune").map(|p| p.output_per_mtok),
            Some(1.2)
        );
        assert!(prices.price("gpt-4o-mini").is_some(), "the defaults stay");
        std::fs::write(
            &path,
            "[prices.x]\ninput_per_mtok = -1\noutput_per_mtok = 1\n",
        )
        .unwrap();
        let e = Settings::load(&path).unwrap().prices().unwrap_err();
        assert!(
            e.to_string()
                .contains("model 'x': prices must be 0 or more")
                && e.to_string().contains(SETTINGS_FILE),
            "{e}"
        );
    }
}
