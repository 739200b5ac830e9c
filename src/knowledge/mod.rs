//! Typed access to the knowledge tables that `build.rs` generates from `data/*.toml`.
//!
//! Nothing is parsed at run time: the tables are `static` and checked at build time.

/// An ATT&CK tactic.
#[derive(Debug, PartialEq, Eq)]
pub struct Tactic {
    /// `TA0002`
    pub id: &'static str,
    /// `Execution`
    pub name: &'static str,
    /// Falco tag spelling: `mitre_execution`.
    pub falco_tag: &'static str,
}

/// An ATT&CK technique or sub-technique.
#[derive(Debug, PartialEq, Eq)]
pub struct Technique {
    /// `T1059.004`
    pub id: &'static str,
    pub name: &'static str,
    pub tactics: &'static [&'static Tactic],
}

/// A concrete, true mitigation.
#[derive(Debug, PartialEq, Eq)]
pub struct Mitigation {
    pub id: &'static str,
    pub text: &'static str,
    /// The Docker form (`docker run --cap-drop ALL ...`), if any.
    pub docker: Option<&'static str>,
    /// The Kubernetes form (a securityContext field, a NetworkPolicy...), if any.
    pub kubernetes: Option<&'static str>,
    /// Where it is documented.
    pub source: &'static str,
}

/// A detection signal, in the Sigma metadata shape.
#[derive(Debug, PartialEq, Eq)]
pub struct Signal {
    /// Stable id, snake_case: `netcat_exec_option`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The dominant-finding category it belongs to (`reverse_shell`...).
    pub category: &'static str,
    /// Sigma level: informational, low, medium, high, critical.
    pub level: &'static str,
    /// Contribution to risk, 0..=100.
    pub weight: u8,
    /// Sigma spelling: `attack.t1059.004`, `attack.execution`.
    pub tags: &'static [&'static str],
    pub techniques: &'static [&'static Technique],
    pub falsepositives: &'static [&'static str],
    pub references: &'static [&'static str],
    pub mitigations: &'static [&'static Mitigation],
}
