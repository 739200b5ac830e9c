#!/usr/bin/env bash
# Install or remove the Falco integration kit: the plugin library, the rules and the config
# drop-in (and, with install-cli, the falco-triage command).
#
#   scripts/install.sh install|uninstall|install-cli
#
# Environment (GNU conventions): DESTDIR (staging root, default empty), PREFIX (/usr),
# SYSCONFDIR (/etc), PLUGIN_SO (target/release/libfalco_triage.so),
# CLI_BIN (target/release/falco-triage).
# Paths: $PREFIX/share/falco/plugins, $SYSCONFDIR/falco/rules.d, $SYSCONFDIR/falco/config.d.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DESTDIR="${DESTDIR:-}"
PREFIX="${PREFIX:-/usr}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
PLUGIN_SO="${PLUGIN_SO:-$here/target/release/libfalco_triage.so}"
CLI_BIN="${CLI_BIN:-$here/target/release/falco-triage}"

plugindir="$PREFIX/share/falco/plugins"
rulesdir="$SYSCONFDIR/falco/rules.d"
confdir="$SYSCONFDIR/falco/config.d"
bindir="$PREFIX/bin"

die() { echo "install.sh: $*" >&2; exit 1; }

case "${1:-}" in
install)
    [ -f "$PLUGIN_SO" ] || die "no plugin library at $PLUGIN_SO (run: cargo build --release)"
    install -d "$DESTDIR$plugindir" "$DESTDIR$rulesdir" "$DESTDIR$confdir"
    install -m 0755 "$PLUGIN_SO" "$DESTDIR$plugindir/libfalco_triage.so"
    install -m 0644 "$here/falco-rules/triage_rules.yaml" "$DESTDIR$rulesdir/triage_rules.yaml"
    # The drop-in names the library by absolute path: point it at this PREFIX.
    sed "s#/usr/share/falco/plugins/libfalco_triage.so#$plugindir/libfalco_triage.so#" \
        "$here/falco-rules/config.d/triage.yaml" > "$DESTDIR$confdir/triage.yaml"
    chmod 0644 "$DESTDIR$confdir/triage.yaml"
    echo "installed into ${DESTDIR:-/}: $plugindir/libfalco_triage.so $rulesdir/triage_rules.yaml $confdir/triage.yaml"
    ;;
install-cli)
    [ -f "$CLI_BIN" ] || die "no falco-triage binary at $CLI_BIN (run: cargo build --release)"
    install -d "$DESTDIR$bindir"
    install -m 0755 "$CLI_BIN" "$DESTDIR$bindir/falco-triage"
    ;;
uninstall)
    rm -f "$DESTDIR$plugindir/libfalco_triage.so" "$DESTDIR$rulesdir/triage_rules.yaml" \
        "$DESTDIR$confdir/triage.yaml" "$DESTDIR$bindir/falco-triage"
    ;;
*)
    die "usage: scripts/install.sh install|uninstall|install-cli"
    ;;
esac
