//! Decoding the typed execve/execveat exit event into [`ExecFacts`].
//!
//! Both events carry the same 30 parameters (libs `driver/event_table.c`), so they are first
//! borrowed into one [`ExecParams`] and decoded once. Every parameter is optional: old
//! captures, failed execs and zero-length parameters all decode to `None`.
//!
//! Not here: cgroup layouts (see [`super::cgroups`]), any judgement.

use super::{cgroups, env, Capabilities, DecodeLimits, ExeFlags, ExecFacts, Recent};
use falco_event_schema::events::{PPME_SYSCALL_EXECVEAT_X, PPME_SYSCALL_EXECVE_19_X};
use std::ffi::CStr;

/// Paths, cwd and comm come from the kernel bounded by PATH_MAX; this is a second fence so a
/// malformed capture cannot make us hold megabytes per string. Like every byte bound of the
/// decode, it bounds what is kept: invalid UTF-8 grows by up to 3x when replaced by U+FFFD.
const MAX_PATH_BYTES: usize = 4096;

/// The parameters both exec exit events share, borrowed from the event buffer.
struct ExecParams<'a> {
    res: Option<i64>,
    exe: Option<&'a CStr>,
    args: Option<&'a [u8]>,
    tid: Option<i64>,
    pid: Option<i64>,
    ptid: Option<i64>,
    cwd: Option<&'a CStr>,
    comm: Option<&'a CStr>,
    cgroups: Option<&'a [u8]>,
    env: Option<&'a [u8]>,
    tty: Option<u32>,
    loginuid: Option<u32>,
    flags: Option<u32>,
    cap_inheritable: Option<u64>,
    cap_permitted: Option<u64>,
    cap_effective: Option<u64>,
    exe_ino: Option<u64>,
    exe_ino_ctime: Option<u64>,
    exe_ino_mtime: Option<u64>,
    uid: Option<u32>,
    trusted_exepath: Option<&'a [u8]>,
    gid: Option<u32>,
}

/// Both event structs have identical field names and types; one macro borrows either.
macro_rules! exec_params {
    ($ev:expr) => {{
        let ev = $ev;
        ExecParams {
            res: ev.res.map(|r| r.0),
            exe: ev.exe,
            args: ev.args,
            tid: ev.tid.map(|p| p.0),
            pid: ev.pid.map(|p| p.0),
            ptid: ev.ptid.map(|p| p.0),
            cwd: ev.cwd,
            comm: ev.comm,
            cgroups: ev.cgroups,
            env: ev.env,
            tty: ev.tty,
            loginuid: ev.loginuid.map(|u| u.0),
            flags: ev.flags.map(|f| f.bits()),
            cap_inheritable: ev.cap_inheritable,
            cap_permitted: ev.cap_permitted,
            cap_effective: ev.cap_effective,
            exe_ino: ev.exe_ino,
            exe_ino_ctime: ev.exe_ino_ctime.map(|t| t.0),
            exe_ino_mtime: ev.exe_ino_mtime.map(|t| t.0),
            uid: ev.uid.map(|u| u.0),
            trusted_exepath: ev.trusted_exepath.map(|p| p.as_bytes()),
            gid: ev.gid.map(|g| g.0),
        }
    }};
}

/// Decode an execve exit event (code 293: every successful execve and execveat live).
pub fn from_execve(ev: &PPME_SYSCALL_EXECVE_19_X, limits: &DecodeLimits) -> ExecFacts {
    let mut facts = ExecFacts::default();
    execve_into(ev, limits, &mut facts);
    facts
}

/// Decode an execveat exit event (code 331: failed execveat calls).
pub fn from_execveat(ev: &PPME_SYSCALL_EXECVEAT_X, limits: &DecodeLimits) -> ExecFacts {
    let mut facts = ExecFacts::default();
    execveat_into(ev, limits, &mut facts);
    facts
}

