//! The checks of the carrier and written-path tables (`data/carriers.toml`,
//! `data/written_paths.toml`). Shared by build.rs (`#[path]`-included: a bad entry fails the
//! build) and the knowledge tests (which show each check rejecting a bad entry). No crate
//! dependencies: build.rs compiles this file on its own.

/// One `[[carrier]]` entry as written in the data.
#[derive(Debug, Clone, Default)]
pub struct CarrierEntry<'a> {
    pub programs: &'a [String],
    pub options: &'a [String],
    pub take: &'a str,
    pub until: &'a [String],
    pub key: Option<&'a str>,
    pub prefixes: &'a [String],
    pub calls: &'a [String],
    pub runs: &'a str,
    pub label: &'a str,
    pub source: &'a str,
}

/// What `take` may be.
pub const TAKES: &[&str] = &["value", "words", "operand"];
/// What `runs` may be.
pub const RUNS: &[&str] = &["shell", "argv", "comma_argv"];

fn is_basename(n: &str) -> bool {
    !n.is_empty()
        && !n.contains('/')
        && !n
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace())
}

fn has_source(s: &str) -> bool {
    s.contains("https://")
}

/// Problems with one carrier entry; empty when it is sound.
pub fn check_carrier(e: &CarrierEntry) -> Vec<String> {
    let mut p = Vec::new();
    if e.programs.is_empty() {
        p.push("no programs".to_string());
    }
    for n in e.programs {
        if !is_basename(n) {
            p.push(format!("program `{n}` is not a lowercase basename"));
        }
    }
    if e.options.is_empty() && e.take != "operand" {
        p.push("no options".to_string());
    }
    for o in e.options {
        if o.len() < 2 || !o.starts_with('-') || o.bytes().any(|b| b.is_ascii_whitespace()) {
            p.push(format!("option `{o}` can never match an option word"));
        }
    }
    if e.take == "operand" && !e.options.is_empty() {
        p.push("take = \"operand\" reads operands, not options: give no `options`".into());
    }
    if !TAKES.contains(&e.take) {
        p.push(format!("take `{}` is not one of {TAKES:?}", e.take));
    }
    if !RUNS.contains(&e.runs) {
        p.push(format!("runs `{}` is not one of {RUNS:?}", e.runs));
    }
    match e.take {
        "words" => {
            if e.until.is_empty() {
                p.push("take = \"words\" needs `until` (the words that end the command)".into());
            }
            if e.key.is_some() || !e.prefixes.is_empty() || !e.calls.is_empty() {
                p.push("`key`, `prefixes` and `calls` do not apply to take = \"words\"".into());
            }
            if e.runs == "comma_argv" {
                p.push("runs = \"comma_argv\" needs take = \"value\"".into());
            }
        }
        "value" | "operand" if !e.until.is_empty() => {
            p.push("`until` applies to take = \"words\" only".into());
        }
        _ => {}
    }
    if e.take == "operand" {
        if e.prefixes.is_empty() && e.calls.is_empty() {
            p.push(
                "take = \"operand\" needs `prefixes` or `calls`: every operand would be a command"
                    .into(),
            );
        }
        if e.key.is_some() {
            p.push("`key` applies to take = \"value\" only".into());
        }
    }
    if !e.calls.is_empty() {
        if !e.prefixes.is_empty() || e.key.is_some() {
            p.push("`calls` with `prefixes` or `key`: a command is found one way".into());
        }
        if e.runs != "shell" {
            p.push("`calls` hold a command line: runs = \"shell\"".into());
        }
    }
    for x in e.calls {
        if x.trim().is_empty() {
            p.push("an empty call matches every value".into());
        }
    }
    for u in e.until {
        if u.is_empty() {
            p.push("an empty `until` word ends nothing".into());
        }
    }
    if let Some(k) = e.key {
        if k.is_empty() || k.contains('=') || k.bytes().any(|b| b.is_ascii_whitespace()) {
            p.push(format!(
                "key `{k}` can never match (empty, or holds `=` or a space, which end a key)"
            ));
        }
        if !e.prefixes.is_empty() {
            p.push("both `key` and `prefixes`: a value cannot start with both".into());
        }
    }
    for x in e.prefixes {
        if x.is_empty() {
            p.push("an empty prefix matches every value".into());
        }
    }
    if e.label.trim().is_empty() {
        p.push("empty label".into());
    }
    if !has_source(e.source) {
        p.push("source must cite a https:// reference".into());
    }
    p
}

