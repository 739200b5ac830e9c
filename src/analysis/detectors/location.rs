//! Where the program runs from: world-writable staging directories (/tmp, /var/tmp, /dev/shm),
//! hidden directories, and system tool names (ps, sshd, bash...) outside the system
//! directories. Tool managers that live in dot-directories (~/.cargo, ~/.local/bin...) are
//! normal and skipped.

use super::{args, basename, in_writable_dir, Ctx, Findings};
use crate::analysis::shell::SimpleCommand;
use crate::knowledge::{signals, ToolClass};

/// Dot-directories (and, where the directory itself holds other things, the one part of it)
/// that tool managers run their programs from. Only these are exempt, not a hidden directory
/// inside one (`~/.cache/.a/`).
const TOOL_HOMES: &[&str] = &[
    ".cargo/",
    ".local/",
    ".nvm/",
    ".rustup/",
    ".pyenv/",
    ".rbenv/",
    ".sdkman/",
    ".vscode-server/",
    ".npm/",
    ".gradle/",
    ".m2/",
    ".bun/",
    ".deno/",
    ".volta/",
    ".asdf/",
    ".krew/",
    ".cache/",
    ".git/",
    ".venv/",
    ".tox/",
    ".config/",
    // Docker's documented manual install path of CLI plugins (docker compose).
    ".docker/cli-plugins/",
    // Terraform runs its providers from the working directory's .terraform, or from the
    // plugin cache and local mirror in ~/.terraform.d.
    ".terraform/providers/",
    ".terraform.d/plugins/",
    ".terraform.d/plugin-cache/",
    // The Nix per-user profile, a link into /nix/store.
    ".nix-profile/",
];
const SYSTEM_NAMES: &[&str] = &[
    "ps",
    "ls",
    "sshd",
    "bash",
    "sh",
    "netstat",
    "top",
    "cron",
    "crond",
    "systemd",
    "init",
    "ss",
    "lsof",
    "login",
    "sudo",
    "kworker",
    "kthreadd",
    "dbus-daemon",
    "rsyslogd",
    "syslogd",
    "udevd",
];
const SYSTEM_DIRS: &[&str] = &[
    "/bin/",
    "/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/libexec/",
    "/lib/systemd/",
    "/usr/lib/",
    // NixOS: every package lives in the read-only store, reached through the system profile.
    "/nix/store/",
    "/run/current-system/sw/",
];

/// Always: every exec has an exe path to place.
pub use super::always as wants;

pub fn detect(cx: &Ctx, out: &mut Findings) {
    // Build tools and package managers run their own products from temporary directories
    // (go test, cc1, dpkg's maintainer scripts): any path when one is the parent, and their
    // scratch directories (cargo's target/, pip's build environments) further down.
    let parent_builds = cx
        .ancestors()
        .next()
        .is_some_and(|(_, k)| matches!(k, Some(ToolClass::BuildTool | ToolClass::PackageManager)));
    // The ancestry first: most execs have no build above them, and the path test is a
    // dozen substring searches.
    let scratch = super::build_ancestor(cx).is_some() && super::in_build_scratch(cx.exe_path);
    // git runs a repository's hooks from its .git/hooks, wherever the clone is.
    let hook = cx.ancestors().next().is_some_and(|(p, _)| p == "git")
        && cx.exe_path.contains("/.git/hooks/");
    // A virtual environment's own interpreter and installer (`/tmp/x/venv/bin/python3`,
    // `.venv/bin/pip`): what `python -m venv` puts there, wherever the venv lives.
    let venv_tool = (cx.exe_path.contains("/venv/bin/") || cx.exe_path.contains("/.venv/bin/"))
        && matches!(
            cx.exe_class,
            Some(ToolClass::Interpreter | ToolClass::LanguagePackageManager)
        );
    if parent_builds || scratch || hook || venv_tool {
        if in_writable_dir(cx.exe_path) {
            out.note(format!(
                "{} runs from a temporary directory under a build tool or package manager",
                cx.exe_path
            ));
        }
        return;
    }
    check_path(cx.exe_path, cx, out);
    for c in cx.commands() {
        if let Some(a0) = c.argv.first().filter(|a| a.starts_with('/')) {
            check_path(a0, cx, out);
        }
        // `sh /tmp/x.sh`, `sh -c /dev/shm/x.sh`: the script a shell runs.
        if super::runs_shell(c) {
            if let Some(script) =
                shell_operand(c).filter(|a| a.starts_with('/') && !a.contains(' '))
            {
                if args(c).first().is_some_and(|f| f == "-c") || !args(c).iter().any(|a| a == "-c")
                {
                    let staged = in_writable_dir(script) || hidden(dir_of(script));
                    if staged {
                        out.hit(
                            signals::SHELL_SCRIPT_FROM_STAGING,
                            format!("{} runs {script}", c.program()),
                        );
                    }
                }
            }
        }
    }
}