/// [`from_execve`] into facts decoded before, reusing their text buffers: an exec like the
/// one before it allocates nothing. Every field of `out` is overwritten.
pub fn execve_into(ev: &PPME_SYSCALL_EXECVE_19_X, limits: &DecodeLimits, out: &mut ExecFacts) {
    exec_params!(ev).decode_into(limits, Parts::All, out, None)
}

/// [`from_execveat`] into facts decoded before, as [`execve_into`].
pub fn execveat_into(ev: &PPME_SYSCALL_EXECVEAT_X, limits: &DecodeLimits, out: &mut ExecFacts) {
    exec_params!(ev).decode_into(limits, Parts::All, out, None)
}

/// Which parameters a decode into earlier facts reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Every one: [`execve_into`].
    All,
    /// All but the environment, left empty (a caller that may not need it: the environment
    /// is most of an event's bytes).
    AllButEnv,
    /// The environment alone, into facts decoded with [`Parts::AllButEnv`] from the same
    /// event: together the two are [`Parts::All`].
    Env,
}

/// [`execve_into`], of the parameters `parts` names, the environment and cgroups read
/// through `recent` (the same facts as without it, sooner for those seen before).
pub fn execve_parts_into(
    ev: &PPME_SYSCALL_EXECVE_19_X,
    limits: &DecodeLimits,
    parts: Parts,
    out: &mut ExecFacts,
    recent: &mut Recent,
) {
    exec_params!(ev).decode_into(limits, parts, out, Some(recent))
}

/// [`execveat_into`], as [`execve_parts_into`].
pub fn execveat_parts_into(
    ev: &PPME_SYSCALL_EXECVEAT_X,
    limits: &DecodeLimits,
    parts: Parts,
    out: &mut ExecFacts,
    recent: &mut Recent,
) {
    exec_params!(ev).decode_into(limits, parts, out, Some(recent))
}

impl ExecParams<'_> {
    fn decode_into(
        &self,
        limits: &DecodeLimits,
        parts: Parts,
        out: &mut ExecFacts,
        mut recent: Option<&mut Recent>,
    ) {
        if parts != Parts::AllButEnv {
            let (raw, max_items, max_bytes) = (
                self.env.unwrap_or_default(),
                limits.max_env,
                limits.max_env_bytes,
            );
            let env = match recent.as_deref_mut() {
                Some(recent) => {
                    (recent.envs).keep_read_into(raw, max_items, max_bytes, &mut out.env)
                }
                None => env::keep_read_into(raw, max_items, max_bytes, &mut out.env),
            };
            out.env_truncated = env.truncated;
            out.env_entries = env.walked;
        } else {
            out.env.clear();
            out.env_truncated = false;
            out.env_entries = 0;
        }
        if parts == Parts::Env {
            return;
        }
        let exe = self.exe.map(CStr::to_bytes).filter(|b| !b.is_empty());

        out.argv_truncated = match (exe, self.args) {
            (None, None) => {
                out.argv.clear();
                false
            }
            (exe, args) => {
                // argv[0] keeps its slot even when unknown, so argv[1] stays argv[1].
                let first = exe.unwrap_or_default();
                let pieces = std::iter::once(first).chain(split_nul(args.unwrap_or_default()));
                fill_lossy(
                    &mut out.argv,
                    pieces,
                    limits.max_args,
                    limits.max_args_bytes,
                )
            }
        };
        let exe_path = self.trusted_exepath.filter(|p| !p.is_empty()).or(exe);
        set_text(&mut out.exe_path, exe_path, MAX_PATH_BYTES);
        set_text(&mut out.cwd, non_empty(self.cwd), MAX_PATH_BYTES);
        set_text(&mut out.comm, non_empty(self.comm), MAX_PATH_BYTES);
        let cgroups = self.cgroups.filter(|c| !c.is_empty());

        out.tty = self.tty;
        out.uid = self.uid;
        out.gid = self.gid;
        out.loginuid = self.loginuid;
        out.tid = self.tid;
        out.pid = self.pid;
        out.ptid = self.ptid;
        out.res = self.res;
        out.exe_flags = self.flags.map(ExeFlags);
        out.caps = Capabilities {
            inheritable: self.cap_inheritable,
            permitted: self.cap_permitted,
            effective: self.cap_effective,
        };
        match (cgroups, recent) {
            (Some(raw), Some(recent)) => recent.cgroups.container_into(raw, &mut out.container),
            (raw, _) => out.container = raw.and_then(cgroups::container_from_cgroups),
        }
        out.cgroups_present = cgroups.is_some();
        out.exe_ino = self.exe_ino;
        out.exe_ino_ctime = self.exe_ino_ctime;
        out.exe_ino_mtime = self.exe_ino_mtime;
    }
}

