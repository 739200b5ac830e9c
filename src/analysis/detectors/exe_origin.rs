//! Where the executable came from, read from the execve exe flags (exec-ground-truth.md §1):
//! EXE_UPPER_LAYER is drift (not in the image), EXE_FROM_MEMFD is fileless execution,
//! EXE_LOWER_LAYER means shipped in the image (context, never tampering), and EXE_WRITABLE
//! matters only for a non-root user (root can write nearly everything it runs).

use super::{Ctx, Findings};
use crate::facts::ExeFlags;
use crate::knowledge::signals;

/// Always: a few flag tests.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let path = cx.exe_path;
    if cx.flag(ExeFlags::FROM_MEMFD)
        || path.starts_with("memfd:")
        || path.starts_with("/proc/self/fd/")
        || path.starts_with("/dev/fd/")
    {
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
    }
}
