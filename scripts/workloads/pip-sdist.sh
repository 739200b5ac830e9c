#!/usr/bin/env bash
# Workload pip-sdist: a virtualenv under /tmp and packages with C extensions built from their
# source distributions (pip runs setuptools in an isolated build environment, which runs gcc).
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-pip
case "${1:-}" in
describe)
    echo "run: cd $dir; python3 -m venv venv"
    echo "     venv/bin/pip install --no-binary :all: --no-cache-dir markupsafe simplejson"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup) rm -rf "$dir" && mkdir -p "$dir" ;;
run)
    cd "$dir"
    python3 -m venv venv
    venv/bin/pip install --no-binary :all: --no-cache-dir markupsafe simplejson
    venv/bin/python -c 'import markupsafe, simplejson; print(markupsafe.escape("<ok>"))'
    ;;
cleanup) rm -rf "$dir" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
