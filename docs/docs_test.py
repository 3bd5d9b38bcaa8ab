#!/usr/bin/env python3
"""docs_test: the code samples and commands in README.md and docs/*.md are true.

Code samples
  Every fenced block tagged ```c, ```cpp or ```starlark is the text of a file
  under docs/examples/ (the C and C++ ones are built there by
  docs/examples/BUILD; the starlark ones are rules of that BUILD file).
  Matching: the block is cut into pieces at blank lines and at elision lines
  (a line that is `...`, or starts with `... ` or `// ... `); each piece must appear in one
  example file as consecutive lines, the pieces in order, comparing lines
  without their leading whitespace (so a doc fragment may sit inside a
  function there). A complete program in the docs is therefore the whole
  file. Blocks tagged ```json must parse as JSON, or as the members of an
  object (`"retry": [...]`, as the policy docs show one key).

Commands
  A command is a line of a fenced or indented block whose first word is
  `bazel` (after any VAR=value words), or an inline `code span` that starts
  with `bazel`. Output samples (`  reproduce: bazel run ...`) are not
  commands. For `bazel run|test|build [flags] LABEL [-- ARGS]`:
    * `//...` and `//pkg/...`: the package directory must exist.
    * A label with a placeholder (`//fuzz:NAME`) is a pattern: not checked.
    * Any other label must be one this test was given (docs/BUILD passes
      LABEL=PATH for each as a data dependency, so the label exists and
      builds). A fuzz target (`bazel build --config=fuzz //fuzz:X`) builds
      only with clang's libFuzzer, so its `//fuzz:X_replay` test, which
      fuzz/fuzz.bzl makes from the same rule, stands in for it.
  `bazel run` commands are then run, from this test's own build of the tool
  (`-c opt`, `--config=...` and other flags before the label are dropped),
  in a scratch directory that is also BUILD_WORKING_DIRECTORY, in the order
  the docs give them (so `--save-scenario w.json` then `--scenario w.json`
  works), with these substitutions, so nothing runs long or touches the
  machine:
    * `--seeds K` with K > 20 becomes `--seeds 20`;
    * `--duration D` becomes `--duration 1s --seeds 2`;
    * `/tmp/...` paths and `--prefix DIR` point into the scratch directory;
    * Google Benchmark binaries (//bench:*_bench) run with
      `--benchmark_list_tests=true` instead of the benchmarks;
    * files a command reads and the docs do not make are provided (FIXTURES).
  The exit status must be 0 unless EXPECTED_EXIT says otherwise (and why).
  A line that is a synopsis, not a command (a placeholder word in capitals
  such as N, FILE or PREFIX, `[optional]` parts or `a | b` choices), is not
  run: each `--option` it names must appear in `TOOL --help` instead. A
  command that uses a shell variable (`$PWD/...`) or a tool this test
  cannot run (NOT_RUN) is checked for its label only.

Usage: docs_test.py LABEL=PATH...  (run from the runfiles root)
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

MAX_SEEDS = 20

# Commands whose documented outcome is not exit 0: a substring of the
# command as documented -> (exit status, why).
EXPECTED_EXIT = {
    "--scenario echo-planted-bug --seeds": (1, "the planted bug is found (docs/sim.md: fails, on purpose)"),
    "SS_PLANTED_BUG=sched-early": (1, "the planted scheduler bug is caught (docs/sim.md, planted bugs)"),
    "--scenario planted-nondeterminism": (1, "the planted nondeterminism is reported (docs/sim.md, --recheck)"),
}

# Files the documented commands read that no earlier command writes.
FIXTURES = {
    "my/policy.json": "tools/testdata/interop-policy.json",
}

# Labels checked but not run, and why.
NOT_RUN = {
    "//bench:proxy_fanout_bench": "needs nginx and minutes of wall time (tests/integration)",
    "//packaging:install": "covered by //packaging:install_test (a real install into temporary prefixes)",
}

ELISION = re.compile(r"^\s*(//\s*)?\.\.\.(\s|$)")
PLACEHOLDER = re.compile(r"(^|[\s=/:])([A-Z][A-Z_]*)($|[\s\]|,])")
LABEL = re.compile(r"^//[A-Za-z0-9_./-]*(:[A-Za-z0-9_.+-]+)?$|^//[A-Za-z0-9_/-]*/?\.\.\.$")

failures = []


def fail(where, msg):
    failures.append(f"{where}: {msg}")
    print(f"FAIL {where}: {msg}")


def doc_files():
    files = ["README.md"] + sorted("docs/" + f for f in os.listdir("docs") if f.endswith(".md"))
    return [(f, open(f, encoding="utf-8").read().split("\n")) for f in files]


def fenced_blocks(lines):
    """(start line, tag, [lines]) for each ``` block."""
    out, i = [], 0
    while i < len(lines):
        m = re.match(r"^```\s*([A-Za-z0-9_+-]*)\s*$", lines[i])
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append((i + 1, m.group(1), lines[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return out


def pieces(block):
    out, cur = [], []
    for line in block:
        if not line.strip() or ELISION.match(line):
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(line.strip())
    if cur:
        out.append(cur)
    return out


def contains_in_order(file_lines, parts):
    pos = 0
    for part in parts:
        n = len(part)
        for k in range(pos, len(file_lines) - n + 1):
            if file_lines[k:k + n] == part:
                pos = k + n
                break
        else:
            return False
    return True


def check_samples(docs):
    examples = {}
    for name in sorted(os.listdir("docs/examples")):
        examples[name] = [l.strip() for l in open("docs/examples/" + name, encoding="utf-8").read().split("\n")]
    checked = 0
    for f, lines in docs:
        for start, tag, block in fenced_blocks(lines):
            where = f"{f}:{start}"
            if tag == "json":
                text = "\n".join(block)
                try:
                    json.loads(text)
                except ValueError as e:
                    try:
                        json.loads("{" + text + "}")
                    except ValueError:
                        fail(where, f"```json block does not parse: {e}")
                checked += 1
                continue
            if tag not in ("c", "cpp", "starlark"):
                continue
            parts = pieces(block)
            candidates = ["BUILD"] if tag == "starlark" else [n for n in examples if n != "BUILD"]
            if not any(contains_in_order(examples[n], parts) for n in candidates):
                fail(where, f"this ```{tag} sample is not the text of any file in docs/examples/ "
                            "(keep it there, built by docs/examples/BUILD, and in the docs alike)")
            checked += 1
    print(f"ok: {checked} code samples")


def inline_spans(lines):
    """`code` spans of the prose (outside fenced and indented blocks); a
    span may wrap onto the next line of its paragraph."""
    paragraphs, cur, in_fence = [], [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith("    ") or not line.strip():
            if cur:
                paragraphs.append(cur)
            cur = []
            continue
        cur.append((i + 1, line))
    if cur:
        paragraphs.append(cur)
    out = []
    for para in paragraphs:
        joined, starts = "", []
        for n, line in para:
            starts.append((len(joined), n))
            joined += line + " "
        for m in re.finditer(r"`([^`]+)`", joined):
            n = max(ln for off, ln in starts if off <= m.start())
            out.append((n, " ".join(m.group(1).split())))
    return out


def commands(docs):
    """(where, command text) for every documented bazel command."""
    out = []
    for f, lines in docs:
        in_fence = False
        for i, line in enumerate(lines):
            if line.startswith("```"):
                in_fence = not in_fence
                continue
            if in_fence or line.startswith("    "):
                for body in line.split("#")[0].split("&&"):
                    body = body.strip()
                    words = body.split()
                    k = 0
                    while k < len(words) and re.match(r"^[A-Z_][A-Z0-9_]*=", words[k]):
                        k += 1
                    if k < len(words) and words[k] == "bazel":
                        out.append((f"{f}:{i + 1}", body))
        for n, span in inline_spans(lines):
            if span.startswith("bazel "):
                out.append((f"{f}:{n}", span.replace("\\|", "|")))
    return out


class Ran:
    help_of = {}


def parse(cmd):
    """env, verb, flags, label, args (None if no `--`), or None."""
    words = cmd.split()
    env = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    if len(words) < 2 or words[0] != "bazel":
        return None
    verb, rest = words[1], words[2:]
    flags, label = [], None
    while rest:
        w = rest.pop(0)
        if w.startswith("//"):
            label = w
            break
        if w == "-c" and rest:
            flags.append(w + " " + rest.pop(0))
        else:
            flags.append(w)
    args = None
    if rest and rest[0] == "--":
        args = rest[1:]
    return env, verb, flags, label, args


def is_synopsis(cmd_args):
    text = " ".join(cmd_args)
    return "[" in text or "|" in text or bool(PLACEHOLDER.search(" " + text + " "))


def tool_help(path):
    if path not in Ran.help_of:
        r = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=60)
        Ran.help_of[path] = r.stdout + r.stderr
    return Ran.help_of[path]


def substitute(label, args, scratch):
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a == "--seeds" and nxt is not None and nxt.isdigit():
            out += [a, str(min(int(nxt), MAX_SEEDS))]
            i += 2
            continue
        if a == "--duration" and nxt is not None:
            out += ["--duration", "1s", "--seeds", "2"]
            i += 2
            continue
        if a == "--prefix" and nxt is not None:
            out += [a, os.path.join(scratch, "prefix")]
            i += 2
            continue
        if a.startswith("/tmp/"):
            a = os.path.join(scratch, a[len("/tmp/"):])
        out.append(a)
        i += 1
    if label.startswith("//bench:") and label.endswith("_bench") and not out:
        out = ["--benchmark_list_tests=true"]
    return out


def check_commands(docs, targets, scratch):
    for rel, src in FIXTURES.items():
        os.makedirs(os.path.dirname(os.path.join(scratch, rel)), exist_ok=True)
        shutil.copyfile(src, os.path.join(scratch, rel))
    ran = checked = 0
    seen_run = set()
    for where, cmd in commands(docs):
        p = parse(cmd)
        if p is None:
            continue
        env, verb, flags, label, args = p
        if label is None:
            continue  # prose naming the command (`bazel run --config=asan`): no target to check
        checked += 1
        if label.endswith("..."):
            pkg = label[2:-3].rstrip("/")
            if pkg and not os.path.isdir(pkg):
                fail(where, f"{label}: no directory {pkg}")
            continue
        if not LABEL.match(label):
            fail(where, f"'{label}' is not a label")
            continue
        if re.search(r":[A-Z_]+$", label):
            continue  # a pattern such as //fuzz:NAME
        known = label
        if any(f.startswith("--config=fuzz") for f in flags):
            known = label + "_replay"
        if known not in targets:
            fail(where, f"{label}: not a target this test knows; add it to //docs:docs_test's data "
                        "(if it does not exist, fix the docs)")
            continue
        if verb != "run" or label in NOT_RUN:
            continue
        path = targets[label]
        run_args = args or []
        if any("$" in a for a in run_args):
            continue  # uses the shell's variables: label only
        if is_synopsis(run_args):
            helptext = tool_help(path)
            for opt in re.findall(r"--[a-z][a-z0-9-]*", " ".join(run_args)):
                if opt not in helptext:
                    fail(where, f"{label} --help does not mention {opt}")
            continue
        key = (label, tuple(run_args), tuple(sorted(env.items())))
        if key in seen_run:
            continue
        seen_run.add(key)
        argv = [os.path.abspath(path)] + substitute(label, run_args, scratch)
        want, why = 0, ""
        for k, (rc, reason) in EXPECTED_EXIT.items():
            if k in cmd:
                want, why = rc, reason
        run_env = dict(os.environ, BUILD_WORKING_DIRECTORY=scratch, **env)
        try:
            r = subprocess.run(argv, cwd=scratch, env=run_env, capture_output=True, text=True, timeout=240)
        except subprocess.TimeoutExpired:
            fail(where, f"'{' '.join(argv)}' ran over 240 s")
            continue
        ran += 1
        if r.returncode != want:
            tail = (r.stderr.strip().split("\n") or [""])[-1]
            fail(where, f"'{cmd}' ran as '{' '.join(argv[1:])}': exit {r.returncode}, expected {want}"
                        f"{' (' + why + ')' if why else ''}; stderr: {tail}")
        else:
            print(f"ok: {where}: {cmd}  (exit {r.returncode})")
    print(f"ok: {checked} commands checked, {ran} run")


def main():
    targets = {}
    for a in sys.argv[1:]:
        label, path = a.split("=", 1)
        targets[label] = path
    docs = doc_files()
    scratch = os.path.join(os.environ.get("TEST_TMPDIR", "/tmp"), "docs_test")
    os.makedirs(scratch, exist_ok=True)
    check_samples(docs)
    check_commands(docs, targets, scratch)
    if failures:
        print(f"{len(failures)} problem(s) in the docs:")
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
