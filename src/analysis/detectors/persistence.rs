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

    /// A script past the parser's nesting bound: no command is split out of it, and the
    /// detector reads the raw text.
    fn unsplit(inner: &str) -> String {
        let deep = crate::analysis::shell::MAX_NESTING + 1;
        format!("{}{inner}{}", "(".repeat(deep), ")".repeat(deep))
    }

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

    #[test]
    fn crontab_listing_is_not_editing() {
        for argv in [
            &["crontab", "-e"][..],
            &["crontab", "-r"],
            &["crontab", "-u", "www-data", "-r"],
            &["crontab", "-"],
        ] {
            assert_eq!(run(detect, argv), ["cron_modification"], "{argv:?}");
        }
        assert_eq!(
            run(detect, &["crontab", "-u", "www-data", "-l"]),
            ["cron_listing"]
        );
        // The usual way to add a job: list the table, append, install it again.
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "(crontab -l; echo '* * * * * /tmp/x') | crontab -"
                ]
            ),
            ["cron_listing", "cron_modification"]
        );
    }

    #[test]
    fn fires_on_writes_to_cron_files() {
        for argv in [
            &["sh", "-c", "echo '* * * * * root /tmp/x' > /etc/cron.d/x"][..],
            &["cp", "/tmp/job", "/var/spool/cron/crontabs/root"],
            &["tee", "-a", "/etc/crontab"],
            &["sed", "-i", "$a @reboot /tmp/x", "/etc/crontab"],
        ] {
            assert_eq!(run(detect, argv), ["cron_modification"], "{argv:?}");
        }
        // Backing up or reading a cron file writes elsewhere.
        assert!(run(detect, &["cp", "/etc/crontab", "/root/crontab.bak"]).is_empty());
        assert!(run(
            detect,
            &["sh", "-c", "grep -r backup /etc/cron.d > /tmp/jobs"]
        )
        .is_empty());
    }

    #[test]
    fn fires_on_writes_to_passwd_and_authorized_keys() {
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "echo 'x::0:0::/root:/bin/sh' >> /etc/passwd"]
            ),
            ["account_manipulation"]
        );
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "echo ssh-ed25519 AAAA x >> /root/.ssh/authorized_keys"
                ]
            ),
            ["ssh_authorized_keys"]
        );
        assert_eq!(
            run(detect, &["cp", "/tmp/k", "/root/.ssh/authorized_keys2"]),
            ["ssh_authorized_keys"]
        );
        for argv in [
            &["grep", "alice", "/etc/passwd"][..],
            &["cp", "/etc/passwd", "/root/passwd.bak"],
            &["chmod", "600", "/root/.ssh/authorized_keys"],
            &["ssh-keygen", "-l", "-f", "/root/.ssh/authorized_keys"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn fires_on_enabled_services() {
        assert_eq!(
            run(
                detect,
                &["systemctl", "enable", "--now", "dbus-helper.service"]
            ),
            ["service_enable"]
        );
        assert_eq!(
            run(detect, &["systemctl", "link", "/tmp/x.service"]),
            ["service_enable"]
        );
        for verb in ["is-enabled", "restart", "disable", "list-unit-files"] {
            assert!(
                run(detect, &["systemctl", verb, "nginx"]).is_empty(),
                "{verb}"
            );
        }
    }

    #[test]
    fn account_tools_change_accounts_unless_asked_about_themselves() {
        assert_eq!(
            run(detect, &["usermod", "-aG", "sudo", "mallory"]),
            ["account_manipulation"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "echo 'root:toor' | chpasswd"]),
            ["account_manipulation"]
        );
        for argv in [
            &["passwd", "-S", "root"][..],
            &["passwd", "--status", "alice"],
            &["useradd", "--help"],
            &["usermod", "--version"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn reads_the_raw_text_of_an_unsplit_script() {
        for (inner, id) in [
            (
                "echo '* * * * * root /tmp/x' > /etc/cron.d/x",
                "cron_modification",
            ),
            (
                "(crontab -l; echo '@reboot /tmp/x') | crontab -",
                "cron_modification",
            ),
            (
                "echo ssh-ed25519 AAAA >> /root/.ssh/authorized_keys",
                "ssh_authorized_keys",
            ),
            (
                "echo 'x::0:0::/:/bin/sh' >> /etc/passwd",
                "account_manipulation",
            ),
            (
                "echo 'x::19000::::::' >> /etc/shadow",
                "account_manipulation",
            ),
        ] {
            assert_eq!(run(detect, &["sh", "-c", &unsplit(inner)]), [id], "{inner}");
        }
        let backup = unsplit("cat /etc/crontab > /tmp/cron.bak");
        assert!(run(detect, &["sh", "-c", &backup]).is_empty());
    }
}
