//! Shell escapes: every program that GTFOBins (GTFOBins/GTFOBins.github.io, `_gtfobins/`,
//! read at commit 7382261e) lists with a `shell` function whose escape is visible on the
//! command line, written in our own forms in tests/corpus/gtfobins_escapes.toml, where the
//! corpus judges each through a sudo rule (the program's parent is sudo). Here the same argv
//! is judged from a setuid copy of the program (root for a user who logged in as someone
//! else), and the shell an escape starts, an exec of its own whose parent is the program and
//! grandparent sudo, from lineage alone: all are privilege escalation, with the technique
//! (T1548.003 sudo, T1548.001 setuid).
//!
//! Left out, because the command line does not show the escape: escapes typed after the
//! program starts (`less` then `!sh`, `ftp`, `vi` then `:shell`), read from a file or stdin
//! the exec only names (a temp script given to `scp -S`, `wget --use-askpass`, a `.deb`), or
//! set in the environment by the parent shell (`PAGER=.. git -p`); the elevation programs
//! themselves (`sudo`, `su`, `doas`, `pkexec`, `ksu`: their shell is what they are for); `ssh
//! HOST CMD` (the command runs on the remote host); `busctl`'s unixexec address and `mosh`.

use falco_triage::analysis::{analyze, Lineage, Verdict};
use falco_triage::facts::ExecFacts;
use serde::Deserialize;

/// One escape of tests/corpus/gtfobins_escapes.toml (the other fields are the corpus's).
#[derive(Deserialize)]
struct Escape {
    name: String,
    argv: Vec<String>,
}

#[derive(Deserialize)]
struct EscapesFile {
    scenario: Vec<Escape>,
}

/// The escapes, as the corpus holds them (judged there through sudo).
fn escapes() -> Vec<Escape> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gtfobins_escapes.toml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: EscapesFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        file.scenario.len() >= 120,
        "the escapes file holds every program"
    );
    file.scenario
}

fn judge<S: AsRef<str>>(argv: &[S], uid: u32, loginuid: u32, parents: &[&str]) -> Verdict {
    let facts = ExecFacts {
        argv: argv.iter().map(|s| s.as_ref().to_string()).collect(),
        uid: Some(uid),
        loginuid: Some(loginuid),
        tty: Some(34816),
        res: Some(0),
        cgroups_present: true,
        ..Default::default()
    };
    analyze(&facts, &Lineage::from_comms(parents.iter().copied()))
}

fn check(context: &str, technique: &str, judge: impl Fn(&[String]) -> Verdict) {
    let mut failures = Vec::new();
    let escapes = escapes();
    for Escape { name, argv } in &escapes {
        let v = judge(argv);
        let techniques: Vec<&str> = v.techniques.iter().map(|t| t.id).collect();
        if v.risk < 50 || !techniques.contains(&technique) {
            failures.push(format!(
                "{name} {context}: risk {} {techniques:?} {:?}",
                v.risk,
                v.hits
                    .iter()
                    .map(|h| h.evidence.as_str())
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} escapes {context} are not privilege escalation:\n{}",
        failures.len(),
        escapes.len(),
        failures.join("\n")
    );
}

#[test]
fn every_escape_from_a_setuid_copy_is_privilege_escalation() {
    check("from a setuid copy", "T1548.001", |argv| {
        judge(argv, 0, 1000, &["bash", "sshd"])
    });
}

/// The shell an escape starts is an exec of its own: `sh` whose parent is the program,
/// whose parent is sudo. Lineage alone makes it privilege escalation.
#[test]
fn the_shell_each_escape_starts_is_privilege_escalation() {
    let mut failures = Vec::new();
    for Escape { name, argv } in escapes() {
        let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        let comm: String = program.chars().take(15).collect();
        // A terminal multiplexer's shell is what it is for: its escape is seen on its own
        // command line (`tmux -c /bin/sh`), not from lineage.
        if comm == "tmux" {
            continue;
        }
        let v = judge(
            &["/bin/sh"],
            0,
            1000,
            &[comm.as_str(), "sudo", "bash", "sshd"],
        );
        let techniques: Vec<&str> = v.techniques.iter().map(|t| t.id).collect();
        if v.risk < 50 || !techniques.contains(&"T1548.003") {
            failures.push(format!(
                "{name}: sh under {comm} under sudo: risk {}",
                v.risk
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same programs used for their work stay quiet under sudo.
#[test]
fn their_everyday_use_under_sudo_is_quiet() {
    let everyday: &[&[&str]] = &[
        &[
            "find", "/var/log", "-name", "*.gz", "-mtime", "+30", "-delete",
        ],
        &["tar", "-czf", "/backup/etc.tgz", "/etc"],
        &["vim", "/etc/hosts"],
        &["apt-get", "update"],
        &[
            "env",
            "PATH=/usr/sbin:/usr/bin",
            "systemctl",
            "restart",
            "nginx",
        ],
        &["nice", "-n", "10", "make", "-j4"],
        &["timeout", "30", "curl", "-fsS", "https://localhost/health"],
        &["rsync", "-a", "/srv/", "/backup/srv/"],
        &["git", "-c", "core.pager=cat", "log", "-1"],
        &["awk", "-F:", "{print $1}", "/etc/passwd"],
        &["systemd-run", "--unit=backup", "/usr/local/bin/backup.sh"],
        &[
            "perl",
            "-pi",
            "-e",
            "s/^#Port 22/Port 22/",
            "/etc/ssh/sshd_config",
        ],
    ];
    for argv in everyday {
        let v = judge(argv, 0, 1000, &["sudo", "bash", "sshd"]);
        assert!(v.risk < 50, "{argv:?} under sudo: {} {:?}", v.risk, v.hits);
    }
}
