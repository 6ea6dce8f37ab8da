//! Decoders of the compact encodings stored inside RDB strings: ziplist, listpack, intset and
//! zipmap (formats from Redis's `ziplist.c`, `listpack.c`, `intset.c` and `zipmap.c`). Used only
//! to convert a value for a server that cannot load its encoding; a value carried raw is never
//! decoded. Every read is bounds-checked: corrupt bytes give an `Err`, never a panic.

/// An element of a ziplist or listpack: bytes, or an integer stored as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element<'a> {
    /// A string.
    Bytes(&'a [u8]),
    /// An integer.
    Int(i64),
}

impl Element<'_> {
    /// The element as the bytes a client would read (integers in decimal).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Element::Bytes(bytes) => bytes.to_vec(),
            Element::Int(number) => number.to_string().into_bytes(),
        }
    }

    /// The element read as a sorted-set score.
    pub fn to_score(&self) -> Result<f64, &'static str> {
        match self {
            Element::Int(number) => Ok(*number as f64),
            Element::Bytes(bytes) => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| text.parse::<f64>().ok())
                .ok_or("a sorted-set score that is not a number"),
        }
    }
}

/// Reads fixed-size fields from a byte slice, failing on the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], position: usize) -> Self {
        Self { bytes, position }
    }

    fn take(&mut self, count: usize, what: &'static str) -> Result<&'a [u8], &'static str> {
        let end = self.position.checked_add(count).ok_or(what)?;
        let slice = self.bytes.get(self.position..end).ok_or(what)?;
        self.position = end;
        Ok(slice)
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, &'static str> {
        Ok(self.take(1, what)?[0])
    }

    fn uint_le(&mut self, width: usize, what: &'static str) -> Result<u64, &'static str> {
        Ok(self
            .take(width, what)?
            .iter()
            .rev()
            .fold(0u64, |number, &byte| number << 8 | u64::from(byte)))
    }

    /// A little-endian two's complement integer of `width` bytes.
    fn int_le(&mut self, width: usize, what: &'static str) -> Result<i64, &'static str> {
        let unsigned = self.uint_le(width, what)?;
        let shift = 64 - 8 * width as u32;
        Ok(((unsigned << shift) as i64) >> shift)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }
}

/// Ziplist header: total bytes (4), tail offset (4), count (2).
const ZIPLIST_HEADER_LEN: usize = 10;
/// Listpack header: total bytes (4), count (2).
const LISTPACK_HEADER_LEN: usize = 6;
/// The end marker of ziplists, listpacks and zipmaps.
const END: u8 = 0xff;

/// The elements of a ziplist.
pub fn ziplist_elements(ziplist: &[u8]) -> Result<Vec<Element<'_>>, &'static str> {
    let mut cursor = Cursor::new(ziplist, 0);
    let total = cursor.uint_le(4, "a ziplist header")? as usize;
    if total != ziplist.len() {
        return Err("a ziplist whose size field disagrees with its length");
    }
    cursor.position = ZIPLIST_HEADER_LEN.min(ziplist.len());
    let mut elements = Vec::new();
    loop {
        // Previous entry length: 1 byte, or 0xfe and 4 bytes.
        let first = cursor.byte("a ziplist entry")?;
        if first == END {
            break;
        }
        if first == 0xfe {
            cursor.take(4, "a ziplist entry")?;
        }
        let encoding = cursor.byte("a ziplist entry")?;
        let element = match encoding >> 6 {
            0 => Element::Bytes(cursor.take(usize::from(encoding & 0x3f), "a ziplist string")?),
            1 => {
                let length = usize::from(encoding & 0x3f) << 8
                    | usize::from(cursor.byte("a ziplist string")?);
                Element::Bytes(cursor.take(length, "a ziplist string")?)
            }
            2 => {
                let length = cursor.take(4, "a ziplist string")?;
                let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]);
                Element::Bytes(cursor.take(length as usize, "a ziplist string")?)
            }
            _ => Element::Int(match encoding {
                0xc0 => cursor.int_le(2, "a ziplist integer")?,
                0xd0 => cursor.int_le(4, "a ziplist integer")?,
                0xe0 => cursor.int_le(8, "a ziplist integer")?,
                0xf0 => cursor.int_le(3, "a ziplist integer")?,
                0xfe => cursor.int_le(1, "a ziplist integer")?,
                0xf1..=0xfd => i64::from(encoding & 0x0f) - 1,
                _ => return Err("an unknown ziplist entry encoding"),
            }),
        };
        elements.push(element);
    }
    if cursor.position != ziplist.len() {
        return Err("bytes after a ziplist's end marker");
    }
    Ok(elements)
}

