//! Tokens of one shell string: words (quotes resolved), operators and redirections.
//!
//! The lexer works on bytes: every character with meaning to the shell is ASCII, so a cut
//! at one of them is always a UTF-8 boundary, and the bytes of a word are copied whole
//! (a final lossy conversion guards the rest). Substitutions met inside a word (`$(..)`,
//! backticks, `<(..)`, `${..}`) are parsed on the spot through the parser, which emits their
//! commands; the word keeps their source text. Every recursive path goes through
//! [`Parser::enter`], so recursion depth is bounded whatever the input; past the bound a
//! construct is skipped by a flat scan.

use super::parse::{parse_list, Ctx, ListEnd, Parser};
use super::RedirectOp;

/// One shell string being read.
pub(super) struct Script<'a> {
    src: &'a [u8],
    pos: usize,
    /// Here-document bodies already read: when the newline at `.0` is reached, the lexer
    /// continues at `.1`, past the bodies.
    heredoc_skip: Option<(usize, usize)>,
}

/// Control operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Pipe,
    /// `|&`
    PipeAll,
    Semi,
    /// `;;`, `;&`, `;;&`
    CaseEnd,
    Amp,
    And,
    Or,
    Newline,
    LParen,
    RParen,
}

/// What a redirection operator does with its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RedirKind {
    Plain(RedirectOp),
    /// `<<` / `<<-` (strip leading tabs): the word is a delimiter, the body follows the line.
    HereDoc {
        strip_tabs: bool,
    },
    /// `<<<`
    HereString,
}

pub(super) enum Token {
    Word(Word),
    Redirect {
        fd: Option<u32>,
        kind: RedirKind,
    },
    Op(Op),
    /// `(( ... ))` arithmetic command: nothing runs.
    Arith,
    Eof,
}

/// A word with quotes removed.
pub(super) struct Word {
    pub text: String,
    /// Byte offset in `text` where the first quoted or escaped character landed; `None` when
    /// the word was written bare (only bare words can be keywords or assignment names).
    pub quoted_from: Option<usize>,
}

impl Word {
    /// A bare reserved word such as `if` or `done`.
    pub fn is_bare(&self, keyword: &str) -> bool {
        self.quoted_from.is_none() && self.text == keyword
    }

