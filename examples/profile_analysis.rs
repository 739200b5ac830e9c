//! The analysis of the built-in exec mix in a loop, for a profiler:
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release --example profile_analysis
//! valgrind --tool=callgrind --callgrind-out-file=callgrind.out \
//!     target/release/examples/profile_analysis 2000
//! callgrind_annotate --inclusive=yes callgrind.out | head -60
//! ```
//!
//! The argument is the number of passes over the mix (default 2000); `--decode` decodes each
//! raw event first, as the plugin does; `--class NAME` runs one stress class of
//! `bench_corpus::classes()` instead of the mix ("huge argv", "10k-stage pipeline"...), or
//! one exec of the mix ("ls", "nc -e"...).

use falco_triage::analysis::analyze;
use falco_triage::bench_corpus;
use falco_triage::facts::DecodeLimits;
use std::hint::black_box;

fn main() {
    let mut passes: usize = 2000;
    let mut decode = false;
    let mut class: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--decode" => decode = true,
            "--class" => class = args.next(),
            n => match n.parse() {
                Ok(n) => passes = n,
                Err(_) => {
                    eprintln!("usage: profile_analysis [PASSES] [--decode] [--class NAME]");
                    std::process::exit(2);
                }
            },
        }
    }
    let mix = match &class {
        None => bench_corpus::mix(),
        // A stress class, else one exec of the mix by name ("ls", "nc -e"...).
        Some(name) => {
            let mut picked: Vec<_> = bench_corpus::classes()
                .into_iter()
                .filter(|s| s.name == name)
                .collect();
            if picked.is_empty() {
                picked = bench_corpus::mix()
                    .into_iter()
                    .filter(|s| s.name == name)
                    .collect();
            }
            picked
        }
    };
    if mix.is_empty() {
        eprintln!("no stress class or exec of the mix named {class:?}");
        std::process::exit(2);
    }
    let limits = DecodeLimits::default();
    let mut risk_sum = 0u64;
    for _ in 0..passes {
        for s in &mix {
            let verdict = if decode {
                let facts = bench_corpus::decode(black_box(&s.event), &limits).unwrap_or_default();
                analyze(&facts, &s.lineage)
            } else {
                analyze(black_box(&s.facts), &s.lineage)
            };
            risk_sum += u64::from(verdict.risk);
        }
    }
    println!(
        "{} analyses, mean risk {:.1}",
        passes * mix.len(),
        risk_sum as f64 / (passes * mix.len()).max(1) as f64
    );
}