/// The elements of a listpack.
pub fn listpack_elements(listpack: &[u8]) -> Result<Vec<Element<'_>>, &'static str> {
    let mut cursor = Cursor::new(listpack, 0);
    let total = cursor.uint_le(4, "a listpack header")? as usize;
    if total != listpack.len() {
        return Err("a listpack whose size field disagrees with its length");
    }
    cursor.position = LISTPACK_HEADER_LEN.min(listpack.len());
    let mut elements = Vec::new();
    loop {
        let start = cursor.position;
        let encoding = cursor.byte("a listpack entry")?;
        if encoding == END {
            break;
        }
        let element = if encoding & 0x80 == 0 {
            Element::Int(i64::from(encoding & 0x7f))
        } else if encoding & 0xc0 == 0x80 {
            Element::Bytes(cursor.take(usize::from(encoding & 0x3f), "a listpack string")?)
        } else if encoding & 0xe0 == 0xc0 {
            let unsigned = u64::from(encoding & 0x1f) << 8 | u64::from(cursor.byte("an int")?);
            Element::Int(((unsigned << 51) as i64) >> 51)
        } else if encoding & 0xf0 == 0xe0 {
            let length =
                usize::from(encoding & 0x0f) << 8 | usize::from(cursor.byte("a listpack string")?);
            Element::Bytes(cursor.take(length, "a listpack string")?)
        } else {
            match encoding {
                0xf0 => {
                    let length = cursor.uint_le(4, "a listpack string")? as usize;
                    Element::Bytes(cursor.take(length, "a listpack string")?)
                }
                0xf1 => Element::Int(cursor.int_le(2, "a listpack integer")?),
                0xf2 => Element::Int(cursor.int_le(3, "a listpack integer")?),
                0xf3 => Element::Int(cursor.int_le(4, "a listpack integer")?),
                0xf4 => Element::Int(cursor.int_le(8, "a listpack integer")?),
                _ => return Err("an unknown listpack entry encoding"),
            }
        };
        // The back length: the entry's size in 7-bit groups, 1 to 5 bytes.
        let entry_len = cursor.position - start;
        cursor.take(backlen_size(entry_len), "a listpack entry's back length")?;
        elements.push(element);
    }
    if cursor.position != listpack.len() {
        return Err("bytes after a listpack's end marker");
    }
    Ok(elements)
}

/// How many bytes a listpack entry's back length takes.
fn backlen_size(entry_len: usize) -> usize {
    match entry_len {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        2_097_152..=268_435_455 => 4,
        _ => 5,
    }
}

/// The integers of an intset.
pub fn intset_members(intset: &[u8]) -> Result<Vec<i64>, &'static str> {
    let mut cursor = Cursor::new(intset, 0);
    let width = cursor.uint_le(4, "an intset header")? as usize;
    if ![2, 4, 8].contains(&width) {
        return Err("an intset of an unknown integer width");
    }
    let count = cursor.uint_le(4, "an intset header")? as usize;
    if intset.len() - cursor.position != count.saturating_mul(width) {
        return Err("an intset whose count disagrees with its length");
    }
    (0..count)
        .map(|_| cursor.int_le(width, "an intset member"))
        .collect()
}

/// A zipmap's field and value.
pub type ZipmapPair<'a> = (&'a [u8], &'a [u8]);

/// The field-value pairs of a zipmap (hashes of Redis before 2.6).
pub fn zipmap_pairs(zipmap: &[u8]) -> Result<Vec<ZipmapPair<'_>>, &'static str> {
    let mut cursor = Cursor::new(zipmap, 1);
    let mut pairs = Vec::new();
    loop {
        if cursor.peek().ok_or("a zipmap without its end marker")? == END {
            cursor.position += 1;
            break;
        }
        let field_len = zipmap_len(&mut cursor)?;
        let field = cursor.take(field_len, "a zipmap field")?;
        let value_len = zipmap_len(&mut cursor)?;
        let free = usize::from(cursor.byte("a zipmap value")?);
        let value = cursor.take(value_len, "a zipmap value")?;
        cursor.take(free, "a zipmap value's free space")?;
        pairs.push((field, value));
    }
    if cursor.position != zipmap.len() {
        return Err("bytes after a zipmap's end marker");
    }
    Ok(pairs)
}

