//! The Falco plugin adapter: an extract plugin named `triage` on the `syscall` source that
//! sees only execve/execveat exit events and exposes the core's verdict as `triage.*` fields.
//!
//! Per event: decode ([`crate::facts`]), walk the parents in the `threads` table
//! ([`lineage`]), judge ([`crate::analysis::analyze`]), once, cached ([`cache`]) for all the
//! fields libsinsp asks for one by one. Every extractor runs under one panic guard
//! ([`crate::panic_guard::catch_panic`]): a bug gives an absent field, a log line and a
//! metric, never an unwind into Falco.
//!
//! Not here: analysis logic, rendering (beyond picking values), any unsafe code but `ffi.rs`.

use crate::analysis;
#[cfg(test)]
use crate::analysis::Lineage;
use crate::facts::{self, Parts};
use falco_event::events::{AnyEventPayload, Event, RawEvent};
use falco_event::types::SyscallResult;
use falco_event_schema::events::{PPME_SYSCALL_EXECVEAT_X, PPME_SYSCALL_EXECVE_19_X};
use falco_plugin::anyhow::{self, Context};
use falco_plugin::base::{Json, Metric, Plugin};
use falco_plugin::extract::{ExtractFieldInfo, ExtractPlugin, ExtractRequest};
use falco_plugin::tables::TablesInput;
use std::ffi::CStr;

mod cache;
pub mod config;
mod earlier;
pub mod ffi;
mod fields;
#[cfg(any(test, feature = "runner-harness"))]
#[doc(hidden)]
pub mod harness;
mod lineage;
mod metrics;
#[cfg(test)]
mod tests;

pub use config::{Config, Settings};
pub use metrics::Counters;

/// The only events we are called for: libsinsp filters on these codes (293, 331) before
/// calling us (falco-plugin-facts §0.3).
#[derive(falco_event::AnyEvent)]
pub enum ExecExit<'a> {
    Execve(PPME_SYSCALL_EXECVE_19_X<'a>),
    Execveat(PPME_SYSCALL_EXECVEAT_X<'a>),
}

impl ExecExit<'_> {
    /// The result as the parse of every parameter reads it (what [`ExecExitEvent::res`] must
    /// agree with).
    #[cfg(test)]
    fn res(&self) -> Option<i64> {
        match self {
            ExecExit::Execve(ev) => ev.res,
            ExecExit::Execveat(ev) => ev.res,
        }
        .map(|r| r.0)
    }

    /// Decode `parts` of the event into `facts` (decoded before: their buffers are reused),
    /// the environment and cgroups through what `recent` remembers of the last execs.
    fn decode_into(
        &self,
        limits: &facts::DecodeLimits,
        parts: Parts,
        facts: &mut facts::ExecFacts,
        recent: &mut facts::Recent,
    ) {
        match self {
            ExecExit::Execve(ev) => facts::execve_parts_into(ev, limits, parts, facts, recent),
            ExecExit::Execveat(ev) => facts::execveat_parts_into(ev, limits, parts, facts, recent),
        }
    }
}

/// The plugin's event type: an [`ExecExit`] whose parameters are parsed only when the event is
/// triaged. libsinsp asks for one field per call and the SDK converts the event on every
/// call; this conversion reads only the header, which is all a cache hit needs. The event
/// filter (source `syscall`, codes 293/331) is [`ExecExit`]'s.
pub struct ExecExitEvent<'a>(RawEvent<'a>);

impl ExecExitEvent<'_> {
    /// The exec's result, read alone: the first parameter of both event types, whose
    /// parameter lengths are u16 (`EF_LARGE_PAYLOAD` unset), decoded as their parse decodes
    /// it. A tenth of the cost of parsing every parameter; a test checks that both agree.
    fn res(&self) -> Option<i64> {
        let mut params = self.0.params::<u16>().ok()?;
        let res: Option<SyscallResult> = params.next_field().ok()?;
        res.map(|r| r.0)
    }
}

impl AnyEventPayload for ExecExitEvent<'_> {
    const SOURCES: &'static [Option<&'static str>] = <ExecExit as AnyEventPayload>::SOURCES;
    const EVENT_TYPES: &'static [u16] = <ExecExit as AnyEventPayload>::EVENT_TYPES;
}

