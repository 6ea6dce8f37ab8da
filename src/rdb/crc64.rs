//! CRC-64 as Redis and Valkey compute it: the "Jones" polynomial in reflected form
//! (`0x95ac9329ac4bc9b5`), initial value 0, no final XOR. It guards the RDB file trailer and
//! every `DUMP` payload.
//!
//! Table-driven, eight bytes per step ("slicing-by-8"): the tables are built at compile time,
//! and a multi-gigabyte file is checked at memory speed rather than a byte at a time.

/// The polynomial, reflected.
const POLYNOMIAL: u64 = 0x95ac_9329_ac4b_c9b5;

/// `TABLES[k][b]`: the CRC contribution of byte `b` followed by `k` zero bytes.
static TABLES: [[u64; 256]; 8] = build_tables();

const fn build_tables() -> [[u64; 256]; 8] {
    let mut tables = [[0u64; 256]; 8];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLYNOMIAL
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][byte] = crc;
        byte += 1;
    }
    let mut byte = 0;
    while byte < 256 {
        let mut slice = 1;
        while slice < 8 {
            let previous = tables[slice - 1][byte];
            tables[slice][byte] = (previous >> 8) ^ tables[0][(previous & 0xff) as usize];
            slice += 1;
        }
        byte += 1;
    }
    tables
}

/// Continues the CRC `crc` over `data`.
pub fn crc64_update(mut crc: u64, data: &[u8]) -> u64 {
    let mut words = data.chunks_exact(8);
    for word in &mut words {
        let value = crc
            ^ u64::from_le_bytes([
                word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
            ]);
        crc = TABLES[7][(value & 0xff) as usize]
            ^ TABLES[6][((value >> 8) & 0xff) as usize]
            ^ TABLES[5][((value >> 16) & 0xff) as usize]
            ^ TABLES[4][((value >> 24) & 0xff) as usize]
            ^ TABLES[3][((value >> 32) & 0xff) as usize]
            ^ TABLES[2][((value >> 40) & 0xff) as usize]
            ^ TABLES[1][((value >> 48) & 0xff) as usize]
            ^ TABLES[0][(value >> 56) as usize];
    }
    for &byte in words.remainder() {
        crc = TABLES[0][((crc ^ u64::from(byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// The CRC of `data` (initial value 0).
pub fn crc64(data: &[u8]) -> u64 {
    crc64_update(0, data)
}

/// The CRC64 of a file streamed in pieces of any size, minus its last 8 bytes (the trailer an
/// RDB file ends with): fed as the bytes pass, it says at the end whether the trailer holds the
/// checksum of everything before it, without a second read.
#[derive(Debug, Clone, Default)]
pub struct TrailerCheck {
    crc: u64,
    tail: Vec<u8>,
}

impl TrailerCheck {
    /// Takes the next bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        let release = (self.tail.len() + bytes.len()).saturating_sub(TRAILER_LEN);
        let from_tail = release.min(self.tail.len());
        self.crc = crc64_update(self.crc, &self.tail[..from_tail]);
        self.crc = crc64_update(self.crc, &bytes[..release - from_tail]);
        self.tail.drain(..from_tail);
        self.tail.extend_from_slice(&bytes[release - from_tail..]);
    }

    /// The CRC64 of every byte but the last 8, and those 8 read as the stored checksum (`None`
    /// when fewer than 8 bytes came).
    pub fn finish(&self) -> (u64, Option<u64>) {
        let stored = <[u8; TRAILER_LEN]>::try_from(self.tail.as_slice())
            .ok()
            .map(u64::from_le_bytes);
        (self.crc, stored)
    }
}

/// The length of the CRC64 trailer.
const TRAILER_LEN: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bit-at-a-time definition the tables must agree with.
    fn crc64_bitwise(data: &[u8]) -> u64 {
        let mut crc = 0u64;
        for &byte in data {
            crc ^= u64::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ POLYNOMIAL
                } else {
                    crc >> 1
                };
            }
        }
        crc
    }

    #[test]
    fn check_value_is_redis_s() {
        // Redis's crc64.c self-test: crc64(0, "123456789") == e9c6d914c4b8d9ca.
        assert_eq!(crc64(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        assert_eq!(crc64(b""), 0);
        // Also from Redis's self-test.
        let lorem = b"This is a test of the emergency broadcast system.";
        assert_eq!(crc64_bitwise(lorem), crc64(lorem));
    }

    proptest! {
        #[test]
        fn the_trailer_check_sees_the_bytes_before_the_last_8(
            data in proptest::collection::vec(any::<u8>(), 8..300),
            cuts in proptest::collection::vec(0usize..300, 0..6),
        ) {
            let mut points: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            points.extend([0, data.len()]);
            points.sort_unstable();
            let mut check = TrailerCheck::default();
            for pair in points.windows(2) {
                check.update(&data[pair[0]..pair[1]]);
            }
            let body = data.len() - 8;
            let stored = u64::from_le_bytes(data[body..].try_into().unwrap());
            prop_assert_eq!(check.finish(), (crc64(&data[..body]), Some(stored)));
        }

        #[test]
        fn tables_agree_with_the_bitwise_definition(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(crc64(&data), crc64_bitwise(&data));
        }

        #[test]
        fn updates_compose_over_any_split(data in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..300) {
            let cut = cut.min(data.len());
            prop_assert_eq!(crc64_update(crc64(&data[..cut]), &data[cut..]), crc64(&data));
        }
    }
}
