//! `falco-triage catalog`: the knowledge tables (signals, their techniques and mitigations)
//! printed for review, as text or JSON.
//!
//! Not here: the tables themselves. They are generated from `data/*.toml` by the knowledge
//! module; this only renders what [`knowledge_signals`] returns.

use crate::knowledge::{Mitigation, Signal};
use serde_json::{json, Value};

/// Every signal the analysis knows, in table order.
pub fn knowledge_signals() -> Vec<&'static Signal> {
    crate::knowledge::SIGNALS.iter().collect()
}

/// The mitigations the signals reference, deduplicated by id, in first-seen order.
pub fn mitigations_of(signals: &[&'static Signal]) -> Vec<&'static Mitigation> {
    let mut out: Vec<&'static Mitigation> = Vec::new();
    for m in signals.iter().flat_map(|s| s.mitigations.iter().copied()) {
        if !out.iter().any(|o| o.id == m.id) {
            out.push(m);
        }
    }
    out
}

/// The catalog as one JSON document: `{signals: [...], mitigations: [...]}`.
pub fn catalog_json(signals: &[&'static Signal]) -> Value {
    let sigs: Vec<Value> = signals
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.title,
                "description": s.description,
                "category": s.category,
                "level": s.level,
                "weight": s.weight,
                "tags": s.tags,
                "techniques": s.techniques.iter().map(|t| t.id).collect::<Vec<_>>(),
                "falsepositives": s.falsepositives,
                "references": s.references,
                "mitigations": s.mitigations.iter().map(|m| m.id).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mits: Vec<Value> = mitigations_of(signals)
        .iter()
        .map(|m| json!({"id": m.id, "text": m.text, "docker": m.docker, "kubernetes": m.kubernetes, "source": m.source}))
        .collect();
    json!({ "signals": sigs, "mitigations": mits })
}

/// The catalog for people: one block per signal, then the mitigations with their forms.
pub fn catalog_text(signals: &[&'static Signal]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if signals.is_empty() {
        out.push_str("No signals in this build.\n");
        return out;
    }
    let _ = writeln!(out, "SIGNALS ({})\n", signals.len());
    for s in signals {
        let techniques: Vec<&str> = s.techniques.iter().map(|t| t.id).collect();
        let mitigations: Vec<&str> = s.mitigations.iter().map(|m| m.id).collect();
        let _ = writeln!(out, "{} [{}] {}", s.id, s.level, s.title);
        let _ = writeln!(out, "  techniques:  {}", techniques.join(", "));
        let _ = writeln!(out, "  mitigations: {}", mitigations.join(", "));
    }
    let mits = mitigations_of(signals);
    let _ = writeln!(out, "\nMITIGATIONS ({})\n", mits.len());
    for m in mits {
        let _ = writeln!(out, "{}: {}", m.id, m.text);
        if let Some(d) = m.docker {
            let _ = writeln!(out, "  docker:     {d}");
        }
        if let Some(k) = m.kubernetes {
            let _ = writeln!(out, "  kubernetes: {k}");
        }
        let _ = writeln!(out, "  source:     {}", m.source);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Tactic, Technique};

    static EXECUTION: Tactic = Tactic {
        id: "TA0002",
        name: "Execution",
        falco_tag: "mitre_execution",
    };
    static UNIX_SHELL: Technique = Technique {
        id: "T1059.004",
        name: "Unix Shell",
        tactics: &[&EXECUTION],
    };
    static NON_ROOT: Mitigation = Mitigation {
        id: "run_as_non_root",
        text: "Run the container as a non-root user",
        docker: Some("docker run --user 10001:10001 ..."),
        kubernetes: Some("securityContext.runAsNonRoot: true"),
        source: "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        report_json: "{}",
    };
    static SIG: Signal = Signal {
        id: "test_signal",
        title: "A test signal",
        description: "d",
        category: "reverse_shell",
        level: "high",
        weight: 60,
        tags: &["attack.execution", "attack.t1059.004"],
        techniques: &[&UNIX_SHELL],
        falsepositives: &[],
        references: &[],
        mitigations: &[&NON_ROOT, &NON_ROOT],
        report_members: "",
    };

    #[test]
    fn renders_signals_and_deduplicated_mitigations() {
        let signals = [&SIG];
        let v = catalog_json(&signals);
        assert_eq!(v["signals"][0]["techniques"][0], "T1059.004");
        assert_eq!(v["mitigations"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            v["mitigations"][0]["kubernetes"],
            "securityContext.runAsNonRoot: true"
        );
        let t = catalog_text(&signals);
        assert!(t.contains("test_signal [high] A test signal"));
        assert!(t.contains("docker:     docker run --user"));
    }
}
