// A C API backend (runtime/capi/backend.h) on a simulated World, shared
// by every C-callable test world (sim/scenarios/stream_raw/stream_sim_c,
// tests/capi/*_bed): lws_service() runs one simulated event, then up to
// timeout_ms of virtual time, and returns -1 once the world is idle;
// invariant breaks and trace events go to the world. `seed_salt` makes the
// context's seed differ from the world's when a test wants that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
  int service(int timeout_ms) override {
    if (!world_.step()) return -1;
    if (timeout_ms > 0) world_.run_for(millis(timeout_ms));
    return 0;
  }
  stream::Hooks hooks() override {
    stream::Hooks h;
    h.violation = [this](std::string_view t) { world_.violation(std::string(t)); };
    h.trace = [this](std::string_view k, std::string_view t) { world_.record(k, t); };
    return h;
  }

 private:
  World& world_;
  int host_;
  std::uint64_t seed_salt_;
};

}  // namespace ss::sim
