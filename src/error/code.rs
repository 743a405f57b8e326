//! The stable codes of [`super::Error`]: what the UI and scripts branch on. ts-rs exports them as
//! a string union, so a misspelt code in the UI fails to type-check. A serialized code never
//! changes once shipped; new kinds of error get new codes.

/// Declares [`ErrorCode`] from one list: each variant beside the string it serializes to, so the
/// enum, [`ErrorCode::ALL`] and [`ErrorCode::as_str`] cannot drift apart.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident = $text:literal,)*) => {
        /// Stable machine-readable kind of an error (`AppError.code` over IPC, `code` in JSON
        /// output).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum ErrorCode {
            $($(#[$doc])* $code,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$code),*];

            /// The serialized form (as in JSON and the database's `llm_calls.error_code`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => $text,)*
                }
            }
        }
    };
}

error_codes! {
    Io = "io",
    Database = "database",
    NotADatabase = "not_a_database",
    ReadOnly = "read_only",
    Locked = "locked",
    DiskFull = "disk_full",
    AlreadyOpen = "already_open",
    NotARegularFile = "not_a_regular_file",
    SchemaTooNew = "schema_too_new",
    InvalidInput = "invalid_input",
    /// An item, or another thing named by id or name, does not exist (any more).
    NotFound = "not_found",
    /// The item changed since it was loaded; reload it and decide again.
    Conflict = "conflict",
    BadRequest = "bad_request",
    /// The reviewer's role does not allow this.
    Forbidden = "forbidden",
    /// A file, name or id that must be new is taken.
    AlreadyExists = "already_exists",
    Cancelled = "cancelled",
    Config = "config",
    LlmHttp = "llm_http",
    LlmQuota = "llm_quota",
    LlmUnreachable = "llm_unreachable",
    LlmTimeout = "llm_timeout",
    LlmProtocol = "llm_protocol",
    LlmTruncated = "llm_truncated",
    LlmBadOutput = "llm_bad_output",
    Keyring = "keyring",
    BadSource = "bad_source",
    ProductCollision = "product_collision",
    UnknownField = "unknown_field",
    EmptySelection = "empty_selection",
    /// A database file that is not there any more (moved, renamed or deleted).
    MissingDatabase = "missing_database",
    /// The team server refused a request or could not be reached.
    Server = "server",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl rusqlite::ToSql for ErrorCode {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_serializes_to_its_stable_string() {
        let strings: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            strings,
            [
                "io",
                "database",
                "not_a_database",
                "read_only",
                "locked",
                "disk_full",
                "already_open",
                "not_a_regular_file",
                "schema_too_new",
                "invalid_input",
                "not_found",
                "conflict",
                "bad_request",
                "forbidden",
                "already_exists",
                "cancelled",
                "config",
                "llm_http",
                "llm_quota",
                "llm_unreachable",
                "llm_timeout",
                "llm_protocol",
                "llm_truncated",
                "llm_bad_output",
                "keyring",
                "bad_source",
                "product_collision",
                "unknown_field",
                "empty_selection",
                "missing_database",
                "server",
            ],
            "codes are a public contract (UI, scripts, llm_calls.error_code): never rename one"
        );
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str()),
                "serde and as_str must agree for {code:?}"
            );
        }
    }
}
