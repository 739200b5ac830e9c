//! Programs that run another program: wrappers to unwrap (`timeout 5 nohup nc ..` is `nc`),
//! and programs that run a shell string (`sh -c`, `su -c`, `eval`).
//!
//! Each wrapper is described by its option grammar ([`Spec`]) so that option arguments are
//! not mistaken for the command (`nice -n 5 nc`, `timeout -s KILL 10 nc`). Only the options
//! that take an argument need listing; unknown flags are skipped. A wrapper given no command
//! (`env` alone prints the environment, `nsenter -t 1 -m` runs a shell) is not unwrapped.

use super::lex::is_identifier;
use super::{Arg, Words, Wrapper, MAX_WRAPPERS};

/// A command after unwrapping.
pub(super) struct Unwrapped<'a> {
    pub argv: Words<'a>,
    pub assignments: Vec<(String, String)>,
    pub wrappers: Vec<Wrapper<'a>>,
    /// Shell text the command runs (`sh -c STRING`, `eval ARGS`, `su -c STRING`).
    pub script: Option<Arg<'a>>,
    /// A shell reading its commands from stdin (`bash`, `sh -s`): a here-document or
    /// here-string on its stdin is its script.
    pub stdin_script: bool,
    /// More than [`MAX_WRAPPERS`] wrappers.
    pub truncated: bool,
}

/// What one program at the head of argv does.
enum Step<'a> {
    /// A wrapper: the command starts at `argv[cmd]` (or at `split`, then `argv[cmd..]`).
    Wrapper {
        cmd: usize,
        assignments: Vec<(String, String)>,
        split: Option<Words<'a>>,
    },
    /// Runs this shell text; the program itself stays the command.
    Script(Arg<'a>),
    /// A shell reading its script from stdin.
    StdinShell,
    /// An ordinary program.
    Program,
}

/// The option grammar of a wrapper.
#[derive(Default)]
struct Spec {
    /// Short options that take an argument, attached (`-n5`) or as the next word (`-n 5`).
    arg: &'static str,
    /// Short options whose optional argument can only be attached (`nsenter -m/proc/1/ns/mnt`).
    attached: &'static str,
    /// Long options that take the next word as argument (`--signal KILL`); `--x=y` always
    /// works.
    long_arg: &'static [&'static str],
    /// Short options that mean no command runs (`command -v`, `ionice -p PID`).
    no_command: &'static str,
    /// `-` alone is an option (`env -`), not the command.
    dash_is_option: bool,
    /// `NAME=value` words after the options are assignments (`env`, `sudo`).
    assignments: Assignments,
    /// Operands before the command (`timeout DURATION`, `chroot NEWROOT`, `flock FILE`).
    operands: usize,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Assignments {
    #[default]
    None,
    /// Any word with `=` and a non-empty name (GNU env).
    Any,
    /// A shell identifier before `=` (sudo).
    Identifier,
}

/// What [`scan`] found.
struct Scanned {
    /// Index of the first word after options, assignments and operands (may be argv.len()).
    cmd: usize,
    /// Options seen, by short letter or long name, with their argument.
    options: Vec<(String, Option<String>)>,
    assignments: Vec<(String, String)>,
}

impl Scanned {
    fn option(&self, names: &[&str]) -> Option<&Option<String>> {
        self.options
            .iter()
            .find(|(n, _)| names.contains(&n.as_str()))
            .map(|(_, v)| v)
    }
}

/// Shells whose `-c` runs a string.
const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "lksh", "pdksh", "oksh", "yash", "posh",
    "rbash", "hush", "csh", "tcsh", "fish",
];

/// The name a program is matched by: basename, without a login shell's leading `-`.
fn program_name(arg0: &str) -> &str {
    let base = crate::text::basename(arg0);
    base.strip_prefix('-')
        .filter(|b| !b.is_empty())
        .unwrap_or(base)
}