/// A shell's first operand: its script, or with `-c` its command string. Skips the options
/// and the arguments of `-o`/`+o OPTION` and `-O`/`+O SHOPT` (also ending a cluster, as in
/// `-eo pipefail`) and of bash's `--rcfile`/`--init-file FILE`.
fn shell_operand<'c>(c: &'c SimpleCommand) -> Option<&'c str> {
    let mut a = args(c).iter();
    while let Some(x) = a.next() {
        // bash(1): an argument of `-` is equivalent to `--`.
        if x == "--" || x == "-" {
            return a.next().map(|x| &**x);
        }
        if x.starts_with("--") {
            if x == "--rcfile" || x == "--init-file" {
                a.next();
            }
        } else if x.len() > 1 && x.starts_with(['-', '+']) {
            if x.ends_with(['o', 'O']) {
                a.next();
            }
        } else {
            return Some(x);
        }
    }
    None
}

/// The working directory, when it is a directory of its own under /tmp or /var/tmp (not the
/// shared directory itself) and a shell started this exec: a shell in a checkout or build
/// tree there (`go build && ./hello` in /tmp/proj, a CI job's clone, `./docker-entrypoint.sh`)
/// runs what it built or unpacked. A dropper stages in /tmp itself, /dev/shm or a hidden
/// directory, or is started by something else, and those keep the full signal.
fn temporary_workdir<'a>(cx: &Ctx<'a, '_>) -> Option<&'a str> {
    let cwd = cx.facts.cwd.as_deref()?.trim_end_matches('/');
    let own_dir = ["/tmp/", "/var/tmp/"]
        .iter()
        .any(|d| cwd.strip_prefix(d).is_some_and(|rest| !rest.is_empty()));
    let by_shell = cx
        .ancestors()
        .next()
        .is_some_and(|(_, k)| k == Some(ToolClass::Shell));
    (own_dir && by_shell && !hidden(cwd)).then_some(cwd)
}

/// `path` lies in the tree of `workdir`.
fn under(path: &str, workdir: Option<&str>) -> bool {
    workdir.is_some_and(|w| {
        path.strip_prefix(w)
            .is_some_and(|rest| rest.starts_with('/') && !rest.contains("/.."))
    })
}

fn dir_of(path: &str) -> &str {
    &path[..path.len() - basename(path).len()]
}

fn hidden(dir: &str) -> bool {
    // A hidden segment follows a `/` (or starts a relative path): most paths have none.
    if !dir.starts_with('.') && !dir.as_bytes().windows(2).any(|w| w == b"/.") {
        return false;
    }
    let mut at = 0;
    dir.split('/').any(|seg| {
        let rest = &dir[at..];
        at += seg.len() + 1;
        seg.starts_with('.')
            && seg != "."
            && seg != ".."
            && !TOOL_HOMES.iter().any(|h| rest.starts_with(h))
    })
}

