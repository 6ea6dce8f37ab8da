//! Arbitrary bytes through everything `rtrib::rdb` reads: as an RDB file (bare, and behind
//! each known header so the fuzzer reaches the opcodes), as a `DUMP` payload, and every value
//! found decoded and carried to each kind of target. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rtrib::cluster::server::{Server, ServerKind, Version};
use rtrib::rdb::{Item, RdbReader, RdbTarget, Value, carry, functions_from_dump_payload};

const HEADERS: [&[u8]; 5] = [b"", b"REDIS0009", b"REDIS0011", b"REDIS0012", b"VALKEY080"];

fn targets() -> [RdbTarget; 4] {
    let target = |kind, major, minor| {
        RdbTarget::of(&Server {
            kind,
            version: Version(major, minor, 0),
        })
    };
    [
        target(ServerKind::Redis, 6, 2),
        target(ServerKind::Redis, 7, 0),
        target(ServerKind::Redis, 8, 2),
        target(ServerKind::Valkey, 9, 1),
    ]
}

fn exercise(value: &Value) {
    let _ = value.elements();
    for target in targets() {
        let _ = carry(value, &target);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let mut file = HEADERS[usize::from(choice) % HEADERS.len()].to_vec();
    file.extend_from_slice(rest);
    if let Ok(reader) = RdbReader::new(file.as_slice()) {
        for item in reader {
            if let Ok(Item::Entry(entry)) = item {
                exercise(&entry.value);
            }
        }
    }
    if let Ok(value) = Value::from_dump_payload(data) {
        exercise(&value);
    }
    let _ = functions_from_dump_payload(data);
});
