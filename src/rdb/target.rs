//! What a server loads: the RDB versions its `RESTORE` accepts, hence which encodings, and the
//! judgment on each value: carried raw with a version stamp the server accepts, converted to an
//! encoding it knows, or refused with the reason.
//!
//! The one source of truth for RDB versions per server (measured on Redis 6.2.5, 7.0.15, 8.2.3
//! and Valkey 9.0.0, 9.1.2 by `tests/rdb.rs`; the other rows from the servers' `rdb.h`):
//!
//! | server | writes | `RESTORE` accepts |
//! |---|---|---|
//! | Redis 5.0-6.2 | 9 | 1-9 |
//! | Redis 7.0 | 10 | 1-10 |
//! | Redis 7.2 | 11 | 1-11 |
//! | Redis 7.4-8.2 | 12 | 1-12 |
//! | Valkey 7.2-8.1 | 11 | 1-11 |
//! | Valkey 9.0, 9.1 | 80 | 1-11, 80 (12-79 are Redis's formats: refused) |
//! | Valkey 9.2 | 81 | 1-11, 80-81 |
//!
//! Redis after 8.2 writes newer versions whose additions this module does not know; it still
//! loads everything up to 12, which is all it is sent.
//!
//! A payload is stamped with the lowest version, from 9 up (from its own for an older server),
//! that the target accepts and in
//! which its type byte means its encoding: 9, 10 or 11 for what Redis and Valkey share (so a
//! Redis 8.2 list loads on Valkey 9.1 and back), 12 for Redis's hashes with field expiration,
//! 80 for Valkey's. An encoding the target cannot load is converted:
//!
//! - lists, sets, sorted sets and hashes to the plain encodings every server loads (types 1, 2,
//!   5, 4), so Redis 7+ listpacks restore into Redis 6.2;
//! - a hash with field expiration to the target's own form of it (Redis 24 ⇄ Valkey 22), or
//!   refused where the server has no field expiration (Redis before 7.4, Valkey before 9.0);
//! - a stream to the newest stream encoding the target loads (3 → 2 → 1, dropping what the
//!   older one has no field for: consumers' active time; first id, tombstone and read counters),
//!   its entries' listpacks untouched;
//! - module values are refused: only the module can read them (a caller that knows the target
//!   has the module may still send [`Value::dump_payload`] raw).

use std::fmt;

use crate::cluster::server::{Server, ServerKind, Version};

use super::encoding::{Encoding, FIRST_VALKEY_RDB_VERSION, Kind};
use super::error::RdbError;
use super::functions::FIRST_FUNCTIONS_RDB_VERSION;
use super::reader::ModuleId;
use super::value::Value;

/// The lowest version a payload is stamped with (for a server that writes at least this): the
/// oldest any server of the matrix writes.
pub const LOWEST_STAMP: u16 = 9;
/// Versions Valkey reserves for Redis's formats, which it refuses.
const FOREIGN_VERSIONS: std::ops::RangeInclusive<u16> = 12..=79;

/// A server as `RESTORE` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RdbTarget {
    /// Redis or Valkey.
    pub kind: ServerKind,
    /// The newest RDB version it loads (its own).
    pub rdb_version: u16,
}

impl RdbTarget {
    /// The target a server is.
    pub fn of(server: &Server) -> Self {
        Self {
            kind: server.kind,
            rdb_version: rdb_version_of(server),
        }
    }

    /// Whether `RESTORE` accepts a payload of RDB version `version`.
    pub fn accepts_version(&self, version: u16) -> bool {
        let foreign = self.kind == ServerKind::Valkey && FOREIGN_VERSIONS.contains(&version);
        (1..=self.rdb_version).contains(&version) && !foreign
    }

    /// The version to stamp a value of `encoding` with for this target; `None` when it cannot
    /// load that encoding.
    pub fn stamp(&self, encoding: Encoding) -> Option<u16> {
        let floor = LOWEST_STAMP.min(self.rdb_version);
        (encoding.min_rdb_version().max(floor)..=self.rdb_version)
            .find(|&version| self.accepts_version(version) && encoding.is_meant_by(version))
    }

    /// The version to stamp a `FUNCTION RESTORE` payload with; `None` before functions (Redis
    /// 7.0).
    pub fn functions_stamp(&self) -> Option<u16> {
        (FIRST_FUNCTIONS_RDB_VERSION..=self.rdb_version).find(|&v| self.accepts_version(v))
    }

