//! What to type next: the CLI's own advice after a core error. The core's messages say what went
//! wrong in words that also fit the app; the flags and commands that fix it are the CLI's to name.

use vetted::{Error, ErrorCode};

/// The hint printed after `error`'s message, if the CLI has one.
pub fn cli_hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::LlmHttp { status, .. } => match status {
            401 | 403 => Some("store the provider's key with `vetted provider set-key NAME`"),
            404 => Some("--base-url and --model override the provider's settings"),
            408 | 409 | 429 => Some("lower --concurrency"),
            _ => None,
        },
        // Same code as `AlreadyExists`, but no --force applies (a backup, a reason id, …).
        Error::Duplicate(_) => None,
        _ => code_hint(error.code()),
    }
}

/// The hint for an error known only by its code (as in a run's list of failures).
pub fn code_hint(code: ErrorCode) -> Option<&'static str> {
    match code {
        ErrorCode::NotADatabase => Some(
            "open another file with --db or VETTED_DB, or restore a backup with `vetted restore`",
        ),
        ErrorCode::SchemaTooNew => Some("open another database with --db or VETTED_DB"),
        ErrorCode::AlreadyExists => Some("pass --force to overwrite it"),
        ErrorCode::Forbidden => Some(
            "give a reviewer the adjudicator role with `vetted reviewer add NAME --role adjudicator`",
        ),
        ErrorCode::LlmQuota => Some("choose another provider with --provider"),
        ErrorCode::LlmTimeout => Some("raise --timeout or lower --concurrency"),
        ErrorCode::LlmTruncated => Some("raise --max-tokens"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_stay_in_the_cli() {
        let timeout = Error::LlmTimeout {
            provider: "p".into(),
            seconds: 60,
        };
        assert!(!timeout.to_string().contains("--"), "{timeout}");
        assert_eq!(
            cli_hint(&timeout),
            Some("raise --timeout or lower --concurrency")
        );
        assert_eq!(
            cli_hint(&Error::Duplicate("backup.db already exists".into())),
            None,
            "--force does not apply to a backup"
        );
    }
}
