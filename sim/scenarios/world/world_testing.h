// Test helpers for the world runner: run one hand-built WorldSpec, and the
// small specs more than one test binary needs.
#pragma once

#include "sim/generator/world_spec.h"
#include "sim/scenario.h"
#include "sim/scenarios/world/world_scenario.h"

namespace ss::sim::world {

// Runs exactly `spec` (as the seed spec.seed) with `plant`.
SeedOutcome run_world_spec(const gen::WorldSpec& spec, Plant plant = Plant::kNone);

// A calm world with one raw echo stream (20,300 bytes) through the proxy
// under manual credit (initial 1000, grants of 3000).
gen::WorldSpec proxied_credit_world();

// True if a violation carries invariant id `id` ("[id] ...").
bool has_violation(const SeedOutcome& o, const std::string& id);

}  // namespace ss::sim::world