    /// What to do with `value` for this target (cheap: nothing is decoded).
    pub fn verdict(&self, value: &Value) -> Verdict {
        let encoding = value.encoding;
        if encoding.kind() == Kind::Module {
            return Verdict::Refuse(Refusal::Module {
                name: module_name(value),
            });
        }
        if let Some(version) = self.stamp(encoding) {
            return Verdict::Raw { version };
        }
        let candidates: &[Encoding] = match encoding.kind() {
            Kind::String => &[Encoding::String],
            Kind::List => &[Encoding::List],
            Kind::Set => &[Encoding::Set],
            Kind::SortedSet => &[Encoding::SortedSet2],
            Kind::Hash if encoding.has_field_expiry() => {
                &[Encoding::HashWithFieldExpiry, Encoding::HashMetadata]
            }
            Kind::Hash => &[Encoding::Hash],
            Kind::Stream => &[
                Encoding::StreamListpacks3,
                Encoding::StreamListpacks2,
                Encoding::StreamListpacks,
            ],
            Kind::Module => return Verdict::Refuse(Refusal::Unsupported),
        };
        // Streams only go down: a newer encoding needs fields an older one lacks.
        let fits = |candidate: &&Encoding| {
            encoding.kind() != Kind::Stream || candidate.type_byte() <= encoding.type_byte()
        };
        match candidates
            .iter()
            .filter(fits)
            .find_map(|&to| Some((to, self.stamp(to)?)))
        {
            Some((to, version)) => Verdict::Convert { to, version },
            None if encoding.has_field_expiry() => Verdict::Refuse(Refusal::FieldExpiration),
            None => Verdict::Refuse(Refusal::Unsupported),
        }
    }
}

/// What happens to a value sent to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Sent as it is, stamped with `version`.
    Raw {
        /// The RDB version of the payload.
        version: u16,
    },
    /// Decoded and written in encoding `to`, stamped with `version`.
    Convert {
        /// The encoding written.
        to: Encoding,
        /// The RDB version of the payload.
        version: u16,
    },
    /// Cannot be sent.
    Refuse(Refusal),
}

/// Why a value cannot be carried to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A module's type: only that module reads it.
    Module {
        /// The module type's name.
        name: String,
    },
    /// A hash with field expiration, for a server without it.
    FieldExpiration,
    /// No encoding of this kind loads on the target (not seen on any known server).
    Unsupported,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Module { name } => {
                write!(
                    f,
                    "a value of module type '{name}' (only its module loads it)"
                )
            }
            Refusal::FieldExpiration => write!(
                f,
                "a hash with field expiration (needs Redis 7.4+ or Valkey 9.0+)"
            ),
            Refusal::Unsupported => write!(f, "an encoding the server cannot load"),
        }
    }
}

/// A payload ready for `RESTORE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// The `DUMP` payload.
    pub payload: Vec<u8>,
    /// Its encoding.
    pub encoding: Encoding,
    /// Its RDB version.
    pub version: u16,
    /// Whether it was converted from another encoding.
    pub converted: bool,
}

/// Why [`carry`] gave no payload.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CarryError {
    /// The target cannot load it, whatever the encoding.
    #[error("{encoding} cannot go to {target}: {refusal}")]
    Refused {
        /// The value's encoding.
        encoding: Encoding,
        /// The target.
        target: RdbTarget,
        /// Why.
        refusal: Refusal,
    },
    /// The value's bytes did not decode.
    #[error(transparent)]
    Corrupt(#[from] RdbError),
}

impl fmt::Display for RdbTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ServerKind::Redis => "Redis",
            ServerKind::Valkey => "Valkey",
        };
        write!(f, "{kind} (RDB {})", self.rdb_version)
    }
}

/// The `DUMP` payload `target` loads for `value`: raw and re-stamped when it can, else
/// converted; refused, naming why, when neither works.
pub fn carry(value: &Value, target: &RdbTarget) -> Result<Carried, CarryError> {
    let refused = |refusal| CarryError::Refused {
        encoding: value.encoding,
        target: *target,
        refusal,
    };
    match target.verdict(value) {
        Verdict::Raw { version } => Ok(Carried {
            payload: value
                .dump_payload(version)
                .ok_or_else(|| refused(Refusal::Unsupported))?,
            encoding: value.encoding,
            version,
            converted: false,
        }),
        Verdict::Convert { to, version } => {
            let body = value
                .elements()?
                .encode(to)
                .ok_or_else(|| refused(Refusal::Unsupported))?;
            let converted = Value {
                encoding: to,
                body,
                rdb_version: version,
                offset: 0,
            };
            Ok(Carried {
                payload: converted.native_dump_payload(),
                encoding: to,
                version,
                converted: true,
            })
        }
        Verdict::Refuse(refusal) => Err(refused(refusal)),
    }
}

