//! Typed access to the knowledge tables that `build.rs` generates from `data/*.toml`.
//!
//! Nothing is parsed at run time: the tables are `static` and checked at build time. The data
//! lives in `src/knowledge/data/` (tactics, techniques, mitigations, signals, tools, knobs);
//! `build.rs` refuses dangling references, malformed ids, wrong Sigma tags and mitigations that
//! name a Docker flag or Kubernetes field that does not exist.
//!
//! Not here: deciding anything. Detectors in `analysis::detectors` use these tables.

mod generated {
    use super::{
        Behaviour, Carrier, CarrierRuns, CarrierTake, Mitigation, Signal, Tactic, Technique,
        ToolClass, WrittenPath, WrittenText,
    };
    include!(concat!(env!("OUT_DIR"), "/knowledge.rs"));
}
pub use generated::{
    behaviours_of, carriers_of, knobs, mitigations, signals, techniques, tool_class_exact,
    ATTACK_VERSION, BEHAVIOURS, CARRIERS, LIST_PRIVILEGED_GROUPS, MITIGATIONS, SIGNALS, TACTICS,
    TECHNIQUES, WRITTEN_PATHS,
};

/// "This program with these arguments" (`data/behaviours.toml`): every condition given
/// must hold.
#[derive(Debug)]
pub struct Behaviour {
    pub id: &'static str,
    /// An argument equals one of these.
    pub any_word: &'static [&'static str],
    /// An argument also equals one of these.
    pub and_word: &'static [&'static str],
    /// An argument starts with one of these.
    pub any_prefix: &'static [&'static str],
    /// An argument contains one of these, without case (lowercase here).
    pub any_contains: &'static [&'static str],
    /// An argument also contains one of these, without case (a second substring).
    pub and_contains: &'static [&'static str],
    /// An operand, lowercased, without `.service`, as its basename, is an item of this list.
    pub operand_in: Option<&'static [&'static str]>,
    /// `operand_in` matches an operand that contains an item.
    pub operand_contains: bool,
    /// With `value_in`: the value of one of these options is an item of that list.
    pub value_of: &'static [&'static str],
    pub value_in: Option<&'static [&'static str]>,
    /// No argument equals one of these.
    pub none_word: &'static [&'static str],
    pub signal: &'static Signal,
    /// How the evidence words it (`stops a security or monitoring agent`).
    pub what: &'static str,
    pub sources: &'static [&'static str],
}

/// Where a program takes a command line in an option (`data/carriers.toml`).
#[derive(Debug)]
pub struct Carrier {
    /// The option words (`-exec`, `--rsh`).
    pub options: &'static [&'static str],
    pub take: CarrierTake,
    /// The value must start with this key and `=` (or `::=`, or a space).
    pub key: Option<&'static str>,
    /// Match `key` without case.
    pub key_nocase: bool,
    /// The value must start with one of these, which is removed.
    pub prefixes: &'static [&'static str],
    /// The command is inside one of these calls in the value (`system(`, `$(shell `,
    /// `\write18{`): up to the closing bracket, its string literals if it has any.
    pub calls: &'static [&'static str],
    pub runs: CarrierRuns,
    /// How the evidence names the carrier (`find -exec`).
    pub label: &'static str,
    pub source: &'static str,
}

/// How the command follows a carrier's option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierTake {
    /// The option's value (next word, `--opt=value`, `-oVALUE`).
    Value,
    /// The words after the option, up to one of these.
    Words(&'static [&'static str]),
    /// Any operand (a word that is not an option) with one of the prefixes or calls.
    Operand,
}

/// How a carrier runs the command it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierRuns {
    /// As a command line, by /bin/sh -c.
    Shell,
    /// As argv, directly.
    Argv,
    /// As comma-separated argv, directly (gcc -wrapper).
    CommaArgv,
}

/// A file whose writing is a behaviour (`data/written_paths.toml`).
#[derive(Debug)]
pub struct WrittenPath {
    pub exact: &'static [&'static str],
    pub prefix: &'static [&'static str],
    pub suffix: Option<&'static str>,
    pub basename: &'static [&'static str],
    /// What a write raises.
    pub signal: &'static Signal,
    /// How the file's content is run, when it is.
    pub text: WrittenText,
    /// What the file is, for the evidence.
    pub what: &'static str,
    pub source: &'static str,
}

