//! A value as the RDB format stores it, and `DUMP` payloads: the value's type byte, its raw
//! body, the RDB version (2 bytes, little endian) and the CRC64 of all that (8 bytes, little
//! endian). `RESTORE` refuses a payload whose version is newer than its server's, or whose CRC
//! does not match; the version also tells the server what a type byte above 21 means.

use super::crc64::crc64;
use super::encoding::{Encoding, Kind};
use super::error::{Problem, RdbError};
use super::source::Source;
use super::walk::walk_value;

/// Bytes after the body: version and CRC64.
const FOOTER_LEN: usize = 10;

/// One value: its encoding and its serialized body, exactly as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// How the body is encoded.
    pub encoding: Encoding,
    /// The serialized value after the type byte.
    pub body: Vec<u8>,
    /// The RDB version of the file or payload it was read from.
    pub rdb_version: u16,
    /// Where the body starts in what it was read from (errors in it name offsets from there).
    pub offset: u64,
}

impl Value {
    /// The kind of value.
    pub fn kind(&self) -> Kind {
        self.encoding.kind()
    }

    /// A `DUMP` payload of this value stamped with RDB version `rdb_version`; `None` when the
    /// type byte would mean something else in that version, or the encoding is newer than it.
    pub fn dump_payload(&self, rdb_version: u16) -> Option<Vec<u8>> {
        if !self.encoding.is_meant_by(rdb_version) {
            return None;
        }
        let mut payload = Vec::with_capacity(1 + self.body.len() + FOOTER_LEN);
        payload.push(self.encoding.type_byte());
        payload.extend_from_slice(&self.body);
        Some(seal(payload, rdb_version))
    }

    /// The `DUMP` payload the server that wrote this value would have produced (same version).
    pub fn native_dump_payload(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(1 + self.body.len() + FOOTER_LEN);
        payload.push(self.encoding.type_byte());
        payload.extend_from_slice(&self.body);
        seal(payload, self.rdb_version)
    }

    /// Reads a `DUMP` payload: checks the CRC64, resolves the type byte with the payload's
    /// version and checks the body is one whole value of that encoding.
    pub fn from_dump_payload(payload: &[u8]) -> Result<Value, RdbError> {
        let (rdb_version, content) = open(payload)?;
        let (&type_byte, body) = content
            .split_first()
            .ok_or_else(|| RdbError::new(0, Problem::Truncated("a DUMP payload")))?;
        let encoding = Encoding::from_type_byte(type_byte, rdb_version).ok_or(RdbError::new(
            0,
            Problem::UnknownType {
                byte: type_byte,
                version: rdb_version,
            },
        ))?;
        let mut source = Source::new(body, 1, false);
        walk_value(&mut source, encoding)?;
        let end = source.offset();
        if end != 1 + body.len() as u64 {
            return Err(RdbError::corrupt(
                end,
                format!(
                    "the {encoding} value ends {} bytes before the payload's footer",
                    1 + body.len() as u64 - end
                ),
            ));
        }
        Ok(Value {
            encoding,
            body: body.to_vec(),
            rdb_version,
            offset: 1,
        })
    }
}

/// Appends the version and the CRC64.
pub(crate) fn seal(mut payload: Vec<u8>, rdb_version: u16) -> Vec<u8> {
    payload.extend_from_slice(&rdb_version.to_le_bytes());
    let crc = crc64(&payload);
    payload.extend_from_slice(&crc.to_le_bytes());
    payload
}

/// Checks the footer of a payload; returns its version and what precedes the footer.
pub(crate) fn open(payload: &[u8]) -> Result<(u16, &[u8]), RdbError> {
    let Some(content_len) = payload.len().checked_sub(FOOTER_LEN) else {
        return Err(RdbError::new(
            payload.len() as u64,
            Problem::Truncated("a DUMP payload's version and CRC64"),
        ));
    };
    let (content, footer) = payload.split_at(content_len);
    let rdb_version = u16::from_le_bytes([footer[0], footer[1]]);
    let stored = u64::from_le_bytes([
        footer[2], footer[3], footer[4], footer[5], footer[6], footer[7], footer[8], footer[9],
    ]);
    let computed = crc64(&payload[..content_len + 2]);
    if stored != computed {
        return Err(RdbError::new(
            content_len as u64 + 2,
            Problem::Checksum { stored, computed },
        ));
    }
    Ok((rdb_version, content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_payload_as_redis_dumps_it() {
        // `SET k hello` then `DUMP k` on Redis 7.0.15.
        let payload = b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a";
        let value = Value::from_dump_payload(payload).unwrap();
        assert_eq!(value.encoding, Encoding::String);
        assert_eq!(value.body, b"\x05hello");
        assert_eq!(value.rdb_version, 10);
        assert_eq!(value.native_dump_payload(), payload);
    }

    #[test]
    fn restamping_changes_the_version_and_the_crc() {
        let value = Value {
            encoding: Encoding::HashListpack,
            body: b"\x0bxxxxxxxxxxx".to_vec(),
            rdb_version: 12,
            offset: 0,
        };
        let payload = value.dump_payload(10).unwrap();
        assert_eq!(&payload[payload.len() - 10..payload.len() - 8], &[10, 0]);
        assert_eq!(Value::from_dump_payload(&payload).unwrap().rdb_version, 10);
        assert_eq!(value.dump_payload(9), None, "a listpack needs RDB 10");
        let valkey_hash = Value {
            encoding: Encoding::HashWithFieldExpiry,
            ..value
        };
        assert_eq!(
            valkey_hash.dump_payload(12),
            None,
            "type 22 is Redis's at 12"
        );
        assert!(valkey_hash.dump_payload(80).is_some());
    }

    #[test]
    fn bad_payloads_name_the_offset() {
        let mut payload = b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a".to_vec();
        payload[3] ^= 1;
        let error = Value::from_dump_payload(&payload).unwrap_err();
        assert!(matches!(error.problem, Problem::Checksum { .. }));
        assert_eq!(error.offset, 9);
        // A body longer than its value.
        let value = Value {
            encoding: Encoding::String,
            body: b"\x01ab".to_vec(),
            rdb_version: 9,
            offset: 0,
        };
        let error = Value::from_dump_payload(&value.native_dump_payload()).unwrap_err();
        assert_eq!(error.offset, 3);
        assert!(Value::from_dump_payload(b"short").is_err());
    }
}
