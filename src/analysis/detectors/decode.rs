//! Decoding on the command line: `base64 -d`/`xxd -r`/`openssl base64 -d` piped into a shell
//! runs a hidden payload; a lone decode is weak evidence. `echo ... base64 -d` where the
//! decode is only text in echo's arguments is not a decode (the event-generator pattern).

use super::needles::Needles;
use super::{args, has_opt, is_printer, piped_into, Ctx, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

fn decodes(c: &crate::analysis::shell::SimpleCommand) -> bool {
    match c.program() {
        "base64" | "base32" | "basenc" => {
            has_opt(c, &["-d", "--decode", "-D"]) || super::has_short(c, b'd')
        }
        "xxd" => super::has_short(c, b'r'),
        "uudecode" => true,
        "openssl" => args(c).iter().any(|a| a == "base64" || a == "enc") && has_opt(c, &["-d"]),
        _ => false,
    }
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
                _ => out.hit(signals::BASE64_DECODE, super::join(c)),
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
            "${IFS}",
            "$IFS",
            "| rev)",
            "|rev)",
            "| rev`",
            "eval \"$(echo",
            "eval $(echo",
            "$'\\x",
            "$'\\1",
        ]);
        if let Some(k) = OBFUSCATION.find(s) {
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
}
