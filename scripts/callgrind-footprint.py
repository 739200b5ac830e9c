#!/usr/bin/env python3
"""Distinct 64-byte code lines executed, from a callgrind profile taken with --dump-instr=yes:
the code footprint of what was profiled, which decides instruction-cache misses.

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=cg.out \\
        --toggle-collect='falco_triage::analysis::analyze' \\
        target/release/examples/profile_analysis 50 --class java
    scripts/callgrind-footprint.py cg.out [TOP]

Prints the total and the TOP functions (default 30) by lines first executed in them (a line
shared by two functions counts once, for the first seen: the total is exact, the split is not).
"""
import collections
import re
import sys

POSITION = r"(0x[0-9a-fA-F]+|[+-][0-9]+|\*)"
NAME = re.compile(r"c?fn=\((\d+)\)(?: (.*))?")


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    names, owner = {}, {}
    fn, addr, after_calls, cost = "?", 0, False, None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("positions:"):
                # An address first, then one more column per other position (line numbers),
                # then the costs, Ir first.
                columns = line.split()[1:]
                if columns[:1] != ["instr"]:
                    sys.exit(f"{path}: no instruction addresses; profile with --dump-instr=yes")
                cost = re.compile(rf"^{POSITION}" + r"\s+\S+" * (len(columns) - 1) + r"\s+(\d+)")
                continue
            if cost is None:
                continue
            m = NAME.match(line)
            if m:
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("fn="):
                    fn = names.get(m.group(1), m.group(1))
                continue
            if line.startswith("calls="):
                after_calls = True  # the next cost line is the call's inclusive cost
                continue
            m = cost.match(line)
            if not m:
                continue
            pos = m.group(1)
            if pos.startswith("0x"):
                addr = int(pos, 16)
            elif pos != "*":
                addr += int(pos)
            if after_calls:
                after_calls = False
                continue
            if int(m.group(2)) > 0:
                owner.setdefault(addr >> 6, fn)
    print(f"{len(owner)} lines of 64 bytes = {len(owner) * 64 // 1024} KiB")
    per_fn = collections.Counter(f[:120] for f in owner.values())
    for name, n in per_fn.most_common(top):
        print(f"{n:6} {name}")


if __name__ == "__main__":
    main()
