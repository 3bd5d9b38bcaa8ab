"""lws_c_test: a C program against <libwebsockets.h> as a test (compiled as
C, warnings as errors). Used by runtime/capi, tests/capi and the C programs
of sim/scenarios."""

C_COPTS = ["-Werror", "-Wall", "-Wextra"]

def lws_c_test(name, deps = [], std = "c11", size = "small", **kwargs):
    """A cc_test built from NAME.c against <libwebsockets.h>.

    deps: what the program runs on besides the header's library (a fake
    backend, a simulated bed). Other arguments (args, data) pass through.
    """
    native.cc_test(
        name = name,
        size = size,
        srcs = [name + ".c"],
        copts = ["-std=" + std] + C_COPTS,
        deps = ["//runtime/capi:libwebsockets"] + deps,
        **kwargs
    )
