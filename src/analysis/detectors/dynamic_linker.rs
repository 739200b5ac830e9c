//! Dynamic linker hijacking: LD_PRELOAD in the environment (or in front of a command),
//! LD_LIBRARY_PATH searching a writable or hidden directory, and writes to /etc/ld.so.preload.
//! Well-known preloads set on purpose (jemalloc, tcmalloc, libfaketime, stdbuf's libstdbuf)
//! are noted, not fired.

use super::needles::Needles;
use super::{in_writable_dir, is_printer, writes_path, Ctx, EnvNames, Findings};
use crate::knowledge::signals;

const KNOWN_PRELOADS: &[&str] = &[
    "libjemalloc",
    "libtcmalloc",
    "libfaketime",
    "libstdbuf",
    "libeatmydata",
    "libasan",
    "libnss_wrapper",
    "libmimalloc",
    "vgpreload",
];
const PRELOAD_FILE: &str = "/etc/ld.so.preload";

pub fn wants(cx: &Ctx) -> bool {
    static PRELOAD: Needles = Needles::new(&[PRELOAD_FILE]);
    cx.env_may_hold(EnvNames::of(&["LD_PRELOAD", "LD_LIBRARY_PATH"]))
        || cx.may_write()
        || cx.words_may_hold(&PRELOAD)
        || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if let Some(v) = cx.env("LD_PRELOAD").filter(|v| !v.is_empty()) {
        let lib = super::basename(v.split([':', ' ']).next().unwrap_or(v));
        if KNOWN_PRELOADS.iter().any(|k| lib.starts_with(k)) {
            out.note(format!(
                "LD_PRELOAD={v} is a well-known library preloaded on purpose"
            ));
        } else {
            out.hit(signals::LD_PRELOAD_ENV, format!("LD_PRELOAD={v}"));
        }
    }
    if let Some(v) = cx.env("LD_LIBRARY_PATH") {
        if v.split(':').any(|d| {
            in_writable_dir(&format!("{d}/"))
                || d.split('/')
                    .any(|s| s.starts_with('.') && s.len() > 1 && s != "..")
        }) {
            out.hit(
                signals::LD_LIBRARY_PATH_WRITABLE,
                format!("LD_LIBRARY_PATH={v}"),
            );
        }
    }
    if super::script_write_targets(cx).any(|t| t == PRELOAD_FILE) {
        out.hit(
            signals::LD_SO_PRELOAD_WRITE,
            format!("the sh -c script writes {PRELOAD_FILE}"),
        );
    }
    for c in cx.commands() {
        if writes_path(c, |p| p == PRELOAD_FILE) {
            out.hit(
                signals::LD_SO_PRELOAD_WRITE,
                format!("{} writes {PRELOAD_FILE}", c.program()),
            );
        } else if is_printer(c.program())
            && c.argv.iter().any(|a| a.contains(PRELOAD_FILE))
            && c.redirects.is_empty()
        {
            out.note(format!(
                "{PRELOAD_FILE} appears only as an argument of {}",
                c.program()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_preload() {
        let mut f = facts(&["/usr/sbin/sshd"]);
        f.env = vec!["LD_PRELOAD=/tmp/.x/libhook.so".into()];
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["ld_preload_env"]
        );
        assert_eq!(
            run(detect, &["tee", "-a", "/etc/ld.so.preload"]),
            ["ld_so_preload_write"]
        );
    }

    #[test]
    fn quiet_on_known_preloads_and_reads() {
        let mut f = facts(&["redis-server"]);
        f.env = vec!["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2".into()];
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
        assert!(run(detect, &["cat", "/etc/ld.so.preload"]).is_empty());
    }
}
