//! `falco-triage`: the command-line adapter over the same core the Falco plugin uses.
//!
//! It only parses options, builds facts and lineage (via `falco_triage::cli`), calls
//! `analysis::analyze` and prints `report`'s renderings. No judgement lives here.

use clap::{Args, Parser, Subcommand};
use falco_triage::analysis::analyze;
use falco_triage::cli::{alert, catalog, explain, scenarios, SAMPLE_ALERT};
use falco_triage::report;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "falco-triage",
    version,
    about = "Explain, score and enrich Falco exec alerts.",
    long_about = "Explain, score and enrich Falco exec alerts: risk, severity, MITRE ATT&CK and true mitigation hints. Without a subcommand, explains the bundled sample alert (falcosecurity/event-generator's `nc -e` in a container)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

// New subcommands (e.g. `bench`) are a variant here plus an arm in `main`.
#[derive(Subcommand)]
enum Command {
    /// Explain one exec described by options: `explain [OPTIONS] -- ARGV...`
    Explain(ExplainArgs),
    /// Add triage.* fields to Falco JSON alerts, one per line (stdin by default).
    #[command(
        long_about = "Add triage.* fields to Falco JSON alerts read one per line from FILE \
        (stdin by default) and write them to stdout in the same order. The facts come from \
        output_fields: proc.cmdline, proc.exepath, proc.name, proc.pname and proc.aname[2..], \
        evt.arg.flags, container.id, user.uid, proc.tty, proc.cwd, proc.env, evt.res.\n\n\
        Lossy: Falco joins arguments (and env entries) with spaces, so an argument that \
        contained a space comes back as several. The plugin inside Falco sees the exact argv.\n\n\
        Lines that are not exec alerts pass through unchanged; malformed lines are reported on \
        stderr with their line number and passed through unchanged."
    )]
    Enrich {
        /// Alerts file (one JSON object per line); `-` or absent reads stdin.
        file: Option<PathBuf>,
    },
    /// Print the knowledge tables: signals, techniques, mitigations.
    Catalog {
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write bundled exec scenarios as a .scap capture Falco can replay.
    Scap(ScapArgs),
    /// Measure the hot path on this machine: ns per analysis (median, p99), decode, and all
    /// fields of one event through the plugin's C ABI.
    Bench(falco_triage::cli::bench::BenchArgs),
}

#[derive(Args)]
struct ExplainArgs {
    /// Print report::json_report as one JSON line instead of the text report.
    #[arg(long)]
    json: bool,
    /// Resolved executable path (defaults to ARGV[0]).
    #[arg(long, value_name = "PATH")]
    exe: Option<String>,
    /// Ancestor comm; repeat, nearest first (--parent bash --parent sshd).
    #[arg(long = "parent", value_name = "COMM")]
    parents: Vec<String>,
    /// Runs in a container, optionally with its id (hex, 12 or 64 characters).
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    container: Option<String>,
    /// Effective uid.
    #[arg(long, value_name = "N")]
    uid: Option<u32>,
    /// Exe flags: writable, upper_layer, lower_layer, memfd (comma-separated).
    #[arg(long, value_name = "FLAGS")]
    exe_flags: Vec<String>,
    /// Effective capabilities (CAP_SYS_ADMIN,CAP_NET_RAW,...).
    #[arg(long, value_name = "CAPS")]
    caps: Vec<String>,
    /// Has a controlling terminal (interactive).
    #[arg(long)]
    tty: bool,
    /// Environment entry KEY=VALUE; repeat.
    #[arg(long, value_name = "K=V")]
    env: Vec<String>,
    /// Working directory.
    #[arg(long, value_name = "DIR")]
    cwd: Option<String>,
    /// Syscall result: 0 success, negative errno (e.g. -2) for a failed exec.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    res: Option<i64>,
    /// The command: argv[0] first.
    #[arg(last = true, required = true, value_name = "ARGV")]
    argv: Vec<String>,
}

#[derive(Args)]
struct ScapArgs {
    /// Scenario to write (see --list).
    #[arg(long, conflicts_with_all = ["all", "list"])]
    scenario: Option<String>,
    /// Write every scenario, in order, into one capture.
    #[arg(long, conflicts_with = "list")]
    all: bool,
    /// List the scenarios.
    #[arg(long)]
    list: bool,
    /// Output file.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE.scap",
        required_unless_present = "list"
    )]
    output: Option<PathBuf>,
    /// gzip-compress the capture (libscap reads both).
    #[arg(long)]
    gzip: bool,
}

