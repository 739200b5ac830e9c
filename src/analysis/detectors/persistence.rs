//! Persistence by exec: cron (crontab edits, writes under /etc/cron* and /var/spool/cron),
//! services enabled at boot, SSH authorized_keys written, and local accounts created or
//! changed. Reading these files is not persistence.

use super::{args, writes_path, ClassSet, Ctx, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

fn is_cron_path(p: &str) -> bool {
    p.starts_with("/etc/cron") || p.starts_with("/var/spool/cron") || p == "/etc/crontab"
}

/// `useradd -r -s /usr/sbin/nologin svc`, `adduser --system --no-create-home svc`: an
/// account no one can log in to, for a daemon (useradd(8): -r system account; a nologin or
/// false shell refuses logins). It is not one when it gets a password or joins a group that
/// grants privileges.
fn service_account(c: &crate::analysis::shell::SimpleCommand) -> bool {
    let a = args(c);
    let value = |opts: &[&str]| super::opt_value(c, opts);
    let nologin = value(&["-s", "--shell"])
        .is_some_and(|s| matches!(super::basename(s), "nologin" | "false"));
    let system = a.iter().any(|x| x == "-r" || x == "--system");
    let creates = matches!(c.program(), "useradd" | "adduser");
    let password = value(&["-p", "--password"]).is_some();
    let groups = value(&["-G", "--groups", "-g", "--gid", "--ingroup"]).unwrap_or("");
    // The groups behaviours.toml calls privileged, and gid 0 (root's, by number). Not adm:
    // log shippers' service accounts join it to read /var/log.
    let privileged = groups
        .split(',')
        .any(|g| g == "0" || crate::knowledge::LIST_PRIVILEGED_GROUPS.contains(&g));
    // adduser --system gives a nologin shell unless told otherwise (adduser(8)).
    creates && !password && !privileged && (nologin || (system && c.program() == "adduser"))
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
        // `crontab -V` (cronie) prints its version and `-h` its usage: no table is touched.
        // A bare word is a file to install (`crontab version`), and no argument reads stdin.
        let about_itself = !a.is_empty()
            && a.iter()
                .all(|x| matches!(x.as_ref(), "-V" | "-h" | "--help"));
        if p == "crontab" && !about_itself {
            if a.iter().any(|x| x == "-l") && !a.iter().any(|x| x == "-e" || x == "-r") {
                out.hit(signals::CRON_LISTING, super::join(c));
            } else {
                out.hit(signals::CRON_MODIFICATION, super::join(c));
            }
        }
        // The same account files as the unsplit script above.
        if let Some(f) = ["/etc/passwd", "/etc/shadow"]
            .into_iter()
            .find(|f| writes_path(c, |t| t == *f))
        {
            out.hit(signals::ACCOUNT_MANIPULATION, format!("{p} writes {f}"));
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
        // Status queries: passwd(1) -S and chage(1) -l only print the account's aging.
        let status = match p {
            "passwd" => a.iter().any(|x| x == "-S" || x == "--status"),
            "chage" => a.iter().any(|x| x == "-l" || x == "--list"),
            _ => false,
        };
        // userdel(8), groupdel(8), passwd -l and usermod -L take access away: nothing
        // persists, but locking people out is an Impact technique, worth a look (and a page
        // in a server's or container's context, which other signals give).
        let removal = match p {
            "userdel" | "groupdel" => true,
            "passwd" => a.iter().any(|x| x == "-l" || x == "--lock"),
            "usermod" => {
                a.iter().any(|x| x == "-L" || x == "--lock")
                    && !a.iter().any(|x| {
                        x.starts_with("-p") || x == "--password" || x == "-U" || x == "--unlock"
                    })
            }
            _ => false,
        };
        if c.class == Some(ToolClass::UserAdmin) && !super::version_query_only(c) && !status {
            if removal {
                out.hit(signals::ACCOUNT_ACCESS_REMOVAL, super::join(c));
            } else if service_account(c) {
                out.note(format!(
                    "{p} creates a service account (no login shell, no privileged group), as packages and images do"
                ));
            } else {
                out.hit(signals::ACCOUNT_MANIPULATION, super::join(c));
            }
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

    #[test]
    fn status_and_version_queries_change_nothing() {
        for argv in [
            &["chage", "-l", "root"][..],
            &["chage", "--list", "alice"],
            &["crontab", "-V"],
            &["crontab", "-h"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
        // Setting the aging, or installing a table, still does.
        assert_eq!(
            run(detect, &["chage", "-M", "99999", "root"]),
            ["account_manipulation"]
        );
        for argv in [
            &["crontab", "-u", "root", "/tmp/c"][..],
            &["crontab", "version"],
        ] {
            assert_eq!(run(detect, argv), ["cron_modification"], "{argv:?}");
        }
    }

    #[test]
    fn writes_to_shadow_are_account_changes_in_parsed_commands_too() {
        for argv in [
            &[
                "sh",
                "-c",
                "echo 'x:$6$salt$hash:19000:0:99999:7:::' >> /etc/shadow",
            ][..],
            &["sed", "-i", "s/^root:[^:]*:/root::/", "/etc/shadow"],
            &["cp", "/tmp/s", "/etc/shadow"],
        ] {
            assert_eq!(run(detect, argv), ["account_manipulation"], "{argv:?}");
        }
        let (f, lineage) = (
            facts(&["sed", "-i", "s/x/y/", "/etc/shadow"]),
            crate::analysis::Lineage::default(),
        );
        let cmd = crate::analysis::shell::parse_exec(&f.argv);
        let mut out = Findings::default();
        detect(&Ctx::new(&f, &lineage, &cmd), &mut out);
        assert_eq!(out.hits[0].evidence, "sed writes /etc/shadow");
        // Reading or backing it up writes elsewhere.
        for argv in [
            &["cp", "/etc/shadow", "/root/shadow.bak"][..],
            &["sh", "-c", "grep root /etc/shadow > /dev/null"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn removing_an_account_is_not_persistence() {
        for argv in [
            &["userdel", "svcapp"][..],
            &["userdel", "-r", "olduser"],
            &["groupdel", "svc"],
            &["passwd", "-l", "olduser"],
            &["usermod", "-L", "olduser"],
        ] {
            assert_eq!(run(detect, argv), ["account_access_removal"], "{argv:?}");
        }
        assert_eq!(
            run(detect, &["usermod", "-aG", "sudo", "svcapp"]),
            ["account_manipulation"]
        );
    }

    #[test]
    fn service_accounts_are_noted_login_accounts_fire() {
        for argv in [
            &["useradd", "-r", "-M", "-s", "/usr/sbin/nologin", "svc"][..],
            &["useradd", "--shell", "/bin/false", "svc"],
            &["adduser", "--system", "--no-create-home", "prometheus"],
            &[
                "useradd",
                "-r",
                "-s",
                "/usr/sbin/nologin",
                "-G",
                "adm",
                "promtail",
            ],
        ] {
            let (ids, notes) = run_with(detect, &facts(argv), &crate::analysis::Lineage::default());
            assert!(
                ids.is_empty() && notes[0].contains("service account"),
                "{argv:?}"
            );
        }
        for argv in [
            &["useradd", "-m", "-s", "/bin/bash", "u"][..],
            &["useradd", "-r", "svc"],
            &["useradd", "-s", "/usr/sbin/nologin", "-G", "docker", "svc"],
            &["useradd", "-s", "/usr/sbin/nologin", "-p", "x", "svc"],
            &["adduser", "--system", "--ingroup", "sudo", "svc"],
            &["useradd", "-s", "/usr/sbin/nologin", "-g", "0", "svc"],
        ] {
            assert_eq!(run(detect, argv), ["account_manipulation"], "{argv:?}");
        }
    }
}
