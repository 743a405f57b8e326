//! What a push to the team server reads of a local database's items: every item's external
//! id with the independent reviews it needs here.

use super::Store;
use super::item_rows::VISIBLE;
use super::projection::required_reviews;
use crate::error::Result;

impl Store {
    /// Every item's external id and required reviews (its import's, domain's or the default
    /// overlap), in id order; not the items of an import still running.
    pub fn items_with_overlap(&self) -> Result<Vec<(String, u32)>> {
        let ids: Vec<(i64, String)> = self
            .conn
            .prepare(&format!(
                "SELECT id, external_id FROM items WHERE {VISIBLE} ORDER BY id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter()
            .map(|(id, external)| Ok((external, required_reviews(&self.conn, id)?)))
            .collect()
    }
}