/// Split a `a\0b\0` buffer into its pieces. The kernel terminates every piece with NUL, so
/// the empty piece after the last NUL is dropped; a missing final NUL (cut by the driver)
/// keeps the last piece.
pub(crate) fn split_nul(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    let buf = buf.strip_suffix(b"\0").unwrap_or(buf);
    let empty = buf.is_empty();
    buf.split(|b| *b == 0).filter(move |_| !empty)
}

/// Lossy UTF-8 of at most `max_items` pieces and `max_bytes` raw bytes in total. A piece cut
/// by the byte budget is kept up to the budget. Returns whether anything was dropped or cut.
#[cfg(test)]
pub(crate) fn bounded_lossy<'a>(
    pieces: impl Iterator<Item = &'a [u8]>,
    max_items: usize,
    max_bytes: usize,
) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let cut = fill_lossy(&mut out, pieces, max_items, max_bytes);
    (out, cut)
}

/// [`bounded_lossy`] into `out`, whose strings' buffers are reused: `out` ends holding the
/// pieces kept, and whether anything was dropped or cut is returned.
pub(crate) fn fill_lossy<'a>(
    out: &mut Vec<String>,
    pieces: impl Iterator<Item = &'a [u8]>,
    max_items: usize,
    max_bytes: usize,
) -> bool {
    let mut list = Refill::new(out, max_bytes);
    for piece in pieces {
        if list.len() >= max_items || !list.push(piece, |text| !text.is_empty()) {
            return true;
        }
    }
    false
}

/// A list of texts decoded before, refilled in place: each string's buffer is reused, the
/// texts share a byte budget, and the list is cut to what was pushed when this is dropped.
pub(crate) struct Refill<'a> {
    list: &'a mut Vec<String>,
    len: usize,
    /// Bytes left for the texts still to come.
    pub budget: usize,
}

impl<'a> Refill<'a> {
    pub(crate) fn new(list: &'a mut Vec<String>, budget: usize) -> Self {
        Refill {
            list,
            len: 0,
            budget,
        }
    }

    /// Texts pushed so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Push `bytes` as the next text ([`lossy_into`], within the budget). False when the
    /// budget cut it: it is kept in part if `keep_cut` says so, and nothing more should come.
    pub(crate) fn push(&mut self, bytes: &[u8], keep_cut: fn(&str) -> bool) -> bool {
        if self.len == self.list.len() {
            self.list.push(String::new());
        }
        let text = &mut self.list[self.len];
        if lossy_into(text, bytes, self.budget) {
            self.len += usize::from(keep_cut(text));
            return false;
        }
        self.budget -= text.len();
        self.len += 1;
        true
    }
}

impl Drop for Refill<'_> {
    fn drop(&mut self) {
        self.list.truncate(self.len);
    }
}

/// Most capacity a reused string keeps for a text that fits in it: enough for nearly every
/// argument, path and variable kept.
pub(crate) const KEEP_CAPACITY: usize = 512;

