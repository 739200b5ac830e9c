//! The command line as a shell would read it.
//!
//! [`parse_exec`] takes an exec's argv and returns the simple commands it really runs:
//! `sh -c`/`bash -c` strings are split on `|`, `;`, `&&`, `||`, `&`, newlines, `$(...)` and
//! backticks (recursively, bounded depth), quoting is resolved, redirections are separated out,
//! and wrappers (`env VAR=.. cmd`, `busybox APPLET`, `timeout N`, `nohup`, `nice -n N`,
//! `setsid`, `stdbuf`, `sudo`...) are unwrapped so detectors see the program that runs.
//! Work is bounded on any input (size, stages, nesting) and truncation is marked.
//!
//! What runs a shell string here: `sh -c` (any common shell, combined flags such as `-lc`),
//! `su -c`, `runuser -c`, `script -c`, `flock FILE -c`, `eval`, `watch` (without `-x`),
//! `capsh -- -c`, and a here-document or here-string fed to a shell's stdin (`bash <<EOF`).
//! Compound commands (`if`, `for`, `while`, `case`, `{ }`, `( )`) are flattened: their keywords
//! are dropped and the commands inside them are listed in source order.
//!
//! Commands carried inside a command are read too, one level deeper, each with its
//! [`Origin`]: a command line in an option (`find -exec`, `ssh -o ProxyCommand=`, the table
//! in `knowledge/data/carriers.toml`, read by `carry`), the command-running calls of
//! interpreter code (`python -c "os.system('..')"`, read by `code`), and text written into a
//! file that runs it (`echo '..' >> ~/.bashrc`, `knowledge/data/written_paths.toml`).
//!
//! Not here: judging anything, expanding variables or globs, arithmetic (`$((...))` is kept
//! as text), or running interpreter code (only its command-running calls are read).
//! This is a robust approximation of POSIX/bash syntax for triage, not a shell: input a shell
//! would reject (unbalanced quotes) is still read as far as it goes.

use crate::knowledge::ToolClass;
use crate::text::{basename, floor_char_boundary};
use std::borrow::Cow;

mod carry;
pub mod code;
mod lex;
pub(crate) use lex::is_identifier;
mod parse;
mod wrappers;

#[cfg(test)]
mod tests;

/// Bytes of the exec's own argv kept (longer argv is cut, and marked truncated).
pub const MAX_ARGV_BYTES: usize = 64 * 1024;
/// Arguments of the exec's own argv kept.
pub const MAX_ARGV_ITEMS: usize = 4096;
/// Bytes of one shell string parsed.
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;
/// Bytes of shell text parsed over one whole parse (nested strings are parsed again).
pub const MAX_TOTAL_SCRIPT_BYTES: usize = 256 * 1024;
/// Bytes of words, assignments and redirect targets returned over all commands. Text is
/// repeated once per level it is nested in (an unclosed `$(` holds the rest of the script,
/// and its commands hold it again), so without this a 16 KiB argv made ~0.9 MB of words for
/// the detectors to read (~19 M instructions per analysis, against ~1.3 M for a 1 MiB
/// argv). Twice [`MAX_ARGV_BYTES`]: the exec's own argv and one `sh -c` string of that
/// size fit whole.
pub const MAX_TOTAL_WORD_BYTES: usize = 2 * MAX_ARGV_BYTES;
/// Simple commands returned.
pub const MAX_COMMANDS: usize = 256;
/// Deepest [`SimpleCommand::depth`] (nested `sh -c`, `eval`, here-documents to a shell).
pub const MAX_DEPTH: u8 = 8;
/// Nested constructs open at once (substitutions, `${...}`, nested strings): bounds recursion.
pub const MAX_NESTING: usize = 24;
/// Wrappers removed from one command.
pub const MAX_WRAPPERS: usize = 16;
/// Carried command lines read over one parse ([`CommandLine::origins`]); more are not read.
pub const MAX_CARRIED: usize = 16;
/// Bytes of one carried payload's description ([`Origin::via`]).
pub const MAX_VIA_BYTES: usize = 160;

/// A redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectOp {
    /// `<`
    In,
    /// `>`, `>|`, `&>` (stdout and stderr)
    Out,
    /// `>>`, `&>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `>&` / `<&` (dup: `2>&1`, `>&/dev/tcp/..`)
    Dup,
    /// `<<`, `<<<`: the target is the here-document body, or the here-string word.
    HereDoc,
}

