#!/usr/bin/env python3
"""Seeds for the fuzzers from the test suite's own execs.

Every string-literal argv array in the tests (the test modules of src/analysis/, tests/*.rs)
and in the bench corpus and scenarios is an exec someone wrote a check for, and many reach
detector branches a fuzzer would take millions of inputs to find. Writes, under fuzz/target/seeds/:
  argv.jsonl      one JSON array per argv, for `cargo run --example fuzz_event_seeds`;
  enrich_line/    one Falco alert line per argv, on the host and in a container.
Merge them into a corpus with libFuzzer's -merge=1 (fuzz/README.md, "Seeds"): only the seeds
that add coverage are kept. Generated each time, never committed.
"""
import glob
import hashlib
import json
import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "fuzz", "target", "seeds")
ARRAY = re.compile(r'&\[\s*((?:"(?:[^"\\]|\\.)*"\s*,?\s*)+)\]', re.S)
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def sources():
    """(path, text to search): the test part of each analysis file, all of the others."""
    for path in sorted(glob.glob(os.path.join(ROOT, "src/analysis/**/*.rs"), recursive=True)):
        text = open(path, encoding="utf-8").read()
        if path.endswith("tests.rs"):
            yield path, text
        elif "#[cfg(test)]" in text:
            yield path, text[text.index("#[cfg(test)]"):]
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/*.rs"))) + [
        os.path.join(ROOT, "src/bench_corpus.rs"),
        os.path.join(ROOT, "src/cli/scenarios.rs"),
    ]:
        yield path, open(path, encoding="utf-8").read()


def argvs():
    seen = set()
    for _, text in sources():
        for m in ARRAY.finditer(text):
            items = LITERAL.findall(m.group(1))
            # Rust's \u{..} and \x.. escapes are not JSON's; such arrays are skipped.
            if any("\\u{" in s or "\\x" in s for s in items):
                continue
            try:
                argv = [json.loads('"' + s.replace("\\'", "'") + '"') for s in items]
            except json.JSONDecodeError:
                continue
            key = tuple(argv)
            if argv and key not in seen:
                seen.add(key)
                yield argv


def main():
    os.makedirs(os.path.join(OUT, "enrich_line"), exist_ok=True)
    count = 0
    with open(os.path.join(OUT, "argv.jsonl"), "w", encoding="utf-8") as jsonl:
        for argv in argvs():
            jsonl.write(json.dumps(argv) + "\n")
            count += 1
            fields = {
                "proc.cmdline": " ".join(argv),
                "proc.exepath": "/usr/bin/" + argv[0].rsplit("/", 1)[-1],
                "proc.pname": "bash",
                "proc.aname[2]": "sshd",
                "user.uid": 1000,
            }
            for container in (None, "1d45a96b1daa"):
                if container:
                    fields = dict(fields, **{"container.id": container, "proc.pname": "java"})
                line = json.dumps({"rule": "seed", "output_fields": fields}).encode()
                name = "seed-" + hashlib.sha1(line).hexdigest()
                with open(os.path.join(OUT, "enrich_line", name), "wb") as f:
                    f.write(line)
    print(f"{count} argv from the tests in {OUT}")


if __name__ == "__main__":
    main()
