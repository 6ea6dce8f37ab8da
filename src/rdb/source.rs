//! The byte-level reader under everything else: RDB lengths and strings from any `BufRead`,
//! counting the offset, feeding the CRC64 and, while a value is being walked, keeping a copy of
//! every byte consumed (so the value's raw serialized form comes out exactly as it was read).
//!
//! Lengths come from untrusted bytes: nothing is allocated for a claimed length, only for
//! bytes actually read, so a corrupt length of 2⁶⁰ ends as "data ends inside a string".

use std::io::{BufRead, ErrorKind};

use super::crc64::crc64_update;
use super::error::{Problem, RdbError};
use super::lzf;

/// An RDB length field: a count, or the marker of a specially encoded string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// A plain length or count.
    Plain(u64),
    /// `11xxxxxx`: a string stored as an 8, 16 or 32 bit integer (0, 1, 2) or LZF (3).
    Encoded(u8),
}

/// String encodings after the `11` prefix.
const ENCODED_INT8: u8 = 0;
const ENCODED_INT16: u8 = 1;
const ENCODED_INT32: u8 = 2;
const ENCODED_LZF: u8 = 3;

/// Reads RDB primitives from `R`, tracking the offset, the CRC64 and an optional capture.
pub struct Source<R> {
    input: R,
    offset: u64,
    crc: Option<u64>,
    capture: Option<Vec<u8>>,
}

impl<R: BufRead> Source<R> {
    /// A source whose first byte is at `offset`; `checksum` turns the running CRC64 on.
    pub fn new(input: R, offset: u64, checksum: bool) -> Self {
        Self {
            input,
            offset,
            crc: checksum.then_some(0),
            capture: None,
        }
    }

    /// The offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The CRC64 of every byte consumed so far (0 when the checksum is off).
    pub fn crc(&self) -> u64 {
        self.crc.unwrap_or(0)
    }

    /// An error at the current offset.
    pub fn error(&self, problem: Problem) -> RdbError {
        RdbError::new(self.offset, problem)
    }

    /// Malformed data at the current offset.
    pub fn corrupt(&self, what: impl Into<String>) -> RdbError {
        RdbError::corrupt(self.offset, what)
    }

    /// Starts keeping a copy of every byte consumed.
    pub fn start_capture(&mut self) {
        self.capture = Some(Vec::new());
    }

    /// Stops capturing and returns the bytes consumed since [`Self::start_capture`].
    pub fn take_capture(&mut self) -> Vec<u8> {
        self.capture.take().unwrap_or_default()
    }

    /// Stops feeding the CRC (before reading a trailer that is not covered by it).
    pub fn stop_checksum(&mut self) {
        self.crc = None;
    }

    /// Consumes up to `wanted` bytes, handing each available chunk to `sink`; returns how
    /// many were consumed (fewer only at the end of the input).
    fn consume_with(
        &mut self,
        mut wanted: u64,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<u64, RdbError> {
        let mut consumed = 0;
        while wanted > 0 {
            let offset = self.offset;
            let available = match self.input.fill_buf() {
                Ok(buffer) => buffer,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => return Err(RdbError::new(offset, Problem::Io(error.to_string()))),
            };
            if available.is_empty() {
                break;
            }
            let take = available
                .len()
                .min(usize::try_from(wanted).unwrap_or(usize::MAX));
            let chunk = &available[..take];
            if let Some(crc) = self.crc.as_mut() {
                *crc = crc64_update(*crc, chunk);
            }
            if let Some(capture) = self.capture.as_mut() {
                capture.extend_from_slice(chunk);
            }
            sink(chunk);
            self.input.consume(take);
            self.offset += take as u64;
            consumed += take as u64;
            wanted -= take as u64;
        }
        Ok(consumed)
    }

    /// Fills `buffer` completely or fails as truncated inside `what`.
    pub fn read_into(&mut self, buffer: &mut [u8], what: &'static str) -> Result<(), RdbError> {
        let mut filled = 0;
        let got = self.consume_with(buffer.len() as u64, |chunk| {
            buffer[filled..filled + chunk.len()].copy_from_slice(chunk);
            filled += chunk.len();
        })?;
        if got < buffer.len() as u64 {
            return Err(self.error(Problem::Truncated(what)));
        }
        Ok(())
    }

    /// Reads `N` bytes.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], RdbError> {
        let mut bytes = [0u8; N];
        self.read_into(&mut bytes, what)?;
        Ok(bytes)
    }

