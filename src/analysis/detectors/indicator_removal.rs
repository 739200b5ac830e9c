//! Indicator removal by exec: clearing or disabling shell history (`history -c`,
//! `unset HISTFILE`, `HISTFILE=/dev/null`, truncating ~/.bash_history), deleting or truncating
//! logs under /var/log, and shredding files. logrotate's own children are not evidence.

use super::{args, written_targets, Ctx, EnvNames, Findings, ProgramSet};
use crate::analysis::shell::RedirectOp;
use crate::knowledge::signals;

fn is_history(p: &str) -> bool {
    p.ends_with("_history") || p.ends_with("/.history")
}

fn is_log(p: &str) -> bool {
    p.starts_with("/var/log/") || p == "/var/log"
}

/// `--vacuum-time` of seconds or minutes, or `--vacuum-files=1`: wiping, not housekeeping.
fn aggressive_vacuum(x: &str) -> bool {
    if let Some(v) = x.strip_prefix("--vacuum-time=") {
        return v.ends_with('s')
            || v.ends_with("min")
            || v.ends_with('m')
            || v.bytes().all(|b| b.is_ascii_digit());
    }
    x == "--vacuum-files=1"
}

/// Every program the loop of [`detect`] reads by name.
const PROGRAMS: ProgramSet = ProgramSet::of(&[
    "history",
    "unset",
    "export",
    "set",
    "declare",
    "rm",
    "shred",
    "truncate",
    "unlink",
    "ln",
    "srm",
    "wipe",
    "journalctl",
    "auditctl",
    "systemctl",
    "service",
    "touch",
]);

