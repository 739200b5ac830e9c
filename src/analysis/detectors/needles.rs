//! Keyword sets searched for inside arguments, with a table of first byte pairs built at
//! compile time.
//!
//! Detectors ask "does this argument contain any of these keywords?" for every argument of
//! every exec. `str::contains` per keyword sets up a searcher per call; a [`Needles`] set walks
//! a short argument once, and compares keywords only where the two bytes there may start one
//! (a 4096-bit table over 64 byte classes, [`CLASS`]). Long texts (scripts) go to
//! `str::contains`, whose vectorised scan wins there. The table is computed by a `const fn`, so
//! a set is a `static` and a bad keyword (shorter than two bytes, or upper case in a
//! case-insensitive set) is a compile error.
//!
//! [`Pairs`] holds the byte pairs of every word of an exec's commands, collected once in one
//! walk: a set none of whose keywords has all its pairs there ([`Needles::may_occur`]) cannot
//! match any of those words, so a detector skips its per-argument walks on most execs.

/// Haystacks longer than this are searched keyword by keyword with `str::contains`.
const LONG: usize = 256;

/// The 64 byte classes of the pair tables: each ASCII letter (either case), digit and common
/// punctuation has its own, everything else (controls, rarer punctuation, non-ASCII) shares
/// one. Arguments are mostly letters, digits and `/.-_:=`, so a pair of classes is almost as
/// selective there as a pair of bytes, and case folding comes free.
const CLASS: [u8; 256] = {
    // Classes 36..=62; 63 is everything else.
    const OWN: &[u8; 27] = b"/.-_:=@~*${}|,+%\"'()&;<>[ \\";
    let mut class = [63u8; 256];
    let mut b = 0;
    while b < 10 {
        class[(b'0' + b) as usize] = b;
        b += 1;
    }
    let mut b = 0;
    while b < 26 {
        class[(b'a' + b) as usize] = 10 + b;
        class[(b'A' + b) as usize] = 10 + b;
        b += 1;
    }
    let mut i = 0;
    while i < OWN.len() {
        assert!(class[OWN[i] as usize] == 63, "a byte with two classes");
        class[OWN[i] as usize] = 36 + i as u8;
        i += 1;
    }
    class
};

const fn class(b: u8) -> usize {
    CLASS[b as usize] as usize
}

/// A fixed set of keywords.
pub struct Needles {
    words: &'static [&'static str],
    /// Bit `class(b)` of word `class(a)` is set when some keyword starts with bytes `a b`.
    /// Different pairs may share a bit (letters of either case, rarer bytes): the table only
    /// rules positions out.
    starts: [u64; 64],
    /// Length of the shortest keyword: shorter arguments cannot contain any.
    min_len: usize,
    /// ASCII case-insensitive matching (keywords are then lower case).
    fold: bool,
    /// Indexes of the non-zero words of `starts`, `hot_len` of them: what
    /// [`Needles::may_occur`] compares.
    hot: [u8; 64],
    hot_len: u8,
}

/// The byte pairs present in a set of texts, in the layout of [`Needles`]'s table: bit
/// `class(b)` of word `class(a)` is set when some text holds bytes `a b` next to each other.
#[derive(Clone)]
pub struct Pairs([u64; 64]);

impl Pairs {
    pub fn new() -> Self {
        Pairs([0; 64])
    }

    /// Whether every pair of adjacent bytes of `word` was recorded (in the classes' sense).
    /// Tested from the end: keywords of a set often share their start (`/etc/...`), and the
    /// text that let the first pair through (`/etc`) usually lacks their last.
    fn hold_every_pair_of(&self, word: &str) -> bool {
        word.as_bytes()
            .windows(2)
            .rev()
            .all(|p| self.0[class(p[0])] & (1 << class(p[1])) != 0)
    }

