//! Containers and the host boundary: container administration tools run inside a container
//! (kubectl, docker, crictl, ctr), containers started from inside one, and escape attempts
//! (nsenter into PID 1, chroot into the host filesystem, the runtime socket, privileged or
//! host-mounted containers, mounting host devices, debugfs, unshare).

use super::needles::Needles;
use super::{args, has_opt, ClassSet, Ctx, Findings, ProgramSet};
use crate::analysis::shell::Arg;
use crate::knowledge::{signals, ToolClass};

static SOCKETS: Needles = Needles::new(&[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "dockershim.sock",
]);
const HOST_ROOTS: &[&str] = &[
    "/host",
    "/proc/1/root",
    "/mnt/host",
    "/hostfs",
    "/rootfs",
    "/node",
];

/// Container-start options that hand the host to the container: `--privileged`, the host's
/// PID namespace, or the host's root mounted (`-v /:/host`, `--mount src=/,...`).
fn privileged_or_host_mount(a: &[Arg]) -> bool {
    let root_mount = |m: &str| m.split(',').any(|kv| matches!(kv, "src=/" | "source=/"));
    a.iter().any(|x| {
        x == "--privileged"
            || x == "--pid=host"
            || x.starts_with("/:/")
            || x.starts_with("-v/:/")
            || x.strip_prefix("--mount=").is_some_and(root_mount)
    }) || a.windows(2).any(|w| {
        ((w[0] == "-v" || w[0] == "--volume") && w[1].starts_with("/:"))
            || (w[0] == "--mount" && root_mount(&w[1]))
    })
}

/// The subcommand, skipping global options and their values (`-H unix:///..`, `-n ns`).
fn verb_of<'a>(a: &'a [Arg]) -> &'a str {
    let mut skip = false;
    for x in a {
        if skip {
            skip = false;
            continue;
        }
        if matches!(
            x.as_ref(),
            "-H" | "--host"
                | "-n"
                | "--namespace"
                | "--context"
                | "--kubeconfig"
                | "-s"
                | "--server"
                | "--token"
                | "-r"
                | "--runtime-endpoint"
                | "--address"
                | "-a"
                | "-c"
                | "--config"
        ) {
            skip = true;
            continue;
        }
        if !x.starts_with('-') {
            return x;
        }
    }
    ""
}

static CLUSTER_APIS: Needles = Needles::new(&[
    ":10250/",
    ":10255/",
    "kubernetes.default",
    "/api/v1/",
    "/apis/",
    "/containers/json",
    "/var/run/secrets/kubernetes.io/serviceaccount/token",
]);

/// Whether the exec may query a cluster or runtime API: it names one and something in it can
/// send the request (a downloader or netcat, or curl or wget in the `sh -c` script). Asked
/// before the per-argument search, because paths such as `/app/app.jar` share first bytes with
/// `/apis/` and would otherwise send most execs in a container through it.
fn may_query_cluster(cx: &Ctx) -> bool {
    // The unsplit script is a word of the first command, so `words_may_hold` covers it.
    cx.words_may_hold(&CLUSTER_APIS)
        && (cx
            .runs_class(|k| matches!(k, Some(ToolClass::Downloader | ToolClass::Netcat)))
            .is_some()
            || cx
                .unsplit_script()
                .is_some_and(|s| s.contains("curl") || s.contains("wget")))
}

/// Container CLIs that start containers straight from the runtime: a user who is not root
/// and can run privileged containers with them owns the host (their socket or binary is
/// open to them).
const USER_RUNTIMES: &[&str] = &["ctr", "nerdctl", "runc"];