/// Remove wrappers from the head of `argv`, outermost first.
pub(super) fn unwrap(mut argv: Words<'_>, mut assignments: Vec<(String, String)>) -> Unwrapped<'_> {
    let mut wrappers = Vec::new();
    let mut script = None;
    let mut stdin_script = false;
    let mut truncated = false;
    let mut start = 0usize;
    while start < argv.len() {
        let step = step(&argv[start..]);
        match step {
            Step::Wrapper {
                cmd,
                assignments: given,
                split,
            } => {
                if wrappers.len() >= MAX_WRAPPERS {
                    truncated = true;
                    break;
                }
                let cmd = (start + cmd).min(argv.len());
                wrappers.push(Wrapper {
                    argv: Words::from(&argv[start..cmd]),
                });
                assignments.extend(given);
                match split {
                    Some(mut words) => {
                        words.extend(argv.drain(cmd..));
                        argv = words;
                        start = 0;
                    }
                    None => start = cmd,
                }
            }
            Step::Script(text) => {
                script = Some(text);
                break;
            }
            Step::StdinShell => {
                stdin_script = true;
                break;
            }
            Step::Program => break,
        }
    }
    // Drop the wrappers' words in place (`split_off(0)` would allocate a second vector).
    argv.drain(..start.min(argv.len()));
    Unwrapped {
        argv,
        assignments,
        wrappers,
        script,
        stdin_script,
        truncated,
    }
}

/// What `args[0]` does with the rest.
fn step<'a>(args: &[Arg<'a>]) -> Step<'a> {
    let Some(arg0) = args.first() else {
        return Step::Program;
    };
    let name = program_name(arg0);
    if SHELLS.contains(&name) {
        return shell(args);
    }
    let spec = match name {
        "env" => Spec {
            arg: "uCS",
            long_arg: &["unset", "chdir", "split-string"],
            dash_is_option: true,
            assignments: Assignments::Any,
            ..Spec::default()
        },
        "busybox" => {
            // `busybox APPLET ..`; `busybox --list` and friends run nothing.
            return match args.get(1) {
                Some(applet) if !applet.starts_with('-') => wrapper(1),
                _ => Step::Program,
            };
        }
        "nohup" | "builtin" | "unbuffer" | "torsocks" => Spec::default(),
        "timeout" => Spec {
            arg: "sk",
            long_arg: &["signal", "kill-after"],
            operands: 1,
            ..Spec::default()
        },
        "nice" => Spec {
            arg: "n",
            long_arg: &["adjustment"],
            ..Spec::default()
        },
        "ionice" => Spec {
            arg: "cn",
            long_arg: &["class", "classdata"],
            no_command: "pPu",
            ..Spec::default()
        },
        "setsid" | "aoss" | "distcc" | "firejail" | "torify" | "valgrind" | "pexec" | "rlwrap"
        | "multitime" => Spec {
            arg: if name == "multitime" { "n" } else { "" },
            ..Spec::default()
        },
        "aa-exec" => Spec {
            arg: "pn",
            long_arg: &["profile", "namespace"],
            ..Spec::default()
        },
        "choom" => Spec {
            arg: "n",
            no_command: "p",
            long_arg: &["adjust"],
            ..Spec::default()
        },
        "cpulimit" => Spec {
            arg: "l",
            no_command: "ep",
            long_arg: &["limit"],
            ..Spec::default()
        },
        "msgfilter" => Spec {
            arg: "ioD",
            long_arg: &["input", "output-file", "directory"],
            ..Spec::default()
        },
        "grc" => Spec {
            arg: "c",
            long_arg: &["config"],
            ..Spec::default()
        },
        "logsave" | "setlock" => Spec {
            operands: 1,
            ..Spec::default()
        },
        "softlimit" => Spec {
            arg: "acdflmoprst",
            ..Spec::default()
        },
        "sshpass" => Spec {
            arg: "fdpP",
            attached: "e",
            ..Spec::default()
        },
        "ssh-agent" => Spec {
            arg: "aEOPt",
            ..Spec::default()
        },
        "pkexec" => Spec {
            long_arg: &["user"],
            ..Spec::default()
        },
        "systemd-run" => Spec {
            arg: "upEMH",
            long_arg: &[
                "unit",
                "property",
                "setenv",
                "machine",
                "host",
                "description",
                "slice",
                "uid",
                "gid",
                "working-directory",
                "nice",
                "service-type",
                "on-active",
                "on-boot",
                "on-calendar",
            ],
            ..Spec::default()
        },
        "setarch" | "linux32" | "linux64" => {
            // `setarch [ARCH] [options] [command]`: the architecture is an optional operand.
            let at = match args.get(1) {
                Some(a) if name == "setarch" && !a.starts_with('-') => 2,
                _ => 1,
            };
            let spec = Spec::default();
            return match scan(&args[at - 1..], &spec) {
                Some(s) if at - 1 + s.cmd < args.len() => wrapper(at - 1 + s.cmd),
                _ => Step::Program,
            };
        }
        loader if loader == "ld.so" || loader.starts_with("ld-linux") => Spec {
            long_arg: &["library-path", "preload", "argv0", "audit", "inhibit-rpath"],
            ..Spec::default()
        },
        "npm" | "pnpm" | "yarn" | "bundle" | "bundler" | "cabal" | "uv" | "perf" | "ip"
        | "xdotool" | "codex" | "rustup" | "pyenv" | "rbenv" | "nodenv" | "asdf" => {
            return subcommand(name, args)
        }
        // Version managers' exec helpers run their operands with the selected version.
        "pyenv-exec" | "rbenv-exec" | "nodenv-exec" => Spec::default(),
        "task" if args.get(1).is_some_and(|a| a == "execute") && args.len() > 2 => {
            return Step::Script(Arg::Owned(args[2..].join(" ")));
        }
        "csvtool" if args.get(1).is_some_and(|a| a == "call") => {
            return args
                .get(2)
                .map_or(Step::Program, |text| Step::Script(text.clone()));
        }
        "stdbuf" => Spec {
            arg: "ioe",
            long_arg: &["input", "output", "error"],
            ..Spec::default()
        },
        "sudo" => Spec {
            arg: "ugCDprRtTU",
            long_arg: &[
                "user",
                "group",
                "close-from",
                "chdir",
                "prompt",
                "role",
                "type",
                "other-user",
                "chroot",
                "command-timeout",
                "host",
            ],
            no_command: "leVv",
            assignments: Assignments::Identifier,
            ..Spec::default()
        },
        "doas" => Spec {
            arg: "u",
            no_command: "C",
            ..Spec::default()
        },
        "chroot" => Spec {
            long_arg: &["userspec", "groups"],
            operands: 1,
            ..Spec::default()
        },
        "nsenter" => Spec {
            arg: "tSG",
            attached: "muinpUCTrw",
            long_arg: &["target", "setuid", "setgid"],
            ..Spec::default()
        },
        "unshare" => Spec {
            arg: "SGRw",
            long_arg: &[
                "setuid",
                "setgid",
                "root",
                "wd",
                "propagation",
                "setgroups",
                "map-user",
                "map-group",
                "map-users",
                "map-groups",
            ],
            ..Spec::default()
        },
        "xargs" => Spec {
            arg: "adEILnPs",
            attached: "iel",
            long_arg: &[
                "arg-file",
                "delimiter",
                "max-args",
                "max-procs",
                "max-chars",
                "max-lines",
                "process-slot-var",
            ],
            ..Spec::default()
        },
        "watch" => Spec {
            arg: "nq",
            attached: "d",
            long_arg: &["interval", "equexit"],
            ..Spec::default()
        },
        "time" => Spec {
            arg: "fo",
            long_arg: &["format", "output"],
            ..Spec::default()
        },
        "strace" => Spec {
            arg: "abeEIoOpPsSuXU",
            long_arg: &[
                "output",
                "attach",
                "user",
                "trace",
                "signal",
                "string-limit",
            ],
            ..Spec::default()
        },
        "ltrace" => Spec {
            arg: "aADeFlnopsuwx",
            long_arg: &["output", "library"],
            ..Spec::default()
        },
        "flock" => Spec {
            arg: "wE",
            long_arg: &["timeout", "wait", "conflict-exit-code"],
            operands: 1,
            ..Spec::default()
        },
        "chrt" => Spec {
            arg: "TPD",
            no_command: "p",
            operands: 1,
            ..Spec::default()
        },
        "taskset" => Spec {
            no_command: "p",
            operands: 1,
            ..Spec::default()
        },
        "proxychains" | "proxychains4" => Spec {
            arg: "f",
            ..Spec::default()
        },
        "exec" => Spec {
            arg: "a",
            ..Spec::default()
        },
        "command" => Spec {
            no_command: "vV",
            ..Spec::default()
        },
        "eval" => {
            return match args.get(1..) {
                Some(rest) if !rest.is_empty() => Step::Script(Arg::Owned(rest.join(" "))),
                _ => Step::Program,
            };
        }
        "su" => {
            return dash_c(args, "gGsw").map_or(Step::Program, Step::Script);
        }
        "runuser" => {
            if let Some(text) = dash_c(args, "ugGsw") {
                return Step::Script(text);
            }
            // `runuser -u USER [--] cmd` runs a command; `runuser USER` starts a shell.
            let spec = Spec {
                arg: "ugGsw",
                long_arg: &[
                    "user",
                    "group",
                    "supp-group",
                    "shell",
                    "whitelist-environment",
                ],
                ..Spec::default()
            };
            return match scan(args, &spec) {
                Some(s) if s.option(&["u", "user"]).is_some() && s.cmd < args.len() => {
                    wrapper(s.cmd)
                }
                _ => Step::Program,
            };
        }
        "script" => {
            return dash_c(args, "EIOBTm").map_or(Step::Program, Step::Script);
        }
        "capsh" => {
            // Everything after `--` goes to /bin/bash.
            return match args.iter().position(|a| a == "--") {
                Some(at) => Step::Wrapper {
                    cmd: at + 1,
                    assignments: Vec::new(),
                    split: Some(smallvec::smallvec![Arg::Borrowed("/bin/bash")]),
                },
                None => Step::Program,
            };
        }
        _ => return Step::Program,
    };
    let Some(scanned) = scan(args, &spec) else {
        return Step::Program;
    };
    let rest = args.get(scanned.cmd..).unwrap_or_default();
    match name {
        "env" => {
            // `env -S 'prog args'` splits its argument into words (quotes not handled).
            let split = scanned
                .option(&["S", "split-string"])
                .and_then(|v| v.as_deref())
                .map(|v| {
                    v.split_ascii_whitespace()
                        .map(|w| Arg::Owned(w.to_string()))
                        .collect::<Words>()
                })
                .filter(|w| !w.is_empty());
            if rest.is_empty() && split.is_none() {
                return Step::Program;
            }
            Step::Wrapper {
                cmd: scanned.cmd,
                assignments: scanned.assignments,
                split,
            }
        }
        // Without -x, watch hands its words to `sh -c`.
        "watch" if scanned.option(&["x", "exec"]).is_none() && !rest.is_empty() => {
            Step::Script(Arg::Owned(rest.join(" ")))
        }
        "flock" if matches!(rest.first().map(|a| a.as_ref()), Some("-c" | "--command")) => rest
            .get(1)
            .map_or(Step::Program, |text| Step::Script(text.clone())),
        _ if rest.is_empty() => Step::Program,
        _ => Step::Wrapper {
            cmd: scanned.cmd,
            assignments: scanned.assignments,
            split: None,
        },
    }
}