fn main() -> ExitCode {
    falco_triage::panic_guard::install_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        None => explain_sample(),
        Some(Command::Explain(args)) => run_explain(args),
        Some(Command::Enrich { file }) => run_enrich(file),
        Some(Command::Catalog { json }) => run_catalog(json),
        Some(Command::Scap(args)) => run_scap(args),
        Some(Command::Bench(args)) => {
            falco_triage::cli::bench::run(args).map_err(|e| format!("{e:#}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("falco-triage: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn print(text: &str) -> Result<(), String> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // `falco-triage ... | head` closes the pipe early: not an error worth reporting.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

fn explain_sample() -> Result<(), String> {
    let (facts, lineage) =
        alert::facts_from_alert(SAMPLE_ALERT).map_err(|e| format!("bundled sample alert: {e}"))?;
    let verdict = analyze(&facts, &lineage);
    let text = report::render(&facts, &lineage, &verdict);
    print(&report::text_report(&facts, &lineage, &verdict, &text))
}

fn run_explain(args: ExplainArgs) -> Result<(), String> {
    let input = explain::ExplainInput {
        argv: args.argv,
        exe: args.exe,
        parents: args.parents,
        container: args
            .container
            .map(|id| if id.is_empty() { None } else { Some(id) }),
        uid: args.uid,
        exe_flags: args.exe_flags,
        caps: args.caps,
        tty: args.tty,
        env: args.env,
        cwd: args.cwd,
        res: args.res,
    };
    let (facts, lineage) = explain::facts_from_input(&input)?;
    let verdict = analyze(&facts, &lineage);
    let text = report::render(&facts, &lineage, &verdict);
    if args.json {
        print(&format!(
            "{}\n",
            report::json_report(&facts, &lineage, &verdict, &text)
        ))
    } else {
        print(&report::text_report(&facts, &lineage, &verdict, &text))
    }
}

fn run_enrich(file: Option<PathBuf>) -> Result<(), String> {
    let stdout = io::stdout().lock();
    let stderr = io::stderr().lock();
    let result = match file.filter(|f| f.as_os_str() != "-") {
        Some(path) => {
            let f =
                File::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            alert::enrich_stream(
                BufReader::new(f),
                BufWriter::new(stdout),
                stderr,
                alert::MAX_LINE_BYTES,
            )
        }
        None => alert::enrich_stream(
            io::stdin().lock(),
            BufWriter::new(stdout),
            stderr,
            alert::MAX_LINE_BYTES,
        ),
    };
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("enrich stopped: {e}")),
    }
}

fn run_catalog(json: bool) -> Result<(), String> {
    let signals = catalog::knowledge_signals();
    if json {
        print(&format!("{}\n", catalog::catalog_json(&signals)))
    } else {
        print(&catalog::catalog_text(&signals))
    }
}

fn run_scap(args: ScapArgs) -> Result<(), String> {
    if args.list {
        let mut text = String::new();
        for s in scenarios::SCENARIOS {
            text.push_str(&format!("{:<24} {}\n", s.name, s.description));
        }
        return print(&text);
    }
    let chosen: Vec<&scenarios::Scenario> = if args.all {
        scenarios::SCENARIOS.iter().collect()
    } else {
        let name = args.scenario.as_deref().unwrap_or("netcat-event-generator");
        vec![scenarios::find(name).ok_or_else(|| {
            format!(
                "unknown scenario `{}`; `falco-triage scap --list` shows them",
                report::escape(name, 60)
            )
        })?]
    };
    let path = args.output.ok_or("missing -o FILE.scap")?;
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let capture = scenarios::capture(&chosen);
    capture
        .write_to(BufWriter::new(file), args.gzip)
        .and_then(|mut w| w.flush())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!(
        "falco-triage: wrote {} exec event(s) to {}; replay: falco -o engine.kind=replay -o engine.replay.capture_file={}",
        capture.execs.len(),
        path.display(),
        path.display()
    );
    Ok(())
}
