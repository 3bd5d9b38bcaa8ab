// The C API backend the tests/capi worlds share: lws_service() runs one
// simulated event, then up to timeout_ms of virtual time, and returns -1
// once the world is idle; invariant breaks go to the world.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/stream/backend.h"
#include "sim/world.h"

namespace ss::capi_testing {

class SimBackend final : public stream::Backend {
 public:
  SimBackend(sim::World& world, int host) : world_(world), host_(host) {}
  Loop& loop() override { return world_.loop(); }
  Net& net() override { return world_.net_for(host_); }
  std::uint64_t seed() const override { return world_.options().seed; }
  int service(int timeout_ms) override {
    if (!world_.step()) return -1;
    if (timeout_ms > 0) world_.run_for(millis(timeout_ms));
    return 0;
  }
  stream::Hooks hooks() override {
    stream::Hooks h;
    h.violation = [this](std::string_view t) { world_.violation(std::string(t)); };
    return h;
  }

 private:
  sim::World& world_;
  int host_;
};

}  // namespace ss::capi_testing
