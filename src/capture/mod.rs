//! Writing `.scap` capture files that Falco can replay: a section header, a machine-info
//! block, a process list (so parents have names and lineage) and execve exit events.
//!
//! The layout follows libscap (falcosecurity/libs `userspace/libscap/scap_savefile.h` for the
//! block types, `scap_savefile.c` `scap_write_proclist_entry_bufs` and `scap_dump` for the
//! bodies, `engine/savefile/scap_savefile.c` for what the reader checks). Every block is
//! `u32 type, u32 total_len, body padded to 4 bytes, u32 total_len`, in host byte order (the
//! section magic tells readers the order). Events are serialised by `falco_event`, exactly as
//! a plugin receives them; framing uses the number of bytes actually written, not
//! `Event::binary_size` (which over-reports by 26).
//!
//! Not here: reading captures, gzip (wrap the writer in `flate2::write::GzEncoder`, libscap
//! reads both), other event types, file descriptors, users or interfaces blocks (optional for
//! libscap: "can't require a user list block, interface list block, or machine info block").

use falco_event::events::{Event, EventMetadata, EventToBytes};
use falco_event::types::{Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_event_schema::fields::types::{PT_FLAGS32_execve_flags, PT_FSPATH};
use std::ffi::CString;
use std::io::{self, Write};

/// Section header block type (`SHB_BLOCK_TYPE`, "\r\n\n\r").
pub const SHB_BLOCK_TYPE: u32 = 0x0A0D_0D0A;
/// Byte-order magic of the section header (`SHB_MAGIC`).
pub const SHB_MAGIC: u32 = 0x1A2B_3C4D;
/// File format version written (`CURRENT_MAJOR_VERSION`, `CURRENT_MINOR_VERSION`).
pub const SHB_VERSION: (u16, u16) = (1, 2);
/// Machine info block (`MI_BLOCK_TYPE`).
pub const MI_BLOCK_TYPE: u32 = 0x201;
/// Process list, version 9 (`PL_BLOCK_TYPE_V9`): entries carry their own length.
pub const PL_BLOCK_TYPE_V9: u32 = 0x215;
/// Event block with the v2 event header (`EV_BLOCK_TYPE_V2`): `u16 cpuid` then the event.
pub const EV_BLOCK_TYPE_V2: u32 = 0x216;
/// Size of `scap_machine_info` (packed): u32, u64, u64, char[128], u64 x4.
pub const MACHINE_INFO_LEN: usize = 4 + 8 + 8 + 128 + 8 * 4;
/// Event code of the execve exit event (`PPME_SYSCALL_EXECVE_19_X`).
pub const EXECVE_EXIT: u16 = 293;

/// libscap's limits on process-list strings (`scap_limits.h`): longer values make the
/// reader reject the whole capture, so the writer refuses them instead.
pub const SCAP_MAX_PATH_SIZE: usize = 1024;
pub const SCAP_MAX_ARGS_SIZE: usize = 4096;
pub const SCAP_MAX_ENV_SIZE: usize = 4096;
pub const SCAP_MAX_CGROUPS_SIZE: usize = 4096;
/// The savefile reader's buffer for a non-large event block (`READER_BUF_SIZE`).
pub const READER_BUF_SIZE: usize = 1 << 16;

/// The host the capture claims to come from (`scap_machine_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineInfo {
    pub num_cpus: u32,
    pub memory_size_bytes: u64,
    pub max_pid: u64,
    /// Truncated to 127 bytes (the field is a NUL-terminated `char[128]`).
    pub hostname: String,
    /// Boot time, nanoseconds since the epoch.
    pub boot_ts_epoch: u64,
}

impl Default for MachineInfo {
    fn default() -> Self {
        MachineInfo {
            num_cpus: 2,
            memory_size_bytes: 4 << 30,
            max_pid: 4_194_304,
            hostname: "falco-triage".into(),
            boot_ts_epoch: 0,
        }
    }
}

/// One thread that exists when the capture starts (a process-list entry).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcEntry {
    pub tid: i64,
    pub pid: i64,
    pub ptid: i64,
    pub sid: i64,
    pub vpgid: i64,
    pub pgid: i64,
    pub vtid: i64,
    pub vpid: i64,
    pub comm: String,
    /// argv[0].
    pub exe: String,
    /// The resolved executable path.
    pub exe_path: String,
    /// argv[1..].
    pub args: Vec<String>,
    pub cwd: String,
    /// `KEY=VALUE` entries.
    pub env: Vec<String>,
    /// `subsys=path` entries.
    pub cgroups: Vec<String>,
    pub root: String,
    pub fdlimit: u64,
    pub uid: u32,
    pub gid: u32,
    pub loginuid: u32,
    pub tty: u32,
    pub exe_writable: bool,
    pub exe_upper_layer: bool,
    pub exe_lower_layer: bool,
    pub exe_from_memfd: bool,
    pub cap_inheritable: u64,
    pub cap_permitted: u64,
    pub cap_effective: u64,
}

