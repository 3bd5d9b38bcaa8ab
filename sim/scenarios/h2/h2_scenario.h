// "h2": HTTP/2 Secure Streams against a simulated, misbehaving h2 server.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_h2_scenario();
void register_h2_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
