//! The streaming RDB file reader: one [`Item`] at a time from any `Read`, in the file's order,
//! never holding more than the item being read (a key's value is the largest).
//!
//! The file is `REDIS` and a 4-digit version (Redis, and Valkey before 9.0) or `VALKEY` and a
//! 3-digit version (Valkey 9.0 on, RDB 80 and up); then opcodes: aux fields, module aux data,
//! function libraries, Valkey's slot imports, per database a select and a resize hint, Redis's
//! per-slot info, and the keys with their expire, LRU idle time and LFU frequency before them;
//! then the EOF opcode and, from RDB 5, the CRC64 of everything before it (0: not computed).

use std::io::{BufReader, Read};

use super::encoding::{Encoding, FIRST_VALKEY_RDB_VERSION};
use super::error::{Problem, RdbError};
use super::functions::{FunctionLibrary, OPCODE_FUNCTION2};
use super::source::Source;
use super::value::Value;
use super::walk::{walk_module_data, walk_value};

/// Opcodes (Redis's and Valkey's `RDB_OPCODE_*`).
const OPCODE_SLOT_IMPORT: u8 = 243;
const OPCODE_SLOT_INFO: u8 = 244;
const OPCODE_FUNCTION_PRE_GA: u8 = 246;
const OPCODE_MODULE_AUX: u8 = 247;
const OPCODE_IDLE: u8 = 248;
const OPCODE_FREQ: u8 = 249;
const OPCODE_AUX: u8 = 250;
const OPCODE_RESIZEDB: u8 = 251;
const OPCODE_EXPIRETIME_MS: u8 = 252;
const OPCODE_EXPIRETIME: u8 = 253;
const OPCODE_SELECTDB: u8 = 254;
const OPCODE_EOF: u8 = 255;

/// The module annotation that precedes a module aux field's `when`.
const MODULE_OPCODE_UINT: u64 = 2;

/// The newest Redis RDB version this reader knows (Redis 7.4 to 8.2).
pub const NEWEST_REDIS_RDB_VERSION: u16 = 12;
/// The newest Valkey RDB version this reader knows (Valkey 9.0 and 9.1).
pub const NEWEST_VALKEY_RDB_VERSION: u16 = 80;
/// The first RDB version with the CRC64 trailer.
const FIRST_CHECKSUMMED_VERSION: u16 = 5;
/// Read buffer size.
const BUFFER_SIZE: usize = 1 << 16;

/// The magic string a file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    /// `REDIS` and four digits.
    Redis,
    /// `VALKEY` and three digits.
    Valkey,
}

/// What the first bytes of the file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Which magic string.
    pub magic: Magic,
    /// The RDB version.
    pub version: u16,
}

/// What the trailer said about the file's integrity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// The CRC64 matched.
    Verified(u64),
    /// The server saved with `rdbchecksum no`: nothing to check.
    Disabled,
    /// RDB versions before 5 have no trailer.
    Absent,
}

/// A module's type id: its 9-character name and the 10-bit encoding version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleId(pub u64);

impl ModuleId {
    /// The module type's name (`ReJSON-RL`, `MBbloom--`, ...), as Redis spells it from the id.
    pub fn name(self) -> String {
        const CHARSET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..9)
            .rev()
            .map(|position| char::from(CHARSET[((self.0 >> (10 + 6 * position)) & 63) as usize]))
            .collect()
    }

    /// The module's encoding version of this value.
    pub fn encoding_version(self) -> u16 {
        (self.0 & 1023) as u16
    }
}

/// One key, with what precedes it in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The database number (from the last select).
    pub db: u64,
    /// The key's name.
    pub key: Vec<u8>,
    /// When it expires, Unix time in milliseconds (absolute, as `RESTORE ... ABSTTL` takes).
    pub expire_at_ms: Option<i64>,
    /// Its LRU idle time in seconds (saved under an LRU `maxmemory-policy`; `RESTORE IDLETIME`).
    pub idle_seconds: Option<u64>,
    /// Its LFU frequency (saved under an LFU policy; `RESTORE FREQ`).
    pub lfu_freq: Option<u8>,
    /// Its value, raw.
    pub value: Value,
    /// Where the entry starts in the file.
    pub offset: u64,
}

