//! Shell escapes: every program that GTFOBins (GTFOBins/GTFOBins.github.io, `_gtfobins/`,
//! read at commit 7382261e) lists with a `shell` function whose escape is visible on the
//! command line, written here in our own forms. Each is judged as the exec Falco sees when
//! the escape runs through a sudo rule (the program's parent is sudo) and from a setuid copy
//! of the program (root for a user who logged in as someone else): both are privilege
//! escalation, with the technique (T1548.003 sudo, T1548.001 setuid). The shell an escape
//! starts, an exec of its own whose parent is the program and grandparent sudo, is too.
//!
//! Left out, because the command line does not show the escape: escapes typed after the
//! program starts (`less` then `!sh`, `ftp`, `vi` then `:shell`), read from a file or stdin
//! the exec only names (a temp script given to `scp -S`, `wget --use-askpass`, a `.deb`), or
//! set in the environment by the parent shell (`PAGER=.. git -p`); the elevation programs
//! themselves (`sudo`, `su`, `doas`, `pkexec`, `ksu`: their shell is what they are for); `ssh
//! HOST CMD` (the command runs on the remote host); `busctl`'s unixexec address and `mosh`.

use falco_triage::analysis::{analyze, Lineage, Verdict};
use falco_triage::facts::ExecFacts;