/// The words that identify a carrier: each program, option and key or prefix. Two entries
/// sharing one would both claim the same command.
pub fn carrier_claims(e: &CarrierEntry) -> Vec<String> {
    let mut out = Vec::new();
    let tails: Vec<String> = match (e.key, e.prefixes, e.calls) {
        (Some(k), _, _) => vec![format!("key {}", k.to_ascii_lowercase())],
        (None, [], []) => vec![String::new()],
        (None, ps, cs) => ps
            .iter()
            .map(|x| format!("prefix {x}"))
            .chain(cs.iter().map(|x| format!("call {x}")))
            .collect(),
    };
    let operand = [String::from("operand")];
    let options = if e.take == "operand" {
        &operand[..]
    } else {
        e.options
    };
    for prog in e.programs {
        for o in options {
            for t in &tails {
                out.push(format!("{prog} {o} {t}"));
            }
        }
    }
    out
}

/// One `[[path]]` entry as written in the data.
#[derive(Debug, Clone, Default)]
pub struct PathEntry<'a> {
    pub exact: &'a [String],
    pub prefix: &'a [String],
    pub suffix: Option<&'a str>,
    pub basename: &'a [String],
    pub text: &'a str,
    pub what: &'a str,
    pub source: &'a str,
}

/// What `text` may be.
pub const TEXTS: &[&str] = &["none", "shell", "cron", "cron_user", "systemd"];

/// Problems with one written-path entry (the signal is checked by build.rs against the
/// signal ids); empty when it is sound.
pub fn check_path(e: &PathEntry) -> Vec<String> {
    let mut p = Vec::new();
    if e.exact.is_empty() && e.prefix.is_empty() && e.basename.is_empty() {
        p.push("matches nothing: give `exact`, `prefix` or `basename`".into());
    }
    if e.suffix.is_some() && e.prefix.is_empty() {
        p.push("`suffix` applies to a `prefix` only".into());
    }
    if e.suffix.is_some_and(str::is_empty) {
        p.push("an empty suffix".into());
    }
    for x in e.exact.iter().chain(e.prefix) {
        if !x.starts_with('/') || x.len() < 2 {
            p.push(format!(
                "`{x}` is not an absolute path: written paths are matched as given"
            ));
        }
    }
    for x in e.exact {
        if x.ends_with('/') {
            p.push(format!(
                "exact path `{x}` ends with `/`: a file is never written there"
            ));
        }
    }
    for b in e.basename {
        if b.is_empty() || b.contains('/') {
            p.push(format!("basename `{b}` is empty or holds `/`"));
        }
    }
    if !TEXTS.contains(&e.text) {
        p.push(format!("text `{}` is not one of {TEXTS:?}", e.text));
    }
    if e.what.trim().is_empty() {
        p.push("empty `what`".into());
    }
    if !has_source(e.source) {
        p.push("source must cite a https:// reference".into());
    }
    p
}

/// The patterns an entry claims (`exact /etc/profile`, `prefix /proc/ /mem`): two entries
/// claiming the same would disagree on what a write means.
pub fn path_claims(e: &PathEntry) -> Vec<String> {
    let suffix = e.suffix.unwrap_or("");
    e.exact
        .iter()
        .map(|x| format!("exact {x}"))
        .chain(e.prefix.iter().map(|x| format!("prefix {x} {suffix}")))
        .chain(e.basename.iter().map(|x| format!("basename {x}")))
        .collect()
}

/// One `[[behaviour]]` entry as written in the data.
#[derive(Debug, Clone, Default)]
pub struct BehaviourEntry<'a> {
    pub id: &'a str,
    pub programs: &'a [String],
    pub any_word: &'a [String],
    pub and_word: &'a [String],
    pub any_prefix: &'a [String],
    pub any_contains: &'a [String],
    pub and_contains: &'a [String],
    pub operand_in: Option<&'a str>,
    pub operand_match: Option<&'a str>,
    pub value_of: &'a [String],
    pub value_in: Option<&'a str>,
    pub none_word: &'a [String],
    pub what: &'a str,
    pub sources: &'a [String],
}

