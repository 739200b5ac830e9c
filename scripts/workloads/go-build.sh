#!/usr/bin/env bash
# Workload go-build (optional): a small Go module built, vetted and tested with the Debian
# toolchain (golang-go), standard library only.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-go
# A build cache of its own, emptied in setup: every run compiles the standard library packages
# it needs, as a fresh CI job does, instead of recording whatever the machine's cache held.
cache=/tmp/rec-go-cache
case "${1:-}" in
describe)
    echo "setup (not traced): apt-get install golang-go if missing; $dir with main.go, main_test.go;"
    echo "       an empty GOCACHE ($cache)"
    echo "run: go mod init example.com/hello; go vet ./...; go build -o hello .; go test ./...; ./hello"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup)
    command -v go >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go; }
    rm -rf "$dir" "$cache" && mkdir -p "$dir"
    cat >"$dir/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"strings"
)

func greet(name string) string { return "hello " + strings.TrimSpace(name) }

func main() {
	name := "world"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Println(greet(name))
}
GO
    cat >"$dir/main_test.go" <<'GO'
package main

import "testing"

func TestGreet(t *testing.T) {
	if got := greet(" go "); got != "hello go" {
		t.Fatalf("greet: %q", got)
	}
}
GO
    ;;
run)
    cd "$dir"
    export GOCACHE="$cache"
    go mod init example.com/hello
    go vet ./...
    go build -o hello .
    go test ./...
    ./hello
    ;;
cleanup) rm -rf "$dir" "$cache" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
