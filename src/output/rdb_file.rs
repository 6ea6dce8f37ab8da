//! Writing an RDB file as it streams in, so that nothing that is not verified ever bears its
//! final name.
//!
//! [`PartialRdb`] writes under a hidden temporary name in the same directory
//! (`.NAME.<pid>.part`), hashing (SHA-256) and checking the CRC64 trailer as the bytes pass;
//! [`PartialRdb::commit`] flushes it to disk, reads it back from disk whole with
//! [`RdbReader`] (header, every entry, the trailer) and compares the SHA-256 read with the one
//! written, and only then renames it. Dropped before that (an error, Ctrl-C), it removes its
//! file; killed, it leaves a `.part` file no reader takes for an RDB.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::rdb::digest::{Hashing, hex};
use crate::rdb::{Checksum, Item, RdbError, RdbReader, TrailerCheck};

/// The suffix of files being written.
pub const PARTIAL_SUFFIX: &str = ".part";

/// Why a file could not be written or did not verify. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Creating, writing, syncing, reading back or renaming failed.
    #[error("{}: {error}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        error: io::Error,
    },
    /// The bytes received are not a sound RDB file.
    #[error("{}: not a sound RDB file: {error}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: RdbError,
    },
    /// What was read back differs from what was written.
    #[error("{}: {what}", .path.display())]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// How.
        what: String,
    },
}

/// What a verified file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRdb {
    /// Where it is, under its final name.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// `REDIS` or `VALKEY`.
    pub magic: &'static str,
    /// The RDB version of its header.
    pub rdb_version: u16,
    /// The keys it holds (every database).
    pub keys: u64,
    /// The function libraries it holds.
    pub functions: u64,
    /// The server version the file says wrote it (the `redis-ver` or `valkey-ver` aux field).
    pub written_by: Option<String>,
    /// The CRC64 the trailer holds (`None`: the server saves with `rdbchecksum no`).
    pub crc64: Option<u64>,
}

/// An RDB file being written; see the module docs.
pub struct PartialRdb {
    target: PathBuf,
    partial: PathBuf,
    file: Option<BufWriter<File>>,
    sha256: Sha256,
    trailer: TrailerCheck,
    size: u64,
}

impl PartialRdb {
    /// Creates the temporary file for `target`.
    pub fn create(target: &Path) -> Result<Self, FileError> {
        let partial = partial_path(target);
        let file = File::create(&partial).map_err(|error| FileError::Io {
            path: partial.clone(),
            error,
        })?;
        Ok(Self {
            target: target.to_path_buf(),
            partial,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            sha256: Sha256::new(),
            trailer: TrailerCheck::default(),
            size: 0,
        })
    }

    /// The temporary file's path.
    pub fn partial_path(&self) -> &Path {
        &self.partial
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends the next bytes.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let file = self.file.as_mut().ok_or(io::ErrorKind::BrokenPipe)?;
        file.write_all(bytes)?;
        self.sha256.update(bytes);
        self.trailer.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Flushes the file to disk, checks the trailer seen while writing, reads the file back
    /// whole and renames it to its final name. Blocking: run it off the async runtime.
    pub fn commit(mut self) -> Result<VerifiedRdb, FileError> {
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |error| FileError::Io { path, error }
        };
        let file = self.file.take().ok_or_else(|| FileError::Mismatch {
            path: self.partial.clone(),
            what: "written after a failure".into(),
        })?;
        let file = file
            .into_inner()
            .map_err(|error| io_error(&self.partial)(error.into_error()))?;
        file.sync_all().map_err(io_error(&self.partial))?;
        drop(file);
        let (computed, stored) = self.trailer.finish();
        let written_sha = hex(&self.sha256.clone().finalize());
        let read = read_back(&self.partial)?;
        if let (Some(stored), Checksum::Verified(verified)) = (stored, read.checksum)
            && (stored != verified || computed != verified)
        {
            return Err(FileError::Mismatch {
                path: self.partial.clone(),
                what: format!(
                    "the CRC64 seen while writing ({computed:016x}) is not the one read back \
                     ({verified:016x})"
                ),
            });
        }
        if read.sha256 != written_sha || read.size != self.size {
            return Err(FileError::Mismatch {
                path: self.partial.clone(),
                what: format!(
                    "{} bytes (SHA-256 {}) read back where {} (SHA-256 {written_sha}) were \
                     written",
                    read.size, read.sha256, self.size
                ),
            });
        }
        std::fs::rename(&self.partial, &self.target).map_err(io_error(&self.target))?;
        if let Some(directory) = self.target.parent() {
            // The rename itself reaches the disk with the directory's entry.
            let _ = File::open(directory).and_then(|d| d.sync_all());
        }
        Ok(VerifiedRdb {
            path: self.target.clone(),
            size: self.size,
            sha256: written_sha,
            magic: read.magic,
            rdb_version: read.rdb_version,
            keys: read.keys,
            functions: read.functions,
            written_by: read.written_by,
            crc64: match read.checksum {
                Checksum::Verified(crc) => Some(crc),
                Checksum::Disabled | Checksum::Absent => None,
            },
        })
    }
}

