//! Package managers run inside a running container (apt, apk, yum, dnf, pip, npm...): the
//! container drifts from its image and can fetch tools. Weak alone (stock rule parity).

use super::needles::Needles;
use super::{args, ClassSet, Ctx, Findings};
use crate::analysis::shell::{Arg, SimpleCommand};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    static PIP: Needles = Needles::new(&["pip"]);
    cx.in_container
        && (cx.runs_any(ClassSet::of(&[
            ToolClass::PackageManager,
            ToolClass::LanguagePackageManager,
        ])) || (cx.runs_any(ClassSet::of(&[ToolClass::Interpreter]))
            && cx.words_may_hold(&PIP)))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if !cx.in_container {
        return;
    }
    for c in cx.commands() {
        let fires = match c.class {
            // System package managers: any run (stock rule parity).
            Some(ToolClass::PackageManager) => true,
            Some(ToolClass::LanguagePackageManager) => {
                // pip3.11 is pip.
                let tool = c
                    .program()
                    .trim_end_matches(|ch: char| ch.is_ascii_digit() || ch == '.');
                changes_packages(tool, args(c)) && !super::version_query_only(c)
            }
            Some(ToolClass::Interpreter) => {
                python_pip(c).is_some_and(|a| changes_packages("pip", a))
            }
            _ => false,
        };
        if fires {
            out.hit(signals::PACKAGE_MANAGER_IN_CONTAINER, super::join(c));
        }
    }
}

/// Whether a language package manager given `args` installs, updates or removes packages
/// (the tools' documented commands and aliases). Anything else runs the app: `npm start`,
/// `npm run build`, `yarn start`, `bundle exec puma`.
fn changes_packages(tool: &str, args: &[Arg]) -> bool {
    // The subcommand: the first operand that is not a path (`npm --prefix /app ci`).
    let Some(sub) = args
        .iter()
        .find(|a| !a.starts_with('-') && !a.contains('/'))
    else {
        // Bare `yarn` and `bundle` install: it is their default command.
        return matches!(tool, "yarn" | "bundle" | "bundler");
    };
    let subs = match tool {
        // npm lib/utils/cmd-list.js, typos included; `exec`/`x` fetch a missing package, as
        // npx does.
        "npm" => {
            "install i add in ins inst insta instal isnt isnta isntal isntall ci ic \
             clean-install install-clean isntall-clean install-test it install-ci-test cit \
             clean-install-test sit update up upgrade udpate uninstall un unlink remove rm r \
             exec x"
        }
        "yarn" => "add install upgrade upgrade-interactive up remove dlx",
        "pnpm" => {
            "add install i install-test it update up upgrade remove rm uninstall un dlx fetch"
        }
        "pip" => "install uninstall download wheel",
        "pipx" => {
            "install install-all uninstall uninstall-all upgrade upgrade-all reinstall \
             reinstall-all inject uninject run"
        }
        "gem" => "install i update uninstall fetch",
        "bundle" | "bundler" => "install i update add remove",
        "composer" => {
            "install i update u upgrade require r remove rm uninstall reinstall create-project"
        }
        // npx and easy_install fetch whatever they are given.
        _ => return true,
    };
    subs.split_whitespace().any(|s| s == sub)
}

/// pip's arguments in `python3 -m pip ARGS`.
fn python_pip<'c>(c: &'c SimpleCommand) -> Option<&'c [Arg<'c>]> {
    if !c.program().starts_with("python") {
        return None;
    }
    let a = args(c);
    // Interpreter flags may come first (`python3 -u -m pip`); an operand is a script.
    let i = a
        .iter()
        .position(|x| !x.starts_with('-') || x == "-m" || x == "-mpip")?;
    match &*a[i] {
        "-m" if a.get(i + 1).is_some_and(|m| m == "pip") => Some(&a[i + 2..]),
        "-mpip" => Some(&a[i + 1..]),
        _ => None,
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

    fn in_ctr(argv: &[&str]) -> Vec<&'static str> {
        run_with(detect, &in_container(facts(argv)), &Lineage::default()).0
    }

    #[test]
    fn fires_on_system_and_language_package_managers() {
        for argv in [
            &["apk", "add", "--no-cache", "nmap"][..],
            &["pip", "install", "requests"],
            // Versioned names fall back to their class.
            &["pip3.11", "install", "paramiko"],
            &["sh", "-c", "apt-get update && apt-get install -y socat"],
        ] {
            assert_eq!(in_ctr(argv), ["package_manager_in_container"], "{argv:?}");
        }
    }

    #[test]
    fn quiet_when_a_language_package_manager_runs_the_app() {
        for argv in [
            &["npm", "start"][..],
            &["npm", "run", "build"],
            &["yarn", "start"],
            &["bundle", "exec", "puma", "-C", "config/puma.rb"],
            &["sh", "-c", "npm run migrate && exec npm start"],
            &["yarn", "--version"],
            &["python3", "-m", "http.server", "8000"],
            &["python3", "app.py", "-m", "pip"],
        ] {
            assert!(in_ctr(argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn fires_when_a_language_package_manager_installs() {
        for argv in [
            &["npm", "ci"][..],
            &["npm", "i", "-g", "pm2"],
            &["npm", "--prefix", "/app", "install"],
            &["npm", "uninstall", "lodash"],
            // Bare yarn and bundle install.
            &["yarn"],
            &["yarn", "add", "axios"],
            &["pnpm", "install", "--frozen-lockfile"],
            &["bundle", "install"],
            &["gem", "install", "rails"],
            &["pip", "download", "paramiko"],
            &["python3", "-m", "pip", "install", "requests"],
            &["python3.11", "-u", "-m", "pip", "uninstall", "-y", "six"],
        ] {
            assert_eq!(in_ctr(argv), ["package_manager_in_container"], "{argv:?}");
        }
        // pip's other commands install nothing, run directly or as `python3 -m pip`.
        assert!(in_ctr(&["pip", "list"]).is_empty());
        assert!(in_ctr(&["python3", "-m", "pip", "freeze"]).is_empty());
    }

    #[test]
    fn quiet_on_host() {
        assert!(run(detect, &["apt-get", "update"]).is_empty());
        assert!(run(detect, &["pip", "install", "--user", "ansible"]).is_empty());
        // In a container, the service itself is not a package manager.
        assert!(in_ctr(&["python3", "app.py"]).is_empty());
        assert!(in_ctr(&["sh", "-c", "exec gunicorn app:app"]).is_empty());
    }
}
