//! Package managers run inside a running container (apt, apk, yum, dnf, pip, npm...): the
//! container drifts from its image and can fetch tools. Weak alone (stock rule parity).

use super::{ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    cx.in_container
        && cx.runs_any(ClassSet::of(&[
            ToolClass::PackageManager,
            ToolClass::LanguagePackageManager,
        ]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if !cx.in_container {
        return;
    }
    for c in cx.commands() {
        if matches!(
            c.class,
            Some(ToolClass::PackageManager | ToolClass::LanguagePackageManager)
        ) {
            out.hit(signals::PACKAGE_MANAGER_IN_CONTAINER, super::join(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_in_container() {
        let f = in_container(facts(&["apt-get", "install", "-y", "nmap"]));
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["package_manager_in_container"]
        );
    }

    #[test]
    fn quiet_on_host() {
        assert!(run(detect, &["apt-get", "update"]).is_empty());
    }
}
