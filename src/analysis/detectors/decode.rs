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
            &crate::analysis::Lineage::default(),
        );
        assert!(ids.is_empty());
        assert!(notes[0].contains("only as text"));
        assert!(run(detect, &["base64", "/etc/hostname"]).is_empty());
    }
}
