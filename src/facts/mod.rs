//! An execve/execveat exit event becomes [`ExecFacts`]: owned, bounded, UTF-8 (lossy) values
//! of everything the analysis needs. No FFI here: the input is the typed event of
//! `falco_event_schema`, or a builder for the command line and tests.
//!
//! Not here: judging anything. Facts say what the event says, nothing more.

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
}

/// A container, as parsed from the event's cgroups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    pub runtime: ContainerRuntime,
    /// 12 lowercase hex characters.
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
    /// `KEY=VALUE` entries, lossy UTF-8, bounded.
    pub env: Vec<String>,
    pub env_truncated: bool,
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
