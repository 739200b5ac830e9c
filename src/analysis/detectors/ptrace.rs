//! Debuggers attached to a running process (gdb -p, strace -p, ltrace -p): reading another
//! process's memory or injecting code through ptrace. Debugging a program one starts is not.

use super::{args, has_opt, ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[ToolClass::Debugger]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        if c.class != Some(ToolClass::Debugger) {
            continue;
        }
        let attach = has_opt(c, &["-p", "--pid", "--attach"])
            || args(c).iter().any(|a| {
                a.starts_with("-p") && a[2..].bytes().all(|b| b.is_ascii_digit()) && a.len() > 2
            });
        if attach {
            out.hit(signals::PTRACE_ATTACH, super::join(c));
        }
    }
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
    fn quiet_on_own_program() {
        assert!(run(detect, &["strace", "-f", "./app"]).is_empty());
    }
}
