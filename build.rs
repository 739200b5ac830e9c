//! Checks the knowledge data (`src/knowledge/data/*.toml`) and generates
//! `$OUT_DIR/knowledge.rs`: static tables of tactics, techniques, mitigations and signals, one
//! named static per signal/technique/mitigation, the tool-class lookup and the real-knob lists.
//!
//! The build fails, naming the file and the entry, on anything a reviewer would reject:
//! duplicate or dangling ids, malformed ATT&CK ids, tags not in Sigma spelling or not matching
//! the techniques, weights out of range or out of their level's band, unknown levels or
//! categories, empty text, and mitigations using a Docker flag or Kubernetes key that does not
//! exist (or one of the known inventions).

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/knowledge/forms.rs"]
mod forms;
use forms::{docker_flags, kubernetes_keys};
#[path = "src/knowledge/checks.rs"]
mod checks;
#[path = "src/report/json_string.rs"]
mod json_string;
use json_string::push_json_string;

/// `"key":"value"` members of a JSON object, `null` for absent values.
fn json_members(members: &[(&str, Option<&str>)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, key);
        out.push(':');
        match value {
            Some(v) => push_json_string(&mut out, v),
            None => out.push_str("null"),
        }
    }
    out
}

const DATA: &str = "src/knowledge/data";

/// Categories a signal may belong to (the verdict's `category`).
const CATEGORIES: &[&str] = &[
    "reverse_shell",
    "obfuscation",
    "download_execute",
    "drift",
    "fileless",
    "suspicious_location",
    "tampering_risk",
    "masquerading",
    "library_injection",
    "privilege_escalation",
    "credential_access",
    "defense_evasion",
    "destruction",
    "discovery",
    "network_scanning",
    "sniffing",
    "network_tool",
    "file_transfer",
    "exfiltration",
    "cryptomining",
    "container_admin",
    "container_escape",
    "package_management",
    "persistence",
    "permission_change",
    "kernel_module",
    "tunneling",
    "privileged_container",
    "web_exploitation",
    "supply_chain",
    "interactive_shell",
    "test_activity",
    "collection",
];

/// Sigma levels and the weight band each allows.
const LEVELS: &[(&str, u8, u8)] = &[
    ("informational", 0, 19),
    ("low", 20, 39),
    ("medium", 40, 59),
    ("high", 60, 79),
    ("critical", 80, 100),
];

