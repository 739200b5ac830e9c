//! Evidence lines: one per signal hit, then the notes (what a keyword match does not mean),
//! then context (exe origin read correctly, user, where, lineage, exec result). Escaped,
//! each bounded, and bounded in count.

use std::fmt::Write as _;

use super::escape::escape_into;
use crate::analysis::{Lineage, Verdict};
use crate::facts::{ExeFlags, ExecFacts};

/// Most evidence lines.
pub const MAX_LINES: usize = 16;
/// Most characters per line.
pub const MAX_LINE: usize = 240;

/// Evidence lines, escaped and bounded, kept in one buffer (one allocation per exec instead
/// of one per line). An escaped line holds no raw newline, so lines are `\n`-separated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    text: String,
    count: usize,
}

impl Evidence {
    fn with_capacity(bytes: usize) -> Self {
        Evidence {
            text: String::with_capacity(bytes),
            count: 0,
        }
    }

    /// Begin a new line and return the buffer to write it into.
    fn start_line(&mut self) -> &mut String {
        if self.count > 0 {
            self.text.push('\n');
        }
        self.count += 1;
        &mut self.text
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.into_iter()
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = &'a str;
    type IntoIter = std::iter::Take<std::str::Split<'a, char>>;

    fn into_iter(self) -> Self::IntoIter {
        self.text.split('\n').take(self.count)
    }
}

impl PartialEq<Evidence> for Vec<String> {
    fn eq(&self, other: &Evidence) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl serde::Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

pub fn evidence_lines(facts: &ExecFacts, lineage: &Lineage, v: &Verdict) -> Evidence {
    let exe_path = facts.exe();
    let flag = |bit: u32| facts.exe_flags.is_some_and(|f| f.0 & bit != 0);
    let mut out = Evidence::with_capacity(512);
    // Each line is assembled raw in `line` (reused), then escaped into the buffer as a whole,
    // so the bound and the `…[+N]` marker apply to the full line as before.
    let mut line = String::with_capacity(256);
    for h in &v.hits {
        line.clear();
        line.push_str(h.signal.id);
        line.push_str(": ");
        line.push_str(&h.evidence);
        add(&mut out, &line);
    }
    for n in &v.notes {
        line.clear();
        line.push_str("note: ");
        line.push_str(n);
        add(&mut out, &line);
    }
    if !exe_path.is_empty() {
        let origin = if flag(ExeFlags::FROM_MEMFD) {
            "anonymous memfd (EXE_FROM_MEMFD): fileless"
        } else if flag(ExeFlags::UPPER_LAYER) {
            "container writable layer (EXE_UPPER_LAYER): drift, not in the image"
        } else if flag(ExeFlags::LOWER_LAYER) {
            "image layer (EXE_LOWER_LAYER): shipped in the image, not drift, not tampering"
        } else if facts.exe_flags.is_some() && facts.container.is_some() {
            "not on overlayfs: a volume, bind mount or tmpfs"
        } else {
            "origin not recorded"
        };
        let writable = match (flag(ExeFlags::WRITABLE), facts.uid) {
            (true, Some(0)) => "; EXE_WRITABLE only because it runs as root",
            (true, Some(_)) => "; EXE_WRITABLE: the non-root user could have replaced it",
            _ => "",
        };
        line.clear();
        line.push_str("exe: ");
        line.push_str(exe_path);
        line.push_str(" from ");
        line.push_str(origin);
        line.push_str(writable);
        add(&mut out, &line);
    }
    line.clear();
    line.push_str("where: ");
    match &facts.container {
        Some(c) => line.push_str(&super::container_place(c)),
        None if facts.cgroups_present => line.push_str("host"),
        None => line.push_str("unknown (no cgroups)"),
    }
    match facts.uid {
        Some(0) => line.push_str(", as uid 0 (root)"),
        Some(u) => {
            let _ = write!(line, ", as uid {u}");
        }
        None => line.push_str(", as uid unknown"),
    }
    if facts.interactive() {
        line.push_str(", with a terminal");
    }
    add(&mut out, &line);
    if lineage.ancestors.is_empty() {
        add(&mut out, "lineage: parent unknown");
    } else {
        line.clear();
        line.push_str("lineage: ");
        for (i, a) in lineage.ancestors.iter().take(8).enumerate() {
            if i > 0 {
                line.push_str(" < ");
            }
            line.push_str(&a.comm);
        }
        add(&mut out, &line);
    }
    if let Some(r) = facts.res.filter(|r| *r != 0) {
        if out.len() < MAX_LINES {
            let _ = write!(out.start_line(), "exec failed (res={r}): an attempt");
        }
    }
    out
}

/// Escape one raw line into the evidence, unless the line count is reached.
fn add(out: &mut Evidence, line: &str) {
    if out.len() < MAX_LINES {
        escape_into(out.start_line(), line, MAX_LINE);
    }
}
