// "proxy": client processes reaching an echo server through the SS proxy.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_proxy_scenario();

// Adds "proxy" and "proxy-bulk" to `registry` (tools/ss_sim.cc).
void register_proxy_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
