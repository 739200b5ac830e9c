//! Seeds for the `event_decode` fuzz target: one execve exit event per exec read from stdin
//! (`fuzz/make-seeds.py`'s `execs.jsonl`: one JSON object per line with `argv`, `exe`,
//! `comm`, `cwd`, `container`, `uid`, `loginuid`, `tty`, `env`, `exe_flags` and `caps`, all
//! present: the script owns the defaults), each written to `DIR/seed-<line>` in the target's
//! mode 0 (a whole raw event). See fuzz/README.md, "Seeds from the tests". The parents are
//! not in an event (libsinsp's thread table holds them), so they are not used here.

use falco_triage::bench_corpus::ExecEvent;
use falco_triage::cli::parse_exe_flags;
use falco_triage::facts::cap_number;
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
    comm: Option<String>,
    cwd: Option<String>,
    loginuid: Option<i64>,
    exe_flags: Vec<String>,
    caps: Option<Vec<String>>,
}

/// A C string of `s`; None if it holds a NUL (the driver's strings cannot).
fn c_string(s: &str) -> Option<std::ffi::CString> {
    std::ffi::CString::new(s).ok()
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
        if let Some(comm) = exec.comm.as_deref().and_then(c_string) {
            event.comm = comm;
        }
        if let Some(cwd) = exec.cwd.as_deref().and_then(c_string) {
            event.cwd = cwd;
        }
        // -1 in the corpus is Falco's way of printing the unset u32::MAX.
        if let Some(loginuid) = exec.loginuid {
            event.loginuid = u32::try_from(loginuid).unwrap_or(u32::MAX);
        }
        if !exec.exe_flags.is_empty() {
            match parse_exe_flags(&exec.exe_flags.join("|")) {
                Ok(flags) => event.flags = flags.0,
                Err(e) => eprintln!("line {}: {e}; flags left as they were", n + 1),
            }
        }
        if let Some(caps) = &exec.caps {
            let numbers: Vec<_> = caps.iter().filter_map(|c| cap_number(c)).collect();
            if numbers.len() < caps.len() {
                eprintln!("line {}: an unknown capability name was left out", n + 1);
            }
            event.cap_effective = numbers.into_iter().fold(0, |set, n| set | 1 << n);
        }
        let mut seed = vec![0u8]; // mode 0: the whole event
        seed.extend(event.to_bytes());
        let path = dir.join(format!("seed-{:05}", n + 1));
        std::fs::write(&path, &seed).expect("the seed directory is writable");
        written += 1;
    }
    eprintln!("{written} seeds in {}", dir.display());
}
