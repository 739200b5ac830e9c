//! The labelled exec corpus: the quality bar of the analysis.
//!
//! Every `tests/corpus/*.toml` holds `[[scenario]]` tables, each one exec with its lineage and a
//! label: `malicious` (with the one ATT&CK technique that must be reported), `benign`, or
//! `test_activity` (falcosecurity/event-generator actions). This harness turns each scenario into
//! `ExecFacts` and a `Lineage`, runs `analysis::analyze`, and checks the verdict:
//! malicious scores >= 50 and reports its technique; benign scores < 50; test activity is
//! recognised as such. All failures are reported in one message, so a detector change shows
//! its whole effect at once. Run with `cargo test --test corpus -- --nocapture` for the numbers.
//!
//! `tests/corpus/recorded/*.toml` are exec streams recorded from real workloads (issue 24,
//! `scripts/record-execs.sh`): every row is benign and stands for `count` execs.
//! `recorded_streams_are_quiet` measures the share of them that would page.
//!
//! Not here: unit tests of single detectors (they live beside each detector), timing.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use falco_triage::analysis::{self, analyze, Ancestor, Lineage, Verdict};
use falco_triage::facts::{Capabilities, ContainerInfo, ContainerRuntime, ExeFlags, ExecFacts};
use serde::Deserialize;

/// Risk at and above which a verdict pages (contract: risk >= 50 exactly when severity >= Warning).
const PAGE_RISK: u8 = 50;

/// Corpus size floors: below these the recall and false-positive numbers mean little.
const MIN_MALICIOUS: usize = 120;
const MIN_BENIGN: usize = 80;
const MIN_TECHNIQUES: usize = 30;

/// Techniques that fit exec-time evidence (exec-ground-truth.md §5). A scenario may only expect
/// one of these, so the corpus and the knowledge base speak the same ATT&CK vocabulary.
const ALLOWED_TECHNIQUES: &[&str] = &[
    "T1059",
    "T1059.004",
    "T1059.006",
    "T1095",
    "T1105",
    "T1611",
    "T1609",
    "T1610",
    "T1613",
    "T1496",
    "T1046",
    "T1040",
    "T1003.008",
    "T1552",
    "T1552.001",
    "T1552.005",
    "T1548",
    "T1548.001",
    "T1548.003",
    "T1068",
    "T1620",
    "T1574.006",
    "T1055.008",
    "T1036",
    "T1036.003",
    "T1036.005",
    "T1027",
    "T1140",
    "T1070",
    "T1070.002",
    "T1070.003",
    "T1070.004",
    "T1222.002",
    "T1053.003",
    "T1098.004",
    "T1136",
    "T1190",
    "T1505.003",
    "T1195.002",
    "T1485",
    "T1048",
    "T1572",
    "T1033",
    "T1082",
    "T1547.006",
    "T1546.004",
    "T1543.002",
    "T1556.003",
    "T1562.001",
    "T1562.006",
    "T1529",
    "T1055.009",
    "T1562.004",
    "T1098",
    "T1205.002",
    "T1548",
    "T1531",
    "T1016",
    "T1049",
    "T1018",
    "T1083",
    "T1069.001",
    "T1201",
    "T1518",
    "T1518.001",
    "T1057",
    "T1115",
    "T1113",
    "T1123",
    "T1560.001",
    "T1213",
    "T1552.003",
    "T1003.007",
    "T1090",
    "T1102",
    "T1219",
    "T1030",
    "T1570",
    "T1528",
    "T1071.001",
    "T1559",
    "T1036.008",
    "T1014",
    "T1056",
    "T1542",
    "T1553.004",
    "T1564",
    "T1564.001",
    "T1037",
    "T1053.002",
    "T1653",
    "T1027.001",
    "T1027.003",
    "T1006",
    "T1218",
    "T1211",
    "T1543.005",
];

/// A pts device number (major 136, minor 0), what Falco reports for `proc.tty` on a terminal.
const PTS_TTY: u32 = 34816;

