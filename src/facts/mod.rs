//! An execve/execveat exit event becomes [`ExecFacts`]: owned, bounded, UTF-8 (lossy) values
//! of everything the analysis needs. No FFI here: the input is the typed event of
//! `falco_event_schema`, or a builder for the command line and tests.
//!
//! Not here: judging anything. Facts say what the event says, nothing more.

mod caps;
pub mod cgroups;
pub(crate) mod decode;
mod env;

pub use caps::{cap_name, cap_number, DANGEROUS_CAPS};
pub use decode::{
    execve_into, execve_parts_into, execveat_into, execveat_parts_into, from_execve, from_execveat,
    Parts,
};
use env::RecentEnvs;
pub use env::{is_read as env_is_read, ENV_KEYS};

/// What the decode remembers of the last execs, so that an exec whose environment or cgroups
/// have the same bytes as one of them is answered without walking them again: most execs
/// are a shell's or a build tool's children and share both. The facts decoded through it
/// are those decoded without it. Bounded (docs/bounds.md); a caller forgets it by replacing
/// it with the default.
#[derive(Debug, Default)]
pub struct Recent {
    pub(crate) envs: RecentEnvs,
    pub(crate) cgroups: cgroups::LastCgroups,
}

/// Limits applied while decoding attacker-controlled lists. Truncation is marked in the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most argv entries kept (argv[0] included).
    pub max_args: usize,
    /// Most bytes kept over all argv entries.
    pub max_args_bytes: usize,
    /// Most env entries kept.
    pub max_env: usize,
    /// Most bytes kept over all env entries.
    pub max_env_bytes: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_args: 256,
            max_args_bytes: 16 * 1024,
            max_env: 256,
            max_env_bytes: 16 * 1024,
        }
    }
}

/// The execve exe flags (libs `ppm_events_public.h`, `PPM_EXE_*`). Unknown bits are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExeFlags(pub u32);

impl ExeFlags {
    pub const WRITABLE: u32 = 1 << 0;
    pub const UPPER_LAYER: u32 = 1 << 1;
    pub const FROM_MEMFD: u32 = 1 << 2;
    pub const LOWER_LAYER: u32 = 1 << 3;
}

/// Where the executable came from, read from the exe flags (ground truth §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExeOrigin {
    /// EXE_LOWER_LAYER: shipped unchanged in an image layer.
    Image,
    /// EXE_UPPER_LAYER: created or modified in the container's writable layer.
    Drift,
    /// EXE_FROM_MEMFD: an anonymous memfd, fileless.
    Memfd,
    /// None of them: not on overlayfs (host binary, volume, tmpfs).
    Host,
}

/// Container runtime recognised from cgroup paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerRuntime {
    Docker,
    Containerd,
    CriO,
    Podman,
    /// A Kubernetes pod cgroup whose runtime prefix is not recognised.
    Kubepods,
    /// A container the caller knows of without knowing its runtime (an alert or the command
    /// line saying "in a container"); never produced from cgroups.
    Unknown,
}

/// A container, as parsed from the event's cgroups (or told by an alert or the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    pub runtime: ContainerRuntime,
    /// 12 lowercase hex characters; empty when the caller did not know the id.
    pub short_id: String,
}

/// Capability sets (bit n = capability number n, as in `linux/capability.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub inheritable: Option<u64>,
    pub permitted: Option<u64>,
    pub effective: Option<u64>,
}

/// Everything one exec event says. Every field may be absent (old captures, failed execs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecFacts {
    /// argv including argv[0] (the `exe` parameter), lossy UTF-8, bounded.
    pub argv: Vec<String>,
    /// True when argv was cut by [`DecodeLimits`].
    pub argv_truncated: bool,
    /// trusted_exepath when present, else the `exe` parameter.
    pub exe_path: Option<String>,
    pub cwd: Option<String>,
    pub comm: Option<String>,
    /// `KEY=VALUE` entries, lossy UTF-8, bounded. Decoded events keep only the variables
    /// the analysis reads ([`ENV_KEYS`]); facts built otherwise may hold any.
    pub env: Vec<String>,
    pub env_truncated: bool,
    /// How many entries the event's environment had within the decode limits (`env` holds
    /// those the analysis reads); 0 when the facts were not decoded from an event.
    pub env_entries: usize,
    /// Controlling terminal (0 or absent: none).
    pub tty: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// u32::MAX means unset (-1).
    pub loginuid: Option<u32>,
    pub tid: Option<i64>,
    pub pid: Option<i64>,
    pub ptid: Option<i64>,
    /// Syscall result: 0 success, negative errno on failure.
    pub res: Option<i64>,
    pub exe_flags: Option<ExeFlags>,
    pub caps: Capabilities,
    /// Parsed from cgroups; None on the host or when cgroups are absent.
    pub container: Option<ContainerInfo>,
    /// True when the cgroups parameter was present (so "no container" is known, not guessed).
    pub cgroups_present: bool,
    pub exe_ino: Option<u64>,
    /// Nanoseconds since the epoch.
    pub exe_ino_ctime: Option<u64>,
    pub exe_ino_mtime: Option<u64>,
}

