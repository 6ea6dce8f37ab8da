//! Function libraries (Redis 7.0+, Valkey): as an RDB file holds them (the `FUNCTION2` opcode
//! and the library's code) and as `FUNCTION DUMP` / `FUNCTION RESTORE` carry them (the same,
//! library after library, then a `DUMP` payload's version and CRC64).

use super::error::RdbError;
use super::source::Source;
use super::value::{open, seal};
use super::write::put_string;

/// The opcode before each library, in files and payloads.
pub const OPCODE_FUNCTION2: u8 = 245;
/// The first RDB version with functions (Redis 7.0).
pub const FIRST_FUNCTIONS_RDB_VERSION: u16 = 10;

/// A function library, as `FUNCTION DUMP` carries it: its code, starting with its shebang line
/// (`#!lua name=mylib`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionLibrary {
    /// The library's source code.
    pub code: Vec<u8>,
}

impl FunctionLibrary {
    /// The `name=` of the shebang line, when there is one.
    pub fn name(&self) -> Option<String> {
        let first_line = self.code.split(|&byte| byte == b'\n').next()?;
        let shebang = std::str::from_utf8(first_line.strip_prefix(b"#!")?).ok()?;
        shebang
            .split_whitespace()
            .find_map(|word| word.strip_prefix("name="))
            .map(str::to_owned)
    }
}

/// A `FUNCTION RESTORE` payload of `libraries`, stamped with `rdb_version` (10 or later).
pub fn functions_dump_payload(libraries: &[FunctionLibrary], rdb_version: u16) -> Vec<u8> {
    let mut payload = Vec::new();
    for library in libraries {
        payload.push(OPCODE_FUNCTION2);
        put_string(&mut payload, &library.code);
    }
    seal(payload, rdb_version)
}

/// Reads a `FUNCTION DUMP` payload into its libraries.
pub fn functions_from_dump_payload(payload: &[u8]) -> Result<Vec<FunctionLibrary>, RdbError> {
    let (_, content) = open(payload)?;
    let mut source = Source::new(content, 0, false);
    let mut libraries = Vec::new();
    while source.offset() < content.len() as u64 {
        let opcode = source.byte("a function library")?;
        if opcode != OPCODE_FUNCTION2 {
            return Err(RdbError::corrupt(
                source.offset() - 1,
                format!("opcode {opcode} where a function library must start"),
            ));
        }
        libraries.push(FunctionLibrary {
            code: source.string("a function library")?,
        });
    }
    Ok(libraries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_payloads_round_trip() {
        let libraries = vec![FunctionLibrary {
            code: b"#!lua name=lib\nserver.register_function('f', function() return 1 end)"
                .to_vec(),
        }];
        let payload = functions_dump_payload(&libraries, 10);
        assert_eq!(functions_from_dump_payload(&payload).unwrap(), libraries);
        assert_eq!(libraries[0].name().as_deref(), Some("lib"));
    }
}