/// Subcommands that run a command: `npm exec CMD`, `bundle exec CMD`, `uv run CMD`,
/// `perf stat CMD`, `ip netns exec NAME CMD`, `rustup run TOOLCHAIN CMD`, `xdotool exec CMD`,
/// `codex sandbox linux CMD`.
fn subcommand<'a>(name: &str, args: &[Arg<'a>]) -> Step<'a> {
    let word = |i: usize| args.get(i).map_or("", |a| a.as_ref());
    // (index of the subcommand's last word, operands before the command, the spec)
    let (at, operands, spec) = match (name, word(1), word(2)) {
        ("pyenv" | "rbenv" | "nodenv" | "asdf", "exec", _) => (1, 0, Spec::default()),
        ("npm" | "pnpm" | "yarn" | "bundle" | "bundler" | "cabal", "exec", _) => (
            1,
            0,
            Spec {
                long_arg: &["project-file", "package", "call"],
                ..Spec::default()
            },
        ),
        ("uv", "run", _) => (
            1,
            0,
            Spec {
                long_arg: &["with", "python", "project", "directory", "env-file"],
                ..Spec::default()
            },
        ),
        ("perf", "stat" | "record" | "trace", _) => (
            1,
            0,
            Spec {
                arg: "eoGFcCptr",
                long_arg: &[
                    "event", "output", "cgroup", "freq", "count", "cpu", "pid", "tid",
                ],
                ..Spec::default()
            },
        ),
        ("ip", "netns" | "vrf", "exec") => (2, 1, Spec::default()),
        ("xdotool", "exec", _) => (
            1,
            0,
            Spec {
                long_arg: &["args", "terminator"],
                ..Spec::default()
            },
        ),
        ("rustup", "run", _) => (1, 1, Spec::default()),
        ("codex", "sandbox", "linux") => (2, 0, Spec::default()),
        _ => return Step::Program,
    };
    let spec = Spec { operands, ..spec };
    match scan(&args[at..], &spec) {
        Some(s) if at + s.cmd < args.len() => wrapper(at + s.cmd),
        _ => Step::Program,
    }
}

