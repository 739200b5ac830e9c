//! String helpers shared by the decode, the parser, the detectors and the command line.

/// Basename of a path (`/usr/bin/nc` -> `nc`).
pub(crate) fn basename(path: &str) -> &str {
    // A byte loop: names are short, and `rsplit` costs a searcher setup per call.
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// `basename(path) == name` for a `name` without `/`, comparing only the tail (ancestor exe
/// paths are long).
pub(crate) fn basename_is(path: &str, name: &str) -> bool {
    match path.strip_suffix(name) {
        Some(dir) => dir.is_empty() || dir.ends_with('/'),
        None => false,
    }
}

/// The largest char boundary of `s` at or below `max` (`str::floor_char_boundary` is not
/// stable yet): where to cut `s` to at most `max` bytes without splitting a character.
pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut cut = max;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// Standard base64 (`+/`, or the URL alphabet `-_`), padding optional, ASCII whitespace
/// skipped; `None` on any other byte or a dangling final character.
pub fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    fn value(b: u8) -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = false;
    for &b in input {
        if b.is_ascii_whitespace() {
            continue;
        }
        if b == b'=' {
            padding = true;
            continue;
        }
        if padding {
            return None;
        }
        acc = (acc << 6) | value(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_before_a_split_character() {
        assert_eq!(floor_char_boundary("abc", 10), 3);
        assert_eq!(floor_char_boundary("abc", 2), 2);
        // "é" is two bytes: a cut after its first byte backs off before it.
        assert_eq!(floor_char_boundary("aé", 2), 1);
        assert_eq!(floor_char_boundary("\u{fffd}", 2), 0);
        assert_eq!(floor_char_boundary("", 0), 0);
    }

    #[test]
    fn basename_is_agrees_with_basename() {
        let paths = [
            "/usr/bin/event-generator",
            "event-generator",
            "/bin/xevent-generator",
            "/event-generator/x",
            "/a/",
            "",
            "/",
            "é/event-generator",
        ];
        for path in paths {
            for name in ["event-generator", "", "x"] {
                assert_eq!(
                    basename_is(path, name),
                    basename(path) == name,
                    "{path:?} {name:?}"
                );
            }
        }
    }

    #[test]
    fn base64_decodes_both_alphabets_and_rejects_garbage() {
        use super::decode_base64;
        assert_eq!(decode_base64(b"aWQ=").as_deref(), Some(&b"id"[..]));
        assert_eq!(decode_base64(b"aWQ").as_deref(), Some(&b"id"[..]));
        assert_eq!(decode_base64(b"Y3Vy bCB4").as_deref(), Some(&b"curl x"[..]));
        assert_eq!(decode_base64(b"-_8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_base64(b"a*b="), None);
        assert_eq!(decode_base64(b"a"), None);
        assert_eq!(decode_base64(b"aW=Q"), None);
    }
}
