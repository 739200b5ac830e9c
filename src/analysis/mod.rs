//! The analysis: detectors over [`ExecFacts`] and [`Lineage`], scored into a [`Verdict`].
//!
//! Pipeline: the shell parser ([`shell`]) turns argv into simple commands once; each detector
//! (one concern, one file under `detectors/`) reads the facts, the parsed command line and the
//! lineage and reports signal hits; scoring turns hits and context into risk and severity.
//! Not here: rendering text (see `report`), FFI, Falco.

use crate::facts::ExecFacts;
use crate::knowledge::{Mitigation, Signal, Tactic, Technique};

pub mod detectors;
pub mod scoring;
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
///
/// The command line is parsed once and shared by every detector; detectors allocate only when
/// they fire.
pub fn analyze(facts: &ExecFacts, lineage: &Lineage) -> Verdict {
    let cmd = shell::parse_exec(&facts.argv);
    let cx = detectors::Ctx::new(facts, lineage, &cmd);
    let mut found = detectors::Findings::default();
    for detect in detectors::DETECTORS {
        detect(&cx, &mut found);
    }
    // Strongest first; the sort is stable, so equal weights keep detector order.
    found
        .hits
        .sort_by_key(|h| std::cmp::Reverse(h.signal.weight));
    let risk = scoring::risk(&cx, &found);
    let category = found
        .hits
        .iter()
        .find(|h| h.signal.weight > 0)
        .or(found.hits.first())
        .map_or("benign", |h| h.signal.category);
    let techniques = scoring::techniques(&found);
    let tactics = scoring::tactics(&techniques);
    let mitigations = scoring::mitigations(&found);
    let summary = crate::report::summary::summary_line(&cx, &found, category);
    let evidence = crate::report::evidence::evidence_lines(&cx, &found);
    Verdict {
        risk,
        severity: scoring::severity_for(risk),
        category,
        test_activity: found.test_activity,
        hits: found.hits,
        techniques,
        tactics,
        mitigations,
        summary,
        evidence,
    }
}
