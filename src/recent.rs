//! The app's recent databases: a small JSON file in the config folder
//! (`~/.config/vetted/recent.json` on Linux, see [`crate::db_path::config_dir`]), never inside a
//! database. Most recently opened first, each file once, at most [`MAX_RECENT`]; and the team
//! server last signed in to (its address, never its password), to offer it again.
//!
//! The file is a convenience: a missing, unreadable or corrupt one reads as an empty list (the
//! next open rewrites it), and it is replaced atomically so a crash never leaves half a list.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::team_server::ServerAddress;

/// How many databases the list keeps.
pub const MAX_RECENT: usize = 10;

/// One database of the list, as the welcome screen and the File menu show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecentDatabase {
    pub path: String,
    /// The file name, for the list's main line.
    pub name: String,
    /// When it was last opened (RFC 3339, UTC).
    pub opened_at: String,
    /// The file is not there any more (moved, renamed or deleted): shown as such, removable.
    pub missing: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    path: PathBuf,
    opened_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RecentFile {
    databases: Vec<Entry>,
    #[serde(default)]
    team_server: Option<ServerAddress>,
}

/// The recent list, read from and written back to its file.
#[derive(Debug)]
pub struct RecentList {
    file: PathBuf,
    entries: Vec<Entry>,
    team_server: Option<ServerAddress>,
}

impl RecentList {
    /// `recent.json` in the config folder.
    pub fn default_path() -> PathBuf {
        crate::db_path::config_dir().join("recent.json")
    }

