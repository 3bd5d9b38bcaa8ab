// A C API backend (runtime/capi/backend.h) on a simulated World, shared
// by every C-callable test world (sim/scenarios/stream_raw/stream_sim_c,
// tests/capi/*_bed): lws_service() runs one simulated event, then up to
// timeout_ms of virtual time, and returns -1 once the world is idle;
// invariant breaks and trace events go to the world. `seed_salt` makes the
// context's seed differ from the world's when a test wants that. A world
// with TLS peers gives the backend its provider (set_tls); a scenario with
// its own checkers replaces the default hooks (set_hooks).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/bind/tls/tls_transport.h"
#include "runtime/capi/backend.h"
#include "sim/world.h"

namespace ss::sim {

class SimBackend final : public stream::Backend {
 public:
  SimBackend(World& world, int host, std::uint64_t seed_salt = 0)
      : world_(world), host_(host), seed_salt_(seed_salt) {}
  Loop& loop() override { return world_.loop(); }
  Net& net() override { return world_.net_for(host_); }
  std::uint64_t seed() const override { return world_.options().seed ^ seed_salt_; }
  // Fixed per host: the STREAMTYPE frame of an lws_sspc_* stream carries it.
  std::uint32_t process_id() const override { return 1000 + static_cast<std::uint32_t>(host_); }
  int service(int timeout_ms) override {
    if (!world_.step()) return -1;
    if (timeout_ms > 0) world_.run_for(millis(timeout_ms));
    return 0;
  }
  TlsProvider* tls() override { return tls_; }
  void set_tls(TlsProvider* tls) { tls_ = tls; }
  void set_hooks(stream::Hooks hooks) { hooks_ = std::move(hooks); }
  void setup(stream::Context& ctx) override {
    stream::Backend::setup(ctx);
    if (tls_) ctx.set_tls_transport(stream::make_tls_transport());
  }
  stream::Hooks hooks() override {
    if (hooks_) return *hooks_;
    stream::Hooks h;
    h.violation = [this](std::string_view t) { world_.violation(std::string(t)); };
    h.trace = [this](std::string_view k, std::string_view t) { world_.record(k, t); };
    return h;
  }

 private:
  World& world_;
  int host_;
  std::uint64_t seed_salt_;
  TlsProvider* tls_ = nullptr;
  std::optional<stream::Hooks> hooks_;
};

}  // namespace ss::sim
