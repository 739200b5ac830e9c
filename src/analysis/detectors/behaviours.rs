//! The declarative behaviours (`knowledge/data/behaviours.toml`): "this program with these
//! arguments", looked up once per command by program name, for every command the parser
//! found (unwrapped) and for the wrappers removed in front of them (`sudo -u#-1 bash`).
//! The matching is the table's; what needs logic stays in the other detectors.

use super::{Ctx, Findings};
use crate::analysis::shell::Arg;
use crate::knowledge::{behaviours_of, Behaviour};

/// Always: one table lookup per command decides.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        judge(c.program(), super::args(c), out);
        for w in &c.wrappers {
            judge(w.name(), w.args(), out);
        }
    }
}

fn judge(program: &str, args: &[Arg], out: &mut Findings) {
    for b in behaviours_of(program) {
        if matches(b, args) && !out.has(b.signal) {
            out.hit(
                b.signal,
                format!("{program} {}: {}", b.what, args.join(" ")),
            );
        }
    }
}

/// Whether every condition of `b` holds for these arguments.
fn matches(b: &Behaviour, args: &[Arg]) -> bool {
    let word = |set: &[&str]| set.is_empty() || args.iter().any(|a| set.contains(&a.as_ref()));
    let prefix = b.any_prefix.is_empty()
        || args
            .iter()
            .any(|a| b.any_prefix.iter().any(|p| a.starts_with(p)));
    let contains = b.any_contains.is_empty()
        || args.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            b.any_contains.iter().any(|c| a.contains(c))
        });
    let excluded = args.iter().any(|a| b.none_word.contains(&a.as_ref()));
    word(b.any_word)
        && word(b.and_word)
        && prefix
        && contains
        && !excluded
        && b.operand_in
            .is_none_or(|list| operand_in(args, list, b.operand_contains))
        && b.value_in
            .is_none_or(|list| value_in(args, b.value_of, list))
}

/// An operand (not an option) that names an item of `list`: lowercased, without a
/// `.service` suffix, as its basename; or that contains one (`pkill -f AliYunDun`).
fn operand_in(args: &[Arg], list: &[&str], contains: bool) -> bool {
    args.iter().filter(|a| !a.starts_with('-')).any(|a| {
        let a = a.to_ascii_lowercase();
        if contains {
            return list.iter().any(|i| a.contains(i));
        }
        let name = super::basename(a.strip_suffix(".service").unwrap_or(&a));
        list.contains(&name)
    })
}