/// Tool classes and the `ToolClass` variant each maps to (declared in src/knowledge/mod.rs).
const TOOL_CLASSES: &[(&str, &str)] = &[
    ("shell", "Shell"),
    ("netcat", "Netcat"),
    ("interpreter", "Interpreter"),
    ("downloader", "Downloader"),
    ("transfer", "Transfer"),
    ("recon", "Recon"),
    ("scanner", "Scanner"),
    ("dns_tool", "DnsTool"),
    ("sniffer", "Sniffer"),
    ("package_manager", "PackageManager"),
    ("language_package_manager", "LanguagePackageManager"),
    ("container_admin", "ContainerAdmin"),
    ("container_runtime", "ContainerRuntime"),
    ("miner", "Miner"),
    ("credential", "Credential"),
    ("tunnel", "Tunnel"),
    ("debugger", "Debugger"),
    ("user_admin", "UserAdmin"),
    ("kernel_module", "KernelModule"),
    ("decoder", "Decoder"),
    ("escape", "Escape"),
    ("web_server", "WebServer"),
    ("app_server", "AppServer"),
    ("db_server", "DbServer"),
    ("scheduler", "Scheduler"),
    ("build_tool", "BuildTool"),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TacticsFile {
    tactic: Vec<TacticRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TacticRec {
    id: String,
    name: String,
    falco_tag: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TechniquesFile {
    attack_version: String,
    technique: Vec<TechniqueRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TechniqueRec {
    id: String,
    name: String,
    tactics: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MitigationsFile {
    mitigation: Vec<MitigationRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MitigationRec {
    id: String,
    text: String,
    docker: Option<String>,
    kubernetes: Option<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignalsFile {
    signal: Vec<SignalRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignalRec {
    id: String,
    title: String,
    description: String,
    category: String,
    level: String,
    weight: i64,
    tags: Vec<String>,
    techniques: Vec<String>,
    falsepositives: Vec<String>,
    references: Vec<String>,
    mitigations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolsFile {
    classes: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnobsFile {
    docker: Vec<DockerKnob>,
    security_opt: Vec<SecurityOptKnob>,
    kubernetes: Vec<KubernetesKnob>,
    inventions: Inventions,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DockerKnob {
    flag: String,
    source: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecurityOptKnob {
    value: String,
    source: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KubernetesKnob {
    key: String,
    path: String,
    source: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inventions {
    strings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CarriersFile {
    carrier: Vec<CarrierRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CarrierRec {
    programs: Vec<String>,
    #[serde(default)]
    options: Vec<String>,
    take: String,
    #[serde(default)]
    until: Vec<String>,
    key: Option<String>,
    #[serde(default)]
    key_nocase: bool,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    calls: Vec<String>,
    runs: String,
    label: String,
    source: String,
}
impl CarrierRec {
    fn entry(&self) -> checks::CarrierEntry<'_> {
        checks::CarrierEntry {
            programs: &self.programs,
            options: &self.options,
            take: &self.take,
            until: &self.until,
            key: self.key.as_deref(),
            prefixes: &self.prefixes,
            calls: &self.calls,
            runs: &self.runs,
            label: &self.label,
            source: &self.source,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenPathsFile {
    path: Vec<PathRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathRec {
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    prefix: Vec<String>,
    suffix: Option<String>,
    #[serde(default)]
    basename: Vec<String>,
    signal: String,
    text: String,
    what: String,
    source: String,
}
impl PathRec {
    fn entry(&self) -> checks::PathEntry<'_> {
        checks::PathEntry {
            exact: &self.exact,
            prefix: &self.prefix,
            suffix: self.suffix.as_deref(),
            basename: &self.basename,
            text: &self.text,
            what: &self.what,
            source: &self.source,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BehavioursFile {
    list: Vec<ListRec>,
    behaviour: Vec<BehaviourRec>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListRec {
    name: String,
    items: Vec<String>,
    source: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BehaviourRec {
    id: String,
    programs: Vec<String>,
    #[serde(default)]
    any_word: Vec<String>,
    #[serde(default)]
    and_word: Vec<String>,
    #[serde(default)]
    any_prefix: Vec<String>,
    #[serde(default)]
    any_contains: Vec<String>,
    #[serde(default)]
    and_contains: Vec<String>,
    operand_in: Option<String>,
    operand_match: Option<String>,
    #[serde(default)]
    value_of: Vec<String>,
    value_in: Option<String>,
    #[serde(default)]
    none_word: Vec<String>,
    signal: String,
    what: String,
    sources: Vec<String>,
}
impl BehaviourRec {
    fn entry(&self) -> checks::BehaviourEntry<'_> {
        checks::BehaviourEntry {
            id: &self.id,
            programs: &self.programs,
            any_word: &self.any_word,
            and_word: &self.and_word,
            any_prefix: &self.any_prefix,
            any_contains: &self.any_contains,
            and_contains: &self.and_contains,
            operand_in: self.operand_in.as_deref(),
            operand_match: self.operand_match.as_deref(),
            value_of: &self.value_of,
            value_in: self.value_in.as_deref(),
            none_word: &self.none_word,
            what: &self.what,
            sources: &self.sources,
        }
    }
}

/// Collects every problem so one build run reports them all.
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, file: &str, entry: &str, what: impl std::fmt::Display) {
        self.0
            .push(format!("{DATA}/{file}: entry `{entry}`: {what}"));
    }
}

fn load<T: for<'de> Deserialize<'de>>(dir: &Path, file: &str) -> T {
    let path = dir.join(file);
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("knowledge data: cannot read {}: {e}", path.display()));
    toml::from_str(&text)
        .unwrap_or_else(|e| panic!("knowledge data: {DATA}/{file} is not valid: {e}"))
}

fn is_technique_id(id: &str) -> bool {
    let (main, sub) = match id.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (id, None),
    };
    let main_ok =
        main.len() == 5 && main.starts_with('T') && main[1..].bytes().all(|b| b.is_ascii_digit());
    let sub_ok = sub.is_none_or(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()));
    main_ok && sub_ok
}

fn is_tactic_id(id: &str) -> bool {
    id.len() == 6 && id.starts_with("TA") && id[2..].bytes().all(|b| b.is_ascii_digit())
}

fn is_snake_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id.as_bytes()[0].is_ascii_lowercase()
}

/// Sigma tactic tag: `attack.` + lowercase name with spaces as hyphens.
fn sigma_tactic_tag(name: &str) -> String {
    format!("attack.{}", name.to_ascii_lowercase().replace(' ', "-"))
}

fn main() {
    let dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join(DATA);
    println!("cargo:rerun-if-changed={}", dir.display());
    let tactics: TacticsFile = load(&dir, "tactics.toml");
    let techniques: TechniquesFile = load(&dir, "techniques.toml");
    let mitigations: MitigationsFile = load(&dir, "mitigations.toml");
    let signals: SignalsFile = load(&dir, "signals.toml");
    let tools: ToolsFile = load(&dir, "tools.toml");
    let knobs: KnobsFile = load(&dir, "knobs.toml");
    let carriers: CarriersFile = load(&dir, "carriers.toml");
    let written: WrittenPathsFile = load(&dir, "written_paths.toml");
    let behaviours: BehavioursFile = load(&dir, "behaviours.toml");
    let mut p = Problems(Vec::new());

    // Tactics.
    let mut tactic_index = HashMap::new();
    for (i, t) in tactics.tactic.iter().enumerate() {
        if !is_tactic_id(&t.id) {
            p.add("tactics.toml", &t.id, "malformed tactic id (want TA0000)");
        }
        if t.name.trim().is_empty() {
            p.add("tactics.toml", &t.id, "empty name");
        }
        if !t.falco_tag.starts_with("mitre_") {
            p.add("tactics.toml", &t.id, "falco_tag must start with mitre_");
        }
        if tactic_index.insert(t.id.clone(), i).is_some() {
            p.add("tactics.toml", &t.id, "duplicate id");
        }
    }

    // Techniques.
    let version = &techniques.attack_version;
    if !(version.split('.').count() == 2
        && version
            .split('.')
            .all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit())))
    {
        p.add(
            "techniques.toml",
            "attack_version",
            "want MAJOR.MINOR, e.g. 16.1",
        );
    }
    let mut technique_index = HashMap::new();
    for (i, t) in techniques.technique.iter().enumerate() {
        if !is_technique_id(&t.id) {
            p.add(
                "techniques.toml",
                &t.id,
                "malformed technique id (want T1234 or T1234.001)",
            );
        }
        if t.name.trim().is_empty() {
            p.add("techniques.toml", &t.id, "empty name");
        }
        if t.tactics.is_empty() {
            p.add("techniques.toml", &t.id, "no tactics");
        }
        for ta in &t.tactics {
            if !tactic_index.contains_key(ta) {
                p.add(
                    "techniques.toml",
                    &t.id,
                    format!("unknown tactic `{ta}` (not in tactics.toml)"),
                );
            }
        }
        if technique_index.insert(t.id.clone(), i).is_some() {
            p.add("techniques.toml", &t.id, "duplicate id");
        }
    }

    // Knobs.
    let real_flags: HashSet<&str> = knobs.docker.iter().map(|k| k.flag.as_str()).collect();
    let real_opts: HashSet<&str> = knobs
        .security_opt
        .iter()
        .map(|k| k.value.as_str())
        .collect();
    let real_keys: HashSet<&str> = knobs.kubernetes.iter().map(|k| k.key.as_str()).collect();
    for k in &knobs.docker {
        if !k.flag.starts_with("--") || k.source.trim().is_empty() {
            p.add(
                "knobs.toml",
                &k.flag,
                "docker flag must start with -- and have a source",
            );
        }
    }
    for k in &knobs.security_opt {
        if k.source.trim().is_empty() {
            p.add("knobs.toml", &k.value, "empty source");
        }
    }
    for k in &knobs.kubernetes {
        if k.source.trim().is_empty() || k.path.trim().is_empty() {
            p.add("knobs.toml", &k.key, "empty path or source");
        }
    }
    for inv in &knobs.inventions.strings {
        let (flags, opts) = docker_flags(inv);
        let real = flags.iter().all(|f| real_flags.contains(f.as_str()))
            && opts.iter().all(|o| real_opts.contains(o.as_str()));
        if real {
            p.add(
                "knobs.toml",
                inv,
                "an invention that the real-knob list would accept: fix the list",
            );
        }
    }

    // Mitigations.
    let mut mitigation_index = HashMap::new();
    for (i, m) in mitigations.mitigation.iter().enumerate() {
        let f = "mitigations.toml";
        if !is_snake_id(&m.id) {
            p.add(f, &m.id, "id must be snake_case");
        }
        if m.text.trim().is_empty() {
            p.add(f, &m.id, "empty text");
        }
        if m.source.trim().is_empty() {
            p.add(f, &m.id, "empty source");
        }
        if mitigation_index.insert(m.id.clone(), i).is_some() {
            p.add(f, &m.id, "duplicate id");
        }
        for field in [Some(&m.text), m.docker.as_ref(), m.kubernetes.as_ref()]
            .into_iter()
            .flatten()
        {
            for inv in &knobs.inventions.strings {
                if field.contains(inv.as_str()) {
                    p.add(f, &m.id, format!("uses the invented knob `{inv}`"));
                }
            }
        }
        if let Some(d) = &m.docker {
            let (flags, opts) = docker_flags(d);
            for fl in flags {
                if !real_flags.contains(fl.as_str()) {
                    p.add(f, &m.id, format!("Docker flag `{fl}` is not in knobs.toml"));
                }
            }
            for o in opts {
                if !real_opts.contains(o.as_str()) {
                    p.add(
                        f,
                        &m.id,
                        format!("`--security-opt {o}` is not a real security option"),
                    );
                }
            }
        }
        if let Some(k) = &m.kubernetes {
            for key in kubernetes_keys(k) {
                if !real_keys.contains(key.as_str()) {
                    p.add(
                        f,
                        &m.id,
                        format!("Kubernetes key `{key}` is not in knobs.toml"),
                    );
                }
            }
        }
    }

    // Signals.
    let level_band: HashMap<&str, (u8, u8)> =
        LEVELS.iter().map(|(l, a, b)| (*l, (*a, *b))).collect();
    let mut signal_ids = HashSet::new();
    for s in &signals.signal {
        let f = "signals.toml";
        let e = s.id.as_str();
        if !is_snake_id(e) {
            p.add(f, e, "id must be snake_case");
        }
        if !signal_ids.insert(e) {
            p.add(f, e, "duplicate id");
        }
        if s.title.trim().is_empty() || s.description.trim().is_empty() {
            p.add(f, e, "empty title or description");
        }
        if s.references.is_empty() || s.references.iter().any(|r| r.trim().is_empty()) {
            p.add(f, e, "needs at least one non-empty reference");
        }
        if s.falsepositives.iter().any(|x| x.trim().is_empty()) {
            p.add(f, e, "empty falsepositive entry");
        }
        if !CATEGORIES.contains(&s.category.as_str()) {
            p.add(f, e, format!("unknown category `{}`", s.category));
        }
        match level_band.get(s.level.as_str()) {
            None => p.add(
                f,
                e,
                format!(
                    "unknown level `{}` (informational, low, medium, high, critical)",
                    s.level
                ),
            ),
            Some(&(lo, hi)) => {
                if !(0..=100).contains(&s.weight) {
                    p.add(f, e, format!("weight {} out of 0..=100", s.weight));
                } else if s.weight < i64::from(lo) || s.weight > i64::from(hi) {
                    p.add(
                        f,
                        e,
                        format!(
                            "weight {} outside the `{}` band {lo}..={hi}",
                            s.weight, s.level
                        ),
                    );
                }
            }
        }
        if s.mitigations.is_empty() {
            p.add(f, e, "needs at least one mitigation");
        }
        for m in &s.mitigations {
            if !mitigation_index.contains_key(m) {
                p.add(f, e, format!("unknown mitigation `{m}`"));
            }
        }
        // Tags: Sigma spelling, and exactly the techniques and their tactics.
        let mut want_tags = BTreeSet::new();
        let mut allowed_tactic_tags = BTreeSet::new();
        for t in &s.techniques {
            match technique_index.get(t) {
                None => p.add(f, e, format!("unknown technique `{t}`")),
                Some(&ti) => {
                    want_tags.insert(format!("attack.{}", t.to_ascii_lowercase()));
                    for ta in &techniques.technique[ti].tactics {
                        if let Some(&tai) = tactic_index.get(ta) {
                            allowed_tactic_tags.insert(sigma_tactic_tag(&tactics.tactic[tai].name));
                        }
                    }
                }
            }
        }
        let mut seen_tags = BTreeSet::new();
        for tag in &s.tags {
            if !seen_tags.insert(tag.clone()) {
                p.add(f, e, format!("duplicate tag `{tag}`"));
            }
            let Some(rest) = tag.strip_prefix("attack.") else {
                p.add(
                    f,
                    e,
                    format!("tag `{tag}` is not in Sigma spelling (attack.*)"),
                );
                continue;
            };
            if rest.starts_with('t') && rest.len() > 1 && rest.as_bytes()[1].is_ascii_digit() {
                if !want_tags.contains(tag) {
                    p.add(
                        f,
                        e,
                        format!("tag `{tag}` does not match the signal's techniques"),
                    );
                }
            } else if !rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                p.add(
                    f,
                    e,
                    format!("tag `{tag}` is not in Sigma spelling (lowercase, hyphens)"),
                );
            } else if !allowed_tactic_tags.contains(tag) {
                p.add(
                    f,
                    e,
                    format!("tactic tag `{tag}` is not a tactic of the signal's techniques"),
                );
            }
        }
        for w in &want_tags {
            if !seen_tags.contains(w) {
                p.add(f, e, format!("missing tag `{w}` for a listed technique"));
            }
        }
    }

    // Tools.
    let class_variant: HashMap<&str, &str> = TOOL_CLASSES.iter().copied().collect();
    let mut tool_names: BTreeMap<&str, &str> = BTreeMap::new();
    for (class, names) in &tools.classes {
        if !class_variant.contains_key(class.as_str()) {
            p.add(
                "tools.toml",
                class,
                "unknown tool class (see TOOL_CLASSES in build.rs)",
            );
            continue;
        }
        for n in names {
            if n.is_empty()
                || n.contains('/')
                || n.bytes()
                    .any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace())
            {
                p.add("tools.toml", n, "tool names are lowercase basenames");
            }
            if let Some(prev) = tool_names.insert(n, class) {
                p.add(
                    "tools.toml",
                    n,
                    format!("listed in both `{prev}` and `{class}`"),
                );
            }
        }
    }

    // Carriers.
    let mut claimed: HashMap<String, usize> = HashMap::new();
    for (i, c) in carriers.carrier.iter().enumerate() {
        let e = c.entry();
        for problem in checks::check_carrier(&e) {
            p.add("carriers.toml", &c.label, problem);
        }
        for claim in checks::carrier_claims(&e) {
            if let Some(prev) = claimed.insert(claim.clone(), i) {
                p.add(
                    "carriers.toml",
                    &c.label,
                    format!(
                        "`{claim}` is claimed by `{}` too",
                        carriers.carrier[prev].label
                    ),
                );
            }
        }
    }

    // Written paths.
    let signal_index: HashMap<&str, usize> = signals
        .signal
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut claimed: HashMap<String, usize> = HashMap::new();
    for (i, w) in written.path.iter().enumerate() {
        let e = w.entry();
        for problem in checks::check_path(&e) {
            p.add("written_paths.toml", &w.what, problem);
        }
        if !signal_index.contains_key(w.signal.as_str()) {
            p.add(
                "written_paths.toml",
                &w.what,
                format!("unknown signal `{}` (not in signals.toml)", w.signal),
            );
        }
        for claim in checks::path_claims(&e) {
            if let Some(prev) = claimed.insert(claim.clone(), i) {
                p.add(
                    "written_paths.toml",
                    &w.what,
                    format!("`{claim}` is claimed by `{}` too", written.path[prev].what),
                );
            }
        }
    }

    // Behaviours.
    let list_names: Vec<&str> = behaviours.list.iter().map(|l| l.name.as_str()).collect();
    let mut seen_lists = HashSet::new();
    for l in &behaviours.list {
        for problem in checks::check_list(&l.name, &l.items, &l.source) {
            p.add("behaviours.toml", &l.name, problem);
        }
        if !seen_lists.insert(l.name.as_str()) {
            p.add("behaviours.toml", &l.name, "duplicate list name");
        }
    }
    let mut seen_behaviours = HashSet::new();
    for b in &behaviours.behaviour {
        for problem in checks::check_behaviour(&b.entry(), &list_names) {
            p.add("behaviours.toml", &b.id, problem);
        }
        if !signal_index.contains_key(b.signal.as_str()) {
            p.add(
                "behaviours.toml",
                &b.id,
                format!("unknown signal `{}` (not in signals.toml)", b.signal),
            );
        }
        if !seen_behaviours.insert(b.id.as_str()) {
            p.add("behaviours.toml", &b.id, "duplicate id");
        }
    }

    if !p.0.is_empty() {
        panic!("knowledge data is invalid:\n  {}", p.0.join("\n  "));
    }

    // Generate.
    let mut o = String::new();
    let w = &mut o;
    writeln!(
        w,
        "// @generated by build.rs from {DATA}/*.toml. Do not edit."
    )
    .ok();
    writeln!(
        w,
        "/// The ATT&CK Enterprise release the technique names and tactics are pinned to."
    )
    .ok();
    writeln!(w, "pub const ATTACK_VERSION: &str = {:?};", version).ok();

    writeln!(
        w,
        "/// Every tactic, in file order.\npub static TACTICS: [Tactic; {}] = [",
        tactics.tactic.len()
    )
    .ok();
    for t in &tactics.tactic {
        writeln!(
            w,
            "    Tactic {{ id: {:?}, name: {:?}, falco_tag: {:?} }},",
            t.id, t.name, t.falco_tag
        )
        .ok();
    }
    writeln!(w, "];").ok();

    writeln!(
        w,
        "/// Every technique, in file order.\npub static TECHNIQUES: [Technique; {}] = [",
        techniques.technique.len()
    )
    .ok();
    for t in &techniques.technique {
        let refs: Vec<String> = t
            .tactics
            .iter()
            .map(|ta| format!("&TACTICS[{}]", tactic_index[ta]))
            .collect();
        writeln!(
            w,
            "    Technique {{ id: {:?}, name: {:?}, tactics: &[{}] }},",
            t.id,
            t.name,
            refs.join(", ")
        )
        .ok();
    }
    writeln!(w, "];").ok();

    writeln!(
        w,
        "/// Every mitigation, most effective first.\npub static MITIGATIONS: [Mitigation; {}] = [",
        mitigations.mitigation.len()
    )
    .ok();
    for m in &mitigations.mitigation {
        writeln!(
            w,
            "    Mitigation {{ id: {:?}, text: {:?}, docker: {:?}, kubernetes: {:?}, source: {:?}, report_json: {:?} }},",
            m.id, m.text, m.docker, m.kubernetes, m.source,
            format!("{{{}}}", json_members(&[
                ("id", Some(&m.id)),
                ("text", Some(&m.text)),
                ("docker", m.docker.as_deref()),
                ("kubernetes", m.kubernetes.as_deref()),
                ("source", Some(&m.source)),
            ]))
        )
        .ok();
    }
    writeln!(w, "];").ok();

    writeln!(
        w,
        "/// Every signal, in file order.\npub static SIGNALS: [Signal; {}] = [",
        signals.signal.len()
    )
    .ok();
    for s in &signals.signal {
        let techs: Vec<String> = s
            .techniques
            .iter()
            .map(|t| format!("&TECHNIQUES[{}]", technique_index[t]))
            .collect();
        let mits: Vec<String> = s
            .mitigations
            .iter()
            .map(|m| format!("&MITIGATIONS[{}]", mitigation_index[m]))
            .collect();
        writeln!(
            w,
            "    Signal {{ id: {:?}, title: {:?}, description: {:?}, category: {:?}, level: {:?}, weight: {}, tags: &{:?}, techniques: &[{}], falsepositives: &{:?}, references: &{:?}, mitigations: &[{}], report_members: {:?} }},",
            s.id, s.title, s.description, s.category, s.level, s.weight, s.tags, techs.join(", "), s.falsepositives, s.references, mits.join(", "),
            format!(
                "{},\"weight\":{},{}",
                json_members(&[("id", Some(&s.id)), ("title", Some(&s.title)), ("level", Some(&s.level))]),
                s.weight,
                json_members(&[("category", Some(&s.category))])
            )
        )
        .ok();
    }
    writeln!(w, "];").ok();

    writeln!(w, "/// One named static per signal, so detectors refer to signals by compile-checked names.\npub mod signals {{\n    use super::{{Signal, SIGNALS}};").ok();
    for (i, s) in signals.signal.iter().enumerate() {
        writeln!(
            w,
            "    #[doc = {:?}]\n    pub static {}: &Signal = &SIGNALS[{i}];",
            s.title,
            s.id.to_ascii_uppercase()
        )
        .ok();
    }
    writeln!(w, "}}").ok();

    writeln!(w, "/// One named static per mitigation.\npub mod mitigations {{\n    use super::{{Mitigation, MITIGATIONS}};").ok();
    for (i, m) in mitigations.mitigation.iter().enumerate() {
        writeln!(
            w,
            "    pub static {}: &Mitigation = &MITIGATIONS[{i}];",
            m.id.to_ascii_uppercase()
        )
        .ok();
    }
    writeln!(w, "}}").ok();

    writeln!(w, "/// One named static per technique (`T1059_004`).\npub mod techniques {{\n    use super::{{Technique, TECHNIQUES}};").ok();
    for (i, t) in techniques.technique.iter().enumerate() {
        writeln!(
            w,
            "    #[doc = {:?}]\n    pub static {}: &Technique = &TECHNIQUES[{i}];",
            t.name,
            t.id.replace('.', "_")
        )
        .ok();
    }
    writeln!(w, "}}").ok();

    writeln!(
        w,
        "/// The real hardening knobs and the known inventions (knobs.toml).\npub mod knobs {{"
    )
    .ok();
    let flags: Vec<&str> = knobs.docker.iter().map(|k| k.flag.as_str()).collect();
    let opts: Vec<&str> = knobs
        .security_opt
        .iter()
        .map(|k| k.value.as_str())
        .collect();
    let keys: Vec<&str> = knobs.kubernetes.iter().map(|k| k.key.as_str()).collect();
    writeln!(w, "    pub static DOCKER_FLAGS: &[&str] = &{flags:?};").ok();
    writeln!(
        w,
        "    pub static SECURITY_OPT_VALUES: &[&str] = &{opts:?};"
    )
    .ok();
    writeln!(w, "    pub static KUBERNETES_KEYS: &[&str] = &{keys:?};").ok();
    writeln!(
        w,
        "    pub static INVENTIONS: &[&str] = &{:?};",
        knobs.inventions.strings
    )
    .ok();
    writeln!(w, "}}").ok();

    writeln!(
        w,
        "/// Every carrier, in file order (carriers.toml).\npub static CARRIERS: [Carrier; {}] = [",
        carriers.carrier.len()
    )
    .ok();
    for c in &carriers.carrier {
        let take = match c.take.as_str() {
            "words" => format!("CarrierTake::Words(&{:?})", c.until),
            "operand" => "CarrierTake::Operand".to_string(),
            _ => "CarrierTake::Value".to_string(),
        };
        let runs = match c.runs.as_str() {
            "argv" => "CarrierRuns::Argv",
            "comma_argv" => "CarrierRuns::CommaArgv",
            _ => "CarrierRuns::Shell",
        };
        writeln!(
            w,
            "    Carrier {{ options: &{:?}, take: {take}, key: {:?}, key_nocase: {}, prefixes: &{:?}, calls: &{:?}, runs: {runs}, label: {:?}, source: {:?} }},",
            c.options, c.key, c.key_nocase, c.prefixes, c.calls, c.label, c.source
        )
        .ok();
    }
    writeln!(w, "];").ok();
    program_lookup(
        w,
        "carriers_of",
        "Carrier",
        "CARRIERS",
        carriers.carrier.iter().map(|c| &c.programs[..]),
    );

    writeln!(
        w,
        "/// Every written path, in file order (written_paths.toml).\npub static WRITTEN_PATHS: [WrittenPath; {}] = [",
        written.path.len()
    )
    .ok();
    for x in &written.path {
        let text = match x.text.as_str() {
            "shell" => "WrittenText::Shell",
            "cron" => "WrittenText::Cron",
            "cron_user" => "WrittenText::CronUser",
            "systemd" => "WrittenText::Systemd",
            _ => "WrittenText::None",
        };
        writeln!(
            w,
            "    WrittenPath {{ exact: &{:?}, prefix: &{:?}, suffix: {:?}, basename: &{:?}, signal: &SIGNALS[{}], text: {text}, what: {:?}, source: {:?} }},",
            x.exact, x.prefix, x.suffix, x.basename, signal_index[x.signal.as_str()], x.what, x.source
        )
        .ok();
    }
    writeln!(w, "];").ok();

    writeln!(w, "/// The lists behaviours refer to (behaviours.toml).").ok();
    for l in &behaviours.list {
        writeln!(
            w,
            "pub static LIST_{}: &[&str] = &{:?};",
            l.name.to_ascii_uppercase(),
            l.items
        )
        .ok();
    }
    let list_ref = |name: &Option<String>| match name {
        Some(n) => format!("Some(LIST_{})", n.to_ascii_uppercase()),
        None => "None".to_string(),
    };
    writeln!(
        w,
        "/// Every behaviour, in file order (behaviours.toml).\npub static BEHAVIOURS: [Behaviour; {}] = [",
        behaviours.behaviour.len()
    )
    .ok();
    for b in &behaviours.behaviour {
        writeln!(
            w,
            "    Behaviour {{ id: {:?}, any_word: &{:?}, and_word: &{:?}, any_prefix: &{:?}, any_contains: &{:?}, and_contains: &{:?}, operand_in: {}, operand_contains: {}, value_of: &{:?}, value_in: {}, none_word: &{:?}, signal: &SIGNALS[{}], what: {:?}, sources: &{:?} }},",
            b.id, b.any_word, b.and_word, b.any_prefix, b.any_contains, b.and_contains,
            list_ref(&b.operand_in), b.operand_match.as_deref() == Some("contains"),
            b.value_of, list_ref(&b.value_in), b.none_word,
            signal_index[b.signal.as_str()], b.what, b.sources
        )
        .ok();
    }
    writeln!(w, "];").ok();
    program_lookup(
        w,
        "behaviours_of",
        "Behaviour",
        "BEHAVIOURS",
        behaviours.behaviour.iter().map(|b| &b.programs[..]),
    );

    // An open-addressing hash table (FNV-1a, linear probing, at most 1/4 full): a `match` on
    // hundreds of strings compiles to a chain of comparisons, and a binary search to ~9
    // `memcmp` calls; this runs for every program and ancestor of every exec.
    let slots = (tool_names.len() * 4).next_power_of_two().max(16);
    let mut table: Vec<Option<(&str, &str)>> = vec![None; slots];
    for (n, c) in &tool_names {
        let mut i = (fnv1a(n.as_bytes()) as usize) & (slots - 1);
        while table[i].is_some() {
            i = (i + 1) & (slots - 1);
        }
        table[i] = Some((n, c));
    }
    writeln!(
        w,
        "static TOOL_SLOTS: [Option<(&str, ToolClass)>; {slots}] = ["
    )
    .ok();
    for slot in &table {
        match slot {
            Some((n, c)) => {
                writeln!(w, "    Some(({:?}, ToolClass::{})),", n, class_variant[c]).ok()
            }
            None => writeln!(w, "    None,").ok(),
        };
    }
    writeln!(w, "];").ok();
    let longest = tool_names.keys().map(|n| n.len()).max().unwrap_or(0);
    writeln!(
        w,
        "/// The class of a program basename, exactly as listed in tools.toml.\npub fn tool_class_exact(name: &str) -> Option<ToolClass> {{\n    if name.is_empty() || name.len() > {longest} {{\n        return None;\n    }}\n    let mut h: u64 = 0xcbf2_9ce4_8422_2325;\n    for b in name.bytes() {{\n        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);\n    }}\n    let mut i = (h as usize) & {mask};\n    loop {{\n        match TOOL_SLOTS[i] {{\n            None => return None,\n            Some((n, c)) if n == name => return Some(c),\n            Some(_) => i = (i + 1) & {mask},\n        }}\n    }}\n}}",
        mask = slots - 1
    )
    .ok();

    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("knowledge.rs");
    std::fs::write(&out, o).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Generates `pub fn NAME(program: &str) -> &'static [&'static TYPE]`: a `match` on the
/// program basenames of each entry of the static `TABLE`, each arm a static array of the
/// entries naming that program, in file order.
fn program_lookup<'a>(
    w: &mut String,
    name: &str,
    ty: &str,
    table: &str,
    programs: impl Iterator<Item = &'a [String]>,
) {
    let mut by_program: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, progs) in programs.enumerate() {
        for prog in progs {
            by_program.entry(prog).or_default().push(i);
        }
    }
    writeln!(
        w,
        "/// The entries of {table} that name a program basename, in file order.\npub fn {name}(program: &str) -> &'static [&'static {ty}] {{\n    match program {{"
    )
    .ok();
    for (prog, idx) in &by_program {
        let refs: Vec<String> = idx.iter().map(|i| format!("&{table}[{i}]")).collect();
        writeln!(
            w,
            "        {prog:?} => {{\n            static OF: [&{ty}; {}] = [{}];\n            &OF\n        }}",
            refs.len(),
            refs.join(", ")
        )
        .ok();
    }
    writeln!(w, "        _ => &[],\n    }}\n}}").ok();
}

/// FNV-1a 64: the hash of the generated tool table (the same loop is generated for lookups).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}