/// One thing an RDB file holds, in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An aux field (`redis-ver`, `ctime`, `repl-id`, Valkey's `slot-info`, ...).
    Aux {
        /// Field name.
        name: Vec<u8>,
        /// Field value.
        value: Vec<u8>,
    },
    /// A module's own data outside the keyspace; only that module can load it.
    ModuleAux {
        /// The module type.
        module: ModuleId,
        /// When it was saved (before or after the keys).
        when: u64,
        /// Its annotated payload, raw.
        data: Vec<u8>,
    },
    /// A function library (Redis 7.0+, Valkey).
    Function(FunctionLibrary),
    /// A slot import that was in progress (Valkey 9's atomic slot migration).
    SlotImport {
        /// The migration job's name.
        job: Vec<u8>,
        /// Its slot ranges, first and last slot.
        ranges: Vec<(u64, u64)>,
    },
    /// The keys that follow are in this database.
    SelectDb(u64),
    /// How many keys and keys with an expire the database holds (a sizing hint).
    ResizeDb {
        /// Keys.
        keys: u64,
        /// Keys with an expire.
        expires: u64,
    },
    /// Per-slot sizes (Redis 7.4+ cluster nodes; Valkey writes these as `slot-info` aux).
    SlotInfo {
        /// The slot.
        slot: u64,
        /// Keys in it.
        keys: u64,
        /// Keys with an expire in it.
        expires: u64,
    },
    /// A key.
    Entry(Entry),
    /// The end of the file, its checksum verified; nothing follows.
    End(Checksum),
}

impl Item {
    /// The key, when the item is one.
    pub fn entry(&self) -> Option<&Entry> {
        match self {
            Item::Entry(entry) => Some(entry),
            _ => None,
        }
    }
}

/// What the key being read has collected from the opcodes before it.
#[derive(Debug, Default)]
struct Pending {
    start: Option<u64>,
    expire_at_ms: Option<i64>,
    idle_seconds: Option<u64>,
    lfu_freq: Option<u8>,
}

/// Reads an RDB file item by item: an iterator of `Result<Item, RdbError>` that ends after
/// [`Item::End`] or after the first error.
pub struct RdbReader<R> {
    source: Source<BufReader<R>>,
    header: Header,
    db: u64,
    pending: Pending,
    finished: bool,
}

impl<R: Read> RdbReader<R> {
    /// Reads and checks the header.
    pub fn new(input: R) -> Result<Self, RdbError> {
        let mut source = Source::new(BufReader::with_capacity(BUFFER_SIZE, input), 0, true);
        let header = read_header(&mut source)?;
        Ok(Self {
            source,
            header,
            db: 0,
            pending: Pending::default(),
            finished: false,
        })
    }

    /// The file's magic and version.
    pub fn header(&self) -> Header {
        self.header
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.source.offset()
    }

    fn version(&self) -> u16 {
        self.header.version
    }

