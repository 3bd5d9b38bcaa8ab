"""Macros for the C programs of tests/capi (compiled as C, warnings as errors)."""

C_COPTS = ["-Werror", "-Wall", "-Wextra"]

def lws_c_test(name, deps = [], std = "c11", **kwargs):
    """A small cc_test built from NAME.c against <libwebsockets.h>.

    deps: what the program runs on besides the header's library (a fake
    backend, a simulated bed). Other arguments (args, data) pass through.
    """
    native.cc_test(
        name = name,
        size = "small",
        srcs = [name + ".c"],
        copts = ["-std=" + std] + C_COPTS,
        deps = ["//runtime/capi:libwebsockets"] + deps,
        **kwargs
    )
