//! The analysis: detectors over [`ExecFacts`] and [`Lineage`], scored into a [`Verdict`].
//!
//! Pipeline: the shell parser ([`shell`]) turns argv into simple commands once; each detector
//! (one concern, one file under `detectors/`) reads the facts, the parsed command line and the
//! lineage and reports signal hits; scoring turns hits and context into risk and severity.
//! Not here: rendering text (see `report`), FFI, Falco.

use crate::facts::ExecFacts;
use crate::knowledge::{Mitigation, Signal, Tactic, Technique};

pub mod shell;

/// One ancestor of the exec'ing process, as far as the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ancestor {
    pub comm: String,
    pub exe: Option<String>,
    /// argv[1..] when known.
    pub args: Vec<String>,
}

/// The parent chain, nearest first. Empty `ancestors` with `known == false` means "parent
/// unknown" (process gone, capture started late, no thread table).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lineage {
    pub ancestors: Vec<Ancestor>,
    pub known: bool,
}

impl Lineage {
    /// Lineage from comms only, nearest first (command line `--parent`, `proc.aname[N]`).
    pub fn from_comms<I: IntoIterator<Item = S>, S: Into<String>>(comms: I) -> Self {
        let ancestors: Vec<Ancestor> = comms
            .into_iter()
            .map(|c| Ancestor {
                comm: c.into(),
                ..Default::default()
            })
            .collect();
        let known = !ancestors.is_empty();
        Lineage { ancestors, known }
    }

    pub fn parent(&self) -> Option<&Ancestor> {
        self.ancestors.first()
    }
}

/// Falco priority names, most severe first. `Ord`: Emergency > ... > Debug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Debug,
    Informational,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

impl Severity {
    /// The Falco priority name, lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Debug => "debug",
            Severity::Informational => "informational",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
            Severity::Alert => "alert",
            Severity::Emergency => "emergency",
        }
    }
}

/// One signal that fired, with the evidence that made it fire (raw text: escape when echoing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalHit {
    pub signal: &'static Signal,
    pub evidence: String,
}

/// The judgement of one exec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// 0..=100. Contract: risk >= 50 exactly when severity >= Warning.
    pub risk: u8,
    pub severity: Severity,
    /// Id of the dominant finding (`reverse_shell`, `benign`, ...).
    pub category: &'static str,
    /// Signals that fired, strongest first.
    pub hits: Vec<SignalHit>,
    /// ATT&CK techniques of the hits, deduplicated, in hit order.
    pub techniques: Vec<&'static Technique>,
    pub tactics: Vec<&'static Tactic>,
    /// At most 5, most effective first.
    pub mitigations: Vec<&'static Mitigation>,
    /// The one-line summary, escaped and bounded (<= 300 chars).
    pub summary: String,
    /// Evidence lines, escaped and bounded.
    pub evidence: Vec<String>,
    pub test_activity: bool,
}

/// Judge one exec. Pure and deterministic: the same facts and lineage give the same verdict.
// CONTRACT STUB: replaced by the real pipeline (detectors, scoring).
pub fn analyze(facts: &ExecFacts, lineage: &Lineage) -> Verdict {
    let _ = (facts, lineage);
    Verdict {
        risk: 0,
        severity: Severity::Informational,
        category: "benign",
        hits: Vec::new(),
        techniques: Vec::new(),
        tactics: Vec::new(),
        mitigations: Vec::new(),
        summary: String::new(),
        evidence: Vec::new(),
        test_activity: false,
    }
}