/// A zipmap length: one byte below 254, else 254 and 4 bytes (little endian).
fn zipmap_len(cursor: &mut Cursor<'_>) -> Result<usize, &'static str> {
    match cursor.byte("a zipmap length")? {
        254 => Ok(cursor.uint_le(4, "a zipmap length")? as usize),
        END => Err("a zipmap length of 255"),
        length => Ok(usize::from(length)),
    }
}

/// Test-only encoders, to build compact encodings as the servers do.
#[cfg(test)]
pub mod build {
    use super::backlen_size;

    /// A listpack of `elements` (integers where the text is a canonical integer).
    pub fn listpack(elements: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        for element in elements {
            let start = body.len();
            match std::str::from_utf8(element)
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .filter(|number| number.to_string().as_bytes() == *element)
            {
                Some(number @ 0..=127) => body.push(number as u8),
                Some(number) if (-4096..4096).contains(&number) => {
                    let unsigned = (number as u64) & 0x1fff;
                    body.push(0xc0 | (unsigned >> 8) as u8);
                    body.push(unsigned as u8);
                }
                Some(number) if i16::try_from(number).is_ok() => {
                    body.push(0xf1);
                    body.extend_from_slice(&(number as i16).to_le_bytes());
                }
                Some(number) => {
                    body.push(0xf4);
                    body.extend_from_slice(&number.to_le_bytes());
                }
                None if element.len() < 64 => {
                    body.push(0x80 | element.len() as u8);
                    body.extend_from_slice(element);
                }
                None if element.len() < 4096 => {
                    body.push(0xe0 | (element.len() >> 8) as u8);
                    body.push(element.len() as u8);
                    body.extend_from_slice(element);
                }
                None => {
                    body.push(0xf0);
                    body.extend_from_slice(&(element.len() as u32).to_le_bytes());
                    body.extend_from_slice(element);
                }
            }
            let entry_len = body.len() - start;
            let mut backlen = Vec::new();
            let mut rest = entry_len;
            for _ in 0..backlen_size(entry_len) {
                backlen.push((rest & 0x7f) as u8);
                rest >>= 7;
            }
            // High group first; every group but the first flagged (it is read backwards).
            backlen.reverse();
            for group in backlen.iter_mut().skip(1) {
                *group |= 0x80;
            }
            body.extend_from_slice(&backlen);
        }
        let mut listpack = Vec::new();
        listpack.extend_from_slice(&((body.len() + 7) as u32).to_le_bytes());
        listpack.extend_from_slice(&(elements.len().min(65535) as u16).to_le_bytes());
        listpack.extend_from_slice(&body);
        listpack.push(0xff);
        listpack
    }

    /// A ziplist of `elements` (strings, and small integers as immediates or int16).
    pub fn ziplist(elements: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut previous = 0usize;
        for element in elements {
            let start = body.len();
            if previous < 254 {
                body.push(previous as u8);
            } else {
                body.push(0xfe);
                body.extend_from_slice(&(previous as u32).to_le_bytes());
            }
            match std::str::from_utf8(element)
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .filter(|number| number.to_string().as_bytes() == *element)
            {
                Some(number @ 0..=12) => body.push(0xf1 + number as u8),
                Some(number) if i16::try_from(number).is_ok() => {
                    body.push(0xc0);
                    body.extend_from_slice(&(number as i16).to_le_bytes());
                }
                Some(number) => {
                    body.push(0xe0);
                    body.extend_from_slice(&number.to_le_bytes());
                }
                None if element.len() < 64 => {
                    body.push(element.len() as u8);
                    body.extend_from_slice(element);
                }
                None => {
                    body.push(0x80);
                    body.extend_from_slice(&(element.len() as u32).to_be_bytes());
                    body.extend_from_slice(element);
                }
            }
            previous = body.len() - start;
        }
        let mut ziplist = Vec::new();
        ziplist.extend_from_slice(&((body.len() + 11) as u32).to_le_bytes());
        ziplist.extend_from_slice(&0u32.to_le_bytes());
        ziplist.extend_from_slice(&(elements.len().min(65535) as u16).to_le_bytes());
        ziplist.extend_from_slice(&body);
        ziplist.push(0xff);
        ziplist
    }

    /// An intset of `members` in the narrowest width that holds them all (sorted, as Redis keeps
    /// them).
    pub fn intset(members: &[i64]) -> Vec<u8> {
        let width = if members.iter().all(|&m| i16::try_from(m).is_ok()) {
            2
        } else if members.iter().all(|&m| i32::try_from(m).is_ok()) {
            4
        } else {
            8
        };
        let mut sorted = members.to_vec();
        sorted.sort_unstable();
        let mut intset = Vec::new();
        intset.extend_from_slice(&(width as u32).to_le_bytes());
        intset.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
        for member in sorted {
            intset.extend_from_slice(&member.to_le_bytes()[..width]);
        }
        intset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(elements: &[Element<'_>]) -> Vec<Vec<u8>> {
        elements.iter().map(Element::to_bytes).collect()
    }

    #[test]
    fn listpack_of_every_entry_width() {
        let long = vec![b'x'; 5000];
        let medium = vec![b'y'; 300];
        let elements: Vec<&[u8]> = vec![
            b"0",
            b"127",
            b"128",
            b"-4096",
            b"4095",
            b"-32768",
            b"9007199254740993",
            b"",
            b"field",
            &medium,
            &long,
        ];
        let listpack = build::listpack(&elements);
        let decoded = listpack_elements(&listpack).unwrap();
        assert_eq!(texts(&decoded), elements);
        assert_eq!(decoded[3], Element::Int(-4096));
    }

    #[test]
    fn ziplist_of_every_entry_width() {
        let long = vec![b'z'; 300];
        let elements: Vec<&[u8]> = vec![b"0", b"12", b"13", b"-1", b"70000", b"a", &long, b"b"];
        let ziplist = build::ziplist(&elements);
        assert_eq!(texts(&ziplist_elements(&ziplist).unwrap()), elements);
    }

    #[test]
    fn intset_widths() {
        for members in [vec![1i64, -2, 3], vec![70000, -1], vec![i64::MIN, i64::MAX]] {
            let mut sorted = members.clone();
            sorted.sort_unstable();
            assert_eq!(intset_members(&build::intset(&members)).unwrap(), sorted);
        }
        assert!(intset_members(&[3, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn zipmap_with_free_space() {
        // "foo" => "bar" with 2 free bytes, "hello" => "world".
        let zipmap = b"\x02\x03foo\x03\x02barXX\x05hello\x05\x00world\xff";
        assert_eq!(
            zipmap_pairs(zipmap).unwrap(),
            vec![(&b"foo"[..], &b"bar"[..]), (&b"hello"[..], &b"world"[..])]
        );
        assert!(zipmap_pairs(b"\x01\x03foo").is_err());
    }

    #[test]
    fn scores_from_text_and_integers() {
        assert_eq!(Element::Int(-3).to_score(), Ok(-3.0));
        assert_eq!(Element::Bytes(b"1.5").to_score(), Ok(1.5));
        assert_eq!(Element::Bytes(b"inf").to_score(), Ok(f64::INFINITY));
        assert_eq!(Element::Bytes(b"-inf").to_score(), Ok(f64::NEG_INFINITY));
        assert!(Element::Bytes(b"x").to_score().is_err());
    }

    proptest! {
        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = listpack_elements(&bytes);
            let _ = ziplist_elements(&bytes);
            let _ = intset_members(&bytes);
            let _ = zipmap_pairs(&bytes);
        }

        #[test]
        fn listpacks_and_ziplists_round_trip(elements in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..80),
                any::<i64>().prop_map(|n| n.to_string().into_bytes()),
            ],
            0..40,
        )) {
            let views: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(texts(&listpack_elements(&build::listpack(&views)).unwrap()), elements.clone());
            prop_assert_eq!(texts(&ziplist_elements(&build::ziplist(&views)).unwrap()), elements);
        }
    }
}
