//! Where the executable came from, read from the execve exe flags (exec-ground-truth.md §1):
//! EXE_UPPER_LAYER is drift (not in the image), EXE_FROM_MEMFD is fileless execution,
//! EXE_LOWER_LAYER means shipped in the image (context, never tampering), and EXE_WRITABLE
//! matters only for a non-root user (root can write nearly everything it runs).

use super::{Ctx, Findings};
use crate::facts::ExeFlags;
use crate::knowledge::signals;

/// Always: a few flag tests.
pub use super::always as wants;

/// runc since 1.1.15 re-executes itself from a memfd copy of its binary at container start:
/// `runc init` from `memfd:runc_cloned:/proc/self/exe` (falcosecurity/falco#3444; upstream
/// allows it, falcosecurity/rules#268). argv[0] is how runc was invoked, or `runc:[N:NAME]`
/// as it renames its stages.
fn runc_init_clone(cx: &Ctx) -> bool {
    let argv = &cx.facts.argv;
    let argv0 = argv.first().map_or("", String::as_str);
    cx.exe_path.starts_with("memfd:runc_cloned:")
        && (super::basename(argv0) == "runc" || argv0.starts_with("runc:["))
        && argv.get(1).is_some_and(|a| a == "init")
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let path = cx.exe_path;
    let memfd = cx.flag(ExeFlags::FROM_MEMFD)
        || path.starts_with("memfd:")
        || path.starts_with("/proc/self/fd/")
        || path.starts_with("/dev/fd/");
    if memfd && runc_init_clone(cx) {
        out.note(format!(
            "runc init from {path}: runc 1.1.15 and later start containers from a memfd copy of themselves"
        ));
    } else if memfd {
        out.hit(
            signals::EXE_MEMFD,
            format!("{path} runs from an anonymous memfd (EXE_FROM_MEMFD): nothing on disk"),
        );
    }
    if cx.flag(ExeFlags::UPPER_LAYER) {
        out.hit(signals::EXE_DRIFT, format!("{path} is not in the image: written to the container's writable layer (EXE_UPPER_LAYER)"));
    }
    if cx.flag(ExeFlags::WRITABLE) && cx.facts.uid.is_some_and(|u| u != 0) {
        out.hit(
            signals::WRITABLE_EXE_NON_ROOT,
            format!("{path} is writable by the non-root user running it (EXE_WRITABLE)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    fn with_flags(bits: u32, uid: u32) -> Vec<&'static str> {
        let mut f = in_container(facts(&["x"]));
        f.exe_path = Some("/usr/bin/x".into());
        f.exe_flags = Some(ExeFlags(bits));
        f.uid = Some(uid);
        run_with(detect, &f, &Lineage::default()).0
    }

    #[test]
    fn fires_on_drift_memfd_and_nonroot_writable() {
        assert_eq!(with_flags(ExeFlags::UPPER_LAYER, 0), ["exe_drift"]);
        assert_eq!(with_flags(ExeFlags::FROM_MEMFD, 0), ["exe_memfd"]);
        assert_eq!(
            with_flags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER, 1000),
            ["writable_exe_non_root"]
        );
    }

    #[test]
    fn lower_layer_and_root_writable_are_context_only() {
        assert!(with_flags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER, 0).is_empty());
        assert!(with_flags(ExeFlags::LOWER_LAYER, 1000).is_empty());
    }

    fn at_path(exe: &str) -> Vec<&'static str> {
        let mut f = facts(&["x"]);
        f.exe_path = Some(exe.into());
        run_with(detect, &f, &Lineage::default()).0
    }

    #[test]
    fn fires_on_a_memfd_path_without_flags() {
        // Old drivers send no exe flags; the path still tells.
        assert_eq!(at_path("memfd:payload (deleted)"), ["exe_memfd"]);
        assert_eq!(at_path("/proc/self/fd/3"), ["exe_memfd"]);
        assert_eq!(at_path("/dev/fd/4"), ["exe_memfd"]);
        // Re-executing oneself from disk (`/proc/self/exe`) is not fileless.
        assert!(at_path("/proc/self/exe").is_empty());
        assert!(at_path("/usr/bin/memfd-test").is_empty());
    }

    #[test]
    fn fires_on_drift_and_writable_together() {
        // A dropped binary that is writable by its non-root user is both.
        assert_eq!(
            with_flags(ExeFlags::UPPER_LAYER | ExeFlags::WRITABLE, 1000),
            ["exe_drift", "writable_exe_non_root"]
        );
        // An unknown user is not taken for a non-root one.
        let mut f = facts(&["x"]);
        f.exe_flags = Some(ExeFlags(ExeFlags::WRITABLE));
        f.uid = None;
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }

    #[test]
    fn quiet_on_runc_init_from_its_own_memfd_clone() {
        let runc = |argv: &[&str], exe: &str| {
            let mut f = in_container(facts(argv));
            f.exe_path = Some(exe.into());
            f.exe_flags = Some(ExeFlags(ExeFlags::FROM_MEMFD));
            f.uid = Some(0);
            run_with(detect, &f, &Lineage::default())
        };
        let clone = "memfd:runc_cloned:/proc/self/exe";
        for argv in [
            &["runc", "init"][..],
            &["/usr/bin/runc", "init"],
            &["runc:[2:INIT]", "init"],
        ] {
            let (ids, notes) = runc(argv, clone);
            assert!(ids.is_empty(), "{argv:?}");
            assert_eq!(notes.len(), 1, "{argv:?}");
        }
        // Every other memfd exec still fires: another program or command in runc's clone,
        // and runc run from a memfd of another name.
        for (argv, exe) in [
            (&["sh", "-c", "id"][..], clone),
            (&["runc", "exec", "x"], clone),
            (&["runc", "init"], "memfd:payload"),
            (&["runc", "init"], "/proc/self/fd/3"),
        ] {
            assert_eq!(runc(argv, exe).0, ["exe_memfd"], "{argv:?} {exe}");
        }
    }
}
