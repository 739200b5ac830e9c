//! Discovery commands (whoami, id, uname -a, hostname, reading /etc/passwd): harmless alone,
//! meaningful with a terminal in a container or under a server process (hands-on-keyboard or
//! a web shell). Entry-point scripts printing the user are not reported.

use super::needles::Needles;
use super::{args, Ctx, Findings};
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

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        if let Some(e) = c.argv.iter().take(2).find(|a| {
            let b = super::basename(a).as_bytes();
            // Most names start with a letter no enumerator starts with.
            b.first()
                .is_some_and(|f| ENUMERATOR_FIRST[usize::from(f.to_ascii_lowercase() & 127)])
                && ENUMERATORS.iter().any(|e| {
                    b.get(..e.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(e.as_bytes()))
                })
        }) {
            out.hit(
                signals::ENUMERATION_TOOL,
                format!("{} runs {e}", c.program()),
            );
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
    ) || comm == "node"
        || comm == "nodejs"
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