/// How a written file's content is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenText {
    /// Not run.
    None,
    /// A script or shell start-up file.
    Shell,
    /// Crontab lines: five time fields (or `@reboot`...), then the command.
    Cron,
    /// System crontab lines: the time fields, a user, then the command.
    CronUser,
    /// A systemd unit: the `ExecStart=`-style lines.
    Systemd,
}

/// The entry a written path matches: an exact path first, then a basename, then the longest
/// prefix (with its suffix). Paths are matched as written (`~/.bashrc` by its basename).
pub fn written_path(path: &str) -> Option<&'static WrittenPath> {
    if let Some(w) = WRITTEN_PATHS.iter().find(|w| w.exact.contains(&path)) {
        return Some(w);
    }
    let base = crate::text::basename(path);
    if let Some(w) = WRITTEN_PATHS.iter().find(|w| w.basename.contains(&base)) {
        return Some(w);
    }
    WRITTEN_PATHS
        .iter()
        .filter_map(|w| {
            let longest = w
                .prefix
                .iter()
                .filter(|x| {
                    path.strip_prefix(**x).is_some_and(|rest| {
                        w.suffix
                            .is_none_or(|s| rest.ends_with(s) && rest.len() > s.len())
                    })
                })
                .map(|x| x.len())
                .max()?;
            Some((longest, w))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, w)| w)
}

/// What kind of program a basename is (tools.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolClass {
    Shell,
    Netcat,
    Interpreter,
    Downloader,
    Transfer,
    Recon,
    Scanner,
    DnsTool,
    Sniffer,
    PackageManager,
    LanguagePackageManager,
    ContainerAdmin,
    ContainerRuntime,
    Miner,
    Credential,
    Tunnel,
    Debugger,
    UserAdmin,
    KernelModule,
    Decoder,
    Escape,
    WebServer,
    AppServer,
    DbServer,
    Scheduler,
    BuildTool,
}

/// The class of a program basename; versioned names (`python3.11`, `php-fpm8.2`, `pip3.12`)
/// fall back to the name without the trailing version.
pub fn tool_class(name: &str) -> Option<ToolClass> {
    if let Some(c) = tool_class_exact(name) {
        return Some(c);
    }
    let stripped = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    if stripped.len() != name.len() && !stripped.is_empty() {
        return tool_class_exact(stripped);
    }
    None
}

/// The class of a program name as processes show it: login shells (`-bash`) count as their
/// shell, and a process title such as `npm install` keeps the program as its first word.
pub fn class_of(name: &str) -> Option<ToolClass> {
    let name = match name.bytes().position(|b| b == b' ') {
        Some(i) => &name[..i],
        None => name,
    };
    tool_class(name.strip_prefix('-').unwrap_or(name))
}

/// Position of a mitigation in the priority order (0 = most effective).
pub fn mitigation_rank(m: &Mitigation) -> usize {
    MITIGATIONS
        .iter()
        .position(|x| x.id == m.id)
        .unwrap_or(usize::MAX)
}

/// Look a signal up by id (for the command line and tests; detectors use [`signals`]).
pub fn signal_by_id(id: &str) -> Option<&'static Signal> {
    SIGNALS.iter().find(|s| s.id == id)
}

/// An ATT&CK tactic.
#[derive(Debug, PartialEq, Eq)]
pub struct Tactic {
    /// `TA0002`
    pub id: &'static str,
    /// `Execution`
    pub name: &'static str,
    /// Falco tag spelling: `mitre_execution`.
    pub falco_tag: &'static str,
}

/// An ATT&CK technique or sub-technique.
#[derive(Debug, PartialEq, Eq)]
pub struct Technique {
    /// `T1059.004`
    pub id: &'static str,
    pub name: &'static str,
    pub tactics: &'static [&'static Tactic],
}

