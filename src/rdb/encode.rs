//! Writing values in the plain encodings every server loads (list 1, set 2, hash 4, sorted
//! set 5), in either side's hash with field expiration (Redis 24, Valkey 22), and a stream's
//! envelope in stream encodings 1 to 3 around its raw listpacks.

use super::decode::{Elements, HashField, Stream, StreamId};
use super::encoding::Encoding;
use super::write::{put_len, put_string};

/// Redis's greatest field expiration time (`EB_EXPIRE_TIME_MAX`, 2⁴⁸ - 1 ms).
const REDIS_MAX_FIELD_EXPIRE_MS: i64 = (1 << 48) - 1;

impl Elements {
    /// The body of these elements in `encoding`; `None` when the encoding is not one this
    /// writes, or holds another kind of value (or a stream lacks what the encoding needs).
    pub fn encode(&self, encoding: Encoding) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        match (self, encoding) {
            (Elements::String(bytes), Encoding::String) => put_string(&mut out, bytes),
            (Elements::List(items), Encoding::List) | (Elements::Set(items), Encoding::Set) => {
                put_len(&mut out, items.len() as u64);
                for item in items {
                    put_string(&mut out, item);
                }
            }
            (Elements::SortedSet(members), Encoding::SortedSet2) => {
                put_len(&mut out, members.len() as u64);
                // Greatest first, as the servers save it: each insert lands at the head.
                let mut sorted: Vec<&(Vec<u8>, f64)> = members.iter().collect();
                sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
                for (member, score) in sorted {
                    put_string(&mut out, member);
                    out.extend_from_slice(&score.to_le_bytes());
                }
            }
            (Elements::Hash(pairs), Encoding::Hash) => {
                put_len(&mut out, pairs.len() as u64);
                for (field, value) in pairs {
                    put_string(&mut out, field);
                    put_string(&mut out, value);
                }
            }
            (Elements::HashWithFieldExpiry(fields), Encoding::Hash) => {
                if fields.iter().any(|field| field.expire_at_ms.is_some()) {
                    return None;
                }
                put_len(&mut out, fields.len() as u64);
                for field in fields {
                    put_string(&mut out, &field.field);
                    put_string(&mut out, &field.value);
                }
            }
            (Elements::HashWithFieldExpiry(fields), Encoding::HashMetadata) => {
                put_redis_hash_metadata(&mut out, fields);
            }
            (Elements::HashWithFieldExpiry(fields), Encoding::HashWithFieldExpiry) => {
                put_len(&mut out, fields.len() as u64);
                for field in fields {
                    put_string(&mut out, &field.field);
                    put_string(&mut out, &field.value);
                    out.extend_from_slice(&field.expire_at_ms.unwrap_or(-1).to_le_bytes());
                }
            }
            (
                Elements::Stream(stream),
                Encoding::StreamListpacks | Encoding::StreamListpacks2 | Encoding::StreamListpacks3,
            ) => put_stream(&mut out, stream, encoding)?,
            _ => return None,
        }
        Some(out)
    }
}

/// Redis 7.4's hash with field expiration: the first expiration, then each field's time
/// relative to it plus 1 (0: none). Times outside Redis's range are clamped into it: before
/// 1 ms (already expired) to 1, beyond 2⁴⁸ - 1 to that.
fn put_redis_hash_metadata(out: &mut Vec<u8>, fields: &[HashField]) {
    let clamp = |time: i64| time.clamp(1, REDIS_MAX_FIELD_EXPIRE_MS);
    let first = fields
        .iter()
        .filter_map(|field| field.expire_at_ms.map(clamp))
        .min()
        .unwrap_or(0);
    out.extend_from_slice(&first.to_le_bytes());
    put_len(out, fields.len() as u64);
    for field in fields {
        let relative = field
            .expire_at_ms
            .map_or(0, |time| (clamp(time) - first + 1) as u64);
        put_len(out, relative);
        put_string(out, &field.field);
        put_string(out, &field.value);
    }
}

fn put_stream_id(out: &mut Vec<u8>, (ms, seq): StreamId) {
    put_len(out, ms);
    put_len(out, seq);
}

