//! Data destruction: mkfs/mke2fs/wipefs on a block device, dd or shred onto a device. A
//! filesystem made in an image file is noted, not fired.

use super::{args, has_opt, has_short, has_short_before, Ctx, Findings, ProgramSet};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::signals;

/// Nodes (and directories) of /dev that hold no disk: pseudo-devices, memory, terminals,
/// and the filesystems mounted there.
const NOT_DISKS: &str = "null zero full random urandom stdin stdout stderr console kmsg mem \
    kmem port ptmx char shm fd pts mqueue hugepages tcp udp";

const DATA_DIRS: &[&str] = &[
    "/var/lib/postgresql",
    "/var/lib/mysql",
    "/var/lib/mongodb",
    "/var/lib/redis",
    "/var/lib/etcd",
    "/var/lib/pgsql",
    "/var/lib/cassandra",
    "/var/lib/elasticsearch",
];

/// A device node: anything under /dev but the pseudo-devices. Disks go by many names
/// (`/dev/sda1`, `/dev/nvme0n1p2`, `/dev/rbd0`), and LVM names its volumes `/dev/VG/LV`.
fn is_device(p: &str) -> bool {
    let Some(node) = p.strip_prefix("/dev/") else {
        return false;
    };
    let top = node.split('/').next().unwrap_or(node);
    !top.is_empty()
        && !node.contains("..")
        && !top.starts_with("tty")
        && !NOT_DISKS.split_whitespace().any(|n| n == top)
}

/// A path in a database's data directory: the directory or below it (`/var/lib/mysql/*`),
/// not a sibling sharing its prefix (`/var/lib/mysql-files`).
fn in_data_dir(p: &str) -> bool {
    DATA_DIRS.iter().any(|d| {
        p.strip_prefix(d)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '*']))
    })
}

