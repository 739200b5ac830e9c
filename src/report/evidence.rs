//! Evidence lines: one per signal hit, then the notes (what a keyword match does not mean),
//! then context (exe origin read correctly, user, where, lineage, exec result). Escaped,
//! each bounded, and bounded in count.

use super::escape;
use crate::analysis::detectors::{Ctx, Findings};
use crate::facts::ExeFlags;

/// Most evidence lines.
pub const MAX_LINES: usize = 16;
/// Most characters per line.
pub const MAX_LINE: usize = 240;

pub fn evidence_lines(cx: &Ctx, found: &Findings) -> Vec<String> {
    let mut out = Vec::with_capacity(found.hits.len() + found.notes.len() + 4);
    for h in &found.hits {
        out.push(escape(
            &format!("{}: {}", h.signal.id, h.evidence),
            MAX_LINE,
        ));
    }
    for n in &found.notes {
        out.push(escape(&format!("note: {n}"), MAX_LINE));
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
        out.push(escape(
            &format!("exe: {} from {origin}{writable}", cx.exe_path),
            MAX_LINE,
        ));
    }
    let user = match cx.facts.uid {
        Some(0) => "uid 0 (root)".to_string(),
        Some(u) => format!("uid {u}"),
        None => "uid unknown".to_string(),
    };
    let place = match &cx.facts.container {
        Some(c) => super::container_place(c),
        None if cx.facts.cgroups_present => "host".to_string(),
        None => "unknown (no cgroups)".to_string(),
    };
    out.push(escape(
        &format!(
            "where: {place}, as {user}{}",
            if cx.tty { ", with a terminal" } else { "" }
        ),
        MAX_LINE,
    ));
    if cx.lineage.ancestors.is_empty() {
        out.push("lineage: parent unknown".to_string());
    } else {
        let chain: Vec<&str> = cx
            .lineage
            .ancestors
            .iter()
            .take(8)
            .map(|a| a.comm.as_str())
            .collect();
        out.push(escape(&format!("lineage: {}", chain.join(" < ")), MAX_LINE));
    }
    if let Some(r) = cx.facts.res.filter(|r| *r != 0) {
        out.push(format!("exec failed (res={r}): an attempt"));
    }
    out.truncate(MAX_LINES);
    out
}