fn check_path(path: &str, cx: &Ctx, out: &mut Findings) {
    if !path.starts_with('/') {
        return;
    }
    // A daemon's pid or lock file is data; run as a program it is a payload named to be
    // overlooked where every service keeps one.
    if (path.starts_with("/var/run/") || path.starts_with("/run/"))
        && [".pid", ".lock", ".reboot"]
            .iter()
            .any(|x| path.ends_with(x))
    {
        out.hit(
            signals::EXEC_OF_PID_FILE,
            format!("{path} (a pid or lock file) runs as a program"),
        );
    }
    if in_writable_dir(path) {
        // The working directory is looked at only for the few paths in a staging directory.
        if under(path, temporary_workdir(cx)) {
            out.hit(
                signals::EXEC_FROM_TEMP_WORKDIR,
                format!(
                    "{path} runs from the shell's working directory under a temporary directory"
                ),
            );
        } else {
            out.hit(
                signals::EXEC_FROM_WRITABLE_DIR,
                format!("{path} runs from a world-writable directory"),
            );
        }
    }
    let base = basename(path);
    let dir = &path[..path.len() - base.len()];
    if hidden(dir) || (base.starts_with('.') && !in_writable_dir(path)) {
        out.hit(
            signals::EXEC_FROM_HIDDEN_DIR,
            format!("{path} runs from a hidden directory"),
        );
    }
    let name = base.trim_start_matches('.');
    if SYSTEM_NAMES.contains(&name) && !SYSTEM_DIRS.iter().any(|d| dir.starts_with(d)) && dir != "/"
    {
        out.hit(
            signals::SYSTEM_NAME_ODD_LOCATION,
            format!("{path} is named like a system tool but is not in a system directory"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn a_pid_file_run_as_a_program() {
        let mut f = facts(&["/var/run/crond.pid"]);
        f.exe_path = Some("/var/run/crond.pid".into());
        let bash = Lineage::from_comms(["bash"]);
        assert!(run_with(detect, &f, &bash).0.contains(&"exec_of_pid_file"));
        let mut f = facts(&["/run/current-system/sw/bin/bash"]);
        f.exe_path = Some("/run/current-system/sw/bin/bash".into());
        assert!(!run_with(detect, &f, &bash).0.contains(&"exec_of_pid_file"));
    }

    #[test]
    fn fires_on_odd_locations() {
        assert_eq!(run(detect, &["/dev/shm/x"]), ["exec_from_writable_dir"]);
        assert_eq!(
            run(detect, &["/var/tmp/.x/ps"]),
            [
                "exec_from_writable_dir",
                "exec_from_hidden_dir",
                "system_name_odd_location"
            ]
        );
        assert_eq!(
            run(detect, &["sh", "/tmp/payload.sh"]),
            ["shell_script_from_staging"]
        );
    }

    #[test]
    fn a_shell_running_what_its_temporary_workdir_holds_is_weaker() {
        let run_in = |exe: &str, cwd: &str, parent: &str| {
            let mut f = facts(&[exe]);
            f.cwd = Some(cwd.into());
            run_with(detect, &f, &Lineage::from_comms([parent])).0
        };
        // `go build && ./hello` in a checkout under /tmp; a clone's entrypoint script.
        assert_eq!(
            run_in("/tmp/proj/hello", "/tmp/proj", "bash"),
            ["exec_from_temp_workdir"]
        );
        assert_eq!(
            run_in("/var/tmp/ci/build/bin/app", "/var/tmp/ci/build", "sh"),
            ["exec_from_temp_workdir"]
        );
        // /tmp itself, /dev/shm, a hidden tree, another directory, a server's child: full.
        for (exe, cwd, parent) in [
            ("/tmp/x", "/tmp", "bash"),
            ("/dev/shm/x", "/dev/shm", "bash"),
            ("/tmp/.k/x", "/tmp/.k", "bash"),
            ("/tmp/a/x", "/tmp/b", "bash"),
            ("/tmp/a/../x", "/tmp/a", "bash"),
            ("/tmp/kit/x", "/tmp/kit", "php-fpm"),
        ] {
            let ids = run_in(exe, cwd, parent);
            assert!(
                ids.contains(&"exec_from_writable_dir"),
                "{exe} in {cwd} by {parent}: {ids:?}"
            );
        }
    }

    #[test]
    fn quiet_on_normal_paths() {
        assert!(run(detect, &["/usr/bin/ls", "-la"]).is_empty());
        assert!(run(detect, &["/home/dev/.cargo/bin/cargo", "build"]).is_empty());
        assert!(run(detect, &["ls"]).is_empty());
    }

    #[test]
    fn each_location_signal_alone() {
        assert_eq!(run(detect, &["/root/.x/agent"]), ["exec_from_hidden_dir"]);
        // A dot-file hides even in a system directory.
        assert_eq!(run(detect, &["/usr/bin/.sshd"]), ["exec_from_hidden_dir"]);
        // In /tmp the dot adds nothing to the staging directory.
        assert_eq!(run(detect, &["/tmp/.x"]), ["exec_from_writable_dir"]);
        assert_eq!(
            run(detect, &["/opt/tools/ps", "aux"]),
            ["system_name_odd_location"]
        );
        // The exe path is checked as well as argv[0].
        let mut f = facts(&["ps", "aux"]);
        f.exe_path = Some("/home/u/bin/ps".into());
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["system_name_odd_location"]
        );
    }

    #[test]
    fn quiet_on_tool_homes_and_system_locations() {
        for argv in [
            &["/home/dev/.local/bin/poetry", "install"][..],
            &["/home/dev/.vscode-server/bin/8b3775030e/node"],
            &["/home/dev/.pyenv/versions/3.12.1/bin/python3"],
            // A container's init at the root, and systemd where distributions put it.
            &["/init"],
            &["/usr/lib/systemd/systemd", "--user"],
            &["/usr/local/sbin/sshd", "-D"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn reads_every_command_of_the_line() {
        assert_eq!(
            run(detect, &["nohup", "/tmp/x"]),
            ["exec_from_writable_dir"]
        );
        assert_eq!(
            run(detect, &["sh", "-c", "cd /; /var/tmp/.x/kdevtmpfsi"]),
            ["exec_from_writable_dir", "exec_from_hidden_dir"]
        );
        assert!(run(detect, &["sh", "-c", "cd /tmp && ls -la"]).is_empty());
    }

    #[test]
    fn fires_on_scripts_a_shell_runs_from_staging() {
        assert_eq!(
            run(detect, &["bash", "/root/.x/run.sh"]),
            ["shell_script_from_staging"]
        );
        // `-c PATH` runs the file too, and the split command is the exec from /dev/shm.
        assert_eq!(
            run(detect, &["bash", "-c", "/dev/shm/x.sh"]),
            ["shell_script_from_staging", "exec_from_writable_dir"]
        );
        for argv in [
            &["sh", "/opt/app/start.sh"][..],
            &["bash", "/home/dev/.config/autostart/sync.sh"],
            // A command that merely names a /tmp path.
            &["sh", "-c", "echo /tmp/x"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn build_tools_run_their_products_from_tmp() {
        let argv = ["/tmp/go-build2291/b001/exe/main"];
        let (ids, notes) = run_with(detect, &facts(&argv), &Lineage::from_comms(["go"]));
        assert!(ids.is_empty());
        assert_eq!(
            notes,
            ["/tmp/go-build2291/b001/exe/main runs from a temporary directory under a build tool or package manager"]
        );
        assert_eq!(
            run_with(detect, &facts(&argv), &Lineage::from_comms(["bash"])).0,
            ["exec_from_writable_dir"]
        );
    }

    #[test]
    fn hidden_directories_inside_tool_homes_still_hide() {
        // The signal's own example: the tool home is exempt, not a dot-directory inside it.
        assert_eq!(
            run(detect, &["/home/u/.cache/.a/miner"]),
            ["exec_from_hidden_dir"]
        );
        assert_eq!(
            run(detect, &["/home/u/.config/.x/agent"]),
            ["exec_from_hidden_dir"]
        );
        assert_eq!(
            run(detect, &["/root/.docker/.x/kd"]),
            ["exec_from_hidden_dir"]
        );
        assert!(run(
            detect,
            &["/home/u/.cache/ms-playwright/chromium-1091/chrome"]
        )
        .is_empty());
    }

    #[test]
    fn quiet_on_plugin_dirs_and_the_nix_store() {
        for argv in [
            // Docker's manual install path of CLI plugins.
            &["/home/u/.docker/cli-plugins/docker-compose", "compose", "up"][..],
            // Terraform providers, run on every plan.
            &["/srv/infra/.terraform/providers/registry.terraform.io/hashicorp/aws/5.31.0/linux_amd64/terraform-provider-aws_v5.31.0_x5"],
            &["/home/u/.terraform.d/plugin-cache/registry.terraform.io/hashicorp/null/3.2.2/linux_amd64/terraform-provider-null_v3.2.2_x5"],
            // NixOS coreutils, from the store or the system profile.
            &["/nix/store/7f7m1lx6kj3b7vq9w9s2v0x3g5hk1qrb-coreutils-9.4/bin/ls", "-la"],
            &["/run/current-system/sw/bin/ps", "aux"],
        ] {
            assert!(run(detect, argv).is_empty(), "{argv:?}");
        }
        // The rest of ~/.docker is no plugin directory.
        assert_eq!(
            run(detect, &["/root/.docker/kdevtmpfsi"]),
            ["exec_from_hidden_dir"]
        );
    }

    #[test]
    fn shell_options_and_their_arguments_are_not_the_script() {
        for argv in [
            &["bash", "-o", "errexit", "/tmp/x.sh"][..],
            &["bash", "-eo", "pipefail", "/dev/shm/x.sh"],
            &["sh", "+o", "nounset", "/var/tmp/.s"],
            &["bash", "-O", "extglob", "/tmp/x.sh"],
            &["bash", "--rcfile", "/etc/bash.bashrc", "/tmp/x.sh"],
        ] {
            assert_eq!(run(detect, argv), ["shell_script_from_staging"], "{argv:?}");
        }
        assert!(run(detect, &["bash", "-o", "errexit", "/opt/app/start.sh"]).is_empty());
    }

    #[test]
    fn build_scratch_under_a_build_is_noted_a_dropped_binary_is_not() {
        let under = |exe: &str, parents: &[&str]| {
            run_with(
                detect,
                &facts(&[exe]),
                &Lineage::from_comms(parents.iter().copied()),
            )
            .0
        };
        let venv = "/tmp/pip-build-env-x/overlay/bin/python3";
        assert!(under(venv, &["python3", "pip"]).is_empty());
        assert!(under("/tmp/b/target/debug/deps/t-1", &["cargo"]).is_empty());
        assert_eq!(under(venv, &["bash", "sshd"]), ["exec_from_writable_dir"]);
        assert_eq!(
            under("/tmp/x", &["sh", "node", "npm"]),
            ["exec_from_writable_dir"]
        );
        // A virtual environment's interpreter, wherever it lives; another program there is not.
        assert!(under("/tmp/ci/venv/bin/python3", &["bash"]).is_empty());
        assert_eq!(
            under("/tmp/ci/venv/bin/x", &["bash"]),
            ["exec_from_writable_dir"]
        );
    }
}