/// One execve exit event (`PPME_SYSCALL_EXECVE_19_X`), every parameter given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecEvent {
    /// Event timestamp, nanoseconds since the epoch.
    pub ts: u64,
    pub res: i64,
    /// argv; argv[0] becomes the `exe` parameter, the rest `args` (NUL-separated).
    pub argv: Vec<String>,
    pub tid: i64,
    pub pid: i64,
    pub ptid: i64,
    pub cwd: String,
    pub fdlimit: u64,
    pub pgft_maj: u64,
    pub pgft_min: u64,
    pub vm_size: u32,
    pub vm_rss: u32,
    pub vm_swap: u32,
    pub comm: String,
    /// `subsys=path` entries.
    pub cgroups: Vec<String>,
    /// `KEY=VALUE` entries.
    pub env: Vec<String>,
    pub tty: u32,
    pub vpgid: i64,
    pub loginuid: u32,
    /// `PPM_EXE_*` bits (EXE_WRITABLE 1, EXE_UPPER_LAYER 2, EXE_FROM_MEMFD 4, EXE_LOWER_LAYER 8).
    pub flags: u32,
    pub cap_inheritable: u64,
    pub cap_permitted: u64,
    pub cap_effective: u64,
    pub exe_ino: u64,
    pub exe_ino_ctime: u64,
    pub exe_ino_mtime: u64,
    pub uid: u32,
    pub trusted_exepath: String,
    pub pgid: i64,
    pub gid: u32,
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.into())
}

fn cstring(field: &str, s: &str) -> io::Result<CString> {
    CString::new(s).map_err(|_| invalid(format!("{field} contains a NUL byte")))
}

/// `a\0b\0c\0`: how the driver sends argv, env and cgroups.
fn nul_joined<S: AsRef<str>>(field: &str, items: &[S]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for item in items {
        let item = item.as_ref();
        if item.contains('\0') {
            return Err(invalid(format!("{field} entry contains a NUL byte")));
        }
        out.extend_from_slice(item.as_bytes());
        out.push(0);
    }
    Ok(out)
}

/// Serialise one execve exit event as the driver would deliver it (header, u16 parameter
/// lengths, values). This is the `scap_evt` that an event block carries.
pub fn encode_exec(ev: &ExecEvent) -> io::Result<Vec<u8>> {
    let (exe, args) = match ev.argv.split_first() {
        Some((exe, rest)) => (exe.as_str(), rest),
        None => ("", &[][..]),
    };
    let exe = cstring("argv[0]", exe)?;
    let args = nul_joined("argv", args)?;
    let cwd = cstring("cwd", &ev.cwd)?;
    let comm = cstring("comm", &ev.comm)?;
    let cgroups = nul_joined("cgroups", &ev.cgroups)?;
    let env = nul_joined("env", &ev.env)?;
    if ev.trusted_exepath.contains('\0') {
        return Err(invalid("trusted_exepath contains a NUL byte"));
    }
    // falco_event panics on a parameter longer than its u16 length, so check them all first.
    for (name, len) in [
        ("argv[0]", exe.as_bytes_with_nul().len()),
        ("args", args.len()),
        ("cwd", cwd.as_bytes_with_nul().len()),
        ("comm", comm.as_bytes_with_nul().len()),
        ("cgroups", cgroups.len()),
        ("env", env.len()),
        ("trusted_exepath", ev.trusted_exepath.len() + 1),
    ] {
        if len > usize::from(u16::MAX) {
            return Err(invalid(format!(
                "{name} is {len} bytes, over the 65535 of a u16 length"
            )));
        }
    }
    let event = Event {
        metadata: EventMetadata {
            ts: ev.ts,
            tid: ev.tid,
        },
        params: PPME_SYSCALL_EXECVE_19_X {
            res: Some(SyscallResult(ev.res)),
            exe: Some(exe.as_c_str()),
            args: Some(&args),
            tid: Some(Pid(ev.tid)),
            pid: Some(Pid(ev.pid)),
            ptid: Some(Pid(ev.ptid)),
            cwd: Some(cwd.as_c_str()),
            fdlimit: Some(ev.fdlimit),
            pgft_maj: Some(ev.pgft_maj),
            pgft_min: Some(ev.pgft_min),
            vm_size: Some(ev.vm_size),
            vm_rss: Some(ev.vm_rss),
            vm_swap: Some(ev.vm_swap),
            comm: Some(comm.as_c_str()),
            cgroups: Some(&cgroups),
            env: Some(&env),
            tty: Some(ev.tty),
            vpgid: Some(Pid(ev.vpgid)),
            loginuid: Some(Uid(ev.loginuid)),
            flags: Some(PT_FLAGS32_execve_flags::from_bits_retain(ev.flags)),
            cap_inheritable: Some(ev.cap_inheritable),
            cap_permitted: Some(ev.cap_permitted),
            cap_effective: Some(ev.cap_effective),
            exe_ino: Some(ev.exe_ino),
            exe_ino_ctime: Some(SystemTime(ev.exe_ino_ctime)),
            exe_ino_mtime: Some(SystemTime(ev.exe_ino_mtime)),
            uid: Some(Uid(ev.uid)),
            trusted_exepath: Some(PT_FSPATH::new(ev.trusted_exepath.as_bytes())),
            pgid: Some(Pid(ev.pgid)),
            gid: Some(Gid(ev.gid)),
        },
    };
    let mut raw = Vec::with_capacity(512);
    event.write(&mut raw)?;
    // The header's len field is a u32 but the savefile reader caps a plain event block at
    // READER_BUF_SIZE (block header, cpuid and trailer included).
    if raw.len() + 8 + 2 + 4 > READER_BUF_SIZE {
        return Err(invalid(format!(
            "event is {} bytes, too large for an event block",
            raw.len()
        )));
    }
    Ok(raw)
}

