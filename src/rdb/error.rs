//! What can be wrong with RDB bytes, and where: every error names the byte offset it was found
//! at (from the start of the file, or of the `DUMP` payload being read).

/// Bytes that are not what an RDB file or a `DUMP` payload must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: {problem}")]
pub struct RdbError {
    /// Where the problem was found.
    pub offset: u64,
    /// What it is.
    pub problem: Problem,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The bytes end inside something.
    #[error("the data ends inside {0}")]
    Truncated(&'static str),
    /// Reading failed for another reason than the end of the data.
    #[error("reading failed: {0}")]
    Io(String),
    /// The file does not start with `REDIS` or `VALKEY` and a version number.
    #[error("not an RDB file: it starts with {0:?}, not REDIS or VALKEY and a version")]
    NotRdb(String),
    /// A version this reader does not know the format of.
    #[error("RDB version {0} is not one this reader knows (it reads 1 to 12, and 80)")]
    UnsupportedVersion(u32),
    /// `REDIS` with a Valkey version, or `VALKEY` with a Redis one.
    #[error("the {magic} magic string never goes with RDB version {version}")]
    MagicMismatch {
        /// `REDIS` or `VALKEY`.
        magic: &'static str,
        /// The version that followed it.
        version: u16,
    },
    /// A byte where an opcode or a value type must be, that is neither in this RDB version.
    #[error("unknown opcode or value type {byte} (RDB version {version})")]
    UnknownType {
        /// The byte.
        byte: u8,
        /// The version that gives the type bytes their meaning.
        version: u16,
    },
    /// The CRC64 stored does not match the bytes.
    #[error("CRC64 mismatch: stored {stored:016x}, computed {computed:016x}")]
    Checksum {
        /// The checksum the data carries.
        stored: u64,
        /// The checksum of the bytes it covers.
        computed: u64,
    },
    /// Anything else malformed, described.
    #[error("{0}")]
    Corrupt(String),
}

impl RdbError {
    /// A problem found at `offset`.
    pub fn new(offset: u64, problem: Problem) -> Self {
        Self { offset, problem }
    }

    /// Malformed data at `offset`, described by `what`.
    pub fn corrupt(offset: u64, what: impl Into<String>) -> Self {
        Self::new(offset, Problem::Corrupt(what.into()))
    }
}
