//! Arbitrary structured facts and lineage (built with `arbitrary`, every field free, strings
//! of any Unicode) through `analyze`, the JSON and text reports, and `escape`, checking the
//! invariants of tests/common/invariants.rs.

#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use arbitrary::Arbitrary;
use falco_triage::analysis::{Ancestor, Lineage};
use falco_triage::facts::{Capabilities, ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    argv: Vec<String>,
    argv_truncated: bool,
    exe_path: Option<String>,
    cwd: Option<String>,
    comm: Option<String>,
    env: Vec<String>,
    env_truncated: bool,
    tty: Option<u32>,
    uid: Option<u32>,
    gid: Option<u32>,
    loginuid: Option<u32>,
    ids: (Option<i64>, Option<i64>, Option<i64>),
    res: Option<i64>,
    exe_flags: Option<u32>,
    caps: (Option<u64>, Option<u64>, Option<u64>),
    container: Option<(u8, String)>,
    cgroups_present: bool,
    inode: (Option<u64>, Option<u64>, Option<u64>),
    ancestors: Vec<(String, Option<String>, Vec<String>)>,
    lineage_known: bool,
    earlier: Option<(String, Option<String>, Vec<String>)>,
    escape_max: u16,
}

fuzz_target!(|input: Input| {
    let runtimes = [
        ContainerRuntime::Docker,
        ContainerRuntime::Containerd,
        ContainerRuntime::CriO,
        ContainerRuntime::Podman,
        ContainerRuntime::Kubepods,
    ];
    let facts = ExecFacts {
        argv: input.argv,
        argv_truncated: input.argv_truncated,
        exe_path: input.exe_path,
        cwd: input.cwd,
        comm: input.comm,
        env: input.env,
        env_truncated: input.env_truncated,
        env_entries: 0,
        tty: input.tty,
        uid: input.uid,
        gid: input.gid,
        loginuid: input.loginuid,
        tid: input.ids.0,
        pid: input.ids.1,
        ptid: input.ids.2,
        res: input.res,
        exe_flags: input.exe_flags.map(ExeFlags),
        caps: Capabilities {
            inheritable: input.caps.0,
            permitted: input.caps.1,
            effective: input.caps.2,
        },
        cgroups_present: input.cgroups_present || input.container.is_some(),
        container: input.container.map(|(r, short_id)| ContainerInfo {
            runtime: runtimes[usize::from(r) % runtimes.len()],
            short_id,
        }),
        exe_ino: input.inode.0,
        exe_ino_ctime: input.inode.1,
        exe_ino_mtime: input.inode.2,
    };
    let lineage = Lineage {
        known: input.lineage_known || !input.ancestors.is_empty(),
        ancestors: input
            .ancestors
            .into_iter()
            .map(|(comm, exe, args)| Ancestor { comm, exe, args })
            .collect(),
        earlier: input
            .earlier
            .map(|(comm, exe, args)| Ancestor { comm, exe, args }),
    };
    invariants::check_analysis(&facts, &lineage);
    let joined = facts.argv.join(" ");
    invariants::check_escape(&joined, usize::from(input.escape_max % 512));
});