impl<'a> TryFrom<&RawEvent<'a>> for ExecExitEvent<'a> {
    type Error = NotAnExecExit;

    fn try_from(raw: &RawEvent<'a>) -> Result<Self, NotAnExecExit> {
        if Self::EVENT_TYPES.contains(&raw.event_type) {
            Ok(ExecExitEvent(<RawEvent as From<&RawEvent>>::from(raw)))
        } else {
            Err(NotAnExecExit(raw.event_type))
        }
    }
}

/// An event of another type than the plugin declared (libsinsp should never pass one).
#[derive(Debug)]
pub struct NotAnExecExit(pub u16);

impl std::fmt::Display for NotAnExecExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event type {} is not an execve/execveat exit", self.0)
    }
}

impl std::error::Error for NotAnExecExit {}

/// What a field reads beyond the verdict and facts, which the thread table or the event may
/// have to give first.
#[derive(Clone, Copy)]
enum Needs {
    Verdict,
    /// The exec's decoded facts (not its environment).
    Facts,
    /// The facts, the lineage and the environment: the summary, the evidence, the report,
    /// the lineage and the ancestors.
    WholeExec,
    /// The container plugin's `container_id` of the exec's thread, and the facts.
    ContainerId,
}

/// The plugin state: checked settings, the thread table (if the host has one), the cache of
/// the current event, and the counters.
pub struct TriagePlugin {
    settings: Settings,
    threads: Option<lineage::ThreadTable>,
    cache: cache::EventCache,
    /// Paging images of processes that may re-exec the same payload (`triage.repeat_of_parent`).
    earlier: earlier::EarlierImages,
    /// What the decode remembers of the last execs: their environments (with what it kept of
    /// each) and their cgroups.
    recent: facts::Recent,
    counters: Counters,
}

/// `triage.*` field names, in the order Falco lists them.
pub fn field_names() -> impl Iterator<Item = &'static str> {
    fields::FIELDS.iter().map(|f| f.name)
}

const fn version() -> &'static CStr {
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("CARGO_PKG_VERSION contains a NUL byte"),
    }
}

/// Where users report problems: Cargo.toml's `repository`, the project's one address.
const fn contact() -> &'static CStr {
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_REPOSITORY"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("CARGO_PKG_REPOSITORY contains a NUL byte"),
    }
}

impl Plugin for TriagePlugin {
    const NAME: &'static CStr = c"triage";
    const PLUGIN_VERSION: &'static CStr = version();
    const DESCRIPTION: &'static CStr = c"Triages every exec inline: risk, severity, MITRE ATT&CK, a one-line summary and true mitigation hints as triage.* fields";
    const CONTACT: &'static CStr = contact();
    type ConfigType = Json<Config>;

    fn new(input: Option<&TablesInput>, Json(config): Self::ConfigType) -> anyhow::Result<Self> {
        // std's default hook would print a panic's payload (maybe attacker text) raw on
        // Falco's stderr; ours leaves the reporting to the extractor's guard.
        crate::panic_guard::install_hook();
        let settings = config.settings()?;
        let threads = match input.map(lineage::ThreadTable::open) {
            Some(Ok(threads)) => {
                if !threads.has_container_id() {
                    tracing::info!(
                        "no container_id in the threads table (container plugin not loaded before triage): container ids come from cgroups"
                    );
                }
                Some(threads)
            }
            Some(Err(e)) => {
                tracing::warn!("no process lineage: threads table unavailable: {e:#}");
                None
            }
            None => None,
        };
        Ok(TriagePlugin {
            settings,
            threads,
            cache: cache::EventCache::default(),
            earlier: earlier::EarlierImages::default(),
            recent: facts::Recent::default(),
            counters: Counters::default(),
        })
    }

    fn set_config(&mut self, Json(config): Self::ConfigType) -> anyhow::Result<()> {
        self.settings = config.settings()?;
        self.cache.clear();
        self.earlier.clear();
        self.recent = facts::Recent::default();
        Ok(())
    }

    fn get_metrics(&mut self) -> impl IntoIterator<Item = Metric> {
        self.counters.metrics()
    }
}

impl ExtractPlugin for TriagePlugin {
    type Event<'a> = ExecExitEvent<'a>;
    type ExtractContext = ();
    const EXTRACT_FIELDS: &'static [ExtractFieldInfo<Self>] = fields::FIELDS;
}

#[cfg(test)]
thread_local! {
    /// Test probe: the lineage of the last event analysed on this thread.
    pub(crate) static LAST_LINEAGE: std::cell::RefCell<Option<Lineage>> = const { std::cell::RefCell::new(None) };
}

