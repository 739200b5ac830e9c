#!/usr/bin/env python3
"""Turn an `strace -f` log of a workload into recorded corpus rows (tests/corpus/recorded/).

    strace_to_corpus.py --workload NAME --raw RAW --start-dir DIR --uid N \
        --header-file HEADER [--scrub FROM=TO]... [--hide-value V]... > NAME.toml

The log must come from `strace -f -qq -v -y -s 65535 -e signal=none
-e trace=execve,execveat,clone,clone3,fork,vfork,chdir,fchdir,setuid,setreuid,setresuid,exit_group -o RAW` (the
options scripts/record-execs.sh uses): one line per syscall, prefixed by the pid.

Each execve/execveat, successful or failed, becomes one row: argv, exe (the path execve was
given, joined to the cwd when relative), the kept environment variables (KEPT_ENV; every other
variable is dropped, name and value), the parent chain as comms nearest first (at most
LINEAGE_DEPTH, the plugin's default `lineage_depth`) with each ancestor's first arguments
(PARENT_ARGS_MAX entries of at most PARENT_ARG_BYTES bytes: what tells `node /usr/bin/npm`
from `node server.js`; the plugin reads up to 32), the images the same process exec'd before
(EARLIER_IMAGES, newest last: wrapper and shim chains re-exec in one process), uid, cwd and
res (0 or -errno).
Identical rows are collapsed into one with `count`. Python 3 standard library only.

Process model: pid -> (parent, comm, cwd), followed through clone/fork/vfork (CLONE_THREAD
joins the caller's process, CLONE_PARENT takes the caller's parent), exec (comm becomes the
basename of the exec'd path cut to 15 bytes, as the kernel does), chdir/fchdir and
exit_group. A child whose first event is logged before its parent's clone returns (strace
interleaving) is held back until the clone result names it. A failed exec keeps the caller's
comm (the exec did not happen), which the row states with `comm`.
"""

import argparse
import errno
import os
import posixpath
import re
import sys

KEPT_ENV = (
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "GLIBC_TUNABLES",
    "HISTFILE",
    "HISTSIZE",
    "HISTFILESIZE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "PROMPT_COMMAND",
    "BASH_ENV",
    "ENV",
    "PATH",
)
COMM_MAX = 15
LINEAGE_DEPTH = 5
# Each ancestor's argv[1..], cut: the script or module an interpreter runs and the first
# words of a command, without copying every rustc and linker command line into every row.
PARENT_ARGS_MAX = 4
PARENT_ARG_BYTES = 512
# The images the same process ran before (a shim that re-execs `pyenv exec`, which re-execs
# the interpreter): the newest few, cut like an ancestor's arguments.
EARLIER_IMAGES = 4
# Above the workload's own launcher: a generic interactive login chain.
LOGIN_CHAIN = ["bash", "sshd"]
# A file over LARGE_FILE_BYTES keeps the first MAX_ARGS_IF_LARGE argv entries per row; if it
# is still over, also only the entries that fit in MAX_ARGV_BYTES_IF_LARGE (argv[0] always).
# Rows identical after the cut are collapsed again.
MAX_ARGS_IF_LARGE = 64
MAX_ARGV_BYTES_IF_LARGE = 512
LARGE_FILE_BYTES = 2 * 1024 * 1024

LINE_RE = re.compile(r"^(\d+)\s+(.*)$")
RESUMED_RE = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
UNFINISHED = " <unfinished ...>"
RET_RE = re.compile(r"\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)(?:\s+(E[A-Z0-9]+))?")

# --- secrets -----------------------------------------------------------------------------

