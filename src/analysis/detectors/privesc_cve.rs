//! Exploits of well-known local privilege escalations, recognised at exec:
//! GLIBC_TUNABLES (CVE-2023-4911, Looney Tunables), pkexec with an empty argv
//! (CVE-2021-4034, PwnKit), `sudoedit -s` with an argument ending in a backslash
//! (CVE-2021-3156, Baron Samedit), telnetd starting `login -f` (CVE-2026-24061), and root
//! commands of Microsoft OMI's RunAsProvider (CVE-2021-38647, OMIGOD).

use super::{args, basename, Ctx, EnvNames, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

/// The exe, comm or argv[0] is pkexec.
fn runs_pkexec(cx: &Ctx) -> bool {
    let a0 = cx.facts.argv.first().map(|a| basename(a)).unwrap_or("");
    cx.exe_name == "pkexec" || cx.facts.comm.as_deref() == Some("pkexec") || a0 == "pkexec"
}

pub fn wants(cx: &Ctx) -> bool {
    cx.env_may_hold(EnvNames::of(&["GLIBC_TUNABLES"]))
        || cx.may_run(ProgramSet::of(&["sudo", "sudoedit", "login"]))
        || runs_pkexec(cx)
        || in_scx_run_dir(cx)
}

/// OMI's SCX provider runs RunAsProvider commands and scripts from this directory.
const SCX_RUN_DIR: &str = "/var/opt/microsoft/scx/tmp";

fn in_scx_run_dir(cx: &Ctx) -> bool {
    cx.facts.cwd.as_deref().is_some_and(|d| {
        d.strip_prefix(SCX_RUN_DIR)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// CVE-2023-4911 needs a malformed GLIBC_TUNABLES: a tunable holding a second assignment
/// (`glibc.x=glibc.y=...`), or a value longer than any real setting. A well-formed list
/// (`glibc.malloc.arena_max=2`) is documented glibc tuning.
fn crafted_tunables(v: &str) -> bool {
    v.len() > 256 || v.split(':').any(|t| t.matches('=').count() > 1)
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if cx.env("GLIBC_TUNABLES").is_some() {
        // Each value with the program it reaches: the exec's own environment, or an
        // assignment in front of one command (`sh -c 'GLIBC_TUNABLES=.. su'` reaches su).
        let from_env = cx
            .facts
            .env
            .iter()
            .filter_map(|e| e.strip_prefix("GLIBC_TUNABLES="))
            .map(|v| (v, cx.program()));
        let assigned = cx.commands().iter().flat_map(|c| {
            let p = Some(c.program()).filter(|p| !p.is_empty());
            c.assignments
                .iter()
                .filter(|(k, _)| k == "GLIBC_TUNABLES")
                .map(move |(_, v)| (v.as_str(), p.unwrap_or(cx.program())))
        });
        if let Some((v, p)) = from_env.chain(assigned).find(|(v, _)| crafted_tunables(v)) {
            out.hit(
                signals::GLIBC_TUNABLES_EXPLOIT,
                format!(
                    "GLIBC_TUNABLES crafted (a tunable holding a second assignment, or oversized) ({} bytes) on exec of {p}",
                    v.len()
                ),
            );
        } else {
            out.note(
                "GLIBC_TUNABLES is set without the CVE-2023-4911 shape \
                 (no tunable holds a second assignment, and it is not oversized)",
            );
        }
    }
    // OMIGOD: a request without credentials runs its ExecuteShellCommand or ExecuteScript
    // as root; both start from the SCX provider's run directory, as a shell or through its
    // script staging directory.
    if in_scx_run_dir(cx)
        && cx.root()
        && (cx.exe_class == Some(ToolClass::Shell)
            || cx
                .facts
                .argv
                .iter()
                .any(|a| a.contains("/etc/opt/microsoft/scx/conf/tmpdir/")))
    {
        out.hit(
            signals::OMI_RUNAS_ROOT_COMMAND,
            format!(
                "{} run as root from {SCX_RUN_DIR} (OMI RunAsProvider)",
                cx.program()
            ),
        );
    }
    let comm = cx.facts.comm.as_deref().unwrap_or("");
    let argv = &cx.facts.argv;
    // argc 0 reaches us as no argv, or (Linux 5.18+) as one empty string. `pkexec` alone
    // has argc 1: pkexec(1) then runs a root shell after authentication, no exploit.
    if runs_pkexec(cx) && argv.len() <= 1 && argv.iter().all(|a| a.is_empty()) {
        out.hit(
            signals::PKEXEC_EMPTY_ARGV,
            "pkexec run with an empty argv (argc 0)",
        );
    }
    // CVE-2026-24061: telnetd hands the client's USER value to login, so `-f root` there
    // skips authentication; telnetd itself never passes -f.
    let from_telnetd = cx
        .ancestors()
        .take(2)
        .any(|(a, _)| matches!(a, "telnetd" | "in.telnetd" | "xinetd" | "inetd"));
    for c in cx
        .commands()
        .iter()
        .filter(|c| from_telnetd && c.program() == "login")
    {
        let force = |a: &str| {
            a.strip_prefix('-')
                .filter(|o| !o.starts_with('-'))
                .is_some_and(|o| o.split(' ').next().is_some_and(|o| o.contains('f')))
        };
        if let Some(a) = args(c).iter().find(|a| force(a)) {
            out.hit(
                signals::TELNET_LOGIN_BYPASS,
                format!("telnetd started login with {a} (authentication skipped)"),
            );
        }
    }
    for c in cx.commands() {
        let p = c.program();
        let is_sudoedit = p == "sudoedit"
            || (p == "sudo" && (comm == "sudoedit" || super::has_opt(c, &["-e", "--edit"])));
        if is_sudoedit
            && (super::has_short(c, b's')
                || super::has_short(c, b'i')
                || super::has_opt(c, &["--shell", "--login"]))
        {
            if let Some(a) = args(c).iter().find(|a| a.ends_with('\\')) {
                out.hit(
                    signals::SUDOEDIT_BACKSLASH,
                    format!("sudoedit -s with an argument ending in a backslash ({a})"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::shell::parse_exec;
    use crate::analysis::Lineage;
    use crate::facts::ExecFacts;

    /// The evidence of each hit.
    fn evidence(f: &ExecFacts) -> Vec<String> {
        let lineage = Lineage::default();
        let cmd = parse_exec(&f.argv);
        let mut out = Findings::default();
        detect(&Ctx::new(f, &lineage, &cmd), &mut out);
        out.hits.into_iter().map(|h| h.evidence).collect()
    }

    fn pkexec(argv: &[&str], uid: u32) -> ExecFacts {
        let mut f = facts(argv);
        f.exe_path = Some("/usr/bin/pkexec".into());
        f.comm = Some("pkexec".into());
        f.uid = Some(uid);
        f
    }

    #[test]
    fn telnetd_login_f_is_the_bypass_an_ordinary_login_is_not() {
        let telnetd = Lineage::from_comms(["telnetd"]);
        let hits = |argv: &[&str], l: &Lineage| run_with(detect, &facts(argv), l).0;
        assert_eq!(
            hits(&["login", "-p", "-h", "198.51.100.4", "-f root"], &telnetd),
            ["telnet_login_bypass"]
        );
        assert!(hits(&["login", "-p", "-h", "198.51.100.4", "alice"], &telnetd).is_empty());
        // agetty autologin passes -f on a console: not telnetd.
        assert!(hits(&["login", "-f", "root"], &Lineage::from_comms(["agetty"])).is_empty());
    }

    #[test]
    fn fires_on_exploit_shapes() {
        assert_eq!(
            run(detect, &["sudoedit", "-s", "ls\\"]),
            ["sudoedit_backslash"]
        );
        let mut f = facts(&[]);
        f.exe_path = Some("/usr/bin/pkexec".into());
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["pkexec_empty_argv"]
        );
        let mut f = facts(&["/usr/bin/su", "--help"]);
        f.env = vec![format!(
            "GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast={}",
            "A".repeat(300)
        )];
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["glibc_tunables_exploit"]
        );
    }

    #[test]
    fn omi_runas_root_commands() {
        let scx = |argv: &[&str], uid: u32| {
            let mut f = facts(argv);
            f.cwd = Some("/var/opt/microsoft/scx/tmp".into());
            f.uid = Some(uid);
            run_with(detect, &f, &Lineage::default()).0
        };
        assert_eq!(scx(&["/bin/sh", "-c", "id"], 0), ["omi_runas_root_command"]);
        assert_eq!(
            scx(
                &["/bin/bash", "/etc/opt/microsoft/scx/conf/tmpdir/scx1a2b"],
                0
            ),
            ["omi_runas_root_command"]
        );
        // The provider's own non-root account, and programs that are not its commands.
        assert!(scx(&["/bin/sh", "-c", "id"], 997).is_empty());
        assert!(scx(&["/opt/omi/bin/omicli", "ei", "root/scx"], 0).is_empty());
        let mut f = facts(&["/bin/sh", "-c", "id"]);
        f.cwd = Some("/var/opt/microsoft/scx/tmpfoo".into());
        f.uid = Some(0);
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }

    #[test]
    fn quiet_on_normal_use() {
        assert!(run(detect, &["sudoedit", "/etc/hosts"]).is_empty());
        assert!(run(detect, &["pkexec", "apt", "update"]).is_empty());
    }

    #[test]
    fn glibc_tunables_crafted_by_a_second_assignment_or_size() {
        // The published proof of concept: short, but one tunable holds two `=`.
        let mut f = facts(&["/usr/bin/su", "--help"]);
        f.env =
            vec!["GLIBC_TUNABLES=glibc.tunables=glibc.malloc.mxfast=glibc.malloc.mxfast=A".into()];
        assert_eq!(
            evidence(&f),
            ["GLIBC_TUNABLES crafted (a tunable holding a second assignment, or oversized) (56 bytes) on exec of su"]
        );
        // One well-formed tunable, but longer than any real setting.
        f.env = vec![format!(
            "GLIBC_TUNABLES=glibc.malloc.mxfast={}",
            "1".repeat(300)
        )];
        assert!(evidence(&f)[0].starts_with("GLIBC_TUNABLES crafted"));
        // An assignment in front of the command is read as the environment.
        let argv = [
            "sh",
            "-c",
            "GLIBC_TUNABLES=glibc.tunables=glibc.malloc.mxfast=glibc.malloc.mxfast=A su --help",
        ];
        assert_eq!(run(detect, &argv), ["glibc_tunables_exploit"]);
        // Other allocator settings are not the tunables variable.
        let mut f = facts(&["java", "-jar", "/opt/app/app.jar"]);
        f.env = vec!["MALLOC_ARENA_MAX=2".into(), "LD_BIND_NOW=1".into()];
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }

    #[test]
    fn pkexec_with_argc_zero() {
        // Since Linux 5.18 an empty argv reaches the program as one empty string.
        assert_eq!(
            evidence(&pkexec(&[""], 1000)),
            ["pkexec run with an empty argv (argc 0)"]
        );
        assert_eq!(
            evidence(&pkexec(&[], 0)),
            ["pkexec run with an empty argv (argc 0)"]
        );
        // The comm alone names pkexec when the event has no exe path.
        let mut f = facts(&[]);
        f.comm = Some("pkexec".into());
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["pkexec_empty_argv"]
        );
        // root needs no exploit: pkexec with no program is a root shell it already has.
        assert!(
            run_with(detect, &pkexec(&["pkexec"], 0), &Lineage::default())
                .0
                .is_empty()
        );
        assert!(run_with(
            detect,
            &pkexec(&["pkexec", "--user", "postgres", "psql"], 1000),
            &Lineage::default()
        )
        .0
        .is_empty());
    }

    #[test]
    fn sudoedit_in_shell_mode_with_a_trailing_backslash() {
        for argv in [
            &["sudoedit", "-s", "\\", "AAAAAAAA"][..],
            &["sudoedit", "-i", "x\\"],
            &["sudoedit", "--shell", "x\\"],
            &["sudoedit", "--login", "x\\"],
            // sudo -e is sudoedit by option.
            &["sudo", "-e", "-s", "x\\"],
        ] {
            assert_eq!(run(detect, argv), ["sudoedit_backslash"], "{argv:?}");
        }
        assert_eq!(
            evidence(&facts(&["sudoedit", "-s", "\\", "AAAA"])),
            ["sudoedit -s with an argument ending in a backslash (\\)"]
        );
    }

    #[test]
    fn quiet_on_sudo_shells_and_edits() {
        for argv in [
            &["sudo", "-s"][..],
            &["sudo", "-i"],
            &["sudo", "-e", "/etc/hosts"],
            &["sudoedit", "-s", "/etc/hosts"],
            // The backslash overflow needs shell mode: a plain edit only opens the file.
            &["sudoedit", "x\\"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn well_formed_glibc_tunables_are_tuning() {
        // glibc's documented malloc tuning, in the environment or in front of the command.
        let mut f = facts(&["java", "-jar", "app.jar"]);
        f.env = vec!["GLIBC_TUNABLES=glibc.malloc.arena_max=2".into()];
        let (ids, notes) = run_with(detect, &f, &Lineage::default());
        assert!(ids.is_empty());
        assert!(notes[0].contains("without the CVE-2023-4911 shape"));
        f.env = vec!["GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0".into()];
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
        let argv = [
            "sh",
            "-c",
            "GLIBC_TUNABLES=glibc.malloc.arena_max=2 java -jar app.jar",
        ];
        assert!(run(detect, &argv).is_empty());
        // The crafted value still fires, in either place.
        f.env = vec!["GLIBC_TUNABLES=glibc.malloc.arena_max=glibc.malloc.arena_max=2".into()];
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["glibc_tunables_exploit"]
        );
    }

    #[test]
    fn glibc_tunables_evidence_names_the_command_the_assignment_prefixes() {
        let argv = [
            "sh",
            "-c",
            "cd /tmp; GLIBC_TUNABLES=glibc.tunables=glibc.malloc.mxfast=glibc.malloc.mxfast=A su --help",
        ];
        assert_eq!(
            evidence(&facts(&argv)),
            ["GLIBC_TUNABLES crafted (a tunable holding a second assignment, or oversized) (56 bytes) on exec of su"]
        );
    }

    #[test]
    fn pkexec_without_a_program_has_argc_one() {
        // pkexec(1) with no program runs a shell: argv is ["pkexec"], not empty.
        assert!(
            run_with(detect, &pkexec(&["pkexec"], 1000), &Lineage::default())
                .0
                .is_empty()
        );
        assert!(run_with(
            detect,
            &pkexec(&["/usr/bin/pkexec"], 33),
            &Lineage::default()
        )
        .0
        .is_empty());
        assert_eq!(
            evidence(&pkexec(&[""], 33)),
            ["pkexec run with an empty argv (argc 0)"]
        );
    }
}
