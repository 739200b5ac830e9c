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
        f.caps.effective = Some(0xa80425fb);
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }
}