    /// Reads opcodes up to the next item.
    fn next_item(&mut self) -> Result<Item, RdbError> {
        loop {
            let start = self.source.offset();
            let opcode = self.source.byte("an opcode")?;
            match opcode {
                OPCODE_EXPIRETIME_MS => {
                    self.pending.start.get_or_insert(start);
                    self.pending.expire_at_ms = Some(self.source.i64_le("an expire time")?);
                }
                OPCODE_EXPIRETIME => {
                    self.pending.start.get_or_insert(start);
                    let seconds = i32::from_le_bytes(self.source.array("an expire time")?);
                    self.pending.expire_at_ms = Some(i64::from(seconds) * 1000);
                }
                OPCODE_IDLE => {
                    self.pending.start.get_or_insert(start);
                    self.pending.idle_seconds = Some(self.source.len("an LRU idle time")?);
                }
                OPCODE_FREQ => {
                    self.pending.start.get_or_insert(start);
                    self.pending.lfu_freq = Some(self.source.byte("an LFU frequency")?);
                }
                OPCODE_EOF => return self.read_trailer(),
                OPCODE_SELECTDB => {
                    self.db = self.source.len("a database number")?;
                    return Ok(Item::SelectDb(self.db));
                }
                OPCODE_RESIZEDB => {
                    let keys = self.source.len("a database size")?;
                    let expires = self.source.len("a database size")?;
                    return Ok(Item::ResizeDb { keys, expires });
                }
                OPCODE_AUX => {
                    let name = self.source.string("an aux field name")?;
                    let value = self.source.string("an aux field value")?;
                    return Ok(Item::Aux { name, value });
                }
                OPCODE_MODULE_AUX => return self.read_module_aux(),
                OPCODE_FUNCTION2 => {
                    let code = self.source.string("a function library")?;
                    return Ok(Item::Function(FunctionLibrary { code }));
                }
                OPCODE_FUNCTION_PRE_GA => return self.read_function_pre_ga(),
                OPCODE_SLOT_INFO => {
                    let slot = self.source.len("slot info")?;
                    let keys = self.source.len("slot info")?;
                    let expires = self.source.len("slot info")?;
                    return Ok(Item::SlotInfo {
                        slot,
                        keys,
                        expires,
                    });
                }
                OPCODE_SLOT_IMPORT if self.version() >= FIRST_VALKEY_RDB_VERSION => {
                    return self.read_slot_import();
                }
                byte => {
                    let Some(encoding) = Encoding::from_type_byte(byte, self.version()) else {
                        return Err(RdbError::new(
                            start,
                            Problem::UnknownType {
                                byte,
                                version: self.version(),
                            },
                        ));
                    };
                    return self.read_entry(start, encoding);
                }
            }
        }
    }

    fn read_entry(&mut self, type_offset: u64, encoding: Encoding) -> Result<Item, RdbError> {
        let pending = std::mem::take(&mut self.pending);
        let key = self.source.string("a key")?;
        let body_offset = self.source.offset();
        self.source.start_capture();
        let walked = walk_value(&mut self.source, encoding);
        let body = self.source.take_capture();
        walked?;
        Ok(Item::Entry(Entry {
            db: self.db,
            key,
            expire_at_ms: pending.expire_at_ms,
            idle_seconds: pending.idle_seconds,
            lfu_freq: pending.lfu_freq,
            value: Value {
                encoding,
                body,
                rdb_version: self.version(),
                offset: body_offset,
            },
            offset: pending.start.unwrap_or(type_offset),
        }))
    }

    fn read_module_aux(&mut self) -> Result<Item, RdbError> {
        let module = ModuleId(self.source.len("a module id")?);
        let when_opcode = self.source.len("a module aux field")?;
        if when_opcode != MODULE_OPCODE_UINT {
            return Err(self.source.corrupt(format!(
                "module aux field of '{}' with a bad 'when' opcode {when_opcode}",
                module.name()
            )));
        }
        let when = self.source.len("a module aux field")?;
        self.source.start_capture();
        let walked = walk_module_data(&mut self.source);
        let data = self.source.take_capture();
        walked?;
        Ok(Item::ModuleAux { module, when, data })
    }

