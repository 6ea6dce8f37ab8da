//! Value encodings: the type byte that starts every value in an RDB file and every `DUMP`
//! payload, what it means, and the RDB version that introduced it.
//!
//! Type bytes 0-21 mean the same everywhere. Above that Redis and Valkey diverged: Redis 7.4
//! (RDB 12) uses 22-25 for hashes with field expiration, Valkey 9.0 (RDB 80) uses 22 for its
//! own such hash. The RDB version says which: Valkey reserves 12-79 for foreign (Redis)
//! formats and numbers its own from 80, so the same byte is resolved with the version of the
//! file or payload it came from ([`Encoding::from_type_byte`]).
//!
//! Sources: `rdb.h` of Redis 6.2.5, 7.0.15, 7.4.1 and 8.0, and of Valkey 8.0.1 and 9.x.

use std::fmt;

/// The first RDB version of Valkey's own numbering (Valkey 9.0); 12 to 79 are Redis's.
pub const FIRST_VALKEY_RDB_VERSION: u16 = 80;

/// What kind of value an encoding holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A string.
    String,
    /// A list.
    List,
    /// A set.
    Set,
    /// A sorted set.
    SortedSet,
    /// A hash.
    Hash,
    /// A stream.
    Stream,
    /// A module's own type.
    Module,
}

impl Kind {
    /// The name `TYPE` answers for such a value (`module` for every module type).
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::SortedSet => "zset",
            Kind::Hash => "hash",
            Kind::Stream => "stream",
            Kind::Module => "module",
        }
    }
}

/// A value's serialized form, named after Redis's `RDB_TYPE_*` constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// 0: a string.
    String,
    /// 1: a list, element by element.
    List,
    /// 2: a set, member by member.
    Set,
    /// 3: a sorted set, scores as text.
    SortedSet,
    /// 4: a hash, field and value by field and value.
    Hash,
    /// 5: a sorted set, scores as binary doubles (RDB 8).
    SortedSet2,
    /// 6: a module value of the Redis 4.0 release candidates, unreadable without the module.
    ModulePreGa,
    /// 7: a module value, annotated so it can be walked without the module (RDB 8).
    Module2,
    /// 9: a hash as a zipmap.
    HashZipmap,
    /// 10: a list as one ziplist.
    ListZiplist,
    /// 11: a set of integers as an intset.
    SetIntset,
    /// 12: a sorted set as a ziplist.
    SortedSetZiplist,
    /// 13: a hash as a ziplist.
    HashZiplist,
    /// 14: a list as a quicklist of ziplists (RDB 7).
    ListQuicklist,
    /// 15: a stream (RDB 9).
    StreamListpacks,
    /// 16: a hash as a listpack (RDB 10).
    HashListpack,
    /// 17: a sorted set as a listpack (RDB 10).
    SortedSetListpack,
    /// 18: a list as a quicklist of listpacks or plain nodes (RDB 10).
    ListQuicklist2,
    /// 19: a stream with first id, tombstone, offset and group read counters (RDB 10).
    StreamListpacks2,
    /// 20: a set as a listpack (RDB 11).
    SetListpack,
    /// 21: a stream whose consumers have an active time (RDB 11).
    StreamListpacks3,
    /// Redis 22: a hash with field expiration, absolute times (7.4 release candidates).
    HashMetadataPreGa,
    /// Redis 23: a listpack hash with field expiration (7.4 release candidates).
    HashListpackExPreGa,
    /// Redis 24: a hash with field expiration, times relative to the first (RDB 12).
    HashMetadata,
    /// Redis 25: a listpack hash with field expiration (RDB 12).
    HashListpackEx,
    /// Valkey 22 (`RDB_TYPE_HASH_2`): a hash with field expiration (RDB 80).
    HashWithFieldExpiry,
}

