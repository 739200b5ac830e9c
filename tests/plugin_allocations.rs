//! Heap allocations the plugin makes for a benign exec through the plugin API, its lineage
//! walked in a `threads` table, as Falco calls it: counted by a global allocator that only
//! this test binary has. Needs the `runner-harness` feature (`.ci/run` runs it):
//!
//! ```text
//! cargo test --features runner-harness --test plugin_allocations
//! ```
//!
//! The runner's own allocations for a call are the same whether or not the plugin works, so
//! the plugin's are those of a first read of an event (decode, walk, analysis) beyond those of
//! a second read of it (answered from the plugin's cache), less the table's: the test's
//! `threads` table, which plays libsinsp's part, is `falco_plugin`'s exported table, and it
//! boxes a handle for every entry looked up (the walk's `lineage_reads`).

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{allocations, Counting};
use falco_plugin_runner::{Event, ExtractedField};
use falco_triage::bench_corpus;
use falco_triage::plugin::harness::Harness;

#[global_allocator]
static COUNTING: Counting = Counting;

#[test]
fn a_benign_exec_after_another_allocates_nothing_in_the_plugin() {
    let realistic = bench_corpus::realistic();
    let plain = &realistic.plain;
    // The exec before: a compile with 21 arguments under other parents, other paths and
    // variables; then the plain exec (`ls -la /etc` under an admin's script, 42 variables).
    let before = realistic.most_arguments();
    // A PATH search's failed attempt of the plain exec, in its process: judged from its
    // result alone, it must leave the buffers for the exec that follows.
    let mut attempt = plain.spec.clone();
    attempt.res = -2;
    let (before, plain) = (before.event.clone(), plain.event.clone());
    let events = vec![
        before.clone(),
        plain.clone(),
        before,
        plain.clone(),
        attempt.to_bytes(),
        plain,
    ];
    let mut h = Harness::new(c"{}", true, events);
    let events: Vec<_> = (0..6).map(|_| h.next_event()).collect();
    // The first two: the plugin's buffers grow to these execs' sizes, once. Then the
    // compile again: buffers hold its words, not the plain exec's.
    for event in &events[..3] {
        risk(&mut h, event);
    }
    assert_eq!(
        plugin_allocations(&mut h, &events[3]),
        0,
        "allocations by the plugin for a benign exec decoded, walked and judged over another"
    );
    assert_eq!(risk(&mut h, &events[4]), 0, "the attempt ran nothing");
    assert_eq!(
        plugin_allocations(&mut h, &events[5]),
        0,
        "allocations by the plugin for a benign exec after a failed attempt"
    );
    assert_eq!(h.metric("events_analysed"), 6, "each event analysed once");
}

fn risk(h: &mut Harness, event: &Event) -> u64 {
    match h.runner.extract_field(event, "triage.risk") {
        Some(Ok(ExtractedField::U64(risk))) => risk,
        other => panic!("triage.risk: {other:?}"),
    }
}

/// The allocations of the plugin's first read of `event`, a benign exec with a lineage: the
/// read's beyond a cached read's, less the table's one per entry looked up.
fn plugin_allocations(h: &mut Harness, event: &Event) -> usize {
    let reads_before = h.metric("lineage_reads");
    let mut value = u64::MAX;
    let first = allocations(|| value = risk(h, event));
    let cached = allocations(|| assert_eq!(risk(h, event), value));
    let entries = (h.metric("lineage_reads") - reads_before) as usize;
    assert_eq!(value, 0, "the plain exec is benign");
    assert!(entries >= 3, "the lineage was walked: {entries} entries");
    println!("first read: {first} allocations ({entries} by the table); a cached read: {cached}");
    first - cached - entries
}
