//! Permission changes: setuid/setgid bits (chmod u+s, 4755) and execute or world-writable modes
//! (chmod +x, 777), the step between dropping a payload and running it.

use super::{args, download_exec::is_exec_mode, Ctx, Findings, ProgramSet};
use crate::knowledge::signals;

fn is_setid(m: &str) -> bool {
    if m.bytes().all(|b| b.is_ascii_digit()) && m.len() == 4 {
        return matches!(m.as_bytes()[0], b'2' | b'4' | b'6');
    }
    m.contains('+') && m.split('+').nth(1).is_some_and(|r| r.contains('s'))
}

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&["chmod"]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        if c.program() != "chmod" {
            continue;
        }
        let a = args(c);
        let Some(mode) = a.iter().find(|x| !x.starts_with('-')) else {
            continue;
        };
        let target = a
            .iter()
            .filter(|x| !x.starts_with('-'))
            .nth(1)
            .map(|a| &**a)
            .unwrap_or("");
        if is_setid(mode) {
            out.hit(signals::SETUID_BIT_SET, format!("chmod {mode} {target}"));
        } else if is_exec_mode(mode) || mode == "777" || mode == "o+w" || mode == "a+w" {
            out.hit(signals::PERMISSIVE_CHMOD, format!("chmod {mode} {target}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::shell::parse_exec;
    use crate::analysis::Lineage;

    /// The evidence of each hit.
    fn evidence(argv: &[&str]) -> Vec<String> {
        let (f, lineage) = (facts(argv), Lineage::default());
        let cmd = parse_exec(&f.argv);
        let mut out = Findings::default();
        detect(&Ctx::new(&f, &lineage, &cmd), &mut out);
        out.hits.into_iter().map(|h| h.evidence).collect()
    }

    #[test]
    fn fires_on_setuid_and_exec_bits() {
        assert_eq!(
            run(detect, &["chmod", "u+s", "/tmp/bash"]),
            ["setuid_bit_set"]
        );
        assert_eq!(
            run(detect, &["chmod", "4755", "/tmp/sh"]),
            ["setuid_bit_set"]
        );
        assert_eq!(
            run(detect, &["chmod", "+x", "/tmp/x"]),
            ["permissive_chmod"]
        );
    }

    #[test]
    fn quiet_on_plain_modes() {
        assert!(run(detect, &["chmod", "644", "/etc/app.conf"]).is_empty());
        assert!(run(detect, &["chmod", "-R", "go-w", "/srv"]).is_empty());
    }

    #[test]
    fn fires_on_every_setid_form() {
        for mode in ["2755", "6755", "g+s", "ug+s", "u+rwxs"] {
            assert_eq!(
                run(detect, &["chmod", mode, "/tmp/.b"]),
                ["setuid_bit_set"],
                "{mode}"
            );
        }
        // In a dropper's script, after the copy.
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "cp /bin/bash /tmp/.b && chmod 4755 /tmp/.b"]
            ),
            ["setuid_bit_set"]
        );
    }

    #[test]
    fn removing_setid_bits_is_hardening() {
        for mode in ["u-s", "g-s", "a-s"] {
            assert!(
                run(detect, &["chmod", mode, "/usr/bin/at"]).is_empty(),
                "{mode}"
            );
        }
    }

    #[test]
    fn fires_on_exec_and_world_writable_modes() {
        for mode in ["u+x", "a+rx", "777", "0777", "o+w", "a+w"] {
            assert_eq!(
                run(detect, &["chmod", mode, "/tmp/x"]),
                ["permissive_chmod"],
                "{mode}"
            );
        }
        for mode in ["600", "0644", "440", "a-w", "o-rwx", "u-x"] {
            assert!(run(detect, &["chmod", mode, "/tmp/x"]).is_empty(), "{mode}");
        }
    }

    #[test]
    fn evidence_names_the_mode_and_file_past_options() {
        assert_eq!(
            evidence(&["chmod", "-R", "u+s", "/tmp/x"]),
            ["chmod u+s /tmp/x"]
        );
        assert_eq!(
            evidence(&["chmod", "-v", "777", "/srv/www"]),
            ["chmod 777 /srv/www"]
        );
    }
}
