"""ss_fuzz_target: one libFuzzer target plus a test that replays its corpus.

For a target NAME this makes:
  NAME         the libFuzzer binary (tag manual; build with --config=fuzz)
  NAME_replay  a cc_test that feeds every file of the seed corpus to the same
               LLVMFuzzerTestOneInput, so `bazel test //...` (gcc or asan)
               keeps every seed passing.
The corpus lives in //corpus:NAME (corpus/NAME/*, made by ss_fuzz_corpora
from FUZZ_TARGETS), the dictionary, if any, in fuzz/NAME.dict (OSS-Fuzz
layout).
"""

# Every ss_fuzz_target, so corpus/BUILD makes one filegroup per target.
FUZZ_TARGETS = [
    "wire_decode_fuzz",
    "h1_response_fuzz",
    "policy_fuzz",
    "tls_client_fuzz",
    "ws_frame_fuzz",
    "sim_net_fuzz",
    "http_multipart_fuzz",
    "h1_stream_fuzz",
    "ws_stream_fuzz",
    "proxy_fuzz",
    "world_fuzz",
    "h1_server_fuzz",
    "mqtt_client_fuzz",
    "mqtt_stream_fuzz",
    "h2_stream_fuzz",
]

def ss_fuzz_target(name, deps = [], hdrs = [], corpus = None, size = "small"):
    """NAME from NAME.cc plus `hdrs` (headers of the fuzz folder it uses)."""
    if name not in FUZZ_TARGETS:
        fail("add " + name + " to FUZZ_TARGETS in fuzz/fuzz.bzl (its corpus filegroup)")
    srcs = [name + ".cc"] + hdrs
    corpus = corpus or ("//corpus:" + name)
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual", "fuzz"],
    )
    native.cc_test(
        name = name + "_replay",
        srcs = srcs,
        deps = deps + ["//fuzz:replay_main"],
        data = [corpus],
        args = ["$(rootpaths " + corpus + ")"],
        size = size,
    )

def ss_stream_fuzz_target(name, deps = []):
    """A whole-stream target: streams of this project's engine in the
    simulator against fuzz/hostile_server.h, run with stream_fuzz_harness.h."""
    ss_fuzz_target(
        name = name,
        hdrs = [
            "hostile_server.h",
            "stream_fuzz_harness.h",
        ],
        deps = deps + [
            "//runtime/stream",
            "//sim",
            "//sim/testing:sim_context",
        ],
    )

def ss_fuzz_corpora():
    """One filegroup per fuzz target: corpus/NAME/** (call from corpus/BUILD)."""
    for name in FUZZ_TARGETS:
        native.filegroup(
            name = name,
            srcs = native.glob([name + "/**"]),
        )
