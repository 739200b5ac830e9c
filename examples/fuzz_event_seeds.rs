//! Seeds for the `event_decode` fuzz target: one execve exit event per exec read from stdin
//! (`fuzz/make-seeds.py`'s `execs.jsonl`: one JSON object per line with `argv`, `exe`,
//! `container`, `uid`, `tty` and `env`, all required: the script owns the defaults), each
//! written to `DIR/seed-<line>` in the target's mode 0 (a whole raw event). See fuzz/README.md, "Seeds from the tests". The parents are
//! not in an event (libsinsp's thread table holds them), so they are not used here.

use falco_triage::bench_corpus::ExecEvent;
use serde::Deserialize;
use std::io::BufRead;
use std::path::PathBuf;

/// /dev/pts/0 (major 136, minor 0), as the driver reports a terminal.
const PTS_0: u32 = 34816;

#[derive(Deserialize)]
struct Exec {
    argv: Vec<String>,
    exe: String,
    container: bool,
    uid: u32,
    tty: bool,
    env: Vec<String>,
}

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_event_seeds DIR < execs.jsonl");
        std::process::exit(2);
    };
    let mut written = 0;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.expect("stdin is readable");
        let exec: Exec = match serde_json::from_str(&line) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("skipped line {} (not an exec object: {e})", n + 1);
                continue;
            }
        };
        let argv: Vec<&str> = exec.argv.iter().map(String::as_str).collect();
        let mut event = ExecEvent::new(1, 4242, 4241, &exec.exe, &argv);
        if exec.container {
            event = event.in_docker();
        }
        event.uid = exec.uid;
        if exec.tty {
            event.tty = PTS_0;
        }
        if !exec.env.is_empty() {
            event.env = exec.env.iter().flat_map(|e| e.bytes().chain([0])).collect();
        }
        let mut seed = vec![0u8]; // mode 0: the whole event
        seed.extend(event.to_bytes());
        let path = dir.join(format!("seed-{:05}", n + 1));
        std::fs::write(&path, &seed).expect("the seed directory is writable");
        written += 1;
    }
    eprintln!("{written} seeds in {}", dir.display());
}
