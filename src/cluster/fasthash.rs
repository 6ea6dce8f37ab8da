//! A fast hash for the maps that judging a large cluster fills: a 1000-node cluster's views
//! have a million lines, and the standard library's SipHash, made to resist keys chosen by an
//! attacker, costs more per line than the rest of the work. The keys hashed here (node IDs
//! the servers chose, the addresses of shared entries, the text of `CLUSTER NODES` lines) come
//! from the cluster being judged, which rtrib trusts already.
//!
//! [`FastHasher`] is the multiply-and-rotate hash of the Rust compiler's own tables (FxHash),
//! eight bytes at a time; [`FastMap`] and [`FastSet`] are the standard collections with it.
//! Lookups only: where a judgment's output follows a map's order, it sorts or uses a
//! `BTreeMap`, whatever the hasher.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` hashed with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` hashed with [`FastHasher`].
pub type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

/// FxHash: per word, rotate, xor the word in, multiply by a large odd constant.
#[derive(Clone, Copy, Default, Debug)]
pub struct FastHasher {
    hash: u64,
}

/// The constant of FxHash (from the digits of pi, as in the Rust compiler's `rustc-hash`).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // The length too, so that trailing zero bytes are not lost.
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u16(&mut self, value: u16) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves its best bits high; the table picks buckets by the low ones.
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    fn hash(value: impl std::hash::Hash) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn equal_keys_hash_alike_and_near_keys_apart() {
        let id = "8a0c812f4463fa3076e188d221cd0f8b8b7b10ec";
        assert_eq!(hash(id), hash(String::from(id)));
        assert_ne!(hash(id), hash("8a0c812f4463fa3076e188d221cd0f8b8b7b10ed"));
        // Trailing zero bytes and lengths count.
        assert_ne!(hash([1u8, 0].as_slice()), hash([1u8].as_slice()));
        assert_ne!(hash("ab"), hash("ab\0"));
    }

    #[test]
    fn a_map_of_many_ids_finds_them_all() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("{i:040x}")).collect();
        let map: FastMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (&**id, i)).collect();
        assert_eq!(map.len(), ids.len());
        assert!(ids.iter().enumerate().all(|(i, id)| map[&**id] == i));
    }
}
