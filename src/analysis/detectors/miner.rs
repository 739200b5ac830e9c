//! Cryptomining: known miner binaries, stratum pool URLs, known pool hosts and miner options.
//! A stratum URL that is only an argument of echo/printf/grep is text, not mining.

use super::needles::Needles;
use super::{is_inert_for_keywords, ClassSet, Ctx, Findings};
use crate::knowledge::{signals, ToolClass};

/// Matched ignoring ASCII case (`STRATUM+TCP://`).
static MARKERS: Needles = Needles::ignore_ascii_case(&[
    "stratum+tcp",
    "stratum+ssl",
    "stratum+tls",
    "stratum2+tcp",
    "supportxmr.com",
    "moneroocean.stream",
    "nanopool.org",
    "minexmr.com",
    "2miners.com",
    "f2pool.com",
    "hashvault.pro",
    "c3pool.com",
    "xmrpool.eu",
    "herominers.com",
    "unmineable.com",
    "nicehash.com",
    "--donate-level",
    "--cpu-priority",
    "--randomx",
    "cryptonight",
]);

pub fn wants(cx: &Ctx) -> bool {
    let miner = ClassSet::of(&[ToolClass::Miner]);
    cx.exe_class == Some(ToolClass::Miner) || cx.runs_any(miner) || cx.words_may_hold(&MARKERS)
}

pub fn detect(cx: &Ctx, out: &mut Findings) {
    if cx.exe_class == Some(ToolClass::Miner) {
        out.hit(
            signals::CRYPTO_MINER,
            format!("known miner binary {}", cx.exe_path),
        );
    }
    // Checked once for the exec: most hold none of the markers' first byte pairs.
    let markers = cx.words_may_hold(&MARKERS);
    for c in cx.commands() {
        let p = c.program();
        if c.class == Some(ToolClass::Miner) {
            out.hit(signals::CRYPTO_MINER, format!("known miner {p}"));
        }
        if !markers {
            continue;
        }
        let Some(m) = super::own_args(c).iter().find(|a| MARKERS.any_in(a)) else {
            continue;
        };
        if is_inert_for_keywords(p) {
            out.note(format!(
                "{m:?} appears only as an argument of {p}: no mining"
            ));
        } else {
            out.hit(signals::CRYPTO_MINER, format!("{p} with {m}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn fires_on_miners() {
        assert_eq!(
            run(
                detect,
                &[
                    "/tmp/.x/kswapd0",
                    "-o",
                    "stratum+tcp://pool.example:3333",
                    "-u",
                    "w"
                ]
            ),
            ["crypto_miner"]
        );
        assert_eq!(
            run(detect, &["xmrig", "--donate-level", "1"]),
            ["crypto_miner"]
        );
    }

    #[test]
    fn markers_pass_the_pair_gate_in_any_case_and_inside_scripts() {
        // The per-exec pair gate must fold case as the marker search does, and see the
        // words the parser builds (the quote splits `St` in the script text).
        assert_eq!(
            run(
                detect,
                &["/tmp/.x/k", "-o", "STRATUM+TCP://pool.example:3333"]
            ),
            ["crypto_miner"]
        );
        assert_eq!(
            run(
                detect,
                &["sh", "-c", "cd /tmp && ./k -o S'tratum+Tcp://pool:3333'"]
            ),
            ["crypto_miner"]
        );
        assert!(run(detect, &["tar", "xzf", "/backup/2024-06-01.tgz"]).is_empty());
    }

    #[test]
    fn quiet_on_echoed_stratum() {
        let (ids, notes) = run_with(
            detect,
            &facts(&["echo", "-o stratum+tcp"]),
            &crate::analysis::Lineage::default(),
        );
        assert!(ids.is_empty());
        assert!(notes[0].contains("only as an argument of echo"));
    }
}
