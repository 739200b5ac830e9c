#!/bin/sh
# Writes a libFuzzer dictionary of the words the code looks for, so the `analyze`,
# `event_decode` and `enrich_line` targets reach keyword-gated code without guessing
# "kubernetes.default" byte by byte: every program name in src/knowledge/data/tools.toml,
# the carriers' and written paths' matching words,
# every short string literal in the non-test part of src/analysis/, src/facts/ and
# src/cli/alert.rs (alert field names), and the shell's operators. Generated from the sources
# each time (never committed, so it cannot go stale):
#   fuzz/make-dict.sh > fuzz/target/words.dict
#   cargo +nightly fuzz run -s none analyze fuzz/corpus/analyze -- -dict=fuzz/target/words.dict
set -eu
cd "$(dirname "$0")/.."
{
    # tools.toml: the quoted names in the class lists; carriers.toml and written_paths.toml:
    # the programs, options, keys, prefixes, calls and paths (not the prose).
    grep -o '"[^"]*"' src/knowledge/data/tools.toml
    grep -E '^(programs|options|until|key|prefixes|calls|exact|prefix|suffix|basename) =' \
        src/knowledge/data/carriers.toml src/knowledge/data/written_paths.toml |
        grep -o '"[^"\\]*"'
    # Rust string literals of 1-40 bytes without escapes, up to each file's inline test
    # module (`#[cfg(test)]` then `mod x {`; a `mod tests;` declaration is not the end).
    find src/analysis src/facts src/cli/alert.rs -name '*.rs' ! -name 'tests.rs' | sort | while read -r f; do
        awk 'test && /^(pub(\(crate\))? )?mod [a-z_]+ \{$/ { exit }
             { test = /^#\[cfg\(test\)\]$/; print }' "$f"
    done | grep -o '"[^"\\]\{1,40\}"'
    # Shell syntax the parser knows.
    printf '"%s"\n' '|' '||' '&&' ';' '&' '>' '>>' '<' '<<' '<<<' '2>&1' '$(' '`' "'" \
        '${' ')' '(' '{' '}' '-c' '\x00'
} | LC_ALL=C sort -u | grep -vx '""' |
    # libFuzzer's dictionary parser takes printable ASCII only: other bytes as \xNN.
    perl -pe 's/([^\x20-\x7e\n])/sprintf("\\x%02X", ord($1))/ge'
