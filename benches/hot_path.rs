//! The analysis hot path without the plugin: decode (the floor) and the analysis of each
//! corpus class and of the representative mix (`falco_triage::bench_corpus`).
//!
//! `cargo bench --bench hot_path`. The plugin path (all fields through the plugin API) is in
//! `benches/plugin_path.rs` (needs `--features runner-harness`).

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use falco_event::events::RawEvent;
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_triage::analysis::analyze;
use falco_triage::bench_corpus::{self, Sample};
use falco_triage::facts::{self, DecodeLimits};

fn decode(c: &mut Criterion) {
    let limits = DecodeLimits::default();
    let mix = bench_corpus::mix();
    let nc = &mix
        .iter()
        .find(|s| s.name == "nc -e")
        .expect("nc sample")
        .event;
    let raw = RawEvent::from(nc).expect("raw event");
    let typed = raw.load::<PPME_SYSCALL_EXECVE_19_X>().expect("execve");

    let mut group = c.benchmark_group("decode");
    // The floor: typed execve event -> ExecFacts.
    group.bench_function("typed execve -> facts", |b| {
        b.iter(|| facts::from_execve(black_box(&typed.params), &limits))
    });
    // What the plugin does per event: parse the raw bytes, then decode.
    group.bench_function("raw bytes -> facts", |b| {
        b.iter(|| bench_corpus::decode(black_box(nc), &limits))
    });
    let mut i = 0;
    group.bench_function("raw bytes -> facts, mix", |b| {
        b.iter(|| {
            i = (i + 1) % mix.len();
            bench_corpus::decode(black_box(&mix[i].event), &limits)
        })
    });
    // Recorded real work with environments of real size (40-60 variables, 2-4 KiB).
    let realistic = bench_corpus::realistic().mix;
    group.bench_function("raw bytes -> facts, realistic mix", |b| {
        b.iter(|| {
            i = (i + 1) % realistic.len();
            bench_corpus::decode(black_box(&realistic[i].event), &limits)
        })
    });
    // The largest event an execve can carry (args cut below 64 KiB), cut again to 16 KiB.
    let huge = &bench_corpus::classes()[3].event;
    group.bench_function("raw bytes -> facts, 64 KiB args", |b| {
        b.iter(|| bench_corpus::decode(black_box(huge), &limits))
    });
    group.finish();
}

fn analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("analysis");
    for Sample {
        name,
        facts,
        lineage,
        ..
    } in bench_corpus::classes()
    {
        group.bench_function(name, |b| b.iter(|| analyze(black_box(&facts), &lineage)));
    }
    let mix = bench_corpus::mix();
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function("mix (one exec, round robin)", |b| {
        b.iter(|| {
            i = (i + 1) % mix.len();
            analyze(black_box(&mix[i].facts), &mix[i].lineage)
        })
    });
    let realistic = bench_corpus::realistic().mix;
    group.bench_function("realistic mix (one exec, round robin)", |b| {
        b.iter(|| {
            i = (i + 1) % realistic.len();
            analyze(black_box(&realistic[i].facts), &realistic[i].lineage)
        })
    });
    // Decode and analysis together, as the plugin runs them once per exec (no lineage walk).
    let limits = DecodeLimits::default();
    group.bench_function("mix, decode + analysis", |b| {
        b.iter_batched_ref(
            || {
                i = (i + 1) % mix.len();
                &mix[i]
            },
            |s| {
                let facts = bench_corpus::decode(black_box(&s.event), &limits).unwrap_or_default();
                analyze(&facts, &s.lineage)
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, decode, analysis);
criterion_main!(benches);