/// Writes a capture block by block. Call [`ScapWriter::new`] (section header), then
/// optionally [`machine_info`](Self::machine_info) and [`proclist`](Self::proclist), then
/// [`exec`](Self::exec) for each event. Metadata blocks must precede the first event.
pub struct ScapWriter<W: Write> {
    out: W,
    events: usize,
}

impl<W: Write> ScapWriter<W> {
    /// Start a capture: writes the section header block.
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = ScapWriter { out, events: 0 };
        let mut body = Vec::with_capacity(16);
        body.extend_from_slice(&SHB_MAGIC.to_ne_bytes());
        body.extend_from_slice(&SHB_VERSION.0.to_ne_bytes());
        body.extend_from_slice(&SHB_VERSION.1.to_ne_bytes());
        // Section length unknown (-1), as libscap writes it.
        body.extend_from_slice(&u64::MAX.to_ne_bytes());
        w.block(SHB_BLOCK_TYPE, &body)?;
        Ok(w)
    }

    fn block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let padded = body.len().div_ceil(4) * 4;
        let total = u32::try_from(8 + padded + 4).map_err(|_| invalid("block over 4 GiB"))?;
        self.out.write_all(&block_type.to_ne_bytes())?;
        self.out.write_all(&total.to_ne_bytes())?;
        self.out.write_all(body)?;
        self.out.write_all(&[0u8; 3][..padded - body.len()])?;
        self.out.write_all(&total.to_ne_bytes())
    }

    fn before_events(&self, what: &str) -> io::Result<()> {
        if self.events > 0 {
            return Err(invalid(format!(
                "{what} must be written before the first event"
            )));
        }
        Ok(())
    }

    /// The machine-info block. Optional for libscap; without it the host is unknown.
    pub fn machine_info(&mut self, mi: &MachineInfo) -> io::Result<()> {
        self.before_events("machine info")?;
        let mut body = Vec::with_capacity(MACHINE_INFO_LEN);
        body.extend_from_slice(&mi.num_cpus.to_ne_bytes());
        body.extend_from_slice(&mi.memory_size_bytes.to_ne_bytes());
        body.extend_from_slice(&mi.max_pid.to_ne_bytes());
        let mut hostname = [0u8; 128];
        let name = mi.hostname.as_bytes();
        let n = name.len().min(127);
        hostname[..n].copy_from_slice(&name[..n]);
        body.extend_from_slice(&hostname);
        body.extend_from_slice(&mi.boot_ts_epoch.to_ne_bytes());
        body.extend_from_slice(&[0u8; 24]); // flags, reserved3, reserved4
        self.block(MI_BLOCK_TYPE, &body)
    }

    /// The process list (`PL_BLOCK_TYPE_V9`): the threads alive when the capture starts.
    pub fn proclist(&mut self, procs: &[ProcEntry]) -> io::Result<()> {
        self.before_events("process list")?;
        let mut body = Vec::new();
        for p in procs {
            encode_proc(p, &mut body)?;
        }
        self.block(PL_BLOCK_TYPE_V9, &body)
    }

    /// One execve exit event in an `EV_BLOCK_TYPE_V2` block on the given CPU.
    pub fn exec(&mut self, cpuid: u16, ev: &ExecEvent) -> io::Result<()> {
        let raw = encode_exec(ev)?;
        let mut body = Vec::with_capacity(2 + raw.len());
        body.extend_from_slice(&cpuid.to_ne_bytes());
        body.extend_from_slice(&raw);
        self.block(EV_BLOCK_TYPE_V2, &body)?;
        self.events += 1;
        Ok(())
    }

    /// Flush and hand back the underlying writer (finish a `GzEncoder` with it).
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A u16-length-prefixed string, not NUL-terminated (the process-list convention).
fn put_str(field: &str, s: &[u8], max: usize, out: &mut Vec<u8>) -> io::Result<()> {
    if s.len() > max {
        return Err(invalid(format!(
            "{field} is {} bytes, libscap accepts at most {max}",
            s.len()
        )));
    }
    // max <= 4096, so the cast cannot truncate.
    out.extend_from_slice(&(s.len() as u16).to_ne_bytes());
    out.extend_from_slice(s);
    Ok(())
}

