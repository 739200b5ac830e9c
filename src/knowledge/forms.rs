//! How the knobs are read out of a mitigation's Docker and Kubernetes forms. Shared by
//! build.rs (which rejects unknown knobs at compile time, `#[path]`-included) and the
//! knowledge tests (which re-check the generated tables), so both read a form the same way.
//! No crate dependencies: build.rs compiles this file on its own.

/// `--flag` names used in a Docker form (`--tmpfs /tmp:..` -> `--tmpfs`), plus the
/// `--security-opt` values (`seccomp=<p>` -> `seccomp`).
pub fn docker_flags(form: &str) -> (Vec<String>, Vec<String>) {
    let tokens: Vec<&str> = form
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .collect();
    let mut flags = Vec::new();
    let mut opts = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let t = t.trim_matches(|c: char| c == '(' || c == ')' || c == '[' || c == ']');
        if let Some(rest) = t.strip_prefix("--") {
            let name = rest.split('=').next().unwrap_or("");
            flags.push(format!("--{name}"));
            if name == "security-opt" {
                let value = match rest.split_once('=') {
                    Some((_, v)) => Some(v),
                    None => tokens.get(i + 1).copied(),
                };
                if let Some(v) = value {
                    opts.push(v.split(['=', ':']).next().unwrap_or("").to_string());
                }
            }
        }
    }
    (flags, opts)
}

/// Keys (`word:`) used in a Kubernetes form.
pub fn kubernetes_keys(form: &str) -> Vec<String> {
    form.split(|c: char| c.is_whitespace() || c == '{' || c == ',' || c == '(')
        .filter_map(|t| t.strip_suffix(':'))
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}