/// Filesystem tools run in a mode that writes nothing.
fn writes_nothing(p: &str, c: &SimpleCommand) -> bool {
    match p {
        // wipefs(8) only lists signatures unless given -a/--all or -o/--offset, and with
        // -n/--no-act it does everything but write.
        "wipefs" => {
            let value = b"Oot";
            !(has_opt(c, &["--all", "--offset"]) || has_short_before(c, b"ao", value))
                || has_opt(c, &["--no-act"])
                || has_short_before(c, b"n", value)
        }
        // mke2fs(8) -n: does not create the filesystem, only shows what it would do. (-n is
        // something else to mkfs.xfs and mkfs.vfat.)
        "mke2fs" | "mkfs.ext2" | "mkfs.ext3" | "mkfs.ext4" => {
            has_short_before(c, b"n", b"bCdeEgGiIJlLmMNoOrtTUz")
        }
        _ => false,
    }
}

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&[
        "mkfs", "mke2fs", "wipefs", "mkswap", "dd", "shred", "rm",
    ]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        let mkfs = p == "mkfs"
            || p.starts_with("mkfs.")
            || p == "mke2fs"
            || p == "wipefs"
            || p == "mkswap";
        if mkfs && !writes_nothing(p, c) {
            if let Some(dev) = a.iter().find(|x| is_device(x)) {
                out.hit(signals::DISK_DESTRUCTION, format!("{p} on {dev}"));
            } else if !a.is_empty() && !super::version_query_only(c) {
                out.note(format!("{p} targets a file, not a block device"));
            }
        }
        if p == "dd" {
            if let Some(dev) = a
                .iter()
                .find_map(|x| x.strip_prefix("of="))
                .filter(|d| is_device(d))
            {
                out.hit(signals::DISK_DESTRUCTION, format!("dd writing onto {dev}"));
            }
        }
        if matches!(p, "shred" | "rm") {
            if let Some(db) = a.iter().find(|x| in_data_dir(x)) {
                out.hit(
                    signals::DISK_DESTRUCTION,
                    format!("{p} on database files ({db})"),
                );
            }
        }
        if p == "shred" {
            if let Some(dev) = a.iter().find(|x| is_device(x)) {
                out.hit(signals::DISK_DESTRUCTION, format!("shred on {dev}"));
            }
        }
        if p == "rm"
            // rm(1): -r, -R and --recursive are the same option.
            && (has_short(c, b'r') || has_short(c, b'R') || has_opt(c, &["--recursive"]))
            && a.iter().any(|x| x == "/" || x == "/*")
            && a.iter().any(|x| x == "--no-preserve-root" || x == "/*")
        {
            out.hit(signals::DISK_DESTRUCTION, format!("rm {}", a.join(" ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_devices() {
        assert_eq!(
            run(detect, &["mkfs.ext4", "/dev/sda1"]),
            ["disk_destruction"]
        );
        assert_eq!(
            run(detect, &["dd", "if=/dev/zero", "of=/dev/nvme0n1", "bs=1M"]),
            ["disk_destruction"]
        );
    }

    #[test]
    fn fires_on_filesystem_tools_on_a_device() {
        for argv in [
            &["mkfs", "-t", "xfs", "/dev/vdb"][..],
            &["mke2fs", "-F", "/dev/mapper/vg0-data"],
            &["wipefs", "-a", "/dev/sdb"],
            &["mkswap", "/dev/nvme0n1p3"],
            &["sudo", "mkfs.xfs", "-f", "/dev/xvdf"],
        ] {
            assert_eq!(run(detect, argv), ["disk_destruction"], "{argv:?}");
        }
    }

    #[test]
    fn notes_a_filesystem_made_in_a_file() {
        // The everyday swap file.
        let (ids, notes) = run_with(
            detect,
            &facts(&["mkswap", "/swapfile"]),
            &Lineage::default(),
        );
        assert!(ids.is_empty());
        assert_eq!(notes, ["mkswap targets a file, not a block device"]);
        // Asking the tool about itself, or giving it nothing, is not even a note.
        for argv in [&["mkfs.ext4", "-V"][..], &["mkfs"]] {
            assert_eq!(
                run_with(detect, &facts(argv), &Lineage::default()),
                (vec![], vec![])
            );
        }
    }

    #[test]
    fn fires_on_dd_and_shred_onto_a_device() {
        assert_eq!(
            run(detect, &["shred", "-n", "1", "-z", "/dev/sda"]),
            ["disk_destruction"]
        );
        // Reading a disk (an image backup, a speed test) writes no device.
        assert!(run(
            detect,
            &["dd", "if=/dev/sda", "of=/backup/sda.img", "bs=4M"]
        )
        .is_empty());
        assert!(run(detect, &["dd", "if=/dev/nvme0n1", "of=/dev/null", "bs=1M"]).is_empty());
    }

    #[test]
    fn fires_on_removing_database_files() {
        assert_eq!(
            run(detect, &["sh", "-c", "rm -rf /var/lib/mysql/*"]),
            ["disk_destruction"]
        );
        assert_eq!(
            run(
                detect,
                &["shred", "-u", "/var/lib/postgresql/15/main/base/16384/2619"]
            ),
            ["disk_destruction"]
        );
        // Other service state under /var/lib.
        assert!(run(detect, &["rm", "-rf", "/var/lib/apt/lists/partial"]).is_empty());
    }

    #[test]
    fn fires_on_removing_the_root() {
        assert_eq!(
            run(detect, &["rm", "-rf", "--no-preserve-root", "/"]),
            ["disk_destruction"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "rm -fr /*"]),
            ["disk_destruction"]
        );
        // GNU rm refuses `/` without --no-preserve-root; emptying /tmp is housekeeping.
        assert!(run(detect, &["rm", "-rf", "/"]).is_empty());
        assert!(run(detect, &["sh", "-c", "rm -rf /tmp/*"]).is_empty());
    }

    #[test]
    fn quiet_when_a_filesystem_tool_writes_nothing() {
        for argv in [
            // wipefs without -a or -o only lists the signatures; -n writes nothing.
            &["wipefs", "/dev/sdb"][..],
            &["wipefs", "--no-act", "--all", "/dev/sdb"],
            &["wipefs", "-n", "-a", "/dev/sdb"],
            &["wipefs", "-an", "/dev/sdb"],
            // mke2fs -n only shows what it would do.
            &["mke2fs", "-n", "/dev/sdb1"],
            &["mkfs.ext4", "-F", "-n", "/dev/sdb1"],
        ] {
            assert_eq!(
                run_with(detect, &facts(argv), &Lineage::default()),
                (vec![], vec![]),
                "{argv:?}"
            );
        }
        for argv in [
            &["wipefs", "--all", "/dev/sdb"][..],
            &["wipefs", "-fa", "/dev/sdb"],
            &["wipefs", "-o", "0x438", "/dev/sdb1"],
            // A value attached to an option is not -n.
            &["wipefs", "-a", "-tnoext4", "/dev/sdb"],
            &["mke2fs", "-Lnas", "/dev/sdb1"],
            // To mkfs.xfs, -n sets the naming section.
            &["mkfs.xfs", "-n", "size=8192", "/dev/sdb1"],
        ] {
            assert_eq!(run(detect, argv), ["disk_destruction"], "{argv:?}");
        }
    }

    #[test]
    fn matches_database_directories_by_whole_component() {
        assert!(run(detect, &["rm", "-f", "/var/lib/mysql-files/report.csv"]).is_empty());
        assert!(run(detect, &["rm", "-rf", "/var/lib/redis-backups/old"]).is_empty());
        for argv in [
            &["rm", "-rf", "/var/lib/mysql"][..],
            &["sh", "-c", "rm -rf /var/lib/mysql*"],
        ] {
            assert_eq!(run(detect, argv), ["disk_destruction"], "{argv:?}");
        }
    }

    #[test]
    fn reads_every_spelling_of_recursive() {
        for argv in [
            &["sh", "-c", "rm -Rf /*"][..],
            &["rm", "--recursive", "--force", "--no-preserve-root", "/"],
        ] {
            assert_eq!(run(detect, argv), ["disk_destruction"], "{argv:?}");
        }
        assert!(run(detect, &["rm", "-Rf", "/tmp/build"]).is_empty());
        // Refused without --no-preserve-root.
        assert!(run(detect, &["rm", "--recursive", "--force", "/"]).is_empty());
    }

    #[test]
    fn fires_on_any_device_node() {
        // LVM names volumes /dev/VG/LV; Ceph and NBD disks have names of their own.
        for argv in [
            &["mkfs.ext4", "/dev/vg0/data"][..],
            &["dd", "if=/dev/zero", "of=/dev/vg0/data", "bs=1M"],
            &["mkfs.xfs", "/dev/rbd0"],
            &["shred", "-n", "1", "/dev/nbd0"],
        ] {
            assert_eq!(
                run_with(detect, &facts(argv), &Lineage::default()),
                (vec!["disk_destruction"], vec![]),
                "{argv:?}"
            );
        }
        // Pseudo-devices, terminals and the files of /dev/shm hold no disk.
        for argv in [
            &["dd", "if=/tmp/blob", "of=/dev/stdout"][..],
            &["dd", "if=/tmp/blob", "of=/dev/fd/1"],
            &["dd", "if=/dev/zero", "of=/dev/ttyS0", "count=1"],
            &["shred", "-u", "/dev/shm/session.key"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn quiet_on_files() {
        assert!(run(detect, &["mkfs.ext4", "/tmp/disk.img"]).is_empty());
        assert!(run(
            detect,
            &["dd", "if=/dev/zero", "of=/tmp/blob", "bs=1M", "count=1"]
        )
        .is_empty());
    }
}
