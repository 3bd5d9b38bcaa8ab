// Stream scenarios for ss-sim and the seed sweeps: raw Secure Streams over
// the faulty simulated network (see stream_scenario.cc for the invariants).
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

// "stream-raw": 1-3 raw streams (retrying, opportunistic, nailed-up, or
// without retry policy) against an echo server, under a random fault plan.
std::unique_ptr<Scenario> make_stream_raw_scenario();

// Adds the stream scenarios to `registry` (for tools/ss-sim).
void register_stream_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