    /// `NAME=value` with a bare name, for a word in assignment position.
    pub fn assignment(&self) -> Option<(String, String)> {
        let eq = self.text.find('=')?;
        if self.quoted_from.is_some_and(|q| q <= eq) {
            return None;
        }
        let name = &self.text[..eq];
        let ident = name.strip_suffix('+').unwrap_or(name);
        if !is_identifier(ident) {
            return None;
        }
        Some((name.to_string(), self.text[eq + 1..].to_string()))
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.bytes();
    matches!(chars.next(), Some(c) if c == b'_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == b'_' || c.is_ascii_alphanumeric())
}

/// A word being built.
struct WordBuf {
    bytes: Vec<u8>,
    quoted_from: Option<usize>,
}

impl WordBuf {
    fn new() -> Self {
        WordBuf {
            bytes: Vec::new(),
            quoted_from: None,
        }
    }

    fn mark_quoted(&mut self) {
        if self.quoted_from.is_none() {
            self.quoted_from = Some(self.bytes.len());
        }
    }

    fn finish(self) -> Word {
        let text = match String::from_utf8(self.bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        // A lossy conversion can move offsets; clamp to a boundary so slicing stays safe.
        let quoted_from = self.quoted_from.map(|q| {
            let mut q = q.min(text.len());
            while !text.is_char_boundary(q) {
                q -= 1;
            }
            q
        });
        Word { text, quoted_from }
    }
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Characters that end an unquoted word.
fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

impl<'a> Script<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Script {
            src,
            pos: 0,
            heredoc_skip: None,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos.saturating_add(ahead)).copied()
    }

    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.src.len());
    }

    /// Skip blanks, line continuations and a comment.
    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek(0) {
            if is_blank(c) {
                self.advance(1);
            } else if c == b'\\' && self.peek(1) == Some(b'\n') {
                self.advance(2);
            } else if c == b'#' {
                while let Some(c) = self.peek(0) {
                    if c == b'\n' {
                        break;
                    }
                    self.advance(1);
                }
            } else {
                break;
            }
        }
    }

    /// Consume a newline; jump past here-document bodies read on this line.
    fn newline(&mut self) {
        let at = self.pos;
        self.advance(1);
        if let Some((nl, resume)) = self.heredoc_skip {
            if nl == at {
                self.pos = resume.max(self.pos).min(self.src.len());
                self.heredoc_skip = None;
            } else if nl < at {
                self.heredoc_skip = None;
            }
        }
    }

    /// Read the body of a here-document whose operator is on the current line: the lines
    /// after this line (after earlier bodies on it) up to the `delimiter` line.
    pub fn heredoc_body(&mut self, delimiter: &str, strip_tabs: bool) -> String {
        let stale = matches!(self.heredoc_skip, Some((nl, _)) if nl < self.pos);
        if stale {
            self.heredoc_skip = None;
        }
        let (nl, start) = match self.heredoc_skip {
            Some(skip) => skip,
            None => match self.src[self.pos..].iter().position(|&c| c == b'\n') {
                Some(off) => (self.pos + off, self.pos + off + 1),
                None => return String::new(),
            },
        };
        let len = self.src.len();
        let mut line_start = start.min(len);
        let (body_end, resume) = loop {
            if line_start >= len {
                break (len, len);
            }
            let line_end = self.src[line_start..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(len, |off| line_start + off);
            let mut line = &self.src[line_start..line_end];
            if strip_tabs {
                while let [b'\t', rest @ ..] = line {
                    line = rest;
                }
            }
            if line == delimiter.as_bytes() {
                break (line_start, (line_end + 1).min(len));
            }
            line_start = line_end + 1;
        };
        self.heredoc_skip = Some((nl, resume));
        let body = &self.src[start.min(body_end)..body_end];
        if strip_tabs {
            let mut out = Vec::with_capacity(body.len());
            for line in body.split_inclusive(|&c| c == b'\n') {
                let first = line.iter().position(|&c| c != b'\t').unwrap_or(line.len());
                out.extend_from_slice(&line[first..]);
            }
            String::from_utf8_lossy(&out).into_owned()
        } else {
            String::from_utf8_lossy(body).into_owned()
        }
    }
}

/// The next token. `cmd_start`: a command word may start here (so `((` is arithmetic).
pub(super) fn next_token(p: &mut Parser, s: &mut Script, ctx: Ctx, cmd_start: bool) -> Token {
    s.skip_blanks();
    let Some(c) = s.peek(0) else {
        return Token::Eof;
    };
    let next = s.peek(1);
    match c {
        b'\n' => {
            s.newline();
            Token::Op(Op::Newline)
        }
        b';' => match next {
            Some(b';') => {
                s.advance(2);
                if s.peek(0) == Some(b'&') {
                    s.advance(1);
                }
                Token::Op(Op::CaseEnd)
            }
            Some(b'&') => {
                s.advance(2);
                Token::Op(Op::CaseEnd)
            }
            _ => {
                s.advance(1);
                Token::Op(Op::Semi)
            }
        },
        b'&' => match next {
            Some(b'&') => {
                s.advance(2);
                Token::Op(Op::And)
            }
            Some(b'>') => {
                s.advance(2);
                let op = if s.peek(0) == Some(b'>') {
                    s.advance(1);
                    RedirectOp::Append
                } else {
                    RedirectOp::Out
                };
                Token::Redirect {
                    fd: None,
                    kind: RedirKind::Plain(op),
                }
            }
            _ => {
                s.advance(1);
                Token::Op(Op::Amp)
            }
        },
        b'|' => match next {
            Some(b'|') => {
                s.advance(2);
                Token::Op(Op::Or)
            }
            Some(b'&') => {
                s.advance(2);
                Token::Op(Op::PipeAll)
            }
            _ => {
                s.advance(1);
                Token::Op(Op::Pipe)
            }
        },
        b'(' if cmd_start && next == Some(b'(') => {
            s.advance(2);
            skip_balanced(s, 2, b'(', b')');
            Token::Arith
        }
        b'(' => {
            s.advance(1);
            Token::Op(Op::LParen)
        }
        b')' => {
            s.advance(1);
            Token::Op(Op::RParen)
        }
        b'<' | b'>' if next == Some(b'(') => Token::Word(read_word(p, s, ctx)),
        b'<' | b'>' => redirect(s, None),
        b'0'..=b'9' => {
            let start = s.pos;
            while matches!(s.peek(0), Some(b'0'..=b'9')) {
                s.advance(1);
            }
            let at = s.peek(0);
            if matches!(at, Some(b'<' | b'>')) && s.peek(1) != Some(b'(') {
                let fd = std::str::from_utf8(&s.src[start..s.pos])
                    .ok()
                    .and_then(|d| d.parse().ok());
                redirect(s, fd)
            } else {
                s.pos = start;
                Token::Word(read_word(p, s, ctx))
            }
        }
        _ => Token::Word(read_word(p, s, ctx)),
    }
}