/// A concrete, true mitigation.
#[derive(Debug, PartialEq, Eq)]
pub struct Mitigation {
    pub id: &'static str,
    pub text: &'static str,
    /// The Docker form (`docker run --cap-drop ALL ...`), if any.
    pub docker: Option<&'static str>,
    /// The Kubernetes form (a securityContext field, a NetworkPolicy...), if any.
    pub kubernetes: Option<&'static str>,
    /// Where it is documented.
    pub source: &'static str,
    /// This mitigation as its `triage.report` JSON object (id, text, docker, kubernetes,
    /// source), rendered by build.rs.
    pub report_json: &'static str,
}

/// A detection signal, in the Sigma metadata shape.
#[derive(Debug, PartialEq, Eq)]
pub struct Signal {
    /// Stable id, snake_case: `netcat_exec_option`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The dominant-finding category it belongs to (`reverse_shell`...).
    pub category: &'static str,
    /// Sigma level: informational, low, medium, high, critical.
    pub level: &'static str,
    /// Contribution to risk, 0..=100.
    pub weight: u8,
    /// Sigma spelling: `attack.t1059.004`, `attack.execution`.
    pub tags: &'static [&'static str],
    pub techniques: &'static [&'static Technique],
    pub falsepositives: &'static [&'static str],
    pub references: &'static [&'static str],
    pub mitigations: &'static [&'static Mitigation],
    /// The fixed members of this signal's `triage.report` object, as JSON
    /// (`"id":..,"title":..,"level":..,"weight":..,"category":..`), rendered by build.rs.
    pub report_members: &'static str,
}

impl Signal {
    /// A hunting signal: informational, with weight, raised when a command does what a
    /// public hunting rule looks for (test activity is informational with no weight).
    pub fn is_hunting(&self) -> bool {
        self.level == "informational" && self.weight > 0
    }
}

#[cfg(test)]
mod checks;
#[cfg(test)]
mod forms;

#[cfg(test)]
mod tests {
    use super::forms::{docker_flags, kubernetes_keys};
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// build.rs runs these checks on carriers.toml; each rejects the bad entry it is for.
    #[test]
    fn the_carrier_checks_reject_bad_entries() {
        use checks::{carrier_claims, check_carrier, CarrierEntry};
        let (find, exec, until) = (strings(&["find"]), strings(&["-exec"]), strings(&[";"]));
        let good = CarrierEntry {
            programs: &find,
            options: &exec,
            take: "words",
            until: &until,
            key: None,
            prefixes: &[],
            calls: &[],
            runs: "argv",
            label: "find -exec",
            source: "https://man7.org/linux/man-pages/man1/find.1.html",
        };
        assert_eq!(check_carrier(&good), Vec::<String>::new());
        let rejects = |e: CarrierEntry, what: &str| {
            let p = check_carrier(&e);
            assert!(p.iter().any(|x| x.contains(what)), "{what}: {p:?}");
        };
        let (upper, none, bare, empty) = (
            strings(&["Find"]),
            strings(&[]),
            strings(&["exec"]),
            strings(&[""]),
        );
        rejects(
            CarrierEntry {
                programs: &none,
                ..good.clone()
            },
            "no programs",
        );
        rejects(
            CarrierEntry {
                programs: &upper,
                ..good.clone()
            },
            "lowercase basename",
        );
        rejects(
            CarrierEntry {
                options: &none,
                ..good.clone()
            },
            "no options",
        );
        rejects(
            CarrierEntry {
                options: &bare,
                ..good.clone()
            },
            "can never match an option",
        );
        rejects(
            CarrierEntry {
                take: "rest",
                ..good.clone()
            },
            "take `rest`",
        );
        rejects(
            CarrierEntry {
                runs: "eval",
                ..good.clone()
            },
            "runs `eval`",
        );
        rejects(
            CarrierEntry {
                until: &none,
                ..good.clone()
            },
            "needs `until`",
        );
        rejects(
            CarrierEntry {
                until: &empty,
                ..good.clone()
            },
            "empty `until`",
        );
        rejects(
            CarrierEntry {
                key: Some("k"),
                ..good.clone()
            },
            "do not apply",
        );
        rejects(
            CarrierEntry {
                runs: "comma_argv",
                ..good.clone()
            },
            "comma_argv",
        );
        let value = CarrierEntry {
            take: "value",
            until: &[],
            runs: "shell",
            ..good.clone()
        };
        assert_eq!(check_carrier(&value), Vec::<String>::new());
        rejects(
            CarrierEntry {
                until: &until,
                ..value.clone()
            },
            "`until` applies",
        );
        rejects(
            CarrierEntry {
                key: Some("Proxy=Command"),
                ..value.clone()
            },
            "can never match",
        );
        rejects(
            CarrierEntry {
                key: Some("k"),
                prefixes: &bare,
                ..value.clone()
            },
            "both",
        );
        rejects(
            CarrierEntry {
                prefixes: &empty,
                ..value.clone()
            },
            "empty prefix",
        );
        rejects(
            CarrierEntry {
                label: " ",
                ..value.clone()
            },
            "empty label",
        );
        rejects(
            CarrierEntry {
                source: "the man page",
                ..value.clone()
            },
            "https://",
        );
        // Two entries claiming one option of one program.
        rejects(
            CarrierEntry {
                calls: &empty,
                ..value.clone()
            },
            "empty call",
        );
        rejects(
            CarrierEntry {
                calls: &bare,
                runs: "argv",
                ..value.clone()
            },
            "runs = \"shell\"",
        );
        let operand = CarrierEntry {
            take: "operand",
            options: &[],
            ..value.clone()
        };
        rejects(operand.clone(), "needs `prefixes` or `calls`");
        rejects(
            CarrierEntry {
                options: &exec,
                calls: &bare,
                ..operand.clone()
            },
            "give no `options`",
        );
        assert_eq!(carrier_claims(&good), ["find -exec "]);
    }

