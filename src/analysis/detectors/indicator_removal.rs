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
/// The units are systemd.time(7)'s time span units; a bare number is seconds, and `M` is
/// months, not minutes.
fn aggressive_vacuum(x: &str) -> bool {
    if let Some(v) = x.strip_prefix("--vacuum-time=") {
        let unit = v.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        return matches!(
            unit.trim(),
            "" | "s"
                | "sec"
                | "second"
                | "seconds"
                | "m"
                | "min"
                | "minute"
                | "minutes"
                | "ms"
                | "msec"
                | "us"
                | "usec"
                | "µs"
        );
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
    use crate::analysis::Lineage;

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
    fn fires_on_disabled_history_in_env_and_builtins() {
        let mut f = facts(&["bash"]);
        f.env = vec!["HISTFILE=/dev/null".into()];
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["history_clearing"]
        );
        f.env = vec![
            "HISTSIZE=1000".into(),
            "HISTFILE=/root/.bash_history".into(),
        ];
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
        for script in [
            "unset HISTFILE",
            "export HISTSIZE=0",
            "set +o history",
            "declare HISTFILESIZE=0",
        ] {
            assert_eq!(
                run(detect, &["bash", "-c", script]),
                ["history_clearing"],
                "{script}"
            );
        }
        assert!(run(detect, &["bash", "-c", "set -o history"]).is_empty());
        assert!(run(detect, &["bash", "-c", "export HISTSIZE=5000"]).is_empty());
    }

    #[test]
    fn fires_on_truncation_by_redirection() {
        assert_eq!(
            run(detect, &["sh", "-c", "cat /dev/null > /var/log/wtmp"]),
            ["log_clearing"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "echo > /root/.bash_history"]),
            ["history_clearing"]
        );
        // Appending is how logs grow, not how they are cleared.
        assert!(run(detect, &["sh", "-c", "echo done >> /var/log/app.log"]).is_empty());
    }

    #[test]
    fn logrotate_children_may_remove_logs() {
        let argv = ["rm", "-f", "/var/log/nginx/access.log.8.gz"];
        assert_eq!(run(detect, &argv), ["log_clearing"]);
        let lineage = Lineage::from_comms(["sh", "logrotate", "cron"]);
        assert!(run_with(detect, &facts(&argv), &lineage).0.is_empty());
    }

    #[test]
    fn fires_on_audit_and_journal_tampering() {
        assert_eq!(
            run(detect, &["journalctl", "--vacuum-time=1s"]),
            ["log_clearing"]
        );
        assert_eq!(
            run(detect, &["journalctl", "--vacuum-files=1"]),
            ["log_clearing"]
        );
        assert_eq!(
            run(detect, &["journalctl", "--vacuum-time=10min"]),
            ["log_clearing"]
        );
        for housekeeping in ["2weeks", "3days", "6months", "6M", "1years", "12h"] {
            let arg = format!("--vacuum-time={housekeeping}");
            assert!(run(detect, &["journalctl", &arg]).is_empty(), "{arg}");
        }
        assert_eq!(
            run(detect, &["auditctl", "-e", "0"]),
            ["indicator_tampering"]
        );
        assert!(run(detect, &["auditctl", "-l"]).is_empty());
        assert_eq!(
            run(detect, &["systemctl", "stop", "auditd"]),
            ["indicator_tampering"]
        );
        assert_eq!(
            run(detect, &["service", "auditd.service", "stop"]),
            ["indicator_tampering"]
        );
        assert!(run(detect, &["systemctl", "status", "auditd"]).is_empty());
        assert!(run(detect, &["systemctl", "stop", "nginx"]).is_empty());
    }

    #[test]
    fn fires_on_forged_times_and_self_deletion() {
        assert_eq!(
            run(detect, &["touch", "-r", "/bin/ls", "/usr/bin/.sshd"]),
            ["indicator_tampering"]
        );
        // Taking a system binary's times is the forgery, wherever the implant is.
        assert_eq!(
            run(detect, &["touch", "-r", "/bin/ls", "/tmp/.x"]),
            ["indicator_tampering"]
        );
        assert!(run(detect, &["touch", "-r", "/tmp/a", "/tmp/b"]).is_empty());
        assert!(run(detect, &["touch", "/usr/local/stamp"]).is_empty());
        assert_eq!(
            run(detect, &["sh", "-c", "/tmp/.x; rm -f /tmp/.x"]),
            ["self_deletion"]
        );
        assert!(run(detect, &["sh", "-c", "/tmp/build.sh; rm -f /tmp/out"]).is_empty());
    }

    #[test]
    fn quiet_on_reading_logs() {
        assert!(run(detect, &["tail", "-f", "/var/log/syslog"]).is_empty());
        assert!(run(detect, &["journalctl", "-u", "nginx"]).is_empty());
        assert!(run(detect, &["journalctl", "--vacuum-size=500M"]).is_empty());
    }
}
