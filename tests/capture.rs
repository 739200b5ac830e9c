//! The .scap writer, checked by an independent minimal reader written from libscap's
//! `scap_savefile.h` / `engine/savefile/scap_savefile.c` (not from the writer's code).
//!
//! Golden file: `tests/golden/netcat-event-generator.scap`. After an intended format change,
//! regenerate it with `FALCO_TRIAGE_UPDATE_GOLDEN=1 cargo test --test capture` and review the diff.

use falco_triage::capture::{Capture, ExecEvent};
use falco_triage::cli::scenarios;
use std::io::Read;

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        assert!(
            self.pos + n <= self.buf.len(),
            "read past end at {} (+{n})",
            self.pos
        );
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        s
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_ne_bytes(self.take(2).try_into().unwrap())
    }
    fn u32(&mut self) -> u32 {
        u32::from_ne_bytes(self.take(4).try_into().unwrap())
    }
    fn u64(&mut self) -> u64 {
        u64::from_ne_bytes(self.take(8).try_into().unwrap())
    }
    fn i64(&mut self) -> i64 {
        self.u64() as i64
    }
    fn str16(&mut self) -> String {
        let n = self.u16() as usize;
        String::from_utf8(self.take(n).to_vec()).unwrap()
    }
    fn done(&self) -> bool {
        self.pos == self.buf.len()
    }
}

#[derive(Debug, Default)]
struct ReadProc {
    tid: i64,
    ptid: i64,
    comm: String,
    exe: String,
    exe_path: String,
    args: Vec<u8>,
    cgroups: Vec<u8>,
    uid: u32,
    tty: u32,
    exe_lower_layer: bool,
}

/// (cpuid, ts, tid, event type, parameters)
type ReadEvent = (u16, u64, i64, u16, Vec<Vec<u8>>);

#[derive(Debug, Default)]
struct Parsed {
    machine_hostname: String,
    procs: Vec<ReadProc>,
    events: Vec<ReadEvent>,
}

/// Blocks, lengths, padding, trailers, then each block's body.
fn parse(file: &[u8]) -> Parsed {
    let mut c = Cursor { buf: file, pos: 0 };
    let mut out = Parsed::default();
    let mut first = true;
    while !c.done() {
        let block_type = c.u32();
        let total = c.u32() as usize;
        assert_eq!(total % 4, 0, "block length {total} not padded to 4");
        assert!(total >= 12);
        let body = c.take(total - 12);
        let trailer = c.u32() as usize;
        assert_eq!(trailer, total, "trailer differs from header");
        if first {
            assert_eq!(
                block_type, 0x0A0D0D0A,
                "first block must be the section header"
            );
            let mut b = Cursor { buf: body, pos: 0 };
            assert_eq!(b.u32(), 0x1A2B3C4D);
            assert_eq!((b.u16(), b.u16()), (1, 2));
            assert_eq!(b.u64(), u64::MAX);
            assert!(b.done());
            first = false;
            continue;
        }
        match block_type {
            0x201 => {
                assert_eq!(body.len(), 180, "scap_machine_info is 180 packed bytes");
                let name = &body[20..148];
                let end = name.iter().position(|&b| b == 0).unwrap();
                out.machine_hostname = String::from_utf8(name[..end].to_vec()).unwrap();
            }
            0x215 => out.procs.extend(parse_proclist(body)),
            0x216 => {
                let mut b = Cursor { buf: body, pos: 0 };
                let cpuid = b.u16();
                let ts = b.u64();
                let tid = b.i64();
                let len = b.u32() as usize;
                let ty = b.u16();
                let nparams = b.u32() as usize;
                let lens: Vec<usize> = (0..nparams).map(|_| b.u16() as usize).collect();
                assert_eq!(
                    len,
                    26 + 2 * nparams + lens.iter().sum::<usize>(),
                    "event len field"
                );
                let params = lens.iter().map(|&n| b.take(n).to_vec()).collect();
                // What is left is padding: fewer than 4 zero bytes.
                let pad = &body[b.pos..];
                assert!(
                    pad.len() < 4 && pad.iter().all(|&x| x == 0),
                    "padding {pad:?}"
                );
                assert_eq!(2 + len + pad.len(), body.len());
                out.events.push((cpuid, ts, tid, ty, params));
            }
            other => panic!("unexpected block type {other:#x}"),
        }
    }
    out
}