/// A redirection operator at `<` or `>`.
fn redirect(s: &mut Script, fd: Option<u32>) -> Token {
    let (c0, c1, c2) = (s.peek(0), s.peek(1), s.peek(2));
    let (len, kind) = match (c0, c1) {
        (Some(b'>'), Some(b'>')) => (2, RedirKind::Plain(RedirectOp::Append)),
        (Some(b'>'), Some(b'&')) => (2, RedirKind::Plain(RedirectOp::Dup)),
        (Some(b'>'), Some(b'|')) => (2, RedirKind::Plain(RedirectOp::Out)),
        (Some(b'>'), _) => (1, RedirKind::Plain(RedirectOp::Out)),
        (_, Some(b'<')) => match c2 {
            Some(b'<') => (3, RedirKind::HereString),
            Some(b'-') => (3, RedirKind::HereDoc { strip_tabs: true }),
            _ => (2, RedirKind::HereDoc { strip_tabs: false }),
        },
        (_, Some(b'&')) => (2, RedirKind::Plain(RedirectOp::Dup)),
        (_, Some(b'>')) => (2, RedirKind::Plain(RedirectOp::ReadWrite)),
        _ => (1, RedirKind::Plain(RedirectOp::In)),
    };
    s.advance(len);
    Token::Redirect { fd, kind }
}

/// The word after a redirection operator, or "" when an operator or the end follows.
pub(super) fn redirect_target(p: &mut Parser, s: &mut Script, ctx: Ctx) -> Word {
    while matches!(s.peek(0), Some(c) if is_blank(c)) {
        s.advance(1);
    }
    match s.peek(0) {
        Some(b'<' | b'>') if s.peek(1) == Some(b'(') => read_word(p, s, ctx),
        Some(c) if !is_meta(c) => read_word(p, s, ctx),
        _ => Word {
            text: String::new(),
            quoted_from: None,
        },
    }
}

/// A word, starting at a non-meta character (or at `<(` / `>(`).
fn read_word(p: &mut Parser, s: &mut Script, ctx: Ctx) -> Word {
    let mut w = WordBuf::new();
    let start = s.pos;
    while let Some(c) = s.peek(0) {
        match c {
            b'<' | b'>' if s.pos == start && s.peek(1) == Some(b'(') => {
                s.advance(2);
                substitution(p, s, ctx);
                w.bytes.extend_from_slice(&s.src[start..s.pos]);
            }
            c if is_meta(c) => break,
            b'\\' => match s.peek(1) {
                Some(b'\n') => s.advance(2),
                Some(n) => {
                    w.mark_quoted();
                    w.bytes.push(n);
                    s.advance(2);
                }
                None => {
                    w.bytes.push(b'\\');
                    s.advance(1);
                }
            },
            b'\'' => {
                w.mark_quoted();
                s.advance(1);
                let rest = &s.src[s.pos..];
                let end = rest.iter().position(|&c| c == b'\'').unwrap_or(rest.len());
                w.bytes.extend_from_slice(&rest[..end]);
                s.advance(end + 1);
            }
            b'"' => {
                w.mark_quoted();
                s.advance(1);
                double_quoted(p, s, ctx, &mut w);
            }
            b'`' => backtick(p, s, ctx, &mut w),
            b'$' => dollar(p, s, ctx, &mut w, false),
            _ => {
                let rest = &s.src[s.pos..];
                let run = rest
                    .iter()
                    .position(|&c| is_meta(c) || matches!(c, b'\\' | b'\'' | b'"' | b'`' | b'$'))
                    .unwrap_or(rest.len())
                    .max(1);
                w.bytes.extend_from_slice(&rest[..run]);
                s.advance(run);
            }
        }
    }
    w.finish()
}