/// The module type name of a module value (its id leads the body).
fn module_name(value: &Value) -> String {
    let mut source = super::source::Source::new(value.body.as_slice(), 0, false);
    source
        .len("a module id")
        .map(|id| ModuleId(id).name())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The RDB version a server writes (the newest it loads).
fn rdb_version_of(server: &Server) -> u16 {
    let at_least = |major, minor| server.version >= Version(major, minor, 0);
    match server.kind {
        ServerKind::Valkey if at_least(9, 2) => FIRST_VALKEY_RDB_VERSION + 1,
        ServerKind::Valkey if at_least(9, 0) => FIRST_VALKEY_RDB_VERSION,
        ServerKind::Valkey => 11,
        ServerKind::Redis if at_least(7, 4) => 12,
        ServerKind::Redis if at_least(7, 2) => 11,
        ServerKind::Redis if at_least(7, 0) => 10,
        ServerKind::Redis if at_least(5, 0) => 9,
        ServerKind::Redis if at_least(4, 0) => 8,
        ServerKind::Redis if at_least(3, 2) => 7,
        ServerKind::Redis => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::super::compact::build;
    use super::*;
    use proptest::prelude::*;

    fn server(kind: ServerKind, major: u16, minor: u16, patch: u16) -> RdbTarget {
        RdbTarget::of(&Server {
            kind,
            version: Version(major, minor, patch),
        })
    }

    fn redis(major: u16, minor: u16) -> RdbTarget {
        server(ServerKind::Redis, major, minor, 0)
    }

    fn valkey(major: u16, minor: u16) -> RdbTarget {
        server(ServerKind::Valkey, major, minor, 0)
    }

    fn value(encoding: Encoding, body: Vec<u8>) -> Value {
        Value {
            encoding,
            body,
            rdb_version: 12,
            offset: 0,
        }
    }

    #[test]
    fn versions_of_the_matrix() {
        assert_eq!(server(ServerKind::Redis, 6, 2, 5).rdb_version, 9);
        assert_eq!(server(ServerKind::Redis, 7, 0, 15).rdb_version, 10);
        assert_eq!(server(ServerKind::Redis, 8, 2, 3).rdb_version, 12);
        assert_eq!(server(ServerKind::Valkey, 8, 0, 1).rdb_version, 11);
        assert_eq!(server(ServerKind::Valkey, 9, 0, 0).rdb_version, 80);
        assert_eq!(server(ServerKind::Valkey, 9, 1, 2).rdb_version, 80);
        let valkey9 = valkey(9, 1);
        assert!(valkey9.accepts_version(11) && valkey9.accepts_version(80));
        assert!(!valkey9.accepts_version(12) && !valkey9.accepts_version(81));
        assert!(!redis(8, 2).accepts_version(80));
        assert!(redis(8, 2).accepts_version(12));
    }

    #[test]
    fn stamps_are_the_lowest_version_both_sides_mean() {
        assert_eq!(valkey(9, 1).stamp(Encoding::HashListpack), Some(10));
        assert_eq!(redis(8, 2).stamp(Encoding::HashListpack), Some(10));
        assert_eq!(redis(6, 2).stamp(Encoding::HashListpack), None);
        assert_eq!(redis(6, 2).stamp(Encoding::String), Some(9));
        assert_eq!(redis(4, 0).stamp(Encoding::SortedSet2), Some(8));
        assert_eq!(redis(4, 0).stamp(Encoding::StreamListpacks), None);
        assert_eq!(redis(7, 0).stamp(Encoding::StreamListpacks3), None);
        assert_eq!(valkey(9, 1).stamp(Encoding::StreamListpacks3), Some(11));
        assert_eq!(redis(8, 2).stamp(Encoding::HashListpackEx), Some(12));
        assert_eq!(valkey(9, 1).stamp(Encoding::HashListpackEx), None);
        assert_eq!(valkey(9, 0).stamp(Encoding::HashWithFieldExpiry), Some(80));
        assert_eq!(redis(8, 2).stamp(Encoding::HashWithFieldExpiry), None);
        assert_eq!(valkey(8, 0).stamp(Encoding::HashWithFieldExpiry), None);
        assert_eq!(redis(6, 2).functions_stamp(), None);
        assert_eq!(redis(7, 0).functions_stamp(), Some(10));
        assert_eq!(valkey(9, 1).functions_stamp(), Some(10));
    }

    #[test]
    fn verdicts_convert_what_the_target_lacks() {
        let hash = value(Encoding::HashListpack, vec![]);
        assert_eq!(redis(7, 0).verdict(&hash), Verdict::Raw { version: 10 });
        assert_eq!(
            redis(6, 2).verdict(&hash),
            Verdict::Convert {
                to: Encoding::Hash,
                version: 9
            }
        );
        let stream = value(Encoding::StreamListpacks3, vec![]);
        assert_eq!(
            redis(7, 0).verdict(&stream),
            Verdict::Convert {
                to: Encoding::StreamListpacks2,
                version: 10
            }
        );
        assert_eq!(
            redis(6, 2).verdict(&stream),
            Verdict::Convert {
                to: Encoding::StreamListpacks,
                version: 9
            }
        );
        let redis_ttl_hash = value(Encoding::HashListpackEx, vec![]);
        assert_eq!(
            valkey(9, 1).verdict(&redis_ttl_hash),
            Verdict::Convert {
                to: Encoding::HashWithFieldExpiry,
                version: 80
            }
        );
        assert_eq!(
            redis(7, 0).verdict(&redis_ttl_hash),
            Verdict::Refuse(Refusal::FieldExpiration)
        );
        let valkey_ttl_hash = value(Encoding::HashWithFieldExpiry, vec![]);
        assert_eq!(
            redis(8, 2).verdict(&valkey_ttl_hash),
            Verdict::Convert {
                to: Encoding::HashMetadata,
                version: 12
            }
        );
    }

    fn string_body(bytes: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        super::super::write::put_string(&mut body, bytes);
        body
    }

    proptest! {
        #[test]
        fn carrying_arbitrary_bodies_never_panics(
            type_byte in 0u8..26,
            body in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            for version in [9u16, 12, 80] {
                let Some(encoding) = Encoding::from_type_byte(type_byte, version) else {
                    continue;
                };
                let value = Value { encoding, body: body.clone(), rdb_version: version, offset: 0 };
                for target in [redis(6, 2), redis(7, 0), redis(8, 2), valkey(8, 0), valkey(9, 1)] {
                    let _ = carry(&value, &target);
                }
            }
        }

        #[test]
        fn conversions_for_redis_6_2_keep_the_content(
            items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..30), 2..20),
        ) {
            let views: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
            let even = &views[..views.len() / 2 * 2];
            let mut quicklist = Vec::new();
            super::super::write::put_len(&mut quicklist, 1);
            super::super::write::put_len(&mut quicklist, 2);
            quicklist.extend(string_body(&build::listpack(&views)));
            let values = [
                value(Encoding::SetListpack, string_body(&build::listpack(&views))),
                value(Encoding::HashListpack, string_body(&build::listpack(even))),
                value(Encoding::ListQuicklist2, quicklist),
            ];
            for original in values {
                let carried = carry(&original, &redis(6, 2)).unwrap();
                prop_assert!(carried.converted);
                prop_assert_eq!(carried.version, 9);
                let back = Value::from_dump_payload(&carried.payload).unwrap();
                prop_assert_eq!(back.elements().unwrap(), original.elements().unwrap());
            }
        }
    }

    #[test]
    fn module_values_are_refused_by_name() {
        // "ReJSON-RL", encoding version 3: each character's index in the charset, 6 bits.
        let charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let id = "ReJSON-RL"
            .chars()
            .fold(0u64, |id, c| id << 6 | charset.find(c).unwrap() as u64)
            << 10
            | 3;
        assert_eq!(ModuleId(id).name(), "ReJSON-RL");
        assert_eq!(ModuleId(id).encoding_version(), 3);
        let mut body = Vec::new();
        super::super::write::put_len(&mut body, id);
        body.push(0);
        let module = value(Encoding::Module2, body);
        let error = carry(&module, &valkey(9, 1)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "module-value (type 7) cannot go to Valkey (RDB 80): a value of module type \
             'ReJSON-RL' (only its module loads it)"
        );
    }
}
