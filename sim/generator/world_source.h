// WorldSource: a scenario whose seeds are WorldSpecs (the "world" scenario,
// sim/scenarios/world). Tools find it with
//   dynamic_cast<const WorldSource*>(&scenario.part_for(seed))
// and then shrink a failing seed's spec or replay a spec from a file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

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

// A Scenario that runs exactly `spec` of `source` whatever the seed (run it
// with spec.seed), named `name` (the file it came from): for tools that run
// a world from a file or a shrinker's candidate where a Scenario is asked
// for. To run a spec once in-process, run_derived(source.run_spec(spec),
// spec.seed) needs no Scenario. `source` must outlive it.
class SpecScenario final : public Scenario {
 public:
  SpecScenario(const WorldSource& source, WorldSpec spec, std::string name)
      : source_(source), spec_(std::move(spec)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return "the world in " + name_; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t /*seed*/) const override { return source_.run_spec(spec_); }

 private:
  const WorldSource& source_;
  WorldSpec spec_;
  std::string name_;
};

}  // namespace ss::sim::gen
