//! Every `triage.*` field of one exec event through the plugin API, as Falco asks for them
//! (one `plugin_extract_fields` call per field): the first field decodes, walks the lineage in
//! the libsinsp-shaped `threads` table and analyses; the others read the per-event cache.
//! Hosted by `falco_plugin_runner`, whose own per-call work (field lookup by name, copying
//! results into owned values) is included, as libsinsp's would be.
//!
//! `cargo bench --features runner-harness --bench plugin_path`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use falco_triage::analysis::analyze;
use falco_triage::bench_corpus;
use falco_triage::plugin::field_names;
use falco_triage::plugin::harness::{ExecEvent, Harness};

/// Extract every field of `event` as a new event (a fresh event number defeats the cache).
fn all_fields(
    h: &mut Harness,
    event: &mut falco_plugin_runner::Event,
    number: &mut u64,
    names: &[&str],
) {
    *number += 1;
    event.evt_num = Some(*number);
    for name in names {
        black_box(h.runner.extract_field(event, name));
    }
}

fn plugin_path(c: &mut Criterion) {
    let names: Vec<&str> = field_names().collect();
    let mut group = c.benchmark_group("plugin");

    // The realistic container exec: nc under `docker exec` sh, 3 ancestors in the table.
    let mut h = Harness::new(c"{}", true, vec![ExecEvent::nc(1, 300, 200).to_bytes()]);
    let mut event = h.next_event();
    let mut number = 1_000_000;
    group.bench_function("all fields, nc -e in docker", |b| {
        b.iter(|| all_fields(&mut h, &mut event, &mut number, &names))
    });
    group.bench_function("triage.risk only, nc -e in docker", |b| {
        b.iter(|| all_fields(&mut h, &mut event, &mut number, &["triage.risk"]))
    });
    // The analysis alone of the same exec, with the lineage the plugin walks.
    let nc = bench_corpus::mix()
        .into_iter()
        .find(|s| s.name == "nc -e")
        .expect("nc sample");
    group.bench_function("analysis only, nc -e in docker", |b| {
        b.iter(|| analyze(black_box(&nc.facts), &nc.lineage))
    });

    // The mix, each exec a child of the `docker exec` shell (tid 200) in the table.
    let events: Vec<Vec<u8>> = bench_corpus::mix()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut spec = s.spec.clone();
            spec.tid = 10_000 + i as i64;
            spec.ptid = 200;
            spec.to_bytes()
        })
        .collect();
    let count = events.len();
    let mut h = Harness::new(c"{}", true, events);
    let mut mix: Vec<_> = (0..count).map(|_| h.next_event()).collect();
    let mut i = 0;
    group.bench_function("all fields, mix (one exec, round robin)", |b| {
        b.iter(|| {
            i = (i + 1) % count;
            all_fields(&mut h, &mut mix[i], &mut number, &names)
        })
    });

    // Realistic events (recorded real work, environments of real size), each exec's own
    // thread and its parents in the table: the first field, as a rule condition reads it.
    let realistic = bench_corpus::realistic();
    for (name, set) in [
        ("triage.risk only, plain benign exec", vec![realistic.plain]),
        ("triage.risk only, realistic mix", realistic.mix),
        ("triage.risk only, attack", vec![realistic.attack]),
    ] {
        let count = set.len();
        let mut h = Harness::new(c"{}", true, set.into_iter().map(|s| s.event).collect());
        let mut events: Vec<_> = (0..count).map(|_| h.next_event()).collect();
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % count;
                all_fields(&mut h, &mut events[i], &mut number, &["triage.risk"])
            })
        });
    }
    group.finish();
}

criterion_group!(benches, plugin_path);
criterion_main!(benches);
