"""The layers of the tree, bottom first (docs/architecture.md explains them).

The one place the dependency direction is written down. It is read by
  * runtime/BUILD: one package_group per layer (who may depend on it), which
    every runtime package uses as its default_visibility (layer_visibility());
  * //runtime:layering_test: a genquery of every edge leaving the packages
    below, checked by layering_test.py against these rules:
      - a library target (not testonly) may depend on its own layer and the
        layers below it, never on a layer above;
      - a test or testonly target may also use the layers up to TESTS_MAY_USE
        (tests beside the code run it in the simulator);
      - no two packages of runtime/ or sim/ depend on each other (library
        edges);
      - //third_party/..., DATA_PACKAGES, the root package and external
        repositories are below everything; any other package not listed here is above
        everything (tests/, fuzz/, bench/, props/, packaging/, docs/).
"""

LAYERS = [
    ("core", ["runtime/core", "runtime/core/testing"]),
    # Sans-IO cores and the production backend: each depends on core only
    # (h1 and ws also on the HTTP message type in proto/http).
    ("cores", [
        "runtime/policy",
        "runtime/wire",
        "runtime/proto/http",
        "runtime/proto/h1",
        "runtime/proto/ws",
        "runtime/proto/mqtt",
        "runtime/proto/h2",
        "runtime/proto/tls",
        "runtime/posix",
        "runtime/posix/testing",
    ]),
    ("engine", ["runtime/stream"]),
    ("bindings", [
        "runtime/bind/raw",
        "runtime/bind/http",
        "runtime/bind/h1",
        "runtime/bind/ws",
        "runtime/bind/mqtt",
        "runtime/bind/h2",
        "runtime/bind/tls",
    ]),
    ("proxy", ["runtime/proxy"]),
    ("api", ["runtime/include", "runtime/capi"]),
    ("sim", [
        "sim",
        "sim/generator",
        "sim/peers",
        "sim/testing",
        "sim/scenarios/proxy",
        "sim/scenarios/server",
        "sim/scenarios/stream_h1",
        "sim/scenarios/stream_raw",
        "sim/scenarios/stream_ws",
        "sim/scenarios/mqtt",
        "sim/scenarios/h2",
        "sim/scenarios/world",
        "sim/scenarios/all",
    ]),
    ("tools", ["tools", "tools/campaign", "tools/planted"]),
]

# Tests and testonly targets may use the layers up to this one.
TESTS_MAY_USE = "sim"

# Edges (target, package it may use) the rules above would refuse, each
# with its reason.
ALLOWED_EDGES = [
    # The end-to-end tool test runs the C SSPC client program against ss-proxy.
    ("//tools:tools_e2e_test", "tests/capi"),
    # ss-cat's end-to-end test reuses the integration peers (nginx, socat).
    ("//tools:ss_cat_end_test", "tests/integration"),
]

# Packages of data only (seed corpora): below everything, like third_party.
DATA_PACKAGES = ["corpus"]

# Outside the layers: may depend on every layer.
CONSUMERS = [
    "//bench/...",
    "//docs/...",
    "//fuzz/...",
    "//packaging/...",
    "//props/...",
    "//tests/...",
]

# Packages below the layer they are in that need it for their tests only
# (the engine's cpp_api_test uses the C++ API; the layering test still
# refuses such an edge from library code).
TEST_VISIBILITY = {
    "api": ["runtime/stream"],
}

def _layer_of(package):
    for name, packages in LAYERS:
        if package in packages:
            return name
    fail("package %s is in no layer of //runtime:layers.bzl" % package)

def layer_group(name):
    """The package_group of who may depend on layer `name`."""
    return "//runtime:%s_users" % name

def layer_visibility():
    """default_visibility for a runtime package: its layer's users."""
    return [layer_group(_layer_of(native.package_name()))]

def layer_package_groups():
    """One package_group per layer: its own packages, the layers above, CONSUMERS."""
    for i, (name, _) in enumerate(LAYERS):
        packages = []
        for _, above in LAYERS[i:]:
            packages += ["//" + p for p in above]
        packages += ["//" + p for p in TEST_VISIBILITY.get(name, [])]
        native.package_group(
            name = name + "_users",
            packages = packages + CONSUMERS,
        )

def layer_scope():
    """Every rule of this package, for //runtime:layering_test's genquery."""
    native.filegroup(
        name = "layer_scope",
        testonly = True,
        srcs = [":" + r for r in native.existing_rules().keys()],
        visibility = ["//runtime:__pkg__"],
    )

def layer_query_targets():
    """The genquery scope and the set of targets whose edges are checked."""
    scope = []
    for _, packages in LAYERS:
        scope += ["//%s:layer_scope" % p for p in packages]
    return scope