/// The kernel keeps 15 bytes of the executable's name in `comm` (TASK_COMM_LEN 16).
const COMM_MAX: usize = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Label {
    Malicious,
    Benign,
    TestActivity,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    label: Label,
    technique: Option<String>,
    argv: Vec<String>,
    exe: Option<String>,
    /// Overrides the comm derived from argv[0] (renamed binaries, memfd, empty argv).
    comm: Option<String>,
    /// Comms of the ancestors, nearest first; one written as a path is that executable.
    #[serde(default)]
    parents: Vec<String>,
    /// Each parent's argv[1..] (recorded rows: the first few), aligned with `parents`; a
    /// parent without an entry has no known arguments.
    #[serde(default)]
    parent_args: Vec<Vec<String>>,
    /// Recorded rows: the argv of the images the same process exec'd before this one, oldest
    /// first (wrapper and shim chains re-exec in place).
    #[serde(default)]
    earlier: Vec<Vec<String>>,
    #[serde(default)]
    container: bool,
    uid: Option<u32>,
    /// -1 means unset (as Falco prints `user.loginuid=-1`).
    loginuid: Option<i64>,
    #[serde(default)]
    exe_flags: Vec<String>,
    caps: Option<Vec<String>>,
    #[serde(default)]
    tty: bool,
    #[serde(default)]
    env: Vec<String>,
    cwd: Option<String>,
    res: Option<i64>,
    /// The risk must reach this (reverse shells and downloads piped into a shell: 80).
    min_risk: Option<u8>,
    /// The summary must contain this (where a carried command came from).
    summary_has: Option<String>,
    /// Why the label is right. Required in the labelled corpus (`corpus_is_well_formed`);
    /// recorded rows say it once, in their file's header.
    #[serde(default)]
    note: String,
    /// Recorded streams: how many identical execs this row stands for (1 when absent).
    count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorpusFile {
    scenario: Vec<Scenario>,
}

/// A scenario and the file it came from (for messages).
struct Loaded {
    file: String,
    scenario: Scenario,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

/// The `*.toml` files directly in `dir`, in file-name order (subdirectories are not read).
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
}

/// One corpus file's scenarios. Parse errors fail loudly with the file.
fn parse_file(path: &Path) -> Vec<Scenario> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let parsed: CorpusFile = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a valid corpus file: {e}", path.display()));
    parsed.scenario
}

/// Loads every `tests/corpus/*.toml`, in file-name order.
fn load_corpus() -> Vec<Loaded> {
    let mut out = Vec::new();
    for path in toml_files(&corpus_dir()) {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.extend(parse_file(&path).into_iter().map(|scenario| Loaded {
            file: file.clone(),
            scenario,
        }));
    }
    out
}

fn exe_flag_bit(name: &str) -> Option<u32> {
    match name {
        "writable" => Some(ExeFlags::WRITABLE),
        "upper_layer" => Some(ExeFlags::UPPER_LAYER),
        "lower_layer" => Some(ExeFlags::LOWER_LAYER),
        "memfd" => Some(ExeFlags::FROM_MEMFD),
        _ => None,
    }
}

fn cap_bit(name: &str) -> Option<u64> {
    falco_triage::facts::cap_number(name).map(|n| 1u64 << n)
}

