#!/usr/bin/env bash
# Workload npm-install-scripts: `npm install` of a package with an install script (esbuild's
# postinstall runs `node install.js`, which runs the platform binary to check it), a local
# package with preinstall/postinstall scripts, then `npm run build` bundling with esbuild.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-npm
case "${1:-}" in
describe)
    echo "setup (not traced): $dir/app with package.json (build script: esbuild) and src/index.js,"
    echo "       $dir/hooks-pkg, a local package with preinstall and postinstall scripts"
    echo "run: cd $dir/app; npm install --no-audit --no-fund esbuild ../hooks-pkg; npm run build;"
    echo "     rm -rf node_modules; npm ci --no-audit --no-fund"
    ;;
start-dir) echo "$dir/app" ;;
scrubs) ;;
setup)
    rm -rf "$dir"
    mkdir -p "$dir/app/src" "$dir/hooks-pkg"
    cat >"$dir/app/package.json" <<'JSON'
{
  "name": "demo-app",
  "version": "1.0.0",
  "private": true,
  "scripts": {
    "build": "esbuild src/index.js --bundle --platform=node --outfile=dist/app.js"
  }
}
JSON
    echo 'const greet = (n) => `hello ${n}`; console.log(greet("world"));' >"$dir/app/src/index.js"
    cat >"$dir/hooks-pkg/package.json" <<'JSON'
{
  "name": "hooks-pkg",
  "version": "0.1.0",
  "scripts": {
    "preinstall": "node -e \"process.exit(process.versions.node ? 0 : 1)\"",
    "postinstall": "sh ./postinstall.sh"
  }
}
JSON
    cat >"$dir/hooks-pkg/postinstall.sh" <<'SH'
#!/bin/sh
# A typical postinstall: detect the platform, write a small generated file.
set -e
platform="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
mkdir -p generated
printf 'module.exports = "%s";\n' "$platform" > generated/platform.js
SH
    echo 'module.exports = require("./generated/platform.js");' >"$dir/hooks-pkg/index.js"
    ;;
run)
    cd "$dir/app"
    npm install --no-audit --no-fund esbuild ../hooks-pkg
    npm run build
    node dist/app.js
    rm -rf node_modules
    npm ci --no-audit --no-fund
    ;;
cleanup) rm -rf "$dir" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
