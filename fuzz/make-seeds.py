#!/usr/bin/env python3
"""Seeds for the fuzzers from the test suite's own execs.

Every exec of the labelled corpus (tests/corpus/*.toml, with its exe, parents, container,
uid, terminal and environment) and every string-literal argv array in the tests (the test
modules of src/analysis/, tests/*.rs) and in the bench corpus and scenarios is an exec
someone wrote a check for, and many reach detector branches a fuzzer would take millions of
inputs to find. Writes, under fuzz/target/seeds/:
  execs.jsonl     one exec per line ({"argv", "exe", "comm", "cwd", "container", "uid",
                  "loginuid", "tty", "env", "exe_flags", "caps"}), for
                  `cargo run --example fuzz_event_seeds`;
  enrich_line/    one Falco alert line per exec (argv arrays: on the host and in a container).
Merge them into a corpus with libFuzzer's -merge=1 (fuzz/README.md, "Seeds"): only the seeds
that add coverage are kept. Generated each time, never committed.
"""
import glob
import hashlib
import json
import os
import re
import tomllib

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


def execs():
    """Execs with their context: the labelled corpus, then the bare argv arrays twice (on
    the host, and in a container under a Java server)."""
    seen = set()
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/corpus/*.toml"))):
        with open(path, "rb") as f:
            for sc in tomllib.load(f).get("scenario", []):
                seen.add(tuple(sc["argv"]))
                yield {
                    "argv": sc["argv"],
                    "exe": sc.get("exe"),
                    "parents": sc.get("parents", []),
                    "container": sc.get("container", False),
                    "uid": sc.get("uid", 1000),
                    "tty": sc.get("tty", False),
                    "env": sc.get("env", []),
                    "comm": sc.get("comm"),
                    "cwd": sc.get("cwd"),
                    "loginuid": sc.get("loginuid"),
                    # names as in the corpus: writable, upper_layer, lower_layer, memfd
                    "exe_flags": sc.get("exe_flags", []),
                    # capability names (CAP_SYS_ADMIN): the effective set; none = unknown
                    "caps": sc.get("caps"),
                }
    for argv in argvs():
        if tuple(argv) in seen:
            continue
        exe = "/usr/bin/" + argv[0].rsplit("/", 1)[-1]
        for container, parents in ((False, ["bash", "sshd"]), (True, ["java", "containerd-shim"])):
            yield {"argv": argv, "exe": exe, "parents": parents, "container": container,
                   "uid": 1000, "tty": False, "env": [], "comm": None, "cwd": None,
                   "loginuid": None, "exe_flags": [], "caps": None}


def alert_line(e):
    """The exec as a Falco alert, with the output fields `enrich` reads."""
    fields = {"proc.cmdline": " ".join(e["argv"]), "user.uid": e["uid"]}
    if e["exe"]:
        fields["proc.exepath"] = e["exe"]
    for i, comm in enumerate(e["parents"][:6]):
        fields["proc.pname" if i == 0 else f"proc.aname[{i + 1}]"] = comm
    if e["container"]:
        fields["container.id"] = "1d45a96b1daa"
    if e["tty"]:
        fields["proc.tty"] = 34816  # /dev/pts/0
    if e["env"]:
        fields["proc.env"] = " ".join(e["env"])
    if e["comm"]:
        fields["proc.name"] = e["comm"]
    if e["cwd"]:
        fields["proc.cwd"] = e["cwd"]
    if e["loginuid"] is not None:
        fields["user.loginuid"] = e["loginuid"]
    if e["exe_flags"]:
        # as Falco prints the execve exit's flags
        fields["evt.arg.flags"] = "|".join("EXE_" + f.upper() for f in e["exe_flags"])
    if e["caps"] is not None:
        fields["proc.cap_effective"] = " ".join(e["caps"])
    return json.dumps({"rule": "seed", "output_fields": fields}).encode()


def main():
    os.makedirs(os.path.join(OUT, "enrich_line"), exist_ok=True)
    count = 0
    with open(os.path.join(OUT, "execs.jsonl"), "w", encoding="utf-8") as jsonl:
        for e in execs():
            jsonl.write(json.dumps(e) + "\n")
            count += 1
            line = alert_line(e)
            name = "seed-" + hashlib.sha1(line).hexdigest()
            with open(os.path.join(OUT, "enrich_line", name), "wb") as f:
                f.write(line)
    print(f"{count} execs from the tests in {OUT}")


if __name__ == "__main__":
    main()
