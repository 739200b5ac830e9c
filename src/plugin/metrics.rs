//! Counters the plugin reports through `get_metrics`; Falco prefixes them with `triage.` and
//! exports them when `metrics.enabled` is on.

use falco_plugin::base::{Metric, MetricLabel, MetricType, MetricValue};

/// Monotonic counters since the plugin started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Exec events decoded and judged (once per event, however many fields are read).
    pub events_analysed: u64,
    /// Field extraction calls (one per field per event).
    pub field_extractions: u64,
    /// Events that could not be parsed as an exec exit event.
    pub decode_failures: u64,
    /// Events judged on an argv or env cut by the configured limits. An exec that ran nothing
    /// (ENOENT, ENOTDIR) is judged from its result alone, so it is never counted, even when a
    /// field later shows it cut.
    pub truncations: u64,
    /// Thread table entries read for lineage.
    pub lineage_reads: u64,
    /// Panics caught in an extractor (each one is a bug: please report it).
    pub panics_caught: u64,
}

impl Counters {
    pub fn metrics(&self) -> [Metric; 6] {
        let counter = |name, value| {
            MetricLabel::new(name, MetricType::Monotonic).with_value(MetricValue::U64(value))
        };
        [
            counter(c"events_analysed", self.events_analysed),
            counter(c"field_extractions", self.field_extractions),
            counter(c"decode_failures", self.decode_failures),
            counter(c"truncations", self.truncations),
            counter(c"lineage_reads", self.lineage_reads),
            counter(c"panics_caught", self.panics_caught),
        ]
    }
}