fn wrapper<'a>(cmd: usize) -> Step<'a> {
    Step::Wrapper {
        cmd,
        assignments: Vec::new(),
        split: None,
    }
}

/// Options, assignments and operands of a wrapper; `None` when an option says no command
/// runs.
fn scan(args: &[Arg<'_>], spec: &Spec) -> Option<Scanned> {
    let mut options = Vec::new();
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-" {
            if spec.dash_is_option {
                i += 1;
                continue;
            }
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            i += 1;
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let value = if value.is_none() && spec.long_arg.contains(&name) {
                i += 1;
                args.get(i - 1).map(|v| v.to_string())
            } else {
                value
            };
            options.push((name.to_string(), value));
            continue;
        }
        let Some(cluster) = a.strip_prefix('-') else {
            break;
        };
        i += 1;
        for (k, ch) in cluster.char_indices() {
            if spec.no_command.contains(ch) {
                return None;
            }
            let takes = spec.arg.contains(ch);
            if takes || spec.attached.contains(ch) {
                let rest = &cluster[k + ch.len_utf8()..];
                let value = if !rest.is_empty() {
                    Some(rest.to_string())
                } else if takes {
                    i += 1;
                    args.get(i - 1).map(|v| v.to_string())
                } else {
                    None
                };
                options.push((ch.to_string(), value));
                break;
            }
            options.push((ch.to_string(), None));
        }
    }
    let mut assignments = Vec::new();
    if spec.assignments != Assignments::None {
        while let Some(a) = args.get(i) {
            let Some((name, value)) = a.split_once('=') else {
                break;
            };
            let ok = match spec.assignments {
                Assignments::Identifier => is_identifier(name),
                _ => !name.is_empty(),
            };
            if !ok {
                break;
            }
            assignments.push((name.to_string(), value.to_string()));
            i += 1;
        }
    }
    let cmd = i.saturating_add(spec.operands).min(args.len());
    Some(Scanned {
        cmd,
        options,
        assignments,
    })
}