REDACTED = "REDACTED"
SECRET_PATTERNS = [
    # key=value and key: value where the key names a secret
    (
        re.compile(
            r"(?i)\b([\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|"
            r"private[_-]?key|credential|auth)[\w.-]*)([=:])(?!//)([^\s&;,'\"]{4,})"
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"), lambda m: f"{m.group(1)} {REDACTED}"),
    (re.compile(r"://[^/\s:@]+:[^/\s@]+@"), lambda m: f"://{REDACTED}@"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), lambda m: REDACTED),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), lambda m: REDACTED),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"), lambda m: REDACTED),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), lambda m: REDACTED),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), lambda m: REDACTED),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"), lambda m: REDACTED),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), lambda m: REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), lambda m: REDACTED),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S), lambda m: REDACTED),
]
HIDE_ENV_NAME = re.compile(r"TOKEN|SECRET|PASS|KEY|AUTH|CREDENTIAL|COOKIE|SESSION|CONTAINER_NAME|HOSTNAME")
SECRET_FLAGS = {"--password", "--passwd", "--token", "--api-key", "--apikey", "--secret", "--auth-token"}


class Scrubber:
    def __init__(self, replacements, hidden_values):
        # Longest first, so /root/.cargo is not cut by a shorter rule first.
        self.replacements = sorted(replacements, key=lambda r: -len(r[0]))
        self.hidden = sorted({v for v in hidden_values if len(v) >= 6}, key=len, reverse=True)
        self.redactions = 0

    def path(self, s):
        for old, new in self.replacements:
            # Only whole path components: /root but not /rootfs.
            s = re.sub(re.escape(old) + r"(?=$|[/:\s'\"=;,)])", new, s)
        return s

    def text(self, s):
        s = self.path(s)
        for v in self.hidden:
            if v in s:
                s = s.replace(v, REDACTED)
                self.redactions += 1
        for pat, repl in SECRET_PATTERNS:
            s, n = pat.subn(repl, s)
            self.redactions += n
        return s

    def argv(self, argv):
        out = []
        hide_next = False
        for a in argv:
            if hide_next:
                out.append(REDACTED)
                self.redactions += 1
                hide_next = False
                continue
            out.append(self.text(a))
            hide_next = a in SECRET_FLAGS
        return out


# --- strace value parsing ----------------------------------------------------------------

SIMPLE_ESC = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "a": 7, "b": 8, "e": 27, "\\": 92, '"': 34, "'": 39}