pub fn wants(cx: &Ctx) -> bool {
    cx.env_may_hold(EnvNames::of(&["HISTFILE", "HISTSIZE", "HISTFILESIZE"]))
        || cx.may_run(PROGRAMS)
        || cx.has_redirects()
        || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if cx.env("HISTFILE").is_some_and(|v| v == "/dev/null")
        || cx.env("HISTSIZE") == Some("0")
        || cx.env("HISTFILESIZE") == Some("0")
    {
        out.hit(
            signals::HISTORY_CLEARING,
            "shell history disabled in the environment (HISTFILE=/dev/null or HISTSIZE=0)"
                .to_string(),
        );
    }
    let under_logrotate = cx.ancestor_comms().take(3).any(|c| c == "logrotate");
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        match p {
            "history" if a.iter().any(|x| x == "-c") => {
                out.hit(signals::HISTORY_CLEARING, "history -c".to_string());
            }
            "unset"
                if a.iter()
                    .any(|x| x.starts_with("HISTFILE") || x == "HISTSIZE") =>
            {
                out.hit(signals::HISTORY_CLEARING, format!("unset {}", a.join(" ")));
            }
            "export" | "set" | "declare"
                if a.iter().any(|x| {
                    x == "HISTFILE=/dev/null"
                        || x == "HISTSIZE=0"
                        || x == "HISTFILESIZE=0"
                        || (x == "+o" && a.iter().any(|y| y == "history"))
                }) =>
            {
                out.hit(signals::HISTORY_CLEARING, format!("{p} {}", a.join(" ")));
            }
            _ => {}
        }
        let removes = matches!(
            p,
            "rm" | "shred" | "truncate" | "unlink" | "ln" | "srm" | "wipe"
        );
        let targets = a.iter().filter(|x| !x.starts_with('-')).map(|a| &**a);
        for t in targets.clone() {
            if removes && is_history(t) {
                out.hit(signals::HISTORY_CLEARING, format!("{p} {t}"));
            }
            if removes && is_log(t) && !under_logrotate {
                out.hit(signals::LOG_CLEARING, format!("{p} {t}"));
            }
        }
        for t in written_targets(c) {
            let truncates = c
                .redirects
                .iter()
                .any(|r| r.target == t && r.op == RedirectOp::Out);
            if is_history(t) && truncates {
                out.hit(
                    signals::HISTORY_CLEARING,
                    format!("{t} truncated by redirection"),
                );
            }
            if is_log(t) && truncates && !under_logrotate {
                out.hit(
                    signals::LOG_CLEARING,
                    format!("{t} truncated by redirection"),
                );
            }
        }
        if p == "journalctl" && a.iter().any(|x| aggressive_vacuum(x)) {
            out.hit(signals::LOG_CLEARING, format!("journalctl {}", a.join(" ")));
        }
        if p == "auditctl"
            && (a.iter().any(|x| x == "-D") || a.windows(2).any(|w| w[0] == "-e" && w[1] == "0"))
        {
            out.hit(
                signals::INDICATOR_TAMPERING,
                format!("auditctl {}", a.join(" ")),
            );
        }
        if matches!(p, "systemctl" | "service")
            && a.iter().any(|x| x == "auditd" || x == "auditd.service")
            && a.iter()
                .any(|x| matches!(x.as_ref(), "stop" | "disable" | "mask"))
        {
            out.hit(signals::INDICATOR_TAMPERING, format!("{p} {}", a.join(" ")));
        }
        if p == "touch"
            && (super::has_opt(c, &["-r", "--reference", "-d", "--date", "-t"]))
            && a.iter().any(|x| {
                ["/bin/", "/sbin/", "/usr/", "/etc/", "/lib"]
                    .iter()
                    .any(|d| x.starts_with(d))
                    && !x.starts_with('-')
            })
        {
            out.hit(
                signals::INDICATOR_TAMPERING,
                format!("touch {} forges file times", a.join(" ")),
            );
        }
        if matches!(p, "rm" | "unlink" | "shred") {
            let ran = |t: &str| {
                cx.commands()
                    .iter()
                    .any(|o| o.argv.first().is_some_and(|a0| a0 == t))
            };
            if let Some(t) = targets.clone().find(|t| ran(t)) {
                out.hit(
                    signals::SELF_DELETION,
                    format!("{p} {t} right after running it"),
                );
            }
        }
        if p == "shred"
            && !targets
                .clone()
                .any(|t| is_history(t) || is_log(t) || t.starts_with("/dev/"))
        {
            out.hit(signals::FILE_SHREDDING, format!("shred {}", a.join(" ")));
        }
    }
    for t in super::script_write_targets(cx) {
        if is_log(t) {
            out.hit(
                signals::LOG_CLEARING,
                format!("{t} truncated by redirection in the sh -c script"),
            );
        } else if is_history(t) {
            out.hit(
                signals::HISTORY_CLEARING,
                format!("{t} truncated by redirection in the sh -c script"),
            );
        }
    }
    if let Some(s) = cx.unsplit_script() {
        if s.contains("history -c")
            || s.contains("unset HISTFILE")
            || s.contains("HISTFILE=/dev/null")
        {
            out.hit(
                signals::HISTORY_CLEARING,
                "history cleared in the sh -c script".to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_clearing() {
        assert_eq!(
            run(detect, &["rm", "-f", "/root/.bash_history"]),
            ["history_clearing"]
        );
        assert_eq!(
            run(detect, &["rm", "-rf", "/var/log/auth.log"]),
            ["log_clearing"]
        );
        assert_eq!(
            run(detect, &["shred", "-u", "/tmp/notes.txt"]),
            ["file_shredding"]
        );
        assert_eq!(
            run(detect, &["bash", "-c", "history -c"]),
            ["history_clearing"]
        );
    }

    #[test]
    fn quiet_on_reading_logs() {
        assert!(run(detect, &["tail", "-f", "/var/log/syslog"]).is_empty());
        assert!(run(detect, &["journalctl", "-u", "nginx"]).is_empty());
        assert!(run(detect, &["journalctl", "--vacuum-size=500M"]).is_empty());
    }
}