pub fn wants(cx: &Ctx) -> bool {
    let in_container_only = cx.in_container
        && (cx.runs_any(ClassSet::of(&[ToolClass::ContainerAdmin]))
            || cx.may_run(ProgramSet::of(&[
                "mount",
                "nsenter",
                "unshare",
                "debugfs",
                "pivot_root",
            ]))
            || cx.unsplit_script().is_some()
            || may_query_cluster(cx));
    in_container_only
        || (!cx.in_container && !cx.root() && cx.may_run(ProgramSet::of(USER_RUNTIMES)))
        || cx.words_may_hold(&SOCKETS)
        || cx.may_run(ProgramSet::of(&["chroot"]))
        || cx.may_write()
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if cx.in_container
        && cx
            .unsplit_script()
            .is_some_and(|s| s.contains("release_agent") || s.contains("notify_on_release"))
    {
        out.hit(
            signals::CONTAINER_ESCAPE,
            "cgroup release_agent escape set up in the sh -c script".to_string(),
        );
    }
    if cx.in_container && may_query_cluster(cx) {
        let mut raw = cx
            .commands()
            .iter()
            .filter(|c| !super::is_printer(c.program()))
            .flat_map(|c| c.argv.iter().skip(1).map(|a| &**a))
            .chain(cx.unsplit_script());
        if let Some(k) = raw.find_map(|a| CLUSTER_APIS.find(a)) {
            out.hit(
                signals::CLUSTER_API_QUERY,
                format!("query of the cluster or runtime API ({k})"),
            );
        }
    }
    let sockets = cx.words_may_hold(&SOCKETS);
    for c in cx.commands() {
        let p = c.program();
        let a = args(c);
        if !cx.in_container
            && !cx.root()
            && USER_RUNTIMES.contains(&p)
            && verb_of(a) == "run"
            && privileged_or_host_mount(a)
        {
            out.hit(
                signals::CONTAINER_ESCAPE,
                format!(
                    "a user who is not root starts a privileged or host-mounted container through {p}: {}",
                    super::join(c)
                ),
            );
        }
        if c.class == Some(ToolClass::ContainerAdmin) && cx.in_container {
            let verb = verb_of(a);
            if matches!(verb, "run" | "create" | "apply" | "runp" | "start") {
                out.hit(signals::CONTAINER_DEPLOY, super::join(c));
            } else if matches!(
                verb,
                "build"
                    | "buildx"
                    | "push"
                    | "pull"
                    | "login"
                    | "tag"
                    | "version"
                    | "info"
                    | "images"
                    | "manifest"
            ) {
                out.note(format!(
                    "{p} {verb} is image building or housekeeping, not cluster control"
                ));
            } else {
                out.hit(signals::CONTAINER_ADMIN_TOOL, super::join(c));
            }
            if privileged_or_host_mount(a) {
                out.hit(
                    signals::CONTAINER_ESCAPE,
                    format!(
                        "{p} starts a privileged or host-mounted container: {}",
                        super::join(c)
                    ),
                );
            }
        }
        let socket = if sockets {
            c.argv
                .iter()
                .map(|a| &**a)
                .chain(c.redirects.iter().map(|r| r.target.as_str()))
                .find(|x| SOCKETS.any_in(x))
        } else {
            None
        };
        if let Some(s) = socket {
            if !super::is_printer(p) && (cx.in_container || p != "docker") {
                out.hit(
                    signals::CONTAINER_ESCAPE,
                    format!("{p} talks to the container runtime socket ({s})"),
                );
            }
        }
        // Namespace tools are often wrappers (`nsenter -t 1 -m bash`): judge the command
        // itself and every wrapper the parser removed in front of it.
        namespace_tool(cx, p, a, || super::join(c), out);
        for w in &c.wrappers {
            namespace_tool(cx, w.name(), w.args(), || w.argv.join(" "), out);
        }
        match p {
            "mount" if cx.in_container => {
                let host_dev = a.iter().any(|x| {
                    [
                        "/dev/sd",
                        "/dev/nvme",
                        "/dev/vd",
                        "/dev/xvd",
                        "/dev/mapper/",
                        "/dev/dm-",
                    ]
                    .iter()
                    .any(|d| x.starts_with(d))
                });
                let cgroup = a
                    .iter()
                    .any(|x| x == "cgroup" || x.contains("release_agent"));
                if host_dev || cgroup {
                    out.hit(
                        signals::CONTAINER_ESCAPE,
                        format!("mount of a host device or cgroup: {}", super::join(c)),
                    );
                } else if !a.is_empty() && !has_opt(c, &["--version", "-V", "-l"]) {
                    out.hit(signals::NAMESPACE_OR_MOUNT_TOOL, super::join(c));
                }
            }
            _ => {}
        }
        if super::writes_path(c, |t| {
            t.ends_with("release_agent")
                || t == "/proc/sys/kernel/core_pattern"
                || t.starts_with("/proc/1/root/")
        }) {
            out.hit(
                signals::CONTAINER_ESCAPE,
                format!("{p} writes a host-side kernel hook (release_agent/core_pattern)"),
            );
        }
    }
}