    /// Redis 7.0 release candidates saved a library as name, engine, optional description and
    /// code; Redis reads it into the later format, the code behind a shebang line.
    fn read_function_pre_ga(&mut self) -> Result<Item, RdbError> {
        let name = self.source.string("a function library name")?;
        let engine = self.source.string("a function engine name")?;
        if self.source.len("a function description flag")? != 0 {
            self.source.string("a function description")?;
        }
        let blob = self.source.string("a function library")?;
        let mut code = b"#!".to_vec();
        code.extend_from_slice(&engine);
        code.extend_from_slice(b" name=");
        code.extend_from_slice(&name);
        code.push(b'\n');
        code.extend_from_slice(&blob);
        Ok(Item::Function(FunctionLibrary { code }))
    }

    fn read_slot_import(&mut self) -> Result<Item, RdbError> {
        let job = self.source.string("a slot import job name")?;
        let count = self.source.len("a slot range count")?;
        let mut ranges = Vec::new();
        for _ in 0..count {
            let first = self.source.len("a slot range")?;
            let last = self.source.len("a slot range")?;
            ranges.push((first, last));
        }
        Ok(Item::SlotImport { job, ranges })
    }

    fn read_trailer(&mut self) -> Result<Item, RdbError> {
        self.finished = true;
        if self.version() < FIRST_CHECKSUMMED_VERSION {
            return Ok(Item::End(Checksum::Absent));
        }
        let computed = self.source.crc();
        self.source.stop_checksum();
        let trailer_offset = self.source.offset();
        let stored = u64::from_le_bytes(self.source.array("the CRC64 trailer")?);
        if stored == 0 {
            Ok(Item::End(Checksum::Disabled))
        } else if stored == computed {
            Ok(Item::End(Checksum::Verified(stored)))
        } else {
            Err(RdbError::new(
                trailer_offset,
                Problem::Checksum { stored, computed },
            ))
        }
    }
}

impl<R: Read> Iterator for RdbReader<R> {
    type Item = Result<Item, RdbError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let item = self.next_item();
        if item.is_err() {
            self.finished = true;
        }
        Some(item)
    }
}