/// (program, argv of the escape).
const ESCAPES: &[(&str, &[&str])] = &[
    ("aa-exec", &["aa-exec", "-p", "unconfined", "/bin/bash"]),
    (
        "agetty",
        &[
            "agetty",
            "-l",
            "/bin/bash",
            "-o",
            "-p",
            "-a",
            "root",
            "tty1",
        ],
    ),
    ("aoss", &["aoss", "/bin/bash"]),
    (
        "apt-get",
        &[
            "apt-get",
            "-o",
            "APT::Update::Pre-Invoke::=/bin/bash",
            "update",
        ],
    ),
    ("awk", &["awk", "BEGIN { system(\"/bin/bash\") }"]),
    (
        "borg",
        &[
            "borg",
            "list",
            "x:/r",
            "--rsh",
            "/bin/bash -c '/bin/bash </dev/tty >/dev/tty'",
        ],
    ),
    (
        "bpftrace",
        &[
            "bpftrace",
            "--unsafe",
            "-e",
            "BEGIN { system(\"/bin/bash\"); exit() }",
        ],
    ),
    (
        "bpftrace -c",
        &["bpftrace", "-e", "END { exit() }", "-c", "/bin/bash"],
    ),
    ("cabal", &["cabal", "exec", "--", "/bin/bash"]),
    ("cdist", &["cdist", "shell", "-s", "/bin/bash"]),
    (
        "certbot",
        &[
            "certbot",
            "renew",
            "--dry-run",
            "--pre-hook",
            "/bin/bash 1>&0",
        ],
    ),
    (
        "check_by_ssh",
        &[
            "check_by_ssh",
            "-o",
            "ProxyCommand /bin/bash -i",
            "-H",
            "h",
            "-C",
            "c",
        ],
    ),
    ("choom", &["choom", "-n", "100", "--", "/bin/bash"]),
    ("chrt", &["chrt", "-f", "10", "/bin/bash"]),
    (
        "clisp",
        &["clisp", "-x", "(ext:run-shell-command \"/bin/bash\")"],
    ),
    ("codex", &["codex", "sandbox", "linux", "/bin/bash"]),
    (
        "cpulimit",
        &["cpulimit", "-l", "50", "-f", "--", "/bin/bash"],
    ),
    (
        "csvtool",
        &["csvtool", "call", "/bin/bash;true", "/etc/issue"],
    ),
    ("dc", &["dc", "-e", "!/bin/bash"]),
    ("dhclient", &["dhclient", "-sf", "/bin/bash", "eth9"]),
    ("distcc", &["distcc", "/bin/bash"]),
    ("emacs", &["emacs", "-nw", "--eval", "(term \"/bin/bash\")"]),
    (
        "enscript",
        &[
            "enscript",
            "/etc/issue",
            "-o",
            "/dev/null",
            "-I",
            "/bin/bash >&2",
        ],
    ),
    ("env", &["env", "-i", "/bin/bash"]),
    ("ex", &["ex", "-c", ":!/bin/bash"]),
    ("expect", &["expect", "-c", "spawn /bin/bash; interact"]),
    ("find", &["find", "/etc/issue", "-exec", "/bin/bash", ";"]),
    ("firejail", &["firejail", "--noprofile", "/bin/bash"]),
    ("flock", &["flock", "/tmp/l", "/bin/bash"]),
    ("fzf", &["fzf", "--bind", "ctrl-x:execute(/bin/bash)"]),
    ("gawk", &["gawk", "BEGIN { system(\"/bin/bash -i\") }"]),
    ("gcc", &["gcc", "-wrapper", "/bin/bash,-s", "x.c"]),
    (
        "gdb",
        &["gdb", "-q", "-ex", "shell /bin/bash", "-ex", "quit"],
    ),
    ("gem", &["gem", "open", "-e", "/bin/bash -s", "rake"]),
    ("genie", &["genie", "-c", "/bin/bash"]),
    (
        "ghc",
        &["ghc", "-e", "System.Process.callCommand \"/bin/bash\""],
    ),
    (
        "git",
        &[
            "git",
            "-p",
            "-c",
            "core.pager=/bin/bash -c \"exec bash 0<&1\"",
            "log",
        ],
    ),
    ("gnuplot", &["gnuplot", "-e", "system(\"/bin/bash\")"]),
    ("grc", &["grc", "--pty", "/bin/bash"]),
    ("guile", &["guile", "-c", "(system \"/bin/bash\")"]),
    ("hg", &["hg", "--config", "alias.sh=!/bin/bash", "sh"]),
    ("ionice", &["ionice", "-c", "3", "/bin/bash"]),
    ("julia", &["julia", "-e", "run(`/bin/bash`)"]),
    (
        "latex",
        &["latex", "--shell-escape", "\\write18{/bin/bash}"],
    ),
    (
        "latexmk",
        &["latexmk", "-pdf", "-pdflatex=/bin/bash #", "x.tex"],
    ),
    ("ld.so", &["/lib64/ld-linux-x86-64.so.2", "/bin/bash"]),
    ("lftp", &["lftp", "-c", "!/bin/bash"]),
    ("logsave", &["logsave", "/tmp/log", "/bin/bash", "-i"]),
    ("ltrace", &["ltrace", "-b", "-L", "/bin/bash"]),
    ("lua", &["lua", "-e", "os.execute(\"/bin/bash\")"]),
    ("mail", &["mail", "--exec=!/bin/bash"]),
    (
        "make",
        &["make", "-s", "--eval=$(shell /bin/bash 1>&0)", "."],
    ),
    ("man", &["man", "-H/bin/bash #", "ls"]),
    ("mawk", &["mawk", "BEGIN { system(\"/bin/bash\") }"]),
    (
        "msgfilter",
        &[
            "msgfilter",
            "-i",
            "x.po",
            "-P",
            "/bin/bash",
            "-c",
            "/bin/bash 0<&2 1>&2",
        ],
    ),
    ("multitime", &["multitime", "-n", "1", "/bin/bash"]),
    ("mysql", &["mysql", "-e", "\\! /bin/bash"]),
    ("nano", &["nano", "-s", "/bin/bash", "/etc/issue"]),
    ("nice", &["nice", "-n", "5", "/bin/bash"]),
    (
        "node",
        &[
            "node",
            "-e",
            "require('child_process').spawn('/bin/bash', {stdio: 'inherit'})",
        ],
    ),
    (
        "nohup",
        &[
            "nohup",
            "/bin/bash",
            "-c",
            "/bin/bash </dev/tty >/dev/tty 2>/dev/tty",
        ],
    ),
    ("npm", &["npm", "exec", "--", "/bin/bash"]),
    ("nsenter", &["nsenter", "/bin/bash"]),
    ("octave", &["octave-cli", "--eval", "system(\"/bin/bash\")"]),
    (
        "openvpn",
        &[
            "openvpn",
            "--dev",
            "null",
            "--script-security",
            "2",
            "--up",
            "/bin/bash -s",
        ],
    ),
    (
        "pdflatex",
        &[
            "pdflatex",
            "--shell-escape",
            "\\immediate\\write18{/bin/bash}",
        ],
    ),
    (
        "pdftex",
        &["pdftex", "--shell-escape", "\\write18{/bin/bash}\\end"],
    ),
    ("perf", &["perf", "stat", "-e", "cycles", "/bin/bash"]),
    ("perl", &["perl", "-e", "exec '/bin/bash';"]),
    (
        "perlbug",
        &[
            "perlbug",
            "-s",
            "s",
            "-r",
            "r",
            "-c",
            "c",
            "-e",
            "exec /bin/bash #",
        ],
    ),
    ("pexec", &["pexec", "/bin/bash"]),
    ("php", &["php", "-r", "passthru('/bin/bash -i');"]),
    (
        "php popen",
        &["php", "-r", "$p = popen('/bin/bash -i', 'r'); pclose($p);"],
    ),
    ("php pcntl_exec", &["php", "-r", "pcntl_exec('/bin/bash');"]),
    ("pidstat", &["pidstat", "-e", "/bin/bash"]),
    (
        "pip",
        &["pip", "config", "--editor", "/bin/bash -s", "edit"],
    ),
    (
        "plymouth",
        &["plymouth", "ask-for-password", "--command=/bin/bash"],
    ),
    (
        "puppet",
        &["puppet", "apply", "-e", "exec { '/bin/bash -i': }"],
    ),
    (
        "python",
        &[
            "python3",
            "-c",
            "import os; os.execl('/bin/bash', 'bash', '-i')",
        ],
    ),
    ("R", &["R", "--no-save", "-e", "system('/bin/bash')"]),
    (
        "restic",
        &[
            "restic",
            "backup",
            "--password-command=/bin/bash -c \"/bin/bash 0<&2\"",
        ],
    ),
    ("rlwrap", &["rlwrap", "/bin/bash"]),
    ("rpm", &["rpm", "--eval", "%(/bin/bash 1>&2)"]),
    ("rpm --pipe", &["rpm", "-qa", "--pipe", "/bin/bash 0<&1"]),
    ("rpmdb", &["rpmdb", "--eval", "%(/bin/bash 1>&2)"]),
    ("rpmquery", &["rpmquery", "--eval", "%(/bin/bash 1>&2)"]),
    ("rpmverify", &["rpmverify", "--eval", "%(/bin/bash 1>&2)"]),
    (
        "rsync",
        &[
            "rsync",
            "-e",
            "/bin/bash -c \"/bin/bash 0<&2 1>&2\"",
            "h:/x",
            ".",
        ],
    ),
    ("ruby", &["ruby", "-e", "exec '/bin/bash'"]),
    (
        "scp",
        &["scp", "-o", "ProxyCommand=;/bin/bash 0<&2 1>&2", "f", "h:"],
    ),
    ("scrot", &["scrot", "--exec", "/bin/bash"]),
    (
        "sed",
        &["sed", "-n", "1e exec /bin/bash 1>&0", "/etc/issue"],
    ),
    ("setarch", &["setarch", "x86_64", "/bin/bash"]),
    ("setlock", &["setlock", "/tmp/l", "/bin/bash"]),
    ("slsh", &["slsh", "-e", "system(\"/bin/bash\")"]),
    ("socat", &["socat", "stdin", "exec:/bin/bash,pty,stderr"]),
    ("softlimit", &["softlimit", "-m", "100000000", "/bin/bash"]),
    (
        "split",
        &["split", "--filter=/bin/bash -i 0<&2 1>&2", "/etc/issue"],
    ),
    ("sqlite3", &["sqlite3", ":memory:", ".shell /bin/bash"]),
    (
        "ssh",
        &["ssh", "-o", "ProxyCommand=;/bin/bash 0<&2 1>&2", "h"],
    ),
    (
        "ssh LocalCommand",
        &[
            "ssh",
            "-o",
            "PermitLocalCommand=yes",
            "-o",
            "LocalCommand=/bin/bash",
            "h",
        ],
    ),
    ("ssh-agent", &["ssh-agent", "/bin/bash"]),
    ("sshpass", &["sshpass", "-p", "x", "/bin/bash"]),
    (
        "sshuttle",
        &[
            "sshuttle",
            "-r",
            "h",
            "--ssh-cmd",
            "/bin/bash -c \"/bin/bash 0<&2 1>&2\"",
            "10.0.0.0/8",
        ],
    ),
    (
        "start-stop-daemon",
        &["start-stop-daemon", "--start", "--exec", "/bin/bash"],
    ),
    ("stdbuf", &["stdbuf", "-o0", "/bin/bash"]),
    ("strace", &["strace", "-f", "-o", "/dev/null", "/bin/bash"]),
    ("systemd-run", &["systemd-run", "--pty", "/bin/bash"]),
    (
        "tar",
        &[
            "tar",
            "-cf",
            "/dev/null",
            "/etc/issue",
            "--checkpoint=1",
            "--checkpoint-action=exec=/bin/bash",
        ],
    ),
    (
        "tar -I",
        &[
            "tar",
            "-xf",
            "x.tar",
            "-I",
            "/bin/bash -c \"/bin/bash 0<&2 1>&2\"",
        ],
    ),
    ("task", &["task", "execute", "/bin/bash"]),
    ("taskset", &["taskset", "0x1", "/bin/bash"]),
    (
        "tex",
        &["tex", "--shell-escape", "\\immediate\\write18{/bin/bash}"],
    ),
    ("time", &["time", "-p", "/bin/bash"]),
    ("timeout", &["timeout", "--foreground", "1h", "/bin/bash"]),
    ("tmate", &["tmate", "-c", "/bin/bash"]),
    ("tmux", &["tmux", "-c", "/bin/bash"]),
    ("torify", &["torify", "/bin/bash"]),
    ("torsocks", &["torsocks", "/bin/bash"]),
    ("unshare", &["unshare", "-U", "/bin/bash"]),
    ("uv", &["uv", "run", "/bin/bash"]),
    ("valgrind", &["valgrind", "--tool=none", "/bin/bash"]),
    ("vi", &["vi", "-c", ":!/bin/bash", "/etc/issue"]),
    (
        "vim set shell",
        &["vim", "-c", ":set shell=/bin/bash | shell"],
    ),
    (
        "watch",
        &["watch", "-x", "/bin/bash", "-c", "exec /bin/bash 1>&0 2>&0"],
    ),
    ("xargs", &["xargs", "-a", "/dev/null", "-o", "/bin/bash"]),
    ("xdotool", &["xdotool", "exec", "--sync", "/bin/bash"]),
    ("yarn", &["yarn", "exec", "/bin/bash"]),
    (
        "yt-dlp",
        &["yt-dlp", "--exec", "/bin/bash #", "https://example.com/v"],
    ),
    (
        "zip",
        &[
            "zip",
            "/tmp/z.zip",
            "/etc/issue",
            "-T",
            "-TT",
            "/bin/bash #",
        ],
    ),
];

fn judge(argv: &[&str], uid: u32, loginuid: u32, parents: &[&str]) -> Verdict {
    let facts = ExecFacts {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        uid: Some(uid),
        loginuid: Some(loginuid),
        tty: Some(34816),
        res: Some(0),
        cgroups_present: true,
        ..Default::default()
    };
    analyze(&facts, &Lineage::from_comms(parents.iter().copied()))
}

fn check(context: &str, technique: &str, judge: impl Fn(&[&str]) -> Verdict) {
    let mut failures = Vec::new();
    for (name, argv) in ESCAPES {
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
        ESCAPES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_escape_through_sudo_is_privilege_escalation() {
    check("through sudo", "T1548.003", |argv| {
        judge(argv, 0, 1000, &["sudo", "bash", "sshd"])
    });
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
    for (name, argv) in ESCAPES {
        let program = argv[0].rsplit('/').next().unwrap_or(argv[0]);
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
