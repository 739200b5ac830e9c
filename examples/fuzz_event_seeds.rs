//! Seeds for the `event_decode` fuzz target: one execve exit event per argv read from stdin
//! (one JSON array of strings per line), on the host and in a docker container, each written
//! to `DIR/seed-<hash>` in the target's mode 0 (a whole raw event). `fuzz/make-seeds.py`
//! feeds it the argv of the test suite; see fuzz/README.md.

use falco_triage::bench_corpus::ExecEvent;
use std::io::BufRead;
use std::path::PathBuf;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_event_seeds DIR < argv.jsonl");
        std::process::exit(2);
    };
    let mut written = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        let argv: Vec<String> = match serde_json::from_str(&line) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("skipped (not a JSON array of strings: {e}): {line}");
                continue;
            }
        };
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let Some(argv0) = argv.first() else { continue };
        let exe = format!("/usr/bin/{}", argv0.rsplit('/').next().unwrap_or(argv0));
        let host = ExecEvent::new(1, 4242, 4241, &exe, &argv);
        for event in [host.clone(), host.in_docker()] {
            let mut seed = vec![0u8]; // mode 0: the whole event
            seed.extend(event.to_bytes());
            let path = dir.join(format!("seed-{:016x}", fnv1a(&seed)));
            std::fs::write(&path, &seed).expect("the seed directory is writable");
            written += 1;
        }
    }
    eprintln!("{written} seeds in {}", dir.display());
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
