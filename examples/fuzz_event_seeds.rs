//! Seeds for the `event_decode` fuzz target: one execve exit event per exec read from stdin
//! (`fuzz/make-seeds.py`'s `execs.jsonl`: one JSON object per line with `argv`, `exe`,
//! `container`, `uid`, `tty` and `env`), each written to `DIR/seed-<hash>` in the target's
//! mode 0 (a whole raw event). See fuzz/README.md, "Seeds from the tests". The parents are
//! not in an event (libsinsp's thread table holds them), so they are not used here.

use falco_triage::bench_corpus::ExecEvent;
use serde::Deserialize;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Deserialize)]
struct Exec {
    argv: Vec<String>,
    exe: Option<String>,
    #[serde(default)]
    container: bool,
    #[serde(default)]
    uid: u32,
    #[serde(default)]
    tty: bool,
    #[serde(default)]
    env: Vec<String>,
}

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_event_seeds DIR < execs.jsonl");
        std::process::exit(2);
    };
    let mut written = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        let exec: Exec = match serde_json::from_str(&line) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("skipped (not an exec object: {e}): {line}");
                continue;
            }
        };
        let argv: Vec<&str> = exec.argv.iter().map(String::as_str).collect();
        let Some(argv0) = argv.first() else { continue };
        let exe = exec
            .exe
            .clone()
            .unwrap_or_else(|| format!("/usr/bin/{}", argv0.rsplit('/').next().unwrap_or(argv0)));
        let mut event = ExecEvent::new(1, 4242, 4241, &exe, &argv);
        if exec.container {
            event = event.in_docker();
        }
        event.uid = exec.uid;
        if exec.tty {
            event.tty = 34816;
        }
        if !exec.env.is_empty() {
            event.env = exec.env.iter().flat_map(|e| e.bytes().chain([0])).collect();
        }
        let mut seed = vec![0u8]; // mode 0: the whole event
        seed.extend(event.to_bytes());
        let path = dir.join(format!("seed-{:016x}", fnv1a(&seed)));
        std::fs::write(&path, &seed).expect("the seed directory is writable");
        written += 1;
    }
    eprintln!("{written} seeds in {}", dir.display());
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
