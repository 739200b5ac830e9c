//! The Falco integration kit under `falco-rules/`: the YAML parses into the shapes Falco
//! expects, every `triage.*` field it references exists, and the install script stages the
//! files where the drop-in says they are.

use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

const PRIORITIES: &[&str] = &[
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "informational",
    "info",
    "debug",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one YAML document");
    docs.remove(0)
}

fn s<'a>(y: &'a Yaml, key: &str) -> Option<&'a str> {
    y[key].as_str()
}

/// The strings of a YAML list (panics when `y` is not a list: the test then fails there).
fn strings(y: &Yaml) -> Vec<&str> {
    y.as_vec()
        .expect("a list")
        .iter()
        .filter_map(Yaml::as_str)
        .collect()
}

/// `triage.x.y` tokens in a condition or output string (`%triage.summary`, `triage.risk >= 80`).
fn triage_fields(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(pos) = text[i..].find("triage.") {
        let start = i + pos;
        let before_ok =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let mut end = start + "triage.".len();
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b'.')
        {
            end += 1;
        }
        let field = text[start..end].trim_end_matches('.');
        if before_ok && field.len() > "triage.".len() {
            out.push(field.to_string());
        }
        i = end;
    }
    out
}

fn append_output_fields(entries: &Yaml, origin: &str, found: &mut Vec<(String, String)>) {
    for entry in entries
        .as_vec()
        .unwrap_or_else(|| panic!("{origin}: append_output is a list"))
    {
        if let Some(extra) = s(entry, "extra_output") {
            found.extend(
                triage_fields(extra)
                    .into_iter()
                    .map(|f| (origin.to_string(), f)),
            );
        }
        if let Some(fields) = entry["extra_fields"].as_vec() {
            for f in fields {
                let name = f
                    .as_str()
                    .expect("extra_fields entries here are field names");
                found.extend(
                    triage_fields(name)
                        .into_iter()
                        .map(|f| (origin.to_string(), f)),
                );
            }
        }
    }
}

#[test]
fn rules_file_has_the_shape_falco_expects() {
    let rules = load("falco-rules/triage_rules.yaml");
    let items = rules.as_vec().expect("a rules file is a list");
    let mut lists = Vec::new();
    let mut macros = Vec::new();
    let mut rule_count = 0;
    let mut requires_triage = false;
    for item in items {
        let keys: Vec<&str> = item
            .as_hash()
            .expect("each item is a map")
            .keys()
            .filter_map(Yaml::as_str)
            .collect();
        let kind = [
            "rule",
            "macro",
            "list",
            "required_engine_version",
            "required_plugin_versions",
        ]
        .into_iter()
        .find(|k| keys.contains(k))
        .unwrap_or_else(|| panic!("unknown item with keys {keys:?}"));
        match kind {
            "rule" => {
                rule_count += 1;
                for k in ["desc", "condition", "output", "priority"] {
                    assert!(s(item, k).is_some(), "rule {:?} lacks {k}", s(item, "rule"));
                }
                let p = s(item, "priority").unwrap().to_ascii_lowercase();
                assert!(PRIORITIES.contains(&p.as_str()), "priority {p}");
                let tags = item["tags"].as_vec().expect("tags");
                assert!(tags.iter().any(|t| t.as_str() == Some("mitre_execution")));
            }
            "macro" => {
                assert!(s(item, "condition").is_some());
                macros.push(s(item, "macro").unwrap().to_string());
            }
            "list" => {
                assert!(item["items"].as_vec().is_some(), "list items");
                lists.push(s(item, "list").unwrap().to_string());
            }
            "required_plugin_versions" => {
                for p in item["required_plugin_versions"].as_vec().expect("a list") {
                    if s(p, "name") == Some("triage") {
                        assert_eq!(
                            s(p, "version"),
                            Some(env!("CARGO_PKG_VERSION")),
                            "plugin version = crate version"
                        );
                        requires_triage = true;
                    }
                }
            }
            _ => assert!(s(item, kind).is_some()),
        }
    }
    assert!(requires_triage, "required_plugin_versions names triage");
    assert_eq!(rule_count, 3);
    for name in ["triage_allowed_images", "triage_known_test_parents"] {
        assert!(lists.iter().any(|l| l == name), "list {name}");
    }
    // Every macro and list used in a condition is defined in the file.
    let all_conditions: String = items
        .iter()
        .filter_map(|i| s(i, "condition"))
        .collect::<Vec<_>>()
        .join(" ");
    for name in lists.iter().chain(&macros) {
        assert!(
            all_conditions.contains(name.as_str()),
            "{name} is defined but unused"
        );
    }
    for word in all_conditions.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("triage_") {
            assert!(
                lists.iter().chain(&macros).any(|d| d == word),
                "{word} used but not defined"
            );
        }
    }
}

