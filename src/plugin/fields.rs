//! The `triage.*` fields: one small extractor each, all reading the cached triage of the
//! current event through [`TriagePlugin::with_triage`] or, for a field that reads more than
//! the verdict, `with_triage_needing` (which runs the guard and the cache).
//!
//! Not here: any analysis. Every value is computed by the core; extractors only pick and
//! convert. Attacker text is escaped before it becomes a field value.

use super::cache::Triaged;
use super::{Needs, TriagePlugin};
use crate::report;
use falco_plugin::anyhow::Result;
use falco_plugin::extract::{field, ExtractFieldInfo, ExtractRequest};
use std::ffi::CString;

/// Comm is 16 bytes in the kernel; a little slack for escapes.
const MAX_COMM_CHARS: usize = 64;

/// The field table Falco sees (`plugin_get_fields`).
pub const FIELDS: &[ExtractFieldInfo<TriagePlugin>] = &[
    // Facts.
    field("triage.exe_origin", &TriagePlugin::extract_exe_origin)
        .with_display("Executable origin")
        .with_description("Where the executable came from, from the exec flags: image (shipped in an image layer), drift (created or changed in the container's writable layer), memfd (fileless), host (not on overlayfs). Absent on captures without exe flags."),
    field("triage.exe_flags", &TriagePlugin::extract_exe_flags)
        .with_display("Executable flags")
        .with_description("The exec flags by name (EXE_WRITABLE, EXE_UPPER_LAYER, EXE_FROM_MEMFD, EXE_LOWER_LAYER); unknown bits as hex."),
    field("triage.in_container", &TriagePlugin::extract_in_container)
        .with_display("In container")
        .with_description("Whether the exec's cgroups place it in a container. Absent when the event has no cgroups."),
    field("triage.container_runtime", &TriagePlugin::extract_container_runtime)
        .with_display("Container runtime")
        .with_description("Container runtime recognised from the cgroup path: docker, containerd, cri-o, podman, or kubepods (a pod whose runtime the path does not name)."),
    field("triage.container_id", &TriagePlugin::extract_container_id)
        .with_display("Container id")
        .with_description("Short (12 hex) container id: the thread table's container_id from the official container plugin when it is loaded before triage, else parsed from the exec's cgroups. Absent on the host."),
    field("triage.caps_dangerous", &TriagePlugin::extract_caps_dangerous)
        .with_display("Dangerous capabilities")
        .with_description("Capabilities in the effective set that reach beyond Docker's default set (CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_NET_ADMIN, CAP_BPF...)."),
    field("triage.privileged", &TriagePlugin::extract_privileged)
        .with_display("Privileged")
        .with_description("Whether the effective capability set is full, as a --privileged container's is. Absent without capability data."),
    field("triage.interactive", &TriagePlugin::extract_interactive)
        .with_display("Interactive")
        .with_description("Whether the process has a controlling terminal."),
    // Analysis.
    field("triage.risk", &TriagePlugin::extract_risk)
        .with_display("Risk")
        .with_description("Risk of this exec, 0 to 100; 50 and above means Falco priority warning or higher.")
        .add_output(),
    field("triage.severity", &TriagePlugin::extract_severity)
        .with_display("Severity")
        .with_description("Suggested Falco priority for this exec (debug ... emergency).")
        .add_output(),
    field("triage.category", &TriagePlugin::extract_category)
        .with_display("Category")
        .with_description("The dominant finding, e.g. reverse_shell, drift, recon, benign."),
    field("triage.signals", &TriagePlugin::extract_signals)
        .with_display("Signals")
        .with_description("Ids of the detection signals that fired, strongest first (see `falco-triage catalog`)."),
    field("triage.mitre.techniques", &TriagePlugin::extract_techniques)
        .with_display("ATT&CK techniques")
        .with_description("MITRE ATT&CK technique ids of the signals that fired, e.g. T1059.004."),
    field("triage.mitre.tactics", &TriagePlugin::extract_tactics)
        .with_display("ATT&CK tactics")
        .with_description("MITRE ATT&CK tactic ids of those techniques, e.g. TA0002."),
    field("triage.summary", &TriagePlugin::extract_summary)
        .with_display("Triage summary")
        .with_description("One line: what ran, why it matters and the strongest evidence (escaped, at most 300 characters).")
        .add_output(),
    field("triage.mitigation", &TriagePlugin::extract_mitigation)
        .with_display("Top mitigation")
        .with_description("The most effective mitigation hint for this exec, if any."),
    field("triage.mitigations", &TriagePlugin::extract_mitigations)
        .with_display("Mitigations")
        .with_description("Up to five mitigation hints, most effective first."),
    field("triage.evidence", &TriagePlugin::extract_evidence)
        .with_display("Evidence")
        .with_description("Evidence lines behind the verdict (escaped, bounded)."),
    field("triage.test_activity", &TriagePlugin::extract_test_activity)
        .with_display("Test activity")
        .with_description("Whether this looks like synthetic test activity (e.g. falcosecurity/event-generator)."),
    field("triage.repeat_of_parent", &TriagePlugin::extract_repeat_of_parent)
        .with_display("Repeat of parent")
        .with_description("The parent, or an earlier image of the same process, ran the same command (a wrapper or shim re-exec such as timeout, env or a pyenv shim) and judged it at least as risky: its alert already carries this finding. Computed for risk 50 and above."),
    field("triage.report", &TriagePlugin::extract_report)
        .with_display("Triage report")
        .with_description("The whole triage as one compact JSON object: risk, severity, category, signals, mitre, summary, mitigations, evidence, facts, lineage."),
    // Lineage.
    field("triage.lineage", &TriagePlugin::extract_lineage)
        .with_display("Lineage")
        .with_description("Process ancestry from the thread table, oldest first, ending with the process itself, e.g. `containerd-shim > sh > nc`. Absent when no parent is known."),
    field("triage.ancestors", &TriagePlugin::extract_ancestors)
        .with_display("Ancestors")
        .with_description("Names (comm) of the known ancestors, nearest first."),
];