/// `T` + 4 digits, optionally `.` + 3 digits.
fn is_technique_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('T') else {
        return false;
    };
    let (base, sub) = match rest.split_once('.') {
        Some((b, s)) => (b, Some(s)),
        None => (rest, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(base, 4) && sub.is_none_or(|s| digits(s, 3))
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What the kernel would put in `comm`: the executable's name as exec'd, cut to 15 bytes.
fn derived_comm(s: &Scenario) -> Option<String> {
    if let Some(c) = &s.comm {
        return Some(c.clone());
    }
    let name = s
        .argv
        .first()
        .map(String::as_str)
        .or(s.exe.as_deref())
        .map(basename)?;
    let mut end = name.len().min(COMM_MAX);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Some(name[..end].to_string())
}

/// The facts an exec exit event with these properties would decode to.
fn facts_of(s: &Scenario) -> ExecFacts {
    let flags = s
        .exe_flags
        .iter()
        .filter_map(|f| exe_flag_bit(f))
        .fold(0, |acc, b| acc | b);
    let caps = s.caps.as_ref().map(|names| {
        names
            .iter()
            .filter_map(|c| cap_bit(c))
            .fold(0, |a, b| a | b)
    });
    ExecFacts {
        argv: s.argv.clone(),
        exe_path: s.exe.clone(),
        cwd: s.cwd.clone(),
        comm: derived_comm(s),
        env: s.env.clone(),
        tty: Some(if s.tty { PTS_TTY } else { 0 }),
        uid: s.uid,
        gid: s.uid,
        loginuid: s.loginuid.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
        res: Some(s.res.unwrap_or(0)),
        exe_flags: (!s.exe_flags.is_empty()).then_some(ExeFlags(flags)),
        caps: Capabilities {
            inheritable: caps.map(|_| 0),
            permitted: caps,
            effective: caps,
        },
        container: s.container.then(|| ContainerInfo {
            runtime: ContainerRuntime::Docker,
            short_id: "1d45a96b1daa".into(),
        }),
        cgroups_present: true,
        ..Default::default()
    }
}

/// The parent chain: comms (a parent written as a path is that executable), with arguments
/// where the scenario gives them; and, as the plugin remembers it, the newest earlier image of
/// the same process that paged.
fn lineage_of(s: &Scenario) -> Lineage {
    let ancestors: Vec<Ancestor> = s
        .parents
        .iter()
        .zip(
            s.parent_args
                .iter()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .map(|(p, args)| Ancestor {
            comm: basename(p).chars().take(COMM_MAX).collect(),
            exe: p.contains('/').then(|| p.clone()),
            args: args.cloned().unwrap_or_default(),
        })
        .collect();
    let mut lineage = Lineage {
        known: !ancestors.is_empty(),
        ancestors,
        earlier: None,
    };
    lineage.earlier = s.earlier.iter().rev().find_map(|argv| {
        let (argv0, args) = argv.split_first()?;
        let mut image = facts_of(s);
        image.argv.clone_from(argv);
        image.exe_path = argv0.starts_with('/').then(|| argv0.clone());
        image.comm = None;
        image.res = Some(0);
        (analyze(&image, &lineage).risk >= PAGE_RISK).then(|| Ancestor {
            comm: basename(argv0).chars().take(COMM_MAX).collect(),
            exe: argv0.starts_with('/').then(|| argv0.clone()),
            args: args.to_vec(),
        })
    });
    lineage
}

fn verdict_of(s: &Scenario) -> Verdict {
    analyze(&facts_of(s), &lineage_of(s))
}

fn summary_of(s: &Scenario, v: &Verdict) -> String {
    falco_triage::report::render(&facts_of(s), &lineage_of(s), v).summary
}

fn technique_ids(v: &Verdict) -> Vec<&'static str> {
    v.techniques.iter().map(|t| t.id).collect()
}

/// The corpus itself is sound: names unique, labels coherent, ids well formed and from the
/// agreed list, flags and capabilities known, and enough scenarios for the numbers to mean
/// something.
#[test]
fn corpus_is_well_formed() {
    let corpus = load_corpus();
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    let mut techniques = BTreeSet::new();
    let (mut malicious, mut benign, mut test_activity) = (0usize, 0usize, 0usize);

    for Loaded { file, scenario: s } in &corpus {
        let at = format!("{file}: {}", s.name);
        if s.name.is_empty()
            || !s
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(format!("{at}: name must be non-empty kebab-case"));
        }
        if !names.insert(s.name.as_str()) {
            problems.push(format!("{at}: duplicate name"));
        }
        if s.note.trim().is_empty() {
            problems.push(format!("{at}: note must say why the label is right"));
        }
        if s.argv.is_empty() && s.exe.is_none() {
            problems.push(format!("{at}: needs argv or exe"));
        }
        if s.parent_args.len() > s.parents.len() {
            problems.push(format!("{at}: parent_args has more entries than parents"));
        }
        match (s.label, &s.technique) {
            (Label::Malicious, Some(t)) => {
                malicious += 1;
                if !is_technique_id(t) {
                    problems.push(format!(
                        "{at}: technique {t:?} is not an ATT&CK id (T1234 or T1234.567)"
                    ));
                } else if !ALLOWED_TECHNIQUES.contains(&t.as_str()) {
                    problems.push(format!(
                        "{at}: technique {t} is not in exec-ground-truth.md §5"
                    ));
                }
                techniques.insert(t.clone());
            }
            (Label::Malicious, None) => problems.push(format!("{at}: malicious needs a technique")),
            (Label::Benign, None) => benign += 1,
            (Label::TestActivity, None) => test_activity += 1,
            (_, Some(_)) => {
                problems.push(format!("{at}: only malicious scenarios name a technique"))
            }
        }
        for f in &s.exe_flags {
            if exe_flag_bit(f).is_none() {
                problems.push(format!(
                    "{at}: unknown exe flag {f:?} (writable, upper_layer, lower_layer, memfd)"
                ));
            }
        }
        if s.exe_flags.iter().any(|f| f == "upper_layer")
            && s.exe_flags.iter().any(|f| f == "lower_layer")
        {
            problems.push(format!(
                "{at}: upper_layer and lower_layer are mutually exclusive"
            ));
        }
        for c in s.caps.iter().flatten() {
            if cap_bit(c).is_none() {
                problems.push(format!("{at}: unknown capability {c:?}"));
            }
        }
        if s.exe_flags.iter().any(|f| f.ends_with("_layer")) && !s.container {
            problems.push(format!(
                "{at}: overlay layer flags only make sense in a container"
            ));
        }
        for e in &s.env {
            if !e.contains('=') {
                problems.push(format!("{at}: env entry {e:?} is not KEY=VALUE"));
            }
        }
        if s.count.is_some() {
            problems.push(format!(
                "{at}: count belongs to recorded streams (tests/corpus/recorded/)"
            ));
        }
    }

    if malicious < MIN_MALICIOUS {
        problems.push(format!(
            "only {malicious} malicious scenarios, need >= {MIN_MALICIOUS}"
        ));
    }
    if benign < MIN_BENIGN {
        problems.push(format!(
            "only {benign} benign scenarios, need >= {MIN_BENIGN}"
        ));
    }
    if techniques.len() < MIN_TECHNIQUES {
        problems.push(format!(
            "only {} distinct techniques, need >= {MIN_TECHNIQUES}",
            techniques.len()
        ));
    }
    if test_activity == 0 {
        problems.push("no test_activity scenario (the seed alert must be one)".to_string());
    }
    println!(
        "corpus: {} scenarios ({malicious} malicious, {benign} benign, {test_activity} test activity), {} techniques",
        corpus.len(),
        techniques.len()
    );
    assert!(
        problems.is_empty(),
        "corpus problems:\n{}",
        problems.join("\n")
    );
}

/// Per-technique tally for the report: (scenarios, passed).
type Tally = BTreeMap<String, (usize, usize)>;

/// The quality bar: every malicious scenario pages with its technique, no benign one pages,
/// every test-activity scenario is recognised. All failures in one message.
#[test]
fn analysis_meets_quality_bar() {
    let corpus = load_corpus();
    let mut failures = Vec::new();
    let (mut mal, mut mal_paged, mut mal_ok) = (0usize, 0usize, 0usize);
    let (mut ben, mut ben_paged) = (0usize, 0usize);
    let (mut test, mut test_ok) = (0usize, 0usize);
    let mut by_technique: Tally = BTreeMap::new();

    for Loaded { file, scenario: s } in &corpus {
        let v = verdict_of(s);
        let ids = technique_ids(&v);
        let why = match s.label {
            Label::Malicious => {
                mal += 1;
                let expected = s.technique.as_deref().unwrap_or_default();
                let paged = v.risk >= PAGE_RISK;
                let named = ids.contains(&expected);
                mal_paged += usize::from(paged);
                let ok = paged && named;
                mal_ok += usize::from(ok);
                let entry = by_technique.entry(expected.to_string()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(ok);
                match (paged, named) {
                    (true, true) => None,
                    (false, true) => Some(format!("malicious scored below {PAGE_RISK}")),
                    (true, false) => Some(format!("malicious did not report {expected}")),
                    (false, false) => Some(format!(
                        "malicious scored below {PAGE_RISK} and did not report {expected}"
                    )),
                }
            }
            Label::Benign => {
                ben += 1;
                let paged = v.risk >= PAGE_RISK;
                ben_paged += usize::from(paged);
                paged.then(|| format!("benign scored >= {PAGE_RISK}"))
            }
            Label::TestActivity => {
                test += 1;
                test_ok += usize::from(v.test_activity);
                (!v.test_activity).then(|| "test activity not recognised".to_string())
            }
        };
        let mut why = why;
        if let Some(min) = s.min_risk.filter(|m| v.risk < *m) {
            why.get_or_insert_with(|| format!("risk below its min_risk {min}"));
        }
        if let Some(want) = &s.summary_has {
            if !summary_of(s, &v).contains(want.as_str()) {
                why.get_or_insert_with(|| format!("summary lacks {want:?}"));
            }
        }
        if let Some(why) = why {
            let mut line = String::new();
            let _ = write!(
                line,
                "- {} ({file}): {why}; risk={} category={} techniques=[{}] summary={:?}",
                s.name,
                v.risk,
                v.category,
                ids.join(","),
                summary_of(s, &v)
            );
            failures.push(line);
        }
    }

    let pct = |n: usize, d: usize| {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    // One print, so the report is not interleaved with the other tests' output.
    let mut report = String::new();
    let _ = writeln!(
        report,
        "corpus: {} scenarios, {} techniques",
        corpus.len(),
        by_technique.len()
    );
    let _ = writeln!(
        report,
        "recall (risk >= {PAGE_RISK} and technique reported): {mal_ok}/{mal} = {:.1}% (paged at all: {mal_paged}/{mal} = {:.1}%)",
        pct(mal_ok, mal),
        pct(mal_paged, mal)
    );
    let _ = writeln!(
        report,
        "false-positive rate (benign risk >= {PAGE_RISK}): {ben_paged}/{ben} = {:.1}%",
        pct(ben_paged, ben)
    );
    let _ = writeln!(report, "test activity recognised: {test_ok}/{test}");
    let _ = writeln!(report, "per technique (passed/scenarios):");
    for (t, (n, ok)) in &by_technique {
        let _ = writeln!(report, "  {t:<10} {ok}/{n}");
    }
    print!("{report}");

    assert!(
        failures.is_empty(),
        "{} of {} corpus scenarios fail the quality bar:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}

/// The harness's own translation is right: a wrong cap table or comm rule would silently skew
/// every number above.
/// The plugin's walk reads an ancestor's arguments only where the analysis reads them
/// (`ancestor_args_read`), the parent's only for an exec that pages
/// (`analysis::mark_repeat`), and no lineage at all for an exec that ran nothing
/// (`analysis::reads_lineage`), and nothing but the result for one that failed with ENOENT
/// or ENOTDIR (`analysis::ran_nothing`). Over every scenario, labelled, recorded and
/// chained, the judgement without what is skipped must be the same verdict.
#[test]
fn the_verdict_does_not_read_what_the_walk_skips() {
    let mut files = toml_files(&corpus_dir());
    files.extend(toml_files(&recorded_dir()));
    files.extend(toml_files(&chains_dir()));
    let (mut checked, mut stripped_some, mut unwalked, mut unread) = (0usize, 0, 0, 0);
    for path in files {
        for s in parse_file(&path) {
            let facts = facts_of(&s);
            let full = lineage_of(&s);
            let mut walked = full.clone();
            for a in &mut walked.ancestors {
                if !falco_triage::analysis::detectors::ancestor_args_read(&a.comm) {
                    stripped_some += usize::from(!a.args.is_empty());
                    a.args.clear();
                }
            }
            assert_eq!(
                analysis::analyze_exec(&facts, &walked),
                analysis::analyze_exec(&facts, &full),
                "{}: {}",
                path.display(),
                s.name
            );
            if !analysis::reads_lineage(&facts) {
                unwalked += 1;
                assert_eq!(
                    analyze(&facts, &Lineage::default()),
                    analyze(&facts, &full),
                    "{}: {}",
                    path.display(),
                    s.name
                );
            }
            if analysis::ran_nothing(facts.res) {
                // Judged from the result alone: no hit, no risk, only the note saying why.
                unread += 1;
                let verdict = analyze(&facts, &full);
                assert_eq!(verdict.notes.len(), 1, "{}: {}", path.display(), s.name);
                assert_eq!(
                    analysis::Verdict {
                        notes: Vec::new(),
                        ..verdict
                    },
                    analysis::Verdict::default(),
                    "{}: {}",
                    path.display(),
                    s.name
                );
                assert!(!analysis::reads_lineage(&facts));
            }
            checked += 1;
        }
    }
    println!(
        "{checked} scenarios, {stripped_some} ancestors' arguments skipped, {unwalked} judged without lineage, {unread} from the result alone"
    );
    assert!(checked > 5_000 && stripped_some > 1_000 && unwalked > 100 && unread > 50);
}

#[test]
fn scenario_translation_matches_kernel_conventions() {
    assert_eq!(cap_bit("CAP_SYS_ADMIN"), Some(1 << 21));
    assert_eq!(cap_bit("CAP_SYS_MODULE"), Some(1 << 16));
    assert_eq!(cap_bit("CAP_NET_RAW"), Some(1 << 13));
    assert_eq!(cap_bit("CAP_CHECKPOINT_RESTORE"), Some(1 << 40));
    assert_eq!(cap_bit("CAP_NOPE"), None);
    assert!(is_technique_id("T1059") && is_technique_id("T1059.004"));
    assert!(!is_technique_id("T159") && !is_technique_id("T1059.4") && !is_technique_id("t1059"));

    let s: Scenario = toml::from_str::<CorpusFile>(
        r#"[[scenario]]
name = "x"
label = "benign"
argv = ["/usr/lib/gcc/x86_64-linux-gnu/12/collect2-long-name", "-o", "a"]
container = true
uid = 0
loginuid = -1
tty = true
exe_flags = ["writable", "lower_layer"]
caps = ["CAP_SYS_ADMIN", "CAP_NET_RAW"]
note = "n"
"#,
    )
    .map(|f| f.scenario.into_iter().next())
    .ok()
    .flatten()
    .unwrap_or_else(|| panic!("inline scenario must parse"));
    let f = facts_of(&s);
    assert_eq!(f.comm.as_deref(), Some("collect2-long-n"));
    assert_eq!(f.tty, Some(PTS_TTY));
    assert_eq!(f.loginuid, Some(u32::MAX));
    assert_eq!(
        f.exe_flags,
        Some(ExeFlags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER))
    );
    assert_eq!(f.caps.effective, Some((1 << 21) | (1 << 13)));
    assert_eq!(f.res, Some(0));
    assert_eq!(
        f.container.map(|c| c.short_id),
        Some("1d45a96b1daa".to_string())
    );
    assert!(f.cgroups_present);
}

// ---------------------------------------------------------------------------------------
// Coverage against public detection content: tests/coverage/*.toml list public rules (their
// ids, titles and levels are facts; their text and logic are not copied) and the corpus
// scenarios that prove each; docs/coverage.md is rendered from them and must be current.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageFile {
    /// The public source, e.g. "falcosecurity/rules".
    source: String,
    /// The commit of the source the rows were taken from.
    commit: String,
    /// What a row's level needs: (level, risk its best scenario must reach).
    bars: Vec<(String, u8)>,
    rule: Vec<CoverageRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageRow {
    /// The rule's id in its source (Falco rule name, Sigma id, Elastic rule_id, GTFOBins
    /// `binary:function`).
    id: String,
    title: Option<String>,
    level: String,
    /// The ATT&CK tactic the rule is tagged with (TA0000), for the summary.
    tactic: String,
    /// The techniques the rule reports, comma-separated; the best scenario must report one of
    /// them (or a sibling sub-technique of the same technique).
    technique: Option<String>,
    #[serde(default)]
    scenarios: Vec<String>,
    /// Why no scenario can prove it (for example "needs file-open events, not an exec").
    not_covered: Option<String>,
}

/// A row's standing once its scenarios are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Standing {
    Covered,
    BelowTarget,
    NotCovered,
}

fn coverage_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("coverage")
}

fn load_coverage() -> Vec<(String, CoverageFile)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(coverage_dir())
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let file: CoverageFile = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a valid coverage file: {e}", path.display()));
            let name = path.file_name().map(|f| f.to_string_lossy().into_owned());
            (name.unwrap_or_default(), file)
        })
        .collect()
}

