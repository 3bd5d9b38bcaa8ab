// describe_world_spec: a WorldSpec as readable text, one line per thing,
// every derived option shown (ss-sim --show-scenario prints it):
//   world: seed, network, proxy, calm
//   swarm: the fault kinds switched on, then the fault plan
//          (FaultPlan::to_string, one action per line)
//   retry[i], server[i], streamtype[i], stream[i]: one line each
// Indices are those of the spec's vectors (streamtype[1] is streamtypes[1]).
#pragma once

#include <string>

#include "sim/generator/world_spec.h"

namespace ss::sim::gen {

std::string describe_world_spec(const WorldSpec& spec);

}  // namespace ss::sim::gen