/// Inside `"..."`, after the opening quote; consumes the closing one.
fn double_quoted(p: &mut Parser, s: &mut Script, ctx: Ctx, w: &mut WordBuf) {
    while let Some(c) = s.peek(0) {
        match c {
            b'"' => {
                s.advance(1);
                return;
            }
            b'\\' => match s.peek(1) {
                Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                    w.bytes.push(n);
                    s.advance(2);
                }
                Some(b'\n') => s.advance(2),
                _ => {
                    w.bytes.push(b'\\');
                    s.advance(1);
                }
            },
            b'`' => backtick(p, s, ctx, w),
            b'$' => dollar(p, s, ctx, w, true),
            _ => {
                w.bytes.push(c);
                s.advance(1);
            }
        }
    }
}

/// At `$`: substitution, parameter, ANSI-C or locale string, or a plain `$`.
fn dollar(p: &mut Parser, s: &mut Script, ctx: Ctx, w: &mut WordBuf, in_double: bool) {
    let start = s.pos;
    match (s.peek(1), s.peek(2)) {
        (Some(b'('), Some(b'(')) => {
            s.advance(3);
            skip_balanced(s, 2, b'(', b')');
            w.bytes.extend_from_slice(&s.src[start..s.pos]);
        }
        (Some(b'('), _) => {
            s.advance(2);
            substitution(p, s, ctx);
            w.bytes.extend_from_slice(&s.src[start..s.pos]);
        }
        (Some(b'{'), _) => {
            s.advance(2);
            if p.enter() {
                parameter(p, s, ctx);
                p.leave();
            } else {
                skip_balanced(s, 1, b'{', b'}');
            }
            w.bytes.extend_from_slice(&s.src[start..s.pos]);
        }
        (Some(b'\''), _) if !in_double => {
            w.mark_quoted();
            s.advance(2);
            ansi_c(s, w);
        }
        (Some(b'"'), _) if !in_double => {
            w.mark_quoted();
            s.advance(2);
            double_quoted(p, s, ctx, w);
        }
        _ => {
            w.bytes.push(b'$');
            s.advance(1);
        }
    }
}

/// After `$(` or `<(`: the commands up to the matching `)`, marked in substitution.
fn substitution(p: &mut Parser, s: &mut Script, ctx: Ctx) {
    if p.enter() {
        parse_list(
            p,
            s,
            Ctx {
                in_subst: true,
                ..ctx
            },
            ListEnd::Paren,
        );
        p.leave();
    } else {
        skip_balanced(s, 1, b'(', b')');
    }
}

/// After `${`: up to the matching `}`, parsing substitutions inside (`${x:-$(cmd)}`).
fn parameter(p: &mut Parser, s: &mut Script, ctx: Ctx) {
    let mut depth = 1usize;
    let mut scratch = WordBuf::new();
    while let Some(c) = s.peek(0) {
        match c {
            b'\\' => s.advance(2),
            b'\'' => {
                s.advance(1);
                let rest = &s.src[s.pos..];
                let end = rest.iter().position(|&c| c == b'\'').unwrap_or(rest.len());
                s.advance(end + 1);
            }
            b'"' => {
                s.advance(1);
                double_quoted(p, s, ctx, &mut scratch);
            }
            b'`' => backtick(p, s, ctx, &mut scratch),
            b'$' => dollar(p, s, ctx, &mut scratch, true),
            b'{' => {
                depth += 1;
                s.advance(1);
            }
            b'}' => {
                depth -= 1;
                s.advance(1);
                if depth == 0 {
                    return;
                }
            }
            _ => s.advance(1),
        }
        // The scratch word only feeds recursion; drop its text as it grows.
        scratch.bytes.clear();
    }
}

