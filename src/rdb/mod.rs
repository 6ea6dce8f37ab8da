//! The RDB format, pure: reading RDB files as a stream of items, `DUMP` payloads, and carrying
//! values between Redis and Valkey versions. No sockets, no async, no printing; input is any
//! `std::io::Read`. The foundation of backup validation, restore and cross-server import.
//!
//! # Design: what is decoded and what is carried raw
//!
//! - **Carried raw.** A key's value is read as its type byte and the exact bytes that follow
//!   it, not decoded: the reader walks only the framing (lengths, counts, strings, fixed
//!   fields, the nested structure of streams and module values) to find where the value ends,
//!   and never looks inside a string (an LZF block, a ziplist, a listpack, an intset). Those
//!   bytes plus the RDB version and a CRC64 are the `DUMP` payload `RESTORE` takes, byte for
//!   byte what the server's own `DUMP` gives ([`Value::native_dump_payload`]).
//! - **Re-versioned.** A payload carries an RDB version, and a server refuses one newer than
//!   its own (Valkey 9 also refuses Redis's 12-79). The bytes of an encoding do not change
//!   between versions, so a payload is re-stamped ([`Value::dump_payload`]) with the lowest
//!   version the target accepts that still means its encoding ([`RdbTarget::stamp`]).
//! - **Decoded only to convert.** When the target cannot load the encoding at all (Redis 6.2
//!   and the listpacks of Redis 7+; Redis 7.0 and Valkey's set listpacks; hashes with field
//!   expiration between Redis and Valkey), the value is decoded into plain elements
//!   ([`Value::elements`]: ziplist, listpack, intset, quicklist 1 and 2, zipmap) and written in
//!   an encoding the target knows ([`Elements::encode`]); streams keep their entries' listpacks
//!   raw and only their envelope is rewritten. What cannot be carried (module values, field
//!   expiration for servers without it) is refused with the reason ([`RdbTarget::verdict`]).
//! - **Decoded as read.** Aux fields, function libraries, select-db, resize-db, slot info,
//!   Valkey's slot imports, and each key's name, expire time, LRU idle time and LFU frequency.
//!   Module aux data is yielded raw, for the caller to refuse.
//!
//! Memory stays bounded by the largest single item: nothing is allocated from a length field,
//! only for bytes actually read. Every error names its byte offset; no input makes the reader
//! panic (property-tested, and fuzzed by `fuzz/`).
//!
//! # API
//!
//! - [`RdbReader::new`]`(read)` checks the header; iterating yields [`Item`]s ([`Entry`] per
//!   key, [`FunctionLibrary`], aux, ...) and ends with [`Item::End`] after verifying the CRC64
//!   trailer ([`Checksum`]).
//! - [`Value`]: an encoding and its raw body; [`Value::from_dump_payload`] reads and verifies a
//!   `DUMP` reply, [`Value::dump_payload`] builds one with a given version.
//! - [`RdbTarget::of`]`(&Server)`: what a server loads; [`RdbTarget::verdict`] says raw,
//!   convert or refuse without decoding; [`carry`] makes the payload to `RESTORE`.
//! - [`functions_dump_payload`] builds a `FUNCTION RESTORE` payload
//!   ([`RdbTarget::functions_stamp`]: none before Redis 7.0).
//! - [`digest::Hashing`] hashes a file (SHA-256) as it is read.
//! - [`crc64()`] is the checksum itself; [`TrailerCheck`] checks a file's trailer as it streams.
//! - [`restore`]: restoring files into a cluster, judged (the census, the refusals, the
//!   comparison afterwards).
//!
//! # Layering
//!
//! `rdb/` sits on `cluster/`: it reads what a server is ([`crate::cluster::server::Server`],
//! for [`RdbTarget::of`]) and where a key lives ([`crate::cluster::slots`], for
//! [`restore`]); `cluster/` never imports `rdb/` (`scripts/check-layers.sh` checks it).

mod compact;
pub mod crc64;
pub mod decode;
pub mod digest;
pub mod encode;
pub mod encoding;
pub mod error;
pub mod functions;
mod lzf;
pub mod reader;
pub mod restore;
mod source;
pub mod target;
pub mod value;
mod walk;
pub mod write;

pub use crc64::{TrailerCheck, crc64, crc64_update};
pub use decode::{Elements, HashField, Stream};
pub use encoding::{Encoding, Kind};
pub use error::{Problem, RdbError};
pub use functions::{FunctionLibrary, functions_dump_payload, functions_from_dump_payload};
pub use reader::{Checksum, Entry, Header, Item, Magic, ModuleId, RdbReader};
pub use target::{Carried, CarryError, RdbTarget, Refusal, Verdict, carry};
pub use value::Value;