/// A C string from text that may hold NUL bytes (they are dropped: C strings cannot carry them).
pub(crate) fn cstring(s: impl Into<Vec<u8>>) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|b| *b != 0);
        CString::new(bytes).unwrap_or_default()
    })
}

fn cstrings<I: IntoIterator<Item = S>, S: Into<Vec<u8>>>(items: I) -> Vec<CString> {
    items.into_iter().map(cstring).collect()
}

type Req<'c, 'e, 'r, 't> = ExtractRequest<'c, 'e, 'r, 't, TriagePlugin>;

/// Extractors: each a one-liner over [`Triaged`].
impl TriagePlugin {
    fn extract_exe_origin(&mut self, req: Req) -> Result<Option<CString>> {
        self.with_triage_needing(&req, Needs::Facts, |t| {
            Ok(t.facts().exe_origin().map(|o| cstring(o.as_str())))
        })
    }

    fn extract_exe_flags(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage_needing(&req, Needs::Facts, |t| {
            Ok(cstrings(t.facts().exe_flag_names()))
        })
    }

    fn extract_in_container(&mut self, req: Req) -> Result<Option<bool>> {
        self.with_triage_needing(&req, Needs::Facts, |t| Ok(t.facts().in_container()))
    }

    fn extract_container_runtime(&mut self, req: Req) -> Result<Option<CString>> {
        self.with_triage_needing(&req, Needs::Facts, |t| {
            Ok(t.facts()
                .container
                .as_ref()
                .map(|c| cstring(c.runtime.as_str())))
        })
    }

    fn extract_container_id(&mut self, req: Req) -> Result<Option<CString>> {
        self.with_triage_needing(&req, Needs::ContainerId, |t| {
            Ok(container_id(t).map(cstring))
        })
    }

    fn extract_caps_dangerous(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage_needing(&req, Needs::Facts, |t| {
            Ok(cstrings(t.facts().dangerous_caps()))
        })
    }

