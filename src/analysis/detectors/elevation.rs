//! Abusing elevation mechanisms by exec: GTFOBins shell escapes through sudo (`sudo vim -c
//! ':!/bin/sh'`, `sudo find . -exec /bin/sh`), writes to sudoers, shells started with `-p` to
//! keep a setuid uid (`/tmp/.bash -p`, `find . -exec /bin/sh -p`), and searches for setuid
//! binaries (`find / -perm -4000`).
//!
//! A shell escape is an interactive shell (no script) that another program starts: carried
//! in its options or code (`find -exec /bin/sh`, `vim -c ':!/bin/sh'`, `awk 'BEGIN
//! {system("/bin/sh")}'`, see `shell::carry`) or run through a wrapper (`env /bin/sh`). Under
//! sudo (a `sudo` wrapper, or sudo or doas as the parent) it is a root shell from a narrow
//! sudo rule; running as root for a non-root login (a setuid program) it keeps that uid;
//! otherwise it is a way out of a restricted shell, weak on its own.

use super::needles::Needles;
use super::{
    args, basename, is_shell, runs_shell, script_write_targets, writes_path, Ctx, Findings,
    ProgramSet,
};
use crate::analysis::shell::{Carried, Joiner, SimpleCommand};
use crate::knowledge::signals;

/// A shell that reads its commands from its terminal or stdin: no script, no `-c`.
fn interactive_shell(c: &SimpleCommand) -> bool {
    runs_shell(c)
        && args(c).iter().all(|a| {
            (a.starts_with('-') || a.starts_with('+'))
                && !(a.len() > 1 && !a.starts_with("--") && a[1..].contains('c'))
        })
}

/// Wrappers that only elevate: `sudo sh` is sudo's own shell, not an escape.
fn elevates_only(name: &str) -> bool {
    matches!(name, "sudo" | "doas" | "su" | "runuser" | "pkexec")
}

/// The exec runs under sudo: sudo or doas is its parent, or the command is wrapped in sudo.
fn under_sudo(cx: &Ctx, c: &SimpleCommand) -> bool {
    let wrapped = |c: &SimpleCommand| {
        c.wrappers
            .iter()
            .any(|w| matches!(w.name(), "sudo" | "doas"))
    };
    wrapped(c)
        || cx.commands().first().is_some_and(wrapped)
        || cx
            .lineage
            .parent()
            .is_some_and(|p| matches!(p.comm.as_str(), "sudo" | "doas"))
}

/// Running as root for a user who logged in as someone else: a setuid program (or su).
fn elevated_uid(cx: &Ctx) -> bool {
    cx.facts.uid == Some(0) && cx.facts.loginuid.is_some_and(|l| l != 0 && l != u32::MAX)
}

/// Programs whose shell is what they are for: terminal multiplexers and session managers
/// (and the elevation programs, [`elevates_only`]).
fn opens_shells(name: &str) -> bool {
    elevates_only(name)
        || matches!(
            name,
            "tmux" | "screen" | "login" | "sshd" | "systemd" | "init" | "script"
        )
}

/// The shell an escape starts, seen from lineage alone: an interactive shell whose parent
/// is another program (not a shell, not a session manager) run by sudo or doas (`sudo find .
/// -exec /bin/sh \;` then `sh` with parent find, grandparent sudo).
fn escaped_shell(cx: &Ctx, out: &mut Findings) {
    let Some(first) = cx.commands().first() else {
        return;
    };
    // The shell itself, or the one its `-c` names (`less`'s `!sh` runs `$SHELL -c sh`).
    let shell = if interactive_shell(first) {
        first
    } else {
        match cx.commands().get(1) {
            Some(inner)
                if runs_shell(first)
                    && inner.depth == 1
                    && interactive_shell(inner)
                    && cx.commands().len() == 2 =>
            {
                inner
            }
            _ => return,
        }
    };
    if !first.wrappers.is_empty() {
        return;
    }
    let mut up = cx.ancestors();
    let (Some((parent, parent_class)), Some((grandparent, _))) = (up.next(), up.next()) else {
        return;
    };
    if parent_class == Some(crate::knowledge::ToolClass::Shell) || opens_shells(parent) {
        return;
    }
    if matches!(grandparent, "sudo" | "doas") {
        out.hit(
            signals::SUDO_SHELL_ESCAPE,
            format!(
                "{} started by {parent}, which {grandparent} ran",
                shell.program()
            ),
        );
    }
}

