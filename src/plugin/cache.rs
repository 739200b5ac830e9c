//! The per-event cache: libsinsp asks for one field per call, so the decode, the lineage walk
//! and the analysis of an event are done once, kept here, and served to every field of that
//! event. One entry only: events arrive one at a time, and a new event evicts the old one, so
//! the cache is bounded by construction.

use crate::analysis::{Lineage, Verdict};
use crate::facts::ExecFacts;
use crate::report::{self, Rendered};
use std::cell::OnceCell;
use std::ffi::CString;

/// Identifies an event: its number, with the header's timestamp, thread id and length as a
/// check (event numbers restart when a capture is reopened). All read without parsing the
/// parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventKey {
    pub number: usize,
    pub ts: u64,
    pub tid: i64,
    pub len: u32,
}

/// Everything the fields of one exec event are read from.
#[derive(Debug, Default)]
pub struct Triaged {
    /// The exec's facts when `facts_read`, otherwise the previous event's buffers to decode
    /// over: fields read them through [`Triaged::facts`].
    pub facts: ExecFacts,
    /// Whether the event was decoded into `facts`: an exec that ran nothing is judged from
    /// its result alone, and decoded when a field shows it.
    pub facts_read: bool,
    /// The exec's lineage when `lineage_read`, otherwise the previous walk's buffers to walk
    /// over: fields read it through [`Triaged::lineage`].
    pub lineage: Lineage,
    /// Whether `lineage` was read from the thread table (or there is none): an exec that ran
    /// nothing is judged without it, and it is read when a field shows it.
    pub lineage_read: bool,
    /// Whether the environment was decoded into `facts`: as the lineage, not for an exec
    /// that ran nothing until a field shows it.
    pub env_read: bool,
    pub verdict: Verdict,
    /// `container_id` of the exec's thread in the thread table (the official container
    /// plugin), read on first use: `None` inside when the table has none.
    pub table_container_id: OnceCell<Option<String>>,
    /// Summary and evidence, rendered on first use (most execs never need them: Falco reads
    /// output fields only when a rule fires).
    pub text: Option<Rendered>,
    /// `triage.report`, rendered on first use.
    pub report_json: Option<CString>,
}

impl Triaged {
    /// The exec's facts: read only after the plugin decoded them (`Needs::Facts`).
    pub fn facts(&self) -> &ExecFacts {
        debug_assert!(self.facts_read, "facts read before they were decoded");
        &self.facts
    }

    /// The exec's lineage: read only after the plugin walked it (`Needs::WholeExec`).
    pub fn lineage(&self) -> &Lineage {
        debug_assert!(self.lineage_read, "lineage read before it was walked");
        &self.lineage
    }

    /// This triage with a new verdict for the facts and lineage now in it (decoded over the
    /// previous event's), and nothing rendered yet.
    pub fn renew(&mut self, verdict: Verdict) {
        self.verdict = verdict;
        self.table_container_id = OnceCell::new();
        self.text = None;
        self.report_json = None;
    }

    /// The summary and evidence, rendered once per event (from the whole exec: a field that
    /// shows it reads through `Needs::WholeExec`).
    pub fn text(&mut self) -> &Rendered {
        debug_assert!(
            self.facts_read && self.lineage_read && self.env_read,
            "rendering an exec read in part"
        );
        self.text
            .get_or_insert_with(|| report::render(&self.facts, &self.lineage, &self.verdict))
    }

    /// `triage.report`, rendered once per event.
    pub fn report_json(&mut self) -> &CString {
        debug_assert!(
            self.facts_read && self.lineage_read && self.env_read,
            "rendering an exec read in part"
        );
        if self.report_json.is_none() {
            let text = self
                .text
                .take()
                .unwrap_or_else(|| report::render(&self.facts, &self.lineage, &self.verdict));
            let mut json = String::with_capacity(2048);
            report::json_report::write(&mut json, &self.facts, &self.lineage, &self.verdict, &text);
            self.text = Some(text);
            self.report_json = Some(super::fields::cstring(json));
        }
        self.report_json.get_or_insert_default()
    }
}

#[derive(Debug, Default)]
pub struct EventCache {
    /// The event `triaged` holds, if it holds a whole one.
    key: Option<EventKey>,
    /// Kept in place from event to event: moving it in and out of the cache cost four copies
    /// of its few hundred bytes per event.
    triaged: Triaged,
}

impl EventCache {
    /// The cached triage of `key`, if it is the cached event.
    pub fn get_mut(&mut self, key: &EventKey) -> Option<&mut Triaged> {
        (self.key == Some(*key)).then_some(&mut self.triaged)
    }

    /// The previous event's triage, to decode the next event over: no event is cached until
    /// [`EventCache::hold`] says which one it now holds.
    pub fn reuse(&mut self) -> &mut Triaged {
        self.key = None;
        &mut self.triaged
    }

    /// The triage [`EventCache::reuse`] gave is now that of `key`.
    pub fn hold(&mut self, key: EventKey) {
        self.key = Some(key);
    }

    /// Forget the cached event and its buffers.
    pub fn clear(&mut self) {
        *self = EventCache::default();
    }
}
