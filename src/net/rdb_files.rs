//! The RDB files a restore reads: a backup directory (every `*.rdb` in it: rtrib's backups and
//! `redis-cli --cluster backup`'s `redis-node-<ip>-<port>-<id>.rdb`) or one file (a
//! standalone's `dump.rdb`), each read item by item with [`RdbReader`]; an error names the
//! file and the byte offset.
//!
//! A `manifest.json` or `nodes.json` next to the files is not needed: the files say everything
//! a restore uses (their keys, expire times, functions), and each one's CRC64 trailer is
//! verified as it is read. When rtrib's `manifest.json` is there, it is cross-checked, cheaply
//! ([`check_manifest`]): every file it lists must be there with its size, and no other
//! `*.rdb` file, so a backup missing a shard (or mixed with another) is not restored as if
//! whole.

use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::rdb::digest::Hashing;
use crate::rdb::{Header, Item, RdbError, RdbReader};

/// One RDB file of the source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The SHA-256 the backup's manifest lists for it (lowercase hex), verified whenever the
    /// file is read to its end.
    #[serde(skip)]
    pub sha256: Option<String>,
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
            sha256: None,
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
                sha256: None,
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

/// The manifest rtrib's backups write last, in the backup directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Cross-checks `files`, found in `dir`, with `dir`'s `manifest.json` when there is one:
/// the same file names, each of the size listed; each file takes the SHA-256 listed, for
/// [`read_file`] to verify. `Ok(false)`: no manifest.
pub fn check_manifest(dir: &Path, files: &mut [SourceFile]) -> Result<bool, SourceError> {
    let path = dir.join(MANIFEST_FILE);
    let bad = |detail: String| SourceError::Unusable {
        path: path.display().to_string(),
        detail,
    };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(bad(error.to_string())),
    };
    let manifest: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let listed: Vec<(String, u64, Option<String>)> = manifest["files"]
        .as_array()
        .ok_or_else(|| bad("no \"files\" list".into()))?
        .iter()
        .map(
            |entry| match (entry["file"].as_str(), entry["size"].as_u64()) {
                (Some(name), Some(size)) => {
                    let sha256 = entry["sha256"].as_str().map(str::to_ascii_lowercase);
                    Ok((name.to_owned(), size, sha256))
                }
                _ => Err(bad(format!(
                    "a file without \"file\" and \"size\": {entry}"
                ))),
            },
        )
        .collect::<Result<_, _>>()?;
    let name = |file: &SourceFile| {
        file.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    for (listed_name, size, sha256) in &listed {
        match files.iter_mut().find(|file| &name(file) == listed_name) {
            None => {
                return Err(bad(format!(
                    "lists {listed_name}, which is not in the directory"
                )));
            }
            Some(file) if file.bytes != *size => {
                return Err(bad(format!(
                    "lists {listed_name} with {size} bytes; the file has {}",
                    file.bytes
                )));
            }
            Some(file) => file.sha256.clone_from(sha256),
        }
    }
    if let Some(extra) = files.iter().find(|file| {
        !listed
            .iter()
            .any(|(listed_name, _, _)| *listed_name == name(file))
    }) {
        return Err(bad(format!(
            "does not list {}: a file of another backup? (restore the file alone, or move it \
             out)",
            name(extra)
        )));
    }
    Ok(true)
}

/// Reads `file` to its end (or until `visit` breaks), handing every item to `visit`; returns
/// the file's header. The file is whole and intact when this returns `Ok` without a break:
/// its CRC64 trailer was verified, and so was its SHA-256 when its manifest lists one (a file
/// changed since the backup, even one whose server saved it without a CRC64, is refused).
pub fn read_file(
    file: &SourceFile,
    visit: impl FnMut(Item) -> ControlFlow<()>,
) -> Result<Header, SourceError> {
    read_file_counting(file, &AtomicU64::new(0), visit)
}

/// [`read_file`], keeping `read` at the bytes read so far (for a progress bar in another
/// thread).
pub fn read_file_counting(
    file: &SourceFile,
    read: &AtomicU64,
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
    let mut hashing = Hashing::new(opened);
    let mut reader = RdbReader::new(&mut hashing).map_err(bad)?;
    let header = reader.header();
    while let Some(item) = reader.next() {
        read.store(reader.offset(), Ordering::Relaxed);
        if visit(item.map_err(bad)?).is_break() {
            return Ok(header);
        }
    }
    drop(reader);
    if let Some(listed) = &file.sha256 {
        // The reader stops at the trailer: what follows it (nothing, in a sound file) counts.
        std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|e| SourceError::Unusable {
            path: file.path.display().to_string(),
            detail: e.to_string(),
        })?;
        let read = hashing.sha256();
        if &read != listed {
            return Err(SourceError::Unusable {
                path: file.path.display().to_string(),
                detail: format!(
                    "its SHA-256 is {read}, and the backup's {MANIFEST_FILE} lists {listed}: \
                     the file changed after the backup"
                ),
            });
        }
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_whole_is_held_to_the_sha256_its_manifest_lists() {
        // A sound RDB 9 file without keys, saved without a CRC64 (a zero trailer): only its
        // SHA-256 can tell that it changed.
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"REDIS0009\xff\0\0\0\0\0\0\0\0";
        std::fs::write(dir.path().join("a.rdb"), bytes).unwrap();
        let sha256 = crate::rdb::digest::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        let manifest = |sha256: &str| {
            let text =
                format!(r#"{{"files": [{{"file": "a.rdb", "size": 18, "sha256": "{sha256}"}}]}}"#);
            std::fs::write(dir.path().join(MANIFEST_FILE), text).unwrap();
        };
        manifest(&sha256.to_uppercase());
        let mut files = source_files(dir.path()).unwrap();
        assert!(check_manifest(dir.path(), &mut files).unwrap());
        read_file(&files[0], |_| ControlFlow::Continue(())).unwrap();

        let other = "0".repeat(64);
        manifest(&other);
        let mut files = source_files(dir.path()).unwrap();
        assert!(check_manifest(dir.path(), &mut files).unwrap());
        let error = read_file(&files[0], |_| ControlFlow::Continue(()))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!(
                "its SHA-256 is {sha256}, and the backup's manifest.json lists {other}"
            )),
            "{error}"
        );
        // A read that stops early verifies nothing.
        read_file(&files[0], |_| ControlFlow::Break(())).unwrap();
    }

    #[test]
    fn a_directory_is_its_rdb_files_and_a_bad_file_names_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.rdb", "a.rdb", ".partial.rdb", "nodes.json"] {
            std::fs::write(dir.path().join(name), b"REDIS0009\xff").unwrap();
        }
        let mut files = source_files(dir.path()).unwrap();
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
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"files": [{"file": "a.rdb", "size": 10}, {"file": "b.rdb", "size": 10}]}"#,
        )
        .unwrap();
        assert!(check_manifest(dir.path(), &mut files).unwrap());
        let error = check_manifest(dir.path(), &mut files[..1])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("lists b.rdb, which is not in the directory"),
            "{error}"
        );
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"files": [{"file": "a.rdb", "size": 11}]}"#,
        )
        .unwrap();
        let error = check_manifest(dir.path(), &mut files)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("lists a.rdb with 11 bytes; the file has 10"),
            "{error}"
        );
        let empty = tempfile::tempdir().unwrap();
        assert!(!check_manifest(empty.path(), &mut []).unwrap());
        assert!(
            source_files(empty.path())
                .unwrap_err()
                .to_string()
                .contains("holds no *.rdb file")
        );
    }
}