/// Set `out` (cleared first, its buffer reused) to `bytes` as text of at most `max` bytes
/// (invalid UTF-8 replaced by U+FFFD, which takes three bytes for one); whether it was cut.
pub(crate) fn lossy_into(out: &mut String, bytes: &[u8], max: usize) -> bool {
    let keeps_buffer = out.capacity() <= KEEP_CAPACITY || bytes.len().min(max) > KEEP_CAPACITY;
    if keeps_buffer && bytes.len() <= max && out.as_bytes() == bytes {
        // The text it already holds (an ancestor's comm, a loop's arguments, the same cwd):
        // valid, whole, and nothing to copy.
        return false;
    }
    if !keeps_buffer {
        // A large buffer from an earlier event is not kept for a small text: what the plugin
        // holds between events stays near the size of the event it holds.
        *out = String::new();
    } else {
        out.clear();
    }
    // Each input byte gives at least one output byte: no more than `max` input bytes count.
    let taken = &bytes[..bytes.len().min(max)];
    // Valid UTF-8 (nearly every argument and path) is checked by the fast validator and
    // copied once; only invalid text goes through the replacing conversion.
    match std::str::from_utf8(taken) {
        Ok(valid) => out.push_str(valid),
        Err(_) => out.push_str(&String::from_utf8_lossy(taken)),
    }
    let cut = taken.len() < bytes.len() || out.len() > max;
    out.truncate(crate::text::floor_char_boundary(out, max));
    cut
}

fn non_empty(text: Option<&CStr>) -> Option<&[u8]> {
    text.map(CStr::to_bytes).filter(|b| !b.is_empty())
}

