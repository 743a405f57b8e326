//! Where a provider's API key comes from, and the only place one is ever written.
//!
//! Lookup order: the provider's environment variable (`api_key_env`, `OPENAI_API_KEY` by
//! default — what CI and scripts use), then the OS keyring entry *service* `vetted`, *user* =
//! the provider's name (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows). Keys are written to the keyring only: never to the settings file, the database,
//! logs or exports. Callers outside the core learn a [`KeySource`], never the key.

use super::secret::ApiKey;
use crate::error::{Error, Result};

/// The keyring *service* under which every provider key is stored.
pub const KEYRING_SERVICE: &str = "vetted";

/// Where a provider's key was found — all the UI may know about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum KeySource {
    /// Read from this environment variable (it wins over the keyring).
    Env { var: String },
    /// Stored in the OS keyring.
    Keyring,
    /// No key anywhere: fine for local servers, which need none.
    Missing,
    /// No key in the environment, and the keyring could not be read.
    KeyringUnavailable { message: String },
}

/// Where to look for one provider's key.
#[derive(Debug, Clone, Copy)]
pub struct KeyLookup<'a> {
    /// Environment variable checked first.
    pub env_var: &'a str,
    /// Keyring entry (a provider name) checked next; `None` skips the keyring.
    pub keyring_entry: Option<&'a str>,
}

impl<'a> KeyLookup<'a> {
    /// Only the environment variable `env_var`, no keyring.
    pub fn env(env_var: &'a str) -> Self {
        KeyLookup {
            env_var,
            keyring_entry: None,
        }
    }

    /// The key and where it came from. A keyring that cannot be reached is not an error here
    /// (local servers need no key); it is reported in the source so the UI can say so.
    pub fn resolve(&self) -> (Option<ApiKey>, KeySource) {
        self.resolve_with(ApiKey::new)
    }

    /// A database password, looked up like a key but taken as it is (see
    /// [`ApiKey::verbatim`]): a password may begin or end with spaces.
    pub fn resolve_password(&self) -> Option<ApiKey> {
        self.resolve_with(ApiKey::verbatim).0
    }

    /// [`KeyLookup::resolve`], each value found made a secret by `make`.
    fn resolve_with(&self, make: fn(String) -> Option<ApiKey>) -> (Option<ApiKey>, KeySource) {
        if let Some(key) = std::env::var(self.env_var).ok().and_then(make) {
            let var = self.env_var.to_owned();
            return (Some(key), KeySource::Env { var });
        }
        let Some(provider) = self.keyring_entry else {
            return (None, KeySource::Missing);
        };
        match entry(provider, "read").and_then(|e| read(&e, provider, make)) {
            Ok(Some(key)) => (Some(key), KeySource::Keyring),
            Ok(None) => (None, KeySource::Missing),
            Err(e) => (
                None,
                KeySource::KeyringUnavailable {
                    message: e.to_string(),
                },
            ),
        }
    }
}

/// The database password kept under `name` in the OS keyring, as it is; `None` when there is
/// none or the keyring cannot be reached.
pub fn keyring_password(name: &str) -> Option<ApiKey> {
    entry(name, "read")
        .and_then(|e| read(&e, name, ApiKey::verbatim))
        .ok()
        .flatten()
}

/// Stores `key` as provider `provider`'s key in the OS keyring, replacing any earlier one.
/// Errors: `Config` for an empty key; `Keyring` when the keyring refuses or is unreachable.
pub fn store_key(provider: &str, key: &str) -> Result<()> {
    let key = ApiKey::new(key)
        .ok_or_else(|| Error::Config(format!("the key for provider '{provider}' is empty")))?;
    store(provider, &key)
}

/// Stores a database password under `entry`, as it is (see [`ApiKey::verbatim`]).
pub fn store_password(entry: &str, password: &str) -> Result<()> {
    let password = ApiKey::verbatim(password)
        .ok_or_else(|| Error::Config(format!("the password for {entry} is empty")))?;
    store(entry, &password)
}

fn store(name: &str, secret: &ApiKey) -> Result<()> {
    entry(name, "store")?
        .set_password(secret.expose())
        .map_err(|e| keyring_error(name, "store", e))
}

/// Removes provider `provider`'s key from the keyring; `false` when there was none.
pub fn forget_key(provider: &str) -> Result<bool> {
    match entry(provider, "remove")?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(keyring_error(provider, "remove", e)),
    }
}

fn entry(provider: &str, action: &'static str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, provider).map_err(|e| keyring_error(provider, action, e))
}

fn read(
    entry: &keyring::Entry,
    provider: &str,
    make: fn(String) -> Option<ApiKey>,
) -> Result<Option<ApiKey>> {
    match entry.get_password() {
        Ok(key) => Ok(make(key)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(provider, "read", e)),
    }
}

fn keyring_error(provider: &str, action: &'static str, e: keyring::Error) -> Error {
    Error::Keyring {
        entry: provider.to_owned(),
        action,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_and_is_named_without_the_key() {
        // PATH is set in every test environment; its value stands in for a key.
        let path = std::env::var("PATH").expect("PATH is set");
        let lookup = KeyLookup {
            env_var: "PATH",
            keyring_entry: Some("vetted-test-never-stored"),
        };
        let (key, source) = lookup.resolve();
        assert_eq!(key.map(|k| k.expose().to_owned()), Some(path.clone()));
        assert_eq!(
            source,
            KeySource::Env { var: "PATH".into() },
            "the variable wins"
        );
        let shown = serde_json::to_string(&source).unwrap();
        assert!(
            !shown.contains(&path),
            "the source never carries the key: {shown}"
        );
    }

    #[test]
    fn without_env_or_keyring_entry_the_key_is_missing() {
        let (key, source) = KeyLookup::env("VETTED_TEST_KEYS_UNSET").resolve();
        assert!(key.is_none());
        assert_eq!(source, KeySource::Missing);
    }

    #[test]
    fn an_empty_key_is_refused_before_the_keyring_is_touched() {
        let e = store_key("openai", "   ").unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Config, "{e}");
    }
}
