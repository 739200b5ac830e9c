//! From tokens to simple commands: lists, pipelines, compound-command keywords, and the
//! output with its limits.
//!
//! Compound commands are flattened rather than parsed as a tree: their keywords are dropped,
//! `for`/`select` headers and `case` subjects and patterns are skipped, and parentheses and
//! braces only separate commands. That keeps every command visible in source order at a cost
//! of one pass and no stack.

use super::carry::{carried, Payload, Runs};
use super::lex::{next_token, redirect_target, Op, RedirKind, Script, Token, Word};
use super::wrappers::{unwrap, Unwrapped};
use super::{
    text_bytes, Arg, Commands, Joiner, Origin, Redirect, RedirectOp, SimpleCommand, Words,
    MAX_CARRIED, MAX_COMMANDS, MAX_DEPTH, MAX_NESTING, MAX_SCRIPT_BYTES, MAX_TOTAL_SCRIPT_BYTES,
    MAX_TOTAL_WORD_BYTES,
};
use crate::text::basename;

/// Where the commands being read sit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ctx {
    pub depth: u8,
    pub in_subst: bool,
    /// The carried command line these commands are part of ([`super::CommandLine::origins`]).
    pub origin: Option<u8>,
}

/// What ends a command list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListEnd {
    /// The end of the string.
    Eof,
    /// The `)` closing a `$(` or `<(` (or the end, when it is missing).
    Paren,
}

/// The output and the budgets of one [`super::parse_exec`] call.
pub(super) struct Parser<'a> {
    pub out: Commands<'a>,
    pub origins: Vec<Origin>,
    pub truncated: bool,
    /// The command limit was hit: every loop unwinds.
    stop: bool,
    nesting: usize,
    script_budget: usize,
    word_budget: usize,
}

impl<'a> Parser<'a> {
    pub fn new() -> Self {
        Parser {
            out: Commands::new(),
            origins: Vec::new(),
            truncated: false,
            stop: false,
            nesting: 0,
            script_budget: MAX_TOTAL_SCRIPT_BYTES,
            word_budget: MAX_TOTAL_WORD_BYTES,
        }
    }

    /// Open one nested construct; `false` (and truncated) when the bound is reached.
    pub fn enter(&mut self) -> bool {
        if self.stop || self.nesting >= MAX_NESTING {
            self.truncated = true;
            return false;
        }
        self.nesting += 1;
        true
    }

    pub fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// Parse a whole shell string (a `sh -c` argument, backtick text, an `eval`...).
    pub fn parse_script(&mut self, text: &[u8], ctx: Ctx) {
        if self.stop {
            return;
        }
        if ctx.depth > MAX_DEPTH {
            self.truncated = true;
            return;
        }
        let limit = MAX_SCRIPT_BYTES.min(self.script_budget);
        let text = if text.len() > limit {
            self.truncated = true;
            let mut cut = limit;
            // Back off to a UTF-8 lead byte so the last word is not cut mid-character.
            while cut > 0 && (text[cut] & 0xC0) == 0x80 {
                cut -= 1;
            }
            &text[..cut]
        } else {
            text
        };
        self.script_budget -= text.len();
        if !self.enter() {
            return;
        }
        let mut script = Script::new(text);
        parse_list(self, &mut script, ctx, ListEnd::Eof);
        self.leave();
    }