fn parse_proclist(body: &[u8]) -> Vec<ReadProc> {
    let mut c = Cursor { buf: body, pos: 0 };
    let mut procs = Vec::new();
    while body.len() - c.pos >= 4 {
        let start = c.pos;
        let sub_len = c.u32() as usize;
        let mut p = ReadProc {
            tid: c.i64(),
            ..Default::default()
        };
        let _pid = c.i64();
        p.ptid = c.i64();
        let _sid = c.i64();
        let _vpgid = c.i64();
        p.comm = c.str16();
        p.exe = c.str16();
        p.exe_path = c.str16();
        let n = c.u16() as usize;
        p.args = c.take(n).to_vec();
        let _cwd = c.str16();
        let _fdlimit = c.u64();
        let _flags = c.u32();
        p.uid = c.u32();
        let _gid = c.u32();
        c.take(12 + 16); // vm sizes, page faults
        let n = c.u16() as usize;
        c.take(n); // env
        let _vtid = c.i64();
        let _vpid = c.i64();
        let n = c.u16() as usize;
        p.cgroups = c.take(n).to_vec();
        let _root = c.str16();
        let _pidns_init_start_ts = c.u64();
        p.tty = c.u32();
        let _loginuid = c.u32();
        let _exe_writable = c.u8();
        c.take(24); // capabilities
        let _upper = c.u8();
        c.take(24); // exe_ino and times
        let _memfd = c.u8();
        p.exe_lower_layer = c.u8() != 0;
        let _pgid = c.i64();
        assert_eq!(c.pos - start, sub_len, "process entry length");
        procs.push(p);
    }
    assert!(body[c.pos..].iter().all(|&b| b == 0), "proclist padding");
    procs
}

fn nul_joined(items: &[String]) -> Vec<u8> {
    items.iter().flat_map(|s| s.bytes().chain([0])).collect()
}

fn cstr(s: &str) -> Vec<u8> {
    s.bytes().chain([0]).collect()
}

/// Every one of the 30 parameters, in event-table order, as the driver encodes it.
fn expected_params(e: &ExecEvent) -> Vec<Vec<u8>> {
    vec![
        e.res.to_ne_bytes().to_vec(),
        cstr(&e.argv[0]),
        nul_joined(&e.argv[1..]),
        e.tid.to_ne_bytes().to_vec(),
        e.pid.to_ne_bytes().to_vec(),
        e.ptid.to_ne_bytes().to_vec(),
        cstr(&e.cwd),
        e.fdlimit.to_ne_bytes().to_vec(),
        e.pgft_maj.to_ne_bytes().to_vec(),
        e.pgft_min.to_ne_bytes().to_vec(),
        e.vm_size.to_ne_bytes().to_vec(),
        e.vm_rss.to_ne_bytes().to_vec(),
        e.vm_swap.to_ne_bytes().to_vec(),
        cstr(&e.comm),
        nul_joined(&e.cgroups),
        nul_joined(&e.env),
        e.tty.to_ne_bytes().to_vec(),
        e.vpgid.to_ne_bytes().to_vec(),
        e.loginuid.to_ne_bytes().to_vec(),
        e.flags.to_ne_bytes().to_vec(),
        e.cap_inheritable.to_ne_bytes().to_vec(),
        e.cap_permitted.to_ne_bytes().to_vec(),
        e.cap_effective.to_ne_bytes().to_vec(),
        e.exe_ino.to_ne_bytes().to_vec(),
        e.exe_ino_ctime.to_ne_bytes().to_vec(),
        e.exe_ino_mtime.to_ne_bytes().to_vec(),
        e.uid.to_ne_bytes().to_vec(),
        cstr(&e.trusted_exepath),
        e.pgid.to_ne_bytes().to_vec(),
        e.gid.to_ne_bytes().to_vec(),
    ]
}

fn all_scenarios() -> Capture {
    let all: Vec<_> = scenarios::SCENARIOS.iter().collect();
    scenarios::capture(&all)
}

