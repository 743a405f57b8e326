//! Files a user names for Vetted to read or write (a CLI argument or a pick in the app's file
//! dialog). Invariant: Vetted only ever reads regular files and only ever writes regular files
//! (new or replaced) inside an existing directory. A symlink is refused even when it points at
//! a regular file — it could redirect a write outside the folder the user chose — and so are
//! directories, devices, FIFOs and sockets, which would hang a read or corrupt a device.
//!
//! Pipes remain possible on the command line through standard input (`vetted import -`).

use std::fs::{FileType, Metadata};
use std::path::Path;

use crate::error::{Error, Result};

/// Checks that `path` is an existing regular file (not a symlink) to read from.
pub fn check_readable(path: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    match problem(&meta) {
        Some(problem) => Err(refused(path, problem)),
        None => Ok(()),
    }
}

/// Checks that `path` may be created or replaced: if it exists it must be a regular file (not
/// a symlink), and its parent must be an existing directory.
pub fn check_writable(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            if let Some(problem) = problem(&meta) {
                return Err(refused(path, problem));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(path, e)),
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(refused(path, "its parent is not a directory")),
        // Name the file the user asked for; the message says which part is missing.
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Why a file of this type is refused; `None` for a regular file.
fn problem(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        None
    } else {
        Some(describe(kind))
    }
}

fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_block_device() || kind.is_char_device() {
            return "is a device";
        }
        if kind.is_fifo() {
            return "is a FIFO (pipe); pipe into standard input with `-` instead";
        }
        if kind.is_socket() {
            return "is a socket";
        }
    }
    if kind.is_symlink() {
        "is a symbolic link; name the file it points to instead"
    } else if kind.is_dir() {
        "is a directory"
    } else {
        "is not a regular file"
    }
}

fn refused(path: &Path, problem: &str) -> Error {
    Error::NotARegularFile {
        path: path.to_owned(),
        problem: problem.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_pass_and_everything_else_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("items.jsonl");
        std::fs::write(&file, "{}\n").unwrap();
        check_readable(&file).expect("a regular file is readable");
        check_writable(&file).expect("an existing regular file may be replaced");
        check_writable(&dir.path().join("new.jsonl")).expect("a new file in a directory");

        let dir_err = check_readable(dir.path()).unwrap_err().to_string();
        assert!(dir_err.contains("is a directory"), "{dir_err}");
        let dev_err = check_readable(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(dev_err.code(), crate::ErrorCode::NotARegularFile);
        assert!(dev_err.to_string().contains("is a device"), "{dev_err}");
        let out_dev = check_writable(Path::new("/dev/null")).unwrap_err();
        assert!(out_dev.to_string().contains("is a device"), "{out_dev}");

        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let link_err = check_readable(&link).unwrap_err().to_string();
        assert!(link_err.contains("symbolic link"), "{link_err}");
        let dangling = dir.path().join("dangling.jsonl");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(
            check_writable(&dangling).is_err(),
            "a dangling symlink would create a file wherever it points"
        );
        let missing_parent = dir.path().join("no-such-dir").join("out.jsonl");
        assert_eq!(
            check_writable(&missing_parent).unwrap_err().code(),
            crate::ErrorCode::Io
        );
    }
}