/// Names of single bits 0..=31, for exe flags the schema does not know.
const BIT_NAMES: [&str; 32] = [
    "0x1",
    "0x2",
    "0x4",
    "0x8",
    "0x10",
    "0x20",
    "0x40",
    "0x80",
    "0x100",
    "0x200",
    "0x400",
    "0x800",
    "0x1000",
    "0x2000",
    "0x4000",
    "0x8000",
    "0x10000",
    "0x20000",
    "0x40000",
    "0x80000",
    "0x100000",
    "0x200000",
    "0x400000",
    "0x800000",
    "0x1000000",
    "0x2000000",
    "0x4000000",
    "0x8000000",
    "0x10000000",
    "0x20000000",
    "0x40000000",
    "0x80000000",
];

impl ExeFlags {
    /// Flag names in bit order, libs spelling (`EXE_WRITABLE`); unknown bits as `0x10`.
    pub fn names(self) -> Vec<&'static str> {
        (0..32u32)
            .filter(|bit| self.0 & (1 << bit) != 0)
            .map(|bit| match 1 << bit {
                ExeFlags::WRITABLE => "EXE_WRITABLE",
                ExeFlags::UPPER_LAYER => "EXE_UPPER_LAYER",
                ExeFlags::FROM_MEMFD => "EXE_FROM_MEMFD",
                ExeFlags::LOWER_LAYER => "EXE_LOWER_LAYER",
                _ => BIT_NAMES[bit as usize],
            })
            .collect()
    }

    /// Where the executable came from. Memfd wins: a memfd is never on a layer.
    pub fn origin(self) -> ExeOrigin {
        if self.0 & ExeFlags::FROM_MEMFD != 0 {
            ExeOrigin::Memfd
        } else if self.0 & ExeFlags::UPPER_LAYER != 0 {
            ExeOrigin::Drift
        } else if self.0 & ExeFlags::LOWER_LAYER != 0 {
            ExeOrigin::Image
        } else {
            ExeOrigin::Host
        }
    }
}

impl ExeOrigin {
    /// The `triage.exe_origin` spelling: image, drift, memfd, host.
    pub fn as_str(self) -> &'static str {
        match self {
            ExeOrigin::Image => "image",
            ExeOrigin::Drift => "drift",
            ExeOrigin::Memfd => "memfd",
            ExeOrigin::Host => "host",
        }
    }
}

impl ContainerRuntime {
    /// Lowercase name: docker, containerd, cri-o, podman, kubepods.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerRuntime::Docker => "docker",
            ContainerRuntime::Containerd => "containerd",
            ContainerRuntime::CriO => "cri-o",
            ContainerRuntime::Podman => "podman",
            ContainerRuntime::Kubepods => "kubepods",
            ContainerRuntime::Unknown => "unknown",
        }
    }
}

impl ExecFacts {
    /// Facts for an exec known only by its argv (command line, tests). `exe_path` is argv[0];
    /// set any other field directly.
    pub fn from_argv<I: IntoIterator<Item = S>, S: Into<String>>(argv: I) -> Self {
        let argv: Vec<String> = argv.into_iter().map(Into::into).collect();
        let exe_path = argv.first().filter(|a| !a.is_empty()).cloned();
        ExecFacts {
            argv,
            exe_path,
            ..Default::default()
        }
    }

    /// Where the executable came from; `None` when the event has no exe flags (old capture).
    pub fn exe_origin(&self) -> Option<ExeOrigin> {
        self.exe_flags.map(ExeFlags::origin)
    }