/// At a backtick: the command text up to the closing backtick (with `\``, `\\`, `\$`
/// unescaped), parsed as a nested string in substitution; the word keeps the source text.
fn backtick(p: &mut Parser, s: &mut Script, ctx: Ctx, w: &mut WordBuf) {
    let start = s.pos;
    s.advance(1);
    let mut inner = Vec::new();
    while let Some(c) = s.peek(0) {
        match c {
            b'`' => {
                s.advance(1);
                break;
            }
            b'\\' => match s.peek(1) {
                Some(n @ (b'`' | b'\\' | b'$')) => {
                    inner.push(n);
                    s.advance(2);
                }
                _ => {
                    inner.push(b'\\');
                    s.advance(1);
                }
            },
            _ => {
                inner.push(c);
                s.advance(1);
            }
        }
    }
    w.bytes.extend_from_slice(&s.src[start..s.pos]);
    p.parse_script(
        &inner,
        Ctx {
            in_subst: true,
            ..ctx
        },
    );
}

/// A flat scan to the close matching `depth` opens already read, skipping quotes. Used
/// where parsing is not wanted (arithmetic) or the nesting bound is reached.
fn skip_balanced(s: &mut Script, mut depth: usize, open: u8, close: u8) {
    while let Some(c) = s.peek(0) {
        match c {
            b'\\' => s.advance(2),
            b'\'' => {
                s.advance(1);
                let rest = &s.src[s.pos..];
                let end = rest.iter().position(|&c| c == b'\'').unwrap_or(rest.len());
                s.advance(end + 1);
            }
            b'"' => {
                s.advance(1);
                while let Some(c) = s.peek(0) {
                    match c {
                        b'\\' => s.advance(2),
                        b'"' => {
                            s.advance(1);
                            break;
                        }
                        _ => s.advance(1),
                    }
                }
            }
            c if c == open => {
                depth += 1;
                s.advance(1);
            }
            c if c == close => {
                s.advance(1);
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => s.advance(1),
        }
    }
}

/// Inside `$'...'`, after the quote: C escapes decoded (`$'\x63url'` is `curl`).
fn ansi_c(s: &mut Script, w: &mut WordBuf) {
    while let Some(c) = s.peek(0) {
        s.advance(1);
        match c {
            b'\'' => return,
            b'\\' => {
                let Some(e) = s.peek(0) else {
                    w.bytes.push(b'\\');
                    return;
                };
                s.advance(1);
                let simple = match e {
                    b'n' => Some(b'\n'),
                    b't' => Some(b'\t'),
                    b'r' => Some(b'\r'),
                    b'a' => Some(7),
                    b'b' => Some(8),
                    b'e' | b'E' => Some(0x1b),
                    b'f' => Some(0x0c),
                    b'v' => Some(0x0b),
                    b'\\' | b'\'' | b'"' | b'?' => Some(e),
                    _ => None,
                };
                if let Some(b) = simple {
                    w.bytes.push(b);
                    continue;
                }
                match e {
                    b'x' => match take_digits(s, 16, 2) {
                        Some(v) => push_byte(w, v as u8),
                        None => w.bytes.extend_from_slice(b"\\x"),
                    },
                    b'0'..=b'7' => {
                        s.pos -= 1;
                        let v = take_digits(s, 8, 3).unwrap_or(0);
                        push_byte(w, (v & 0xff) as u8);
                    }
                    b'u' | b'U' => {
                        let max = if e == b'u' { 4 } else { 8 };
                        match take_digits(s, 16, max).and_then(char::from_u32) {
                            Some(ch) => {
                                let mut buf = [0u8; 4];
                                w.bytes
                                    .extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            None => w.bytes.extend_from_slice(&[b'\\', e]),
                        }
                    }
                    b'c' => {
                        if let Some(n) = s.peek(0) {
                            s.advance(1);
                            push_byte(w, n & 0x1f);
                        }
                    }
                    _ => w.bytes.extend_from_slice(&[b'\\', e]),
                }
            }
            _ => w.bytes.push(c),
        }
    }
}

/// NUL ends a string in bash; dropping it keeps words printable.
fn push_byte(w: &mut WordBuf, b: u8) {
    if b != 0 {
        w.bytes.push(b);
    }
}

/// Up to `max` digits in `radix`; `None` when there is none.
fn take_digits(s: &mut Script, radix: u32, max: usize) -> Option<u32> {
    let mut value: Option<u32> = None;
    for _ in 0..max {
        let Some(d) = s.peek(0).and_then(|c| (c as char).to_digit(radix)) else {
            break;
        };
        value = Some(value.unwrap_or(0).saturating_mul(radix).saturating_add(d));
        s.advance(1);
    }
    value
}
