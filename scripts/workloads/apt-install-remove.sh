#!/usr/bin/env bash
# Workload apt-install-remove: installing and removing small packages with apt-get: the http
# method, dpkg, maintainer scripts (figlet's postinst and prerm run update-alternatives) and
# triggers (man-db).
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
pkgs=(figlet sl tree)
case "${1:-}" in
describe)
    echo "setup (not traced): apt-get update; the packages must not be installed"
    echo "run: apt-get install -y ${pkgs[*]}; figlet ok; apt-get remove -y ${pkgs[*]}"
    ;;
start-dir) echo /root ;;
scrubs) ;;
setup)
    for p in "${pkgs[@]}"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
            echo "$p is installed: remove it first (apt-get remove $p)" >&2
            exit 1
        fi
    done
    apt-get update -qq
    ;;
run)
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${pkgs[@]}"
    figlet ok
    apt-get remove -y "${pkgs[@]}"
    ;;
cleanup) ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
