//! Kernel modules loaded by insmod/modprobe/kmod. Listing, removal and dry runs are not loads.

use super::{args, has_opt, has_short_before, Ctx, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

/// modprobe(8) options that print or remove instead of loading: --remove, --resolve-alias
/// (prints the names only), --show-depends, --showconfig, --show-modversions, --dry-run and
/// its synonym --show, --version, --help; --list is the old module-init-tools listing.
const NO_LOAD_LONG: &[&str] = &[
    "--remove",
    "--resolve-alias",
    "--show-depends",
    "--showconfig",
    "--show-config",
    "--show-modversions",
    "--dump-modversions",
    "--dry-run",
    "--show",
    "--version",
    "--help",
    "--list",
];

/// Short options of the same: -r, -R, -D, -c, -n, -V, -h, and the old -l, in a cluster
/// (`-rv`, `-nv`, `-qR`) read up to -C, -d or -S, which take the rest of the word as their
/// value (kmod's `arRibfDcnC:d:S:sqvVh`).
const NO_LOAD_SHORT: &[u8] = b"rRDcnVhl";
const SHORT_WITH_VALUE: &[u8] = b"CdS";

/// Programs that stand between the process asking for a module and the load: shells, and
/// modprobe itself, which runs modprobe.d `install` commands through `sh -c`.
fn is_wrapper(comm: &str, class: Option<ToolClass>) -> bool {
    class == Some(ToolClass::Shell) || matches!(comm, "modprobe" | "kmod")
}

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&["insmod", "modprobe", "kmod"]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    // The process that asked for the load: the nearest parent past the shells and modprobe
    // in between. Only that one excuses it; a loader further up (systemd above nginx or
    // cron) is the ancestor of everything.
    let requester = cx
        .ancestors()
        .take(4)
        .find(|(comm, class)| !is_wrapper(comm, *class))
        .map(|(comm, _)| comm);
    // The kernel's own autoload (request_module: a new socket family, filesystem or device
    // asks for `modprobe -q -- NAME`) runs modprobe as a usermode helper under kthreadd or
    // a kworker.
    let system_parent = requester.is_some_and(|c| {
        c.starts_with("kworker/")
            || matches!(
                c,
                "kthreadd"
                    | "systemd"
                    | "systemd-modules"
                    | "systemd-modules-load"
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
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        let load = match p {
            "insmod" => !a.is_empty(),
            "modprobe" => {
                !a.is_empty()
                    && !has_opt(c, NO_LOAD_LONG)
                    && !has_short_before(c, NO_LOAD_SHORT, SHORT_WITH_VALUE)
            }
            "kmod" => a.first().is_some_and(|x| x == "insert" || x == "load"),
            _ => false,
        };
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
    fn the_kernels_own_autoload_is_quiet() {
        for parent in ["kthreadd", "kworker/u4:1"] {
            let lineage = Lineage::from_comms([parent]);
            let f = facts(&["/sbin/modprobe", "-q", "--", "net-pf-10"]);
            let (ids, notes) = run_with(detect, &f, &lineage);
            assert!(ids.is_empty(), "{parent}: {ids:?}");
            assert!(!notes.is_empty());
            // A staged file is not a module the kernel asked for.
            let f = facts(&["/sbin/modprobe", "/tmp/.r/r.ko"]);
            assert_eq!(run_with(detect, &f, &lineage).0, ["kernel_module_load"]);
        }
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
        // From a container a load needs CAP_SYS_MODULE, whatever started it (here a systemd
        // unit, as in a systemd container; on the host that is the system's own loading).
        let unit = Lineage::from_comms(["systemd"]);
        let f = in_container(facts(&["modprobe", "ipip"]));
        assert_eq!(run_with(detect, &f, &unit).0, ["kernel_module_load"]);
        assert!(run_with(detect, &facts(&["modprobe", "ipip"]), &unit)
            .0
            .is_empty());
        // Nor is a container shim a module loader, on the host either: the containerd above
        // it is not the process that asked.
        let shim = Lineage::from_comms(["sh", "containerd-shim", "containerd"]);
        assert_eq!(run_with(detect, &f, &shim).0, ["kernel_module_load"]);
        assert_eq!(
            run_with(detect, &facts(&["modprobe", "ipip"]), &shim).0,
            ["kernel_module_load"]
        );
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

    #[test]
    fn a_distant_system_ancestor_does_not_excuse_a_load() {
        // A web shell and a cron job: systemd is the ancestor of everything.
        let web = Lineage::from_comms(["sh", "nginx", "nginx", "systemd"]);
        let argv = ["insmod", "/var/www/html/r.ko"];
        assert_eq!(
            run_with(detect, &facts(&argv), &web).0,
            ["kernel_module_load"]
        );
        let cron = Lineage::from_comms(["sh", "cron", "cron", "systemd"]);
        let argv = ["modprobe", "diamorphine"];
        assert_eq!(
            run_with(detect, &facts(&argv), &cron).0,
            ["kernel_module_load"]
        );
        // The loader as the parent, or past a shell and modprobe's own `install` command.
        for parents in [
            &["systemd"][..],
            &["systemd-udevd", "systemd"],
            &["sh", "modprobe", "systemd-udevd"],
            &["sh", "dpkg", "apt-get"],
        ] {
            let lineage = Lineage::from_comms(parents.iter().copied());
            assert!(
                run_with(detect, &facts(&["modprobe", "overlay"]), &lineage)
                    .0
                    .is_empty(),
                "{parents:?}"
            );
        }
    }

    #[test]
    fn removals_and_queries_in_clusters_and_synonyms() {
        for query in [
            &["modprobe", "-rv", "floppy"][..],
            &["modprobe", "-nv", "ext4"],
            &["modprobe", "-qR", "pci:v00008086d00001533sv*"],
            &["modprobe", "--show", "ext4"],
            &["modprobe", "-R", "net-pf-10"],
            &["modprobe", "--resolve-alias", "net-pf-10"],
            &["modprobe", "--show-config"],
            &[
                "modprobe",
                "--show-modversions",
                "/lib/modules/6.1.0/kernel/fs/ext4.ko",
            ],
        ] {
            assert!(run(detect, query).is_empty(), "{query:?}");
        }
        // Options that still load; -S takes the rest of its word (`-S6.1.0-rc1`).
        for load in [
            &["modprobe", "-qv", "diamorphine"][..],
            &["modprobe", "-S6.1.0-rc1", "diamorphine"],
            &["modprobe", "-C", "/etc/x.conf", "diamorphine"],
            &["modprobe", "--", "-r"],
        ] {
            assert_eq!(run(detect, load), ["kernel_module_load"], "{load:?}");
        }
    }
}