    /// build.rs runs these checks on written_paths.toml.
    #[test]
    fn the_written_path_checks_reject_bad_entries() {
        use checks::{check_path, path_claims, PathEntry};
        let (exact, relative, dir) = (
            strings(&["/etc/profile"]),
            strings(&["etc/x"]),
            strings(&["/etc/x/"]),
        );
        let good = PathEntry {
            exact: &exact,
            prefix: &[],
            suffix: None,
            basename: &[],
            text: "shell",
            what: "a start-up file",
            source: "https://attack.mitre.org/techniques/T1546/004/",
        };
        assert_eq!(check_path(&good), Vec::<String>::new());
        let rejects = |e: PathEntry, what: &str| {
            let p = check_path(&e);
            assert!(p.iter().any(|x| x.contains(what)), "{what}: {p:?}");
        };
        rejects(
            PathEntry {
                exact: &[],
                ..good.clone()
            },
            "matches nothing",
        );
        rejects(
            PathEntry {
                suffix: Some("/mem"),
                ..good.clone()
            },
            "`suffix` applies",
        );
        rejects(
            PathEntry {
                exact: &relative,
                ..good.clone()
            },
            "not an absolute path",
        );
        rejects(
            PathEntry {
                exact: &dir,
                ..good.clone()
            },
            "ends with `/`",
        );
        rejects(
            PathEntry {
                exact: &[],
                basename: &relative,
                ..good.clone()
            },
            "holds `/`",
        );
        rejects(
            PathEntry {
                text: "python",
                ..good.clone()
            },
            "text `python`",
        );
        rejects(
            PathEntry {
                what: "",
                ..good.clone()
            },
            "empty `what`",
        );
        rejects(
            PathEntry {
                source: "",
                ..good.clone()
            },
            "https://",
        );
        assert_eq!(path_claims(&good), ["exact /etc/profile"]);
    }

