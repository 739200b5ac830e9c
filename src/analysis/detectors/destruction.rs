//! Data destruction: mkfs/mke2fs/wipefs on a block device, dd or shred onto a device. A
//! filesystem made in an image file is noted, not fired.

use super::{args, Ctx, Findings, ProgramSet};
use crate::knowledge::signals;

const DEVICES: &[&str] = &[
    "/dev/sd",
    "/dev/nvme",
    "/dev/vd",
    "/dev/xvd",
    "/dev/hd",
    "/dev/mmcblk",
    "/dev/dm-",
    "/dev/mapper/",
    "/dev/md",
    "/dev/loop",
    "/dev/disk/",
];

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

fn is_device(p: &str) -> bool {
    DEVICES.iter().any(|d| p.starts_with(d))
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
        if mkfs {
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
            if let Some(db) = a
                .iter()
                .find(|x| DATA_DIRS.iter().any(|d| x.starts_with(d)))
            {
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
            && super::has_short(c, b'r')
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
    fn quiet_on_files() {
        assert!(run(detect, &["mkfs.ext4", "/tmp/disk.img"]).is_empty());
        assert!(run(
            detect,
            &["dd", "if=/dev/zero", "of=/tmp/blob", "bs=1M", "count=1"]
        )
        .is_empty());
    }
}
