"""The rules of a sim/scenarios package: a scenario's seed sweep, and the
library of a one-server stream scenario on StreamRun (stream_run.h)."""

def scenario_sweep_test(name, scenario, shard_count = 2, **kwargs):
    """NAME from NAME.cc: a seed sweep (seed_sweep.h) of `scenario`, its library."""
    native.cc_test(
        name = name,
        srcs = [name + ".cc"],
        shard_count = shard_count,
        deps = [
            scenario,
            "//sim/testing:seed_shard_main",
            "//sim/testing:seed_sweep",
        ],
        **kwargs
    )

def stream_scenario(name, srcs, hdrs, binding, deps = []):
    """A scenario whose run derives from StreamRun: streams of `binding`
    against one simulated peer (sim/peers). deps: what else it uses."""
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        deps = [
            binding,
            "//runtime/policy",
            "//runtime/stream",
            "//sim",
            "//sim/peers",
            "//sim/testing:stream_actor",
            "//sim/testing:stream_run",
        ] + deps,
    )

def proxied_sim_test(name):
    """NAME from NAME.cc: a gtest of proxied clients (sim_link_client.h)
    through the SS proxy of the proxy scenario to a simulated peer."""
    native.cc_test(
        name = name,
        srcs = [name + ".cc"],
        deps = [
            "//sim",
            "//sim/peers",
            "//sim/scenarios/proxy",
            "//sim/testing:sim_link_client",
            "//third_party:gtest_main",
        ],
    )