    /// build.rs runs these checks on behaviours.toml; each rejects the bad entry it is for.
    #[test]
    fn the_behaviour_checks_reject_bad_entries() {
        use checks::{check_behaviour, check_list, BehaviourEntry};
        let (prog, stop, src) = (
            strings(&["systemctl"]),
            strings(&["stop"]),
            strings(&["https://attack.mitre.org/techniques/T1562/001/"]),
        );
        let lists = ["security_agents"];
        let good = BehaviourEntry {
            id: "stop_agent",
            programs: &prog,
            any_word: &stop,
            operand_in: Some("security_agents"),
            what: "stops an agent",
            sources: &src,
            ..Default::default()
        };
        assert_eq!(check_behaviour(&good, &lists), Vec::<String>::new());
        let rejects = |e: BehaviourEntry, what: &str| {
            let p = check_behaviour(&e, &lists);
            assert!(p.iter().any(|x| x.contains(what)), "{what}: {p:?}");
        };
        let (upper, empty, opt, bare) = (
            strings(&["Systemctl"]),
            strings(&[""]),
            strings(&["-G"]),
            strings(&["G"]),
        );
        rejects(
            BehaviourEntry {
                id: "Stop-Agent",
                ..good.clone()
            },
            "snake_case",
        );
        rejects(
            BehaviourEntry {
                programs: &[],
                ..good.clone()
            },
            "no programs",
        );
        rejects(
            BehaviourEntry {
                programs: &upper,
                ..good.clone()
            },
            "lowercase basename",
        );
        rejects(
            BehaviourEntry {
                any_word: &[],
                operand_in: None,
                ..good.clone()
            },
            "no condition",
        );
        rejects(
            BehaviourEntry {
                any_word: &empty,
                ..good.clone()
            },
            "an empty word",
        );
        rejects(
            BehaviourEntry {
                any_contains: &upper,
                ..good.clone()
            },
            "capitals",
        );
        rejects(
            BehaviourEntry {
                none_word: &stop,
                ..good.clone()
            },
            "can never match",
        );
        rejects(
            BehaviourEntry {
                any_word: &[],
                and_word: &stop,
                ..good.clone()
            },
            "second word",
        );
        rejects(
            BehaviourEntry {
                and_contains: &strings(&[".zip"]),
                ..good.clone()
            },
            "second substring",
        );
        rejects(
            BehaviourEntry {
                any_contains: &strings(&[".jpg"]),
                and_contains: &strings(&[".ZIP"]),
                ..good.clone()
            },
            "`and_contains` `.ZIP` has capitals",
        );
        rejects(
            BehaviourEntry {
                value_in: Some("security_agents"),
                ..good.clone()
            },
            "needs `value_of`",
        );
        rejects(
            BehaviourEntry {
                value_of: &opt,
                ..good.clone()
            },
            "needs `value_in`",
        );
        rejects(
            BehaviourEntry {
                value_of: &bare,
                value_in: Some("security_agents"),
                ..good.clone()
            },
            "is not an option",
        );
        rejects(
            BehaviourEntry {
                operand_in: Some("nosuch"),
                ..good.clone()
            },
            "unknown list",
        );
        rejects(
            BehaviourEntry {
                operand_match: Some("regex"),
                ..good.clone()
            },
            "operand_match",
        );
        rejects(
            BehaviourEntry {
                operand_in: None,
                operand_match: Some("contains"),
                ..good.clone()
            },
            "applies to `operand_in`",
        );
        rejects(
            BehaviourEntry {
                what: "",
                ..good.clone()
            },
            "empty `what`",
        );
        rejects(
            BehaviourEntry {
                sources: &[],
                ..good.clone()
            },
            "https://",
        );
        let items = strings(&["falco", "AliYunDun"]);
        assert!(check_list("agents", &items, "https://x")[0].contains("capitals"));
        assert!(check_list("agents", &[], "https://x")[0].contains("needs a name and items"));
    }

    #[test]
    fn written_paths_match_exact_then_basename_then_longest_prefix() {
        let what = |p: &str| written_path(p).map(|w| w.what);
        assert_eq!(what("/etc/crontab"), Some("a system cron table"));
        assert_eq!(what("/etc/cron.d/job"), Some("a system cron table"));
        assert_eq!(what("/etc/cron.daily/job"), Some("a script cron runs"));
        assert_eq!(what("~/.bashrc"), Some("a shell start-up file"));
        assert_eq!(what("/proc/123/mem"), Some("another process's memory"));
        assert_eq!(what("/proc/mem"), None);
        assert_eq!(what("/proc/123/maps"), None);
        assert_eq!(what("/etc/hosts"), None);
    }

