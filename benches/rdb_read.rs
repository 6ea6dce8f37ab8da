//! Benchmark (not a test): how fast `rtrib::rdb` checks and reads RDB data.
//!
//! - `crc64`: the CRC64 of 256 MiB (the RDB trailer of a multi-GB file is checked with it);
//! - `read small keys`: a 1M-key file of 100-byte strings with TTLs, read entry by entry (the
//!   per-key cost: opcodes, key, walking and capturing the value, the running CRC64);
//! - `read large values`: a file of 4096 values of 64 KiB (the per-byte cost).
//!
//! Prints the median of 5 runs per case in MB/s and keys/s. Run it with
//! `cargo bench --bench rdb_read` (an optimised build).

use std::time::{Duration, Instant};

use rtrib::rdb::write::put_string;
use rtrib::rdb::{Item, RdbReader, crc64};

const RUNS: usize = 5;

/// The median duration of `RUNS` runs of `work`.
fn median(mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// An RDB file of `keys` string keys of `value_len` bytes, every other with an expire time.
fn file(keys: usize, value_len: usize) -> Vec<u8> {
    let mut bytes = b"REDIS0011".to_vec();
    bytes.extend_from_slice(&[0xfe, 0x00]);
    let value: Vec<u8> = (0..value_len).map(|i| (i * 31) as u8).collect();
    for key in 0..keys {
        if key % 2 == 0 {
            bytes.push(0xfc);
            bytes.extend_from_slice(&1_900_000_000_000i64.to_le_bytes());
        }
        bytes.push(0);
        put_string(&mut bytes, format!("key:{key}").as_bytes());
        put_string(&mut bytes, &value);
    }
    bytes.push(0xff);
    let crc = crc64(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    bytes
}

fn report(case: &str, bytes: usize, keys: usize, time: Duration) {
    let seconds = time.as_secs_f64();
    println!(
        "{case:<20} {:>8.0} MB/s {:>12.0} keys/s   ({:.1} MB in {:.3} s)",
        bytes as f64 / 1e6 / seconds,
        keys as f64 / seconds,
        bytes as f64 / 1e6,
        seconds
    );
}

fn read_case(case: &str, keys: usize, value_len: usize) {
    let bytes = file(keys, value_len);
    let time = median(|| {
        let mut entries = 0;
        for item in RdbReader::new(bytes.as_slice()).expect("header") {
            if let Item::Entry(_) = item.expect("item") {
                entries += 1;
            }
        }
        assert_eq!(entries, keys);
    });
    report(case, bytes.len(), keys, time);
}

fn main() {
    let data: Vec<u8> = (0..256usize << 20).map(|i| (i * 131) as u8).collect();
    let mut sink = 0u64;
    let time = median(|| sink ^= crc64(&data));
    report("crc64", data.len(), 0, time);
    assert_ne!(sink, 1);
    read_case("read small keys", 1_000_000, 100);
    read_case("read large values", 4096, 64 * 1024);
}
