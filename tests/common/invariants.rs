//! The output invariants every verdict must keep, whatever the input (issue 7: never crash,
//! never lie, never grow without bound). Shared by tests/properties.rs, tests/adversarial.rs
//! and the fuzz targets (fuzz/fuzz_targets/*.rs include this file by path), so a property
//! test, an adversarial case and a fuzzer all check the same thing.
//!
//! Each check panics with a message naming the broken invariant.

#![allow(dead_code)] // Each includer uses a different subset.

use falco_triage::analysis::{analyze, Lineage, Severity, Verdict};
use falco_triage::facts::ExecFacts;
use falco_triage::report::{self, Rendered};
use serde_json::Value;

/// `report::summary::MAX_SUMMARY`: the summary bound the contract states.
pub const MAX_SUMMARY_CHARS: usize = 300;
/// `report::evidence::MAX_LINE` and `MAX_LINES`.
pub const MAX_EVIDENCE_LINE_CHARS: usize = 240;
pub const MAX_EVIDENCE_LINES: usize = 16;
/// Worst case of the JSON report: 64 argv entries and 16 ancestors of 256 escaped characters
/// (4 UTF-8 bytes each, doubled by JSON escaping of backslashes), plus the fixed parts.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// The text report echoes at most a few hundred characters per attacker string.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Whether `s` holds a character a terminal or log parser could act on: C0/C1 controls, DEL.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Analyse `facts`, render the verdict's text, check every invariant, and return both.
pub fn check_analysis(facts: &ExecFacts, lineage: &Lineage) -> (Verdict, Rendered) {
    let verdict = analyze(facts, lineage);
    let rendered = report::render(facts, lineage, &verdict);
    check_verdict(&verdict, &rendered);

    // Determinism: the same facts give the same verdict and the same report.
    let again = analyze(facts, lineage);
    assert_eq!(verdict, again, "analyze is not deterministic");
    assert_eq!(
        rendered,
        report::render(facts, lineage, &again),
        "render is not deterministic"
    );

    let json = report::json_report(facts, lineage, &verdict, &rendered);
    check_json_report(facts, lineage, &verdict, &rendered, &json);
    assert_eq!(
        json,
        report::json_report(facts, lineage, &again, &rendered),
        "json_report is not deterministic"
    );

    let text = report::text_report(facts, lineage, &verdict, &rendered);
    assert!(
        text.len() <= MAX_TEXT_BYTES,
        "text report is {} bytes",
        text.len()
    );
    for line in text.lines() {
        assert!(
            !has_control(line),
            "control character in text report line {line:?}"
        );
    }
    (verdict, rendered)
}

/// Invariants of a verdict and its text.
pub fn check_verdict(v: &Verdict, text: &Rendered) {
    assert!(v.risk <= 100, "risk {} out of 0..=100", v.risk);
    assert_eq!(
        v.risk >= 50,
        v.severity >= Severity::Warning,
        "risk {} disagrees with severity {:?}",
        v.risk,
        v.severity
    );
    assert!(
        text.summary.chars().count() <= MAX_SUMMARY_CHARS,
        "summary has {} chars",
        text.summary.chars().count()
    );
    assert!(
        !has_control(&text.summary),
        "control character in summary {:?}",
        text.summary
    );
    assert!(!text.summary.is_empty(), "empty summary");
    assert!(
        text.evidence.len() <= MAX_EVIDENCE_LINES,
        "{} evidence lines",
        text.evidence.len()
    );
    for line in &text.evidence {
        assert!(!has_control(line), "control character in evidence {line:?}");
        assert!(
            line.chars().count() <= MAX_EVIDENCE_LINE_CHARS,
            "evidence line of {} chars",
            line.chars().count()
        );
    }
    assert!(
        v.mitigations.len() <= 5,
        "{} mitigations",
        v.mitigations.len()
    );
    assert!(v.test_activity || !v.category.is_empty());
}

/// Invariants of the `triage.report` object: it round-trips through JSON text, is bounded,
/// carries no control character in any string, and says what the verdict says.
pub fn check_json_report(
    facts: &ExecFacts,
    lineage: &Lineage,
    v: &Verdict,
    text: &Rendered,
    json: &Value,
) {
    let line = serde_json::to_string(json).expect("the report serialises");
    assert!(
        line.len() <= MAX_JSON_BYTES,
        "JSON report is {} bytes",
        line.len()
    );
    assert!(!line.contains('\n'), "a report must fit on one output line");
    let back: Value = serde_json::from_str(&line).expect("the report parses back");
    assert_eq!(&back, json, "the report does not round-trip");
    walk_strings(json, &mut |s| {
        assert!(!has_control(s), "control character in JSON string {s:?}");
    });

    // Never lie: the report repeats the verdict and the facts' own flags.
    assert_eq!(json["risk"], v.risk);
    assert_eq!(json["severity"], v.severity.as_str());
    assert_eq!(json["category"], v.category);
    assert_eq!(json["summary"], text.summary.as_str());
    assert_eq!(json["test_activity"], v.test_activity);
    assert_eq!(json["lineage_known"], lineage.known);
    assert_eq!(
        json["evidence"].as_array().map(Vec::len),
        Some(text.evidence.len())
    );
    assert_eq!(json["signals"].as_array().map(Vec::len), Some(v.hits.len()));
    let argv_shown = json["facts"]["argv"].as_array().map_or(0, Vec::len);
    assert!(argv_shown <= facts.argv.len());
    if facts.argv_truncated || argv_shown < facts.argv.len() {
        assert_eq!(
            json["facts"]["argv_truncated"], true,
            "a cut argv must be marked as cut"
        );
    }
    assert_eq!(json["facts"]["env_count"], facts.env_count());
}

fn walk_strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|i| walk_strings(i, f)),
        Value::Object(map) => map.iter().for_each(|(k, i)| {
            f(k);
            walk_strings(i, f);
        }),
        _ => {}
    }
}

/// `report::escape` keeps its two promises: no control characters, at most `max` characters.
pub fn check_escape(input: &str, max: usize) -> String {
    let out = report::escape(input, max);
    assert!(
        !has_control(&out),
        "escape left a control character: {out:?}"
    );
    assert!(
        out.chars().count() <= max,
        "escape({input:?}, {max}) gave {} chars: {out:?}",
        out.chars().count()
    );
    if input.chars().all(|c| !c.is_control()) && input.chars().count() <= max {
        // Text with nothing to neutralise that fits is untouched, except the invisible
        // direction and separator characters escape also makes visible: that lengthens the
        // text, which may then no longer fit and be cut.
        assert!(
            out == input || out.contains("\\u{") || (!input.is_ascii() && out.contains('…')),
            "escape changed safe text {input:?} to {out:?}"
        );
    }
    out
}
