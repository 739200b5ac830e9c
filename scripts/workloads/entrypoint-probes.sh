#!/usr/bin/env bash
# Workload entrypoint-probes (HELD OUT: not tuned on, see tests/corpus/recorded/README.md):
# what container entrypoints and Kubernetes probes run: a docker-entrypoint.sh that renders a
# config with envsubst, drops privileges (setpriv, gosu, su) and execs "$@"; then probes,
# a few rounds each, against a python3 http.server on 127.0.0.1 only.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-entry
port=18080
case "${1:-}" in
describe)
    echo "setup (not traced): $dir/docker-entrypoint.sh, a template, $dir/www/healthz"
    echo "run: docker-entrypoint.sh (envsubst < tmpl > conf; setpriv --reuid=nobody --regid=nogroup"
    echo "     --clear-groups \"\$0\" \"\$@\"; exec \"\$@\"), gosu nobody, su -s /bin/sh nobody -c;"
    echo "     python3 -m http.server $port --bind 127.0.0.1; 5 rounds of probes: sh -c 'wget -qO-"
    echo "     http://127.0.0.1:$port/healthz', nc -z 127.0.0.1 $port, sh -c 'test -f /tmp/ready',"
    echo "     curl -fsS http://127.0.0.1:$port/healthz, pgrep -f http.server"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup)
    # The tools the workload runs (package:command), installed when missing.
    for pc in gosu:gosu netcat-openbsd:nc wget:wget curl:curl gettext-base:envsubst; do
        if ! command -v "${pc#*:}" >/dev/null 2>&1; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pc%%:*}"
        fi
    done
    rm -rf "$dir"
    mkdir -p "$dir/www" "$dir/etc"
    echo ok >"$dir/www/healthz"
    cat >"$dir/app.conf.template" <<'TMPL'
server {
    listen ${PORT};
    server_name ${SERVER_NAME};
    root /usr/share/app;
}
TMPL
    cat >"$dir/docker-entrypoint.sh" <<'SH'
#!/bin/sh
# A typical image entrypoint: render the config, drop root, run the command.
set -e
if [ "$1" = "app" ]; then
    shift
    set -- sh -c 'cat /tmp/rec-entry/etc/app.conf >/dev/null; echo app started'
fi
if [ "$(id -u)" = "0" ]; then
    : "${PORT:=8080}" "${SERVER_NAME:=localhost}"
    export PORT SERVER_NAME
    envsubst '${PORT} ${SERVER_NAME}' < /tmp/rec-entry/app.conf.template > /tmp/rec-entry/etc/app.conf
    chmod 644 /tmp/rec-entry/etc/app.conf
    exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$0" "$@"
fi
exec "$@"
SH
    chmod 755 "$dir/docker-entrypoint.sh" "$dir"
    ;;
run)
    cd "$dir"
    PORT=8081 ./docker-entrypoint.sh app
    ./docker-entrypoint.sh id -u
    gosu nobody true
    gosu nobody:nogroup sh -c 'id -un'
    su -s /bin/sh nobody -c true
    setpriv --reuid=nobody --regid=nogroup --clear-groups true
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir/www" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 50); do
        nc -z 127.0.0.1 "$port" 2>/dev/null && break
        sleep 0.2
    done
    touch /tmp/ready
    for _ in 1 2 3 4 5; do
        sh -c "wget -qO- http://127.0.0.1:$port/healthz" >/dev/null
        nc -z 127.0.0.1 "$port"
        sh -c 'test -f /tmp/ready'
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null
        pgrep -f http.server >/dev/null
        sleep 0.2
    done
    rm -f /tmp/ready
    if sh -c 'test -f /tmp/ready'; then exit 1; fi
    kill "$server"
    wait "$server" 2>/dev/null || true
    ;;
cleanup) rm -rf "$dir" /tmp/ready ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
