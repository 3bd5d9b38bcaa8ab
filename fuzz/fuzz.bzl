"""ss_fuzz_target: one libFuzzer target plus a test that replays its corpus.

For a target NAME this makes:
  NAME         the libFuzzer binary (tag manual; build with --config=fuzz)
  NAME_replay  a cc_test that feeds every file of the seed corpus to the same
               LLVMFuzzerTestOneInput, so `bazel test //...` (gcc or asan)
               keeps every seed passing.
The corpus lives in //corpus:NAME (corpus/NAME/*), the dictionary, if any,
in fuzz/NAME.dict (OSS-Fuzz layout).
"""

def ss_fuzz_target(name, srcs, deps = [], corpus = None, size = "small"):
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
