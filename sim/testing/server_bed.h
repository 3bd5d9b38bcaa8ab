// ServerBed: this project's client streams talking to this project's
// server streams on a simulated World (docs/sim.md, "Test helpers"). Two
// hosts, "client" and "server", each with its own stream::Context on the
// same policy and seed; both contexts' traces go to the world (and so to
// its trace hash), logs and violations are kept per side. The caller
// registers the bindings it needs on both contexts (`register_bindings`).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::sim::testing {

struct ServerBed {
  World world;
  const int client_host;
  const int server_host;
  std::vector<std::string> violations;
  std::vector<std::string> server_logs;
  std::vector<std::string> client_logs;
  std::unique_ptr<stream::Context> server;
  std::unique_ptr<stream::Context> client;

  ServerBed(std::shared_ptr<const policy::Policy> policy, std::uint64_t seed,
            const std::function<void(stream::Context&)>& register_bindings,
            stream::ServerLimits limits = {}, WorldOptions options = {})
      : world((options.seed = seed, options)),
        client_host(world.add_host("client")),
        server_host(world.add_host("server")) {
    server = make(server_host, policy, seed, server_logs, limits);
    client = make(client_host, policy, seed + 1, client_logs, limits);
    register_bindings(*server);
    register_bindings(*client);
  }
  ~ServerBed() {  // clients first: their ends are the servers' peer closes
    client.reset();
    server.reset();
  }

  void run_until_idle() { world.run_until_idle(5'000'000); }
  void run_for(Micros span) { world.run_for(span); }

  // Creates a stream of `type` on `ctx` with `info` (the streamtype is set
  // here); nullptr when the context refused it.
  static stream::Stream* create(stream::Context& ctx, const std::string& type, stream::StreamInfo info = {}) {
    info.streamtype = type;
    auto s = ctx.create(std::move(info));
    return s.ok() ? *s : nullptr;
  }

  bool log_has(const std::vector<std::string>& logs, std::string_view part) const {
    for (const auto& l : logs) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::unique_ptr<stream::Context> make(int host, std::shared_ptr<const policy::Policy> policy, std::uint64_t seed,
                                        std::vector<std::string>& logs, const stream::ServerLimits& limits) {
    stream::Context::Config cfg = context_config(world, host, std::move(policy), seed);
    cfg.hooks.violation = [this](std::string_view t) { violations.emplace_back(t); };
    cfg.hooks.log = [&logs](std::string_view t) { logs.emplace_back(t); };
    cfg.server_limits = limits;
    return std::make_unique<stream::Context>(std::move(cfg));
  }
};

}  // namespace ss::sim::testing
