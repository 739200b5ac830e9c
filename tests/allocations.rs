//! Heap allocations on the path of one benign exec, counted by a global allocator that only
//! this test binary has (so it slows no other test).
//!
//! The plugin decodes each event over the previous one's facts, reusing their text buffers,
//! so what is asserted: decoded over an earlier exec, a benign exec's decode allocates
//! nothing (argv, paths, the variables kept), the environment's other variables (a real exec
//! carries 40-60) cost no allocation even in a fresh decode, and the analysis of a benign exec
//! allocates nothing (its parsed words and commands are inline), so a change that adds
//! allocations to the hot path fails here and has to say why.

use falco_triage::analysis::analyze;
use falco_triage::bench_corpus;
use falco_triage::facts::DecodeLimits;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{allocations, Counting};

#[global_allocator]
static COUNTING: Counting = Counting;

/// Decode and analysis of the plain realistic exec (`ls -la /etc`, 42 variables) into fresh
/// facts: the decode's 11 (argv and its 3 arguments, the 3 variables kept and their list,
/// the exe path, cwd and comm); the analysis makes none. The lineage walk, which reads the
/// thread table, is not in this path.
const PLAIN_EXEC_ALLOCATIONS: usize = 11;

/// One test: the counter is global, and tests of one binary run on parallel threads.
#[test]
fn allocations_on_the_path_of_a_benign_exec() {
    a_benign_exec_allocates_nothing_for_the_variables_it_does_not_read();
    a_benign_exec_decoded_over_an_earlier_one_allocates_nothing();
}

fn a_benign_exec_allocates_nothing_for_the_variables_it_does_not_read() {
    let limits = DecodeLimits::default();
    let realistic = bench_corpus::realistic();
    let plain = &realistic.plain;
    // Warm up: lazily built tables are built once, not per exec.
    let facts = bench_corpus::decode(&plain.event, &limits).expect("decodes");
    analyze(&facts, &plain.lineage);
    // The same exec with only the variables the decode keeps (PATH, HISTSIZE...).
    let mut spec = plain.spec.clone();
    spec.env = facts
        .env
        .iter()
        .flat_map(|e| [e.as_bytes(), b"\0"])
        .flatten()
        .copied()
        .collect();
    let read_only = spec.to_bytes();

    let full_env = allocations(|| {
        std::hint::black_box(bench_corpus::decode(&plain.event, &limits));
    });
    let read_variables = allocations(|| {
        std::hint::black_box(bench_corpus::decode(&read_only, &limits));
    });
    assert!(facts.env_count() >= 40, "{} variables", facts.env_count());
    assert_eq!(
        full_env,
        read_variables,
        "the {} variables the analysis does not read must not be allocated",
        facts.env_count() - facts.env.len()
    );

    let exec = allocations(|| {
        let facts = bench_corpus::decode(&plain.event, &limits).expect("decodes");
        std::hint::black_box(analyze(&facts, &plain.lineage));
    });
    println!("decode and analysis of the plain exec: {exec} allocations (decode {full_env})");
    assert!(
        exec <= PLAIN_EXEC_ALLOCATIONS,
        "{exec} allocations for one benign exec decoded into fresh facts, more than {PLAIN_EXEC_ALLOCATIONS}"
    );
}

fn a_benign_exec_decoded_over_an_earlier_one_allocates_nothing() {
    let limits = DecodeLimits::default();
    let realistic = bench_corpus::realistic();
    let plain = &realistic.plain;
    // The exec before: a compile with 21 arguments, other paths and variables.
    let before = realistic.most_arguments();
    let mut facts = bench_corpus::decode(&before.event, &limits).expect("decodes");
    assert!(facts.argv.len() > plain.facts.argv.len());
    // Warm up the analysis' lazily built tables.
    analyze(&plain.facts, &plain.lineage);

    let decode = allocations(|| {
        assert!(bench_corpus::decode_into(&plain.event, &limits, &mut facts));
    });
    assert_eq!(facts, plain.facts, "decoded over the earlier exec");
    assert_eq!(decode, 0, "allocations decoding over an earlier exec");
    let analysis = allocations(|| {
        std::hint::black_box(analyze(&facts, &plain.lineage));
    });
    assert_eq!(analysis, 0, "allocations in the analysis of a benign exec");
}
