//! What the app's About dialog shows: the version, the open database, where Vetted keeps its
//! data and settings, and the licenses of the data it ships (the demo fixture).

use crate::error::Result;
use crate::store::{MIGRATIONS, Store};

/// The attribution and licenses of the bundled demo data, shown as written.
pub const BUNDLED_DATA_NOTICE: &str = include_str!("../demo/ATTRIBUTION.md");

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AboutInfo {
    /// The workspace version: app, CLI and packages share it.
    pub version: String,
    /// The open database, if any.
    pub database: Option<AboutDatabase>,
    /// Where Vetted creates databases of its own (the demo).
    pub data_dir: String,
    /// Where the app's settings live (the recent list).
    pub config_dir: String,
    /// The bundled data's attribution and licenses (markdown).
    pub bundled_data_notice: String,
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AboutDatabase {
    pub path: String,
    /// `PRAGMA user_version` of the file.
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The newest schema this build knows.
    #[ts(type = "number")]
    pub latest_schema_version: i64,
}

pub fn about(store: Option<&Store>) -> Result<AboutInfo> {
    let database = match store {
        Some(store) => Some(AboutDatabase {
            path: store.path().display().to_string(),
            schema_version: store.schema_version()?,
            latest_schema_version: MIGRATIONS.len() as i64,
        }),
        None => None,
    };
    Ok(AboutInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database,
        data_dir: crate::db_path::data_dir().display().to_string(),
        config_dir: crate::db_path::config_dir().display().to_string(),
        bundled_data_notice: BUNDLED_DATA_NOTICE.to_owned(),
    })
}
