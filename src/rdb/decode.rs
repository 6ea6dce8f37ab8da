//! Decoding a value into plain elements, for the values a target server cannot load as they
//! are. Every encoding of strings, lists, sets, sorted sets and hashes decodes (ziplists,
//! listpacks, intsets, quicklists 1 and 2, zipmaps, hashes with field expiration of both
//! Redis and Valkey); a stream decodes only into its envelope (metadata, groups, consumers),
//! its listpacks staying raw; module values do not decode.

use super::compact::{Element, intset_members, listpack_elements, ziplist_elements, zipmap_pairs};
use super::encoding::Encoding;
use super::error::RdbError;
use super::source::Source;
use super::value::Value;
use super::walk::STREAM_ID_LEN;

/// The length byte of a text score meaning NaN, +inf, -inf.
const SCORE_NAN: u8 = 253;
const SCORE_POSITIVE_INFINITY: u8 = 254;
const SCORE_NEGATIVE_INFINITY: u8 = 255;
/// Quicklist 2 node containers.
const CONTAINER_PLAIN: u64 = 1;

/// A hash field with its own expiration time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashField {
    /// The field.
    pub field: Vec<u8>,
    /// Its value.
    pub value: Vec<u8>,
    /// When it expires, Unix time in milliseconds; `None`: never.
    pub expire_at_ms: Option<i64>,
}

/// A hash field and its value.
pub type FieldValue = (Vec<u8>, Vec<u8>);

/// A stream id, milliseconds and sequence.
pub type StreamId = (u64, u64);

/// A stream pending entry of a consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    /// The entry id, raw (16 bytes, big endian).
    pub id: Vec<u8>,
    /// When it was last delivered (ms).
    pub delivery_time: i64,
    /// How many times it was delivered.
    pub delivery_count: u64,
}

/// A consumer of a stream consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    /// Its name.
    pub name: Vec<u8>,
    /// When it was last seen (ms).
    pub seen_time: i64,
    /// When it last read or acknowledged (ms; stream encoding 3 only).
    pub active_time: Option<i64>,
    /// The ids it has pending, raw.
    pub pending: Vec<Vec<u8>>,
}

/// A stream consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroup {
    /// Its name.
    pub name: Vec<u8>,
    /// The last id delivered.
    pub last_id: StreamId,
    /// Its logical read counter (stream encodings 2 and 3).
    pub entries_read: Option<u64>,
    /// Its pending entries.
    pub pending: Vec<PendingEntry>,
    /// Its consumers.
    pub consumers: Vec<Consumer>,
}

/// What stream encodings 2 and 3 add to the stream's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCounters {
    /// The first entry's id.
    pub first_id: StreamId,
    /// The greatest id deleted.
    pub max_deleted_id: StreamId,
    /// Entries ever added.
    pub entries_added: u64,
}

/// A stream's envelope; its entries stay in their listpacks, raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// The radix tree's nodes: master id (16 bytes) and listpack.
    pub nodes: Vec<(Vec<u8>, Vec<u8>)>,
    /// Entries in the stream.
    pub length: u64,
    /// The last id.
    pub last_id: StreamId,
    /// Stream encodings 2 and 3 only.
    pub counters: Option<StreamCounters>,
    /// Consumer groups.
    pub groups: Vec<ConsumerGroup>,
}

/// A value's content, independent of any encoding.
#[derive(Debug, Clone, PartialEq)]
pub enum Elements {
    /// A string.
    String(Vec<u8>),
    /// List elements, head first.
    List(Vec<Vec<u8>>),
    /// Set members.
    Set(Vec<Vec<u8>>),
    /// Sorted-set members and scores.
    SortedSet(Vec<(Vec<u8>, f64)>),
    /// Hash fields and values.
    Hash(Vec<FieldValue>),
    /// Hash fields and values with their expiration times.
    HashWithFieldExpiry(Vec<HashField>),
    /// A stream's envelope.
    Stream(Stream),
}

