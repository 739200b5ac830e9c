//! String helpers shared by the decode, the parser and the command line.

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
}
