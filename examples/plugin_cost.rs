//! The plugin's cost per exec on realistic events ([`bench_corpus::realistic`]), through the
//! plugin API with lineage: each exec's parents are in the `threads` table, so the first field
//! decodes, walks them and analyses, as inside Falco. Made to be profiled:
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release --features runner-harness --example plugin_cost
//! valgrind --tool=callgrind --toggle-collect='*plugin_extract_fields*' \
//!     target/release/examples/plugin_cost plain|mix|attack [PASSES]
//! ```
//!
//! Only instructions inside the plugin's `plugin_extract_fields` are then counted (the
//! runner's own lookups and copies are not): divide by the number of execs it prints.
//! Without valgrind it prints the user-space instructions per exec from the hardware counter
//! when the kernel has one (runner included).

use falco_triage::bench_corpus::{self, Sample};
use falco_triage::cli::instructions::Counter;
use falco_triage::plugin::harness::Harness;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let set = args.next().unwrap_or_else(|| "mix".into());
    let passes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let realistic = bench_corpus::realistic();
    let samples: Vec<Sample> = match set.as_str() {
        "plain" => vec![realistic.plain],
        "mix" => realistic.mix,
        "attack" => vec![realistic.attack],
        other => {
            eprintln!("unknown set {other:?}: plain, mix or attack");
            std::process::exit(2);
        }
    };
    let mut h = Harness::new(
        c"{}",
        true,
        samples.iter().map(|s| s.event.clone()).collect(),
    );
    let mut events: Vec<_> = samples.iter().map(|_| h.next_event()).collect();
    let mut number = 1_000_000u64;
    let mut run = |h: &mut Harness, passes: usize| {
        for _ in 0..passes {
            for event in events.iter_mut() {
                number += 1;
                event.evt_num = Some(number);
                black_box(h.runner.extract_field(event, "triage.risk"));
            }
        }
    };
    // One pass first: allocations of the first event, the table's lookups.
    run(&mut h, 1);
    let execs = passes * samples.len();
    match Counter::open() {
        Ok(counter) => match counter.count(|| run(&mut h, passes)) {
            Ok(n) => println!(
                "{set}: {execs} execs, {} user-space instructions per exec (runner included)",
                n / execs.max(1) as u64
            ),
            Err(e) => println!("{set}: {execs} execs; instructions not read: {e}"),
        },
        Err(e) => {
            run(&mut h, passes);
            println!(
                "{set}: {} execs in all ({} warm-up); instructions not counted: perf_event_open: {e}",
                execs + samples.len(),
                samples.len()
            );
        }
    }
}