impl Encoding {
    /// The encoding the type `byte` stands for in RDB version `rdb_version`; `None` when the
    /// byte is an opcode, unassigned, or means nothing in that version.
    pub fn from_type_byte(byte: u8, rdb_version: u16) -> Option<Encoding> {
        let valkey = rdb_version >= FIRST_VALKEY_RDB_VERSION;
        Some(match byte {
            0 => Encoding::String,
            1 => Encoding::List,
            2 => Encoding::Set,
            3 => Encoding::SortedSet,
            4 => Encoding::Hash,
            5 => Encoding::SortedSet2,
            6 => Encoding::ModulePreGa,
            7 => Encoding::Module2,
            9 => Encoding::HashZipmap,
            10 => Encoding::ListZiplist,
            11 => Encoding::SetIntset,
            12 => Encoding::SortedSetZiplist,
            13 => Encoding::HashZiplist,
            14 => Encoding::ListQuicklist,
            15 => Encoding::StreamListpacks,
            16 => Encoding::HashListpack,
            17 => Encoding::SortedSetListpack,
            18 => Encoding::ListQuicklist2,
            19 => Encoding::StreamListpacks2,
            20 => Encoding::SetListpack,
            21 => Encoding::StreamListpacks3,
            22 if valkey => Encoding::HashWithFieldExpiry,
            22 if rdb_version >= 12 => Encoding::HashMetadataPreGa,
            23 if !valkey && rdb_version >= 12 => Encoding::HashListpackExPreGa,
            24 if !valkey && rdb_version >= 12 => Encoding::HashMetadata,
            25 if !valkey && rdb_version >= 12 => Encoding::HashListpackEx,
            _ => return None,
        })
    }

    /// The type byte that starts a value of this encoding.
    pub fn type_byte(self) -> u8 {
        match self {
            Encoding::String => 0,
            Encoding::List => 1,
            Encoding::Set => 2,
            Encoding::SortedSet => 3,
            Encoding::Hash => 4,
            Encoding::SortedSet2 => 5,
            Encoding::ModulePreGa => 6,
            Encoding::Module2 => 7,
            Encoding::HashZipmap => 9,
            Encoding::ListZiplist => 10,
            Encoding::SetIntset => 11,
            Encoding::SortedSetZiplist => 12,
            Encoding::HashZiplist => 13,
            Encoding::ListQuicklist => 14,
            Encoding::StreamListpacks => 15,
            Encoding::HashListpack => 16,
            Encoding::SortedSetListpack => 17,
            Encoding::ListQuicklist2 => 18,
            Encoding::StreamListpacks2 => 19,
            Encoding::SetListpack => 20,
            Encoding::StreamListpacks3 => 21,
            Encoding::HashMetadataPreGa | Encoding::HashWithFieldExpiry => 22,
            Encoding::HashListpackExPreGa => 23,
            Encoding::HashMetadata => 24,
            Encoding::HashListpackEx => 25,
        }
    }

    /// The first RDB version whose servers load this encoding. Versions below 9 are
    /// historical: no server rtrib meets writes or is sent anything older than 9.
    pub fn min_rdb_version(self) -> u16 {
        match self {
            Encoding::String
            | Encoding::List
            | Encoding::Set
            | Encoding::SortedSet
            | Encoding::Hash => 1,
            Encoding::HashZipmap
            | Encoding::ListZiplist
            | Encoding::SetIntset
            | Encoding::SortedSetZiplist => 2,
            Encoding::HashZiplist => 4,
            Encoding::ListQuicklist => 7,
            Encoding::SortedSet2 | Encoding::ModulePreGa | Encoding::Module2 => 8,
            Encoding::StreamListpacks => 9,
            Encoding::HashListpack
            | Encoding::SortedSetListpack
            | Encoding::ListQuicklist2
            | Encoding::StreamListpacks2 => 10,
            Encoding::SetListpack | Encoding::StreamListpacks3 => 11,
            Encoding::HashMetadataPreGa
            | Encoding::HashListpackExPreGa
            | Encoding::HashMetadata
            | Encoding::HashListpackEx => 12,
            Encoding::HashWithFieldExpiry => FIRST_VALKEY_RDB_VERSION,
        }
    }

    /// Whether the type byte means this encoding in RDB version `rdb_version`, so a payload
    /// stamped with that version says what it holds.
    pub fn is_meant_by(self, rdb_version: u16) -> bool {
        rdb_version >= self.min_rdb_version()
            && Encoding::from_type_byte(self.type_byte(), rdb_version) == Some(self)
    }

