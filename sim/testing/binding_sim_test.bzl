"""binding_sim_test: a binding's gtest program (NAME.cc) run in the simulator
against sim/peers, as the runtime/bind/* packages test their bindings."""

_SIM_DEPS = [
    "//runtime/stream",
    "//sim",
    "//sim/peers",
    "//sim/testing:sim_context",
    "//third_party:gtest_main",
]

# With tls: the peer behind TlsServerNet, replayable OpenSSL (sim_tls.h).
_TLS_DEPS = [
    "//runtime/bind/tls",
    "//runtime/proto/tls:testing",
    "//sim/peers:tls_server_net",
    "//sim/testing:sim_tls",
]

def binding_sim_test(name, deps, tls = False, **kwargs):
    """NAME from NAME.cc; deps: the binding under test and what else it uses."""
    native.cc_test(
        name = name,
        srcs = [name + ".cc"],
        deps = deps + _SIM_DEPS + (_TLS_DEPS if tls else []),
        **kwargs
    )
