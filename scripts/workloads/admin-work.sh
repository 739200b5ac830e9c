#!/usr/bin/env bash
# Workload admin-work: routine administration, the kind an operator or a cron job runs:
# looking around (ls, ps, df, du, ip, ss, systemctl, journalctl), a service account created
# and deleted, ownership and modes, an archive, find and grep, an in-place edit, crontab -l,
# logrotate with its own config and state file, and a cron-style run-parts --test.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-admin
case "${1:-}" in
describe)
    echo "run: ls -la, ps aux, df -h, du -sh, ip addr, ss -tlnp, systemctl status, journalctl -n,"
    echo "     useradd -M -r -s /usr/sbin/nologin svcapp; chown; chmod; userdel svcapp; tar czf;"
    echo "     find -mtime; grep -r; sed -i; crontab -l; logrotate -f -s STATE CONF;"
    echo "     run-parts --test /etc/cron.daily (the full list is scripts/workloads/admin-work.sh)"
    ;;
start-dir) echo "${HOME:-/root}" ;;
scrubs) ;;
setup)
    # The tools the workload runs (package:command), installed when missing.
    for pc in logrotate:logrotate cron:crontab iproute2:ss; do
        if ! command -v "${pc#*:}" >/dev/null 2>&1; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pc%%:*}"
        fi
    done
    rm -rf "$dir"
    mkdir -p "$dir/app/logs" "$dir/app/conf" "$dir/backup"
    for i in 1 2 3; do echo "line $i error=none" >"$dir/app/logs/app.log.$i"; done
    echo "listen 8080" >"$dir/app/conf/app.conf"
    echo "started" >"$dir/app/logs/app.log"
    ;;
run)
    ls -la /etc >/dev/null
    ls -l "$dir/app"
    ps aux >/dev/null
    ps -ef --forest >/dev/null
    df -h
    du -sh /var/log "$dir" 2>/dev/null || true
    free -m
    uptime
    ip addr >/dev/null
    ip route >/dev/null || true
    ss -tlnp >/dev/null
    systemctl status --no-pager cron >/dev/null 2>&1 || true
    systemctl list-units --no-pager --type=service >/dev/null 2>&1 || true
    journalctl -n 20 --no-pager >/dev/null 2>&1 || true
    id
    whoami
    uname -a >/dev/null
    useradd -M -r -s /usr/sbin/nologin svcapp
    getent passwd svcapp >/dev/null
    chown -R svcapp:svcapp "$dir/app"
    chmod 750 "$dir/app"
    chmod 640 "$dir/app/conf/app.conf"
    stat -c '%U %a %n' "$dir/app/conf/app.conf"
    chown -R root:root "$dir/app"
    userdel svcapp
    tar czf "$dir/backup/app-$(date +%F).tar.gz" -C "$dir" app
    tar tzf "$dir/backup/app-$(date +%F).tar.gz" >/dev/null
    find "$dir" -type f -mtime -1 >/dev/null
    find /var/log -name '*.log' -mtime +30 2>/dev/null | head -5 >/dev/null
    grep -r "error" "$dir/app/logs" >/dev/null
    grep -rl "listen" "$dir/app/conf" >/dev/null
    sed -i 's/listen 8080/listen 8081/' "$dir/app/conf/app.conf"
    cat "$dir/app/conf/app.conf"
    crontab -l 2>/dev/null || true
    cat >"$dir/logrotate.conf" <<CONF
$dir/app/logs/app.log {
    rotate 3
    compress
    missingok
    notifempty
    postrotate
        echo rotated > $dir/app/logs/.rotated
    endscript
}
CONF
    logrotate -f -s "$dir/logrotate.state" "$dir/logrotate.conf"
    ls "$dir/app/logs" >/dev/null
    run-parts --test /etc/cron.daily >/dev/null || true
    last -n 5 >/dev/null 2>&1 || true
    hostname >/dev/null
    ;;
cleanup)
    userdel svcapp 2>/dev/null || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
