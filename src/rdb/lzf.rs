//! LZF decompression (liblzf's format, which Redis and Valkey use for strings in RDB files and
//! `DUMP` payloads when `rdbcompression` is on). Only values that must be decoded are
//! decompressed; a value carried raw keeps its compressed bytes.

/// Decompresses `input` into exactly `expected_len` bytes; `Err` names what is malformed.
/// Memory grows with the output actually produced, never with a claimed length alone.
pub fn decompress(input: &[u8], expected_len: u64) -> Result<Vec<u8>, &'static str> {
    let expected = usize::try_from(expected_len).map_err(|_| "LZF length too large")?;
    // A back reference of 3 input bytes yields at most 264 output bytes.
    let mut output = Vec::with_capacity(expected.min(input.len().saturating_mul(264)));
    let mut position = 0;
    while position < input.len() {
        let control = usize::from(input[position]);
        position += 1;
        if control < 32 {
            let run = control + 1;
            let literal = input
                .get(position..position + run)
                .ok_or("LZF literal run past the end of the input")?;
            if output.len() + run > expected {
                return Err("LZF output longer than its stated length");
            }
            output.extend_from_slice(literal);
            position += run;
        } else {
            let mut length = control >> 5;
            if length == 7 {
                length += usize::from(*input.get(position).ok_or("LZF length past the end")?);
                position += 1;
            }
            let low = usize::from(*input.get(position).ok_or("LZF offset past the end")?);
            position += 1;
            let distance = ((control & 0x1f) << 8) + low + 1;
            let start = output
                .len()
                .checked_sub(distance)
                .ok_or("LZF back reference before the start of the output")?;
            length += 2;
            if output.len() + length > expected {
                return Err("LZF output longer than its stated length");
            }
            // The reference may overlap what it produces: copy byte by byte.
            for index in start..start + length {
                let byte = output[index];
                output.push(byte);
            }
        }
    }
    if output.len() != expected {
        return Err("LZF output shorter than its stated length");
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn literals_and_back_references() {
        // "abc" as a literal run, then a back reference of 6 bytes at distance 3.
        let input = [2, b'a', b'b', b'c', (4 << 5), 2];
        assert_eq!(decompress(&input, 9).unwrap(), b"abcabcabc");
        assert!(decompress(&input, 8).is_err());
        assert!(decompress(&input, 10).is_err());
        // A back reference before anything was produced.
        assert!(decompress(&[(1 << 5), 0], 3).is_err());
        // A literal run that claims more bytes than there are.
        assert!(decompress(&[5, b'a'], 6).is_err());
    }

    #[test]
    fn long_back_reference_uses_the_extra_length_byte() {
        // One literal 'x', then a reference of 7+10+2 = 19 bytes at distance 1.
        let input = [0, b'x', (7 << 5), 10, 0];
        assert_eq!(decompress(&input, 20).unwrap(), vec![b'x'; 20]);
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..200), len in 0u64..5000) {
            let _ = decompress(&input, len);
        }
    }
}
