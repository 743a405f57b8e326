//! Accepted relationships written out for other tools: a JSON graph with provenance
//! ([`graph`]) and a dbt `schema.yml` of `relationships` tests ([`dbt`]). Both include approved
//! and edited items (an edit exports the edited relation) and leave out `not_related` verdicts.

mod dbt;
mod graph;

pub use graph::{GraphEdge, GraphNode, RelationshipGraph};

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// The export formats for relationships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationFormat {
    Graph,
    Dbt,
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so
/// a reader never sees a half-written file. An existing file is replaced only with `force`.
pub fn write_new_file(path: &Path, contents: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::AlreadyExists {
            path: path.to_owned(),
        });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::BadRequest(format!("{} is not a file path", path.display())))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(contents).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::io(path, e)
    })
}

impl crate::Store {
    /// The export in `format`, as the bytes of the file to write.
    pub fn export_relations(&self, format: RelationFormat) -> Result<Vec<u8>> {
        Ok(match format {
            RelationFormat::Graph => {
                let graph = self.relationship_graph()?;
                let mut json = serde_json::to_vec_pretty(&graph).expect("graph serializes");
                json.push(b'\n');
                json
            }
            RelationFormat::Dbt => self.dbt_schema_yaml()?.into_bytes(),
        })
    }
}
