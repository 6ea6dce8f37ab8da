//! SHA-256 of an RDB file as it is read: a [`Hashing`] reader sits between the file and the
//! [`RdbReader`](super::RdbReader), so a file is hashed in the same pass that verifies it
//! (a backup's read-back, a restore's reading of a backup whose manifest lists each file's
//! SHA-256).

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// A reader that hashes (SHA-256) and counts what passes through it.
pub struct Hashing<R> {
    inner: R,
    sha256: Sha256,
    size: u64,
}

impl<R> Hashing<R> {
    /// Hashes what is read from `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            sha256: Sha256::new(),
            size: 0,
        }
    }

    /// The bytes read so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The SHA-256 of the bytes read, lowercase hex.
    pub fn sha256(&self) -> String {
        hex(&self.sha256.clone().finalize())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.sha256.update(&buffer[..read]);
        self.size += read as u64;
        Ok(read)
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_counts_what_passes() {
        let mut hashing = Hashing::new(&b"abc"[..]);
        let mut read = Vec::new();
        hashing.read_to_end(&mut read).unwrap();
        assert_eq!(read, b"abc");
        assert_eq!(hashing.size(), 3);
        assert_eq!(
            hashing.sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