/// Every rule tests the plugin's `triage.risk` first: libsinsp evaluates a condition left to
/// right and stops at the first false term, the risk is 0 for nearly every exec, and the
/// plugin answers it from its cache for less than libsinsp's own `evt.type` comparison
/// costs. `triage_spawned_process` must still be in every rule: Falco indexes the rules by
/// the event types it names, and a rule without one would run on every event.
#[test]
fn rules_test_the_risk_first_and_name_the_exec_events() {
    let rules = load("falco-rules/triage_rules.yaml");
    let items = rules.as_vec().expect("a list");
    let spawned = items
        .iter()
        .find(|i| s(i, "macro") == Some("triage_spawned_process"))
        .and_then(|i| s(i, "condition"))
        .expect("triage_spawned_process");
    assert_eq!(spawned.trim(), "(evt.type in (execve, execveat))");
    let mut rules_seen = 0;
    for rule in items.iter().filter(|i| s(i, "rule").is_some()) {
        let condition = s(rule, "condition").expect("a condition").trim();
        let name = s(rule, "rule").unwrap();
        assert!(
            condition.starts_with("triage.risk >= "),
            "{name}: the plugin's risk first: {condition}"
        );
        let first_and = condition.find(" and ").expect("more than the risk");
        let spawned_at = condition
            .find("triage_spawned_process")
            .expect("the exec events");
        assert!(
            !condition[..spawned_at].contains("proc.") && !condition[..first_and].contains("evt."),
            "{name}: nothing but the risk before the exec events: {condition}"
        );
        rules_seen += 1;
    }
    assert_eq!(rules_seen, 3);
}

#[test]
fn risk_tiers_do_not_overlap() {
    let rules = load("falco-rules/triage_rules.yaml");
    let conditions: Vec<(String, String)> = rules
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|i| {
            Some((
                s(i, "priority")?.to_string(),
                s(i, "condition")?.to_string(),
            ))
        })
        .collect();
    let find = |p: &str| {
        conditions
            .iter()
            .find(|(pr, _)| pr == p)
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    assert!(find("CRITICAL").contains("triage.risk >= 80"));
    let warning = find("WARNING");
    assert!(warning.contains("triage.risk >= 50") && warning.contains("triage.risk < 80"));
    assert!(find("NOTICE").contains("triage_test_activity"));
}

#[test]
fn every_referenced_triage_field_exists() {
    let mut found: Vec<(String, String)> = Vec::new();
    let rules = load("falco-rules/triage_rules.yaml");
    for item in rules.as_vec().unwrap() {
        for key in ["condition", "output"] {
            if let Some(text) = s(item, key) {
                found.extend(
                    triage_fields(text)
                        .into_iter()
                        .map(|f| ("triage_rules.yaml".to_string(), f)),
                );
            }
        }
    }
    append_output_fields(
        &load("falco-rules/config.d/triage.yaml")["append_output"],
        "config.d/triage.yaml",
        &mut found,
    );
    append_output_fields(
        &load("falco-rules/helm/values-triage.yaml")["falco"]["append_output"],
        "helm/values-triage.yaml",
        &mut found,
    );
    assert!(
        found.len() > 20,
        "the scan finds the references ({} found)",
        found.len()
    );
    for (origin, field) in &found {
        assert!(
            falco_triage::plugin::field_names().any(|f| f == field),
            "{origin} references unknown field {field}"
        );
    }
    for needed in [
        "triage.risk",
        "triage.summary",
        "triage.test_activity",
        "triage.mitigation",
    ] {
        assert!(found.iter().any(|(_, f)| f == needed), "{needed} is used");
    }
}

