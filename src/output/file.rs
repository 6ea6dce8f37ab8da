//! The one writer of files: every file rtrib writes (a plan, a textfile of metrics, the reshard
//! journal, a sandbox node's config, a copy of the binary) replaces its path whole, so that a
//! reader or a kill never meets half a file.

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Replaces the file at `path` with `bytes` atomically: they are written to a temporary file
/// in the same directory (a name starting with `.`, so that node_exporter's textfile collector,
/// which reads `*.prom`, never sees it half written), flushed to disk, then renamed over
/// `path`. Readers see the old content or the new one, never a mix.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(path, bytes, 0o666)
}

/// [`write_file_atomically`], the file executable (mode `0755`).
pub fn write_executable_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(path, bytes, 0o755)
}

/// Writes a temporary file created with `mode` (less the umask), then renames it over `path`;
/// the temporary is removed when anything fails.
fn replace_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::write_file_atomically;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rtrib.prom");
        std::fs::write(&path, "old").unwrap();
        write_file_atomically(&path, b"new content").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new content");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        let missing = dir.path().join("no-such-dir").join("x.prom");
        assert!(write_file_atomically(&missing, b"x").is_err());
    }
}