    /// Reads one byte.
    pub fn byte(&mut self, what: &'static str) -> Result<u8, RdbError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// Reads one byte, or `None` at the very end of the input.
    pub fn byte_or_end(&mut self) -> Result<Option<u8>, RdbError> {
        let mut byte = None;
        self.consume_with(1, |chunk| byte = chunk.first().copied())?;
        Ok(byte)
    }

    /// Reads a little-endian signed 64-bit integer (millisecond times).
    pub fn i64_le(&mut self, what: &'static str) -> Result<i64, RdbError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// Reads exactly `count` bytes into a vector grown as they arrive.
    pub fn bytes(&mut self, count: u64, what: &'static str) -> Result<Vec<u8>, RdbError> {
        let mut bytes = Vec::new();
        let got = self.consume_with(count, |chunk| bytes.extend_from_slice(chunk))?;
        if got < count {
            return Err(self.error(Problem::Truncated(what)));
        }
        Ok(bytes)
    }

    /// Consumes `count` bytes without keeping them (they still reach the CRC and capture).
    pub fn skip(&mut self, count: u64, what: &'static str) -> Result<(), RdbError> {
        if self.consume_with(count, |_| {})? < count {
            return Err(self.error(Problem::Truncated(what)));
        }
        Ok(())
    }

    /// Reads a length field.
    pub fn length(&mut self, what: &'static str) -> Result<Length, RdbError> {
        let first = self.byte(what)?;
        Ok(match first >> 6 {
            0 => Length::Plain(u64::from(first & 0x3f)),
            1 => Length::Plain(u64::from(first & 0x3f) << 8 | u64::from(self.byte(what)?)),
            3 => Length::Encoded(first & 0x3f),
            _ if first == 0x80 => Length::Plain(u64::from(u32::from_be_bytes(self.array(what)?))),
            _ if first == 0x81 => Length::Plain(u64::from_be_bytes(self.array(what)?)),
            _ => {
                return Err(
                    self.corrupt(format!("unknown length encoding 0x{first:02x} in {what}"))
                );
            }
        })
    }

    /// Reads a plain length (a count, a number), refusing a string-encoding marker.
    pub fn len(&mut self, what: &'static str) -> Result<u64, RdbError> {
        match self.length(what)? {
            Length::Plain(length) => Ok(length),
            Length::Encoded(kind) => Err(self.corrupt(format!(
                "an encoded-string marker ({kind}) where {what} must be a number"
            ))),
        }
    }

    /// Reads a string, decoding integer and LZF encodings into its bytes.
    pub fn string(&mut self, what: &'static str) -> Result<Vec<u8>, RdbError> {
        match self.length(what)? {
            Length::Plain(length) => self.bytes(length, what),
            Length::Encoded(ENCODED_INT8) => Ok((self.byte(what)? as i8).to_string().into_bytes()),
            Length::Encoded(ENCODED_INT16) => Ok(i16::from_le_bytes(self.array(what)?)
                .to_string()
                .into_bytes()),
            Length::Encoded(ENCODED_INT32) => Ok(i32::from_le_bytes(self.array(what)?)
                .to_string()
                .into_bytes()),
            Length::Encoded(ENCODED_LZF) => {
                let compressed_len = self.len(what)?;
                let plain_len = self.len(what)?;
                let start = self.offset;
                let compressed = self.bytes(compressed_len, what)?;
                lzf::decompress(&compressed, plain_len)
                    .map_err(|problem| RdbError::corrupt(start, format!("{problem} in {what}")))
            }
            Length::Encoded(kind) => {
                Err(self.corrupt(format!("unknown string encoding {kind} in {what}")))
            }
        }
    }

    /// Consumes a string without decoding it.
    pub fn skip_string(&mut self, what: &'static str) -> Result<(), RdbError> {
        match self.length(what)? {
            Length::Plain(length) => self.skip(length, what),
            Length::Encoded(ENCODED_INT8) => self.skip(1, what),
            Length::Encoded(ENCODED_INT16) => self.skip(2, what),
            Length::Encoded(ENCODED_INT32) => self.skip(4, what),
            Length::Encoded(ENCODED_LZF) => {
                let compressed_len = self.len(what)?;
                self.len(what)?;
                self.skip(compressed_len, what)
            }
            Length::Encoded(kind) => {
                Err(self.corrupt(format!("unknown string encoding {kind} in {what}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(bytes: &[u8]) -> Source<&[u8]> {
        Source::new(bytes, 0, true)
    }

    #[test]
    fn lengths_in_every_width() {
        assert_eq!(source(&[0x05]).len("n").unwrap(), 5);
        assert_eq!(source(&[0x41, 0x02]).len("n").unwrap(), 0x102);
        assert_eq!(source(&[0x80, 0, 1, 0, 0]).len("n").unwrap(), 0x10000);
        assert_eq!(
            source(&[0x81, 0, 0, 0, 1, 0, 0, 0, 0]).len("n").unwrap(),
            1 << 32
        );
        assert_eq!(source(&[0xc3]).length("n").unwrap(), Length::Encoded(3));
        let error = source(&[0x82]).len("n").unwrap_err();
        assert_eq!(error.offset, 1);
        assert!(source(&[0xc0]).len("n").is_err());
    }

    #[test]
    fn strings_plain_integer_and_lzf() {
        assert_eq!(source(b"\x03abc").string("s").unwrap(), b"abc");
        assert_eq!(source(&[0xc0, 0xff]).string("s").unwrap(), b"-1");
        assert_eq!(source(&[0xc1, 0x39, 0x30]).string("s").unwrap(), b"12345");
        assert_eq!(
            source(&[0xc2, 0x00, 0x00, 0x00, 0x80]).string("s").unwrap(),
            b"-2147483648"
        );
        let lzf = [0xc3, 6, 9, 2, b'a', b'b', b'c', (4 << 5), 2];
        assert_eq!(source(&lzf).string("s").unwrap(), b"abcabcabc");
        let mut skipping = source(&lzf);
        skipping.skip_string("s").unwrap();
        assert_eq!(skipping.offset(), lzf.len() as u64);
    }

    #[test]
    fn truncation_names_the_offset_it_stopped_at() {
        let error = source(b"\x05ab").string("the key").unwrap_err();
        assert_eq!(error.offset, 3);
        assert_eq!(error.to_string(), "at byte 3: the data ends inside the key");
        // A huge claimed length allocates nothing before failing.
        let error = source(&[0x81, 0x10, 0, 0, 0, 0, 0, 0, 0, b'x'])
            .string("s")
            .unwrap_err();
        assert_eq!(error.problem, Problem::Truncated("s"));
    }

    #[test]
    fn capture_and_crc_see_every_byte() {
        let bytes = b"\x03abc\x02de";
        let mut source = source(bytes);
        source.skip_string("a").unwrap();
        source.start_capture();
        source.skip_string("b").unwrap();
        assert_eq!(source.take_capture(), b"\x02de");
        assert_eq!(source.crc(), super::super::crc64::crc64(bytes));
    }
}