/// `|` and line breaks would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The sub-technique's parent, or the technique itself (`T1059.004` -> `T1059`).
fn parent_technique(t: &str) -> &str {
    t.split('.').next().unwrap_or(t)
}

/// Renders docs/coverage.md from the coverage rows and the corpus verdicts.
fn render_coverage() -> (String, Vec<String>) {
    let corpus = load_corpus();
    let by_name: BTreeMap<&str, &Scenario> = corpus
        .iter()
        .map(|l| (l.scenario.name.as_str(), &l.scenario))
        .collect();
    let mut problems = Vec::new();
    let mut doc = String::new();
    let mut sections = String::new();
    // (source, standing) and (tactic, standing) tallies.
    let mut per_source: Vec<(String, [usize; 3])> = Vec::new();
    let mut per_tactic: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for (file, cov) in load_coverage() {
        let mut tally = [0usize; 3];
        let _ = writeln!(
            sections,
            "\n## {} ({file}, commit {})\n",
            cov.source, cov.commit
        );
        let _ = writeln!(
            sections,
            "| rule | level | our signals | scenarios | best risk | standing |\n|---|---|---|---|---:|---|"
        );
        for row in &cov.rule {
            let bar = cov
                .bars
                .iter()
                .find(|(l, _)| l.eq_ignore_ascii_case(&row.level))
                .map(|(_, b)| *b);
            let Some(bar) = bar else {
                problems.push(format!(
                    "{file}: {}: level {} has no bar",
                    row.id, row.level
                ));
                continue;
            };
            let mut best: Option<(u8, Vec<&'static str>, bool)> = None;
            for name in &row.scenarios {
                let Some(s) = by_name.get(name.as_str()) else {
                    problems.push(format!("{file}: {}: no corpus scenario {name}", row.id));
                    continue;
                };
                // A rule that only informs (bar below the paging threshold) may be proved by
                // a benign scenario that raises its signal; one that pages needs an attack.
                if s.label != Label::Malicious && bar >= PAGE_RISK {
                    problems.push(format!("{file}: {}: {name} is not malicious", row.id));
                }
                let v = verdict_of(s);
                let techniques = technique_ids(&v);
                let reports = row.technique.as_deref().is_none_or(|ts| {
                    ts.split(',').map(str::trim).any(|t| {
                        techniques
                            .iter()
                            .any(|x| *x == t || parent_technique(x) == parent_technique(t))
                    })
                });
                let signals: Vec<&'static str> = v.hits.iter().map(|h| h.signal.id).collect();
                // The best scenario is one that meets the bar, then one that reports the
                // technique, then the riskiest.
                let rank = |risk: u8, ok: bool| (risk >= bar && ok, ok, risk);
                if best
                    .as_ref()
                    .is_none_or(|(r, _, ok)| rank(v.risk, reports) > rank(*r, *ok))
                {
                    best = Some((v.risk, signals, reports));
                }
            }
            let standing = match (&best, &row.not_covered) {
                (Some((risk, signals, reports)), _)
                    if *risk >= bar && *reports && !signals.is_empty() =>
                {
                    Standing::Covered
                }
                (Some(_), _) => Standing::BelowTarget,
                (None, Some(_)) => Standing::NotCovered,
                (None, None) => {
                    problems.push(format!(
                        "{file}: {}: give scenarios or a not_covered reason",
                        row.id
                    ));
                    Standing::NotCovered
                }
            };
            tally[standing as usize] += 1;
            per_tactic.entry(row.tactic.clone()).or_default()[standing as usize] += 1;
            let name = match &row.title {
                Some(t) => format!("{} ({})", t, row.id),
                None => row.id.clone(),
            };
            let (signals, risk) = match &best {
                Some((r, s, _)) => (s.join(", "), r.to_string()),
                None => (String::new(), String::new()),
            };
            let standing_text = match standing {
                Standing::Covered => "covered".to_string(),
                Standing::BelowTarget => format!("below target (needs {bar})"),
                Standing::NotCovered => format!(
                    "not covered: {}",
                    row.not_covered.as_deref().unwrap_or("no reason given")
                ),
            };
            let _ = writeln!(
                sections,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&name),
                cell(&row.level),
                cell(&signals),
                cell(&row.scenarios.join(", ")),
                risk,
                cell(&standing_text)
            );
        }
        per_source.push((cov.source.clone(), tally));
    }
    let pct = |n: usize, d: usize| {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    let _ = writeln!(
        doc,
        "# Coverage against public detection content\n\n\
         Generated: do not edit. Each row is a public rule or GTFOBins function (its id, title\n\
         and level are cited; its text and logic are not copied), the corpus scenarios written\n\
         here to prove it (`tests/corpus/`), the signals the best of them raises and its risk.\n\
         A row is covered when that risk reaches the bar of the row's level (the bars are in\n\
         each `tests/coverage/*.toml`) and, where the row names a technique, the verdict reports\n\
         it. Regenerate with\n\n\
         ```sh\nFALCO_TRIAGE_UPDATE_COVERAGE=1 cargo test --test corpus coverage\n```\n\n\
         ## Summary\n\n| source | rules | covered | below target | not covered | coverage |\n|---|---:|---:|---:|---:|---:|"
    );
    for (source, [c, b, n]) in &per_source {
        let total = c + b + n;
        let _ = writeln!(
            doc,
            "| {source} | {total} | {c} | {b} | {n} | {:.0} % |",
            pct(*c, total)
        );
    }
    let _ = writeln!(
        doc,
        "\n## By ATT&CK tactic\n\n| tactic | rules | covered | coverage |\n|---|---:|---:|---:|"
    );
    for (tactic, [c, b, n]) in &per_tactic {
        let name = falco_triage::knowledge::TACTICS
            .iter()
            .find(|t| t.id == tactic)
            .map_or(tactic.as_str(), |t| t.name);
        let total = c + b + n;
        let _ = writeln!(
            doc,
            "| {name} ({tactic}) | {total} | {c} | {:.0} % |",
            pct(*c, total)
        );
    }
    doc.push_str(&sections);
    (doc, problems)
}

/// docs/coverage.md is what the coverage rows and the corpus give now.
#[test]
fn coverage_matrix_is_current() {
    let (doc, problems) = render_coverage();
    assert!(
        problems.is_empty(),
        "coverage rows:\n{}",
        problems.join("\n")
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join("coverage.md");
    if std::env::var_os("FALCO_TRIAGE_UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &doc).expect("write docs/coverage.md");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == doc,
        "docs/coverage.md is stale: regenerate it with FALCO_TRIAGE_UPDATE_COVERAGE=1 cargo test --test corpus coverage"
    );
}

/// Risk at and above which a verdict is critical (the kit's CRITICAL rule). The target on
/// recorded real work: no exec reaches it.
const CRITICAL_RISK: u8 = 80;

/// The target on recorded real work (issue 24): at most this many per mille of a workload's
/// execs page (risk >= `PAGE_RISK`), i.e. <= 0.1 %, and none reaches `CRITICAL_RISK`.
const RECORDED_MAX_PAGED_PER_MILLE: u64 = 1;

/// Workloads that miss the target today (recorded 2026-12-04, before the analysis fixes of
/// issue 24): reported in full, not yet asserted. Names leave this list as the analysis is
/// fixed; a listed workload that meets the target fails the test until its name is removed,
/// so the list only shrinks.
const KNOWN_NOISY: &[&str] = &[];

/// Held out: never tuned on. Detector changes are made against the other workloads; this one
/// only measures whether they generalise (tests/corpus/recorded/README.md).
const HELD_OUT: &str = "entrypoint-probes";

fn recorded_dir() -> PathBuf {
    corpus_dir().join("recorded")
}

/// A recorded workload's numbers, counted in execs (a row stands for `count` execs).
#[derive(Default)]
struct StreamTally {
    execs: u64,
    rows: usize,
    paged: u64,
    critical: u64,
    /// (risk, category, signal ids, row name, count, summary) of the rows at >= `PAGE_RISK`.
    listing: Vec<(u8, &'static str, String, String, u32, String)>,
}

impl StreamTally {
    fn meets_target(&self) -> bool {
        self.paged * 1000 <= self.execs * RECORDED_MAX_PAGED_PER_MILLE && self.critical == 0
    }
}

/// Recorded real exec streams stay quiet: per workload, at most 0.1 % of the execs page and
/// none is critical. Prints per workload execs, distinct rows, execs at >= 50 and >= 80 and the
/// rate, then every paging row. Workloads in `KNOWN_NOISY` are reported but not asserted.
#[test]
fn recorded_streams_are_quiet() {
    let mut problems = Vec::new();
    let mut tallies: BTreeMap<String, StreamTally> = BTreeMap::new();

    for path in toml_files(&recorded_dir()) {
        let workload = path
            .file_stem()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let scenarios = parse_file(&path);
        if scenarios.is_empty() {
            problems.push(format!("{workload}: no rows"));
        }
        let mut names = HashSet::new();
        let t = tallies.entry(workload.clone()).or_default();
        for s in &scenarios {
            let at = format!("{workload}: {}", s.name);
            if s.label != Label::Benign || s.technique.is_some() {
                problems.push(format!(
                    "{at}: recorded rows are benign, without a technique"
                ));
            }
            if !names.insert(s.name.as_str()) {
                problems.push(format!("{at}: duplicate name"));
            }
            if s.argv.is_empty() && s.exe.is_none() {
                problems.push(format!("{at}: needs argv or exe"));
            }
            if s.parent_args.len() > s.parents.len() {
                problems.push(format!("{at}: parent_args has more entries than parents"));
            }
            if let Some(e) = s.env.iter().find(|e| !e.contains('=')) {
                problems.push(format!("{at}: env entry {e:?} is not KEY=VALUE"));
            }
            let count = s.count.unwrap_or(1);
            if count == 0 {
                problems.push(format!("{at}: count 0 stands for no exec"));
            }
            let v = verdict_of(s);
            t.execs += u64::from(count);
            t.rows += 1;
            if v.risk >= PAGE_RISK {
                t.paged += u64::from(count);
                let signals: Vec<&str> = v.hits.iter().map(|h| h.signal.id).collect();
                t.listing.push((
                    v.risk,
                    v.category,
                    signals.join(","),
                    s.name.clone(),
                    count,
                    summary_of(s, &v),
                ));
            }
            if v.risk >= CRITICAL_RISK {
                t.critical += u64::from(count);
            }
        }
    }

    for name in KNOWN_NOISY {
        match tallies.get(*name) {
            None => problems.push(format!(
                "KNOWN_NOISY names {name}, which is not a recorded workload"
            )),
            Some(t) if t.meets_target() => problems.push(format!(
                "{name} now meets the target: remove it from KNOWN_NOISY"
            )),
            Some(_) => {}
        }
    }
    if !tallies.contains_key(HELD_OUT) {
        problems.push(format!("the held-out workload {HELD_OUT} is not recorded"));
    }

    let mut report = String::new();
    let _ = writeln!(
        report,
        "recorded streams (target per workload: <= {}.{}% of execs at risk >= {PAGE_RISK}, none at >= {CRITICAL_RISK}):",
        RECORDED_MAX_PAGED_PER_MILLE / 10,
        RECORDED_MAX_PAGED_PER_MILLE % 10
    );
    let _ = writeln!(
        report,
        "  {:<22} {:>7} {:>6} {:>6} {:>6} {:>8}  status",
        "workload", "execs", "rows", ">=50", ">=80", "rate"
    );
    let (mut all_execs, mut all_paged, mut all_critical) = (0u64, 0u64, 0u64);
    for (name, t) in &tallies {
        all_execs += t.execs;
        all_paged += t.paged;
        all_critical += t.critical;
        let noisy = KNOWN_NOISY.contains(&name.as_str());
        let status = match (t.meets_target(), noisy) {
            (true, _) => "meets target",
            (false, true) => "misses target (KNOWN_NOISY: not asserted)",
            (false, false) => "MISSES TARGET",
        };
        let held = if name == HELD_OUT { ", held out" } else { "" };
        let _ = writeln!(
            report,
            "  {name:<22} {:>7} {:>6} {:>6} {:>6} {:>7.3}%  {status}{held}",
            t.execs,
            t.rows,
            t.paged,
            t.critical,
            100.0 * t.paged as f64 / t.execs.max(1) as f64
        );
        if !t.meets_target() && !noisy {
            problems.push(format!(
                "{name}: {} of {} execs at risk >= {PAGE_RISK}, {} at >= {CRITICAL_RISK}",
                t.paged, t.execs, t.critical
            ));
        }
    }
    let _ = writeln!(
        report,
        "  {:<22} {all_execs:>7} {:>6} {all_paged:>6} {all_critical:>6} {:>7.3}%",
        "all",
        tallies.values().map(|t| t.rows).sum::<usize>(),
        100.0 * all_paged as f64 / all_execs.max(1) as f64
    );
    for (name, t) in &tallies {
        if t.listing.is_empty() {
            continue;
        }
        let _ = writeln!(report, "{name}: rows at risk >= {PAGE_RISK}:");
        let mut listing: Vec<_> = t.listing.iter().collect();
        listing.sort_by(|a, b| b.0.cmp(&a.0).then(b.4.cmp(&a.4)).then(a.3.cmp(&b.3)));
        for (risk, category, signals, row, count, summary) in listing {
            let _ = writeln!(
                report,
                "  {risk:>3} {category} [{signals}] {row} x{count}: {summary}"
            );
        }
    }
    print!("{report}");

    assert!(
        problems.is_empty(),
        "recorded streams miss the target or are malformed:\n{}",
        problems.join("\n")
    );
}

/// `tests/corpus/chains/*.toml`: each file is every exec that ONE command made (recorded with
/// `REC_OUT=tests/corpus/chains scripts/record-execs.sh NAME`), wrapper and shim re-execs and
/// failed PATH-search attempts included.
fn chains_dir() -> PathBuf {
    corpus_dir().join("chains")
}

/// One command, one alert: in each recorded chain exactly one exec pages without being a
/// repeat of its parent (what the triage rules alert on: `triage.risk >= 50` and not
/// `triage.repeat_of_parent`), however many execs re-run the same payload.
#[test]
fn one_command_gives_one_alert() {
    let mut problems = Vec::new();
    for path in toml_files(&chains_dir()) {
        let name = path.file_stem().map(|f| f.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let rows = parse_file(&path);
        let mut alerts = Vec::new();
        let mut paged = 0u64;
        for s in &rows {
            let v = verdict_of(s);
            let count = u64::from(s.count.unwrap_or(1));
            if v.risk >= PAGE_RISK {
                paged += count;
                if !v.repeat_of_parent {
                    alerts.push((s.name.clone(), count, v.risk));
                }
            }
        }
        let alert_execs: u64 = alerts.iter().map(|(_, c, _)| c).sum();
        println!(
            "chain {name}: {} execs, {paged} at risk >= {PAGE_RISK}, {alert_execs} alerting: {alerts:?}",
            rows.iter().map(|s| u64::from(s.count.unwrap_or(1))).sum::<u64>()
        );
        if alert_execs != 1 {
            problems.push(format!(
                "{name}: {alert_execs} execs would alert (want 1): {alerts:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
