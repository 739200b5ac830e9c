//! Debuggers attached to a running process (gdb -p, strace -p, ltrace -p): reading another
//! process's memory or injecting code through ptrace. Debugging a program one starts is not.

use super::{args, ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[ToolClass::Debugger]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        if c.class != Some(ToolClass::Debugger) {
            continue;
        }
        let tool = c.program();
        let mut opts = args(c);
        // gdb(1) `--args`: the words after the program are the program's own arguments.
        if tool == "gdb" {
            if let Some(i) = opts.iter().position(|a| a == "--args" || a == "-args") {
                opts = &opts[..i];
            }
        }
        if opts.iter().any(|a| attaches(tool, a)) {
            out.hit(signals::PTRACE_ATTACH, super::join(c));
        }
    }
}

/// Whether one option word of `tool` attaches to a running process: `--pid=N`,
/// `--attach N`, `-p N`, `-p1234`.
fn attaches(tool: &str, a: &str) -> bool {
    let Some(o) = a.strip_prefix('-') else {
        return false;
    };
    let long = match o.strip_prefix('-') {
        Some(l) => l,
        // gdb reads long options with one dash too (getopt_long_only): `-pid N`, `-p N`.
        None if tool == "gdb" => o,
        None => "",
    };
    if matches!(long.split('=').next(), Some("pid" | "attach" | "p")) {
        return true;
    }
    if o.starts_with('-') {
        return false;
    }
    // strace and ltrace group short flags in front of it: `strace -fp 1234`, the usual idiom.
    let letters = o.trim_end_matches(|c: char| c.is_ascii_digit());
    letters == "p"
        || (tool != "gdb"
            && letters.ends_with('p')
            && letters.bytes().all(|b| b.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_attach() {
        assert_eq!(
            run(
                detect,
                &[
                    "gdb",
                    "-p",
                    "1234",
                    "-batch",
                    "-ex",
                    "call dlopen(\"/tmp/x.so\",2)"
                ]
            ),
            ["ptrace_attach"]
        );
        assert_eq!(run(detect, &["strace", "-p", "1"]), ["ptrace_attach"]);
    }

    #[test]
    fn fires_on_every_attach_spelling() {
        for argv in [
            &["strace", "-p1234"][..],
            &["strace", "-f", "--attach=1234", "-e", "trace=read"],
            &["gdb", "--pid=1234", "-batch", "-ex", "bt"],
            &["gdb", "--pid", "1234"],
            &["ltrace", "-p", "1234"],
            // Wrapped, and with the pid computed by the shell.
            &["sudo", "strace", "-p", "1"],
            &["sh", "-c", "strace -f -p $(pgrep -o sshd) -e trace=read"],
        ] {
            assert_eq!(run(detect, argv), ["ptrace_attach"], "{argv:?}");
        }
    }

    #[test]
    fn fires_on_grouped_and_one_dash_long_spellings() {
        for argv in [
            &["strace", "-fp", "1234"][..],
            &["strace", "-fyp1234"],
            &["ltrace", "-Sp", "1234"],
            &["gdb", "-pid", "1234"],
            &["gdb", "-q", "-p", "1234"],
            &["gdb", "-pid=1234", "-batch", "-ex", "bt"],
        ] {
            assert_eq!(run(detect, argv), ["ptrace_attach"], "{argv:?}");
        }
        // gdb's other one-dash long options hold a `p` but attach nothing.
        assert!(run(detect, &["gdb", "-interpreter=mi", "-nx", "./app"]).is_empty());
    }

    #[test]
    fn reads_gdb_options_only_up_to_args() {
        // gdb --args: `-p 8080` belongs to the program gdb starts (its port).
        assert!(run(detect, &["gdb", "--args", "./server", "-p", "8080"]).is_empty());
        assert!(run(
            detect,
            &["gdb", "-q", "-args", "./worker", "--pid=/run/w.pid"]
        )
        .is_empty());
        // Before `--args`, gdb's own options still count.
        assert_eq!(
            run(detect, &["gdb", "-p", "1234", "--args", "./server"]),
            ["ptrace_attach"]
        );
    }

    #[test]
    fn quiet_on_own_program() {
        assert!(run(detect, &["strace", "-f", "./app"]).is_empty());
        // Debugging a program one starts, or a core file, attaches to nothing.
        assert!(run(detect, &["strace", "-c", "-o", "/tmp/trace.txt", "ls"]).is_empty());
        assert!(run(
            detect,
            &["gdb", "-batch", "-ex", "bt", "/usr/bin/app", "core.1234"]
        )
        .is_empty());
        assert!(run(detect, &["ltrace", "-S", "./app"]).is_empty());
        // The `-p` of the traced program is its own option (a port here), not a pid.
        assert!(run(detect, &["strace", "-f", "ssh", "-p", "2222", "admin@db1"]).is_empty());
    }
}
