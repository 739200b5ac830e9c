//! Privileged or excessively capable containers: the exec holds CAP_SYS_ADMIN, CAP_SYS_MODULE,
//! CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH or CAP_BPF in its effective set inside a container.
//! Docker's default set has none of them. Context, weak alone; it raises other findings.

use super::{Ctx, Findings};
use crate::knowledge::signals;

/// (capability number, name) from linux/capability.h.
const DANGEROUS: &[(u32, &str)] = &[
    (21, "CAP_SYS_ADMIN"),
    (16, "CAP_SYS_MODULE"),
    (19, "CAP_SYS_PTRACE"),
    (2, "CAP_DAC_READ_SEARCH"),
    (39, "CAP_BPF"),
    (17, "CAP_SYS_RAWIO"),
];

/// Names of the dangerous capabilities in an effective set.
pub fn dangerous_caps(effective: u64) -> impl Iterator<Item = &'static str> {
    DANGEROUS
        .iter()
        .filter(move |(n, _)| effective & (1u64 << n) != 0)
        .map(|(_, name)| *name)
}

/// Always: one test of the capability sets.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let Some(eff) = cx.facts.caps.effective else {
        return;
    };
    if !cx.in_container || dangerous_caps(eff).next().is_none() {
        return;
    }
    let names: Vec<&str> = dangerous_caps(eff).collect();
    let all = eff.count_ones() >= 38;
    out.hit(
        signals::DANGEROUS_CAPABILITIES,
        if all {
            "the container runs privileged (all capabilities)".to_string()
        } else {
            format!("the container holds {}", names.join(", "))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    /// Docker's default effective set.
    const DOCKER_DEFAULT: u64 = 0xa80425fb;

    #[test]
    fn fires_with_sys_admin_in_container() {
        let mut f = in_container(facts(&["sh"]));
        f.caps.effective = Some(1 << 21);
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["dangerous_capabilities"]
        );
    }

    #[test]
    fn quiet_with_default_caps() {
        let mut f = in_container(facts(&["sh"]));
        f.caps.effective = Some(DOCKER_DEFAULT);
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }

    /// The evidence of each hit for `sh` in a container with this effective set.
    fn evidence(effective: u64) -> Vec<String> {
        let mut f = in_container(facts(&["sh"]));
        f.caps.effective = Some(effective);
        let lineage = Lineage::default();
        let cmd = crate::analysis::shell::parse_exec(&f.argv);
        let mut out = Findings::default();
        detect(&Ctx::new(&f, &lineage, &cmd), &mut out);
        out.hits.into_iter().map(|h| h.evidence).collect()
    }

    #[test]
    fn names_the_added_capabilities() {
        // `--cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH`, named in DANGEROUS order.
        assert_eq!(
            evidence(DOCKER_DEFAULT | 1 << 19 | 1 << 2),
            ["the container holds CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH"]
        );
        // Bits above 31 (CAP_BPF is 39).
        assert_eq!(
            evidence(DOCKER_DEFAULT | 1 << 39),
            ["the container holds CAP_BPF"]
        );
        // `--cap-add NET_ADMIN` (a VPN or mesh sidecar) is not on the list.
        assert!(evidence(DOCKER_DEFAULT | 1 << 12).is_empty());
    }

    #[test]
    fn reads_a_full_set_as_privileged() {
        let privileged = "the container runs privileged (all capabilities)";
        // CAP_LAST_CAP is 40 since Linux 5.9, 37 before 5.8.
        assert_eq!(evidence((1 << 41) - 1), [privileged]);
        assert_eq!(evidence((1 << 38) - 1), [privileged]);
    }

    #[test]
    fn quiet_on_the_host_or_without_caps() {
        // Root on the host holds every capability.
        let mut f = facts(&["sh"]);
        f.caps.effective = Some((1 << 41) - 1);
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
        // An event without capability sets says nothing.
        let f = in_container(facts(&["sh"]));
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }
}
