"""peers_test: a gtest program run against real peers on loopback;
stack_test: one that starts its own peer."""

def peers_test(name, peers, deps, size = "small"):
    """NAME (NAME.cc, a gtest program) run by run_with_peers.sh.

    Makes NAME minus "_test" plus "_client" (the cc_binary) and the sh_test
    NAME that starts `peers` (a list of peers.sh names: socat, nginx, ws)
    around it. deps: the program's, gtest_main is added.
    """
    if not name.endswith("_test"):
        fail("peers_test: name must end in _test: " + name)
    client = name[:-len("_test")] + "_client"
    native.cc_binary(
        name = client,
        testonly = True,
        srcs = [name + ".cc"],
        deps = deps + ["//third_party:gtest_main"],
    )
    native.sh_test(
        name = name,
        size = size,
        srcs = ["run_with_peers.sh"],
        args = [
            ",".join(peers),
            "$(location :" + client + ")",
        ],
        data = [
            ":peers",
            ":" + client,
        ],
        tags = ["integration"],
    )

def stack_test(name, deps = []):
    """NAME (NAME.cc, a gtest program on stack_fixture) that starts the real
    peer it needs itself (nghttpd, mosquitto)."""
    native.cc_test(
        name = name,
        srcs = [name + ".cc"],
        tags = ["integration"],
        deps = deps + [
            ":stack_fixture",
            "//third_party:gtest_main",
        ],
    )
