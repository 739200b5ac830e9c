//! Credential access by exec: reading /etc/shadow, searching for private keys and passwords,
//! reading cloud credential files, querying the cloud instance metadata API, and running
//! password crackers. A path or address that is only an argument of echo/printf is data.

use super::needles::Needles;
use super::{args, is_printer, ClassSet, Ctx, Findings, ProgramSet};
use crate::analysis::shell::{Arg, SimpleCommand};
use crate::knowledge::{signals, ToolClass};

const SHADOW: &[&str] = &[
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/shadow-",
    "/etc/security/opasswd",
];
static KEY_NAMES: Needles = Needles::new(&[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".pem",
    "*.key",
    ".aws/credentials",
    ".docker/config.json",
    ".kube/config",
    ".git-credentials",
    ".pgpass",
    ".netrc",
    "wallet.dat",
    ".p12",
    ".pfx",
    "serviceaccount/token",
    ".aws",
    "/etc/kubernetes/pki",
    "/etc/kubernetes/admin.conf",
]);
/// Cloud agents whose job is to read the metadata service.
const METADATA_AGENTS: &[&str] = &[
    "cloud-init",
    "google_guest_ag",
    "google_metadata",
    "amazon-ssm-agen",
    "ssm-agent-worke",
    "waagent",
    "ec2-instance-co",
    "aws-node",
    "aws-k8s-agent",
    "kubelet",
    "cloud-init-loca",
];
static METADATA: Needles = Needles::new(&[
    "169.254.169.254",
    "metadata.google.internal",
    "169.254.170.2",
    "100.100.100.200",
    "fd00:ec2::254",
]);
const SECRET_PATTERNS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "passw",
    "pwd",
    "secret",
    "api_key",
    "apikey",
    "aws_secret_access_key",
    "aws_access_key_id",
    "private key",
    "begin rsa private key",
    "token",
    "credential",
    "credentials",
];

pub fn wants(cx: &Ctx) -> bool {
    static SHADOW_FILES: Needles = Needles::new(SHADOW);
    cx.runs_any(ClassSet::of(&[ToolClass::Credential]))
        || cx.may_run(PROGRAMS)
        || cx.words_may_hold(&SHADOW_FILES)
        || cx.words_may_hold(&METADATA)
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    // Checked once for the exec: most hold none of these keywords' first byte pairs.
    let (metadata, key_names) = (cx.words_may_hold(&METADATA), cx.words_may_hold(&KEY_NAMES));
    for (i, c) in cmds.iter().enumerate() {
        let p = c.program();
        if c.class == Some(ToolClass::Credential) {
            out.hit(
                signals::CREDENTIAL_CRACKER,
                format!("{p} (password cracking/dumping tool)"),
            );
        }
        let printer = is_printer(p);
        let all = super::own_args(c)
            .iter()
            .map(|a| &**a)
            .chain(c.redirects.iter().map(|r| r.target.as_str()));
        for a in all {
            if SHADOW.iter().any(|s| a == *s || a.ends_with(s)) {
                if printer {
                    out.note(format!("{a} appears only as an argument of {p}"));
                } else if !matches!(p, "ls" | "stat" | "chmod" | "chown" | "chgrp" | "test") {
                    out.hit(signals::SHADOW_FILE_ACCESS, format!("{p} reads {a}"));
                }
            }
            if metadata && METADATA.any_in(a) {
                if printer {
                    out.note(format!(
                        "the metadata address appears only as an argument of {p}"
                    ));
                } else if cx
                    .ancestor_comms()
                    .take(4)
                    .any(|c| METADATA_AGENTS.contains(&c))
                {
                    out.note(format!(
                        "{p} queries the metadata service for a cloud agent"
                    ));
                } else {
                    out.hit(
                        signals::CLOUD_METADATA_ACCESS,
                        format!("{p} queries the instance metadata API ({a})"),
                    );
                }
            }
        }
        if printer {
            continue;
        }
        let searching = SEARCHERS.contains(&p);
        let reading = READERS.contains(&p);
        if searching || reading {
            let named = |a: &Arg| {
                !a.ends_with(".pub")
                    && ((key_names && KEY_NAMES.any_in(a))
                        || (searching && (a == "credentials" || a == "*credentials*")))
            };
            if let Some(k) = args(c).iter().find(|a| named(a)) {
                let verb = if searching { "searches for" } else { "reads" };
                out.hit(signals::PRIVATE_KEY_SEARCH, format!("{p} {verb} {k}"));
            }
        }
        if dumps_environment(c) {
            if let Some(pat) = super::piped_into(cmds, i)
                .filter(|g| is_grep(g.program()))
                .and_then(|g| {
                    args(g)
                        .iter()
                        .find(|a| !a.starts_with('-') && names_a_secret(a))
                })
            {
                out.hit(
                    signals::ENVIRONMENT_SECRET_SEARCH,
                    format!("{} piped into a search for {pat:?}", super::join(c)),
                );
            }
        }
        if is_grep(p) && (super::has_short(c, b'r') || super::has_short(c, b'R') || p == "rg") {
            if let Some(pat) = args(c)
                .iter()
                .find(|a| !a.starts_with('-') && is_secret_pattern(a))
            {
                out.hit(
                    signals::PRIVATE_KEY_SEARCH,
                    format!("{p} searches recursively for {pat:?}"),
                );
            }
        }
    }
}