/// One redirection: `2>/dev/null`, `>& /dev/tcp/10.0.0.1/4444`, `0<&196`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub fd: Option<u32>,
    pub op: RedirectOp,
    pub target: String,
}

/// How a simple command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joiner {
    /// First command, or after `;`, `&`, newline.
    Sequence,
    /// After `|` or `|&`: reads the previous command's output.
    Pipe,
    /// After `&&`.
    And,
    /// After `||`.
    Or,
}

/// One word of a command: borrowed from the exec's own argv (the common case, no copy), or
/// owned when the parser built it from a shell string (quotes removed).
pub type Arg<'a> = Cow<'a, str>;

/// A command's words: the first few inline, so an ordinary exec's parse allocates nothing.
pub type Words<'a> = smallvec::SmallVec<[Arg<'a>; 4]>;

/// The parsed commands: one inline, the exec itself when it carries no other.
pub type Commands<'a> = smallvec::SmallVec<[SimpleCommand<'a>; 1]>;

/// One program invocation after unwrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand<'a> {
    /// The program and its arguments, quotes removed; argv[0] as written (may be a path).
    /// Substitutions (`$(..)`, backticks, `${..}`) are kept as their source text.
    pub argv: Words<'a>,
    /// `VAR=value` assignments in front of it (or given to `env`/`sudo`).
    pub assignments: Vec<(String, String)>,
    pub redirects: Vec<Redirect>,
    pub joiner: Joiner,
    /// 0 for the exec itself, 1 inside its `sh -c` string, 2 inside a nested one...
    pub depth: u8,
    /// Inside `$(...)`, backticks or a process substitution `<(...)` (also when the
    /// substitution encloses the `sh -c` string that holds it).
    pub in_substitution: bool,
    /// The wrappers removed to reach it, outermost first (`timeout`, `nohup`, `busybox`...).
    /// Only this command's own wrappers: the commands of an `sudo sh -c '..'` string do not
    /// repeat `sudo` (read the enclosing command for that).
    pub wrappers: Vec<Wrapper<'a>>,
    /// The knowledge class of [`Self::program`], looked up once here: every detector asks.
    pub class: Option<ToolClass>,
    /// Index in [`CommandLine::origins`] of the carried command line this command is part of
    /// (the innermost one), or `None` for the exec's own command line and its `sh -c` text.
    pub origin: Option<u8>,
    /// Text in its words was parsed into the commands that follow it (a `sh -c` script, a
    /// carried command line): a keyword found in those words is theirs to judge.
    pub holds_commands: bool,
    /// Byte offset of the basename in argv[0], found once here: every detector asks for
    /// [`Self::program`] (the parser never changes argv after building the command).
    program_at: usize,
}

/// A wrapper removed from the head of a command, with its own options and operands
/// (`nsenter -t 1 -m`, `chroot /host`, `sudo -u root`): some wrappers are the behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapper<'a> {
    /// The wrapper's words up to the command it runs, argv[0] as written.
    pub argv: Words<'a>,
}

impl Wrapper<'_> {
    /// Basename of argv[0] (`/usr/bin/sudo` -> `sudo`).
    pub fn name(&self) -> &str {
        self.argv.first().map(|p| basename(p)).unwrap_or("")
    }

    /// The wrapper's options and operands (argv[1..]).
    pub fn args(&self) -> &[Arg<'_>] {
        self.argv.get(1..).unwrap_or(&[])
    }
}

impl PartialEq<&str> for Wrapper<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

impl PartialEq<String> for Wrapper<'_> {
    fn eq(&self, other: &String) -> bool {
        self.name() == other
    }
}

impl SimpleCommand<'_> {
    /// Basename of argv[0] (`/usr/bin/nc` -> `nc`), or "" when argv is empty.
    pub fn program(&self) -> &str {
        self.argv
            .first()
            .and_then(|p| p.get(self.program_at..))
            .unwrap_or("")
    }

    /// Bytes of text this command holds for the detectors (its wrappers' words aside).
    pub fn text_bytes(&self) -> usize {
        text_bytes(&self.argv, &self.assignments, &self.redirects)
    }
}

/// Bytes of a command's words, assignments and redirect targets: what
/// [`MAX_TOTAL_WORD_BYTES`] bounds over one parse.
fn text_bytes(argv: &[Arg], assignments: &[(String, String)], redirects: &[Redirect]) -> usize {
    argv.iter().map(|a| a.len()).sum::<usize>()
        + assignments
            .iter()
            .map(|(n, v)| n.len() + v.len())
            .sum::<usize>()
        + redirects.iter().map(|r| r.target.len()).sum::<usize>()
}

