//! Tags and the do-not-train mark on the team server, with the local store's contract
//! ([`crate::Store::add_tag`] and its siblings): tags trimmed and in lower case, listed sorted;
//! adding a tag twice or marking an item twice changes nothing. The server stamps each mark
//! with the login and refuses what a role may not do (see `0004_annotations.sql`).

use super::TeamServer;
use crate::error::{Error, Result};
use crate::store::normalize_tag;

impl TeamServer {
    /// Adds `tag` to the item; returns its tags, sorted.
    pub fn add_tag(&mut self, external_id: &str, tag: &str) -> Result<Vec<String>> {
        let tag = normalize_tag(tag)?;
        let item = self.item_id(external_id)?;
        let add = self.prepared(
            "INSERT INTO item_tags (item_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )?;
        self.client
            .execute(&add, &[&item, &tag])
            .map_err(|e| self.failed(e))?;
        self.tags_of(item)
    }

    /// Removes `tag` from the item (a missing tag changes nothing); returns the tags left.
    pub fn remove_tag(&mut self, external_id: &str, tag: &str) -> Result<Vec<String>> {
        let tag = normalize_tag(tag)?;
        let item = self.item_id(external_id)?;
        let remove = self.prepared("DELETE FROM item_tags WHERE item_id = $1 AND tag = $2")?;
        self.client
            .execute(&remove, &[&item, &tag])
            .map_err(|e| self.failed(e))?;
        self.tags_of(item)
    }

    /// Marks the item do-not-train as the login, or takes the mark off (the one who marked
    /// it, an SME or an adjudicator).
    pub fn set_do_not_train(&mut self, external_id: &str, flag: bool) -> Result<()> {
        let item = self.item_id(external_id)?;
        if flag {
            let mark = self.prepared(
                "INSERT INTO do_not_train (item_id) VALUES ($1) ON CONFLICT DO NOTHING",
            )?;
            self.client
                .execute(&mark, &[&item])
                .map_err(|e| self.failed(e))?;
            return Ok(());
        }
        let unmark = self.prepared("DELETE FROM do_not_train WHERE item_id = $1")?;
        let removed = self
            .client
            .execute(&unmark, &[&item])
            .map_err(|e| self.failed(e))?;
        if removed > 0 {
            return Ok(());
        }
        let marker = self.prepared("SELECT marked_by FROM do_not_train WHERE item_id = $1")?;
        match self
            .client
            .query_opt(&marker, &[&item])
            .map_err(|e| self.failed(e))?
        {
            Some(row) => Err(Error::Forbidden(format!(
                "{external_id} was marked do-not-train by {}: only they, an SME or an \
                 adjudicator take the mark off",
                row.get::<_, String>(0)
            ))),
            None => Ok(()),
        }
    }

    /// Every tag in use, sorted: the choices of the queue's tag filter.
    pub fn all_tags(&mut self) -> Result<Vec<String>> {
        let statement =
            self.prepared("SELECT DISTINCT tag COLLATE \"C\" FROM item_tags ORDER BY 1")?;
        Ok(self
            .client
            .query(&statement, &[])
            .map_err(|e| self.failed(e))?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn item_id(&mut self, external_id: &str) -> Result<i64> {
        let statement = self.prepared("SELECT id FROM items WHERE external_id = $1")?;
        Ok(self
            .client
            .query_opt(&statement, &[&external_id])
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::ItemNotFound(external_id.to_owned()))?
            .get(0))
    }

    fn tags_of(&mut self, item: i64) -> Result<Vec<String>> {
        let statement = self
            .prepared("SELECT tag FROM item_tags WHERE item_id = $1 ORDER BY tag COLLATE \"C\"")?;
        Ok(self
            .client
            .query(&statement, &[&item])
            .map_err(|e| self.failed(e))?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
}
