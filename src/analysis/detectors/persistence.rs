//! Persistence by exec: cron (crontab edits, writes under /etc/cron* and /var/spool/cron),
//! services enabled at boot, SSH authorized_keys written, and local accounts created or
//! changed. Reading these files is not persistence.

use super::{args, writes_path, ClassSet, Ctx, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

fn is_cron_path(p: &str) -> bool {
    p.starts_with("/etc/cron") || p.starts_with("/var/spool/cron") || p == "/etc/crontab"
}

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&["crontab", "systemctl"]))
        || cx.runs_any(ClassSet::of(&[ToolClass::UserAdmin]))
        || cx.may_write()
        || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for t in super::script_write_targets(cx) {
        if is_cron_path(t) {
            out.hit(
                signals::CRON_MODIFICATION,
                format!("the sh -c script writes {t}"),
            );
        } else if t.ends_with("authorized_keys") {
            out.hit(
                signals::SSH_AUTHORIZED_KEYS,
                format!("the sh -c script writes {t}"),
            );
        } else if t == "/etc/passwd" || t == "/etc/shadow" {
            out.hit(
                signals::ACCOUNT_MANIPULATION,
                format!("the sh -c script appends to {t}"),
            );
        }
    }
    if cx
        .unsplit_script()
        .is_some_and(|s| s.contains("| crontab") || s.contains("|crontab"))
    {
        out.hit(
            signals::CRON_MODIFICATION,
            "a job piped into crontab (in the sh -c script)".to_string(),
        );
    }
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        if p == "crontab" {
            if a.iter().any(|x| x == "-l") && !a.iter().any(|x| x == "-e" || x == "-r") {
                out.hit(signals::CRON_LISTING, super::join(c));
            } else {
                out.hit(signals::CRON_MODIFICATION, super::join(c));
            }
        }
        if writes_path(c, |t| t == "/etc/passwd") {
            out.hit(
                signals::ACCOUNT_MANIPULATION,
                format!("{p} writes /etc/passwd"),
            );
        }
        if writes_path(c, is_cron_path) {
            out.hit(
                signals::CRON_MODIFICATION,
                format!("{p} writes a cron file"),
            );
        }
        if p == "systemctl" && a.iter().any(|x| x == "enable" || x == "link") {
            out.hit(signals::SERVICE_ENABLE, super::join(c));
        }
        if writes_path(c, |t| {
            t.ends_with("authorized_keys") || t.ends_with("authorized_keys2")
        }) {
            out.hit(
                signals::SSH_AUTHORIZED_KEYS,
                format!("{p} writes authorized_keys"),
            );
        }
        if c.class == Some(ToolClass::UserAdmin)
            && !super::version_query_only(c)
            && !(p == "passwd" && a.iter().any(|x| x == "-S" || x == "--status"))
        {
            out.hit(signals::ACCOUNT_MANIPULATION, super::join(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_persistence() {
        assert_eq!(
            run(detect, &["crontab", "/tmp/cron.txt"]),
            ["cron_modification"]
        );
        assert_eq!(run(detect, &["crontab", "-l"]), ["cron_listing"]);
        assert_eq!(
            run(detect, &["tee", "-a", "/root/.ssh/authorized_keys"]),
            ["ssh_authorized_keys"]
        );
        assert_eq!(
            run(detect, &["useradd", "-o", "-u", "0", "backdoor"]),
            ["account_manipulation"]
        );
    }

    #[test]
    fn quiet_on_reads() {
        assert!(run(detect, &["cat", "/root/.ssh/authorized_keys"]).is_empty());
        assert!(run(detect, &["systemctl", "status", "nginx"]).is_empty());
        assert!(run(detect, &["ls", "/etc/cron.d"]).is_empty());
    }
}