    /// Reads the list; a file that is missing, unreadable or not a list reads as empty.
    pub fn load(file: &Path) -> RecentList {
        let recent = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<RecentFile>(&bytes).ok())
            .unwrap_or_default();
        RecentList {
            file: file.to_owned(),
            entries: recent.databases,
            team_server: recent.team_server,
        }
    }

    /// The list, most recent first, each entry saying whether its file is still there.
    pub fn databases(&self) -> Vec<RecentDatabase> {
        self.entries
            .iter()
            .map(|e| RecentDatabase {
                path: e.path.display().to_string(),
                name: e.path.file_name().map_or_else(
                    || e.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                opened_at: e.opened_at.clone(),
                missing: !e.path.is_file(),
            })
            .collect()
    }

    /// Puts `db` (by its [`crate::db_path::file_identity`]) first, as opened now, and saves the list.
    pub fn opened(&mut self, db: &Path) -> Result<()> {
        let db = crate::db_path::file_identity(db).map_err(|e| Error::io(db, e))?;
        self.entries.retain(|e| e.path != db);
        self.entries.insert(
            0,
            Entry {
                path: db,
                opened_at: crate::store::now_text(),
            },
        );
        self.entries.truncate(MAX_RECENT);
        self.save()
    }

    /// The team server last signed in to.
    pub fn team_server(&self) -> Option<&ServerAddress> {
        self.team_server.as_ref()
    }

    /// Remembers `address` as the team server last signed in to, and saves the list.
    pub fn signed_in(&mut self, address: &ServerAddress) -> Result<()> {
        self.team_server = Some(address.clone());
        self.save()
    }

    /// Takes `db` off the list and saves it; the file itself is left alone.
    pub fn remove(&mut self, db: &Path) -> Result<()> {
        let db = crate::db_path::file_identity(db).map_err(|e| Error::io(db, e))?;
        self.entries.retain(|e| e.path != db);
        self.save()
    }

    /// Writes the list to a temporary file beside it, then renames it into place.
    fn save(&self) -> Result<()> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let json = serde_json::to_vec_pretty(&RecentFile {
            databases: self.entries.clone(),
            team_server: self.team_server.clone(),
        })
        .expect("a list of paths and strings serializes");
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
        std::io::Write::write_all(&mut tmp, &json).map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&self.file)
            .map_err(|e| Error::io(&self.file, e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_in(dir: &tempfile::TempDir) -> RecentList {
        RecentList::load(&dir.path().join("config/recent.json"))
    }

    fn db_file(dir: &tempfile::TempDir, name: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, b"").unwrap();
        path
    }

    fn names(list: &RecentList) -> Vec<String> {
        list.databases().into_iter().map(|d| d.name).collect()
    }

    #[test]
    fn most_recent_first_each_file_once_and_saved_across_loads() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (db_file(&dir, "a.db"), db_file(&dir, "b.db"));
        let mut list = list_in(&dir);
        list.opened(&a).unwrap();
        list.opened(&b).unwrap();
        list.opened(&a).unwrap();
        assert_eq!(
            names(&list),
            ["a.db", "b.db"],
            "reopening moves a file to the front, once"
        );
        assert_eq!(
            names(&list_in(&dir)),
            ["a.db", "b.db"],
            "the list survives a restart (it is read back from its file)"
        );
    }

    #[test]
    fn a_relative_path_is_the_same_file_as_its_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        let a = db_file(&dir, "a.db");
        let mut list = list_in(&dir);
        list.opened(&a).unwrap();
        let relative = relative_to_cwd(&a);
        assert!(relative.is_relative(), "{relative:?}");
        list.opened(&relative).unwrap();
        assert_eq!(
            list.databases().len(),
            1,
            "one file, one entry: {:?}",
            list.databases()
        );
        assert_eq!(list.databases()[0].path, a.display().to_string());
    }

    /// `../../…/tmp/…/a.db`: the same file, named from the working directory.
    fn relative_to_cwd(to: &Path) -> PathBuf {
        let cwd = std::env::current_dir().unwrap();
        let ups = cwd.components().count() - 1;
        let mut path: PathBuf = std::iter::repeat_n("..", ups).collect();
        path.push(to.strip_prefix("/").unwrap());
        path
    }

    #[test]
    fn the_list_is_capped_dropping_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = list_in(&dir);
        for i in 0..MAX_RECENT + 3 {
            list.opened(&db_file(&dir, &format!("{i}.db"))).unwrap();
        }
        let shown = names(&list);
        assert_eq!(shown.len(), MAX_RECENT, "capped at MAX_RECENT");
        assert_eq!(shown[0], format!("{}.db", MAX_RECENT + 2), "newest first");
        assert!(
            !shown.contains(&"0.db".to_owned()),
            "the oldest fell off: {shown:?}"
        );
    }

    #[test]
    fn a_file_that_is_gone_is_shown_missing_and_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (db_file(&dir, "a.db"), db_file(&dir, "b.db"));
        let mut list = list_in(&dir);
        list.opened(&a).unwrap();
        list.opened(&b).unwrap();
        std::fs::remove_file(&a).unwrap();
        let shown = list.databases();
        assert_eq!(
            shown
                .iter()
                .map(|d| (d.name.as_str(), d.missing))
                .collect::<Vec<_>>(),
            [("b.db", false), ("a.db", true)],
            "a deleted file stays listed, marked missing"
        );
        list.remove(&a).unwrap();
        assert_eq!(names(&list_in(&dir)), ["b.db"], "removal is saved");
        assert!(b.exists(), "removing from the list leaves files alone");
    }

    #[test]
    fn a_corrupt_or_unreadable_list_reads_as_empty_and_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config/recent.json");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let garbage: [&[u8]; 4] = [
            b"{not json",
            b"[1,2,3]",
            b"{\"databases\": 7}",
            &[0xff, 0xfe, 0x00],
        ];
        for garbage in garbage {
            std::fs::write(&file, garbage).unwrap();
            assert!(
                RecentList::load(&file).databases().is_empty(),
                "garbage {garbage:?} reads as an empty list, not an error"
            );
        }
        let a = db_file(&dir, "a.db");
        let mut list = RecentList::load(&file);
        list.opened(&a).unwrap();
        assert_eq!(
            names(&RecentList::load(&file)),
            ["a.db"],
            "the next open rewrites the file"
        );
        assert!(
            RecentList::load(&dir.path().join("nowhere/recent.json"))
                .databases()
                .is_empty(),
            "no file yet: an empty list"
        );
    }
}
