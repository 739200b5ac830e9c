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
}
