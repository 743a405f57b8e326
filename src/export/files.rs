//! Output files that appear whole or not at all: each is written to a temporary file in the
//! target's directory and renamed over the target only when the export succeeded. Dropping a
//! [`PendingFile`] (an error, a cancel) deletes the temporary file.
//!
//! Without `force` an existing target is refused twice: up front (before any work) and again
//! at the rename, which does not replace a file that appeared meanwhile.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// `out` with its extension replaced by `suffix`: `dir/sft.jsonl` + `val.jsonl` →
/// `dir/sft.val.jsonl`.
pub fn companion_path(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{stem}.{suffix}"))
}

/// An output file being written.
pub struct PendingFile {
    target: PathBuf,
    writer: BufWriter<NamedTempFile>,
    lines: u64,
}

impl PendingFile {
    /// Starts writing `target`. Errors: `NotARegularFile` for a symlink, directory or device;
    /// `AlreadyExists` without `force`; `Io` naming `target`
    /// when its directory is missing or not writable.
    pub fn create(target: &Path, force: bool) -> Result<PendingFile> {
        crate::user_files::check_writable(target)?;
        if !force && target.exists() {
            return Err(Error::AlreadyExists {
                path: target.to_owned(),
            });
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(target, e))?;
        Ok(PendingFile {
            target: target.to_owned(),
            writer: BufWriter::with_capacity(1 << 20, temp),
            lines: 0,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Appends `line` and a newline. A full disk surfaces here or at [`PendingFile::commit`].
    pub fn write_line(&mut self, line: &[u8]) -> Result<()> {
        self.lines += 1;
        self.writer
            .write_all(line)
            .and_then(|()| self.writer.write_all(b"\n"))
            .map_err(|e| Error::io(&self.target, e))
    }

    /// Flushes, syncs and renames the file onto its target.
    pub fn commit(self, force: bool) -> Result<()> {
        let target = self.target;
        let temp = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(&target, e.into_error()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| Error::io(&target, e))?;
        let persisted = if force {
            temp.persist(&target)
        } else {
            temp.persist_noclobber(&target)
        };
        persisted.map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                path: target.clone(),
            },
            _ => Error::io(&target, e.error),
        })?;
        Ok(())
    }
}
