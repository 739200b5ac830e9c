#!/usr/bin/env bash
# Record the execs of a named real workload as corpus rows (issue 24: the false-positive rate
# on real exec streams).
#
#   scripts/record-execs.sh NAME [--keep-raw]     # NAME: a file scripts/workloads/NAME.sh
#   scripts/record-execs.sh --list
#
# Runs `bash scripts/workloads/NAME.sh setup` (not traced), then the workload itself,
# `bash scripts/workloads/NAME.sh run`, under
#   strace -f -qq -v -y -s 65535 -e signal=none \
#          -e trace=execve,execveat,clone,clone3,fork,vfork,chdir,fchdir,setuid,setreuid,setresuid,exit_group
# (clone/fork/exit_group give the parents, chdir/fchdir and -y the cwd, the set*uid calls the
# effective uid), then `cleanup`, and
# converts the log with scripts/strace_to_corpus.py into tests/corpus/recorded/NAME.toml:
# one row per distinct exec (successful and failed), identical rows collapsed with `count`.
#
# Kept: argv, exe, parents (comms, nearest first), uid, cwd, res, and of the environment only
# the variables the detectors read (KEPT_ENV in the converter). Scrubbed: this checkout's path
# and the workload's own paths (each workload's `scrubs` phase), the home directory
# ($HOME -> /home/dev), and anything that looks like a secret or token. The output is checked
# for leftovers (home, checkout, /work, the host name) and the run fails if any remain.
#
# Environment: REC_NICE (default 10) is the niceness of the traced workload; REC_OUT
# overrides the output directory (default tests/corpus/recorded). Needs root for the apt and
# useradd workloads; installs strace with apt-get if it is missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workloads="$repo/scripts/workloads"
out_dir="${REC_OUT:-$repo/tests/corpus/recorded}"

usage() {
    sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,3\}//' >&2
    exit 2
}

