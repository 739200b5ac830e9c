//! Arbitrary bytes as an execve/execveat exit event, through the plugin's own path: parse the
//! raw event as the SDK does (`TryInto<Event<ExecExit>>`), decode it with the default limits,
//! analyse it, render the reports, and check every invariant (tests/common/invariants.rs)
//! plus the decode limits. It is also decoded over the facts of the input before, as the
//! plugin decodes each event over the previous one's, whole and in two steps (all but the
//! environment, then the environment), and must come out the same.
//!
//! The first byte picks how the rest is read, so the fuzzer spends its time past the header:
//! - 0: the whole event, header included, as libsinsp hands it over;
//! - 1: a valid header (type 293 or 331) in front of the lengths and values;
//! - 2: parameters built with `arbitrary` and serialised by falco_event.

#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use arbitrary::{Arbitrary, Unstructured};
use falco_event::events::{Event, EventMetadata, EventToBytes, RawEvent};
use falco_event::types::{Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_event_schema::fields::types::PT_FLAGS32_execve_flags;
use falco_triage::analysis::Lineage;
use falco_triage::bench_corpus;
use falco_triage::facts::{self, DecodeLimits, ExecFacts};
use falco_triage::plugin::ExecExit;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use typed_path::UnixPath;

const HEADER: usize = 26;

thread_local! {
    /// The facts of the last input decoded, decoded over by the next one.
    static PREVIOUS: std::cell::RefCell<ExecFacts> = std::cell::RefCell::default();
    /// What the plugin remembers of the last inputs decoded (environments, cgroups).
    static RECENT: std::cell::RefCell<facts::Recent> = std::cell::RefCell::default();
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => decode_and_check(rest),
        1 => {
            let Some((&kind, rest)) = rest.split_first() else {
                return;
            };
            let Some((&nparams, payload)) = rest.split_first() else {
                return;
            };
            let event_type: u16 = if kind & 1 == 0 { 293 } else { 331 };
            let mut buf = header(event_type, u32::from(nparams % 40), HEADER + payload.len());
            buf.extend_from_slice(payload);
            decode_and_check(&buf);
        }
        _ => {
            let mut u = Unstructured::new(rest);
            if let Ok(params) = Params::arbitrary(&mut u) {
                decode_and_check(&params.serialise());
            }
        }
    }
});

fn header(event_type: u16, nparams: u32, len: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(len);
    buf.extend_from_slice(&1_700_000_000u64.to_ne_bytes());
    buf.extend_from_slice(&4242i64.to_ne_bytes());
    buf.extend_from_slice(&(len as u32).to_ne_bytes());
    buf.extend_from_slice(&event_type.to_ne_bytes());
    buf.extend_from_slice(&nparams.to_ne_bytes());
    buf
}

/// What the SDK does with the buffer libsinsp passes (`EventInput::event`): the declared
/// length bounds the event; the host guarantees that many bytes, we check it.
fn decode_and_check(buf: &[u8]) {
    let Some(len) = buf.get(16..20) else {
        return;
    };
    let len = u32::from_ne_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let Some(buf) = buf.get(..len) else {
        return;
    };
    let Ok(raw) = RawEvent::from(buf) else {
        return;
    };
    let parsed: Result<Event<ExecExit>, _> = (&raw).try_into();
    let Ok(event) = parsed else {
        return;
    };
    let limits = DecodeLimits::default();
    let facts = match &event.params {
        ExecExit::Execve(ev) => facts::from_execve(ev, &limits),
        ExecExit::Execveat(ev) => facts::from_execveat(ev, &limits),
    };
    check_decoded(&facts, &limits);
    PREVIOUS.with_borrow_mut(|previous| {
        match &event.params {
            ExecExit::Execve(ev) => facts::execve_into(ev, &limits, previous),
            ExecExit::Execveat(ev) => facts::execveat_into(ev, &limits, previous),
        }
        assert_eq!(*previous, facts, "decoded over the previous input's facts");
        RECENT.with_borrow_mut(|recent| {
            // In two steps, as the plugin decodes an exec that ran nothing, then whole, both
            // through what is remembered of the previous inputs.
            for parts in [facts::Parts::AllButEnv, facts::Parts::Env] {
                match &event.params {
                    ExecExit::Execve(ev) => {
                        facts::execve_parts_into(ev, &limits, parts, previous, recent)
                    }
                    ExecExit::Execveat(ev) => {
                        facts::execveat_parts_into(ev, &limits, parts, previous, recent)
                    }
                }
            }
            assert_eq!(*previous, facts, "decoded in two steps");
            let all = facts::Parts::All;
            match &event.params {
                ExecExit::Execve(ev) => {
                    facts::execve_parts_into(ev, &limits, all, previous, recent)
                }
                ExecExit::Execveat(ev) => {
                    facts::execveat_parts_into(ev, &limits, all, previous, recent)
                }
            }
            assert_eq!(
                *previous, facts,
                "decoded through what is remembered of recent execs"
            );
        });
    });
    invariants::check_analysis(&facts, &Lineage::default());
    invariants::check_analysis(&facts, &Lineage::from_comms(["bash", "sshd"]));
}

