//! Arbitrary bytes as an exec's argv (split on NUL, lossy UTF-8) into the shell parser:
//! it must not panic, and its output must stay within the documented bounds.
#![no_main]

use falco_triage::analysis::shell::{parse_exec, MAX_COMMANDS, MAX_DEPTH, MAX_WRAPPERS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let argv: Vec<String> = data
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let input: usize = argv.iter().map(|a| a.len() + 1).sum();
    let line = parse_exec(&argv);
    assert!(!line.commands.is_empty());
    assert!(line.commands.len() <= MAX_COMMANDS);
    for c in &line.commands {
        assert!(c.depth <= MAX_DEPTH);
        assert!(c.wrappers.len() <= MAX_WRAPPERS);
        for a in c
            .argv
            .iter()
            .map(|a| a.as_ref())
            .chain(c.redirects.iter().map(|r| r.target.as_str()))
        {
            assert!(a.len() <= input);
        }
    }
});
