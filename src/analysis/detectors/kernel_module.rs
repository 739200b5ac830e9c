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
    }

    #[test]
    fn quiet_on_queries() {
        assert!(run(detect, &["modprobe", "-r", "floppy"]).is_empty());
        assert!(run(detect, &["modprobe", "--version"]).is_empty());
    }
}