/// nsenter into PID 1, chroot into the host filesystem, unshare/debugfs/pivot_root in a
/// container. `shown` gives the whole command, for the evidence (built only on a finding).
fn namespace_tool(cx: &Ctx, p: &str, a: &[Arg], shown: impl Fn() -> String, out: &mut Findings) {
    match p {
        "nsenter" => {
            let pid1 = a
                .windows(2)
                .any(|w| matches!(w[0].as_ref(), "-t" | "--target") && w[1] == "1")
                || a.iter().any(|x| x == "--target=1" || x == "-t1");
            if pid1 && cx.in_container {
                out.hit(
                    signals::CONTAINER_ESCAPE,
                    format!("nsenter into PID 1's namespaces: {}", shown()),
                );
            } else if cx.in_container {
                out.hit(signals::NAMESPACE_OR_MOUNT_TOOL, shown());
            }
        }
        "chroot" => {
            if let Some(root) = a.iter().find(|x| !x.starts_with('-')) {
                if HOST_ROOTS
                    .iter()
                    .any(|h| root == h || root.starts_with(&format!("{h}/")))
                {
                    out.hit(
                        signals::CONTAINER_ESCAPE,
                        format!("chroot into the host filesystem ({root})"),
                    );
                }
            }
        }
        "unshare" | "debugfs" | "pivot_root" if cx.in_container => {
            out.hit(signals::NAMESPACE_OR_MOUNT_TOOL, shown());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    fn in_ctr(argv: &[&str]) -> Vec<&'static str> {
        run_with(detect, &in_container(facts(argv)), &Lineage::default()).0
    }

    #[test]
    fn runtime_socket_only_in_a_redirect_target_passes_the_pair_gate() {
        // The quote splits `do` in the script text, so only the parsed redirect target
        // holds the socket's first byte pair.
        assert_eq!(
            in_ctr(&["sh", "-c", "cat < /var/run/d'ocker.sock'"]),
            ["container_escape"]
        );
    }

    #[test]
    fn fires_in_containers() {
        assert_eq!(
            in_ctr(&["kubectl", "get", "secrets", "-A"]),
            ["container_admin_tool"]
        );
        assert_eq!(
            in_ctr(&["nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "bash"]),
            ["container_escape"]
        );
        assert_eq!(in_ctr(&["chroot", "/host", "bash"]), ["container_escape"]);
        assert_eq!(
            in_ctr(&[
                "curl",
                "--unix-socket",
                "/var/run/docker.sock",
                "http://localhost/containers/json"
            ]),
            ["cluster_api_query", "container_escape"]
        );
        assert_eq!(
            in_ctr(&["docker", "run", "--privileged", "-v", "/:/host", "alpine"]),
            ["container_deploy", "container_escape"]
        );
    }

    #[test]
    fn a_cluster_api_query_needs_something_that_sends_it() {
        assert_eq!(
            in_ctr(&[
                "curl",
                "-sk",
                "https://kubernetes.default/api/v1/namespaces"
            ]),
            ["cluster_api_query"]
        );
        assert_eq!(
            in_ctr(&["sh", "-c", "wget -qO- http://10.0.0.1:10250/pods | head"]),
            ["cluster_api_query"]
        );
        // Reading the token or naming an API path is not a query by itself.
        assert!(in_ctr(&["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"]).is_empty());
        assert!(in_ctr(&["grep", "-r", "/apis/", "/etc/app"]).is_empty());
    }

    #[test]
    fn a_cluster_api_query_in_a_script_the_parser_did_not_split() {
        // Past MAX_NESTING subshells the parser emits no command for the script, so the
        // sender can only be seen in the raw script text.
        let deep = crate::analysis::shell::MAX_NESTING + 1;
        let unsplit = |inner: &str| format!("{}{inner}{}", "(".repeat(deep), ")".repeat(deep));
        let query = unsplit("curl -sk https://kubernetes.default/api/v1/secrets");
        let f = in_container(facts(&["sh", "-c", &query]));
        let cmd = crate::analysis::shell::parse_exec(&f.argv);
        let lineage = Lineage::default();
        assert_eq!(
            Ctx::new(&f, &lineage, &cmd).unsplit_script(),
            Some(query.as_str()),
            "the input must reach the unsplit fallback"
        );
        assert_eq!(run_with(detect, &f, &lineage).0, ["cluster_api_query"]);
        // No sender in the script: naming the API is not a query.
        let named = unsplit("echo https://kubernetes.default/api/v1/secrets");
        assert!(in_ctr(&["sh", "-c", &named]).is_empty());
    }

    #[test]
    fn a_user_starting_a_privileged_container_through_the_runtime() {
        let host = |argv: &[&str], uid: u32| {
            let mut f = facts(argv);
            f.uid = Some(uid);
            run_with(detect, &f, &Lineage::default()).0
        };
        let ctr = [
            "ctr",
            "run",
            "--privileged",
            "--mount",
            "type=bind,src=/,dst=/host,options=rbind:rw",
            "docker.io/library/alpine:latest",
            "x",
        ];
        assert_eq!(host(&ctr, 1000), ["container_escape"]);
        assert_eq!(
            host(&["nerdctl", "run", "-v", "/:/host", "alpine"], 1000),
            ["container_escape"]
        );
        // Root administering its runtime, and an unprivileged container.
        assert!(host(&ctr, 0).is_empty());
        assert!(host(
            &["ctr", "run", "docker.io/library/alpine:latest", "x"],
            1000
        )
        .is_empty());
    }

    #[test]
    fn quiet_on_the_host() {
        assert!(run(detect, &["kubectl", "get", "pods", "-n", "payments"]).is_empty());
        assert!(run(detect, &["docker", "ps", "-a"]).is_empty());
        assert!(run(detect, &["mount", "-o", "remount,rw", "/"]).is_empty());
    }
}