class Parser:
    """A cursor over strace's rendering of syscall arguments."""

    def __init__(self, s):
        self.s = s
        self.i = 0

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def peek(self):
        self.ws()
        return self.s[self.i] if self.i < len(self.s) else ""

    def string(self):
        """A "..." C string (possibly followed by ... when cut) -> str (UTF-8, replaced)."""
        assert self.s[self.i] == '"', self.s[self.i:self.i + 20]
        self.i += 1
        out = bytearray()
        s = self.s
        while True:
            c = s[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\":
                n = s[self.i + 1]
                if n in SIMPLE_ESC:
                    out.append(SIMPLE_ESC[n])
                    self.i += 2
                elif n == "x":
                    out.append(int(s[self.i + 2:self.i + 4], 16))
                    self.i += 4
                elif n in "01234567":
                    j = self.i + 1
                    while j < len(s) and j < self.i + 4 and s[j] in "01234567":
                        j += 1
                    out.append(int(s[self.i + 1:j], 8) & 0xFF)
                    self.i = j
                else:
                    out.append(ord(n))
                    self.i += 2
            else:
                out.extend(c.encode("utf-8"))
                self.i += 1
        if s.startswith("...", self.i):
            self.i += 3
        return out.decode("utf-8", "replace")

    def value(self):
        """One argument: string, array, or a bare token (NULL, AT_FDCWD, 3</dir>, flags)."""
        c = self.peek()
        if c == '"':
            return self.string()
        if c == "[":
            return self.array()
        if c == "{":
            return self.braced()
        start = self.i
        depth = 0
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "<" and depth == 0 and re.match(r"\d+$", self.s[start:self.i]):
                # fd annotated by -y: 3</usr/bin>
                end = self.s.index(">", self.i)
                tok = self.s[start:end + 1]
                self.i = end + 1
                return tok
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            self.i += 1
        return self.s[start:self.i].strip()

    def array(self):
        assert self.s[self.i] == "["
        self.i += 1
        items = []
        while True:
            c = self.peek()
            if c == "]":
                self.i += 1
                return items
            if self.s.startswith("...", self.i):
                self.i += 3
                items.append(None)  # strace cut the array
                continue
            items.append(self.value())
            if self.peek() == ",":
                self.i += 1

    def braced(self):
        start = self.i
        depth = 0
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == '"':
                self.string()
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return self.s[start:self.i]
            self.i += 1
        return self.s[start:]

    def args(self):
        vals = []
        while True:
            c = self.peek()
            if c == ")" or c == "":
                if c == ")":
                    self.i += 1
                return vals
            vals.append(self.value())
            if self.peek() == ",":
                self.i += 1


def parse_call(body):
    """'name(args) = ret ERR (...)' -> (name, [args], ret_int_or_None, errname)."""
    m = re.match(r"^(\w+)\(", body)
    if not m:
        return None
    p = Parser(body)
    p.i = m.end()
    args = p.args()
    rest = body[p.i - 1:]
    r = RET_RE.match(rest)
    ret = None
    err = None
    if r:
        tok = r.group(1)
        if tok != "?":
            ret = int(tok, 0)
        err = r.group(2)
    return m.group(1), args, ret, err


# --- process model -----------------------------------------------------------------------


def comm_of(path):
    name = path.rsplit("/", 1)[-1]
    b = name.encode("utf-8")[:COMM_MAX]
    return b.decode("utf-8", "ignore")


class Proc:
    __slots__ = ("tgid", "parent", "comm", "cwd", "uid", "args", "images")

    def __init__(self, tgid, parent, comm, cwd, uid, args=()):
        self.tgid = tgid
        self.args = tuple(args)  # argv[1..] of its last exec (a fork keeps its parent's)
        self.images = []  # argv of the images this process exec'd since its fork, oldest first
        self.parent = parent  # a Proc (the parent process's leader) or None
        self.comm = comm
        self.cwd = cwd
        self.uid = uid  # effective uid


class Model:
    def __init__(self, start_dir, uid):
        self.start_dir = start_dir
        self.uid = uid
        self.procs = {}  # tid -> Proc (threads map to their own Proc sharing tgid/parent)
        self.leaders = {}  # tgid -> Proc of the leader
        self.held = {}  # tid -> [bodies] seen before the clone that made it returned
        self.root_seen = False
        self.execs = []
        self.stats = {"unknown_parent": 0, "cut_arrays": 0, "relative_exe": 0}

    def event(self, tid, body):
        proc = self.procs.get(tid)
        if proc is None:
            if not self.root_seen:
                # The first process strace started: the workload launcher.
                self.root_seen = True
                proc = Proc(tid, LAUNCHER_PARENT, "strace", self.start_dir, self.uid)
                self.procs[tid] = proc
                self.leaders[tid] = proc
            else:
                self.held.setdefault(tid, []).append(body)
                return
        self.apply(tid, proc, body)

    def apply(self, tid, proc, body):
        call = parse_call(body)
        if call is None:
            return
        name, args, ret, err = call
        if name in ("clone", "clone3", "fork", "vfork"):
            if ret is None or ret <= 0:
                return
            flags = ""
            if name == "clone":
                for a in args:
                    if isinstance(a, str) and a.startswith("flags="):
                        flags = a
            elif name == "clone3" and args:
                flags = str(args[0])
            leader = self.leaders.get(proc.tgid, proc)
            if "CLONE_THREAD" in flags:
                # A thread is its process: same comm, parent and (CLONE_FS) cwd.
                self.procs[ret] = leader
            else:
                parent = leader.parent if "CLONE_PARENT" in flags.replace("CLONE_PARENT_SETTID", "") else leader
                child = Proc(ret, parent, leader.comm, proc.cwd, leader.uid, leader.args)
                self.procs[ret] = child
                self.leaders[ret] = child
            for held in self.held.pop(ret, []):
                self.apply(ret, self.procs[ret], held)
        elif name in ("chdir", "fchdir"):
            if ret != 0 or not args:
                return
            if name == "chdir" and isinstance(args[0], str):
                proc.cwd = posixpath.normpath(posixpath.join(proc.cwd, args[0]))
            elif name == "fchdir":
                m = re.match(r"\d+<(.*)>$", str(args[0]))
                if m:
                    proc.cwd = m.group(1)
        elif name in ("setuid", "setreuid", "setresuid"):
            # The effective uid: setuid(u), setreuid(r, e), setresuid(r, e, s); -1 keeps it.
            pos = 0 if name == "setuid" else 1
            if ret == 0 and len(args) > pos:
                try:
                    euid = int(str(args[pos]), 0)
                except ValueError:
                    return
                if euid != -1:
                    self.leaders.get(proc.tgid, proc).uid = euid
        elif name == "exit_group":
            tgid = proc.tgid
            for t in [t for t, p in self.procs.items() if p.tgid == tgid or p is proc]:
                del self.procs[t]
            self.leaders.pop(tgid, None)
        elif name in ("execve", "execveat"):
            self.exec(tid, proc, name, args, ret, err)

    def exec(self, tid, proc, name, args, ret, err):
        if name == "execve":
            path, argv, envp = (args + [None, None, None])[:3]
            dirfd, flags = "AT_FDCWD", ""
        else:
            dirfd, path, argv, envp, flags = (args + [None] * 5)[:5]
            dirfd, flags = str(dirfd), str(flags)
        if not isinstance(path, str):
            return
        if path.startswith("/"):
            exe = path
        elif path == "" and "AT_EMPTY_PATH" in flags:
            m = re.match(r"(\d+)<(.*)>$", dirfd)
            exe = m.group(2) if m else "/dev/fd/" + dirfd
        else:
            base = proc.cwd
            if dirfd != "AT_FDCWD":
                m = re.match(r"\d+<(.*)>$", dirfd)
                base = m.group(1) if m else proc.cwd
            exe = posixpath.normpath(posixpath.join(base, path))
            self.stats["relative_exe"] += 1
        argv = argv if isinstance(argv, list) else []
        envp = envp if isinstance(envp, list) else []
        if None in argv or None in envp:
            self.stats["cut_arrays"] += 1
        argv = [a for a in argv if isinstance(a, str)]
        envp = [e for e in envp if isinstance(e, str)]
        if ret is None:
            return  # never returned (killed mid-exec)
        if ret == 0:
            res = 0
        else:
            # -1 with ENOENT -> -2, as the exec exit event's res carries it.
            res = -getattr(errno, err, 0) if err else ret
            res = res or ret
        leader = self.leaders.get(proc.tgid, proc)
        earlier = [tuple(i) for i in leader.images[-EARLIER_IMAGES:]]
        if ret == 0:
            leader.images.append(argv[:1] + ancestor_args(argv[1:]))
            # The exec'ing thread becomes the process; the kernel names it after the path.
            if "AT_EMPTY_PATH" in flags and path == "":
                leader.comm = comm_of(dirfd.split("<")[0])
            else:
                leader.comm = comm_of(path)
            leader.args = tuple(ancestor_args(argv[1:]))
            comm = leader.comm
        else:
            comm = leader.comm
        parents, parent_args = [], []
        p = leader.parent
        while p is not None and len(parents) < LINEAGE_DEPTH:
            if p is LAUNCHER_PARENT:
                parents.extend(LOGIN_CHAIN)
                parent_args.extend([()] * len(LOGIN_CHAIN))
                break
            parents.append(p.comm)
            parent_args.append(p.args)
            p = p.parent
        parents = parents[:LINEAGE_DEPTH]
        parent_args = parent_args[:LINEAGE_DEPTH]
        if leader.parent is None:
            self.stats["unknown_parent"] += 1
        self.execs.append(
            {
                "argv": argv,
                "exe": exe,
                "comm": comm,
                "env": envp,
                "parents": parents,
                "parent_args": parent_args,
                "earlier": earlier,
                "cwd": proc.cwd,
                "res": res,
                "uid": leader.uid,
            }
        )

    def finish(self):
        # Children whose clone never showed (should not happen with -f): unknown parent.
        for tid, bodies in list(self.held.items()):
            proc = Proc(tid, None, "?", self.start_dir, self.uid)
            self.procs[tid] = proc
            self.leaders[tid] = proc
            for b in bodies:
                self.apply(tid, proc, b)
        self.held.clear()


LAUNCHER_PARENT = Proc(0, None, "bash", "/", 0)


def ancestor_args(args):
    """argv[1..] as a row keeps it for an ancestor: PARENT_ARGS_MAX entries, each cut to
    PARENT_ARG_BYTES bytes (at a character boundary)."""
    out = []
    for a in args[:PARENT_ARGS_MAX]:
        b = a.encode("utf-8", "surrogateescape")
        if len(b) > PARENT_ARG_BYTES:
            a = b[:PARENT_ARG_BYTES].decode("utf-8", "ignore")
        out.append(a)
    return out


def read_events(raw_path, model):
    pending = {}  # tid -> body prefix of an unfinished call
    with open(raw_path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            m = LINE_RE.match(line)
            if not m:
                continue
            tid, body = int(m.group(1)), m.group(2)
            if body.startswith("+++") or body.startswith("---"):
                continue
            if body.endswith(UNFINISHED):
                pending[tid] = body[: -len(UNFINISHED)]
                continue
            r = RESUMED_RE.match(body)
            if r:
                prefix = pending.pop(tid, None)
                if prefix is None:
                    # An exec by a non-leader thread resumes under the leader's pid.
                    for t, pre in list(pending.items()):
                        if pre.startswith(r.group(1) + "("):
                            p = model.procs.get(t)
                            if p is not None and p.tgid == tid:
                                prefix = pending.pop(t)
                                break
                if prefix is None:
                    continue
                body = prefix + r.group(2)
            model.event(tid, body)
    model.finish()


# --- output ------------------------------------------------------------------------------


def toml_str(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append("\\u%04x" % o)
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_list(items):
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


def derived_comm(argv, exe):
    name = argv[0] if argv else exe
    return comm_of(name)


def rows_of(model, scrub):
    rows = {}
    order = []
    for e in model.execs:
        argv = scrub.argv(e["argv"])
        exe = scrub.path(e["exe"])
        env = []
        for kv in e["env"]:
            k, sep, v = kv.partition("=")
            if sep and k in KEPT_ENV:
                env.append(f"{k}={scrub.text(v)}")
        parents = [scrub.text(c) for c in e["parents"]]
        parent_args = tuple(tuple(scrub.argv(list(a))) for a in e["parent_args"])
        if not any(parent_args):
            parent_args = ()
        earlier = tuple(tuple(scrub.argv(list(i))) for i in e["earlier"])
        comm = scrub.text(e["comm"])
        key = (
            tuple(argv),
            exe,
            comm if comm != derived_comm(argv, exe) else None,
            tuple(env),
            tuple(parents),
            parent_args,
            earlier,
            scrub.path(e["cwd"]),
            e["res"],
            e["uid"],
        )
        if key in rows:
            rows[key] += 1
        else:
            rows[key] = 1
            order.append(key)
    return [(k, rows[k]) for k in order]


def cut_rows(rows, max_args, max_bytes=None):
    """Rows with argv cut to max_args entries (and max_bytes), identical rows collapsed."""
    out = {}
    for key, count in rows:
        argv = list(key[0][:max_args])
        if max_bytes is not None:
            kept, used = [], 0
            for a in argv:
                used += len(a.encode("utf-8")) + 1
                if kept and used > max_bytes:
                    break
                kept.append(a)
            argv = kept
        k = (tuple(argv),) + key[1:]
        out[k] = out.get(k, 0) + count
    return list(out.items())


def render(workload, header, rows):
    out = [header.rstrip("\n"), ""]
    for n, (key, count) in enumerate(rows, 1):
        argv, exe, comm, env, parents, parent_args, earlier, cwd, res, uid = key
        out.append("[[scenario]]")
        out.append(f'name = "{workload}-{n:04d}"')
        out.append('label = "benign"')
        out.append(f"argv = {toml_list(argv)}")
        out.append(f"exe = {toml_str(exe)}")
        if comm is not None:
            out.append(f"comm = {toml_str(comm)}")
        out.append(f"parents = {toml_list(parents)}")
        if parent_args:
            out.append("parent_args = [" + ", ".join(toml_list(a) for a in parent_args) + "]")
        if earlier:
            out.append("earlier = [" + ", ".join(toml_list(i) for i in earlier) + "]")
        out.append(f"uid = {uid}")
        if env:
            out.append(f"env = {toml_list(env)}")
        out.append(f"cwd = {toml_str(cwd)}")
        if res != 0:
            out.append(f"res = {res}")
        if count != 1:
            out.append(f"count = {count}")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--start-dir", required=True)
    ap.add_argument("--uid", type=int, default=0, help="the uid the workload starts as")
    ap.add_argument("--header-file", required=True)
    ap.add_argument("--scrub", action="append", default=[], help="FROM=TO path replacement")
    ap.add_argument("--hide-value", action="append", default=[], help="a literal never to write")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--no-cut", action="store_true", help="keep whole argv however large the file")
    a = ap.parse_args()

    repl = []
    for r in a.scrub:
        old, sep, new = r.partition("=")
        if not sep or not old:
            ap.error(f"--scrub wants FROM=TO, got {r!r}")
        repl.append((old, new))
    # Values of this environment's secret-looking or identifying variables never reach a row.
    hidden = list(a.hide_value) + [v for k, v in os.environ.items() if HIDE_ENV_NAME.search(k)]
    scrub = Scrubber(repl, hidden)

    model = Model(a.start_dir, a.uid)
    read_events(a.raw, model)
    rows = rows_of(model, scrub)
    with open(a.header_file, encoding="utf-8") as f:
        header = f.read()
    total = sum(c for _, c in rows)
    stats = (
        f"# Rows: {len(rows)} distinct, standing for {total} execs "
        f"({sum(c for k, c in rows if k[8] != 0)} failed).\n"
    )
    text = render(a.workload, header + stats, rows)
    if len(text.encode("utf-8")) > LARGE_FILE_BYTES and not a.no_cut:
        cut = cut_rows(rows, MAX_ARGS_IF_LARGE)
        note = f"# argv cut to its first {MAX_ARGS_IF_LARGE} entries per row (the file was over 2 MB)"
        text = render(a.workload, header + stats + note + f"; {len(cut)} rows after the cut.\n", cut)
        if len(text.encode("utf-8")) > LARGE_FILE_BYTES:
            cut = cut_rows(rows, MAX_ARGS_IF_LARGE, MAX_ARGV_BYTES_IF_LARGE)
            note += (
                f",\n# and to the entries that fit in {MAX_ARGV_BYTES_IF_LARGE} bytes (still over 2 MB: linker"
                f" command lines);\n# rows identical after the cut are collapsed: {len(cut)} rows.\n"
            )
            text = render(a.workload, header + stats + note, cut)
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(text)
    print(
        f"{a.workload}: {total} execs, {len(rows)} distinct rows, "
        f"{len(text.encode('utf-8'))} bytes; redactions {scrub.redactions}; {model.stats}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
