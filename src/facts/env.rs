//! The environment of an exec: of the 40-60 variables a real process carries (2-4 KiB), only
//! those the analysis reads are kept. The raw `KEY=VALUE\0` bytes are walked once (the NULs
//! found with `memchr`, many bytes per instruction); an entry is converted to text only when
//! its key is one of [`ENV_KEYS`].
//!
//! [`ENV_KEYS`] is the one list of the variables the analysis may read: `Ctx::env`, the
//! detectors' lookup, checks in debug builds that the key asked for is in it, so a lookup of a
//! variable this walk drops fails every test that reaches it; a unit test below checks every
//! literal lookup in `src/analysis` (including direct `strip_prefix("KEY=")` reads).
//!
//! Not here: what the variables mean (the detectors).

use super::decode::{Refill, KEEP_CAPACITY};

/// The environment variables the analysis reads: the dynamic linker's (LD_PRELOAD,
/// LD_LIBRARY_PATH, GLIBC_TUNABLES), shell history (HISTFILE, HISTSIZE, HISTFILESIZE), the
/// proxies a downloader obeys, and PATH (whether a failed exec was a PATH search).
pub const ENV_KEYS: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "GLIBC_TUNABLES",
    "HISTFILE",
    "HISTSIZE",
    "HISTFILESIZE",
    "PATH",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether the analysis reads the variable `key`.
pub fn is_read(key: &[u8]) -> bool {
    ENV_KEYS.iter().any(|k| k.as_bytes() == key)
}

/// For each byte, the lengths of the keys of [`ENV_KEYS`] that start with it, as a bit set
/// (bit `n`: a key of `n` bytes): most entries are ruled out by their first byte, most of the
/// rest (`HOME`, `LANG`, `LS_COLORS`) by their key's length, before any comparison.
const KEY_SHAPES: [u32; 256] = {
    let mut shapes = [0u32; 256];
    let mut i = 0;
    while i < ENV_KEYS.len() {
        let key = ENV_KEYS[i].as_bytes();
        assert!(
            !key.is_empty() && key.len() < 32,
            "ENV_KEYS: a key of 1-31 bytes"
        );
        shapes[key[0] as usize] |= 1 << key.len();
        i += 1;
    }
    shapes
};

/// Length of the longest key of [`ENV_KEYS`]: an entry whose `=` comes later is not read.
const MAX_KEY: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < ENV_KEYS.len() {
        if ENV_KEYS[i].len() > max {
            max = ENV_KEYS[i].len();
        }
        i += 1;
    }
    max
};

/// Whether the key of `entry` (`KEY=VALUE`) is one the analysis reads.
fn read_key(entry: &[u8]) -> bool {
    let Some(&first) = entry.first() else {
        return false;
    };
    let lengths = KEY_SHAPES[first as usize];
    if lengths == 0 {
        return false;
    }
    let head = &entry[..entry.len().min(MAX_KEY + 1)];
    head.iter()
        .position(|&b| b == b'=')
        .is_some_and(|eq| lengths & 1 << eq != 0 && is_read(&head[..eq]))
}

/// What the walk of an environment found besides the entries kept.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Walked {
    /// Entries walked (all of them unless the limits cut the walk).
    pub walked: usize,
    /// Whether the limits cut the walk or an entry.
    pub truncated: bool,
}

/// Walk the raw `KEY=VALUE\0` entries of `raw`, at most `max_items` entries and `max_bytes`
/// bytes (counted as the whole environment's decode counted them: raw bytes, and the
/// replacement of invalid UTF-8 in the entries kept), and keep in `kept` (its strings'
/// buffers reused) the entries the analysis reads, in order, lossy UTF-8. A missing final NUL
/// (cut by the driver) keeps the last entry.
pub(crate) fn keep_read_into(
    raw: &[u8],
    max_items: usize,
    max_bytes: usize,
    kept: &mut Vec<String>,
) -> Walked {
    let mut walk = Walked::default();
    let mut kept = Refill::new(kept, max_bytes);
    let mut rest = raw.strip_suffix(b"\0").unwrap_or(raw);
    let mut any = !rest.is_empty();
    while any {
        let (entry, next) = match memchr::memchr(0, rest) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if walk.walked >= max_items {
            walk.truncated = true;
            break;
        }
        walk.walked += 1;
        if read_key(entry) {
            // A value cut by the budget is kept in part; a key cut before its `=` is not.
            if !kept.push(entry, |text| text.contains('=')) {
                walk.truncated = true;
                break;
            }
        } else if entry.len() > kept.budget {
            walk.truncated = true;
            break;
        } else {
            kept.budget -= entry.len();
        }
        match next {
            Some(next) => rest = next,
            None => any = false,
        }
    }
    walk
}

