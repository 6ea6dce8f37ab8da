//! Finding where a value ends without decoding it: every encoding's framing (counts, strings,
//! fixed-width fields, the nested structure of streams and module values) is consumed, and
//! nothing inside a string (a ziplist, a listpack, an LZF block) is looked into. Run with the
//! source capturing, it yields the value's raw bytes exactly as stored.

use std::io::BufRead;

use super::encoding::Encoding;
use super::error::RdbError;
use super::source::Source;

/// A module value's annotations (`RDB_MODULE_OPCODE_*`).
const MODULE_OPCODE_EOF: u64 = 0;
const MODULE_OPCODE_SINT: u64 = 1;
const MODULE_OPCODE_UINT: u64 = 2;
const MODULE_OPCODE_FLOAT: u64 = 3;
const MODULE_OPCODE_DOUBLE: u64 = 4;
const MODULE_OPCODE_STRING: u64 = 5;

/// The length byte of a text score that means NaN, +inf or -inf (no text follows).
const TEXT_SCORE_SPECIALS: u8 = 253;

/// Size of a stream id in raw form (two big-endian u64).
pub const STREAM_ID_LEN: u64 = 16;

/// Consumes one value of `encoding`.
pub fn walk_value<R: BufRead>(source: &mut Source<R>, encoding: Encoding) -> Result<(), RdbError> {
    match encoding {
        Encoding::String
        | Encoding::HashZipmap
        | Encoding::ListZiplist
        | Encoding::SetIntset
        | Encoding::SortedSetZiplist
        | Encoding::HashZiplist
        | Encoding::HashListpack
        | Encoding::SortedSetListpack
        | Encoding::SetListpack
        | Encoding::HashListpackExPreGa => source.skip_string("a value"),
        Encoding::List | Encoding::Set | Encoding::ListQuicklist => {
            for _ in 0..source.len("an element count")? {
                source.skip_string("an element")?;
            }
            Ok(())
        }
        Encoding::SortedSet => {
            for _ in 0..source.len("a member count")? {
                source.skip_string("a member")?;
                let length = source.byte("a score")?;
                if length < TEXT_SCORE_SPECIALS {
                    source.skip(u64::from(length), "a score")?;
                }
            }
            Ok(())
        }
        Encoding::SortedSet2 => {
            for _ in 0..source.len("a member count")? {
                source.skip_string("a member")?;
                source.skip(8, "a score")?;
            }
            Ok(())
        }
        Encoding::Hash => {
            for _ in 0..source.len("a field count")? {
                source.skip_string("a field")?;
                source.skip_string("a field's value")?;
            }
            Ok(())
        }
        Encoding::ListQuicklist2 => {
            for _ in 0..source.len("a node count")? {
                let container = source.len("a node container")?;
                if !(1..=2).contains(&container) {
                    return Err(source.corrupt(format!("quicklist node container {container}")));
                }
                source.skip_string("a quicklist node")?;
            }
            Ok(())
        }
        Encoding::StreamListpacks | Encoding::StreamListpacks2 | Encoding::StreamListpacks3 => {
            walk_stream(source, encoding)
        }
        Encoding::Module2 => {
            source.len("a module id")?;
            walk_module_data(source)
        }
        Encoding::ModulePreGa => Err(source.corrupt(
            "a module value of the Redis 4.0 release candidates cannot be read without its module",
        )),
        Encoding::HashMetadataPreGa => walk_hash_with_ttls(source),
        Encoding::HashMetadata => {
            source.skip(8, "the hash's first field expiration")?;
            walk_hash_with_ttls(source)
        }
        Encoding::HashListpackEx => {
            source.skip(8, "the hash's first field expiration")?;
            source.skip_string("a listpack")
        }
        Encoding::HashWithFieldExpiry => {
            for _ in 0..source.len("a field count")? {
                source.skip_string("a field")?;
                source.skip_string("a field's value")?;
                source.skip(8, "a field's expiration")?;
            }
            Ok(())
        }
    }
}

/// Redis's hashes with field expiration: count, then (ttl, field, value) triplets.
fn walk_hash_with_ttls<R: BufRead>(source: &mut Source<R>) -> Result<(), RdbError> {
    for _ in 0..source.len("a field count")? {
        source.len("a field's expiration")?;
        source.skip_string("a field")?;
        source.skip_string("a field's value")?;
    }
    Ok(())
}

/// A stream: its listpacks, its metadata, then its consumer groups with their pending
/// entries and consumers.
fn walk_stream<R: BufRead>(source: &mut Source<R>, encoding: Encoding) -> Result<(), RdbError> {
    let version2 = encoding != Encoding::StreamListpacks;
    let version3 = encoding == Encoding::StreamListpacks3;
    for _ in 0..source.len("a stream's listpack count")? {
        source.skip_string("a stream node id")?;
        source.skip_string("a stream listpack")?;
    }
    // Length and last id; then first id, max deleted id and entries added.
    let numbers = if version2 { 8 } else { 3 };
    for _ in 0..numbers {
        source.len("a stream's metadata")?;
    }
    for _ in 0..source.len("a stream's group count")? {
        source.skip_string("a consumer group name")?;
        source.len("a group's last id")?;
        source.len("a group's last id")?;
        if version2 {
            source.len("a group's entries read")?;
        }
        for _ in 0..source.len("a group's pending count")? {
            source.skip(STREAM_ID_LEN, "a pending entry id")?;
            source.skip(8, "a delivery time")?;
            source.len("a delivery count")?;
        }
        for _ in 0..source.len("a group's consumer count")? {
            source.skip_string("a consumer name")?;
            source.skip(8, "a consumer's seen time")?;
            if version3 {
                source.skip(8, "a consumer's active time")?;
            }
            for _ in 0..source.len("a consumer's pending count")? {
                source.skip(STREAM_ID_LEN, "a pending entry id")?;
            }
        }
    }
    Ok(())
}

/// A module value or module aux payload after its id: annotated items up to the EOF opcode.
pub fn walk_module_data<R: BufRead>(source: &mut Source<R>) -> Result<(), RdbError> {
    loop {
        match source.len("a module opcode")? {
            MODULE_OPCODE_EOF => return Ok(()),
            MODULE_OPCODE_SINT | MODULE_OPCODE_UINT => {
                source.len("a module integer")?;
            }
            MODULE_OPCODE_FLOAT => source.skip(4, "a module float")?,
            MODULE_OPCODE_DOUBLE => source.skip(8, "a module double")?,
            MODULE_OPCODE_STRING => source.skip_string("a module string")?,
            other => return Err(source.corrupt(format!("unknown module opcode {other}"))),
        }
    }
}