/// The shell escapes on this exec: interactive shells carried by another program or
/// started through a wrapper.
fn shell_escapes(cx: &Ctx, out: &mut Findings) {
    escaped_shell(cx, out);
    for c in cx.commands() {
        // A shell reading a pipe runs what it is sent (download_exec's), not a terminal.
        if !interactive_shell(c) || c.joiner == Joiner::Pipe {
            continue;
        }
        let carrier = match cx.cmd.origin_of(c) {
            // A shell opened in a container, or text written for later, is not an escape.
            Some(o) if matches!(o.carried, Carried::Option | Carried::Code) => {
                let by = &cx.commands()[o.carrier];
                if runs_shell(by) {
                    continue;
                }
                o.via.clone()
            }
            Some(_) => continue,
            // Through a wrapper: its own (`env /bin/sh`), or the wrapper of the `sh -c` that
            // holds it (`nohup /bin/sh -c '/bin/sh </dev/tty'`).
            // A shell in the script of a program that is not a shell (`task execute /bin/sh`,
            // `csvtool call /bin/sh`, `watch sh`) is that program's.
            None => {
                let outer = cx.commands().first().filter(|_| c.depth > 0);
                match outer {
                    Some(f) if !runs_shell(f) && !elevates_only(f.program()) => {
                        format!("run by {}", f.program())
                    }
                    _ => match c
                        .wrappers
                        .iter()
                        .chain(outer.into_iter().flat_map(|f| f.wrappers.iter()))
                        .rev()
                        .find(|w| !elevates_only(w.name()))
                    {
                        Some(w) => format!("run by {}", w.name()),
                        None => continue,
                    },
                }
            }
        };
        let shell = c.argv.first().map_or("", |a| a.as_ref());
        if under_sudo(cx, c) {
            out.hit(
                signals::SUDO_SHELL_ESCAPE,
                format!("{shell} {carrier}, under sudo"),
            );
        } else if elevated_uid(cx) {
            out.hit(
                signals::SETUID_SHELL,
                format!("{shell} {carrier}, as root for a non-root login"),
            );
        } else if cx.cmd.origin_of(c).is_some() && !args(c).iter().any(|a| a == "-p") {
            // `sh -p` is setuid_shell's, below.
            out.hit(signals::PROGRAM_SHELL_ESCAPE, format!("{shell} {carrier}"));
        }
    }
}

fn is_sudoers(p: &str) -> bool {
    p == "/etc/sudoers" || p.starts_with("/etc/sudoers.d/")
}

/// An argument that starts a shell: `/bin/sh`, `sh`, `:!/bin/sh`, `!bash`, `exec=/bin/sh`.
fn shell_arg(a: &str) -> bool {
    let a = a.trim_start_matches(':').trim_start_matches('!');
    // Byte searches: this runs for every argument of every exec.
    let a = match a.bytes().rposition(|b| b == b'=') {
        Some(i) => &a[i + 1..],
        None => a,
    };
    let word = match a.bytes().position(|b| b.is_ascii_whitespace()) {
        Some(i) => &a[..i],
        None => a,
    };
    is_shell(basename(word))
}