fn check_decoded(f: &ExecFacts, d: &DecodeLimits) {
    let bytes = |v: &[String]| v.iter().map(String::len).sum::<usize>();
    assert!(f.argv.len() <= d.max_args);
    // The bounds hold on the text kept, invalid UTF-8 (U+FFFD, three bytes) included.
    assert!(bytes(&f.argv) <= d.max_args_bytes);
    assert!(f.env.len() <= d.max_env);
    assert!(bytes(&f.env) <= d.max_env_bytes);
    for s in [&f.exe_path, &f.cwd, &f.comm].into_iter().flatten() {
        assert!(s.len() <= 4096 && !s.is_empty());
    }
    if let Some(c) = &f.container {
        assert_eq!(c.short_id.len(), 12);
        assert!(c.short_id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(f.cgroups_present);
    }
}

/// The exec exit parameters, as the fuzzer chooses them. Strings longer than a u16 length
/// are cut (falco_event cannot write them; a driver never sends them).
#[derive(Arbitrary, Debug)]
struct Params {
    res: Option<i64>,
    exe: Option<Vec<u8>>,
    args: Option<Vec<u8>>,
    ids: (Option<i64>, Option<i64>, Option<i64>),
    cwd: Option<Vec<u8>>,
    comm: Option<Vec<u8>>,
    cgroups: Option<Vec<u8>>,
    env: Option<Vec<u8>>,
    tty: Option<u32>,
    loginuid: Option<u32>,
    flags: Option<u32>,
    caps: (Option<u64>, Option<u64>, Option<u64>),
    inode: (Option<u64>, Option<u64>, Option<u64>),
    uid: Option<u32>,
    trusted_exepath: Option<Vec<u8>>,
    gid: Option<u32>,
}

fn cstring(bytes: &Option<Vec<u8>>) -> Option<CString> {
    let bytes: Vec<u8> = bytes
        .as_ref()?
        .iter()
        .copied()
        .filter(|b| *b != 0)
        .take(60_000)
        .collect();
    CString::new(bytes).ok()
}

fn cut(bytes: &Option<Vec<u8>>) -> Option<&[u8]> {
    bytes.as_deref().map(|b| &b[..b.len().min(60_000)])
}

impl Params {
    fn serialise(&self) -> Vec<u8> {
        let (exe, cwd, comm) = (cstring(&self.exe), cstring(&self.cwd), cstring(&self.comm));
        let params = PPME_SYSCALL_EXECVE_19_X {
            res: self.res.map(SyscallResult),
            exe: exe.as_deref(),
            args: cut(&self.args),
            tid: self.ids.0.map(Pid),
            pid: self.ids.1.map(Pid),
            ptid: self.ids.2.map(Pid),
            cwd: cwd.as_deref(),
            comm: comm.as_deref(),
            cgroups: cut(&self.cgroups),
            env: cut(&self.env),
            tty: self.tty,
            loginuid: self.loginuid.map(Uid),
            flags: self.flags.map(PT_FLAGS32_execve_flags::from_bits_retain),
            cap_inheritable: self.caps.0,
            cap_permitted: self.caps.1,
            cap_effective: self.caps.2,
            exe_ino: self.inode.0,
            exe_ino_ctime: self.inode.1.map(SystemTime),
            exe_ino_mtime: self.inode.2.map(SystemTime),
            uid: self.uid.map(Uid),
            trusted_exepath: cut(&self.trusted_exepath).map(UnixPath::new),
            gid: self.gid.map(Gid),
            // The parameters the decode never reads stay absent.
            ..bench_corpus::empty_execve()
        };
        let event = Event {
            metadata: EventMetadata {
                ts: 1,
                tid: self.ids.0.unwrap_or(1),
            },
            params,
        };
        let mut buf = Vec::new();
        // Writing to a Vec cannot fail; a refused event is simply not fuzzed.
        if event.write(&mut buf).is_err() {
            buf.clear();
        }
        buf
    }
}
