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

/// A preload entry that is a well-known library in a system library directory (or a bare
/// name, which ld.so looks up in the library search path). The same name in /tmp or
/// /dev/shm is someone's copy.
fn known_preload(entry: &str) -> bool {
    let dir_ok = match entry.rsplit_once('/') {
        None => true,
        Some((dir, _)) => {
            !dir.contains("/..")
                && ["/usr/lib", "/lib", "/usr/local/lib", "/opt/"]
                    .iter()
                    .any(|d| dir.starts_with(d))
        }
    };
    dir_ok
        && KNOWN_PRELOADS
            .iter()
            .any(|k| super::basename(entry).starts_with(k))
}

/// A directory inside a home directory (/root, /home/USER): hidden directories there are
/// ordinary (~/.local/lib; `cargo run` puts ~/.rustup/toolchains/*/lib on LD_LIBRARY_PATH).
fn in_home(dir: &str) -> bool {
    !dir.contains("/..")
        && (dir.starts_with("/root/")
            || dir
                .strip_prefix("/home/")
                .and_then(|r| r.split_once('/'))
                .is_some_and(|(user, _)| !user.is_empty() && !user.starts_with('.')))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if let Some(v) = cx.env("LD_PRELOAD").filter(|v| !v.is_empty()) {
        // ld.so(8) loads every entry of the list, separated by colons or spaces.
        if v.split([':', ' '])
            .filter(|e| !e.is_empty())
            .all(known_preload)
        {
            out.note(format!(
                "LD_PRELOAD={v} is a well-known library preloaded on purpose"
            ));
        } else {
            out.hit(signals::LD_PRELOAD_ENV, format!("LD_PRELOAD={v}"));
        }
    }
    if let Some(v) = cx.env("LD_LIBRARY_PATH") {
        // cargo puts `target/*/deps` (under /tmp for `cargo install` and many CI runners) on
        // the path of rustc, build scripts, the linker and test binaries: the build's own.
        let building = super::build_ancestor(cx).is_some() || super::in_build_scratch(cx.exe_path);
        let odd = |d: &str| {
            (in_writable_dir(&format!("{d}/"))
                || (!in_home(d)
                    && d.split('/')
                        .any(|s| s.starts_with('.') && s.len() > 1 && s != "..")))
                && !(building && super::in_build_scratch(&format!("{d}/")))
        };
        if v.split(':').any(odd) {
            out.hit(
                signals::LD_LIBRARY_PATH_WRITABLE,
                format!("LD_LIBRARY_PATH={v}"),
            );
        } else if building && v.split(':').any(|d| in_writable_dir(&format!("{d}/"))) {
            out.note(format!(
                "LD_LIBRARY_PATH={v} is a build's own output directory"
            ));
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

    fn with_env(argv: &[&str], env: &str) -> (Vec<&'static str>, Vec<String>) {
        let mut f = facts(argv);
        f.env = vec![env.into()];
        run_with(detect, &f, &Lineage::default())
    }

    #[test]
    fn fires_on_a_preload_in_front_of_a_command() {
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "LD_PRELOAD=/dev/shm/.l.so /usr/sbin/sshd -D"]
            ),
            ["ld_preload_env"]
        );
        // An empty LD_PRELOAD preloads nothing.
        assert_eq!(with_env(&["ls"], "LD_PRELOAD="), (vec![], vec![]));
    }

    #[test]
    fn notes_a_known_preload_without_firing() {
        // faketime(1) runs its command with libfaketime preloaded.
        let (ids, notes) = with_env(
            &["date"],
            "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        );
        assert!(ids.is_empty());
        assert_eq!(
            notes,
            ["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 is a well-known library preloaded on purpose"]
        );
    }

    #[test]
    fn fires_on_a_writable_or_hidden_library_path() {
        for env in [
            "LD_LIBRARY_PATH=/tmp/lib",
            "LD_LIBRARY_PATH=/usr/local/lib:/dev/shm",
            "LD_LIBRARY_PATH=/usr/lib/.cache",
        ] {
            assert_eq!(
                with_env(&["ls"], env).0,
                ["ld_library_path_writable"],
                "{env}"
            );
        }
        // Vendor and relative directories, as Oracle clients and build trees set them.
        for env in [
            "LD_LIBRARY_PATH=/usr/local/lib:/opt/oracle/instantclient_21_1",
            "LD_LIBRARY_PATH=../lib:./lib",
            "LD_LIBRARY_PATH=/tmpfs/lib",
        ] {
            assert!(with_env(&["sqlplus"], env).0.is_empty(), "{env}");
        }
    }

    #[test]
    fn fires_on_writes_to_ld_so_preload() {
        for argv in [
            &["sh", "-c", "echo /tmp/.x/libhook.so > /etc/ld.so.preload"][..],
            &["cp", "/tmp/ld.so.preload", "/etc/ld.so.preload"],
            &["sed", "-i", "1i /lib/libhook.so", "/etc/ld.so.preload"],
        ] {
            assert_eq!(run(detect, argv), ["ld_so_preload_write"], "{argv:?}");
        }
        // Backing it up, or reading it, writes something else.
        assert!(run(
            detect,
            &["cp", "/etc/ld.so.preload", "/root/ld.so.preload.bak"]
        )
        .is_empty());
        assert!(run(detect, &["sed", "-n", "p", "/etc/ld.so.preload"]).is_empty());
    }

    #[test]
    fn fires_on_a_write_in_a_script_the_parser_did_not_split() {
        // Past MAX_NESTING subshells the parser emits no command for the script.
        let deep = crate::analysis::shell::MAX_NESTING + 1;
        let nest = |inner: &str| format!("{}{inner}{}", "(".repeat(deep), ")".repeat(deep));
        let write = nest("echo /tmp/x.so > /etc/ld.so.preload");
        let f = facts(&["sh", "-c", &write]);
        let (lineage, cmd) = (
            Lineage::default(),
            crate::analysis::shell::parse_exec(&f.argv),
        );
        assert_eq!(
            Ctx::new(&f, &lineage, &cmd).unsplit_script(),
            Some(write.as_str()),
            "the input must reach the unsplit fallback"
        );
        assert_eq!(run_with(detect, &f, &lineage).0, ["ld_so_preload_write"]);
        let read = nest("cat /etc/ld.so.preload > /tmp/out");
        assert!(run(detect, &["sh", "-c", &read]).is_empty());
    }

    #[test]
    fn notes_the_file_named_by_a_printer() {
        let (ids, notes) = run_with(
            detect,
            &facts(&["echo", "check /etc/ld.so.preload"]),
            &Lineage::default(),
        );
        assert!(ids.is_empty());
        assert_eq!(
            notes,
            ["/etc/ld.so.preload appears only as an argument of echo"]
        );
    }

    #[test]
    fn judges_every_preload_entry_by_its_directory() {
        for env in [
            // ld.so loads the second entry too.
            "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2:/tmp/.x/libhook.so",
            "LD_PRELOAD=/usr/lib/libtcmalloc.so.4 /dev/shm/l.so",
            // A well-known name in a writable directory is someone's copy.
            "LD_PRELOAD=/tmp/libjemalloc.so.2",
            "LD_PRELOAD=/usr/lib/../../dev/shm/libfaketime.so.1",
        ] {
            assert_eq!(
                with_env(&["nginx"], env),
                (vec!["ld_preload_env"], vec![]),
                "{env}"
            );
        }
        for env in [
            "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2:/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            "LD_PRELOAD=/opt/jemalloc/lib/libjemalloc.so.2",
            "LD_PRELOAD=libjemalloc.so.2",
        ] {
            let (ids, notes) = with_env(&["nginx"], env);
            assert!(ids.is_empty() && notes.len() == 1, "{env}");
        }
    }

    #[test]
    fn quiet_on_hidden_library_directories_in_a_home() {
        for env in [
            "LD_LIBRARY_PATH=/home/dev/.local/lib",
            // What `cargo run` and `cargo test` set.
            "LD_LIBRARY_PATH=/work/app/target/debug/deps:/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib",
        ] {
            assert!(with_env(&["app"], env).0.is_empty(), "{env}");
        }
        // Writable places, hidden there or not, and hidden directories elsewhere still fire.
        for env in [
            "LD_LIBRARY_PATH=/home/dev/lib:/tmp/.x",
            "LD_LIBRARY_PATH=/var/tmp/lib",
            "LD_LIBRARY_PATH=/home/.x/lib",
            "LD_LIBRARY_PATH=/home/dev/../../dev/shm/.l",
        ] {
            assert_eq!(
                with_env(&["app"], env).0,
                ["ld_library_path_writable"],
                "{env}"
            );
        }
    }

    #[test]
    fn quiet_on_known_preloads_and_reads() {
        let mut f = facts(&["redis-server"]);
        f.env = vec!["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2".into()];
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
        assert!(run(detect, &["cat", "/etc/ld.so.preload"]).is_empty());
    }

    #[test]
    fn a_builds_own_output_on_the_library_path_is_noted() {
        let with = |argv: &[&str], parents: &[&str], path: &str| {
            let mut f = facts(argv);
            f.env = vec![format!("LD_LIBRARY_PATH={path}")];
            run_with(detect, &f, &Lineage::from_comms(parents.iter().copied()))
        };
        let (ids, notes) = with(&["rustc", "x.rs"], &["cargo"], "/tmp/b/target/release/deps");
        assert!(
            ids.is_empty() && notes[0].contains("build's own output"),
            "{ids:?}"
        );
        // Outside a build, or a directory that is not build output, it fires.
        let rustc = with(&["rustc", "x.rs"], &["bash"], "/tmp/b/target/release/deps").0;
        assert_eq!(rustc, ["ld_library_path_writable"]);
        let staged = with(&["rustc", "x.rs"], &["cargo"], "/tmp/.x");
        assert_eq!(staged.0, ["ld_library_path_writable"]);
    }
}