/// The value of one of `options` (`-G x`, `--groups=x`), split on commas, lowercased, is
/// an item of `list`.
fn value_in(args: &[Arg], options: &[&str], list: &[&str]) -> bool {
    let in_list = |v: &str| {
        v.split(',')
            .any(|g| list.contains(&g.trim().to_ascii_lowercase().as_str()))
    };
    args.iter().enumerate().any(|(i, a)| {
        if options.contains(&a.as_ref()) {
            return args.get(i + 1).is_some_and(|v| in_list(v));
        }
        a.split_once('=')
            .is_some_and(|(o, v)| o.starts_with("--") && options.contains(&o) && in_list(v))
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_the_tables_behaviours() {
        let cases: &[(&[&str], &str)] = &[
            (&["systemctl", "stop", "falco"], "security_tool_disabled"),
            (
                &["systemctl", "disable", "--now", "auditd.service"],
                "security_tool_disabled",
            ),
            (&["service", "aegis", "stop"], "security_tool_disabled"),
            (
                &["pkill", "-9", "-f", "AliYunDun"],
                "security_tool_disabled",
            ),
            (&["ufw", "disable"], "firewall_disabled"),
            (&["iptables", "-F"], "firewall_disabled"),
            (&["iptables", "-P", "INPUT", "ACCEPT"], "firewall_disabled"),
            (&["nft", "flush", "ruleset"], "firewall_disabled"),
            (&["setenforce", "0"], "security_policy_disabled"),
            (
                &["sysctl", "-w", "kernel.randomize_va_space=0"],
                "kernel_tunable_write",
            ),
            (&["dmesg", "-C"], "log_clearing"),
            (
                &["ln", "-sfn", "/dev/null", "/var/log/syslog"],
                "log_clearing",
            ),
            (
                &["usermod", "-aG", "root", "backup"],
                "privileged_group_added",
            ),
            (
                &["usermod", "--groups=docker", "dev"],
                "privileged_group_added",
            ),
            (&["gpasswd", "-a", "dev", "sudo"], "privileged_group_added"),
            (
                &["setcap", "cap_setuid+ep", "/tmp/python3"],
                "file_capability_set",
            ),
            (
                &["chattr", "-i", "/root/.ssh/authorized_keys"],
                "immutable_attribute_changed",
            ),
            (
                &[
                    "tc", "filter", "add", "dev", "eth0", "ingress", "bpf", "da", "obj", "x.o",
                ],
                "socket_filter_attached",
            ),
            (&["sudo", "-u#-1", "/bin/bash"], "sudo_uid_bypass"),
            (
                &["setfacl", "-m", "u:www-data:r", "/etc/shadow"],
                "acl_modified",
            ),
            (&["update-grub"], "boot_image_changed"),
            (&["cpio", "-idmv", "-H", "newc"], "boot_image_changed"),
            (&["update-ca-certificates"], "root_certificate_installed"),
            (&["modprobe", "-r", "apparmor"], "kernel_module_unloaded"),
            (
                &["python3", "-m", "http.server", "--cgi"],
                "ad_hoc_web_server",
            ),
            (
                &["bpftool", "link", "detach", "id", "17"],
                "bpf_program_changed",
            ),
            (&["sudo", "-R", "woot", "woot"], "sudo_chroot_option"),
            (&["sudo", "--chroot=/tmp/x", "id"], "sudo_chroot_option"),
            (&["kexec", "-l", "/tmp/vmlinuz"], "kexec_kernel_load"),
            (
                &["mount", "-o", "remount,hidepid=2", "/proc"],
                "processes_hidden",
            ),
            (
                &["mount", "--bind", "/tmp/e", "/proc/4242"],
                "processes_hidden",
            ),
            (
                &["chmod", "+x", "/etc/rc.local"],
                "startup_script_made_executable",
            ),
            (&["chkconfig", "--add", "x"], "init_script_registered"),
            (
                &["python3", "-c", "import os;os.setuid(0);os.system('sh')"],
                "inline_setuid_root",
            ),
            (&["at", "now", "+", "1", "minute"], "at_job_scheduled"),
            (&["doas", "sh"], "doas_elevation"),
            (&["systemctl", "restart", "nginx"], "service_started"),
            (&["dpkg", "--purge", "auditd"], "package_removed"),
            (&["mkdir", "/dev/shm/.x"], "hidden_file_in_staging_dir"),
            (&["systemctl", "mask", "sleep.target"], "sleep_disabled"),
            (
                &[
                    "iptables",
                    "-t",
                    "nat",
                    "-A",
                    "PREROUTING",
                    "-j",
                    "REDIRECT",
                ],
                "inbound_traffic_redirected",
            ),
            (
                &["steghide", "extract", "-sf", "a.jpg"],
                "steganography_tool",
            ),
            (&["init", "0"], "host_shutdown"),
            (&["truncate", "-s", "+1M", "/usr/bin/x"], "binary_padding"),
            (
                &["tar", "cf", "a.tar", "--checkpoint-action=exec=sh x.sh"],
                "archive_tool_runs_command",
            ),
            (
                &["cp", "/lib64/ld-linux-x86-64.so.2", "/tmp/l"],
                "dynamic_linker_copied",
            ),
            (
                &[
                    "wget",
                    "https://github.com/linux-pam/linux-pam/archive/v1.tar.gz",
                ],
                "pam_source_download",
            ),
            (
                &[
                    "enlightenment_sys",
                    "/bin/mount/",
                    "-o",
                    "noexec",
                    "/dev/../tmp/;/tmp/x",
                ],
                "setuid_helper_injection",
            ),
            (&["debugfs", "/dev/sda1"], "raw_disk_access"),
            (
                &["apparmor_parser", "-o", "/tmp/p.bin", "p"],
                "apparmor_profile_compiled",
            ),
            (&["mkdir", "/usr/bin/.d"], "directory_in_binary_dir"),
            (&["printf", "\\x69\\x64"], "escaped_bytes_on_command_line"),
            (
                &["openssl", "req", "-engine", "/tmp/e.so"],
                "shared_object_loaded_by_tool",
            ),
            (&["proot", "-r", "/tmp/r", "sh"], "proot_sandbox"),
            (
                &["chown", "--reference=.r", "a"],
                "permissions_copied_from_reference",
            ),
            (&["unzip", "cat.jpg"], "steganography_tool"),
            (
                &["cp", "/bin/sh", "/tmp/crond"],
                "shell_copied_under_daemon_name",
            ),
            (&["sudo", "./execve_hijack"], "rootkit_helper"),
            (
                &["echo", "IyEvYmluL3NoCmlkCg=="],
                "encoded_script_on_command_line",
            ),
            (
                &["ln", "-s", "/bin/bash", "/tmp/.b"],
                "system_binary_linked_to_staging_dir",
            ),
        ];
        for (argv, signal) in cases {
            assert!(
                run(detect, argv).contains(signal),
                "{argv:?}: {:?}",
                run(detect, argv)
            );
        }
    }

    #[test]
    fn quiet_on_their_everyday_forms() {
        for argv in [
            &["systemctl", "restart", "falco"][..],
            &["systemctl", "status", "auditd"],
            &["systemctl", "stop", "nginx"],
            &["pkill", "-f", "gunicorn"],
            &["ufw", "allow", "22/tcp"],
            &["iptables", "-L", "-n"],
            &["iptables", "-P", "INPUT", "DROP"],
            &["nft", "list", "ruleset"],
            &["setenforce", "1"],
            &["sysctl", "-w", "net.ipv4.ip_forward=1"],
            &["dmesg", "-T"],
            &["ln", "-s", "/var/log/app", "/srv/logs"],
            &["usermod", "-aG", "video", "dev"],
            &["usermod", "-s", "/bin/zsh", "root"],
            &["setcap", "cap_net_bind_service=+ep", "/usr/local/bin/web"],
            &["chattr", "+i", "/srv/data/x"],
            &["tc", "qdisc", "add", "dev", "eth0", "root", "fq"],
            &["sudo", "-u", "postgres", "psql"],
            &["journalctl", "-u", "nginx"],
            &["setfacl", "--test", "-m", "u:x:r", "f"],
            &["cpio", "-o", "-H", "newc"],
            &["modprobe", "br_netfilter"],
            &["python3", "-m", "http.server", "8000"],
            &["bpftool", "prog", "show"],
            &["sudo", "-r", "sysadm_r", "id"],
            &["kexec", "-p", "/boot/vmlinuz"],
            &["mount", "-t", "proc", "proc", "/proc"],
            &["chmod", "644", "/etc/rc.local"],
            &["chmod", "+x", "/srv/app/run.sh"],
            &["chkconfig", "--list"],
            &["python3", "-c", "import os; print(os.getuid())"],
            &["at", "-l"],
            &["doas", "-C", "/etc/doas.conf"],
            &["systemctl", "status", "nginx"],
            &["dpkg", "-l"],
            &["dpkg", "-e", "pkg.deb", "ctl"],
            &[
                "iptables",
                "-t",
                "nat",
                "-D",
                "PREROUTING",
                "-j",
                "REDIRECT",
            ],
            &["mkdir", "/tmp/build"],
            &["systemctl", "mask", "bluetooth.service"],
            &["iptables", "-t", "nat", "-L", "PREROUTING"],
            &["steghide", "--version"],
            &["init", "3"],
            &["truncate", "-s", "0", "/srv/app/out.log"],
            &[
                "tar",
                "cf",
                "a.tar",
                "--checkpoint=1000",
                "--checkpoint-action=dot",
                "d",
            ],
            &["cp", "/etc/ld.so.conf", "/tmp/x"],
            &["curl", "-O", "https://example.com/app.tar.gz"],
            &["debugfs", "-V"],
            &["apparmor_parser", "-r", "/etc/apparmor.d/usr.sbin.nginx"],
            &["mkdir", "/usr/local/share/app"],
            &["printf", "%s\\n", "ok"],
            &["openssl", "engine", "-t"],
            &["proot", "--version"],
            &["chown", "-R", "app:app", "/srv/app"],
            &["unzip", "release.zip"],
            &["cp", "/bin/bash", "/tmp/bash-backup"],
            &["echo", "aGVsbG8gd29ybGQK"],
            &["ln", "-s", "/usr/bin/python3", "/usr/local/bin/python"],
        ] {
            // Hunting signals (informational) mark what a hunting rule looks for on purpose.
            let paging: Vec<_> = run(detect, argv)
                .into_iter()
                .filter(|s| {
                    crate::knowledge::signal_by_id(s).is_none_or(|x| x.level != "informational")
                })
                .collect();
            assert!(paging.is_empty(), "{argv:?}: {paging:?}");
        }
    }
}