impl Drop for PartialRdb {
    /// A file not committed is removed (an error or Ctrl-C stopped it).
    fn drop(&mut self) {
        self.file = None;
        // After a commit the name is gone already.
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// What reading a file back found.
struct ReadBack {
    size: u64,
    sha256: String,
    magic: &'static str,
    rdb_version: u16,
    keys: u64,
    functions: u64,
    written_by: Option<String>,
    checksum: Checksum,
}

/// Reads the file at `path` whole with the RDB reader, hashing every byte.
fn read_back(path: &Path) -> Result<ReadBack, FileError> {
    let file = File::open(path).map_err(|error| FileError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut hashing = Hashing::new(file);
    let invalid = |error| FileError::Invalid {
        path: path.to_path_buf(),
        error,
    };
    let mut reader = RdbReader::new(&mut hashing).map_err(invalid)?;
    let header = reader.header();
    let (mut keys, mut functions, mut written_by) = (0, 0, None);
    let mut checksum = Checksum::Absent;
    for item in reader.by_ref() {
        match item.map_err(invalid)? {
            Item::Entry(_) => keys += 1,
            Item::Function(_) => functions += 1,
            Item::Aux { name, value } if name == b"redis-ver" || name == b"valkey-ver" => {
                written_by = Some(String::from_utf8_lossy(&value).into_owned());
            }
            Item::End(end) => checksum = end,
            _ => {}
        }
    }
    let end = reader.offset();
    drop(reader);
    // Nothing may follow the trailer.
    let mut rest = [0u8; 1];
    let extra = hashing.read(&mut rest).map_err(|error| FileError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    if extra > 0 || hashing.size() > end {
        return Err(FileError::Mismatch {
            path: path.to_path_buf(),
            what: format!("bytes follow the end of the RDB at byte {end}"),
        });
    }
    Ok(ReadBack {
        size: hashing.size(),
        sha256: hashing.sha256(),
        magic: match header.magic {
            crate::rdb::Magic::Redis => "REDIS",
            crate::rdb::Magic::Valkey => "VALKEY",
        },
        rdb_version: header.version,
        keys,
        functions,
        written_by,
        checksum,
    })
}

/// `.NAME.<pid>.part` next to `target`.
fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}{PARTIAL_SUFFIX}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::crc64;

    /// A small valid RDB 9 file: one string key, then EOF and the CRC64.
    fn small_rdb() -> Vec<u8> {
        let mut bytes = b"REDIS0009".to_vec();
        bytes.extend_from_slice(b"\xfa\x09redis-ver\x056.2.5");
        bytes.extend_from_slice(&[0xfe, 0, 0x00, 1, b'k', 1, b'v', 0xff]);
        let crc = crc64(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
    }

    #[test]
    fn a_sound_file_is_verified_and_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("node.rdb");
        let bytes = small_rdb();
        let mut file = PartialRdb::create(&target).unwrap();
        assert!(!target.exists());
        for piece in bytes.chunks(5) {
            file.write(piece).unwrap();
        }
        let verified = file.commit().unwrap();
        assert_eq!(verified.keys, 1);
        assert_eq!(verified.rdb_version, 9);
        assert_eq!(verified.size, bytes.len() as u64);
        assert_eq!(verified.sha256.len(), 64);
        assert_eq!(std::fs::read(&target).unwrap(), bytes);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_damaged_or_truncated_file_never_bears_the_final_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("node.rdb");
        let mut bytes = small_rdb();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        for damaged in [&bytes[..], &bytes[..bytes.len() - 3]] {
            let mut file = PartialRdb::create(&target).unwrap();
            file.write(damaged).unwrap();
            let error = file.commit().unwrap_err();
            assert!(error.to_string().contains("node.rdb"), "{error}");
            assert!(!target.exists());
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
        let file = PartialRdb::create(&target).unwrap();
        assert!(file.partial_path().exists());
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
