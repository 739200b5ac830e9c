//! Rendering a verdict: escaping attacker text, the summary line, evidence, JSON, text.

use crate::analysis::{Lineage, Verdict};
use crate::facts::ExecFacts;

/// Neutralise control characters (C0, DEL, C1, ANSI escapes, newlines) and bound to
/// `max_chars` characters, marking a cut. Every attacker-controlled string goes through this
/// before it reaches a summary, evidence, a log line or JSON.
// CONTRACT STUB: replaced by the real implementation.
pub fn escape(s: &str, max_chars: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}

/// The `triage.report` object: risk, severity, category, signals, mitre {techniques,
/// tactics}, summary, mitigations, evidence, test_activity, facts, lineage.
// CONTRACT STUB: replaced by the real implementation.
pub fn json_report(facts: &ExecFacts, lineage: &Lineage, verdict: &Verdict) -> serde_json::Value {
    let _ = (facts, lineage);
    serde_json::json!({ "risk": verdict.risk, "severity": verdict.severity.as_str(), "summary": verdict.summary })
}

/// The human report: summary, incident details, why it matters, ATT&CK, mitigations with
/// Docker and Kubernetes forms, references.
// CONTRACT STUB: replaced by the real implementation.
pub fn text_report(facts: &ExecFacts, lineage: &Lineage, verdict: &Verdict) -> String {
    let _ = (facts, lineage);
    format!("{}\n", verdict.summary)
}
