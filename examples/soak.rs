//! The plugin's memory over many exec events through `falco_plugin_runner`, with the thread
//! ids churning over a large set, to show its state is bounded. Not a test: it prints a table.
//!
//! ```text
//! cargo run --release --features runner-harness --example soak -- [EVENTS] [TIDS]
//! ```
//! Defaults: 10 000 000 events over 100 000 distinct tids. Each event is an exec of the
//! built-in mix under one of several parents in the `threads` table (some missing, so both
//! the walk and its failure are exercised); Falco's three output fields are read from every
//! event, and all fields from one event in 1000.
//!
//! The figures are the whole process: runner, helper plugins and triage plugin.

use falco_triage::bench_corpus;
use falco_triage::plugin::field_names;
use falco_triage::plugin::harness::{queue_events, Harness};
use std::time::Instant;

const CHUNK: usize = 4096;

/// (VmRSS, VmHWM) in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let read = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (read("VmRSS:"), read("VmHWM:"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let events: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let tids: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000)
        .max(1);

    let mix = bench_corpus::mix();
    // Parents: docker-exec shell, nc, bash under a placeholder, container sh, the deep
    // chain, and one that is not in the table.
    let parents = [200, 300, 501, 802, 1020, 4_000_000];
    let output_fields = ["triage.risk", "triage.severity", "triage.summary"];
    let all_fields: Vec<&str> = field_names().collect();
    let make = |k: u64| {
        let mut spec = mix[(k % mix.len() as u64) as usize].spec.clone();
        spec.ts = 1_700_000_000_000_000_000 + k;
        spec.tid = 1_000_000 + (k * 7919 % tids) as i64;
        spec.ptid = parents[(k % parents.len() as u64) as usize];
        spec.to_bytes()
    };

    let first: Vec<Vec<u8>> = (0..CHUNK.min(events as usize) as u64).map(make).collect();
    let mut h = Harness::new(c"{}", true, first);
    let (rss0, _) = memory_kib();
    let start = Instant::now();
    let report_every = (events / 10).max(1);

    println!(
        "{:>12} {:>10} {:>10} {:>12} {:>10}",
        "events", "VmRSS MiB", "VmHWM MiB", "analysed", "events/s"
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    let mut next_chunk = CHUNK as u64;
    for k in 0..events {
        if k == next_chunk {
            let end = (k + CHUNK as u64).min(events);
            queue_events((k..end).map(make));
            next_chunk = end;
        }
        let event = h.next_event();
        let fields: &[&str] = if k % 1000 == 0 {
            &all_fields
        } else {
            &output_fields
        };
        for name in fields {
            let _ = h.runner.extract_field(&event, name);
        }
        if (k + 1) % report_every == 0 || k + 1 == events {
            let (rss, hwm) = memory_kib();
            println!(
                "{:>12} {:>10.1} {:>10.1} {:>12} {:>10.0}",
                k + 1,
                mib(rss),
                mib(hwm),
                h.metric("events_analysed"),
                (k + 1) as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "\nRSS after setup: {:.1} MiB; {} events over {} tids in {:.0} s; decode failures {}, panics {}",
        mib(rss0),
        events,
        tids,
        start.elapsed().as_secs_f64(),
        h.metric("decode_failures"),
        h.metric("panics_caught")
    );
}