/// Programs that search for files or text by name.
const SEARCHERS: &[&str] = &[
    "find", "locate", "mlocate", "plocate", "grep", "egrep", "fgrep", "rg", "ag", "ls",
];
/// Programs that read or copy the files they name.
const READERS: &[&str] = &[
    "cat", "less", "more", "head", "tail", "cp", "base64", "xxd", "strings", "tar", "scp",
];
const GREPS: &[&str] = &["grep", "egrep", "fgrep", "rg", "ag"];
/// Programs [`dumps_environment`] reads.
const ENV_DUMPERS: &[&str] = &["env", "printenv", "export", "cat", "strings", "tr", "xargs"];
/// Every program the loop of [`detect`] reads by name.
const PROGRAMS: ProgramSet = ProgramSet::of(SEARCHERS)
    .union(ProgramSet::of(READERS))
    .union(ProgramSet::of(GREPS))
    .union(ProgramSet::of(ENV_DUMPERS));

fn is_grep(p: &str) -> bool {
    GREPS.contains(&p)
}

/// `env`, `printenv`, `export -p`, or a read of `/proc/<pid>/environ` (by [`ENV_DUMPERS`]).
fn dumps_environment(c: &SimpleCommand) -> bool {
    match c.program() {
        "env" | "printenv" => c.argv.len() == 1,
        "export" => args(c).iter().any(|a| a == "-p"),
        "cat" | "strings" | "tr" | "xargs" => args(c)
            .iter()
            .map(|a| &**a)
            .chain(c.redirects.iter().map(|r| r.target.as_str()))
            .any(|a| a.starts_with("/proc/") && a.ends_with("/environ")),
        _ => false,
    }
}

/// A search pattern one of whose alternatives names a secret (`key|secret|token`): enough
/// when what is searched is the environment.
fn names_a_secret(a: &str) -> bool {
    a.split('|').any(is_secret_pattern)
}

/// A whole search pattern naming a secret (`password`, `passw`, `secret=`), not an identifier
/// that merely contains it (`password_reset`).
fn is_secret_pattern(a: &str) -> bool {
    let l = a.to_ascii_lowercase();
    let l = l.trim_matches(|c: char| {
        c == '\'' || c == '"' || c == '=' || c == ':' || c == '^' || c == '*' || c == '.'
    });
    !l.is_empty()
        && (SECRET_PATTERNS.contains(&l)
            || l.contains("private key")
            || l.split('|').filter(|x| !x.is_empty()).all(|x| {
                SECRET_PATTERNS
                    .contains(&x.trim_matches(|c: char| c == '\\' || c == '(' || c == ')'))
            }))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn keywords_in_redirect_targets_and_script_words_pass_the_pair_gate() {
        // The quote splits `me` in the script text: only the redirect target holds it.
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "cat < /dev/tcp/m'etadata.google.internal'/80"]
            ),
            ["cloud_metadata_access"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "cat \"$HOME/.ssh/id_rsa\""]),
            ["private_key_search"]
        );
        assert!(run(detect, &["tar", "xzf", "/backup/2024-06-01.tgz"]).is_empty());
    }

    #[test]
    fn environment_dumped_into_a_secret_search() {
        let sh = |s: &str| run(detect, &["sh", "-c", s]);
        assert_eq!(
            sh("env | grep -iE 'key|secret|token|pass'"),
            ["environment_secret_search"]
        );
        assert_eq!(
            sh("cat /proc/1/environ | tr '\\0' '\\n' | grep -i token"),
            Vec::<&str>::new(),
            "tr sits between the dump and the search"
        );
        assert_eq!(
            sh("printenv | grep -i password"),
            ["environment_secret_search"]
        );
        assert!(sh("env | grep PATH").is_empty(), "not a secret pattern");
        assert!(sh("env | sort").is_empty(), "no search");
        assert!(
            sh("env FOO=1 grep -i token file").is_empty(),
            "env as a wrapper is no dump"
        );
    }

    #[test]
    fn fires_on_credential_access() {
        assert_eq!(run(detect, &["cat", "/etc/shadow"]), ["shadow_file_access"]);
        assert_eq!(
            run(detect, &["find", "/", "-name", "id_rsa"]),
            ["private_key_search"]
        );
        assert_eq!(
            run(detect, &["grep", "-ri", "password", "/etc"]),
            ["private_key_search"]
        );
        assert_eq!(
            run(
                detect,
                &[
                    "curl",
                    "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
                ]
            ),
            ["cloud_metadata_access"]
        );
    }

    #[test]
    fn quiet_on_lookalikes() {
        assert!(run(
            detect,
            &["grep", "-rn", "password_reset", "app/controllers"]
        )
        .is_empty());
        assert!(run(detect, &["echo", "169.254.169.254"]).is_empty());
        assert!(run(detect, &["ls", "-l", "/etc/shadow"]).is_empty());
    }
}
