//! Cost per call: prompt and completion tokens × a per-model price table (USD per million
//! tokens). A few defaults are built in; a `[prices."MODEL"]` table in the settings file (used by
//! the app and the CLI) or `--prices FILE` (TOML or JSON, the shape below) adds to and overrides
//! them. A model with no price costs 0 and is flagged *unpriced*, never guessed.
//!
//! ```toml
//! [models."gpt-4o-mini"]
//! input_per_mtok = 0.15
//! output_per_mtok = 0.60
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::wire::Usage;
use crate::error::{Error, Result};

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    #[serde(default)]
    pub models: BTreeMap<String, Price>,
}

/// The cost of one call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub usd: f64,
    /// False when the model is not in the table (then `usd` is 0).
    pub priced: bool,
}

/// List prices when this was written (USD per 1M tokens); check your provider's page and
/// override with `--prices`.
const DEFAULTS: &[(&str, f64, f64)] = &[
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.00, 8.00),
];

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable {
            models: DEFAULTS
                .iter()
                .map(|&(model, input, output)| {
                    let price = Price {
                        input_per_mtok: input,
                        output_per_mtok: output,
                    };
                    (model.to_owned(), price)
                })
                .collect(),
        }
    }
}

impl PriceTable {
    /// The defaults, overridden by the file's entries (`.json` is JSON, anything else TOML).
    pub fn load(path: &Path) -> Result<PriceTable> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |message: String| Error::Config(format!("{}: {message}", path.display()));
        let file: PriceTable = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?
        } else {
            toml::from_str(&text).map_err(|e| bad(e.message().to_owned()))?
        };
        PriceTable::with_overrides(file.models).map_err(bad)
    }

    /// The defaults, with `overrides` added or replacing them. Errors: a negative or NaN price,
    /// naming the model.
    pub fn with_overrides(
        overrides: BTreeMap<String, Price>,
    ) -> std::result::Result<PriceTable, String> {
        if let Some((model, _)) = overrides
            .iter()
            .find(|(_, p)| !(p.input_per_mtok >= 0.0 && p.output_per_mtok >= 0.0))
        {
            return Err(format!("model '{model}': prices must be 0 or more"));
        }
        let mut table = PriceTable::default();
        table.models.extend(overrides);
        Ok(table)
    }

    /// The price of `model`: an exact entry, else the longest entry it starts with (so dated
    /// snapshots like `gpt-4o-mini-2024-07-18` use `gpt-4o-mini`).
    pub fn price(&self, model: &str) -> Option<Price> {
        self.models.get(model).copied().or_else(|| {
            self.models
                .iter()
                .filter(|(name, _)| model.starts_with(name.as_str()))
                .max_by_key(|(name, _)| name.len())
                .map(|(_, price)| *price)
        })
    }

    pub fn cost(&self, model: &str, usage: Usage) -> Cost {
        match self.price(model) {
            Some(p) => Cost {
                usd: (f64::from(usage.prompt_tokens) * p.input_per_mtok
                    + f64::from(usage.completion_tokens) * p.output_per_mtok)
                    / 1_000_000.0,
                priced: true,
            },
            None => Cost {
                usd: 0.0,
                priced: false,
            },
        }
    }
}