/// A shell's options: `-c` (alone or in a cluster like `-lc`, `-ec`) makes the first operand
/// the script; with no operand, or `-s`, the script comes from stdin.
fn shell<'a>(args: &[Arg<'a>]) -> Step<'a> {
    let mut dash_c = false;
    let mut dash_s = false;
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--" || a == "-" {
            i += 1;
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            i += 1;
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match (name, value) {
                // fish
                ("command", Some(v)) => return Step::Script(Arg::Owned(v.to_string())),
                ("command", None) => dash_c = true,
                ("rcfile" | "init-file" | "init-command", None) => i += 1,
                _ => {}
            }
            continue;
        }
        if a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
            i += 1;
            for ch in a[1..].chars() {
                match ch {
                    'c' => dash_c = true,
                    's' => dash_s = true,
                    // `-o pipefail`, `+O extglob`: the option name is the next word.
                    'o' | 'O' => i += 1,
                    _ => {}
                }
            }
            continue;
        }
        break;
    }
    if dash_c {
        return args
            .get(i)
            .map_or(Step::Program, |text| Step::Script(text.clone()));
    }
    if dash_s || i >= args.len() {
        return Step::StdinShell;
    }
    // `sh script.sh`: a file we cannot read.
    Step::Program
}

/// The argument of `-c`/`--command` anywhere in args (su and friends permute options).
/// `arg` lists the other short options that take an argument.
fn dash_c<'a>(args: &[Arg<'a>], arg: &str) -> Option<Arg<'a>> {
    let mut i = 1;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some(("command", v)) => return Some(Arg::Owned(v.to_string())),
                None if long == "command" => return args.get(i).cloned(),
                _ => {}
            }
            continue;
        }
        let Some(cluster) = a.strip_prefix('-') else {
            continue;
        };
        for (k, ch) in cluster.char_indices() {
            let rest = &cluster[k + ch.len_utf8()..];
            if ch == 'c' {
                return if rest.is_empty() {
                    args.get(i).cloned()
                } else {
                    Some(Arg::Owned(rest.to_string()))
                };
            }
            if arg.contains(ch) {
                if rest.is_empty() {
                    i += 1;
                }
                break;
            }
        }
    }
    None
}
