// "server": this project's server streams (h1 and raw, runtime/stream/server.h)
// serving this project's client streams on the faulty simulated network;
// the invariants are listed in server_scenario.cc.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_server_scenario();

// Adds "server" to `registry` (for tools/ss-sim). It is not a part of
// "default", whose worlds stay as they were.
void register_server_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