/// How a command line is carried inside another command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    /// In an option's value or words (`find -exec`, `ssh -o ProxyCommand=`).
    Option,
    /// In interpreter code (`python3 -c "os.system('..')"`).
    Code,
    /// Written into a file that runs it (`echo '..' >> ~/.bashrc`, a crontab line).
    Written,
    /// Run in a container by its CLI (`docker exec web CMD`, `kubectl exec POD -- CMD`).
    Container,
}

/// Where a carried command line came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub carried: Carried,
    /// How the evidence names the carrier, a phrase that follows a finding (`run by find
    /// -exec`, `in python3 -c code, os.system`, `written into /root/.bashrc`): raw text, at
    /// most [`MAX_VIA_BYTES`]; escape when echoing.
    pub via: String,
    /// Index in [`CommandLine::commands`] of the command that carries it.
    pub carrier: usize,
}

/// The parsed exec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine<'a> {
    /// Every simple command in execution order, the exec itself (unwrapped) first; never
    /// empty. Commands of a substitution come before the command whose words hold it (they
    /// run first); the commands of a `sh -c` string, and those a command carries, come right
    /// after that command.
    pub commands: Commands<'a>,
    /// The carried command lines, in the order they were found (at most [`MAX_CARRIED`]).
    pub origins: Vec<Origin>,
    /// A limit (bytes, commands, nesting) cut the parse short.
    pub truncated: bool,
}

impl<'a> CommandLine<'a> {
    /// Where `c` came from, when it is carried.
    pub fn origin_of(&self, c: &SimpleCommand) -> Option<&Origin> {
        self.origins.get(usize::from(c.origin?))
    }

    /// Bytes of text all commands hold: what [`MAX_TOTAL_WORD_BYTES`] bounds.
    pub fn text_bytes(&self) -> usize {
        self.commands.iter().map(SimpleCommand::text_bytes).sum()
    }

    /// The command whose output `commands[i]` reads, when it is joined by [`Joiner::Pipe`]:
    /// the nearest earlier command at the same depth and substitution level. Nesting is
    /// flattened, so this is a heuristic; it is right for `a | b`, `a | b $(c)`,
    /// `$(a | b)` and `sh -c '..' | b`.
    pub fn pipe_source(&self, i: usize) -> Option<&SimpleCommand<'a>> {
        let cmd = self.commands.get(i)?;
        if cmd.joiner != Joiner::Pipe {
            return None;
        }
        self.commands[..i]
            .iter()
            .rev()
            .find(|c| c.depth == cmd.depth && c.in_substitution == cmd.in_substitution)
    }
}

/// Parse an exec's argv (argv[0] included).
///
/// Never panics; work is linear in the input and bounded by the `MAX_*` limits above.
/// The words of the exec's own argv are borrowed, not copied.
pub fn parse_exec(argv: &[String]) -> CommandLine<'_> {
    let mut parser = parse::Parser::new();
    let argv = bounded_argv(argv, &mut parser.truncated);
    parser.emit(
        argv,
        Vec::new(),
        Vec::new(),
        Joiner::Sequence,
        parse::Ctx {
            depth: 0,
            in_subst: false,
            origin: None,
        },
    );
    CommandLine {
        commands: parser.out,
        origins: parser.origins,
        truncated: parser.truncated,
    }
}

/// The exec's argv, cut to [`MAX_ARGV_ITEMS`] items and [`MAX_ARGV_BYTES`] bytes.
fn bounded_argv<'a>(argv: &'a [String], truncated: &mut bool) -> Words<'a> {
    let mut left = MAX_ARGV_BYTES;
    let mut out = Words::with_capacity(argv.len().min(MAX_ARGV_ITEMS));
    for (n, arg) in argv.iter().enumerate() {
        if n >= MAX_ARGV_ITEMS {
            *truncated = true;
            break;
        }
        if arg.len() > left {
            *truncated = true;
            let cut = floor_char_boundary(arg, left);
            if cut > 0 {
                out.push(Arg::Borrowed(&arg[..cut]));
            }
            break;
        }
        left -= arg.len();
        out.push(Arg::Borrowed(arg.as_str()));
    }
    out
}