    fn extract_privileged(&mut self, req: Req) -> Result<Option<bool>> {
        self.with_triage_needing(&req, Needs::Facts, |t| Ok(t.facts().privileged()))
    }

    fn extract_interactive(&mut self, req: Req) -> Result<bool> {
        self.with_triage_needing(&req, Needs::Facts, |t| Ok(t.facts().interactive()))
    }

    fn extract_risk(&mut self, req: Req) -> Result<u64> {
        self.with_triage(&req, |t| Ok(u64::from(t.verdict.risk)))
    }

    fn extract_severity(&mut self, req: Req) -> Result<CString> {
        self.with_triage(&req, |t| Ok(cstring(t.verdict.severity.as_str())))
    }

    fn extract_category(&mut self, req: Req) -> Result<CString> {
        self.with_triage(&req, |t| Ok(cstring(t.verdict.category)))
    }

    fn extract_signals(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage(&req, |t| {
            Ok(cstrings(t.verdict.hits.iter().map(|h| h.signal.id)))
        })
    }

    fn extract_techniques(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage(&req, |t| {
            Ok(cstrings(t.verdict.techniques.iter().map(|x| x.id)))
        })
    }

    fn extract_tactics(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage(&req, |t| {
            Ok(cstrings(t.verdict.tactics.iter().map(|x| x.id)))
        })
    }

    fn extract_summary(&mut self, req: Req) -> Result<CString> {
        self.with_triage_needing(&req, Needs::WholeExec, |t| {
            Ok(cstring(t.text().summary.as_str()))
        })
    }

    fn extract_mitigation(&mut self, req: Req) -> Result<Option<CString>> {
        self.with_triage(&req, |t| {
            Ok(t.verdict.mitigations.first().map(|m| cstring(m.text)))
        })
    }

    fn extract_mitigations(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage(&req, |t| {
            Ok(cstrings(t.verdict.mitigations.iter().map(|m| m.text)))
        })
    }

    fn extract_evidence(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage_needing(&req, Needs::WholeExec, |t| {
            Ok(cstrings(t.text().evidence.iter()))
        })
    }

    fn extract_test_activity(&mut self, req: Req) -> Result<bool> {
        self.with_triage(&req, |t| Ok(t.verdict.test_activity))
    }

    fn extract_repeat_of_parent(&mut self, req: Req) -> Result<bool> {
        self.with_triage(&req, |t| Ok(t.verdict.repeat_of_parent))
    }

    fn extract_report(&mut self, req: Req) -> Result<CString> {
        self.with_triage_needing(&req, Needs::WholeExec, |t| Ok(t.report_json().clone()))
    }

    fn extract_lineage(&mut self, req: Req) -> Result<Option<CString>> {
        self.with_triage_needing(&req, Needs::WholeExec, |t| {
            if !t.lineage().known {
                return Ok(None);
            }
            let own = t
                .facts()
                .comm
                .as_deref()
                .or(t.facts().executable_name())
                .unwrap_or("?");
            let chain: Vec<String> = t
                .lineage()
                .ancestors
                .iter()
                .rev()
                .map(|a| a.comm.as_str())
                .chain(std::iter::once(own))
                .map(|comm| report::escape(comm, MAX_COMM_CHARS))
                .collect();
            Ok(Some(cstring(chain.join(" > "))))
        })
    }

    fn extract_ancestors(&mut self, req: Req) -> Result<Vec<CString>> {
        self.with_triage_needing(&req, Needs::WholeExec, |t| {
            Ok(t.lineage()
                .ancestors
                .iter()
                .map(|a| cstring(report::escape(&a.comm, MAX_COMM_CHARS)))
                .collect())
        })
    }
}

/// The container plugin's view wins: it knows containers the cgroup path does not name.
/// It says `host` for host processes.
fn container_id(t: &Triaged) -> Option<String> {
    match t.table_container_id.get().and_then(Option::as_deref) {
        Some("host") => None,
        Some(id) if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(id[..12].to_string())
        }
        Some(id) => Some(id.to_string()),
        None => t.facts().container.as_ref().map(|c| c.short_id.clone()),
    }
}
