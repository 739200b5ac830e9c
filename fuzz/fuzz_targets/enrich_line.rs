//! Arbitrary bytes through `falco-triage enrich`: as one line (`enrich_line`) and as a stream
//! (`enrich_stream`, small line limit). An enriched line is one line of valid JSON that keeps
//! every original field and whose triage fields keep the invariants; the stream never drops,
//! reorders or cuts a line, and passes through byte for byte what it does not enrich.

#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use falco_triage::cli::alert;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const MAX_LINE: usize = 2048;

fuzz_target!(|data: &[u8]| {
    // One line, as the stream hands it over (without its terminator).
    if !data.contains(&b'\n') {
        match alert::enrich_line(data) {
            Ok(Some(out)) => check_enriched(data, &out),
            Ok(None) => {}
            Err(msg) => assert!(!msg.is_empty()),
        }
    }

    // The whole input as a stream.
    let mut out = Vec::new();
    let mut err = Vec::new();
    let stats = alert::enrich_stream(data, &mut out, &mut err, MAX_LINE).expect("in-memory I/O");
    let lines =
        data.split(|b| *b == b'\n').count() - usize::from(data.is_empty() || data.ends_with(b"\n"));
    assert_eq!(stats.lines as usize, lines);
    // The stream catches a panic (the line passes through), but a panic is a bug.
    assert_eq!(stats.failed, 0, "{}", String::from_utf8_lossy(&err));
    assert_eq!(
        stats.enriched + stats.passed_through + stats.malformed + stats.oversized,
        stats.lines
    );
    assert_eq!(out.ends_with(b"\n"), data.ends_with(b"\n"));
    let out_lines: Vec<&[u8]> = out.split(|b| *b == b'\n').collect();
    let in_lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    assert_eq!(
        out_lines.len(),
        in_lines.len(),
        "a line was dropped or split"
    );
    let mut enriched = 0;
    for (o, i) in out_lines.iter().zip(&in_lines) {
        if o != i {
            enriched += 1;
            check_enriched(i, o);
        }
    }
    assert_eq!(enriched, stats.enriched);
    let err = String::from_utf8(err).expect("error reports are UTF-8");
    assert_eq!(
        err.lines().count() as u64,
        stats.malformed + stats.oversized
    );
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'));
});

fn check_enriched(input: &[u8], out: &[u8]) {
    assert!(!out.contains(&b'\n'), "an enriched alert spans lines");
    let original: Value = serde_json::from_slice(input).expect("only JSON is enriched");
    let v: Value = serde_json::from_slice(out).expect("an enriched line is JSON");
    let fields = v["output_fields"].as_object().expect("output_fields");
    for (k, val) in original["output_fields"]
        .as_object()
        .expect("output_fields")
    {
        if !k.starts_with("triage.") {
            assert_eq!(fields.get(k), Some(val), "{k} changed");
        }
    }
    let summary = fields["triage.summary"].as_str().expect("summary");
    assert!(summary.chars().count() <= invariants::MAX_SUMMARY_CHARS);
    assert!(!invariants::has_control(summary));
    let risk = fields["triage.risk"].as_u64().expect("risk");
    assert!(risk <= 100);
    let report = serde_json::to_string(&fields["triage.report"]).expect("report");
    assert!(report.len() <= invariants::MAX_JSON_BYTES);
}
