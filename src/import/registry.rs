//! Relationship sides that name a registered data product without its fields
//! (`{"product": "Invoice"}`) are filled from the data-product registry (`vetted products add`)
//! with the schema and sample rows a relate prompt gets ([`registered_side`]).
//!
//! Each distinct name is looked up once per import and kept; the lookups happen on the import's
//! reader thread, over a read-only connection of their own (the store's connection is writing
//! the import meanwhile), opened only when the first such side is met, so imports without one
//! never touch the registry.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::domain::ProductSide;
use crate::error::Result;
use crate::roles::relate::registered_side;
use crate::store::RegistryReader;

/// How many registered names an "is not a registered data product" problem lists.
const LISTED_NAMES: usize = 20;

/// The registry as seen by one import.
pub(crate) struct Registry {
    /// The database holding the registry; `None` where there is none to consult.
    db_path: Option<PathBuf>,
    reader: Option<RegistryReader>,
    sides: HashMap<String, Option<ProductSide>>,
    names: Option<Vec<String>>,
}

impl Registry {
    /// The registry of the database at `db_path`.
    pub fn at(db_path: &Path) -> Registry {
        Registry {
            db_path: Some(db_path.to_owned()),
            ..Registry::none()
        }
    }

    /// No registry: every side must carry its fields.
    pub fn none() -> Registry {
        Registry {
            db_path: None,
            reader: None,
            sides: HashMap::new(),
            names: None,
        }
    }

    /// The registered product `name` as a relationship side, or why there is none, as a problem
    /// for the `product` field.
    pub fn side(&mut self, name: &str) -> std::result::Result<&ProductSide, String> {
        if !self.sides.contains_key(name) {
            let found = self
                .lookup(name)
                .map_err(|e| format!("could not read the data-product registry: {e}"))?;
            self.sides.insert(name.to_owned(), found);
        }
        if matches!(self.sides.get(name), Some(None)) {
            return Err(self.not_registered(name));
        }
        Ok(self.sides[name].as_ref().expect("found above"))
    }

    fn lookup(&mut self, name: &str) -> Result<Option<ProductSide>> {
        let Some(reader) = self.reader()? else {
            return Ok(None);
        };
        Ok(reader.product(name)?.map(registered_side))
    }

    fn reader(&mut self) -> Result<Option<&RegistryReader>> {
        if self.reader.is_none()
            && let Some(path) = &self.db_path
        {
            self.reader = Some(RegistryReader::open(path)?);
        }
        Ok(self.reader.as_ref())
    }

    fn not_registered(&mut self, name: &str) -> String {
        let remedy = "register it with vetted products add, or give its fields";
        if self.db_path.is_none() {
            return format!(
                "'{name}' gives no fields, and there is no data-product registry here to take them from; give its fields"
            );
        }
        if self.names.is_none() {
            let names = match self
                .reader()
                .and_then(|r| r.map_or(Ok(Vec::new()), |r| r.names()))
            {
                Ok(names) => names,
                Err(e) => return format!("could not read the data-product registry: {e}"),
            };
            self.names = Some(names);
        }
        let names = self.names.as_deref().unwrap_or_default();
        let registered = match names.len() {
            0 => "no product is registered".to_owned(),
            n if n <= LISTED_NAMES => format!("registered: {}", names.join(", ")),
            n => format!(
                "registered: {}, … and {} more",
                names[..LISTED_NAMES].join(", "),
                n - LISTED_NAMES
            ),
        };
        format!("'{name}' is not a registered data product ({registered}); {remedy}")
    }
}
