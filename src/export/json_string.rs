//! JSON string literals written byte for byte as serde_json writes them (the export's lines are
//! tested against serde_json's output), but scanning eight bytes at a time for the rare byte that
//! needs an escape: a prompt is ~2 KB of plain text per item.

/// Appends `s` to `out` as a JSON string literal, quotes included: `"` and `\` after a
/// backslash, `\b \f \n \r \t` as such, the other bytes below 0x20 as `\u00XX` (lowercase hex),
/// everything else (DEL, non-ASCII) as it is — exactly what `serde_json::to_writer` writes.
pub fn write(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // `bytes[start..i]` is checked and not yet copied.
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8)
            && !needs_escape(u64::from_le_bytes(word.try_into().expect("8 bytes")))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        let unicode: [u8; 6];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => {
                unicode = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 15)],
                ];
                &unicode
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether any of the eight bytes in `word` is below 0x20, `"` or `\` (never a false "no"; the
/// classic zero-byte tests, exact for bytes below 0x80, and bytes from 0x80 up never match).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn written(s: &str) -> String {
        let mut out = b"x".to_vec();
        write(&mut out, s);
        String::from_utf8(out[1..].to_vec()).expect("utf-8")
    }

    #[test]
    fn every_byte_below_0x80_is_written_as_serde_writes_it() {
        for b in 0u8..0x80 {
            let s = String::from(char::from(b));
            for text in [
                s.clone(),
                format!("abcdefgh{s}ijklmnop"),
                format!("{s}{s}{s}{s}{s}{s}{s}{s}{s}"),
            ] {
                assert_eq!(
                    written(&text),
                    serde_json::to_string(&text).unwrap(),
                    "byte {b:#x}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json(s in "(?s).{0,80}", ascii in "[\\x00-\\x7f]{0,80}") {
            prop_assert_eq!(written(&s), serde_json::to_string(&s).unwrap());
            prop_assert_eq!(written(&ascii), serde_json::to_string(&ascii).unwrap());
        }
    }
}
