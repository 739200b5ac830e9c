#!/usr/bin/env bash
# Workload go-build (optional): a small Go module built, vetted and tested with the Debian
# toolchain (golang-go), standard library only.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-go
case "${1:-}" in
describe)
    echo "setup (not traced): apt-get install golang-go if missing; $dir with main.go, main_test.go"
    echo "run: go mod init example.com/hello; go vet ./...; go build -o hello .; go test ./...; ./hello"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup)
    command -v go >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go; }
    rm -rf "$dir" && mkdir -p "$dir"
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
    go mod init example.com/hello
    go vet ./...
    go build -o hello .
    go test ./...
    ./hello
    ;;
cleanup) rm -rf "$dir" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