    #[test]
    fn every_docker_flag_in_mitigations_is_real() {
        let mut seen = 0;
        for m in MITIGATIONS.iter() {
            if let Some(d) = m.docker {
                let (flags, opts) = docker_flags(d);
                for f in flags {
                    seen += 1;
                    assert!(
                        knobs::DOCKER_FLAGS.contains(&f.as_str()),
                        "{}: {f} is not a real Docker flag",
                        m.id
                    );
                }
                for o in opts {
                    assert!(
                        knobs::SECURITY_OPT_VALUES.contains(&o.as_str()),
                        "{}: --security-opt {o}",
                        m.id
                    );
                }
            }
        }
        assert!(seen >= 8, "the mitigations should name the real flags");
    }

    #[test]
    fn every_kubernetes_key_in_mitigations_is_real() {
        for m in MITIGATIONS.iter() {
            if let Some(k) = m.kubernetes {
                for key in kubernetes_keys(k) {
                    assert!(
                        knobs::KUBERNETES_KEYS.contains(&key.as_str()),
                        "{}: Kubernetes key {key}",
                        m.id
                    );
                }
            }
        }
    }

    #[test]
    fn inventions_never_appear_and_are_rejected_by_the_real_list() {
        for m in MITIGATIONS.iter() {
            for field in [Some(m.text), m.docker, m.kubernetes, Some(m.source)]
                .into_iter()
                .flatten()
            {
                for inv in knobs::INVENTIONS {
                    assert!(
                        !field.contains(inv),
                        "{} contains the invention {inv}",
                        m.id
                    );
                }
            }
        }
        for inv in knobs::INVENTIONS {
            let (flags, opts) = docker_flags(inv);
            let accepted = flags
                .iter()
                .all(|f| knobs::DOCKER_FLAGS.contains(&f.as_str()))
                && opts
                    .iter()
                    .all(|o| knobs::SECURITY_OPT_VALUES.contains(&o.as_str()));
            assert!(!accepted, "{inv} would pass as real");
        }
        assert!(knobs::INVENTIONS.contains(&"--securityOpt"));
    }

    #[test]
    fn seed_hints_exist() {
        let all: String = MITIGATIONS
            .iter()
            .filter_map(|m| m.docker)
            .collect::<Vec<_>>()
            .join(" ");
        for want in [
            "--cap-drop ALL",
            "--read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m",
            "--security-opt no-new-privileges",
            "--user 10001:10001",
            "--network none",
        ] {
            assert!(all.contains(want), "missing {want}");
        }
    }

    #[test]
    fn tables_link_up() {
        assert_eq!(signals::NETCAT_EXEC_OPTION.id, "netcat_exec_option");
        assert!(signals::NETCAT_EXEC_OPTION
            .techniques
            .iter()
            .any(|t| t.id == "T1059.004"));
        assert_eq!(techniques::T1059_004.tactics[0].id, "TA0002");
        assert_eq!(ATTACK_VERSION, "16.1");
        for s in SIGNALS.iter() {
            assert!(s.weight <= 100);
            for t in s.techniques {
                assert!(s
                    .tags
                    .contains(&format!("attack.{}", t.id.to_ascii_lowercase()).as_str()));
            }
        }
    }

    #[test]
    fn tool_lookup() {
        assert_eq!(tool_class("nc"), Some(ToolClass::Netcat));
        assert_eq!(tool_class("nc.openbsd"), Some(ToolClass::Netcat));
        assert_eq!(tool_class("python3.11"), Some(ToolClass::Interpreter));
        assert_eq!(tool_class("php-fpm8.2"), Some(ToolClass::WebServer));
        assert_eq!(tool_class("ls"), None);
        assert_eq!(tool_class(""), None);
    }

    /// The report fragments build.rs renders say exactly what the tables say.
    #[test]
    fn report_fragments_match_the_tables() {
        use serde_json::{json, Value};
        for m in &MITIGATIONS {
            let parsed: Value = serde_json::from_str(m.report_json).expect(m.id);
            assert_eq!(
                parsed,
                json!({"id": m.id, "text": m.text, "docker": m.docker, "kubernetes": m.kubernetes, "source": m.source}),
                "{}",
                m.id
            );
        }
        for s in &SIGNALS {
            let parsed: Value =
                serde_json::from_str(&format!("{{{}}}", s.report_members)).expect(s.id);
            assert_eq!(
                parsed,
                json!({"id": s.id, "title": s.title, "level": s.level, "weight": s.weight, "category": s.category}),
                "{}",
                s.id
            );
        }
    }
}
