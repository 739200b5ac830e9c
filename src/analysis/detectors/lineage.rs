//! Lineage: who started this exec. A server (web, application, database) spawning a shell or
//! a tool, a discovery command among them (T1190/T1505.003); a package install spawning
//! network tools (T1195.002); a shell whose parent is nc/socat/telnet (the far end of a
//! reverse shell) or a binary in a staging directory; a shell or tool whose parent is
//! kthreadd (started from kernel space); an interactive shell whose parent is the container
//! runtime (kubectl/docker exec, T1609); cron running a suspicious command; a command a git
//! hook runs and TeamViewer's service opening a desktop session (hunting signals). Runs last:
//! it reads the hits of the other detectors.

use super::{recon::lineage_server, ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

/// Every finding here needs an ancestor: a server, a language package manager, a shell, a
/// network tool, an interpreter, a container runtime or a scheduler near the exec.
pub fn wants(cx: &Ctx) -> bool {
    staging_parent(cx).is_some()
        || from_kthreadd(cx)
        || cx.under_server()
        || git_hook(cx).is_some()
        || cx.exe_name == TEAMVIEWER_DESKTOP
        || cx.near_ancestor_in(ClassSet::of(&[
            ToolClass::LanguagePackageManager,
            ToolClass::Shell,
            ToolClass::Netcat,
            ToolClass::Interpreter,
            ToolClass::ContainerRuntime,
            ToolClass::Scheduler,
        ]))
}

/// The parent's executable when it runs from a directory anyone can write (and is not a
/// build tool's scratch output, where test binaries legitimately start shells).
fn staging_parent<'a>(cx: &Ctx<'a, '_>) -> Option<&'a str> {
    cx.lineage
        .parent()
        .and_then(|a| a.exe.as_deref())
        .filter(|e| super::in_writable_dir(e) && !super::in_build_scratch(e))
}

/// The parent is kthreadd: the exec is one of the kernel's usermode helpers, or was started
/// from kernel space.
fn from_kthreadd(cx: &Ctx) -> bool {
    cx.ancestors().next().is_some_and(|(c, _)| c == "kthreadd")
}

/// The login program (sshd, login) above an exec run as a static system account: uids
/// 1-99, which Debian (base-passwd) and Fedora/RHEL (setup) reserve for accounts such as
/// daemon, bin, mail and www-data (33) that nobody logs in as, and nobody (65534). A person
/// in a session as one of them got a shell through a service's account.
fn system_account_login<'a>(cx: &Ctx<'a, '_>) -> Option<&'a str> {
    let uid = cx.facts.uid?;
    if !(matches!(uid, 1..=99 | 65534)) {
        return None;
    }
    cx.ancestors()
        .map(|(comm, _)| comm)
        .find(|comm| matches!(*comm, "sshd" | "login" | "systemd-logind"))
        .filter(|_| cx.program() != "sshd")
}

/// Whether a hunting hit (a command doing what a hunting rule looks for) counts as a tool
/// that a server ran. Discovery and credential access (groups, sudo rights, connections, a
/// shell history, a CLI's token) and cloning exploit code are a web shell's first moves
/// under any server. The rest (a file server, chunked files, a proxy, a chat API called with
/// curl, a manifest applied from a URL, an S3 endpoint of one's own) is what application and
/// CI servers do themselves, so it counts only under a web server proper (php-fpm, nginx,
/// httpd), which runs no such tools. Collection (archives, dumps) never: servers back up.
fn hunting_tool_for_server(s: &'static crate::knowledge::Signal, cx: &Ctx) -> bool {
    if !s.is_hunting() || s.category == "collection" {
        return false;
    }
    matches!(s.category, "discovery" | "credential_access")
        || std::ptr::eq(s, signals::EXPLOIT_REPOSITORY_CLONED)
        || cx
            .nearest_non_shell_ancestor(4)
            .is_some_and(|(_, class)| class == Some(ToolClass::WebServer))
}

/// The names git runs hook scripts under (githooks(5)), as the kernel keeps them in a hook
/// process's comm (15 bytes: `prepare-commit-msg` is `prepare-commit-`).
const GIT_HOOKS: &[&str] = &[
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commi",
    "prepare-commit-",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-trans",
    "push-to-checkou",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-valid",
    "fsmonitor-watch",
    "post-index-chan",
];

/// The hook this exec runs under: a hook-named ancestor (within 3, the hook may run
/// through a shell of the same name) right below `git`.
fn git_hook<'a>(cx: &Ctx<'a, '_>) -> Option<&'a str> {
    // Most execs have no git near them: four short comparisons spare the hooks' list.
    if !cx.ancestor_comms().take(4).any(|comm| comm == "git") {
        return None;
    }
    let mut up = cx.ancestors().take(4).peekable();
    while let Some((comm, _)) = up.next() {
        if GIT_HOOKS.contains(&comm) {
            let above = up.find(|(c, _)| *c != comm).map(|(c, _)| c);
            return (above == Some("git")).then_some(comm);
        }
    }
    None
}

/// TeamViewer's desktop module, which its service starts for an incoming session (an
/// outgoing one is started by the user's own TeamViewer), and the service's comm (15 bytes).
const TEAMVIEWER_DESKTOP: &str = "TeamViewer_Desktop";
const TEAMVIEWER_SERVICE_COMM: &str = "TeamViewer_Serv";

/// What build scripts and installers ask of the system as a matter of course (setup.py,
/// configure and node-gyp read the kernel and architecture; installers check whether they
/// run as root): `uname`, `lsb_release`, `arch`, `getconf`, `id -u`/`-g`/`-un`. Under a
/// package install these are not reconnaissance; a downloader or network tool still is.
fn build_system_query(cx: &Ctx, program: &str) -> bool {
    let Some(c) = cx.commands().iter().find(|c| c.program() == program) else {
        return false;
    };
    let args = super::args(c);
    match program {
        "uname" | "lsb_release" | "arch" | "getconf" => true,
        "id" => {
            !args.is_empty()
                && args.iter().all(|a| {
                    matches!(
                        a.as_ref(),
                        "-u" | "-g" | "-un" | "-gn" | "-nu" | "-ng" | "-n"
                    )
                })
        }
        _ => false,
    }
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let p = cx.program();
    let class = cx.program_class();
    let tool = cx.runs_class(|c| {
        matches!(
            c,
            Some(
                ToolClass::Recon
                    | ToolClass::Netcat
                    | ToolClass::Scanner
                    | ToolClass::Downloader
                    | ToolClass::Transfer
                    | ToolClass::Sniffer
                    | ToolClass::DnsTool
                    | ToolClass::Credential
                    | ToolClass::Tunnel
                    | ToolClass::Miner
                    | ToolClass::PackageManager
                    // A server has no accounts to manage: a web shell adding or removing them.
                    | ToolClass::UserAdmin
            )
        )
    });
    let toolish = tool.is_some()
        || out.has(signals::RECON_COMMAND)
        || out.has(signals::INTERACTIVE_RECON_IN_CONTAINER)
        || out
            .hits
            .iter()
            .any(|h| hunting_tool_for_server(h.signal, cx));
    // Only under a package install: from a web server, `uname -a` is a web shell's first
    // question.
    let install_query = tool.is_some_and(|t| build_system_query(cx, t));
    let p = tool.unwrap_or(p);
    let strong = out.max_weight() >= 50;
    let parent = cx.ancestors().next();
    let in_pkg_install = cx
        .ancestors()
        .take(8)
        .any(|(_, k)| k == Some(ToolClass::LanguagePackageManager));
    // The program that judged here: the tool when one ran, else the exec's program.
    let program_is_shell = tool.is_none() && class == Some(ToolClass::Shell);

    // Server ancestry (skip shells between the server and us).
    if let Some((server, server_class)) = cx
        .nearest_non_shell_ancestor(4)
        .filter(|(comm, class)| lineage_server(comm, *class))
    {
        let direct_or_via_shell = cx
            .ancestors()
            .take_while(|(c, _)| *c != server)
            .all(|(_, k)| k == Some(ToolClass::Shell));
        // File browsing from a web server's shell is what web shells do; sendmail or
        // rotatelogs from it is configuration.
        let browse = |w: &str| matches!(w, "ls" | "cd" | "pwd" | "find" | "cat" | "dir");
        let browsing = server_class == Some(ToolClass::WebServer)
            && (cx.commands().iter().skip(1).any(|c| browse(c.program()))
                || cx
                    .unsplit_script()
                    .and_then(|s| s.split_whitespace().next())
                    .is_some_and(browse));
        // A shell told to be interactive (`bash -i`), or one with nothing to run, with no
        // terminal: a server does not open a prompt for anyone but a reverse shell's peer.
        let prompt = program_is_shell
            && !cx.tty
            && cx.commands().first().is_some_and(|c| {
                let a = super::args(c);
                a.is_empty()
                    || a.iter().any(|x| {
                        x.len() > 1
                            && x.starts_with('-')
                            && !x.starts_with("--")
                            && x[1..].contains('i')
                            && !x[1..].contains('c')
                    })
            });
        if direct_or_via_shell && !in_pkg_install && (toolish || strong || browsing || prompt) {
            out.hit(
                signals::SERVER_SPAWNED_SHELL,
                format!("{server} started {p}"),
            );
        }
    }

    if in_pkg_install
        && ((toolish && !install_query) || strong)
        && class != Some(ToolClass::LanguagePackageManager)
    {
        let installer = cx
            .ancestors()
            .find(|(_, k)| *k == Some(ToolClass::LanguagePackageManager))
            .map_or("?", |(comm, _)| comm);
        out.hit(
            signals::PACKAGE_INSTALL_SPAWNED_TOOL,
            format!("{installer} install ran {p}"),
        );
    }

    // A command run by a shell that a network tool serves (`nc -e sh` -> sh -> id).
    let mut up = cx.ancestors().take(4);
    if let Some((_, Some(ToolClass::Shell))) = up.next() {
        if let Some((nc, _)) = up
            .find(|(_, k)| *k != Some(ToolClass::Shell))
            .filter(|(_, k)| *k == Some(ToolClass::Netcat))
        {
            out.hit(
                signals::SHELL_UNDER_NETWORK_TOOL,
                format!("{p} run by a shell that {nc} serves"),
            );
        }
    }

    if let Some(exe) = staging_parent(cx).filter(|_| class == Some(ToolClass::Shell)) {
        out.hit(
            signals::SHELL_FROM_STAGING_BINARY,
            format!("{} started by {exe}", cx.program()),
        );
    }

    // kthreadd parents modprobe and core dump handlers; a shell or a tool there came from
    // kernel space.
    if from_kthreadd(cx)
        && (matches!(
            class,
            Some(ToolClass::Shell | ToolClass::Downloader | ToolClass::Recon | ToolClass::Netcat)
        ) || super::in_writable_dir(cx.exe_path))
    {
        out.hit(
            signals::KERNEL_THREAD_SPAWNED_PROCESS,
            format!("{} started by kthreadd", cx.program()),
        );
    }

    if let Some(login) = system_account_login(cx) {
        out.hit(
            signals::SYSTEM_ACCOUNT_INTERACTIVE,
            format!(
                "{} as uid {} in a session opened by {login}",
                cx.program(),
                cx.facts.uid.unwrap_or_default()
            ),
        );
    }

    if let Some((parent, pc)) = parent {
        if program_is_shell && pc == Some(ToolClass::Netcat) {
            out.hit(
                signals::SHELL_UNDER_NETWORK_TOOL,
                format!("{p} started by {parent}"),
            );
        }
        if program_is_shell && pc == Some(ToolClass::Interpreter) {
            let socket_code = cx.lineage.parent().is_some_and(|a| {
                a.args
                    .iter()
                    .any(|x| x.contains("socket") || x.contains("/inet/tcp"))
            });
            if socket_code {
                out.hit(
                    signals::SHELL_UNDER_NETWORK_TOOL,
                    format!("{p} started by a {parent} socket one-liner"),
                );
            }
        }
        if program_is_shell && cx.tty && pc == Some(ToolClass::ContainerRuntime) {
            out.hit(
                signals::RUNTIME_INTERACTIVE_SHELL,
                format!("interactive {p} attached through {parent} (kubectl/docker exec -it)"),
            );
        }
    }

    if cx.exe_name == TEAMVIEWER_DESKTOP
        && cx
            .ancestors()
            .next()
            .is_some_and(|(c, _)| c == TEAMVIEWER_SERVICE_COMM)
    {
        out.hit(
            signals::REMOTE_DESKTOP_SESSION,
            "TeamViewer's service started its desktop module (an incoming session)".to_string(),
        );
    }

    if let Some(hook) = git_hook(cx) {
        out.hit(
            signals::GIT_HOOK_COMMAND,
            format!("git's {hook} hook ran {p}"),
        );
    }

    if let Some((sched, _)) = cx
        .nearest_non_shell_ancestor(3)
        .filter(|(_, k)| *k == Some(ToolClass::Scheduler))
    {
        let suspicious = strong
            || matches!(
                class,
                Some(ToolClass::Netcat | ToolClass::Miner | ToolClass::Tunnel | ToolClass::Scanner)
            );
        if suspicious {
            out.hit(signals::CRON_SPAWNED_SUSPICIOUS, format!("{sched} ran {p}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn a_system_account_in_a_login_session() {
        let session = Lineage::from_comms(["bash", "sshd"]);
        let as_uid = |uid: u32, lineage: &Lineage| {
            let mut f = facts(&["bash"]);
            f.uid = Some(uid);
            run_with(detect, &f, lineage).0
        };
        for uid in [1, 33, 65534] {
            assert_eq!(
                as_uid(uid, &session),
                ["system_account_interactive"],
                "{uid}"
            );
        }
        // A person's account, root, or a service's own children (no login above).
        assert!(as_uid(1000, &session).is_empty());
        assert!(as_uid(0, &session).is_empty());
        assert!(as_uid(33, &Lineage::from_comms(["cron"])).is_empty());
    }

    #[test]
    fn a_shell_from_kthreadd_a_usermode_helper_is_not() {
        let kthreadd = Lineage::from_comms(["kthreadd"]);
        let (ids, _) = run_with(detect, &facts(&["sh", "-c", "id"]), &kthreadd);
        assert!(ids.contains(&"kernel_thread_spawned_process"), "{ids:?}");
        let coredump = facts(&["/usr/lib/systemd/systemd-coredump", "1234", "0"]);
        let (ids, _) = run_with(detect, &coredump, &kthreadd);
        assert!(ids.is_empty(), "{ids:?}");
    }

    #[test]
    fn a_shell_started_by_a_binary_in_tmp() {
        let parent = |exe: &str| Lineage {
            ancestors: vec![crate::analysis::Ancestor {
                comm: super::super::basename(exe).into(),
                exe: Some(exe.into()),
                args: Vec::new(),
            }],
            known: true,
            earlier: None,
        };
        let sh = facts(&["sh", "-c", "id"]);
        let (ids, _) = run_with(detect, &sh, &parent("/tmp/.x/kworkerd"));
        assert!(ids.contains(&"shell_from_staging_binary"), "{ids:?}");
        for quiet in ["/usr/bin/make", "/tmp/go-build1234/b001/app.test"] {
            let (ids, _) = run_with(detect, &sh, &parent(quiet));
            assert!(
                !ids.contains(&"shell_from_staging_binary"),
                "{quiet}: {ids:?}"
            );
        }
    }

    /// A hunting signal (reading the sudo policy) is a tool the server's shell runs; the
    /// same command typed by an administrator stays a hunting hit.
    #[test]
    fn a_hunting_command_under_a_web_server_is_a_tool_it_runs() {
        let read = facts(&["sh", "-c", "cat /etc/sudoers"]);
        let ids = |l: &Lineage| -> Vec<&'static str> {
            crate::analysis::analyze(&read, l)
                .hits
                .iter()
                .map(|h| h.signal.id)
                .collect()
        };
        let web = ids(&Lineage::from_comms(["php-fpm"]));
        assert!(web.contains(&"server_spawned_shell"), "{web:?}");
        let admin = ids(&Lineage::from_comms(["bash", "sshd"]));
        assert_eq!(admin, ["permission_discovery"]);
        // A build job archiving its output under a Java CI server.
        let tar = facts(&["tar", "czf", "dist.tgz", "build/"]);
        let job = crate::analysis::analyze(&tar, &Lineage::from_comms(["sh", "java"]));
        assert!(job.risk < 50, "{:?}", job.hits);
        // A file server is a tool under php-fpm, the application's own business under node.
        let serve = facts(&["python3", "-m", "http.server", "8000"]);
        let under =
            |server: &str| crate::analysis::analyze(&serve, &Lineage::from_comms(["sh", server]));
        assert!(under("php-fpm").risk >= 50);
        assert!(under("node").risk < 50, "{:?}", under("node").hits);
    }

    #[test]
    fn fires_on_suspicious_parents() {
        let (ids, _) = run_with(
            detect,
            &facts(&["whoami"]),
            &Lineage::from_comms(["sh", "nginx"]),
        );
        assert_eq!(ids, ["server_spawned_shell"]);
        let (ids, _) = run_with(
            detect,
            &facts(&["sh", "-i"]),
            &Lineage::from_comms(["nc", "bash"]),
        );
        assert_eq!(ids, ["shell_under_network_tool"]);
        let (ids, _) = run_with(
            detect,
            &facts(&["curl", "http://x/p"]),
            &Lineage::from_comms(["sh", "node", "npm"]),
        );
        assert_eq!(ids, ["package_install_spawned_tool"]);
        let mut f = in_container(facts(&["bash"]));
        f.tty = Some(34816);
        assert_eq!(
            run_with(detect, &f, &Lineage::from_comms(["runc"])).0,
            ["runtime_interactive_shell"]
        );
    }

    #[test]
    fn teamviewer_incoming_session() {
        let mut f = facts(&[
            "/opt/teamviewer/tv_bin/TeamViewer_Desktop",
            "--IPCport",
            "5939",
        ]);
        f.exe_path = Some("/opt/teamviewer/tv_bin/TeamViewer_Desktop".into());
        let by = |comm: &str| run_with(detect, &f, &Lineage::from_comms([comm])).0;
        assert_eq!(by("TeamViewer_Serv"), ["remote_desktop_session"]);
        // The user's own TeamViewer starting its desktop part is an outgoing session.
        assert!(by("TeamViewer").is_empty());
    }

    #[test]
    fn commands_of_git_hooks() {
        let hooked = |argv: &[&str], comms: &[&str]| {
            run_with(
                detect,
                &facts(argv),
                &Lineage::from_comms(comms.iter().copied()),
            )
            .0
        };
        assert_eq!(
            hooked(
                &["git", "diff", "--cached", "--check"],
                &["pre-commit", "pre-commit", "git", "bash"]
            ),
            ["git_hook_command"]
        );
        assert_eq!(
            hooked(
                &["grep", "-qE", "^feat", ".git/COMMIT_EDITMSG"],
                &["commit-msg", "git"]
            ),
            ["git_hook_command"]
        );
        // A hook name without git above it is some other program's `update`.
        assert!(hooked(&["ls"], &["update", "bash", "sshd"]).is_empty());
        assert!(hooked(&["ls"], &["git", "bash"]).is_empty());
    }

    #[test]
    fn quiet_on_ordinary_parents() {
        let (ids, _) = run_with(
            detect,
            &facts(&["ls"]),
            &Lineage::from_comms(["bash", "sshd"]),
        );
        assert!(ids.is_empty());
        let (ids, _) = run_with(
            detect,
            &facts(&["sh", "-c", "node-gyp rebuild"]),
            &Lineage::from_comms(["npm"]),
        );
        assert!(ids.is_empty());
        let (ids, _) = run_with(detect, &facts(&["bash"]), &Lineage::from_comms(["runc"]));
        assert!(ids.is_empty());
    }
}
