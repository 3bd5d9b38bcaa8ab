// "stream-h1": HTTP/1.1 Secure Streams against a simulated web server.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_stream_h1_scenario();
void register_stream_h1_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
