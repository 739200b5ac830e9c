//! Rendering a verdict: escaping attacker text, the summary line, evidence, JSON, text.
//!
//! Every attacker-controlled string (argv, env, paths, comms) goes through [`escape`] before it
//! reaches a summary, an evidence line, JSON or text. Not here: judging anything.

use crate::analysis::{Lineage, Verdict};
use crate::facts::{ContainerInfo, ContainerRuntime, ExecFacts};

pub mod escape;
pub mod evidence;
pub mod json_report;
mod json_string;
pub mod summary;
pub mod text_report;

pub use escape::escape;
pub use evidence::Evidence;

/// The text of a verdict: the one-line summary and the evidence lines, escaped and bounded.
/// Rendered on demand, apart from the analysis: a benign exec that no rule alerts on never
/// needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// At most [`summary::MAX_SUMMARY`] characters.
    pub summary: String,
    /// At most [`evidence::MAX_LINES`] lines of [`evidence::MAX_LINE`] characters.
    pub evidence: Evidence,
}

/// Render the summary and evidence of `verdict`, the judgement of `facts` and `lineage`.
pub fn render(facts: &ExecFacts, lineage: &Lineage, verdict: &Verdict) -> Rendered {
    Rendered {
        summary: summary::summary_line(facts, lineage, verdict),
        evidence: evidence::evidence_lines(facts, lineage, verdict),
    }
}

/// `container 1d45a96b1daa`, or `a container (id unknown)` when the caller knew only that.
pub(crate) fn container_label(c: &ContainerInfo) -> String {
    if c.short_id.is_empty() {
        "a container (id unknown)".to_string()
    } else {
        format!("container {}", escape(&c.short_id, 16))
    }
}

/// [`container_label`] with the runtime when known: `container 1d45a96b1daa (docker)`.
pub(crate) fn container_place(c: &ContainerInfo) -> String {
    match c.runtime {
        ContainerRuntime::Unknown => container_label(c),
        r => format!("{} ({})", container_label(c), r.as_str()),
    }
}

/// The `triage.report` object: risk, severity, category, signals, mitre {techniques,
/// tactics}, summary, mitigations, evidence, test_activity, facts, lineage.
pub fn json_report(
    facts: &ExecFacts,
    lineage: &Lineage,
    verdict: &Verdict,
    text: &Rendered,
) -> serde_json::Value {
    json_report::render(facts, lineage, verdict, text)
}

/// The human report: summary, incident details, why it matters, ATT&CK, mitigations with
/// Docker and Kubernetes forms, references.
pub fn text_report(
    facts: &ExecFacts,
    lineage: &Lineage,
    verdict: &Verdict,
    text: &Rendered,
) -> String {
    text_report::render(facts, lineage, verdict, text)
}
