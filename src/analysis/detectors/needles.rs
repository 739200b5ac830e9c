//! Keyword sets searched for inside arguments, with a table of first byte pairs built at
//! compile time.
//!
//! Detectors ask "does this argument contain any of these keywords?" for every argument of
//! every exec. `str::contains` per keyword sets up a searcher per call; a [`Needles`] set walks
//! a short argument once, and compares keywords only where the two bytes there may start one
//! (a 4096-bit table). Long texts (scripts) go to `str::contains`, whose vectorised scan wins
//! there. The table is computed by a `const fn`, so a set is a `static` and a bad keyword
//! (shorter than two bytes, or upper case in a case-insensitive set) is a compile error.

/// Haystacks longer than this are searched keyword by keyword with `str::contains`.
const LONG: usize = 256;

/// A fixed set of keywords.
pub struct Needles {
    words: &'static [&'static str],
    /// Bit `b & 63` of word `a & 63` is set when some keyword starts with bytes `a b` (in
    /// any case when `fold`). Different pairs may share a bit: the table only rules
    /// positions out.
    starts: [u64; 64],
    /// Length of the shortest keyword: shorter arguments cannot contain any.
    min_len: usize,
    /// ASCII case-insensitive matching (keywords are then lower case).
    fold: bool,
}

impl Needles {
    /// Exact (case-sensitive) keywords.
    pub const fn new(words: &'static [&'static str]) -> Self {
        Self::build(words, false)
    }

    /// Keywords matched ignoring ASCII case; they must be written in lower case.
    pub const fn ignore_ascii_case(words: &'static [&'static str]) -> Self {
        Self::build(words, true)
    }

    const fn build(words: &'static [&'static str], fold: bool) -> Self {
        assert!(
            !words.is_empty(),
            "a keyword set needs at least one keyword"
        );
        let mut starts = [0u64; 64];
        let mut min_len = usize::MAX;
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            assert!(w.len() >= 2, "keywords must be at least two bytes long");
            if fold {
                let mut j = 0;
                while j < w.len() {
                    assert!(
                        !w[j].is_ascii_uppercase(),
                        "case-insensitive keywords must be lower case"
                    );
                    j += 1;
                }
            }
            starts[(w[0] & 63) as usize] |= 1 << (w[1] & 63);
            if fold {
                // Every case mix of the first two bytes, so the scan need not fold.
                let (a, b) = (w[0].to_ascii_uppercase(), w[1].to_ascii_uppercase());
                starts[(a & 63) as usize] |= 1 << (w[1] & 63);
                starts[(w[0] & 63) as usize] |= 1 << (b & 63);
                starts[(a & 63) as usize] |= 1 << (b & 63);
            }
            if w.len() < min_len {
                min_len = w.len();
            }
            i += 1;
        }
        Needles {
            words,
            starts,
            min_len,
            fold,
        }
    }

    /// The keywords, in the order given.
    #[cfg(test)]
    pub fn words(&self) -> &'static [&'static str] {
        self.words
    }

    /// The first keyword, in the order given, that `hay` contains.
    pub fn find(&self, hay: &str) -> Option<&'static str> {
        if !self.any_in(hay) {
            return None;
        }
        // Rare (a hit): report the keyword by list order, as a per-keyword search would.
        self.words
            .iter()
            .copied()
            .find(|w| self.contains_word(hay, w))
    }

    /// Whether `hay` contains any of the keywords.
    pub fn any_in(&self, hay: &str) -> bool {
        if hay.len() < self.min_len {
            return false;
        }
        if hay.len() > LONG && !self.fold {
            // Long text (a `sh -c` script): the standard searcher's vectorised scan per
            // keyword beats a byte walk.
            return self.words.iter().any(|w| hay.contains(w));
        }
        let hay = hay.as_bytes();
        // Positions 0..=len-min_len, each with the byte after it.
        let starts = &hay[..=hay.len() - self.min_len + 1];
        for (i, pair) in starts.windows(2).enumerate() {
            if self.starts[(pair[0] & 63) as usize] & (1 << (pair[1] & 63)) == 0 {
                continue;
            }
            let rest = &hay[i..];
            if self.words.iter().any(|w| {
                let w = w.as_bytes();
                // The first two bytes settle most candidates before a full comparison.
                rest.len() >= w.len()
                    && self.eq(&rest[..2], &w[..2])
                    && self.eq(&rest[2..w.len()], &w[2..])
            }) {
                return true;
            }
        }
        false
    }

    fn contains_word(&self, hay: &str, word: &str) -> bool {
        let (hay, word) = (hay.as_bytes(), word.as_bytes());
        hay.len() >= word.len() && hay.windows(word.len()).any(|win| self.eq(win, word))
    }

    fn eq(&self, hay: &[u8], word: &[u8]) -> bool {
        if self.fold {
            hay.eq_ignore_ascii_case(word)
        } else {
            hay == word
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SET: Needles = Needles::new(&["/api/v1/", "kubernetes.default", ":10250/"]);
    static FOLDED: Needles = Needles::ignore_ascii_case(&["stratum+tcp", "cryptonight"]);

    #[test]
    fn finds_like_contains_in_list_order() {
        let cases = [
            "https://kubernetes.default/api/v1/pods",
            "http://10.0.0.1:10250/pods",
            "/api/v1",
            "",
            "kubernetes.defaul",
            "x:10250/",
        ];
        for hay in cases {
            let expected = SET.words().iter().copied().find(|w| hay.contains(w));
            assert_eq!(SET.find(hay), expected, "{hay:?}");
            assert_eq!(SET.any_in(hay), expected.is_some(), "{hay:?}");
        }
        // List order, not position order: /api/v1/ is listed first.
        assert_eq!(SET.find("kubernetes.default/api/v1/"), Some("/api/v1/"));
    }

    #[test]
    fn folded_sets_ignore_ascii_case_only() {
        assert_eq!(FOLDED.find("-o STRATUM+TCP://pool"), Some("stratum+tcp"));
        assert_eq!(FOLDED.find("CryptoNight"), Some("cryptonight"));
        assert_eq!(FOLDED.find("stratum tcp"), None);
        // Non-ASCII never folds onto ASCII.
        assert_eq!(FOLDED.find("ſtratum+tcp"), None);
        assert!(!SET.any_in("/API/V1/"), "exact sets are case-sensitive");
    }

    #[test]
    fn matches_str_contains_on_generated_input() {
        // Every placement of every keyword in a noisy haystack, and near misses.
        let long = "| /api/v ".repeat(40); // past LONG: the long-text path
        let noise = ["", "a", "/x/", "é", "::", "kube", long.as_str()];
        for w in SET.words() {
            for pre in noise {
                for post in noise {
                    let hay = format!("{pre}{w}{post}");
                    assert!(SET.any_in(&hay), "{hay:?}");
                    let cut = format!("{pre}{}{post}", &w[..w.len() - 1]);
                    assert_eq!(
                        SET.any_in(&cut),
                        SET.words().iter().any(|k| cut.contains(k)),
                        "{cut:?}"
                    );
                }
            }
        }
    }
}
