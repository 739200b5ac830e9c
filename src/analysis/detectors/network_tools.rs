//! Network tools: scanners (nmap, masscan, zmap, `nc -z` sweeps), sniffers (tcpdump, tshark),
//! tunnels (chisel, ngrok, frp, `ssh -R/-D`), and netcat/DNS utilities in a container.
//! A tool asked only for its version does nothing and is noted.

use super::{args, has_short, version_query_only, ClassSet, Ctx, Findings, ProgramSet};
use crate::knowledge::{signals, ToolClass};

pub fn wants(cx: &Ctx) -> bool {
    cx.runs_any(ClassSet::of(&[
        ToolClass::Scanner,
        ToolClass::Sniffer,
        ToolClass::Tunnel,
        ToolClass::Netcat,
        ToolClass::DnsTool,
    ])) || cx.may_run(ProgramSet::of(&["socat", "ssh"]))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    for c in cx.commands() {
        let p = c.program();
        let class = c.class;
        if matches!(
            class,
            Some(ToolClass::Scanner | ToolClass::Sniffer | ToolClass::Tunnel)
        ) && version_query_only(c)
        {
            out.note(format!("{p} only asked for its version"));
            continue;
        }
        match class {
            Some(ToolClass::Scanner) => out.hit(signals::NETWORK_SCANNER, super::join(c)),
            Some(ToolClass::Sniffer) => out.hit(signals::NETWORK_SNIFFER, super::join(c)),
            Some(ToolClass::Tunnel) => out.hit(signals::TUNNEL_TOOL, super::join(c)),
            Some(ToolClass::Netcat)
                if has_short(c, b'z')
                    && args(c).iter().any(|a| {
                        a.contains('-')
                            && a.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                            && a.len() > 2
                    }) =>
            {
                out.hit(
                    signals::NETWORK_SCANNER,
                    format!("{} (port range sweep)", super::join(c)),
                );
            }
            Some(ToolClass::Netcat | ToolClass::DnsTool)
                if cx.in_container && !has_short(c, b'z') =>
            {
                out.hit(signals::NETWORK_TOOL_IN_CONTAINER, super::join(c));
            }
            _ => {}
        }
        if p == "socat" {
            let listen = args(c)
                .iter()
                .any(|x| x.to_ascii_lowercase().contains("-listen:"));
            let connect = args(c).iter().any(|x| {
                let l = x.to_ascii_lowercase();
                (l.starts_with("tcp:")
                    || l.starts_with("tcp4:")
                    || l.starts_with("openssl:")
                    || l.starts_with("udp:"))
                    && !l.contains("localhost")
                    && !l.contains("127.0.0.1")
            });
            let entrypoint = cx
                .ancestors()
                .next()
                .is_some_and(|(_, k)| k == Some(ToolClass::ContainerRuntime));
            if listen && connect && !entrypoint {
                out.hit(
                    signals::TUNNEL_TOOL,
                    format!("socat relay: {}", super::join(c)),
                );
            }
        }
        if p == "ssh"
            && (super::has_opt(c, &["-R", "-D"])
                || args(c)
                    .iter()
                    .any(|a| a.starts_with("-R") || a.starts_with("-D")))
        {
            out.hit(
                signals::TUNNEL_TOOL,
                format!("ssh port forwarding: {}", super::join(c)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::analysis::Lineage;

    #[test]
    fn fires_on_scanners_and_sniffers() {
        assert_eq!(
            run(detect, &["nmap", "-sn", "10.0.0.0/24"]),
            ["network_scanner"]
        );
        assert_eq!(
            run(detect, &["tcpdump", "-i", "any", "-w", "/tmp/x.pcap"]),
            ["network_sniffer"]
        );
        assert_eq!(
            run(detect, &["nc", "-zv", "10.0.0.5", "1-1024"]),
            ["network_scanner"]
        );
        let f = in_container(facts(&["dig", "example.com"]));
        assert_eq!(
            run_with(detect, &f, &Lineage::default()).0,
            ["network_tool_in_container"]
        );
    }

    #[test]
    fn quiet_on_health_checks_and_versions() {
        assert!(run(detect, &["nc", "-z", "db", "5432"]).is_empty());
        assert!(run(detect, &["nmap", "--version"]).is_empty());
        let f = in_container(facts(&["nc", "-z", "-w", "2", "postgres", "5432"]));
        assert!(run_with(detect, &f, &Lineage::default()).0.is_empty());
    }
}