    /// The exe flag names (`EXE_WRITABLE`...); empty when absent.
    pub fn exe_flag_names(&self) -> Vec<&'static str> {
        self.exe_flags.map(ExeFlags::names).unwrap_or_default()
    }

    /// Dangerous capabilities in the effective set (see [`DANGEROUS_CAPS`]), strongest first.
    pub fn dangerous_caps(&self) -> Vec<&'static str> {
        let Some(effective) = self.caps.effective else {
            return Vec::new();
        };
        DANGEROUS_CAPS
            .iter()
            .filter(|(bit, _)| effective & (1u64 << bit) != 0)
            .filter_map(|(bit, _)| cap_name(*bit))
            .collect()
    }

    /// Whether the effective set is (close to) full, as `--privileged` gives. `None` when
    /// the capabilities are unknown.
    pub fn privileged(&self) -> Option<bool> {
        self.caps
            .effective
            .map(|e| e & caps::PRIVILEGED_MASK == caps::PRIVILEGED_MASK)
    }

    /// How many environment variables the exec had (within the decode limits).
    pub fn env_count(&self) -> usize {
        self.env_entries.max(self.env.len())
    }

    /// Whether the process has a controlling terminal.
    pub fn interactive(&self) -> bool {
        self.tty.is_some_and(|t| t != 0)
    }

    /// Whether the cgroups place the process in a container; `None` when cgroups are absent.
    pub fn in_container(&self) -> Option<bool> {
        self.cgroups_present.then_some(self.container.is_some())
    }

    /// The executable path (trusted exepath, else argv[0]), or "" when neither is known.
    pub fn exe(&self) -> &str {
        self.exe_path
            .as_deref()
            .filter(|p| !p.is_empty())
            .or(self.argv.first().map(String::as_str))
            .unwrap_or("")
    }

    /// Basename of the executable path, else of argv[0].
    pub fn executable_name(&self) -> Option<&str> {
        let path = self
            .exe_path
            .as_deref()
            .or(self.argv.first().map(String::as_str))?;
        let name = path.rsplit('/').next().unwrap_or(path);
        (!name.is_empty()).then_some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_origin_from_flags() {
        let origin = |bits| ExeFlags(bits).origin();
        assert_eq!(
            origin(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER),
            ExeOrigin::Image
        );
        assert_eq!(origin(ExeFlags::UPPER_LAYER), ExeOrigin::Drift);
        assert_eq!(
            origin(ExeFlags::FROM_MEMFD | ExeFlags::WRITABLE),
            ExeOrigin::Memfd
        );
        assert_eq!(origin(ExeFlags::WRITABLE), ExeOrigin::Host);
        assert_eq!(origin(0), ExeOrigin::Host);
        assert_eq!(ExecFacts::default().exe_origin(), None);
        assert_eq!(ExeOrigin::Drift.as_str(), "drift");
    }

    #[test]
    fn exe_flag_names_keep_unknown_bits() {
        assert_eq!(
            ExeFlags(0b1001).names(),
            ["EXE_WRITABLE", "EXE_LOWER_LAYER"]
        );
        assert_eq!(
            ExeFlags(0b0110).names(),
            ["EXE_UPPER_LAYER", "EXE_FROM_MEMFD"]
        );
        assert_eq!(ExeFlags(0x10 | 0x8000_0000).names(), ["0x10", "0x80000000"]);
        assert!(ExeFlags(0).names().is_empty());
        assert!(ExecFacts::default().exe_flag_names().is_empty());
    }

    #[test]
    fn dangerous_caps_from_effective_set() {
        let mut f = ExecFacts::default();
        assert!(f.dangerous_caps().is_empty());
        // Docker default set: nothing worth naming.
        f.caps.effective = Some(0xa80425fb);
        assert!(f.dangerous_caps().is_empty());
        assert_eq!(f.privileged(), Some(false));
        f.caps.effective = Some(0xa80425fb | 1 << 21 | 1 << 19 | 1 << 12);
        assert_eq!(
            f.dangerous_caps(),
            ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_ADMIN"]
        );
        // Only the effective set counts: permitted-but-not-effective cannot be used directly.
        f.caps.effective = Some(0);
        f.caps.permitted = Some(u64::MAX);
        assert!(f.dangerous_caps().is_empty());
    }

    #[test]
    fn privileged_is_a_full_set_on_old_and_new_kernels() {
        let mut f = ExecFacts::default();
        assert_eq!(f.privileged(), None);
        f.caps.effective = Some(0x3f_ffff_ffff); // 0..=37, kernels before 5.8
        assert_eq!(f.privileged(), Some(true));
        f.caps.effective = Some(0x1ff_ffff_ffff); // 0..=40
        assert_eq!(f.privileged(), Some(true));
        f.caps.effective = Some(0x1ff_ffff_ffff & !(1 << 21)); // all but SYS_ADMIN
        assert_eq!(f.privileged(), Some(false));
        assert_eq!(f.dangerous_caps().len(), DANGEROUS_CAPS.len() - 1);
    }

    #[test]
    fn interactive_and_in_container() {
        let mut f = ExecFacts::default();
        assert!(!f.interactive());
        f.tty = Some(0);
        assert!(!f.interactive());
        f.tty = Some(34817);
        assert!(f.interactive());
        assert_eq!(f.in_container(), None);
        f.cgroups_present = true;
        assert_eq!(f.in_container(), Some(false));
        f.container = Some(ContainerInfo {
            runtime: ContainerRuntime::Docker,
            short_id: "0123456789ab".into(),
        });
        assert_eq!(f.in_container(), Some(true));
    }

    #[test]
    fn executable_name_prefers_the_resolved_path() {
        let mut f = ExecFacts::from_argv(["sh", "-c", "id"]);
        assert_eq!(f.exe_path.as_deref(), Some("sh"));
        assert_eq!(f.executable_name(), Some("sh"));
        f.exe_path = Some("/usr/bin/dash".into());
        assert_eq!(f.executable_name(), Some("dash"));
        f.exe_path = None;
        f.argv = vec!["/bin/".into()];
        assert_eq!(f.executable_name(), None);
    }
}