/// One `PL_BLOCK_TYPE_V9` entry, field for field as `scap_write_proclist_entry_bufs`.
fn encode_proc(p: &ProcEntry, out: &mut Vec<u8>) -> io::Result<()> {
    let start = out.len();
    out.extend_from_slice(&0u32.to_ne_bytes()); // entry length, patched below
    for v in [p.tid, p.pid, p.ptid, p.sid, p.vpgid] {
        out.extend_from_slice(&v.to_ne_bytes());
    }
    put_str("comm", p.comm.as_bytes(), SCAP_MAX_PATH_SIZE, out)?;
    put_str("exe", p.exe.as_bytes(), SCAP_MAX_PATH_SIZE, out)?;
    put_str("exe_path", p.exe_path.as_bytes(), SCAP_MAX_PATH_SIZE, out)?;
    put_str(
        "args",
        &nul_joined("args", &p.args)?,
        SCAP_MAX_ARGS_SIZE,
        out,
    )?;
    put_str("cwd", p.cwd.as_bytes(), SCAP_MAX_PATH_SIZE, out)?;
    out.extend_from_slice(&p.fdlimit.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes()); // flags (PPM_CL_*): none
    out.extend_from_slice(&p.uid.to_ne_bytes());
    out.extend_from_slice(&p.gid.to_ne_bytes());
    out.extend_from_slice(&[0u8; 12]); // vmsize_kb, vmrss_kb, vmswap_kb
    out.extend_from_slice(&[0u8; 16]); // pfmajor, pfminor
    put_str("env", &nul_joined("env", &p.env)?, SCAP_MAX_ENV_SIZE, out)?;
    out.extend_from_slice(&p.vtid.to_ne_bytes());
    out.extend_from_slice(&p.vpid.to_ne_bytes());
    put_str(
        "cgroups",
        &nul_joined("cgroups", &p.cgroups)?,
        SCAP_MAX_CGROUPS_SIZE,
        out,
    )?;
    put_str("root", p.root.as_bytes(), SCAP_MAX_PATH_SIZE, out)?;
    out.extend_from_slice(&0u64.to_ne_bytes()); // pidns_init_start_ts
    out.extend_from_slice(&p.tty.to_ne_bytes());
    out.extend_from_slice(&p.loginuid.to_ne_bytes());
    out.push(u8::from(p.exe_writable));
    for v in [p.cap_inheritable, p.cap_permitted, p.cap_effective] {
        out.extend_from_slice(&v.to_ne_bytes());
    }
    out.push(u8::from(p.exe_upper_layer));
    out.extend_from_slice(&[0u8; 24]); // exe_ino, exe_ino_ctime, exe_ino_mtime
    out.push(u8::from(p.exe_from_memfd));
    out.push(u8::from(p.exe_lower_layer));
    out.extend_from_slice(&p.pgid.to_ne_bytes());
    let len = u32::try_from(out.len() - start).map_err(|_| invalid("process entry too large"))?;
    out[start..start + 4].copy_from_slice(&len.to_ne_bytes());
    Ok(())
}

/// A whole capture: who is running, then what they exec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capture {
    pub machine: MachineInfo,
    pub procs: Vec<ProcEntry>,
    pub execs: Vec<ExecEvent>,
}

impl Capture {
    /// Write the capture to `out`, gzip-compressed when `gzip` is set.
    pub fn write_to<W: Write>(&self, out: W, gzip: bool) -> io::Result<W> {
        if gzip {
            let enc = flate2::write::GzEncoder::new(out, flate2::Compression::default());
            self.write_plain(enc)?.finish()
        } else {
            self.write_plain(out)
        }
    }

    fn write_plain<W: Write>(&self, out: W) -> io::Result<W> {
        let mut w = ScapWriter::new(out)?;
        w.machine_info(&self.machine)?;
        if !self.procs.is_empty() {
            w.proclist(&self.procs)?;
        }
        for ev in &self.execs {
            w.exec(0, ev)?;
        }
        w.into_inner()
    }
}
