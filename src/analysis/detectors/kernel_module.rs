//! Kernel modules loaded by insmod/modprobe/kmod. Listing, removal and dry runs are not loads.

use super::{args, has_opt, Ctx, Findings, ProgramSet};
use crate::knowledge::signals;

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&["insmod", "modprobe", "kmod"]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        let load = match p {
            "insmod" => !a.is_empty(),
            "modprobe" => {
                !a.is_empty()
                    && !has_opt(
                        c,
                        &[
                            "-r",
                            "--remove",
                            "-l",
                            "--list",
                            "-n",
                            "--dry-run",
                            "-c",
                            "--showconfig",
                            "-V",
                            "--version",
                            "--show-depends",
                            "-D",
                        ],
                    )
            }
            "kmod" => a.first().is_some_and(|x| x == "insert" || x == "load"),
            _ => false,
        };
        let system_parent = cx.ancestor_comms().take(4).any(|c| {
            matches!(
                c,
                "systemd"
                    | "systemd-modules"
                    | "systemd-udevd"
                    | "dkms"
                    | "apt-get"
                    | "dpkg"
                    | "apt"
                    | "kubelet"
                    | "containerd"
                    | "dockerd"
                    | "udevadm"
                    | "modules-load"
            )
        });
        let staged = a
            .iter()
            .any(|x| super::in_writable_dir(x) || x.contains("/."));
        if load && !cx.in_container && system_parent && !staged {
            out.note(format!(
                "{p} run by the system's module loading, on the host"
            ));
        } else if load {
            out.hit(signals::KERNEL_MODULE_LOAD, super::join(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_loads() {
        assert_eq!(
            run(detect, &["insmod", "/tmp/rootkit.ko"]),
            ["kernel_module_load"]
        );
        assert_eq!(
            run(detect, &["modprobe", "diamorphine"]),
            ["kernel_module_load"]
        );
        assert_eq!(
            run(detect, &["modprobe", "-a", "nf_tables", "diamorphine"]),
            ["kernel_module_load"]
        );
        assert_eq!(
            run(detect, &["kmod", "insert", "diamorphine"]),
            ["kernel_module_load"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "cd /dev/shm && insmod ./r.ko"]),
            ["kernel_module_load"]
        );
    }

    #[test]
    fn quiet_on_queries() {
        assert!(run(detect, &["modprobe", "-r", "floppy"]).is_empty());
        assert!(run(detect, &["modprobe", "--version"]).is_empty());
        for query in [
            &["modprobe", "-n", "ext4"][..],
            &["modprobe", "--dry-run", "ext4"],
            &["modprobe", "--remove", "floppy"],
            &["modprobe", "-c"],
            &["modprobe", "--show-depends", "ext4"],
            &["modprobe", "-D", "ext4"],
            &["kmod", "list"],
            &["kmod", "static-nodes", "--format=tmpfiles"],
            // Without a module both only print their usage.
            &["insmod"],
            &["modprobe"],
        ] {
            assert!(run(detect, query).is_empty(), "{query:?}");
        }
    }

    #[test]
    fn the_hosts_own_module_loading_is_a_note() {
        let boot = Lineage::from_comms(["systemd-modules", "systemd"]);
        let (ids, notes) = run_with(detect, &facts(&["modprobe", "br_netfilter"]), &boot);
        assert!(ids.is_empty());
        assert_eq!(
            notes,
            ["modprobe run by the system's module loading, on the host"]
        );
        let dkms = Lineage::from_comms(["sh", "dkms", "dpkg"]);
        let argv = ["insmod", "/lib/modules/6.1.0-18-amd64/updates/dkms/zfs.ko"];
        assert!(run_with(detect, &facts(&argv), &dkms).0.is_empty());
    }

    #[test]
    fn the_system_loader_does_not_excuse_staged_modules_or_containers() {
        let boot = Lineage::from_comms(["systemd-modules", "systemd"]);
        // A module in a world-writable or hidden directory is no distribution's.
        for m in ["/tmp/br_netfilter.ko", "/lib/modules/6.1.0/.x/r.ko"] {
            assert_eq!(
                run_with(detect, &facts(&["insmod", m]), &boot).0,
                ["kernel_module_load"],
                "{m}"
            );
        }
        // From a container a load needs CAP_SYS_MODULE, whatever started it.
        let shim = Lineage::from_comms(["sh", "containerd-shim", "containerd"]);
        let f = in_container(facts(&["modprobe", "ipip"]));
        assert_eq!(run_with(detect, &f, &shim).0, ["kernel_module_load"]);
        assert!(run_with(detect, &facts(&["modprobe", "ipip"]), &shim)
            .0
            .is_empty());
    }

    #[test]
    fn only_the_nearest_four_ancestors_make_it_the_systems() {
        // An SSH session: the sshd processes stand between the shell and systemd.
        let ssh = Lineage::from_comms(["bash", "sshd", "sshd", "sshd", "systemd"]);
        assert_eq!(
            run_with(detect, &facts(&["insmod", "/root/r.ko"]), &ssh).0,
            ["kernel_module_load"]
        );
    }
}