#[test]
fn field_scan_ignores_paths_and_names() {
    assert_eq!(
        triage_fields("%triage.summary, libfalco_triage.so triage_rules.yaml"),
        ["triage.summary"]
    );
    assert_eq!(
        triage_fields("triage.risk >= 80 and triage.mitre.techniques."),
        ["triage.risk", "triage.mitre.techniques"]
    );
}

fn check_plugin_entry(plugins: &Yaml, expected_path: &str) {
    let entry = plugins
        .as_vec()
        .expect("plugins is a list")
        .iter()
        .find(|p| s(p, "name") == Some("triage"))
        .expect("a plugins entry named triage (== Plugin::NAME)");
    assert_eq!(s(entry, "library_path"), Some(expected_path));
    let init = entry["init_config"]
        .as_hash()
        .expect("init_config is a map");
    assert!(init.is_empty(), "the documented empty init_config");
}

#[test]
fn config_drop_in_loads_and_appends_output() {
    let conf = load("falco-rules/config.d/triage.yaml");
    check_plugin_entry(
        &conf["plugins"],
        "/usr/share/falco/plugins/libfalco_triage.so",
    );
    let load_plugins = strings(&conf["load_plugins"]);
    assert_eq!(load_plugins, ["triage"]);
    let entry = &conf["append_output"][0];
    assert_eq!(s(&entry["match"], "source"), Some("syscall"));
    assert_eq!(s(entry, "extra_output"), Some("| %triage.summary"));
    let extra = strings(&entry["extra_fields"]);
    assert_eq!(
        extra,
        [
            "triage.risk",
            "triage.severity",
            "triage.mitre.techniques",
            "triage.mitigations",
            "triage.report"
        ]
    );
}