impl TriagePlugin {
    /// Run `read` over the triage of the request's event, computing it on the first field of
    /// the event.
    fn with_triage<R>(
        &mut self,
        req: &ExtractRequest<Self>,
        read: impl FnOnce(&mut cache::Triaged) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        self.with_triage_needing(req, Needs::Verdict, read)
    }

    /// [`Self::with_triage`] for a field that reads more than the verdict: what `needs`
    /// names is read first (the facts, the environment and the lineage an exec that ran
    /// nothing was judged without, or the exec's own thread entry). The single place where
    /// panics are caught.
    fn with_triage_needing<R>(
        &mut self,
        req: &ExtractRequest<Self>,
        needs: Needs,
        read: impl FnOnce(&mut cache::Triaged) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        self.counters.field_extractions += 1;
        let outcome = crate::panic_guard::catch_panic(|| read(self.triage(req, needs)?));
        outcome.unwrap_or_else(|message| {
            self.counters.panics_caught += 1;
            self.cache.clear();
            self.recent = facts::Recent::default();
            tracing::error!("triage: extractor panicked (a bug, please report it): {message}");
            Err(anyhow::anyhow!("extractor panicked: {message}"))
        })
    }

    /// The cached triage of the request's event, computed once per event, with what `needs`
    /// asks for read from the thread table.
    fn triage(
        &mut self,
        req: &ExtractRequest<Self>,
        needs: Needs,
    ) -> anyhow::Result<&mut cache::Triaged> {
        let key = self.analyse(req)?;
        let triaged = self.cache.get_mut(&key).context("cache entry vanished")?;
        if !matches!(needs, Needs::Verdict) && !triaged.facts_read {
            // An exec that ran nothing, judged from its result alone: decoded now, and judged
            // again from its facts for the note that says why.
            let event = load_exec(&req.event.event()?.0, &mut self.counters.decode_failures)?;
            // With its environment when the field shows the whole exec: one parse, not two.
            let whole = matches!(needs, Needs::WholeExec);
            let parts = if whole { Parts::All } else { Parts::AllButEnv };
            let (limits, recent) = (&self.settings.limits, &mut self.recent);
            (event.params).decode_into(limits, parts, &mut triaged.facts, recent);
            (triaged.facts_read, triaged.env_read) = (true, whole);
            let verdict = analysis::analyze_exec(&triaged.facts, &analysis::Lineage::default());
            debug_assert_eq!(
                analysis::Verdict {
                    notes: Vec::new(),
                    ..verdict.clone()
                },
                triaged.verdict,
                "an exec that ran nothing judged from its facts"
            );
            triaged.renew(verdict);
        }
        match needs {
            Needs::Verdict | Needs::Facts => {}
            Needs::ContainerId => {
                let threads = self.threads.as_ref();
                triaged
                    .table_container_id
                    .get_or_init(|| threads?.container_id(req.table_reader, key.tid));
            }
            Needs::WholeExec => {
                if !triaged.env_read {
                    let raw = req.event.event()?.0;
                    let event = load_exec(&raw, &mut self.counters.decode_failures)?;
                    let (limits, recent) = (&self.settings.limits, &mut self.recent);
                    (event.params).decode_into(limits, Parts::Env, &mut triaged.facts, recent);
                    triaged.env_read = true;
                }
                if !triaged.lineage_read {
                    let (threads, depth) = (self.threads.as_ref(), self.settings.lineage_depth);
                    let reads = &mut self.counters.lineage_reads;
                    walk_lineage(threads, req, key.tid, depth, triaged, reads);
                }
            }
        }
        Ok(triaged)
    }

