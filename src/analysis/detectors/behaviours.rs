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
    let contains = |set: &[&str]| {
        set.is_empty()
            || args
                .iter()
                .any(|a| set.iter().any(|c| contains_ignoring_case(a, c)))
    };
    let excluded = args.iter().any(|a| b.none_word.contains(&a.as_ref()));
    word(b.any_word)
        && word(b.and_word)
        && prefix
        && contains(b.any_contains)
        && contains(b.and_contains)
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
        if contains {
            return list.iter().any(|i| contains_ignoring_case(a, i));
        }
        let unit = a
            .len()
            .checked_sub(".service".len())
            .filter(|&at| a.is_char_boundary(at) && a[at..].eq_ignore_ascii_case(".service"));
        let name = super::basename(unit.map_or(&**a, |at| &a[..at]));
        list.iter().any(|i| name.eq_ignore_ascii_case(i))
    })
}

/// `hay` contains `needle`, ignoring ASCII case, without allocating a lowercased copy on
/// the hot path.
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The value of one of `options` (`-G x`, `--groups=x`), split on commas, lowercased, is
/// an item of `list`.
fn value_in(args: &[Arg], options: &[&str], list: &[&str]) -> bool {
    let in_list = |v: &str| {
        v.split(',')
            .any(|g| list.iter().any(|i| g.trim().eq_ignore_ascii_case(i)))
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

    /// Each command raises its signal (among others).
    fn each_raises(cases: &[(&[&str], &str)]) {
        for (argv, signal) in cases {
            let ids = run(detect, argv);
            assert!(ids.contains(signal), "{argv:?}: {ids:?}");
        }
    }

    #[test]
    fn words_lists_and_units_match_without_case() {
        assert!(contains_ignoring_case("/usr/bin/AliYunDun", "aliyundun"));
        assert!(contains_ignoring_case("x", ""));
        assert!(!contains_ignoring_case("ali", "aliyundun"));
        assert_eq!(
            run(detect, &["systemctl", "stop", "Falco.SERVICE"]),
            ["security_tool_disabled"]
        );
        assert_eq!(
            run(detect, &["pkill", "-9", "-f", "AliYunDun"]),
            ["security_tool_disabled"]
        );
    }

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
        each_raises(cases);
    }

    #[test]
    fn quiet_on_their_everyday_forms() {
        for argv in [
            &["systemctl", "restart", "falco"][..],
            &["systemctl", "status", "auditd"],
            &["systemctl", "stop", "nginx"],
            &["pkill", "-f", "gunicorn"],
            &["ufw", "allow", "22/tcp"],
            &["iptables", "-P", "INPUT", "DROP"],
            &["nft", "list", "ruleset"],
            &["setenforce", "1"],
            &["sysctl", "-w", "vm.swappiness=10"],
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

    /// The hunting entries: each raises exactly its informational signal, never one that
    /// pages.
    #[test]
    fn hunting_forms_raise_their_informational_signal() {
        let cases: &[(&[&str], &str)] = &[
            (&["iptables", "-L", "-n"], "network_configuration_discovery"),
            (&["ip", "addr", "show"], "network_configuration_discovery"),
            (
                &["curl", "-s", "ifconfig.me"],
                "network_configuration_discovery",
            ),
            (&["ss", "-tulpn"], "network_connections_discovery"),
            (&["arp", "-an"], "remote_system_discovery"),
            (&["ping", "-c", "1", "10.0.0.1"], "remote_system_discovery"),
            (&["getcap", "-r", "/"], "file_and_directory_discovery"),
            (&["ls", "-laR", "/srv"], "file_and_directory_discovery"),
            (&["groups"], "permission_discovery"),
            (&["sudo", "-l"], "permission_discovery"),
            (&["cat", "/etc/sudoers"], "permission_discovery"),
            (&["chage", "-l", "alice"], "password_policy_discovery"),
            (&["dpkg", "-l", "libpam-modules"], "software_discovery"),
            (
                &["grep", "-E", "falco|osqueryd"],
                "security_software_discovery",
            ),
            (&["cat", "/proc/1/cgroup"], "system_information_discovery"),
            (&["ls", "-di", "/"], "system_information_discovery"),
            (
                &["dmidecode", "-t", "system"],
                "system_information_discovery",
            ),
            (&["cat", "/proc/812/maps"], "process_discovery"),
            (&["cat", "/home/a/.bash_history"], "shell_history_read"),
            (
                &["xclip", "-selection", "clipboard", "-o"],
                "clipboard_collection",
            ),
            (&["import", "-window", "root", "a.png"], "screen_capture"),
            (&["arecord", "-d", "5", "a.wav"], "audio_capture"),
            (&["tar", "czf", "a.tgz", "/srv"], "data_archived"),
            (&["pg_dump", "app"], "database_dump"),
            (&["split", "-b", "5M", "x"], "data_split"),
            (&["python3", "-m", "http.server"], "ad_hoc_file_server"),
            (&["proxychains4", "nmap", "10.0.0.1"], "proxy_use"),
            (
                &["curl", "--socks5", "127.0.0.1:9050", "http://x/"],
                "proxy_use",
            ),
            (&["sysctl", "-w", "net.ipv4.ip_forward=1"], "proxy_use"),
            (
                &["curl", "https://api.telegram.org/bot1:a/sendMessage"],
                "web_service_channel",
            ),
            (
                &["kubectl", "apply", "-f", "https://example.com/m.yaml"],
                "remote_manifest_applied",
            ),
            (&["funzip"], "embedded_archive_unpacked"),
            (&["ssh", "-X", "dev@build01"], "ssh_x11_forwarding"),
            (&["nc", "-U", "/run/x.sock"], "unix_socket_client"),
            (
                &["socat", "-", "UNIX-CLIENT:/run/x.sock"],
                "unix_socket_client",
            ),
            (
                &["aws", "--endpoint-url", "http://localhost:4566", "s3", "ls"],
                "web_service_channel",
            ),
            (&["gh", "auth", "token"], "cli_token_read"),
            (
                &["curl", "-A", "Mozilla/5.0", "http://x/"],
                "custom_user_agent",
            ),
            (
                &["wget", "--user-agent=x", "http://x/"],
                "custom_user_agent",
            ),
            (
                &["git", "clone", "https://example.com/a/CVE-2021-4034-poc"],
                "exploit_repository_cloned",
            ),
            (
                &["od", "-c", "/etc/ld.so.preload"],
                "file_and_directory_discovery",
            ),
            (
                &["tail", "-c", "+100", "/boot/vmlinuz-6.1.0"],
                "system_information_discovery",
            ),
        ];
        for (argv, signal) in cases {
            assert_eq!(run(detect, argv), [*signal], "{argv:?}");
        }
    }

    #[test]
    fn fires_on_credential_and_channel_forms() {
        let cases: &[(&[&str], &str)] = &[
            (&["cat", "/proc/812/mem"], "process_memory_dump"),
            (
                &["dd", "if=/proc/812/mem", "of=/tmp/m"],
                "process_memory_dump",
            ),
            (&["gdb", "-p", "1"], "process_memory_dump"),
            (&["gdb", "--pid=1"], "process_memory_dump"),
            (
                &["tar", "czf", "/tmp/k.tgz", "/root/.ssh"],
                "sensitive_files_archived",
            ),
            (
                &["zip", "-r", "k.zip", "/home/a/.aws"],
                "sensitive_files_archived",
            ),
            (
                &["amazon-ssm-agent", "-register", "-code", "x", "-id", "y"],
                "remote_access_agent_registered",
            ),
            (
                &["ew", "-s", "rssocks", "-d", "198.51.100.4"],
                "tunnel_tool",
            ),
            (&["find", "/", "-name", ".htpasswd"], "private_key_search"),
            (
                &["strace", "-p", "$(pgrep -o sshd)", "-e", "trace=read"],
                "ssh_password_sniffing",
            ),
        ];
        each_raises(cases);
    }

    #[test]
    fn quiet_on_the_look_alikes_of_the_hunting_forms() {
        for argv in [
            &["cat", "/proc/meminfo"][..],
            &["cat", "/proc/pressure/memory"],
            &["gdb", "-p", "2317"],
            &["tar", "xzf", "keys.tgz", "-C", "/root/.ssh"],
            &["apt", "install", "policykit-1"],
            &["ip", "addr", "add", "10.0.0.2/24", "dev", "eth0"],
            &["xterm", "-display", ":0"],
            &["kubectl", "apply", "-f", "k8s/"],
            &["curl", "-x", "http://proxy:3128", "https://example.com/"],
            &["sudo", "-u", "postgres", "psql"],
            &["amazon-ssm-agent", "-version"],
            &["ls", "-la", "/"],
            &["grep", "-r", "TODO", "src/"],
            &["git", "clone", "https://github.com/falcosecurity/rules.git"],
            &["gh", "pr", "list"],
            &["ssh", "deploy@web01"],
            &["strace", "-f", "-p", "23817"],
        ] {
            assert!(
                run(detect, argv).is_empty(),
                "{argv:?}: {:?}",
                run(detect, argv)
            );
        }
    }
}
