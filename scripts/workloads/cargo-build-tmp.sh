#!/usr/bin/env bash
# Workload cargo-build-tmp: this project built the way `cargo install`, CI runners and fresh
# checkouts build it: a clone under /tmp with target/ inside it, `cargo build --release` then
# `cargo test --no-run`. Cargo runs rustc, build scripts and the linker with LD_LIBRARY_PATH
# pointing into target/release/deps (target/debug/deps for the tests).
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-build
case "${1:-}" in
describe)
    echo "setup (not traced): git clone <this checkout> $dir"
    echo "run: cd $dir; export CARGO_TARGET_DIR=$dir/target; cargo build --release; cargo test --no-run"
    ;;
start-dir) echo "$dir" ;;
scrubs) echo "$dir=/tmp/build/falco-triage" ;;
setup)
    rm -rf "$dir"
    git clone -q "${REC_REPO:?set by scripts/record-execs.sh}" "$dir"
    ;;
run)
    cd "$dir"
    export CARGO_TARGET_DIR="$dir/target"
    cargo build --release
    cargo test --no-run
    ;;
cleanup) rm -rf "$dir" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
