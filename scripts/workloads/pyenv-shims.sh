#!/usr/bin/env bash
# Workload pyenv-shims: Python run through pyenv's shims, as on a developer machine or a CI
# image that manages interpreters with pyenv: every `python3` and `pip` is a bash shim that
# re-execs `pyenv exec`, which re-execs the real interpreter with the same arguments.
# Needs pyenv (https://github.com/pyenv/pyenv) in PYENV_ROOT (default ~/.pyenv) with at least
# one installed version; the workload refuses to run without it rather than record nothing.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-pyenv
root="${PYENV_ROOT:-$HOME/.pyenv}"
case "${1:-}" in
describe)
    echo "run: with \$PYENV_ROOT/shims first in PATH: python3 --version, python3 -c 'print(...)',"
    echo "     python3 -m venv, pip --version, pip list, python3 -m json.tool on a file,"
    echo "     python3 -c with subprocess.run(['uname', '-r']), pyenv version"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup)
    [ -x "$root/shims/python3" ] || { echo "pyenv shims not found in $root/shims" >&2; exit 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    printf '{"name": "demo", "tags": ["a", "b"]}\n' >"$dir/data.json"
    ;;
run)
    cd "$dir"
    export PATH="$root/shims:$root/bin:$PATH"
    python3 --version
    python3 -c 'print("hello from", __import__("sys").version.split()[0])'
    python3 -m json.tool data.json >/dev/null
    python3 -c 'import subprocess; subprocess.run(["uname", "-r"], check=True)'
    pip --version
    pip list --disable-pip-version-check >/dev/null
    python3 -m venv venv
    venv/bin/python -c 'import sys; print(sys.prefix)'
    pyenv version
    ;;
cleanup) rm -rf "$dir" ;;
*) echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2; exit 2 ;;
esac
