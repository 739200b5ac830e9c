//! The command line as a shell would read it.
//!
//! [`parse_exec`] takes an exec's argv and returns the simple commands it really runs:
//! `sh -c`/`bash -c` strings are split on `|`, `;`, `&&`, `||`, `&`, newlines, `$(...)` and
//! backticks (recursively, bounded depth), quoting is resolved, redirections are separated out,
//! and wrappers (`env VAR=.. cmd`, `busybox APPLET`, `timeout N`, `nohup`, `nice -n N`,
//! `setsid`, `stdbuf`, `sudo`...) are unwrapped so detectors see the program that runs.
//! Work is bounded on any input (size, stages, nesting) and truncation is marked.
//!
//! Not here: judging anything, or interpreting `python -c` code (detectors read
//! [`SimpleCommand::argv`] for that).

/// A redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `>&` / `<&` (dup: `2>&1`, `>&/dev/tcp/..`)
    Dup,
    /// `<<`, `<<<`
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
    /// After `|`: reads the previous command's output.
    Pipe,
    /// After `&&`.
    And,
    /// After `||`.
    Or,
}

/// One program invocation after unwrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The program and its arguments, quotes removed; argv[0] as written (may be a path).
    pub argv: Vec<String>,
    /// `VAR=value` assignments in front of it (or given to `env`).
    pub assignments: Vec<(String, String)>,
    pub redirects: Vec<Redirect>,
    pub joiner: Joiner,
    /// 0 for the exec itself, 1 inside its `sh -c` string, 2 inside a nested one...
    pub depth: u8,
    /// Inside `$(...)` or backticks.
    pub in_substitution: bool,
    /// The wrappers removed to reach it, outermost first (`timeout`, `nohup`, `busybox`...).
    pub wrappers: Vec<String>,
}

impl SimpleCommand {
    /// Basename of argv[0] (`/usr/bin/nc` -> `nc`), or "" when argv is empty.
    pub fn program(&self) -> &str {
        self.argv
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p))
            .unwrap_or("")
    }
}

/// The parsed exec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine {
    /// Every simple command in execution order, the exec itself (unwrapped) first.
    pub commands: Vec<SimpleCommand>,
    /// A limit (bytes, commands, nesting) cut the parse short.
    pub truncated: bool,
}

/// Parse an exec's argv (argv[0] included).
// CONTRACT STUB: replaced by the real parser.
pub fn parse_exec(argv: &[String]) -> CommandLine {
    CommandLine {
        commands: vec![SimpleCommand {
            argv: argv.to_vec(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            joiner: Joiner::Sequence,
            depth: 0,
            in_substitution: false,
            wrappers: Vec::new(),
        }],
        truncated: false,
    }
}