    /// The kind of value.
    pub fn kind(self) -> Kind {
        match self {
            Encoding::String => Kind::String,
            Encoding::List
            | Encoding::ListZiplist
            | Encoding::ListQuicklist
            | Encoding::ListQuicklist2 => Kind::List,
            Encoding::Set | Encoding::SetIntset | Encoding::SetListpack => Kind::Set,
            Encoding::SortedSet
            | Encoding::SortedSet2
            | Encoding::SortedSetZiplist
            | Encoding::SortedSetListpack => Kind::SortedSet,
            Encoding::Hash
            | Encoding::HashZipmap
            | Encoding::HashZiplist
            | Encoding::HashListpack
            | Encoding::HashMetadataPreGa
            | Encoding::HashListpackExPreGa
            | Encoding::HashMetadata
            | Encoding::HashListpackEx
            | Encoding::HashWithFieldExpiry => Kind::Hash,
            Encoding::StreamListpacks | Encoding::StreamListpacks2 | Encoding::StreamListpacks3 => {
                Kind::Stream
            }
            Encoding::ModulePreGa | Encoding::Module2 => Kind::Module,
        }
    }

    /// Whether the hash carries per-field expiration times.
    pub fn has_field_expiry(self) -> bool {
        matches!(
            self,
            Encoding::HashMetadataPreGa
                | Encoding::HashListpackExPreGa
                | Encoding::HashMetadata
                | Encoding::HashListpackEx
                | Encoding::HashWithFieldExpiry
        )
    }

    /// The name `redis-check-rdb` prints for it (Valkey's for its own hash).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::String => "string",
            Encoding::List => "list",
            Encoding::Set => "set",
            Encoding::SortedSet => "zset",
            Encoding::Hash => "hash",
            Encoding::SortedSet2 => "zset-v2",
            Encoding::ModulePreGa => "module-pre-release",
            Encoding::Module2 => "module-value",
            Encoding::HashZipmap => "hash-zipmap",
            Encoding::ListZiplist => "list-ziplist",
            Encoding::SetIntset => "set-intset",
            Encoding::SortedSetZiplist => "zset-ziplist",
            Encoding::HashZiplist => "hash-ziplist",
            Encoding::ListQuicklist => "quicklist",
            Encoding::StreamListpacks => "stream",
            Encoding::HashListpack => "hash-listpack",
            Encoding::SortedSetListpack => "zset-listpack",
            Encoding::ListQuicklist2 => "quicklist-v2",
            Encoding::StreamListpacks2 => "stream-v2",
            Encoding::SetListpack => "set-listpack",
            Encoding::StreamListpacks3 => "stream-v3",
            Encoding::HashMetadataPreGa => "hash-hashtable-md-pre-release",
            Encoding::HashListpackExPreGa => "hash-listpack-md-pre-release",
            Encoding::HashMetadata => "hash-hashtable-md",
            Encoding::HashListpackEx => "hash-listpack-md",
            Encoding::HashWithFieldExpiry => "hash-2",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (type {})", self.name(), self.type_byte())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_byte_round_trips_in_the_versions_that_mean_it() {
        for version in [9u16, 10, 11, 12, 80] {
            for byte in 0..=255u8 {
                if let Some(encoding) = Encoding::from_type_byte(byte, version) {
                    assert_eq!(encoding.type_byte(), byte);
                    assert!(encoding.is_meant_by(version) || encoding.min_rdb_version() > version);
                }
            }
        }
    }

    #[test]
    fn type_22_is_redis_s_or_valkey_s_by_version() {
        assert_eq!(Encoding::from_type_byte(22, 11), None);
        assert_eq!(
            Encoding::from_type_byte(22, 12),
            Some(Encoding::HashMetadataPreGa)
        );
        assert_eq!(
            Encoding::from_type_byte(22, 80),
            Some(Encoding::HashWithFieldExpiry)
        );
        assert_eq!(Encoding::from_type_byte(25, 80), None);
        assert!(Encoding::HashWithFieldExpiry.is_meant_by(80));
        assert!(!Encoding::HashWithFieldExpiry.is_meant_by(12));
        assert!(!Encoding::HashListpackEx.is_meant_by(80));
        assert!(Encoding::HashListpack.is_meant_by(80));
        assert!(!Encoding::HashListpack.is_meant_by(9));
    }

    #[test]
    fn opcodes_and_gaps_are_no_encoding() {
        for byte in [8u8, 26, 100, 243, 244, 250, 255] {
            assert_eq!(Encoding::from_type_byte(byte, 12), None);
            assert_eq!(Encoding::from_type_byte(byte, 80), None);
        }
    }

    #[test]
    fn names_show_the_type_byte() {
        assert_eq!(
            Encoding::HashListpack.to_string(),
            "hash-listpack (type 16)"
        );
        assert_eq!(Encoding::StreamListpacks3.kind(), Kind::Stream);
        assert_eq!(Kind::SortedSet.name(), "zset");
    }
}