/// Set `slot` to the text of `bytes` (at most `max` bytes, as [`lossy_into`]), reusing the
/// string it held; `None` for `None`.
pub(crate) fn set_text(slot: &mut Option<String>, bytes: Option<&[u8]>, max: usize) {
    match bytes {
        Some(bytes) => {
            lossy_into(slot.get_or_insert_default(), bytes, max);
        }
        None => *slot = None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_corpus::empty_execve;
    use crate::facts::{ContainerRuntime, ExeOrigin};
    use falco_event::types::{Gid, Pid, SyscallResult, SystemTime, Uid};
    use falco_event_schema::fields::types::PT_FLAGS32_execve_flags;
    use typed_path::UnixPath;

    const DOCKER_CG: &[u8] = b"cpuset=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\0cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\0";

    #[test]
    fn full_event_decodes_every_parameter() {
        let mut ev = empty_execve();
        ev.res = Some(SyscallResult(0));
        ev.exe = Some(c"nc");
        ev.args = Some(b"-e\0/bin/sh\0example.com\x0022\0");
        ev.tid = Some(Pid(42));
        ev.pid = Some(Pid(42));
        ev.ptid = Some(Pid(7));
        ev.cwd = Some(c"/root");
        ev.comm = Some(c"nc");
        ev.cgroups = Some(DOCKER_CG);
        ev.env = Some(b"PATH=/usr/bin\0HOME=/root\0LD_PRELOAD=/tmp/x.so\0");
        ev.tty = Some(34816);
        ev.loginuid = Some(Uid(u32::MAX));
        ev.flags = Some(PT_FLAGS32_execve_flags::from_bits_retain(0b1001));
        ev.cap_effective = Some(0xa80425fb);
        ev.exe_ino = Some(1234);
        ev.exe_ino_ctime = Some(SystemTime(5));
        ev.uid = Some(Uid(0));
        ev.gid = Some(Gid(0));
        ev.trusted_exepath = Some(UnixPath::new("/usr/bin/nc.openbsd"));

        let f = from_execve(&ev, &DecodeLimits::default());
        assert_eq!(f.argv, ["nc", "-e", "/bin/sh", "example.com", "22"]);
        assert!(!f.argv_truncated);
        assert_eq!(f.exe_path.as_deref(), Some("/usr/bin/nc.openbsd"));
        assert_eq!(f.cwd.as_deref(), Some("/root"));
        // Only the variables the analysis reads are kept; all are counted.
        assert_eq!(f.env, ["PATH=/usr/bin", "LD_PRELOAD=/tmp/x.so"]);
        assert_eq!(f.env_count(), 3);
        assert_eq!(
            (f.tid, f.pid, f.ptid, f.res),
            (Some(42), Some(42), Some(7), Some(0))
        );
        assert_eq!((f.uid, f.gid, f.tty), (Some(0), Some(0), Some(34816)));
        assert_eq!(f.exe_origin(), Some(ExeOrigin::Image));
        assert_eq!(f.exe_flag_names(), ["EXE_WRITABLE", "EXE_LOWER_LAYER"]);
        assert_eq!(f.caps.effective, Some(0xa80425fb));
        assert_eq!(f.exe_ino_ctime, Some(5));
        let c = f.container.as_ref().expect("docker cgroups");
        assert_eq!(
            (c.runtime, c.short_id.as_str()),
            (ContainerRuntime::Docker, "0123456789ab")
        );
        assert_eq!(f.in_container(), Some(true));
        assert!(f.interactive());
        assert_eq!(f.executable_name(), Some("nc.openbsd"));
    }

    #[test]
    fn execveat_decodes_like_execve() {
        let ev = PPME_SYSCALL_EXECVEAT_X {
            res: Some(SyscallResult(-2)),
            exe: Some(c"/tmp/x"),
            args: Some(b"a\0"),
            ..crate::bench_corpus::empty_execveat()
        };
        let f = from_execveat(&ev, &DecodeLimits::default());
        assert_eq!(f.argv, ["/tmp/x", "a"]);
        assert_eq!(f.res, Some(-2));
        assert_eq!(f.exe_path.as_deref(), Some("/tmp/x"));
    }

    #[test]
    fn absent_parameters_decode_to_nothing() {
        let f = from_execve(&empty_execve(), &DecodeLimits::default());
        assert_eq!(f, ExecFacts::default());
        assert_eq!(f.exe_origin(), None);
        assert_eq!(f.in_container(), None);
        assert_eq!(f.privileged(), None);
        assert!(!f.interactive());
        assert_eq!(f.executable_name(), None);
    }

    #[test]
    fn empty_trusted_exepath_falls_back_to_exe() {
        let mut ev = empty_execve();
        ev.exe = Some(c"/bin/sh");
        ev.trusted_exepath = Some(UnixPath::new(""));
        ev.cgroups = Some(b"");
        let f = from_execve(&ev, &DecodeLimits::default());
        assert_eq!(f.exe_path.as_deref(), Some("/bin/sh"));
        assert_eq!(f.argv, ["/bin/sh"]);
        // A zero-length cgroups parameter is an old capture, not "on the host".
        assert!(!f.cgroups_present);
    }

    #[test]
    fn args_without_exe_keep_their_positions() {
        let mut ev = empty_execve();
        ev.args = Some(b"-c\0id\0");
        let f = from_execve(&ev, &DecodeLimits::default());
        assert_eq!(f.argv, ["", "-c", "id"]);
    }

    #[test]
    fn non_utf8_is_replaced_not_rejected() {
        let mut ev = empty_execve();
        ev.exe = Some(c"sh");
        ev.args = Some(b"\xff\xfe\0ok\0");
        ev.env = Some(b"X=\xc3\0HISTFILE=\xc3\0");
        ev.comm = Some(c"\xffx");
        let f = from_execve(&ev, &DecodeLimits::default());
        assert_eq!(f.argv, ["sh", "\u{fffd}\u{fffd}", "ok"]);
        assert_eq!(f.env, ["HISTFILE=\u{fffd}"]);
        assert_eq!(f.comm.as_deref(), Some("\u{fffd}x"));
    }

    #[test]
    fn empty_arguments_in_the_middle_are_kept() {
        let pieces: Vec<&[u8]> = split_nul(b"a\0\0b\0").collect();
        assert_eq!(pieces, [&b"a"[..], b"", b"b"]);
        assert_eq!(split_nul(b"").count(), 0);
        assert_eq!(split_nul(b"\0").count(), 0);
        assert_eq!(split_nul(b"cut-without-nul").count(), 1);
    }

    #[test]
    fn huge_argv_is_bounded_and_marked() {
        let args: Vec<u8> = (0..10_000)
            .flat_map(|i| format!("arg{i}\0").into_bytes())
            .collect();
        let mut ev = empty_execve();
        ev.exe = Some(c"xargs");
        ev.args = Some(&args);
        let limits = DecodeLimits {
            max_args: 100,
            ..DecodeLimits::default()
        };
        let f = from_execve(&ev, &limits);
        assert_eq!(f.argv.len(), 100);
        assert_eq!(f.argv[99], "arg98");
        assert!(f.argv_truncated);
    }

    #[test]
    fn byte_budget_cuts_the_last_entry() {
        let mut big = b"PATH=".to_vec();
        big.resize(1 << 20, b'A');
        let mut env = b"PATH=1\0".to_vec();
        env.extend_from_slice(&big);
        env.push(0);
        env.extend_from_slice(b"LATER=1\0");
        let mut ev = empty_execve();
        ev.env = Some(&env);
        let limits = DecodeLimits {
            max_env_bytes: 1000,
            ..DecodeLimits::default()
        };
        let f = from_execve(&ev, &limits);
        assert_eq!(f.env.len(), 2);
        assert_eq!(f.env[0], "PATH=1");
        assert_eq!(f.env[1].len(), 1000 - 6);
        assert!(f.env_truncated);
        assert!(!f.argv_truncated);
    }

    #[test]
    fn decoding_into_earlier_facts_equals_a_fresh_decode() {
        use falco_event::events::RawEvent;
        // Every realistic and mix exec, each decoded into the facts of the one before (longer
        // and shorter argv, other variables, a container and none), and at last into facts
        // of a hand-made event with every field set.
        let realistic = crate::bench_corpus::realistic();
        let samples = realistic
            .mix
            .iter()
            .chain([&realistic.attack, &realistic.plain])
            .chain(crate::bench_corpus::mix().iter().rev())
            .map(|s| s.event.clone())
            .collect::<Vec<_>>();
        let limits = DecodeLimits {
            max_args: 6,
            max_args_bytes: 200,
            ..DecodeLimits::default()
        };
        let mut recent = Recent::default();
        for limits in [DecodeLimits::default(), limits, DecodeLimits::default()] {
            let mut reused = ExecFacts {
                argv: vec!["x".repeat(300); 40],
                env: vec!["LD_PRELOAD=/x.so".into(); 9],
                exe_path: Some("/previous".into()),
                comm: Some("previous".into()),
                cwd: Some("/previous".into()),
                ..ExecFacts::default()
            };
            for raw in &samples {
                let raw = RawEvent::from(raw).expect("an event");
                let event = raw.load::<PPME_SYSCALL_EXECVE_19_X>().expect("execve");
                execve_into(&event.params, &limits, &mut reused);
                let fresh = from_execve(&event.params, &limits);
                assert_eq!(reused, fresh);
                // In two steps, the environment last, over the same earlier facts, through
                // environments remembered from earlier events (and the other limits).
                execve_parts_into(
                    &event.params,
                    &limits,
                    Parts::AllButEnv,
                    &mut reused,
                    &mut recent,
                );
                assert!(reused.env.is_empty() && reused.env_entries == 0);
                execve_parts_into(&event.params, &limits, Parts::Env, &mut reused, &mut recent);
                assert_eq!(reused, fresh);
                execve_parts_into(&event.params, &limits, Parts::All, &mut reused, &mut recent);
                assert_eq!(reused, fresh);
            }
            let empty = empty_execve();
            execve_into(&empty, &limits, &mut reused);
            assert_eq!(reused, from_execve(&empty, &limits));
            assert!(reused.argv.is_empty() && reused.exe_path.is_none());
        }
    }

    #[test]
    fn converting_over_any_earlier_text_is_converting_alone() {
        let big = "a".repeat(600);
        let texts: [&[u8]; 9] = [
            b"",
            b"bash",
            b"bas",
            b"bash\xff",
            "caf\u{e9}".as_bytes(),
            b"/usr/bin/bash",
            big.as_bytes(),
            &big.as_bytes()[..599],
            b"\xe9t\xe9",
        ];
        for held in texts {
            for bytes in texts {
                for max in [0, 3, 4, 599, 600, 16 * 1024] {
                    let mut fresh = String::new();
                    let fresh_cut = lossy_into(&mut fresh, bytes, max);
                    let mut reused = String::new();
                    lossy_into(&mut reused, held, 16 * 1024);
                    let cut = lossy_into(&mut reused, bytes, max);
                    assert_eq!(
                        (reused, cut),
                        (fresh, fresh_cut),
                        "{held:?} {bytes:?} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn reused_strings_keep_no_large_buffer_for_a_small_text() {
        let mut text = String::new();
        lossy_into(&mut text, &[b'a'; 10_000], 16 * 1024);
        assert!(text.capacity() >= 10_000);
        lossy_into(&mut text, b"small", 16 * 1024);
        assert_eq!(text, "small");
        assert!(text.capacity() <= KEEP_CAPACITY, "{}", text.capacity());
        // A buffer within the bound is reused as it is.
        lossy_into(&mut text, &[b'b'; 300], 16 * 1024);
        let kept = (text.capacity(), text.as_ptr());
        lossy_into(&mut text, b"x", 16 * 1024);
        assert_eq!((text.capacity(), text.as_ptr()), kept);
        assert_eq!(text, "x");
    }

    #[test]
    fn invalid_utf8_stays_within_the_byte_bounds() {
        // Each invalid byte becomes U+FFFD (three bytes): the bounds hold on what is kept.
        // Found by the event_decode fuzzer (a 4 KiB path of 0xff bytes kept as 12 KiB).
        let invalid = vec![0xffu8; 5000];
        let mut path = Some("/previous/path".to_string());
        set_text(&mut path, Some(&invalid), MAX_PATH_BYTES);
        let path = path.expect("set");
        assert_eq!(path.len(), MAX_PATH_BYTES / 3 * 3);
        assert!(path.chars().all(|c| c == '\u{fffd}'));

        let mut args = vec![b'a'; 10];
        args.push(0);
        args.extend_from_slice(&[0xfe; 40]);
        args.push(0);
        let (v, cut) = bounded_lossy(split_nul(&args), 10, 100);
        assert!(cut, "40 invalid bytes take 120 bytes: past the budget");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], "a".repeat(10));
        assert_eq!(v[1].len(), 90);
        assert!(v.iter().map(String::len).sum::<usize>() <= 100);

        // Within the budget after replacement: kept whole, not cut.
        let (v, cut) = bounded_lossy(split_nul(b"ok\0\xff\0"), 10, 5);
        assert_eq!(
            (v, cut),
            (vec!["ok".to_string(), "\u{fffd}".to_string()], false)
        );
    }

    #[test]
    fn zero_budget_keeps_nothing_and_says_so() {
        let (v, cut) = bounded_lossy(split_nul(b"A=1\0"), 0, 100);
        assert!(v.is_empty() && cut);
        let (v, cut) = bounded_lossy(split_nul(b"A=1\0"), 10, 0);
        assert!(v.is_empty() && cut);
        let (v, cut) = bounded_lossy(split_nul(b""), 0, 0);
        assert!(v.is_empty() && !cut);
    }
}
