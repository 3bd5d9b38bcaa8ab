// "stream-ws": WebSocket Secure Streams against a simulated echo server.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_stream_ws_scenario();
void register_stream_ws_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
