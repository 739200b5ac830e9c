//! Permission changes: setuid/setgid bits (chmod u+s, 4755) and execute or world-writable modes
//! (chmod +x, 777), the step between dropping a payload and running it; and a `--reference=`
//! that arrived among the operands, a file name planted for a root job's wildcard.

use super::{args, Ctx, Findings, ProgramSet};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::signals;

/// An octal mode's value: chmod(1) takes any number of octal digits up to 07777 (`04755`).
fn octal(m: &str) -> Option<u32> {
    let v = u32::from_str_radix(m, 8).ok()?;
    (m.bytes().all(|b| b.is_ascii_digit()) && v <= 0o7777).then_some(v)
}

/// Whether a symbolic mode (`u+s`, `go=rwx,o-w`) adds `perm` for one of the classes `who`.
/// Each clause is WHO letters then `+`, `-` or `=` operations with their permissions;
/// anything else is not a symbolic mode. No WHO is all classes, less the umask, which
/// (022 by default, chmod(1)) keeps `+w` from group and other.
fn adds(mode: &str, who: &str, perm: char) -> bool {
    mode.split(',').any(|clause| {
        let (w, ops) = clause.split_at(clause.find(['+', '-', '=']).unwrap_or(clause.len()));
        let valid = w.chars().all(|c| "ugoa".contains(c))
            && !ops.is_empty()
            && ops.chars().all(|c| "+-=rwxXstugo".contains(c));
        let whom = w.chars().any(|c| c == 'a' || who.contains(c)) || (w.is_empty() && perm != 'w');
        let mut adding = false;
        valid
            && whom
            && ops.chars().any(|c| {
                if matches!(c, '+' | '-' | '=') {
                    adding = c != '-';
                }
                adding && c == perm
            })
    })
}

fn is_setid(m: &str) -> bool {
    match octal(m) {
        Some(v) => v & 0o6000 != 0,
        None => adds(m, "ug", 's'),
    }
}

/// Anyone may write the file: the "other" class gets `w` (777, 666, 0777, o+w, a+w).
/// 1777 (sticky, world-writable) is the standard mode of the staging directories themselves.
fn world_writable(m: &str, target: &str) -> bool {
    match octal(m) {
        Some(v) => {
            let staging = ["/tmp", "/var/tmp", "/dev/shm", "/run/shm"]
                .contains(&target.trim_end_matches('/'));
            v & 0o002 != 0 && !(v == 0o1777 && staging)
        }
        None => adds(m, "o", 'w'),
    }
}

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(&["chmod", "chown", "chgrp"]))
}

/// `chown user:user *` in a directory holding a file named `--reference=.x` expands to
/// `chown user:user --reference=.x ...`: GNU chown takes the option wherever it stands and
/// copies the owner of `.x`, which the planter chose, onto the other files (a symlink to
/// /etc/shadow among them). Typed by hand, the option comes before the operands.
fn reference_after_operand<'c>(c: &'c SimpleCommand) -> Option<&'c str> {
    if !matches!(c.program(), "chown" | "chmod" | "chgrp") {
        return None;
    }
    let a = args(c);
    let at = a.iter().position(|x| x.starts_with("--reference="))?;
    let end = a.iter().position(|x| x == "--").unwrap_or(a.len());
    (at < end && a[..at].iter().any(|x| !x.starts_with('-'))).then(|| &*a[at])
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        if let Some(reference) = reference_after_operand(c) {
            out.hit(
                signals::PERMISSIONS_COPIED_FROM_REFERENCE,
                format!("{} with {reference} among its operands", c.program()),
            );
        }
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
        // A numeric mode with execute bits (700 for ~/.ssh, 755 for a web root) is the usual
        // mode of directories and programs; a symbolic `+x` is the step after a drop.
        let plus_x = octal(mode).is_none() && adds(mode, "ugoa", 'x');
        if is_setid(mode) {
            out.hit(signals::SETUID_BIT_SET, format!("chmod {mode} {target}"));
        } else if world_writable(mode, target) || plus_x {
            out.hit(signals::PERMISSIVE_CHMOD, format!("chmod {mode} {target}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn a_reference_option_among_the_operands_is_a_planted_file_name() {
        assert_eq!(
            run(
                detect,
                &[
                    "chown",
                    "www-data:www-data",
                    "--reference=.ref",
                    "a.php",
                    "x"
                ]
            ),
            ["permissions_copied_from_reference"]
        );
        for typed in [
            &[
                "chown",
                "--reference=/etc/nginx/nginx.conf",
                "/etc/nginx/site.conf",
            ][..],
            &["chmod", "-R", "--reference=/srv/a", "/srv/b"],
            &["chgrp", "--", "staff", "--reference=x"],
        ] {
            assert!(run(detect, typed).is_empty(), "{typed:?}");
        }
    }
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

    #[test]
    fn usual_numeric_modes_are_not_permissive() {
        // ssh(1) wants ~/.ssh at 700; web roots and programs are 755.
        for argv in [
            &["chmod", "700", "/root/.ssh"][..],
            &["chmod", "755", "/var/www/html"],
            &["chmod", "0750", "/srv/app"],
            &["chmod", "-R", "755", "/opt/app/bin"],
            // The mode /tmp itself has.
            &["chmod", "1777", "/tmp"],
            &["chmod", "1777", "/var/tmp/"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
        // World-writable, whatever the file.
        for argv in [
            &["chmod", "666", "/etc/passwd"][..],
            &["chmod", "0777", "/var/www/html"],
            &["chmod", "1777", "/srv/shared"],
            &["chmod", "o=rwx", "/etc/cron.d"],
            &["chmod", "u+x,o+w", "/opt/x"],
        ] {
            assert_eq!(run(detect, argv), ["permissive_chmod"], "{argv:?}");
        }
        // `+w` without a class is masked by the umask.
        assert!(run(detect, &["chmod", "+w", "/srv/app/config"]).is_empty());
    }

    #[test]
    fn setid_in_five_digit_and_assigned_modes() {
        for mode in [
            "04755", "02755", "06755", "0004755", "u=rwxs", "g=rxs", "a+s",
        ] {
            assert_eq!(
                run(detect, &["chmod", mode, "/tmp/sh"]),
                ["setuid_bit_set"],
                "{mode}"
            );
        }
        for mode in ["01777", "0755", "u=rwx", "o+s"] {
            assert!(
                !run(detect, &["chmod", mode, "/tmp/sh"]).contains(&"setuid_bit_set"),
                "{mode}"
            );
        }
    }
}
