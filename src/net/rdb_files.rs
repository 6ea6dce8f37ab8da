//! The RDB files a restore reads: a backup directory (every `*.rdb` in it: rtrib's backups and
//! `redis-cli --cluster backup`'s `redis-node-<ip>-<port>-<id>.rdb`) or one file (a
//! standalone's `dump.rdb`), each read item by item with [`RdbReader`]; an error names the
//! file and the byte offset.
//!
//! A `manifest.json` or `nodes.json` next to the files is not needed and not read: the files
//! say everything a restore uses (their keys, expire times, functions), and each one's CRC64
//! trailer is verified as it is read.

use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::rdb::{Header, Item, RdbError, RdbReader};

/// One RDB file of the source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Why the source cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path is neither a file nor a directory holding `*.rdb` files.
    #[error("{path}: {detail}")]
    Unusable {
        /// The path given.
        path: String,
        /// Why.
        detail: String,
    },
    /// A file is not a whole, intact RDB file.
    #[error("{path}: {error}")]
    Bad {
        /// The file.
        path: String,
        /// What is wrong, and at which byte.
        error: RdbError,
    },
}

/// The files of `path`: the file itself, or every `*.rdb` file of the directory (not hidden
/// ones: unfinished files of a backup in progress start with a dot), by name.
pub fn source_files(path: &Path) -> Result<Vec<SourceFile>, SourceError> {
    let unusable = |detail: String| SourceError::Unusable {
        path: path.display().to_string(),
        detail,
    };
    let metadata = std::fs::metadata(path).map_err(|e| unusable(e.to_string()))?;
    if metadata.is_file() {
        return Ok(vec![SourceFile {
            path: path.to_path_buf(),
            bytes: metadata.len(),
        }]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| unusable(e.to_string()))? {
        let entry = entry.map_err(|e| unusable(e.to_string()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".rdb") {
            continue;
        }
        let metadata = entry.metadata().map_err(|e| unusable(e.to_string()))?;
        if metadata.is_file() {
            files.push(SourceFile {
                path: entry.path(),
                bytes: metadata.len(),
            });
        }
    }
    if files.is_empty() {
        return Err(unusable(
            "holds no *.rdb file (a backup directory, or an RDB file such as dump.rdb, is \
             expected)"
                .into(),
        ));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Reads `file` to its end (or until `visit` breaks), handing every item to `visit`; returns
/// the file's header. The file is whole and intact when this returns `Ok` without a break:
/// its CRC64 trailer was verified.
pub fn read_file(
    file: &SourceFile,
    mut visit: impl FnMut(Item) -> ControlFlow<()>,
) -> Result<Header, SourceError> {
    let bad = |error: RdbError| SourceError::Bad {
        path: file.path.display().to_string(),
        error,
    };
    let opened = File::open(&file.path).map_err(|e| SourceError::Unusable {
        path: file.path.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut reader = RdbReader::new(opened).map_err(bad)?;
    let header = reader.header();
    for item in reader.by_ref() {
        if visit(item.map_err(bad)?).is_break() {
            break;
        }
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_its_rdb_files_and_a_bad_file_names_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.rdb", "a.rdb", ".partial.rdb", "nodes.json"] {
            std::fs::write(dir.path().join(name), b"REDIS0009\xff").unwrap();
        }
        let files = source_files(dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.rdb", "b.rdb"]);
        let error = read_file(&files[0], |_| ControlFlow::Continue(())).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: at byte 10: the data ends inside the CRC64 trailer",
                files[0].path.display()
            )
        );
        let empty = tempfile::tempdir().unwrap();
        assert!(
            source_files(empty.path())
                .unwrap_err()
                .to_string()
                .contains("holds no *.rdb file")
        );
    }
}