/// Reads `REDIS0012` or `VALKEY080`.
fn read_header<R: std::io::BufRead>(source: &mut Source<R>) -> Result<Header, RdbError> {
    let mut magic = [0u8; 9];
    let mut filled = 0;
    while filled < magic.len() {
        match source.byte_or_end()? {
            Some(byte) => {
                magic[filled] = byte;
                filled += 1;
            }
            None => break,
        }
    }
    let shown = String::from_utf8_lossy(&magic[..filled]).into_owned();
    let not_rdb = || RdbError::new(0, Problem::NotRdb(shown.clone()));
    let (kind, digits) = if let Some(digits) = magic[..filled].strip_prefix(b"REDIS") {
        (Magic::Redis, digits)
    } else if let Some(digits) = magic[..filled].strip_prefix(b"VALKEY") {
        (Magic::Valkey, digits)
    } else {
        return Err(not_rdb());
    };
    if filled < magic.len() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(not_rdb());
    }
    let version: u32 = digits
        .iter()
        .fold(0, |number, digit| number * 10 + u32::from(digit - b'0'));
    let version_offset = (magic.len() - digits.len()) as u64;
    let known = (1..=u32::from(NEWEST_REDIS_RDB_VERSION)).contains(&version)
        || version == u32::from(NEWEST_VALKEY_RDB_VERSION);
    if !known {
        return Err(RdbError::new(
            version_offset,
            Problem::UnsupportedVersion(version),
        ));
    }
    let version = version as u16;
    let valkey_version = version >= FIRST_VALKEY_RDB_VERSION;
    if valkey_version != (kind == Magic::Valkey) {
        let magic = match kind {
            Magic::Redis => "REDIS",
            Magic::Valkey => "VALKEY",
        };
        return Err(RdbError::new(
            version_offset,
            Problem::MagicMismatch { magic, version },
        ));
    }
    Ok(Header {
        magic: kind,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::super::crc64::crc64;
    use super::super::write::{put_len, put_string};
    use super::*;
    use proptest::prelude::*;

    /// Writes RDB files as the servers do, for the reader to read back.
    struct Writer {
        bytes: Vec<u8>,
    }

    impl Writer {
        fn new(magic: &str) -> Self {
            Self {
                bytes: magic.as_bytes().to_vec(),
            }
        }

        fn aux(mut self, name: &str, value: &str) -> Self {
            self.bytes.push(OPCODE_AUX);
            put_string(&mut self.bytes, name.as_bytes());
            put_string(&mut self.bytes, value.as_bytes());
            self
        }

        fn opcode(mut self, opcode: u8, lengths: &[u64]) -> Self {
            self.bytes.push(opcode);
            for &length in lengths {
                put_len(&mut self.bytes, length);
            }
            self
        }

        fn raw(mut self, bytes: &[u8]) -> Self {
            self.bytes.extend_from_slice(bytes);
            self
        }

        fn string_key(mut self, key: &[u8], value: &[u8], expire_at_ms: Option<i64>) -> Self {
            if let Some(time) = expire_at_ms {
                self.bytes.push(OPCODE_EXPIRETIME_MS);
                self.bytes.extend_from_slice(&time.to_le_bytes());
            }
            self.bytes.push(0);
            put_string(&mut self.bytes, key);
            put_string(&mut self.bytes, value);
            self
        }

        fn end(mut self, checksum: bool) -> Vec<u8> {
            self.bytes.push(OPCODE_EOF);
            let crc = if checksum { crc64(&self.bytes) } else { 0 };
            self.bytes.extend_from_slice(&crc.to_le_bytes());
            self.bytes
        }
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<Item>, RdbError> {
        RdbReader::new(bytes)?.collect()
    }

    fn entries(items: &[Item]) -> Vec<&Entry> {
        items.iter().filter_map(Item::entry).collect()
    }

    #[test]
    fn a_redis_file_item_by_item() {
        let mut function = vec![OPCODE_FUNCTION2];
        put_string(&mut function, b"#!lua name=lib\nreturn 1");
        let file = Writer::new("REDIS0012")
            .aux("redis-ver", "8.2.3")
            .raw(&function)
            .opcode(OPCODE_SELECTDB, &[0])
            .opcode(OPCODE_RESIZEDB, &[2, 1])
            .opcode(OPCODE_SLOT_INFO, &[866, 2, 1])
            .string_key(b"plain", b"v", None)
            .raw(&[OPCODE_IDLE, 5, OPCODE_FREQ, 9])
            .string_key(b"ttl", b"w", Some(1_900_000_000_000))
            .opcode(OPCODE_SELECTDB, &[3])
            .string_key(b"other", b"x", None)
            .end(true);
        let reader = RdbReader::new(file.as_slice()).unwrap();
        assert_eq!(
            reader.header(),
            Header {
                magic: Magic::Redis,
                version: 12
            }
        );
        let items: Vec<Item> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(
            items[0],
            Item::Aux {
                name: b"redis-ver".to_vec(),
                value: b"8.2.3".to_vec()
            }
        );
        let Item::Function(library) = &items[1] else {
            panic!("{:?}", items[1])
        };
        assert_eq!(library.name().as_deref(), Some("lib"));
        assert_eq!(
            items[3],
            Item::ResizeDb {
                keys: 2,
                expires: 1
            }
        );
        assert_eq!(
            items[4],
            Item::SlotInfo {
                slot: 866,
                keys: 2,
                expires: 1
            }
        );
        let keys = entries(&items);
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0].key, b"plain");
        assert_eq!(keys[0].value.body, b"\x01v");
        assert_eq!(keys[0].expire_at_ms, None);
        assert_eq!(keys[1].expire_at_ms, Some(1_900_000_000_000));
        assert_eq!(keys[1].idle_seconds, Some(5));
        assert_eq!(keys[1].lfu_freq, Some(9));
        assert_eq!(keys[2].db, 3);
        assert_eq!(keys[2].idle_seconds, None, "reset after each key");
        let crc = crc64(&file[..file.len() - 8]);
        assert_eq!(items.last(), Some(&Item::End(Checksum::Verified(crc))));
        // The entry's offset is where its first opcode is.
        assert_eq!(file[keys[1].offset as usize], OPCODE_IDLE);
        assert_eq!(
            &file[keys[1].value.offset as usize..][..2],
            keys[1].value.body.as_slice()
        );
    }

    #[test]
    fn a_valkey_file_with_a_slot_import() {
        let mut import = vec![OPCODE_SLOT_IMPORT];
        put_string(&mut import, &[b'j'; 40]);
        put_len(&mut import, 2);
        for slot in [0u64, 99, 200, 300] {
            put_len(&mut import, slot);
        }
        let file = Writer::new("VALKEY080")
            .aux("valkey-ver", "9.1.2")
            .raw(&import)
            .opcode(OPCODE_SELECTDB, &[0])
            .string_key(b"k", b"v", None)
            .end(false);
        let items = read_all(&file).unwrap();
        assert_eq!(
            items[1],
            Item::SlotImport {
                job: vec![b'j'; 40],
                ranges: vec![(0, 99), (200, 300)]
            }
        );
        assert_eq!(items.last(), Some(&Item::End(Checksum::Disabled)));
        // Opcode 243 is nothing in a Redis file.
        let redis = Writer::new("REDIS0011").raw(&import).end(false);
        let error = read_all(&redis).unwrap_err();
        assert_eq!(error.offset, 9);
        assert_eq!(
            error.problem,
            Problem::UnknownType {
                byte: 243,
                version: 11
            }
        );
    }

    #[test]
    fn module_aux_data_is_yielded_raw() {
        let mut aux = vec![OPCODE_MODULE_AUX];
        put_len(&mut aux, 0x1234 << 10 | 2);
        put_len(&mut aux, MODULE_OPCODE_UINT);
        put_len(&mut aux, 2);
        let data = [5u8, 0x02, b'h', b'i', 2, 0x07, 0];
        aux.extend_from_slice(&data);
        let file = Writer::new("REDIS0010").raw(&aux).end(true);
        let items = read_all(&file).unwrap();
        let Item::ModuleAux {
            module,
            when,
            data: read,
        } = &items[0]
        else {
            panic!("{items:?}")
        };
        assert_eq!(module.encoding_version(), 2);
        assert_eq!(*when, 2);
        assert_eq!(read.as_slice(), data);
    }

    #[test]
    fn old_function_format_becomes_a_shebang() {
        let mut function = vec![OPCODE_FUNCTION_PRE_GA];
        put_string(&mut function, b"mylib");
        put_string(&mut function, b"LUA");
        put_len(&mut function, 1);
        put_string(&mut function, b"a description");
        put_string(&mut function, b"return 1");
        let items = read_all(&Writer::new("REDIS0010").raw(&function).end(true)).unwrap();
        assert_eq!(
            items[0],
            Item::Function(FunctionLibrary {
                code: b"#!LUA name=mylib\nreturn 1".to_vec()
            })
        );
    }

    #[test]
    fn headers_refused_with_their_reason() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "at byte 0: not an RDB file"),
            (b"REDIS", "at byte 0: not an RDB file"),
            (b"SOMETHING ELSE", "at byte 0: not an RDB file"),
            (b"REDIS0013xxxx", "at byte 5: RDB version 13 is not one"),
            (
                b"VALKEY011",
                "at byte 6: the VALKEY magic string never goes with RDB version 11",
            ),
            (
                b"REDIS0080",
                "at byte 5: the REDIS magic string never goes with RDB version 80",
            ),
        ];
        for (bytes, message) in cases {
            let error = RdbReader::new(bytes).err().unwrap();
            assert!(error.to_string().starts_with(message), "{bytes:?}: {error}");
        }
    }

    #[test]
    fn checksum_mismatch_names_the_trailer() {
        let mut file = Writer::new("REDIS0009")
            .string_key(b"k", b"v", None)
            .end(true);
        let index = file.len() - 12;
        file[index] ^= 0x20;
        let error = read_all(&file).unwrap_err();
        assert!(matches!(error.problem, Problem::Checksum { .. }), "{error}");
        assert_eq!(error.offset, file.len() as u64 - 8);
    }

    #[test]
    fn old_versions_have_no_trailer_and_second_expires() {
        let mut file = Writer::new("REDIS0004").raw(&[OPCODE_EXPIRETIME]).bytes;
        file.extend_from_slice(&1_700_000_000i32.to_le_bytes());
        let file = Writer { bytes: file }.string_key(b"k", b"v", None);
        let mut bytes = file.bytes;
        bytes.push(OPCODE_EOF);
        let items = read_all(&bytes).unwrap();
        assert_eq!(entries(&items)[0].expire_at_ms, Some(1_700_000_000_000));
        assert_eq!(items.last(), Some(&Item::End(Checksum::Absent)));
    }

    #[test]
    fn the_iterator_stops_after_an_error() {
        let file = Writer::new("REDIS0011").raw(&[200]).end(true);
        let mut reader = RdbReader::new(file.as_slice()).unwrap();
        assert!(reader.next().unwrap().is_err());
        assert!(reader.next().is_none());
    }

    /// A valid file of string keys, with expire times on some.
    fn file_of(keys: &[(Vec<u8>, Vec<u8>, Option<i64>)]) -> Vec<u8> {
        let mut writer = Writer::new("REDIS0011").opcode(OPCODE_SELECTDB, &[0]);
        for (key, value, expire) in keys {
            writer = writer.string_key(key, value, *expire);
        }
        writer.end(true)
    }

    fn keys_strategy() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>, Option<i64>)>> {
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<u8>(), 0..20),
                proptest::collection::vec(any::<u8>(), 0..100),
                proptest::option::of(any::<i64>()),
            ),
            0..12,
        )
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_all(&bytes);
            for magic in [&b"REDIS0012"[..], b"VALKEY080", b"REDIS0009"] {
                let mut file = magic.to_vec();
                file.extend_from_slice(&bytes);
                if let Err(error) = read_all(&file) {
                    prop_assert!(error.offset <= file.len() as u64);
                }
            }
        }

        #[test]
        fn written_files_read_back(keys in keys_strategy()) {
            let items = read_all(&file_of(&keys)).unwrap();
            let read = entries(&items);
            prop_assert_eq!(read.len(), keys.len());
            for (entry, (key, value, expire)) in read.iter().zip(&keys) {
                prop_assert_eq!(&entry.key, key);
                prop_assert_eq!(&entry.expire_at_ms, expire);
                let mut body = Vec::new();
                put_string(&mut body, value);
                prop_assert_eq!(&entry.value.body, &body);
            }
        }

        #[test]
        fn every_truncation_is_an_error_within_the_data(keys in keys_strategy(), cut in any::<prop::sample::Index>()) {
            let file = file_of(&keys);
            let cut = cut.index(file.len());
            let error = read_all(&file[..cut]).unwrap_err();
            prop_assert!(error.offset <= cut as u64, "{} beyond {}", error, cut);
        }

        #[test]
        fn every_flipped_byte_is_caught_or_harmless(keys in keys_strategy(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let mut file = file_of(&keys);
            let at = at.index(file.len());
            file[at] ^= 1 << bit;
            // The CRC64 catches any single-bit flip in the covered bytes; a flip in the
            // trailer itself is a mismatch too (or "disabled" if it became 0, which one bit
            // cannot do to a nonzero CRC unless only that bit was set).
            prop_assert!(read_all(&file).is_err() || at < 9);
        }
    }
}