#[test]
fn helm_values_use_the_chart_keys() {
    let values = load("falco-rules/helm/values-triage.yaml");
    check_plugin_entry(&values["falco"]["plugins"], "libfalco_triage.so");
    // Container first: triage reads the container plugin's container_id only when that
    // plugin was initialised before it.
    let load_plugins = strings(&values["falco"]["load_plugins"]);
    assert_eq!(load_plugins, ["container", "triage"]);
    let init = &values["extra"]["initContainers"][0];
    assert_eq!(
        s(&init["volumeMounts"][0], "name"),
        Some("plugins-install-dir")
    );
    assert_eq!(s(&init["volumeMounts"][0], "mountPath"), Some("/plugins"));
    // The init container copies the library from where the Dockerfile puts it: the
    // install.sh layout (default PREFIX /usr) staged under /stage and copied to /.
    let command = strings(&init["command"]);
    assert_eq!(
        command,
        [
            "cp",
            "/usr/share/falco/plugins/libfalco_triage.so",
            "/plugins/libfalco_triage.so"
        ]
    );
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(stages, ["FROM ${RUST_IMAGE} AS build", "FROM busybox:1.37"]);
    assert!(dockerfile.contains("DESTDIR=/stage PLUGIN_SO=/src/target/release/libfalco_triage.so"));
    assert!(dockerfile.contains("bash scripts/install.sh install"));
    assert!(dockerfile
        .trim_end()
        .ends_with("COPY --from=build /stage/ /"));
    let install = std::fs::read_to_string(root().join("scripts/install.sh")).unwrap();
    assert!(install.contains(r#"PREFIX="${PREFIX:-/usr}""#));
    assert!(install.contains(r#"plugindir="$PREFIX/share/falco/plugins""#));
    assert!(values["customRules"].as_hash().is_some());
    assert_eq!(
        values["falco"]["append_output"][0]["suggested_output"].as_bool(),
        Some(true)
    );
    let sidekick = load("falco-rules/falcosidekick-example.yaml");
    for output in ["pagerduty", "slack", "loki"] {
        let p = s(&sidekick[output], "minimumpriority").expect("minimumpriority");
        assert!(PRIORITIES.contains(&p), "{output}: {p}");
    }
}

fn run_install(action: &str, destdir: &Path, so: &Path) {
    let status = Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .arg(action)
        .env("DESTDIR", destdir)
        .env("PREFIX", "/opt/falco")
        .env("PLUGIN_SO", so)
        .status()
        .expect("bash runs");
    assert!(status.success(), "install.sh {action}");
}

#[test]
fn install_and_uninstall_into_a_scratch_destdir() {
    let scratch = std::env::temp_dir().join(format!("falco-triage-kit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let fake_so = scratch.join("libfake.so");
    std::fs::write(&fake_so, b"not really a plugin").unwrap();
    let dest = scratch.join("stage");

    run_install("install", &dest, &fake_so);
    let so = dest.join("opt/falco/share/falco/plugins/libfalco_triage.so");
    let rules = dest.join("etc/falco/rules.d/triage_rules.yaml");
    let dropin = dest.join("etc/falco/config.d/triage.yaml");
    assert_eq!(std::fs::read(&so).unwrap(), b"not really a plugin");
    assert_eq!(
        std::fs::read_to_string(&rules).unwrap(),
        std::fs::read_to_string(root().join("falco-rules/triage_rules.yaml")).unwrap()
    );
    // The installed drop-in points at where the library went for this PREFIX.
    let conf = YamlLoader::load_from_str(&std::fs::read_to_string(&dropin).unwrap())
        .unwrap()
        .remove(0);
    check_plugin_entry(
        &conf["plugins"],
        "/opt/falco/share/falco/plugins/libfalco_triage.so",
    );

    run_install("uninstall", &dest, &fake_so);
    assert!(!so.exists() && !rules.exists() && !dropin.exists());

    // A missing library is an error, not a half install.
    let status = Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .arg("install")
        .env("DESTDIR", &dest)
        .env("PLUGIN_SO", scratch.join("missing.so"))
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(!dest
        .join("usr/share/falco/plugins/libfalco_triage.so")
        .exists());
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The fenced code blocks of a Markdown text with the given info string (```yaml ...```).
fn code_blocks<'a>(markdown: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```").expect("closed code block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

#[test]
fn readme_agrees_with_the_plugin_and_the_kit() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();

    // The field table documents exactly the plugin's fields.
    let documented: std::collections::BTreeSet<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `triage."))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    let ours: std::collections::BTreeSet<&str> = falco_triage::plugin::field_names()
        .filter_map(|f| f.strip_prefix("triage."))
        .collect();
    assert_eq!(
        documented, ours,
        "README field table vs the plugin's fields"
    );

    // Every triage.* name the README mentions (prose, examples, output) is a field or one
    // of the plugin's metrics (which Falco prefixes with `triage.`), but for the file names
    // of the drop-in (config.d/triage.yaml) and a capture (triage.scap).
    let metrics_rs = std::fs::read_to_string(root().join("src/plugin/metrics.rs")).unwrap();
    let metrics: Vec<String> = metrics_rs
        .split("counter(c\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("triage.{name}"))
        .collect();
    assert!(metrics.iter().any(|m| m == "triage.panics_caught"));
    for field in triage_fields(&readme)
        .into_iter()
        .filter(|f| f != "triage.yaml" && f != "triage.scap" && !metrics.contains(f))
    {
        assert!(
            falco_triage::plugin::field_names().any(|f| f == field),
            "README mentions unknown field {field}"
        );
    }

    // The drop-in the README shows is the one we install.
    let dropin = load("falco-rules/config.d/triage.yaml");
    let shown: Vec<Yaml> = code_blocks(&readme, "yaml")
        .into_iter()
        .flat_map(|b| YamlLoader::load_from_str(b).unwrap_or_else(|e| panic!("{e}: {b}")))
        .filter(|y| !y["append_output"].is_badvalue())
        .collect();
    assert_eq!(shown.len(), 1, "one drop-in example in the README");
    assert_eq!(
        shown[0], dropin,
        "README drop-in vs falco-rules/config.d/triage.yaml"
    );

    // Examples that load the container plugin give it a key: `init_config: {}` reaches it
    // as `null`, which its schema refuses.
    for block in code_blocks(&readme, "yaml") {
        let doc = YamlLoader::load_from_str(block).unwrap().remove(0);
        for plugin in doc["plugins"].as_vec().into_iter().flatten() {
            if s(plugin, "name") == Some("container") {
                let init = plugin["init_config"].as_hash();
                assert!(init.is_some_and(|m| !m.is_empty()), "{block}");
            }
        }
    }
}
