//! Linux capability numbers and the ones worth naming in a triage.
//!
//! Numbers from `include/uapi/linux/capability.h`. Only capabilities that widen what a
//! compromised process can do *beyond* Docker's default set are called dangerous: the default
//! set (CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE,
//! NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP) is held by every root container, so
//! listing it would flag every container and tell the reader nothing.

/// Capability names by number, 0..=40.
const NAMES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// Capabilities that give a container a path to the host or to other workloads, with the
/// reason, in the order they are reported.
pub const DANGEROUS_CAPS: &[(u8, &str)] = &[
    (21, "mount, namespaces, cgroups, most escapes"), // CAP_SYS_ADMIN
    (16, "loads kernel modules"),                     // CAP_SYS_MODULE
    (19, "ptrace/inject into other processes"),       // CAP_SYS_PTRACE
    (17, "raw I/O ports and /dev/mem"),               // CAP_SYS_RAWIO
    (39, "loads eBPF programs"),                      // CAP_BPF
    (38, "perf events on the whole system"),          // CAP_PERFMON
    (2, "reads any file, open_by_handle_at escape (shocker)"), // CAP_DAC_READ_SEARCH
    (12, "reconfigures host or pod networking"),      // CAP_NET_ADMIN
    (22, "reboots or kexecs the host"),               // CAP_SYS_BOOT
    (25, "sets the system clock"),                    // CAP_SYS_TIME
    (30, "changes kernel audit rules"),               // CAP_AUDIT_CONTROL
    (33, "changes LSM (AppArmor/SELinux) policy"),    // CAP_MAC_ADMIN
    (32, "bypasses LSM policy"),                      // CAP_MAC_OVERRIDE
];

/// The `linux/capability.h` name of capability `n`, if known.
pub fn cap_name(n: u8) -> Option<&'static str> {
    NAMES.get(usize::from(n)).copied()
}

/// The number of a capability by name (`CAP_SYS_ADMIN` or `sys_admin`, any case).
pub fn cap_number(name: &str) -> Option<u8> {
    let name = name.trim();
    let bare = name
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("CAP_"))
        .map_or(name, |_| &name[4..]);
    NAMES
        .iter()
        .position(|c| c[4..].eq_ignore_ascii_case(bare))
        .and_then(|i| u8::try_from(i).ok())
}

/// Bits 0..=37: every capability of Linux 3.16 to 5.7. `--privileged` grants every capability
/// the kernel knows, so on kernels before 5.8/5.9 (no PERFMON, BPF, CHECKPOINT_RESTORE) a
/// privileged container holds exactly these; newer kernels add bits 38..=40.
pub(crate) const PRIVILEGED_MASK: u64 = (1 << 38) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_capability_h() {
        assert_eq!(cap_name(0), Some("CAP_CHOWN"));
        assert_eq!(cap_name(12), Some("CAP_NET_ADMIN"));
        assert_eq!(cap_name(19), Some("CAP_SYS_PTRACE"));
        assert_eq!(cap_name(21), Some("CAP_SYS_ADMIN"));
        assert_eq!(cap_name(31), Some("CAP_SETFCAP"));
        assert_eq!(cap_name(37), Some("CAP_AUDIT_READ"));
        assert_eq!(cap_name(39), Some("CAP_BPF"));
        assert_eq!(cap_name(40), Some("CAP_CHECKPOINT_RESTORE"));
        assert_eq!(cap_name(41), None);
        assert_eq!(cap_number("CAP_SYS_ADMIN"), Some(21));
        assert_eq!(cap_number("sys_admin"), Some(21));
        assert_eq!(cap_number("cap_bpf"), Some(39));
        assert_eq!(cap_number("CAP_NOPE"), None);
        for n in 0..=40u8 {
            assert_eq!(cap_name(n).and_then(cap_number), Some(n));
        }
    }

    #[test]
    fn docker_default_caps_are_not_dangerous() {
        // Docker's default effective set as seen in a root container: 0xa80425fb.
        let docker_default: u64 = 0xa80425fb;
        for (bit, _) in DANGEROUS_CAPS {
            assert_eq!(docker_default & (1 << bit), 0, "{:?}", cap_name(*bit));
        }
    }
}