    /// Record one simple command: unwrap it, then parse the shell text it runs one level
    /// deeper.
    pub fn emit(
        &mut self,
        argv: Words<'a>,
        assignments: Vec<(String, String)>,
        redirects: Vec<Redirect>,
        joiner: Joiner,
        ctx: Ctx,
    ) {
        if self.stop {
            return;
        }
        let bytes = text_bytes(&argv, &assignments, &redirects);
        if self.out.len() >= MAX_COMMANDS || bytes > self.word_budget {
            self.truncated = true;
            self.stop = true;
            return;
        }
        self.word_budget -= bytes;
        let Unwrapped {
            argv,
            assignments,
            wrappers,
            script,
            stdin_script,
            truncated,
        } = unwrap(argv, assignments);
        self.truncated |= truncated;
        let mut scripts: Words<'a> = script.into_iter().collect();
        if stdin_script {
            scripts.extend(
                redirects
                    .iter()
                    .filter(|r| r.op == RedirectOp::HereDoc && matches!(r.fd, None | Some(0)))
                    .map(|r| Arg::Owned(r.target.clone())),
            );
        }
        let program_at = argv.first().map_or(0, |p| p.len() - basename(p).len());
        let class = crate::knowledge::class_of(argv.first().map_or("", |p| &p[program_at..]));
        // Read before the command moves into `out`; a `tee` reads its pipe source there.
        let mut payloads = carried(&argv, &redirects, self.pipe_source(joiner, ctx));
        if ctx.depth >= MAX_DEPTH && !payloads.is_empty() {
            self.truncated = true;
            payloads.clear();
        }
        self.out.push(SimpleCommand {
            class,
            program_at,
            argv,
            assignments,
            redirects,
            joiner,
            depth: ctx.depth,
            in_substitution: ctx.in_subst,
            wrappers,
            origin: ctx.origin,
            holds_commands: false,
        });
        let carrier = self.out.len() - 1;
        let inner = Ctx {
            depth: ctx.depth.saturating_add(1),
            ..ctx
        };
        for text in scripts {
            self.parse_script(text.as_bytes(), inner);
        }
        for payload in payloads {
            self.run_payload(payload, carrier, inner);
        }
        if self.out.len() > carrier + 1 && self.out[carrier + 1].depth > ctx.depth {
            self.out[carrier].holds_commands = true;
        }
    }

    /// The command a command joined by a pipe reads from: the last one emitted at the same
    /// depth and substitution level (see [`super::CommandLine::pipe_source`]).
    fn pipe_source(&self, joiner: Joiner, ctx: Ctx) -> Option<&SimpleCommand<'a>> {
        if joiner != Joiner::Pipe {
            return None;
        }
        self.out
            .iter()
            .rev()
            .find(|c| c.depth == ctx.depth && c.in_substitution == ctx.in_subst)
    }

    /// Parse one carried command line one level deeper, marked with its origin.
    fn run_payload(&mut self, payload: Payload, carrier: usize, inner: Ctx) {
        if self.stop {
            return;
        }
        if self.origins.len() >= MAX_CARRIED {
            self.truncated = true;
            return;
        }
        let index = self.origins.len() as u8;
        self.origins.push(Origin {
            carried: payload.carried,
            via: payload.via,
            carrier,
        });
        let ctx = Ctx {
            origin: Some(index),
            ..inner
        };
        match payload.runs {
            Runs::Shell(text) => self.parse_script(text.as_bytes(), ctx),
            Runs::Argv(words) if !words.is_empty() => {
                let argv = words.into_iter().map(Arg::Owned).collect();
                self.emit(argv, Vec::new(), Vec::new(), Joiner::Sequence, ctx);
            }
            Runs::Argv(_) => {}
        }
    }
}

/// A simple command being read.
struct Pending<'a> {
    argv: Words<'a>,
    assignments: Vec<(String, String)>,
    redirects: Vec<Redirect>,
    joiner: Joiner,
}

impl<'a> Pending<'a> {
    fn new(joiner: Joiner) -> Self {
        Pending {
            argv: Words::new(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            joiner,
        }
    }

    /// Nothing but (maybe) redirections read yet: a keyword or assignment may come.
    fn at_start(&self) -> bool {
        self.argv.is_empty() && self.assignments.is_empty()
    }

    /// Emit the command read so far (a bare assignment or redirection is not a command)
    /// and start the next one.
    fn finish(&mut self, p: &mut Parser<'a>, ctx: Ctx) {
        let done = std::mem::replace(self, Pending::new(Joiner::Sequence));
        if !done.argv.is_empty() {
            p.emit(
                done.argv,
                done.assignments,
                done.redirects,
                done.joiner,
                ctx,
            );
        }
    }
}

/// Where in a compound command the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Command,
    /// After `for`/`select`: the variable and word list, up to `;`, newline or `do`.
    ForHeader,
    /// After `case`: the subject, up to `in`.
    CaseSubject,
    /// A `case` pattern, up to `)`.
    CasePattern,
    /// After `function`: the name.
    FunctionName,
}