[ $# -ge 1 ] || usage
if [ "$1" = "--list" ]; then
    for f in "$workloads"/*.sh; do basename "$f" .sh; done
    exit 0
fi
name="$1"
keep_raw=false
[ "${2:-}" = "--keep-raw" ] && keep_raw=true
script="$workloads/$name.sh"
[ -f "$script" ] || { echo "no workload $name ($script)" >&2; usage; }

if ! command -v strace >/dev/null 2>&1; then
    echo "strace missing: installing it with apt-get" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y strace
fi

work="$(mktemp -d /tmp/record-execs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
raw="$work/raw.strace"

export REC_REPO="$repo"
echo "== $name: setup" >&2
bash "$script" setup

start_dir="$(bash "$script" start-dir)"
echo "== $name: run under strace (start dir $start_dir)" >&2
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
t0=$(date +%s)
set +e
(cd "$start_dir" && nice -n "${REC_NICE:-10}" strace -f -qq -v -y -s 65535 -e signal=none \
    -e trace=execve,execveat,clone,clone3,fork,vfork,chdir,fchdir,setuid,setreuid,setresuid,exit_group \
    -o "$raw" -- bash "$script" run)
status=$?
set -e
secs=$(($(date +%s) - t0))
echo "== $name: workload exited $status after ${secs}s" >&2

echo "== $name: cleanup" >&2
bash "$script" cleanup || true

# Path scrubs, most specific first: the workload's own, this checkout, the home directory.
scrub_args=()
while IFS= read -r line; do
    [ -n "$line" ] && scrub_args+=(--scrub "$line")
done < <(bash "$script" scrubs)
scrub_args+=(--scrub "$repo=/home/dev/src/falco-triage")
[ -n "${HOME:-}" ] && [ "$HOME" != "/" ] && scrub_args+=(--scrub "$HOME=/home/dev")

. /etc/os-release
kind="${PRETTY_NAME:-Linux} $(uname -m) virtual machine, $(nproc) vCPUs, kernel $(uname -r | cut -d- -f1)"
{
    echo "# Recorded exec stream: workload \`$name\` (tests/corpus/recorded/README.md)."
    echo "#"
    echo "# Recorded $started by \`scripts/record-execs.sh $name\`"
    echo "# on a $kind,"
    echo "# as uid $(id -u), no terminal, not in a container. The traced command was"
    echo "#   bash scripts/workloads/$name.sh run    (in ${start_dir/#$HOME//home/dev}; took ${secs}s, exit $status)"
    bash "$script" describe | sed 's/^/#   /'
    echo "# under strace -f -qq -v -y -s 65535 -e signal=none"
    echo "#   -e trace=execve,execveat,clone,clone3,fork,vfork,chdir,fchdir,setuid,setreuid,setresuid,exit_group."
    echo "#"
    echo "# One row per distinct exec, successful or failed (res = -errno, e.g. -2 for a PATH search"
    echo "# miss); count = how many execs the row stands for (1 when absent). tty and container are"
    echo "# false (the defaults). A failed exec keeps the caller's comm (the row's comm field)."
    echo "# uid: the effective uid, the recording uid until a setuid/setreuid/setresuid changes it"
    echo "# (setpriv, gosu, su, apt's _apt methods); setuid-bit executables are not followed."
    echo "# parents: comms nearest first, at most 5 (the plugin's default lineage_depth), and"
    echo "# parent_args: the first 4 arguments of each (512 bytes each at most; absent when none);"
    echo "# earlier: the argv of the images the same process exec'd before this one (the newest 4). The"
    echo "# workload's launcher shell (bash scripts/workloads/$name.sh run) is the first ancestor of"
    echo "# what it runs; above it \`bash\`, \`sshd\` stand for a generic login chain (the recording"
    echo "# itself ran under strace from a non-interactive session)."
    echo "# Environment: only LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, GLIBC_TUNABLES, HISTFILE, HISTSIZE,"
    echo "# HISTFILESIZE, HTTP(S)_PROXY, ALL_PROXY (both cases), PROMPT_COMMAND, BASH_ENV, ENV and PATH"
    echo "# are kept, with their values; every other variable is dropped."
    echo "# Scrubbed: the home directory -> /home/dev, the checkout -> /home/dev/src/falco-triage,"
    bash "$script" scrubs | sed 's/^/#   /; s/=/ -> /'
    echo "# and values that look like secrets or tokens -> REDACTED."
} >"$work/header"

mkdir -p "$out_dir"
python3 "$repo/scripts/strace_to_corpus.py" --workload "$name" --raw "$raw" \
    --start-dir "$start_dir" --uid "$(id -u)" --header-file "$work/header" \
    "${scrub_args[@]}" -o "$out_dir/$name.toml"

# Leftovers that must never be written.
leaks=()
for needle in "$repo" "/work/"; do
    if grep -qF -- "$needle" "$out_dir/$name.toml"; then leaks+=("$needle"); fi
done
if [ -n "${HOME:-}" ] && [ "$HOME" != / ] &&
    grep -qE "(^|[^[:alnum:]_./-])${HOME}([^[:alnum:]_.-]|\$)" "$out_dir/$name.toml"; then
    leaks+=("$HOME")
fi
host="$(hostname)"
if [ ${#host} -ge 4 ] && grep -qwF -- "$host" "$out_dir/$name.toml"; then leaks+=("the host name"); fi
while IFS='=' read -r k v; do
    if [ ${#v} -ge 6 ] && grep -qF -- "$v" "$out_dir/$name.toml"; then leaks+=("the value of \$$k"); fi
done < <(env | grep -E '^[A-Za-z_]*(TOKEN|SECRET|PASS|KEY|AUTH|CREDENTIAL|CONTAINER_NAME|HOSTNAME)[A-Za-z_]*=')
if [ ${#leaks[@]} -gt 0 ]; then
    echo "$name.toml still holds: ${leaks[*]}; not keeping it" >&2
    mv "$out_dir/$name.toml" "$work/$name.toml.rejected"
    exit 1
fi

if $keep_raw; then
    cp "$raw" "/tmp/record-execs-$name.strace"
    echo "raw log kept in /tmp/record-execs-$name.strace (unscrubbed: do not commit it)" >&2
fi
echo "wrote $out_dir/$name.toml ($(wc -c <"$out_dir/$name.toml") bytes)" >&2
