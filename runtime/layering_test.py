"""Checks every dependency edge of the layered packages against
runtime/layers.bzl (the rules are in its docstring).

usage: layering_test.py LAYERS_BZL EDGES TESTONLY
  EDGES     genquery --output=graph --nograph:factored ("a" -> "b" lines)
  TESTONLY  genquery labels of the tests and testonly targets
Prints one line per offending edge, naming both ends and their layers, and
exits 1 if there is any.
"""
import re
import sys


def package_of(label):
    if label.startswith("@"):
        return None  # external repository: below everything
    return label[2:].split(":", 1)[0]


def load_layers(path):
    ns = {}
    exec(open(path).read(), ns)  # Starlark data and defs; only data is used
    return ns


def main(argv):
    ns = load_layers(argv[1])
    layers = ns["LAYERS"]
    rank = {}
    layer_name = {}
    for i, (name, packages) in enumerate(layers):
        for p in packages:
            rank[p] = i
            layer_name[p] = name
    tests_may_use = [n for n, _ in layers].index(ns["TESTS_MAY_USE"])
    allowed = set(ns["ALLOWED_EDGES"])
    data = set(ns["DATA_PACKAGES"])
    top = len(layers)  # unlisted packages (tests/, fuzz/ ...) are above all

    def rank_of(package):
        if package is None or package == "" or package.startswith("third_party") or package in data:
            return -1
        return rank.get(package, top)

    def describe(package):
        if package in layer_name:
            return layer_name[package]
        return "outside the layers"

    testonly = set(l.strip() for l in open(argv[3]) if l.strip())
    edge_re = re.compile(r'^\s*"([^"]+)"\s*->\s*"([^"]+)"')
    errors = []
    lib_edges = {}
    seen_packages = set()
    for line in open(argv[2]):
        m = edge_re.match(line)
        if not m:
            continue
        src, dst = m.group(1), m.group(2)
        sp, dp = package_of(src), package_of(dst)
        if sp not in rank:
            continue
        seen_packages.add(sp)
        if src.endswith(":layer_scope"):
            continue
        if sp == dp or (src, dp) in allowed:
            continue
        ceiling = rank[sp]
        if src in testonly:
            ceiling = max(ceiling, tests_may_use)
        else:
            lib_edges.setdefault(sp, set()).add(dp)
        if rank_of(dp) > ceiling:
            kind = "test" if src in testonly else "library"
            errors.append("%s (%s, layer %s) -> %s (layer %s): runs upward"
                          % (src, kind, layer_name[sp], dst, describe(dp)))

    # No package cycles among runtime/ and sim/ packages (library edges).
    checked = {p for p in rank if not p.startswith("tools")}

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for b in lib_edges.get(todo.pop(), ()):
                if b in checked and b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen

    cyclic = sorted(p for p in checked if p in reach(p))
    if cyclic:
        errors.append("package cycle among: %s" % ", ".join(cyclic))

    for p in sorted(rank):
        if p not in seen_packages:
            errors.append("%s: listed in layers.bzl but has no targets in the query"
                          " (add layer_scope() to its BUILD, or drop it)" % p)

    for e in errors:
        print(e)
    if errors:
        print("%d edge(s) against runtime/layers.bzl (docs/architecture.md)" % len(errors))
        return 1
    print("layering: %d packages, every edge runs downward" % len(seen_packages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