#[test]
fn round_trip_every_parameter_of_every_scenario() {
    let capture = all_scenarios();
    let bytes = capture.write_to(Vec::new(), false).unwrap();
    let parsed = parse(&bytes);
    assert_eq!(parsed.machine_hostname, "worker-1");
    assert_eq!(parsed.events.len(), capture.execs.len());
    for ((cpuid, ts, tid, ty, params), want) in parsed.events.iter().zip(&capture.execs) {
        assert_eq!(*cpuid, 0);
        assert_eq!(*ty, 293, "PPME_SYSCALL_EXECVE_19_X");
        assert_eq!((*ts, *tid), (want.ts, want.tid));
        let expected = expected_params(want);
        assert_eq!(params.len(), 30);
        for (i, (got, exp)) in params.iter().zip(&expected).enumerate() {
            assert_eq!(
                got, exp,
                "scenario argv {:?}: parameter {i} differs",
                want.argv
            );
        }
    }
    // The process list carries the parents, so Falco can name them.
    assert_eq!(parsed.procs.len(), capture.procs.len());
    let nc = &capture.execs[0];
    let parent = parsed
        .procs
        .iter()
        .find(|p| p.tid == nc.ptid)
        .expect("parent of the nc exec");
    assert_eq!(parent.comm, "event-generator");
    assert_eq!(parent.exe_path, "/bin/event-generator");
    assert_eq!(
        parent.args,
        b"run\0syscall.NetcatRemoteCodeExecutionInContainer\0"
    );
    assert!(parent.exe_lower_layer);
    assert!(String::from_utf8_lossy(&parent.cgroups).contains("docker-1d45a96b1daa"));
    let ls = capture.execs.iter().find(|e| e.argv[0] == "ls").unwrap();
    let bash = parsed.procs.iter().find(|p| p.tid == ls.ptid).unwrap();
    assert_eq!(
        (bash.comm.as_str(), bash.tty, bash.uid),
        ("bash", 136 << 8, 1000)
    );
    assert!(parsed
        .procs
        .iter()
        .any(|p| p.tid == 1 && p.comm == "systemd" && p.ptid == 0));
}

#[test]
fn gzip_round_trip_is_the_same_capture() {
    let capture = all_scenarios();
    let plain = capture.write_to(Vec::new(), false).unwrap();
    let gz = capture.write_to(Vec::new(), true).unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip magic");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
}

#[test]
fn writer_refuses_what_libscap_would_reject() {
    let mut capture = all_scenarios();
    capture.execs[0].argv[1] = "a\0b".into();
    assert!(
        capture.write_to(Vec::new(), false).is_err(),
        "NUL inside an argument"
    );
    let mut capture = all_scenarios();
    capture.procs[1].comm = "x".repeat(2000);
    assert!(
        capture.write_to(Vec::new(), false).is_err(),
        "comm over SCAP_MAX_PATH_SIZE"
    );
    let mut capture = all_scenarios();
    capture.execs[0].argv = vec!["x".repeat(70_000)];
    assert!(
        capture.write_to(Vec::new(), false).is_err(),
        "event over the reader's buffer"
    );
}

#[test]
fn golden_capture_is_stable() {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/netcat-event-generator.scap");
    let scenario = scenarios::find("netcat-event-generator").unwrap();
    let bytes = scenarios::capture(&[scenario])
        .write_to(Vec::new(), false)
        .unwrap();
    if std::env::var_os("FALCO_TRIAGE_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &bytes).unwrap();
    }
    // The golden file is little-endian (the format is host byte order).
    if cfg!(target_endian = "little") {
        let want =
            std::fs::read(&golden).expect("golden file (FALCO_TRIAGE_UPDATE_GOLDEN=1 creates it)");
        assert!(
            bytes == want,
            "capture differs from {}; if intended, regenerate it",
            golden.display()
        );
    }
    parse(&bytes);
}

#[test]
fn falco_event_decodes_what_the_writer_encodes() {
    // The plugin's own view: the typed execve exit event parsed back by falco_event.
    use falco_event::events::{Event, RawEvent};
    use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
    for want in &all_scenarios().execs {
        let raw_bytes = falco_triage::capture::encode_exec(want).unwrap();
        let raw = RawEvent::from(&raw_bytes).unwrap();
        let ev: Event<PPME_SYSCALL_EXECVE_19_X> = raw.load().unwrap();
        assert_eq!(ev.metadata.ts, want.ts);
        let p = ev.params;
        assert_eq!(p.exe.unwrap().to_str().unwrap(), want.argv[0]);
        // A zero-length parameter (no arguments) decodes as absent.
        assert_eq!(
            p.args.unwrap_or(&[]),
            nul_joined(&want.argv[1..]).as_slice()
        );
        assert_eq!(p.ptid.unwrap().0, want.ptid);
        assert_eq!(p.flags.unwrap().bits(), want.flags);
        assert_eq!(p.cap_effective, Some(want.cap_effective));
        assert_eq!(p.uid.unwrap().0, want.uid);
        assert_eq!(
            p.trusted_exepath.unwrap().as_bytes(),
            want.trusted_exepath.as_bytes()
        );
        assert_eq!(p.gid.unwrap().0, want.gid);
    }
}
