#!/bin/sh
# Which edges the corpus inputs written after a time cover that the older inputs do not, and
# whose code each edge is in: the innermost (inlined) frame of its address is the crate's own
# source, the standard library's, a dependency's, or unknown (no line information). A run's
# `cov` counts them all alike; a new edge in std (a `from_str_radix` overflow, a char
# boundary check) inlined at one more call site is not a new branch of the code under test.
#   fuzz/new-edges.sh <target> "YYYY-mm-dd HH:MM:SS" [libFuzzer flags, e.g. -max_len=8192]
# Build the target first (cargo +nightly fuzz build -s none <target>). An input that libFuzzer
# reduced after that time counts as new, so the count can only overstate what is new.
# Needs python3, setarch, readelf and addr2line (binutils).
set -eu
cd "$(dirname "$0")/.."
target=$1
since=$2
shift 2
bin=fuzz/target/x86_64-unknown-linux-gnu/release/$target
[ -x "$bin" ] || { echo "no $bin: cargo +nightly fuzz build -s none $target" >&2; exit 1; }
[ -d "fuzz/corpus/$target" ] || { echo "no corpus fuzz/corpus/$target" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/old" "$work/all" "$work/out1" "$work/out2"
# A running fuzzer deletes the inputs it reduces: copy what is there, keeping the times.
cp -pR "fuzz/corpus/$target/." "$work/all/" 2>/dev/null || true
find "$work/all" -type f ! -newermt "$since" -exec cp {} "$work/old/" \;
# Merge control files list, per input, the indices of the PC table entries it covers. Without
# ASLR (setarch -R) the table's addresses are the ones in the file.
quietly() { # libFuzzer's log only if it fails
    "$@" >"$work/merge.log" 2>&1 || { tail -n 20 "$work/merge.log" >&2; exit 1; }
}
if [ -n "$(ls -A "$work/old")" ]; then
    quietly setarch -R "$bin" -merge=1 -merge_control_file="$work/old.cov" -timeout=5 "$@" \
        "$work/out1" "$work/old"
else
    : >"$work/old.cov" # every input is new
fi
quietly setarch -R "$bin" -merge=1 -merge_control_file="$work/all.cov" -timeout=5 "$@" \
    "$work/out2" "$work/all"
# The PC table (__sancov_pcs: address, flags; 16 bytes an entry) is filled by relocations.
readelf -SW "$bin" | awk '$2=="__sancov_pcs"{print $4, $6}' >"$work/section"
readelf -rW "$bin" | awk '$3=="R_X86_64_RELATIVE"{print $1, $4}' >"$work/relocs"
python3 - "$work" <<'PY' >"$work/pcs"
import sys
work = sys.argv[1]
start, size = (int(x, 16) for x in open(f"{work}/section").read().split())
def covered(path):
    pcs = set()
    for line in open(path):
        if line.startswith("COV "):
            pcs.update(map(int, line.split()[2:]))
    return pcs
pc_of = {}
for line in open(f"{work}/relocs"):
    offset, addend = (int(x, 16) for x in line.split())
    if start <= offset < start + size and (offset - start) % 16 == 0:
        pc_of[(offset - start) // 16] = addend
old, every = covered(f"{work}/old.cov"), covered(f"{work}/all.cov")
print(f"edges: {len(old)} before, {len(every)} after, {len(every - old)} new", file=sys.stderr)
for i in sorted(every - old):
    print(hex(pc_of[i]))
PY
addr2line -a -f -i -C -e "$bin" <"$work/pcs" >"$work/frames"
python3 - "$work/frames" "$(pwd)/" <<'PY'
import collections, sys
lines, root = open(sys.argv[1]).read().split("\n"), sys.argv[2]
edges, i = [], 0
while i < len(lines):
    if lines[i].startswith("0x"):
        edges.append([])
        i += 1
    elif lines[i] and i + 1 < len(lines):
        edges[-1].append((lines[i], lines[i + 1]))  # (function, file:line), innermost first
        i += 2
    else:
        i += 1
where = collections.Counter()
for frames in edges:
    location = frames[0][1] if frames else "?"
    if location.startswith(root):
        kind = "crate"
    elif location.startswith("??"):
        kind = "unknown"  # no line information for the address
    elif "/rustc/" in location or "/library/" in location:
        kind = "std"
    else:
        kind = "dependency"
    where[kind] += 1
    ours = next((loc[len(root):] for _, loc in frames if loc.startswith(root)), "-")
    print(f"{kind:10} {ours:55} {frames[0][0][:70] if frames else '?'}")
print("new edges by innermost frame:", ", ".join(f"{k} {v}" for k, v in sorted(where.items())))
PY