/// What `operand_match` may be.
pub const OPERAND_MATCHES: &[&str] = &["exact", "contains"];

/// Problems with one behaviour entry, given the names of the lists (the signal is checked by
/// build.rs against the signal ids); empty when it is sound.
pub fn check_behaviour(e: &BehaviourEntry, lists: &[&str]) -> Vec<String> {
    let mut p = Vec::new();
    let snake = !e.id.is_empty()
        && e.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !snake {
        p.push("id must be snake_case".to_string());
    }
    if e.programs.is_empty() {
        p.push("no programs".into());
    }
    for n in e.programs {
        if !is_basename(n) {
            p.push(format!("program `{n}` is not a lowercase basename"));
        }
    }
    let conditions = [
        !e.any_word.is_empty(),
        !e.and_word.is_empty(),
        !e.any_prefix.is_empty(),
        !e.any_contains.is_empty(),
        !e.and_contains.is_empty(),
        e.operand_in.is_some(),
        e.value_in.is_some(),
        !e.none_word.is_empty(),
    ];
    if !conditions.contains(&true) {
        p.push("no condition: every use of the program would match".into());
    }
    for (field, words) in [
        ("any_word", e.any_word),
        ("and_word", e.and_word),
        ("any_prefix", e.any_prefix),
        ("any_contains", e.any_contains),
        ("and_contains", e.and_contains),
        ("value_of", e.value_of),
        ("none_word", e.none_word),
    ] {
        for w in words {
            if w.is_empty() {
                p.push(format!("an empty word in `{field}` matches every argument"));
            }
        }
    }
    for (field, words) in [
        ("any_contains", e.any_contains),
        ("and_contains", e.and_contains),
    ] {
        for w in words {
            if w.bytes().any(|b| b.is_ascii_uppercase()) {
                p.push(format!(
                    "`{field}` `{w}` has capitals: it is matched without case"
                ));
            }
        }
    }
    for w in e.any_word.iter().chain(e.and_word) {
        if e.none_word.contains(w) {
            p.push(format!(
                "`{w}` is both required and excluded: the entry can never match"
            ));
        }
    }
    if !e.and_contains.is_empty() && e.any_contains.is_empty() {
        p.push("`and_contains` is a second substring: give `any_contains` too".into());
    }
    if !e.and_word.is_empty() && e.any_word.is_empty() && e.any_prefix.is_empty() {
        p.push("`and_word` is a second word: give `any_word` or `any_prefix` too".into());
    }
    match (e.value_of.is_empty(), e.value_in) {
        (true, Some(_)) => p.push("`value_in` needs `value_of` (the options)".into()),
        (false, None) => p.push("`value_of` needs `value_in` (the list)".into()),
        _ => {}
    }
    for o in e.value_of {
        if !o.starts_with('-') {
            p.push(format!("`value_of` `{o}` is not an option"));
        }
    }
    for list in e.operand_in.iter().chain(e.value_in.iter()) {
        if !lists.contains(list) {
            p.push(format!("unknown list `{list}`"));
        }
    }
    if let Some(m) = e.operand_match {
        if !OPERAND_MATCHES.contains(&m) {
            p.push(format!(
                "operand_match `{m}` is not one of {OPERAND_MATCHES:?}"
            ));
        }
        if e.operand_in.is_none() {
            p.push("`operand_match` applies to `operand_in` only".into());
        }
    }
    if e.what.trim().is_empty() {
        p.push("empty `what`".into());
    }
    if e.sources.is_empty() || !e.sources.iter().all(|s| has_source(s)) {
        p.push("every source must cite a https:// reference".into());
    }
    p
}

/// Problems with one `[[list]]`: items are matched in lowercase, so capitals never match.
pub fn check_list(name: &str, items: &[String], source: &str) -> Vec<String> {
    let mut p = Vec::new();
    if name.is_empty() || items.is_empty() {
        p.push("a list needs a name and items".to_string());
    }
    for i in items {
        if i.is_empty() || i.bytes().any(|b| b.is_ascii_uppercase()) {
            p.push(format!(
                "item `{i}` is empty or has capitals (matched in lowercase)"
            ));
        }
    }
    if !has_source(source) {
        p.push("source must cite a https:// reference".into());
    }
    p
}