/// How many environments [`RecentEnvs`] remembers. On 29 s of recorded ordinary work (6,353
/// execs that ran), the environment of an exec was the previous exec's for 13 % of them, one
/// of the last 2 for 89 %, one of the last 4 for 98 %: a shell's children and a build tool's
/// alternate between two or three environments.
const RECENT_ENVS: usize = 4;

/// The environments of the last few execs walked, with what [`keep_read_into`] kept of each.
/// Most execs carry an environment seen just before (a shell's children, a build tool's), and
/// comparing its bytes with a remembered one costs a tenth of walking them again. Bounded:
/// [`RECENT_ENVS`] environments of at most the walk's byte budget each.
#[derive(Debug, Default)]
pub struct RecentEnvs {
    recent: Vec<RememberedEnv>,
    /// Walks so far: when each remembered environment was last used.
    clock: u64,
}

/// One environment [`RecentEnvs`] remembers: its bytes, the limits it was walked with, what
/// the walk kept and found, and when it was last used.
#[derive(Debug)]
struct RememberedEnv {
    raw: Vec<u8>,
    max_items: usize,
    max_bytes: usize,
    kept: Vec<String>,
    walked: Walked,
    used: u64,
}

impl RecentEnvs {
    /// [`keep_read_into`], answered from a remembered environment with the same bytes and
    /// limits when there is one; an environment walked is remembered in place of the least
    /// recently used when it is within the byte budget.
    pub(crate) fn keep_read_into(
        &mut self,
        raw: &[u8],
        max_items: usize,
        max_bytes: usize,
        kept: &mut Vec<String>,
    ) -> Walked {
        self.clock += 1;
        let same = |r: &&mut RememberedEnv| {
            r.raw.len() == raw.len()
                && (r.max_items, r.max_bytes) == (max_items, max_bytes)
                && r.raw == raw
        };
        if let Some(r) = self.recent.iter_mut().find(same) {
            r.used = self.clock;
            copy_texts(&r.kept, kept);
            return r.walked;
        }
        let walked = keep_read_into(raw, max_items, max_bytes, kept);
        if raw.len() > max_bytes {
            return walked;
        }
        let r = if self.recent.len() < RECENT_ENVS {
            self.recent.push(RememberedEnv {
                raw: Vec::new(),
                max_items,
                max_bytes,
                kept: Vec::new(),
                walked,
                used: 0,
            });
            self.recent.last_mut()
        } else {
            self.recent.iter_mut().min_by_key(|r| r.used)
        };
        if let Some(r) = r {
            r.raw.clear();
            r.raw.extend_from_slice(raw);
            (r.max_items, r.max_bytes, r.walked, r.used) =
                (max_items, max_bytes, walked, self.clock);
            copy_texts(kept, &mut r.kept);
        }
        walked
    }
}

