#!/usr/bin/env bash
# What the kit (plugin, config drop-in, triage rules) costs Falco: replay a capture of real work
# without and with it, alternating, and compare Falco's whole-process CPU time; with IRCOUNT=1,
# also the instructions (callgrind, deterministic) of one replay per side, and of Falco's
# start-up alone (--dry-run: config, plugins, rules), so that the cost per event can be told
# apart from the one-time cost of loading the rules.
#
#   scripts/falco-cost.sh FALCO_BIN CAPTURE.scap PLUGIN.so [N=7]
#
# Environment:
#   FALCO_YAML    the stock falco.yaml to start from (required; falcosecurity/falco's)
#   STOCK_RULES   the stock falco_rules.yaml (required; falcosecurity/rules')
#   CONTAINER_SO  the official container plugin's .so, loaded on both sides ("" = not loaded)
#   OUT           where configurations, logs and outputs go [a new temporary directory]
#   EXTRA_OPTS    more Falco options for both sides, e.g. "-o rule_matching=all"
#   IRCOUNT=1     add the callgrind counts (valgrind; ~1 minute per replay)
# Nothing here builds Falco: bring your own binary (docs/performance.md says which one the
# published figures used).
set -euo pipefail

FALCO=$(readlink -f "${1:?usage: falco-cost.sh FALCO_BIN CAPTURE.scap PLUGIN.so [N]}")
CAPTURE=$(readlink -f "${2:?capture file}")
PLUGIN=$(readlink -f "${3:?plugin .so}")
N=${4:-7}
FALCO_YAML=${FALCO_YAML:?set FALCO_YAML to the stock falco.yaml}
STOCK_RULES=${STOCK_RULES:?set STOCK_RULES to the stock falco_rules.yaml}
CONTAINER_SO=${CONTAINER_SO-}
OUT=${OUT:-$(mktemp -d)}
EXTRA_OPTS=${EXTRA_OPTS:-}
KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../falco-rules" && pwd)

for f in "$FALCO" "$CAPTURE" "$PLUGIN" "$FALCO_YAML" "$STOCK_RULES"; do
    [ -e "$f" ] || { echo "falco-cost.sh: missing $f" >&2; exit 2; }
done

# The two configurations: the stock layout (config.d, rules.d), the kit's files added to one.
configure() { # $1 = without|with
    local d="$OUT/$1" plugins="[]"
    rm -rf "$d"; mkdir -p "$d/config.d" "$d/rules.d"
    [ -n "$CONTAINER_SO" ] && plugins="[container]"
    sed -e "s#^  - /etc/falco/config.d\$#  - $d/config.d#" \
        -e "s#^  - /etc/falco/falco_rules.yaml\$#  - $STOCK_RULES#" \
        -e "\#^  - /etc/falco/falco_rules.local.yaml\$#d" \
        -e "s#^  - /etc/falco/rules.d\$#  - $d/rules.d#" \
        -e "s#^load_plugins: \[\]#load_plugins: $plugins#" \
        -e "s#library_path: libcontainer.so#library_path: ${CONTAINER_SO:-libcontainer.so}#" \
        -e "s#^log_syslog: true#log_syslog: false#" \
        -e "s#^watch_config_files: true#watch_config_files: false#" \
        "$FALCO_YAML" > "$d/falco.yaml"
    if [ "$1" = with ]; then
        sed "s#library_path: .*libfalco_triage.so#library_path: $PLUGIN#" \
            "$KIT/config.d/triage.yaml" > "$d/config.d/triage.yaml"
        cp "$KIT/triage_rules.yaml" "$d/rules.d/"
    fi
}
configure without
configure with

falco_args() { # $1 = side
    echo -c "$OUT/$1/falco.yaml" -o engine.kind=replay -o "engine.replay.capture_file=$CAPTURE" \
        -o stdout_output.enabled=true $EXTRA_OPTS
}

# One replay: user+sys CPU seconds of the Falco process (getrusage of the child).
cpu_run() { # $1 = side, $2 = run
    # shellcheck disable=SC2046
    python3 - "$OUT/$1.$2.out" "$OUT/$1.$2.log" "$FALCO" $(falco_args "$1") <<'PY'
import os, subprocess, sys
out, log, *cmd = sys.argv[1:]
with open(out, "wb") as o, open(log, "wb") as l:
    child = subprocess.Popen(cmd, stdout=o, stderr=l)
    _, status, usage = os.wait4(child.pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(f"falco failed; see {log}")
print(f"{usage.ru_utime + usage.ru_stime:.3f}")
PY
}

echo "falco:   $FALCO ($("$FALCO" --version 2>/dev/null | head -1))"
echo "capture: $CAPTURE"
echo "plugin:  $PLUGIN"
echo "$N replays each way, alternating; CPU = user+sys of the falco process"
without=(); with=()
for i in $(seq 1 "$N"); do
    without+=("$(cpu_run without "$i")")
    with+=("$(cpu_run with "$i")")
    echo "run $i: without ${without[-1]} s, with ${with[-1]} s"
done
grep -q "Loaded plugin 'triage" "$OUT/with.1.log" || { echo "the kit did not load: $OUT/with.1.log" >&2; exit 1; }
! grep -q "Loaded plugin 'triage" "$OUT/without.1.log" || { echo "the kit loaded without it" >&2; exit 1; }
echo "triage alerts in the first replay: $(grep -c -E 'exec \(risk=[0-9]+' "$OUT/with.1.out" || true)"
python3 - "${without[*]}" "${with[*]}" <<'PY'
import statistics as st, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
pairs = [y / x for x, y in zip(a, b)]
print(f"median CPU: without {st.median(a):.3f} s, with {st.median(b):.3f} s")
print("pairwise with/without: " + " ".join(f"{r:.3f}" for r in pairs))
print(f"median pairwise ratio: {st.median(pairs):.3f}")
PY

if [ "${IRCOUNT:-0}" = 1 ]; then
    declare -A replay start
    for side in without with; do
        # shellcheck disable=SC2046
        valgrind --tool=callgrind --callgrind-out-file="$OUT/$side.cg" "$FALCO" $(falco_args "$side") \
            > "$OUT/$side.cg.out" 2> "$OUT/$side.cg.log"
        replay[$side]=$(sed -n 's/^totals: //p' "$OUT/$side.cg")
        # shellcheck disable=SC2046
        valgrind --tool=callgrind --callgrind-out-file="$OUT/$side.start.cg" "$FALCO" $(falco_args "$side") \
            --dry-run > /dev/null 2>&1
        start[$side]=$(sed -n 's/^totals: //p' "$OUT/$side.start.cg")
    done
    python3 - "${replay[without]}" "${replay[with]}" "${start[without]}" "${start[with]}" <<'PY'
import sys
rw, rk, sw, sk = map(int, sys.argv[1:])
print(f"instructions, whole replay: without {rw/1e6:.1f} M, with {rk/1e6:.1f} M: {rk/rw:.4f}")
print(f"  of which start-up (--dry-run): without {sw/1e6:.1f} M, with {sk/1e6:.1f} M")
print(f"  the events alone: without {(rw-sw)/1e6:.1f} M, with {(rk-sk)/1e6:.1f} M: {(rk-sk)/(rw-sw):.4f}")
PY
fi
echo "outputs: $OUT"
