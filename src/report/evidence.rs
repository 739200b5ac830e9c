//! Evidence lines: one per signal hit, then the notes (what a keyword match does not mean),
//! then context (exe origin read correctly, user, where, lineage, exec result). Escaped,
//! each bounded, and bounded in count.

use std::fmt::Write as _;

use super::escape::escape_into;
use crate::analysis::detectors::{Ctx, Findings};
use crate::analysis::Evidence;
use crate::facts::ExeFlags;

/// Most evidence lines.
pub const MAX_LINES: usize = 16;
/// Most characters per line.
pub const MAX_LINE: usize = 240;

pub fn evidence_lines(cx: &Ctx, found: &Findings) -> Evidence {
    let mut out = Evidence::default();
    // Each line is assembled raw in `line` (reused), then escaped into the buffer as a whole,
    // so the bound and the `…[+N]` marker apply to the full line as before.
    let mut line = String::new();
    for h in &found.hits {
        line.clear();
        line.push_str(h.signal.id);
        line.push_str(": ");
        line.push_str(&h.evidence);
        add(&mut out, &line);
    }
    for n in &found.notes {
        line.clear();
        line.push_str("note: ");
        line.push_str(n);
        add(&mut out, &line);
    }
    if !cx.exe_path.is_empty() {
        let origin = if cx.flag(ExeFlags::FROM_MEMFD) {
            "anonymous memfd (EXE_FROM_MEMFD): fileless"
        } else if cx.flag(ExeFlags::UPPER_LAYER) {
            "container writable layer (EXE_UPPER_LAYER): drift, not in the image"
        } else if cx.flag(ExeFlags::LOWER_LAYER) {
            "image layer (EXE_LOWER_LAYER): shipped in the image, not drift, not tampering"
        } else if cx.facts.exe_flags.is_some() && cx.in_container {
            "not on overlayfs: a volume, bind mount or tmpfs"
        } else {
            "origin not recorded"
        };
        let writable = match (cx.flag(ExeFlags::WRITABLE), cx.facts.uid) {
            (true, Some(0)) => "; EXE_WRITABLE only because it runs as root",
            (true, Some(_)) => "; EXE_WRITABLE: the non-root user could have replaced it",
            _ => "",
        };
        line.clear();
        line.push_str("exe: ");
        line.push_str(cx.exe_path);
        line.push_str(" from ");
        line.push_str(origin);
        line.push_str(writable);
        add(&mut out, &line);
    }
    line.clear();
    line.push_str("where: ");
    match &cx.facts.container {
        Some(c) => line.push_str(&super::container_place(c)),
        None if cx.facts.cgroups_present => line.push_str("host"),
        None => line.push_str("unknown (no cgroups)"),
    }
    match cx.facts.uid {
        Some(0) => line.push_str(", as uid 0 (root)"),
        Some(u) => {
            let _ = write!(line, ", as uid {u}");
        }
        None => line.push_str(", as uid unknown"),
    }
    if cx.tty {
        line.push_str(", with a terminal");
    }
    add(&mut out, &line);
    if cx.lineage.ancestors.is_empty() {
        add(&mut out, "lineage: parent unknown");
    } else {
        line.clear();
        line.push_str("lineage: ");
        for (i, a) in cx.lineage.ancestors.iter().take(8).enumerate() {
            if i > 0 {
                line.push_str(" < ");
            }
            line.push_str(&a.comm);
        }
        add(&mut out, &line);
    }
    if let Some(r) = cx.facts.res.filter(|r| *r != 0) {
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
