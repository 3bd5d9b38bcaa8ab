// The SS proxy process of a proxy scenario, assembled as ss-proxy does it:
// a stream Context on `host` under a policy, the raw (and optionally h1,
// ws, mqtt) bindings, the engine's onward streams and a ProxyServer on
// @proxy.ss.lws. States, traces and violations go to the World, and an
// EngineChecker holds the onward streams to the engine's rules
// (sim/testing/engine_checker.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/h2/h2_binding.h"
#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "sim/testing/engine_checker.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::sim {

// What the proxy's engine speaks beyond raw, and how it reports.
struct SimProxyOptions {
  bool with_h1 = false;
  bool with_ws = false;
  bool with_mqtt = false;
  bool with_h2 = false;
  TlsProvider* tls = nullptr;  // set: onward streams may use "tls": true
  // Violations start with an invariant id ("[leak] ", "[legal-transition] "),
  // as the "world" scenario reports them.
  bool tagged = false;
  // Where the proxy listens (default: lws's @proxy.ss.lws, reachable from
  // its own host only).
  Endpoint listen = proxy::ProxyServerOptions{}.listen;
  // The engine's BUGGIFY sites (stream::Hooks::buggify) answer from the
  // world's Buggify object.
  bool buggify_runtime = false;
};

struct SimProxyProcess {
  // False (with a violation) when the policy does not parse; a proxy that
  // cannot listen is a violation too.
  bool start(World& world, int host, std::string_view policy_json, std::uint64_t ctx_seed, bool with_h1) {
    SimProxyOptions options;
    options.with_h1 = with_h1;
    return start(world, host, policy_json, ctx_seed, options);
  }
  bool start(World& world, int host, std::string_view policy_json, std::uint64_t ctx_seed,
             const SimProxyOptions& options) {
    tagged = options.tagged;
    auto parsed = policy::parse_policy(std::string(policy_json));
    if (!parsed.ok()) {
      world.violation(tag("policy") + "scenario policy does not parse");
      return false;
    }
    stream::Context::Config cfg = sim::testing::context_config(world, host, parsed.policy, ctx_seed);
    cfg.tls = options.tls;
    cfg.hooks.violation = [this, &world](std::string_view t) { world.violation(tag("legal-transition") + std::string(t)); };
    if (options.buggify_runtime)
      cfg.hooks.buggify = [&world](std::string_view site) { return world.buggify_site(site); };
    checker = std::make_unique<EngineChecker>(world);
    checker->set_tagged(options.tagged);
    checker->attach(cfg);
    ctx = std::make_unique<stream::Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
    if (options.with_h1) proto::h1::register_h1_binding(*ctx);
    if (options.with_ws) proto::ws::register_ws_binding(*ctx);
    if (options.with_mqtt) proto::mqtt::register_mqtt_binding(*ctx);
    if (options.with_h2) proto::h2::register_h2_binding(*ctx);
    if (options.tls) ctx->set_tls_transport(stream::make_tls_transport());
    onward = std::make_unique<proxy::EngineOnwardFactory>(*ctx);
    proxy::ProxyServerOptions po;
    po.listen = options.listen;
    po.on_link_closed = [&world](std::uint64_t id, const std::string& reason) {
      world.record("proxy.link_closed", "link" + std::to_string(id) + " " + reason);
    };
    server = std::make_unique<proxy::ProxyServer>(world.loop(), world.net_for(host), *onward, po);
    if (Error e = server->start()) world.violation(tag("proxy") + "proxy: " + e.message());
    return true;
  }

  // After the run: no link, no onward stream left; the engine's rules held.
  void check_empty(World& world) {
    if (server->stats().open != 0) world.violation(tag("leak") + std::to_string(server->stats().open) + " proxy links left open");
    if (ctx->stream_count() != 0)
      world.violation(tag("leak") + std::to_string(ctx->stream_count()) + " onward streams left alive");
    checker->finish(*ctx);
  }

  std::string tag(const char* id) const { return tagged ? "[" + std::string(id) + "] " : std::string(); }

  bool tagged = false;
  std::unique_ptr<EngineChecker> checker;  // outlives the context it watches
  std::unique_ptr<stream::Context> ctx;
  std::unique_ptr<proxy::EngineOnwardFactory> onward;
  std::unique_ptr<proxy::ProxyServer> server;
};

}  // namespace ss::sim