pub fn wants(cx: &Ctx) -> bool {
    static DASH_P: Needles = Needles::new(&["-p"]);
    cx.may_run(ProgramSet::of(&["sudo", "find"]))
        || !cx.cmd.origins.is_empty()
        || cx
            .commands()
            .iter()
            .any(|c| runs_shell(c) && (c.depth > 0 || !c.wrappers.is_empty()))
        || (cx.lineage.ancestors.len() >= 2 && cx.commands().first().is_some_and(runs_shell))
        || cx.words_may_hold(&DASH_P)
        || cx.may_write()
        || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    shell_escapes(cx, out);
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        let via_sudo = p == "sudo" || c.wrappers.iter().any(|w| w.name() == "sudo");
        // With sudo unwrapped the program is argv[0]; with `sudo` as argv[0] it is argv[1].
        let (tool, rest) = if p == "sudo" {
            match a.iter().position(|x| !x.starts_with('-')) {
                Some(i) => (basename(&a[i]), &a[i + 1..]),
                None => ("", &a[..0]),
            }
        } else {
            (p, a)
        };
        if via_sudo && !is_shell(tool) && !tool.is_empty() && rest.iter().any(|x| shell_arg(x)) {
            out.hit(
                signals::SUDO_SHELL_ESCAPE,
                format!("sudo {tool} {}", rest.join(" ")),
            );
        }
        if writes_path(c, is_sudoers) {
            out.hit(signals::SUDOERS_MODIFICATION, format!("{p} writes sudoers"));
        }
        // `find ... -exec /bin/sh -p`, `/tmp/.bash -p`.
        // The cheap comparisons first: `shell_arg` looks a name up.
        let shell_p = a.windows(2).any(|w| w[1] == "-p" && shell_arg(&w[0]));
        let self_p = a.first().is_some_and(|x| x == "-p")
            && is_shell(p.trim_start_matches('.'))
            && cx.exe_path.starts_with('/')
            && ![
                "/bin/",
                "/usr/bin/",
                "/usr/local/bin/",
                "/sbin/",
                "/usr/sbin/",
            ]
            .iter()
            .any(|d| cx.exe_path.starts_with(d));
        if shell_p || self_p {
            out.hit(
                signals::SETUID_SHELL,
                format!("{} keeps a setuid uid with -p", super::join(c)),
            );
        }
        if p == "find"
            && a.windows(2).any(|w| {
                w[0] == "-perm"
                    && (w[1].contains("4000")
                        || w[1].contains("u=s")
                        || w[1].contains("u+s")
                        || w[1].contains("2000")
                        || w[1].contains("g=s"))
            })
        {
            out.hit(signals::SUID_BINARY_SEARCH, super::join(c));
        }
    }
    if script_write_targets(cx).any(is_sudoers) {
        out.hit(
            signals::SUDOERS_MODIFICATION,
            "the sh -c script writes sudoers".to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_escapes() {
        assert_eq!(
            run(detect, &["sudo", "vim", "-c", ":!/bin/sh"]),
            ["sudo_shell_escape"]
        );
        assert_eq!(
            run(
                detect,
                &["find", ".", "-exec", "/bin/sh", "-p", ";", "-quit"]
            ),
            ["setuid_shell"]
        );
        assert_eq!(
            run(detect, &["find", "/", "-perm", "-4000", "-type", "f"]),
            ["suid_binary_search"]
        );
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "echo 'x ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers"
                ]
            ),
            ["sudoers_modification"]
        );
    }

    #[test]
    fn quiet_on_admin_use() {
        assert!(run(detect, &["sudo", "systemctl", "restart", "nginx"]).is_empty());
        assert!(run(detect, &["find", ".", "-name", "*.rs"]).is_empty());
        assert!(run(detect, &["bash", "-p"]).is_empty());
    }

    #[test]
    fn the_shell_an_escape_starts_is_seen_from_lineage() {
        let shell = |argv: &[&str], parents: &[&str]| {
            let mut f = facts(argv);
            f.uid = Some(0);
            run_with(
                detect,
                &f,
                &crate::analysis::Lineage::from_comms(parents.iter().copied()),
            )
            .0
        };
        assert_eq!(
            shell(&["/bin/sh"], &["find", "sudo", "bash"]),
            ["sudo_shell_escape"]
        );
        assert_eq!(
            shell(&["bash", "-i"], &["vim", "doas"]),
            ["sudo_shell_escape"]
        );
        // A script, a session manager's shell, sudo's own shell, or no sudo: not an escape.
        assert!(shell(&["bash", "-c", "make"], &["vim", "sudo"]).is_empty());
        assert!(shell(&["bash"], &["tmux", "sudo"]).is_empty());
        assert!(shell(&["bash"], &["sudo", "bash"]).is_empty());
        assert!(shell(&["bash"], &["vim", "bash"]).is_empty());
        assert!(shell(&["bash"], &["bash", "sudo"]).is_empty());
    }
}