/// Read commands until `end`, emitting each.
pub(super) fn parse_list(p: &mut Parser<'_>, s: &mut Script, ctx: Ctx, end: ListEnd) {
    let mut cmd = Pending::new(Joiner::Sequence);
    let mut mode = Mode::Command;
    let mut parens = 0usize;
    let mut open_cases = 0usize;
    loop {
        if p.stop {
            return;
        }
        let cmd_start = cmd.at_start() && matches!(mode, Mode::Command | Mode::ForHeader);
        let token = next_token(p, s, ctx, cmd_start);
        // Header words of compound commands are consumed here; anything else falls through.
        let token = match (mode, token) {
            (Mode::Command, t) => t,
            (_, Token::Eof) => Token::Eof,
            (Mode::ForHeader, Token::Word(w)) => {
                if w.is_bare("do") {
                    mode = Mode::Command;
                }
                continue;
            }
            (Mode::ForHeader, Token::Arith) => continue,
            (Mode::CaseSubject, Token::Word(w)) => {
                if w.is_bare("in") {
                    mode = Mode::CasePattern;
                }
                continue;
            }
            (Mode::CaseSubject, Token::Op(Op::Newline)) => continue,
            (Mode::CasePattern, Token::Word(w)) => {
                if w.is_bare("esac") {
                    open_cases = open_cases.saturating_sub(1);
                    mode = Mode::Command;
                }
                continue;
            }
            (Mode::CasePattern, Token::Op(Op::RParen)) => {
                mode = Mode::Command;
                continue;
            }
            (Mode::CasePattern, Token::Op(Op::LParen | Op::Pipe | Op::Newline | Op::CaseEnd)) => {
                continue
            }
            (Mode::FunctionName, Token::Word(_)) => {
                mode = Mode::Command;
                continue;
            }
            (_, t) => {
                mode = Mode::Command;
                t
            }
        };
        match token {
            Token::Eof => {
                cmd.finish(p, ctx);
                return;
            }
            Token::Arith => {}
            Token::Word(w) => {
                if cmd.at_start() && w.quoted_from.is_none() {
                    if let Some(next) = keyword(&w, &mut cmd, &mut open_cases) {
                        mode = next;
                        continue;
                    }
                }
                if cmd.argv.is_empty() {
                    if let Some(assignment) = w.assignment() {
                        cmd.assignments.push(assignment);
                        continue;
                    }
                }
                cmd.argv.push(Arg::Owned(w.text));
            }
            Token::Redirect { fd, kind } => {
                let word = redirect_target(p, s, ctx);
                let (op, target) = match kind {
                    RedirKind::Plain(op) => (op, word.text),
                    RedirKind::HereString => (RedirectOp::HereDoc, word.text),
                    RedirKind::HereDoc { strip_tabs } => {
                        (RedirectOp::HereDoc, s.heredoc_body(&word.text, strip_tabs))
                    }
                };
                cmd.redirects.push(Redirect { fd, op, target });
            }
            Token::Op(Op::LParen) => {
                if cmd.argv.len() == 1 && cmd.assignments.is_empty() {
                    // `name()`: a function definition, not a command.
                    cmd = Pending::new(cmd.joiner);
                } else if !cmd.at_start() {
                    cmd.finish(p, ctx);
                }
                parens += 1;
            }
            Token::Op(Op::RParen) => {
                cmd.finish(p, ctx);
                if parens > 0 {
                    parens -= 1;
                } else if end == ListEnd::Paren {
                    return;
                }
            }
            Token::Op(op) => {
                cmd.finish(p, ctx);
                cmd.joiner = match op {
                    Op::Pipe | Op::PipeAll => Joiner::Pipe,
                    Op::And => Joiner::And,
                    Op::Or => Joiner::Or,
                    _ => Joiner::Sequence,
                };
                if op == Op::CaseEnd && open_cases > 0 {
                    mode = Mode::CasePattern;
                }
            }
        }
    }
}

/// Handle a reserved word at command start; `Some(mode)` when `w` was one.
fn keyword(w: &Word, cmd: &mut Pending<'_>, open_cases: &mut usize) -> Option<Mode> {
    match w.text.as_str() {
        // These keep the joiner: `a && if b` runs b after a succeeded, `a | { b; }` pipes.
        "if" | "while" | "until" | "!" | "{" => Some(Mode::Command),
        "then" | "else" | "elif" | "fi" | "do" | "done" | "}" => {
            cmd.joiner = Joiner::Sequence;
            Some(Mode::Command)
        }
        "esac" => {
            *open_cases = open_cases.saturating_sub(1);
            cmd.joiner = Joiner::Sequence;
            Some(Mode::Command)
        }
        "for" | "select" => Some(Mode::ForHeader),
        "case" => {
            *open_cases += 1;
            Some(Mode::CaseSubject)
        }
        "function" => Some(Mode::FunctionName),
        _ => None,
    }
}