    /// Make sure the cache holds the triage of the request's event, and return its key.
    fn analyse(&mut self, req: &ExtractRequest<Self>) -> anyhow::Result<cache::EventKey> {
        let exec = match req.event.event() {
            Ok(event) => event,
            Err(e) => {
                self.counters.decode_failures += 1;
                return Err(e).context("not an execve/execveat exit event");
            }
        };
        let raw = &exec.0;
        let key = cache::EventKey {
            number: req.event.event_number(),
            ts: raw.metadata.ts,
            tid: raw.metadata.tid,
            len: raw.len,
        };
        if self.cache.get_mut(&key).is_some() {
            return Ok(key);
        }
        // The previous event's triage is decoded over: its text buffers are reused, so a
        // benign exec like the one before allocates nothing for argv, paths or lineage.
        let triaged = self.cache.reuse();
        if analysis::ran_nothing(exec.res()) {
            // An exec that failed with ENOENT or ENOTDIR (a PATH search's attempts: half the
            // exec events of ordinary work) is judged from its result alone; its other
            // parameters are parsed and decoded, and its lineage walked, only if a field shows
            // them (a malformed event fails then).
            self.counters.events_analysed += 1;
            (triaged.facts_read, triaged.env_read, triaged.lineage_read) = (false, false, false);
            triaged.renew(analysis::Verdict::default());
            self.cache.hold(key);
            return Ok(key);
        }
        let event = load_exec(raw, &mut self.counters.decode_failures)?;
        self.counters.events_analysed += 1;
        let limits = self.settings.limits;
        let facts = &mut triaged.facts;
        event
            .params
            .decode_into(&limits, Parts::All, facts, &mut self.recent);
        (triaged.facts_read, triaged.env_read) = (true, true);
        if facts.argv_truncated || facts.env_truncated {
            self.counters.truncations += 1;
        }
        // Another exec that ran nothing (a PATH search's refused attempt) is judged without
        // its lineage: walked only if a field shows it.
        if !analysis::reads_lineage(facts) {
            triaged.lineage_read = false;
            let verdict = analysis::analyze_exec(facts, &analysis::Lineage::default());
            triaged.renew(verdict);
            self.cache.hold(key);
            return Ok(key);
        }
        let (threads, depth) = (self.threads.as_ref(), self.settings.lineage_depth);
        let reads = &mut self.counters.lineage_reads;
        let walk = walk_lineage(threads, req, event.metadata.tid, depth, triaged, reads);
        let (facts, lineage) = (&triaged.facts, &mut triaged.lineage);
        lineage.earlier = self.earlier.get(event.metadata.tid, facts.ptid);
        let mut verdict = analysis::analyze_exec(facts, lineage);
        if verdict.risk >= analysis::scoring::WARNING_RISK {
            // Whether this exec repeats its parent's command compares their arguments: read
            // the parent's now, for the few execs that page.
            if let Some(threads) = &self.threads {
                threads.read_parent_args(req.table_reader, &walk, lineage);
            }
            analysis::mark_repeat(&mut verdict, facts, lineage);
        }
        #[cfg(test)]
        LAST_LINEAGE.with(|l| *l.borrow_mut() = Some(lineage.clone()));
        if verdict.risk >= analysis::scoring::WARNING_RISK {
            self.earlier.remember(event.metadata.tid, facts);
        }
        triaged.renew(verdict);
        self.cache.hold(key);
        Ok(key)
    }
}

/// Parse every parameter of an exec exit event; a failure is counted in `failures`.
fn load_exec<'a>(raw: &RawEvent<'a>, failures: &mut u64) -> anyhow::Result<Event<ExecExit<'a>>> {
    raw.load::<ExecExit>().map_err(|e| {
        *failures += 1;
        anyhow::Error::from(e).context("not a decodable execve/execveat exit event")
    })
}

/// Walk the lineage of `triaged`'s exec (thread `tid`) into it, counting the table reads;
/// without a thread table it is unknown. Its earlier image is left unknown, for the caller.
fn walk_lineage(
    threads: Option<&lineage::ThreadTable>,
    req: &ExtractRequest<TriagePlugin>,
    tid: i64,
    depth: usize,
    triaged: &mut cache::Triaged,
    reads: &mut u64,
) -> lineage::Walk {
    triaged.lineage_read = true;
    triaged.lineage.earlier = None;
    let Some(threads) = threads else {
        triaged.lineage.ancestors.clear();
        triaged.lineage.known = false;
        return lineage::Walk::default();
    };
    let walk = threads.walk(
        req.table_reader,
        tid,
        triaged.facts.ptid,
        depth,
        &mut triaged.lineage,
    );
    *reads += walk.reads;
    walk
}

// The C ABI exports. Unit tests and the `runner-harness` feature host the plugin in-process
// with `static_plugin!` instead (see `harness`), and the SDK allows only one of the two per type.
#[cfg(not(any(test, feature = "runner-harness")))]
mod exports {
    use super::TriagePlugin;
    use falco_plugin::{extract_plugin, plugin};

    plugin!(TriagePlugin);
    extract_plugin!(TriagePlugin);
}