    /// Record every pair of adjacent bytes of `text`.
    pub fn add(&mut self, text: &str) {
        let Some((&first, rest)) = text.as_bytes().split_first() else {
            return;
        };
        let mut a = class(first);
        for &b in rest {
            let b = class(b);
            self.0[a] |= 1 << b;
            a = b;
        }
    }
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
            // Classes fold ASCII case, so this covers every case mix of the two bytes.
            starts[class(w[0])] |= 1 << class(w[1]);
            if w.len() < min_len {
                min_len = w.len();
            }
            i += 1;
        }
        let mut hot = [0u8; 64];
        let mut hot_len = 0;
        let mut a = 0;
        while a < 64 {
            if starts[a] != 0 {
                hot[hot_len] = a as u8;
                hot_len += 1;
            }
            a += 1;
        }
        Needles {
            words,
            starts,
            min_len,
            fold,
            hot,
            hot_len: hot_len as u8,
        }
    }

    /// False when no text recorded in `pairs` can contain a keyword: a text that contains one
    /// holds every pair of adjacent bytes of it (in any case, when folding), so a keyword with
    /// a pair missing from `pairs` is ruled out (`/etc/ld.so.preload` by `ls -la /etc`, which
    /// holds its first pairs). The keywords' first pairs are tested first, all at once. True
    /// says only "maybe".
    pub fn may_occur(&self, pairs: &Pairs) -> bool {
        self.hot[..self.hot_len as usize]
            .iter()
            .any(|&a| self.starts[a as usize] & pairs.0[a as usize] != 0)
            && self.words.iter().any(|w| pairs.hold_every_pair_of(w))
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
            if self.starts[class(pair[0])] & (1 << class(pair[1])) == 0 {
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
        if !self.fold {
            // The standard searcher: a comparison at every position of a 16 KiB script
            // cost ~800 000 instructions per keyword not in it.
            return hay.contains(word);
        }
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

    fn pairs_of(texts: &[&str]) -> Pairs {
        let mut pairs = Pairs::new();
        for t in texts {
            pairs.add(t);
        }
        pairs
    }

    #[test]
    fn may_occur_never_rules_out_a_match() {
        let long = "| /api/v ".repeat(40);
        let noise = ["", "a", "/x/", "é", "::", "kube", long.as_str()];
        for (set, words) in [(&SET, SET.words()), (&FOLDED, FOLDED.words())] {
            for w in words {
                for pre in noise {
                    let upper = w.to_ascii_uppercase();
                    for hay in [format!("{pre}{w}"), format!("{pre}{upper}!")] {
                        if set.any_in(&hay) {
                            // The matching text among others, in either position.
                            assert!(set.may_occur(&pairs_of(&[&hay])), "{hay:?}");
                            assert!(set.may_occur(&pairs_of(&["tar", &hay, "-C"])), "{hay:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn may_occur_rules_out_texts_without_a_keywords_pairs() {
        // Exact set: no `/a`, `ku`, `:1` pair (nor one sharing their table bits).
        let benign = pairs_of(&["tar", "xzf", "-C", "/srv"]);
        assert!(!SET.may_occur(&benign));
        assert!(!FOLDED.may_occur(&benign));
        assert!(!SET.may_occur(&Pairs::new()));
        // A first pair alone is not enough for a "maybe": every pair of a keyword is.
        assert!(!SET.may_occur(&pairs_of(&["tar", "x:1"])));
        assert!(!SET.may_occur(&pairs_of(&["backup.tgz"])), "`ku` alone");
        assert!(!FOLDED.may_occur(&pairs_of(&["ST"])), "only the first pair");
        assert!(FOLDED.may_occur(&pairs_of(&["STRATUM+TCP"])));
        // Every pair of a keyword, each in another text, is still a "maybe".
        assert!(SET.may_occur(&pairs_of(&[":10", "0250/"])));
        // The first pairs of /api/v1/ and :10250/ without the rest.
        assert!(!SET.may_occur(&pairs_of(&["/apx", ":1"])));
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
