//! Rendering a verdict: escaping attacker text, the summary line, evidence, JSON, text.
//!
//! Every attacker-controlled string (argv, env, paths, comms) goes through [`escape`] before it
//! reaches a summary, an evidence line, JSON or text. Not here: judging anything.

use crate::analysis::{Lineage, Verdict};
use crate::facts::ExecFacts;

pub mod escape;
pub mod evidence;
pub mod json_report;
pub mod summary;
pub mod text_report;

pub use escape::escape;

/// The `triage.report` object: risk, severity, category, signals, mitre {techniques,
/// tactics}, summary, mitigations, evidence, test_activity, facts, lineage.
pub fn json_report(facts: &ExecFacts, lineage: &Lineage, verdict: &Verdict) -> serde_json::Value {
    json_report::render(facts, lineage, verdict)
}

/// The human report: summary, incident details, why it matters, ATT&CK, mitigations with
/// Docker and Kubernetes forms, references.
pub fn text_report(facts: &ExecFacts, lineage: &Lineage, verdict: &Verdict) -> String {
    text_report::render(facts, lineage, verdict)
}
