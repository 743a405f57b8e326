//! An API key that cannot leak by accident: no `Display`, no `Serialize`, and a `Debug` that
//! prints only whether a key is there. The only way to read it is [`ApiKey::expose`], used once,
//! to build the `Authorization` header (which reqwest marks sensitive).

/// A provider's API key, read from the environment at start-up and never written anywhere.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// `None` for an empty or whitespace-only value.
    pub fn new(value: impl Into<String>) -> Option<ApiKey> {
        let value = value.into();
        (!value.trim().is_empty()).then(|| ApiKey(value.trim().to_owned()))
    }

    /// A password, taken as it is: it may begin or end with spaces. `None` only when empty.
    pub fn verbatim(value: impl Into<String>) -> Option<ApiKey> {
        let value = value.into();
        (!value.is_empty()).then_some(ApiKey(value))
    }

    /// Reads the key from the environment variable `var`.
    pub fn from_env(var: &str) -> Option<ApiKey> {
        std::env::var(var).ok().and_then(ApiKey::new)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the key in `text` (e.g. a server echoing it in an error).
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "[redacted]")
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}