/// Make `to` a copy of `from`, its strings' buffers reused as [`Refill`] reuses them.
fn copy_texts(from: &[String], to: &mut Vec<String>) {
    to.truncate(from.len());
    for (i, text) in from.iter().enumerate() {
        match to.get_mut(i) {
            Some(copy) => {
                if copy.capacity() > KEEP_CAPACITY && text.len() <= KEEP_CAPACITY {
                    *copy = String::new();
                }
                copy.clear();
                copy.push_str(text);
            }
            None => to.push(text.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::decode::{bounded_lossy, split_nul};

    /// What decoding every entry and filtering afterwards would keep.
    /// What [`keep_read_into`] keeps in a fresh list, and what it found.
    fn keep_read(raw: &[u8], max_items: usize, max_bytes: usize) -> (Vec<String>, Walked) {
        let mut kept = Vec::new();
        let walked = keep_read_into(raw, max_items, max_bytes, &mut kept);
        (kept, walked)
    }

    fn reference(raw: &[u8], max_items: usize, max_bytes: usize) -> (Vec<String>, bool) {
        let (all, cut) = bounded_lossy(split_nul(raw), max_items, max_bytes);
        let read = all
            .into_iter()
            .filter(|e| {
                e.split_once('=')
                    .is_some_and(|(k, _)| is_read(k.as_bytes()))
            })
            .collect();
        (read, cut)
    }

    #[test]
    fn keeps_what_decoding_everything_then_filtering_keeps() {
        let env = b"HOME=/root\0PATH=/usr/bin:/bin\0LS_COLORS=rs=0:di=01;34\0LD_PRELOAD=/tmp/x.so\0\0PATHX=1\0PAT=2\0http_proxy=http://p:3128\0=odd\0LD_PRELOAD\0HISTSIZE=0";
        for max_items in [0, 1, 3, 4, 9, 100] {
            for max_bytes in [0, 5, 20, 40, 60, 80, 1000] {
                let (entries, walked) = keep_read(env, max_items, max_bytes);
                let expected = reference(env, max_items, max_bytes);
                assert_eq!(
                    (entries, walked.truncated),
                    expected.clone(),
                    "{max_items} {max_bytes}"
                );
                // A list that held another environment's entries ends the same.
                let mut reused = vec!["LD_PRELOAD=/previous.so".to_string(); 6];
                let again = keep_read_into(env, max_items, max_bytes, &mut reused);
                assert_eq!((reused, again), (expected.0, walked));
            }
        }
        let (entries, walked) = keep_read(env, 100, 1000);
        assert_eq!(walked.walked, 11);
        assert_eq!(
            entries,
            [
                "PATH=/usr/bin:/bin",
                "LD_PRELOAD=/tmp/x.so",
                "http_proxy=http://p:3128",
                "HISTSIZE=0"
            ]
        );
    }

    #[test]
    fn realistic_environments_keep_only_what_is_read() {
        for seed in 0..16 {
            let env = crate::bench_corpus::realistic_env(seed);
            let (entries, walked) = keep_read(&env, 256, 16 * 1024);
            assert!(entries.iter().any(|e| e.starts_with("PATH=")));
            assert_eq!((entries, walked.truncated), reference(&env, 256, 16 * 1024));
            assert!(walked.walked >= 40);
        }
    }

    #[test]
    fn recent_environments_keep_what_a_walk_keeps() {
        let envs: Vec<Vec<u8>> = (0..6)
            .map(crate::bench_corpus::realistic_env)
            .chain([
                b"PATH=/bin\0LD_PRELOAD=/tmp/x.so\0".to_vec(),
                b"PATH=/bin\0LD_PRELOAD=/tmp/y.so\0".to_vec(),
                Vec::new(),
            ])
            .collect();
        let mut recent = RecentEnvs::default();
        let mut kept = vec!["LD_PRELOAD=/previous.so".to_string(); 3];
        let mut hits = 0;
        // Environments in turn, again and again, under two sets of limits: every answer is
        // the walk's, whether remembered or not.
        for round in 0..40 {
            let env = &envs[(round * 7 + round / 5) % envs.len()];
            let (max_items, max_bytes) = if round % 3 == 0 {
                (3, 60)
            } else {
                (256, 16 * 1024)
            };
            let clock = recent.clock;
            let remembered = recent
                .recent
                .iter()
                .any(|r| r.raw == *env && (r.max_items, r.max_bytes) == (max_items, max_bytes));
            let walked = recent.keep_read_into(env, max_items, max_bytes, &mut kept);
            assert_eq!(
                (kept.clone(), walked),
                keep_read(env, max_items, max_bytes),
                "{round}"
            );
            assert!(recent.recent.len() <= RECENT_ENVS);
            assert_eq!(recent.clock, clock + 1);
            hits += usize::from(remembered);
        }
        assert!(hits >= 10, "{hits} answers from remembered environments");
        // An environment over the byte budget is walked, not remembered.
        let big = [b"A=".as_slice(), &[b'x'; 100]].concat();
        let mut fresh = RecentEnvs::default();
        fresh.keep_read_into(&big, 256, 50, &mut kept);
        assert!(fresh.recent.is_empty());
    }

    #[test]
    fn every_key_the_detectors_name_is_kept() {
        // Ctx::env checks this at run time in debug builds; this checks the literal lookups
        // of the analysis sources, so a lookup no test reaches is caught too.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analysis");
        let mut files = vec![dir.join("mod.rs")];
        for entry in std::fs::read_dir(dir.join("detectors")).expect("detectors") {
            files.push(entry.expect("entry").path());
        }
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for pattern in ["env(\"", "strip_prefix(\""] {
                for (i, _) in text.match_indices(pattern) {
                    let rest = &text[i + pattern.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let lit = &rest[..end];
                    let key = match pattern {
                        "env(\"" => lit,
                        // Only a strip_prefix of a whole `KEY=` reads the environment.
                        _ => match lit.strip_suffix('=') {
                            Some(k)
                                if k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                                    && !k.is_empty() =>
                            {
                                k
                            }
                            _ => continue,
                        },
                    };
                    assert!(
                        is_read(key.as_bytes()),
                        "{}: {key} is not in ENV_KEYS",
                        file.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(
            seen >= 8,
            "{seen} lookups found: the pattern no longer matches the sources"
        );
    }
}
