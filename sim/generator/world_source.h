// WorldSource: a scenario whose seeds are WorldSpecs (the "world" scenario,
// sim/scenarios/world). Tools find it with
//   dynamic_cast<const WorldSource*>(&scenario.part_for(seed))
// and then shrink a failing seed's spec or replay a spec from a file.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/generator/world_spec.h"
#include "sim/scenario.h"

namespace ss::sim::gen {

class WorldSource {
 public:
  virtual ~WorldSource() = default;
  // The world seed `seed` stands for (the generator on RngDecisions(seed)).
  virtual WorldSpec spec_for_seed(std::uint64_t seed) const = 0;
  // A run of exactly `spec` (its own spec.seed drives the network and the
  // runtime). Violations start with "[invariant-id] " so that a shrinker can
  // tell one broken invariant from another.
  virtual std::unique_ptr<ScenarioRun> run_spec(WorldSpec spec) const = 0;
};

}  // namespace ss::sim::gen