/// A stream in encoding 1, 2 or 3: fields a lower encoding lacks are left out; a higher one
/// cannot be written from a lower one's fields (`None`).
fn put_stream(out: &mut Vec<u8>, stream: &Stream, encoding: Encoding) -> Option<()> {
    let version2 = encoding != Encoding::StreamListpacks;
    let version3 = encoding == Encoding::StreamListpacks3;
    put_len(out, stream.nodes.len() as u64);
    for (id, listpack) in &stream.nodes {
        put_string(out, id);
        put_string(out, listpack);
    }
    put_len(out, stream.length);
    put_stream_id(out, stream.last_id);
    if version2 {
        let counters = stream.counters.as_ref()?;
        put_stream_id(out, counters.first_id);
        put_stream_id(out, counters.max_deleted_id);
        put_len(out, counters.entries_added);
    }
    put_len(out, stream.groups.len() as u64);
    for group in &stream.groups {
        put_string(out, &group.name);
        put_stream_id(out, group.last_id);
        if version2 {
            put_len(out, group.entries_read?);
        }
        put_len(out, group.pending.len() as u64);
        for entry in &group.pending {
            out.extend_from_slice(&entry.id);
            out.extend_from_slice(&entry.delivery_time.to_le_bytes());
            put_len(out, entry.delivery_count);
        }
        put_len(out, group.consumers.len() as u64);
        for consumer in &group.consumers {
            put_string(out, &consumer.name);
            out.extend_from_slice(&consumer.seen_time.to_le_bytes());
            if version3 {
                out.extend_from_slice(&consumer.active_time?.to_le_bytes());
            }
            put_len(out, consumer.pending.len() as u64);
            for id in &consumer.pending {
                out.extend_from_slice(id);
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::compact::build;
    use super::super::value::Value;
    use super::*;
    use proptest::prelude::*;

    fn value(encoding: Encoding, body: Vec<u8>) -> Value {
        Value {
            encoding,
            body,
            rdb_version: encoding.min_rdb_version().max(9),
            offset: 0,
        }
    }

    fn string_body(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put_string(&mut out, bytes);
        out
    }

    #[test]
    fn lengths_pick_the_narrowest_width() {
        for (length, width) in [(0u64, 1), (63, 1), (64, 2), (16383, 2), (16384, 5)] {
            let mut out = Vec::new();
            put_len(&mut out, length);
            assert_eq!(out.len(), width, "{length}");
        }
        let mut out = Vec::new();
        put_len(&mut out, 1 << 40);
        assert_eq!(out.len(), 9);
    }

    #[test]
    fn compact_encodings_decode_to_what_plain_ones_hold() {
        let items: Vec<&[u8]> = vec![b"a", b"17", b"-5", b"bee"];
        let listpack = value(Encoding::SetListpack, string_body(&build::listpack(&items)));
        let expected: Vec<Vec<u8>> = items.iter().map(|item| item.to_vec()).collect();
        assert_eq!(
            listpack.elements().unwrap(),
            Elements::Set(expected.clone())
        );
        let plain = value(
            Encoding::Set,
            Elements::Set(expected.clone())
                .encode(Encoding::Set)
                .unwrap(),
        );
        assert_eq!(plain.elements().unwrap(), Elements::Set(expected.clone()));
        let intset = value(Encoding::SetIntset, string_body(&build::intset(&[17, -5])));
        assert_eq!(
            intset.elements().unwrap(),
            Elements::Set(vec![b"-5".to_vec(), b"17".to_vec()])
        );
        // A quicklist of two ziplists, and a quicklist 2 of a packed and a plain node.
        let mut quicklist = Vec::new();
        put_len(&mut quicklist, 2);
        quicklist.extend(string_body(&build::ziplist(&items[..2])));
        quicklist.extend(string_body(&build::ziplist(&items[2..])));
        let quicklist = value(Encoding::ListQuicklist, quicklist);
        assert_eq!(
            quicklist.elements().unwrap(),
            Elements::List(expected.clone())
        );
        let mut quicklist2 = Vec::new();
        put_len(&mut quicklist2, 2);
        put_len(&mut quicklist2, 2);
        quicklist2.extend(string_body(&build::listpack(&items[..3])));
        put_len(&mut quicklist2, 1);
        quicklist2.extend(string_body(b"bee"));
        let quicklist2 = value(Encoding::ListQuicklist2, quicklist2);
        assert_eq!(quicklist2.elements().unwrap(), Elements::List(expected));
    }

    #[test]
    fn sorted_sets_keep_exact_scores() {
        let items: Vec<&[u8]> = vec![b"m1", b"1.5", b"m2", b"-3", b"m3", b"inf"];
        let zset = value(
            Encoding::SortedSetListpack,
            string_body(&build::listpack(&items)),
        );
        let elements = zset.elements().unwrap();
        let Elements::SortedSet(members) = &elements else {
            panic!("{elements:?}")
        };
        assert_eq!(members[2], (b"m3".to_vec(), f64::INFINITY));
        let plain = value(
            Encoding::SortedSet2,
            elements.encode(Encoding::SortedSet2).unwrap(),
        );
        let Elements::SortedSet(again) = plain.elements().unwrap() else {
            panic!()
        };
        let scores: Vec<f64> = again.iter().map(|(_, score)| *score).collect();
        assert_eq!(scores, [f64::INFINITY, 1.5, -3.0], "written greatest first");
    }

    #[test]
    fn field_expiration_crosses_between_redis_and_valkey() {
        let fields = vec![
            HashField {
                field: b"a".to_vec(),
                value: b"1".to_vec(),
                expire_at_ms: Some(1_900_000_000_123),
            },
            HashField {
                field: b"b".to_vec(),
                value: b"2".to_vec(),
                expire_at_ms: None,
            },
            HashField {
                field: b"c".to_vec(),
                value: b"3".to_vec(),
                expire_at_ms: Some(1_900_000_005_000),
            },
        ];
        let elements = Elements::HashWithFieldExpiry(fields.clone());
        for encoding in [Encoding::HashMetadata, Encoding::HashWithFieldExpiry] {
            let encoded = value(encoding, elements.encode(encoding).unwrap());
            assert_eq!(encoded.elements().unwrap(), elements, "{encoding}");
        }
        assert_eq!(elements.encode(Encoding::Hash), None, "TTLs would be lost");
        // Redis's listpack form: triplets, 0 for no TTL.
        let triplets: Vec<&[u8]> = vec![b"a", b"1", b"1900000000123", b"b", b"2", b"0"];
        let mut body = 1_900_000_000_123i64.to_le_bytes().to_vec();
        body.extend(string_body(&build::listpack(&triplets)));
        assert_eq!(
            value(Encoding::HashListpackEx, body).elements().unwrap(),
            Elements::HashWithFieldExpiry(fields[..2].to_vec())
        );
    }

    #[test]
    fn module_values_do_not_decode_and_say_so() {
        let module = value(Encoding::Module2, vec![0x05, 0x00]);
        let error = module.elements().unwrap_err();
        assert!(error.to_string().contains("module"), "{error}");
    }

    proptest! {
        #[test]
        fn plain_encodings_round_trip(
            items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..30),
            scores in proptest::collection::vec(any::<f64>().prop_filter("not NaN", |s| !s.is_nan()), 30),
        ) {
            for elements in [Elements::List(items.clone()), Elements::Set(items.clone())] {
                let encoding = if matches!(elements, Elements::List(_)) { Encoding::List } else { Encoding::Set };
                let decoded = value(encoding, elements.encode(encoding).unwrap()).elements().unwrap();
                prop_assert_eq!(decoded, elements);
            }
            let pairs: Vec<(Vec<u8>, Vec<u8>)> = items.chunks_exact(2).map(|p| (p[0].clone(), p[1].clone())).collect();
            let hash = Elements::Hash(pairs);
            prop_assert_eq!(value(Encoding::Hash, hash.encode(Encoding::Hash).unwrap()).elements().unwrap(), hash);
            let mut members: Vec<(Vec<u8>, f64)> = items.iter().cloned().zip(scores).collect();
            members.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            let zset = Elements::SortedSet(members);
            prop_assert_eq!(value(Encoding::SortedSet2, zset.encode(Encoding::SortedSet2).unwrap()).elements().unwrap(), zset);
        }

        #[test]
        fn decoding_arbitrary_bodies_never_panics(
            type_byte in 0u8..26,
            body in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            for version in [9u16, 12, 80] {
                if let Some(encoding) = Encoding::from_type_byte(type_byte, version) {
                    let _ = value(encoding, body.clone()).elements();
                }
            }
        }
    }
}
