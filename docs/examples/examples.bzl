"""The sample programs of the docs, by the API they use. echo_client_cpp is
written out as a plain cc_binary in BUILD: docs/api.md shows that rule."""

def c_example(name, src, **kwargs):
    """A C program on the C API (libwebsockets.h), built from `src`."""
    native.cc_binary(
        name = name,
        srcs = [src],
        deps = ["//runtime/capi:libwebsockets"],
        **kwargs
    )

def cpp_example(name, src, **kwargs):
    """A C++ program on the C++ API (ss/streams.h) and the posix backend."""
    native.cc_binary(
        name = name,
        srcs = [src],
        deps = [
            "//runtime/include:ss",
            "//runtime/policy",
            "//runtime/posix:loop",
            "//runtime/posix:net",
        ],
        **kwargs
    )
