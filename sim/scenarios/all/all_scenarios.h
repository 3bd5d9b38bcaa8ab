// Every scenario ss-sim knows, and the built-in "default" mix of them.
// One registry for the tool and for the tests that replay corpus seeds.
#pragma once

#include "sim/scenario.h"

namespace ss::sim {

void register_all_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