impl Value {
    /// Decodes the value; module values (and corrupt ones) give an error naming its offset.
    pub fn elements(&self) -> Result<Elements, RdbError> {
        let mut decoder = Decoder {
            source: Source::new(self.body.as_slice(), self.offset, false),
        };
        let elements = decoder.value(self.encoding)?;
        let end = decoder.source.offset();
        if end != self.offset + self.body.len() as u64 {
            return Err(RdbError::corrupt(end, "bytes after the value's end"));
        }
        Ok(elements)
    }
}

struct Decoder<'a> {
    source: Source<&'a [u8]>,
}

impl Decoder<'_> {
    fn value(&mut self, encoding: Encoding) -> Result<Elements, RdbError> {
        Ok(match encoding {
            Encoding::String => Elements::String(self.source.string("a string")?),
            Encoding::List => Elements::List(self.strings()?),
            Encoding::Set => Elements::Set(self.strings()?),
            Encoding::SortedSet | Encoding::SortedSet2 => {
                let count = self.source.len("a member count")?;
                let mut members = Vec::new();
                for _ in 0..count {
                    let member = self.source.string("a member")?;
                    let score = if encoding == Encoding::SortedSet {
                        self.text_score()?
                    } else {
                        f64::from_le_bytes(self.source.array("a score")?)
                    };
                    members.push((member, score));
                }
                Elements::SortedSet(members)
            }
            Encoding::Hash => {
                let count = self.source.len("a field count")?;
                let mut pairs = Vec::new();
                for _ in 0..count {
                    let field = self.source.string("a field")?;
                    pairs.push((field, self.source.string("a field's value")?));
                }
                Elements::Hash(pairs)
            }
            Encoding::HashZipmap => {
                let (offset, zipmap) = self.blob()?;
                let pairs = zipmap_pairs(&zipmap).map_err(|e| RdbError::corrupt(offset, e))?;
                Elements::Hash(
                    pairs
                        .into_iter()
                        .map(|(field, value)| (field.to_vec(), value.to_vec()))
                        .collect(),
                )
            }
            Encoding::ListZiplist => {
                let (offset, ziplist) = self.blob()?;
                Elements::List(texts(ziplist_elements(&ziplist), offset)?)
            }
            Encoding::SetIntset => {
                let (offset, intset) = self.blob()?;
                let members = intset_members(&intset).map_err(|e| RdbError::corrupt(offset, e))?;
                Elements::Set(
                    members
                        .into_iter()
                        .map(|member| member.to_string().into_bytes())
                        .collect(),
                )
            }
            Encoding::SetListpack => {
                let (offset, listpack) = self.blob()?;
                Elements::Set(texts(listpack_elements(&listpack), offset)?)
            }
            Encoding::SortedSetZiplist | Encoding::SortedSetListpack => {
                let (offset, blob) = self.blob()?;
                let elements = if encoding == Encoding::SortedSetZiplist {
                    ziplist_elements(&blob)
                } else {
                    listpack_elements(&blob)
                }
                .map_err(|e| RdbError::corrupt(offset, e))?;
                Elements::SortedSet(scored(&elements).map_err(|e| RdbError::corrupt(offset, e))?)
            }
            Encoding::HashZiplist | Encoding::HashListpack => {
                let (offset, blob) = self.blob()?;
                let elements = if encoding == Encoding::HashZiplist {
                    ziplist_elements(&blob)
                } else {
                    listpack_elements(&blob)
                };
                Elements::Hash(pairs(&texts(elements, offset)?, offset)?)
            }
            Encoding::ListQuicklist => {
                let mut list = Vec::new();
                for _ in 0..self.source.len("a node count")? {
                    let (offset, ziplist) = self.blob()?;
                    list.extend(texts(ziplist_elements(&ziplist), offset)?);
                }
                Elements::List(list)
            }
            Encoding::ListQuicklist2 => {
                let mut list = Vec::new();
                for _ in 0..self.source.len("a node count")? {
                    let container = self.source.len("a node container")?;
                    let (offset, node) = self.blob()?;
                    if container == CONTAINER_PLAIN {
                        list.push(node);
                    } else {
                        list.extend(texts(listpack_elements(&node), offset)?);
                    }
                }
                Elements::List(list)
            }
            Encoding::HashMetadataPreGa | Encoding::HashMetadata => {
                let base = if encoding == Encoding::HashMetadata {
                    Some(self.source.i64_le("the hash's first field expiration")?)
                } else {
                    None
                };
                let mut fields = Vec::new();
                for _ in 0..self.source.len("a field count")? {
                    let ttl = self.source.len("a field's expiration")?;
                    let field = self.source.string("a field")?;
                    let value = self.source.string("a field's value")?;
                    // 0: no expiration; else absolute (pre-GA) or relative to the first, plus 1.
                    let expire_at_ms = match (ttl, base) {
                        (0, _) => None,
                        (ttl, Some(base)) => Some(base.wrapping_add(ttl as i64).wrapping_sub(1)),
                        (ttl, None) => Some(ttl as i64),
                    };
                    fields.push(HashField {
                        field,
                        value,
                        expire_at_ms,
                    });
                }
                Elements::HashWithFieldExpiry(fields)
            }
            Encoding::HashListpackExPreGa | Encoding::HashListpackEx => {
                if encoding == Encoding::HashListpackEx {
                    self.source.i64_le("the hash's first field expiration")?;
                }
                let (offset, listpack) = self.blob()?;
                let elements =
                    listpack_elements(&listpack).map_err(|e| RdbError::corrupt(offset, e))?;
                if elements.len() % 3 != 0 {
                    return Err(RdbError::corrupt(
                        offset,
                        "a hash listpack of broken triplets",
                    ));
                }
                let fields = elements
                    .chunks_exact(3)
                    .map(|triplet| {
                        let expire_at_ms = match triplet[2] {
                            Element::Int(0) => None,
                            Element::Int(time) => Some(time),
                            Element::Bytes(_) => {
                                return Err(RdbError::corrupt(offset, "a field TTL that is text"));
                            }
                        };
                        Ok(HashField {
                            field: triplet[0].to_bytes(),
                            value: triplet[1].to_bytes(),
                            expire_at_ms,
                        })
                    })
                    .collect::<Result<_, _>>()?;
                Elements::HashWithFieldExpiry(fields)
            }
            Encoding::HashWithFieldExpiry => {
                let mut fields = Vec::new();
                for _ in 0..self.source.len("a field count")? {
                    let field = self.source.string("a field")?;
                    let value = self.source.string("a field's value")?;
                    let expiry = self.source.i64_le("a field's expiration")?;
                    fields.push(HashField {
                        field,
                        value,
                        expire_at_ms: (expiry != -1).then_some(expiry),
                    });
                }
                Elements::HashWithFieldExpiry(fields)
            }
            Encoding::StreamListpacks | Encoding::StreamListpacks2 | Encoding::StreamListpacks3 => {
                Elements::Stream(self.stream(encoding)?)
            }
            Encoding::ModulePreGa | Encoding::Module2 => {
                return Err(self.source.corrupt(format!(
                    "{encoding}: a module value is not decoded (only its module can)"
                )));
            }
        })
    }

    fn strings(&mut self) -> Result<Vec<Vec<u8>>, RdbError> {
        let count = self.source.len("an element count")?;
        let mut strings = Vec::new();
        for _ in 0..count {
            strings.push(self.source.string("an element")?);
        }
        Ok(strings)
    }

    /// A string holding a compact encoding, and where it starts.
    fn blob(&mut self) -> Result<(u64, Vec<u8>), RdbError> {
        let offset = self.source.offset();
        Ok((offset, self.source.string("an encoded value")?))
    }

    fn text_score(&mut self) -> Result<f64, RdbError> {
        let offset = self.source.offset();
        Ok(match self.source.byte("a score")? {
            SCORE_NAN => f64::NAN,
            SCORE_POSITIVE_INFINITY => f64::INFINITY,
            SCORE_NEGATIVE_INFINITY => f64::NEG_INFINITY,
            length => {
                let text = self.source.bytes(u64::from(length), "a score")?;
                Element::Bytes(&text)
                    .to_score()
                    .map_err(|e| RdbError::corrupt(offset, e))?
            }
        })
    }

    fn stream_id(&mut self) -> Result<StreamId, RdbError> {
        Ok((
            self.source.len("a stream id")?,
            self.source.len("a stream id")?,
        ))
    }

    fn stream(&mut self, encoding: Encoding) -> Result<Stream, RdbError> {
        let version2 = encoding != Encoding::StreamListpacks;
        let version3 = encoding == Encoding::StreamListpacks3;
        let mut nodes = Vec::new();
        for _ in 0..self.source.len("a stream's listpack count")? {
            let id = self.source.string("a stream node id")?;
            nodes.push((id, self.source.string("a stream listpack")?));
        }
        let length = self.source.len("a stream's length")?;
        let last_id = self.stream_id()?;
        let counters = if version2 {
            Some(StreamCounters {
                first_id: self.stream_id()?,
                max_deleted_id: self.stream_id()?,
                entries_added: self.source.len("a stream's entries added")?,
            })
        } else {
            None
        };
        let mut groups = Vec::new();
        for _ in 0..self.source.len("a stream's group count")? {
            let name = self.source.string("a consumer group name")?;
            let last_id = self.stream_id()?;
            let entries_read = if version2 {
                Some(self.source.len("a group's entries read")?)
            } else {
                None
            };
            let mut pending = Vec::new();
            for _ in 0..self.source.len("a group's pending count")? {
                pending.push(PendingEntry {
                    id: self.source.bytes(STREAM_ID_LEN, "a pending entry id")?,
                    delivery_time: self.source.i64_le("a delivery time")?,
                    delivery_count: self.source.len("a delivery count")?,
                });
            }
            let mut consumers = Vec::new();
            for _ in 0..self.source.len("a group's consumer count")? {
                let name = self.source.string("a consumer name")?;
                let seen_time = self.source.i64_le("a consumer's seen time")?;
                let active_time = if version3 {
                    Some(self.source.i64_le("a consumer's active time")?)
                } else {
                    None
                };
                let mut owned = Vec::new();
                for _ in 0..self.source.len("a consumer's pending count")? {
                    owned.push(self.source.bytes(STREAM_ID_LEN, "a pending entry id")?);
                }
                consumers.push(Consumer {
                    name,
                    seen_time,
                    active_time,
                    pending: owned,
                });
            }
            groups.push(ConsumerGroup {
                name,
                last_id,
                entries_read,
                pending,
                consumers,
            });
        }
        Ok(Stream {
            nodes,
            length,
            last_id,
            counters,
            groups,
        })
    }
}

/// Elements as bytes, or the decoder's complaint at `offset`.
fn texts(
    elements: Result<Vec<Element<'_>>, &'static str>,
    offset: u64,
) -> Result<Vec<Vec<u8>>, RdbError> {
    Ok(elements
        .map_err(|e| RdbError::corrupt(offset, e))?
        .iter()
        .map(Element::to_bytes)
        .collect())
}

/// Alternating fields and values as pairs.
fn pairs(flat: &[Vec<u8>], offset: u64) -> Result<Vec<FieldValue>, RdbError> {
    if flat.len() % 2 != 0 {
        return Err(RdbError::corrupt(
            offset,
            "a hash with a field and no value",
        ));
    }
    Ok(flat
        .chunks_exact(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect())
}

/// Alternating members and scores.
fn scored(elements: &[Element<'_>]) -> Result<Vec<(Vec<u8>, f64)>, &'static str> {
    if elements.len() % 2 != 0 {
        return Err("a sorted set with a member and no score");
    }
    elements
        .chunks_exact(2)
        .map(|pair| Ok((pair[0].to_bytes(), pair[1].to_score()?)))
        .collect()
}
