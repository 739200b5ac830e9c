//! The sets a detector's `wants` test checks against what [`super::Ctx`] summarised of the
//! exec, so that a detector with nothing to look at is never entered.
//!
//! Why: running all detectors on every exec executed ~30 KiB of detector code per exec,
//! mostly to find nothing, and that code did not fit the instruction cache
//! (docs/performance.md, "Where the time goes"). The sets only rule things out: a false
//! "maybe" costs one detector run, never a missed finding. Debug builds check that on every
//! analysis ([`super::run_all`]).

use crate::knowledge::ToolClass;

/// Program names, as a 128-bit filter of their hashes (one bit per name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgramSet(u128);

impl ProgramSet {
    pub const fn of(names: &[&str]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < names.len() {
            bits |= name_bit(names[i].as_bytes());
            i += 1;
        }
        ProgramSet(bits)
    }

    pub const fn union(self, other: ProgramSet) -> Self {
        ProgramSet(self.0 | other.0)
    }

    pub fn add(&mut self, name: &str) {
        self.0 |= name_bit(name.as_bytes());
    }

    /// False only when no name of `self` is in `wanted`; true means "maybe" (two names can
    /// share a bit).
    pub fn may_hold_any(self, wanted: ProgramSet) -> bool {
        self.0 & wanted.0 != 0
    }
}

/// FNV-1a of the name, folded to one of 128 bits.
const fn name_bit(name: &[u8]) -> u128 {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < name.len() {
        h ^= name[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    1 << (h % 128)
}

/// Tool classes, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassSet(u32);

impl ClassSet {
    pub const fn of(classes: &[ToolClass]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < classes.len() {
            bits |= 1 << classes[i] as u32;
            i += 1;
        }
        ClassSet(bits)
    }

    pub fn add(&mut self, class: Option<ToolClass>) {
        if let Some(c) = class {
            self.0 |= 1 << c as u32;
        }
    }

    pub fn holds_any(self, wanted: ClassSet) -> bool {
        self.0 & wanted.0 != 0
    }
}

/// Environment variable names, in the layout of the filter [`super::Ctx`] keeps of the
/// exec's environment (first byte and length).
#[derive(Debug, Clone, Copy)]
pub struct EnvNames(pub(super) u64);

impl EnvNames {
    pub const fn of(names: &[&str]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < names.len() {
            bits |= env_key_bit(names[i].as_bytes());
            i += 1;
        }
        EnvNames(bits)
    }
}

/// A 64-bit filter position of an environment variable name: its first byte and length.
pub(super) const fn env_key_bit(key: &[u8]) -> u64 {
    let first = if key.is_empty() { 0 } else { key[0] as u64 };
    1 << ((first.wrapping_mul(7) + key.len() as u64) & 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_what_was_added() {
        let wanted = ProgramSet::of(&["rm", "shred", "mkfs"]);
        for name in ["rm", "shred", "mkfs"] {
            let mut seen = ProgramSet::default();
            seen.add(name);
            assert!(seen.may_hold_any(wanted), "{name}");
        }
        assert!(!ProgramSet::default().may_hold_any(wanted));
        let mut classes = ClassSet::default();
        classes.add(Some(ToolClass::Netcat));
        assert!(classes.holds_any(ClassSet::of(&[ToolClass::Shell, ToolClass::Netcat])));
        assert!(!classes.holds_any(ClassSet::of(&[ToolClass::Shell])));
    }

    #[test]
    fn names_spread_over_the_filter() {
        // Most program names must land on bits the detectors' sets do not use, or the
        // filter rules nothing out.
        let names = [
            "java",
            "ls",
            "ps",
            "git",
            "nginx",
            "apt-get",
            "logrotate",
            "python3",
            "node",
            "cat",
            "grep",
            "curl",
            "sh",
            "bash",
            "tar",
            "gzip",
            "find",
            "date",
            "sleep",
            "mkdir",
        ];
        let bits: std::collections::HashSet<u32> = names
            .iter()
            .map(|n| name_bit(n.as_bytes()).trailing_zeros())
            .collect();
        assert!(
            bits.len() >= 17,
            "{} distinct bits for 20 names",
            bits.len()
        );
    }
}
