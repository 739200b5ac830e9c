//! Arbitrary bytes as the plugin's `init_config`, parsed the way the SDK does
//! (`serde_json::from_str` into [`Config`], then range checks). Either the settings are
//! within every key's range, or the error is short, printable and says what is wrong.

#![no_main]

use falco_triage::plugin::config::{Config, KEYS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The SDK reads the C string as UTF-8 first; libsinsp never passes interior NULs.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = serde_json::from_str::<Config>(text)
        .map_err(|e| e.to_string())
        .and_then(|c| c.settings().map_err(|e| e.to_string()));
    match result {
        Ok(s) => {
            let value = |name: &str| match name {
                "max_args" => s.limits.max_args,
                "max_args_bytes" => s.limits.max_args_bytes,
                "max_env" => s.limits.max_env,
                "max_env_bytes" => s.limits.max_env_bytes,
                "lineage_depth" => s.lineage_depth,
                other => panic!("a key the fuzzer does not know: {other}"),
            };
            for k in KEYS {
                let v = value(k.name) as u64;
                assert!((k.min..=k.max).contains(&v), "{} = {v}", k.name);
            }
        }
        Err(msg) => {
            assert!(!msg.is_empty());
            assert!(!msg.chars().any(char::is_control), "{msg:?}");
            assert!(msg.len() <= 1024, "an error of {} bytes", msg.len());
        }
    }
});
