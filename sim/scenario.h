// Scenario: a pluggable simulated workload for ss-sim and the seed sweeps.
//
// A Scenario derives everything a run needs from one seed (world options,
// fault plan, workload) as a ScenarioRun, which prints those options
// (describe), starts its actors in a World, and checks its invariants after
// the run (reporting through World::violation). run_seed() drives one seed
// and returns its trace hash and outcome.
//
// To add one: subclass Scenario and ScenarioRun, and add it to a registry
// (tools/ss_sim.cc calls register_sim_scenarios, then the other layers'
// register functions).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace.h"
#include "sim/world.h"

namespace ss::sim {

class ScenarioRun {
 public:
  virtual ~ScenarioRun() = default;
  // World options derived from the seed (seed, links, segmentation, buggify).
  virtual WorldOptions world_options() const = 0;
  // Every derived option, printable: fault plan, workload, links.
  virtual std::string describe() const = 0;
  virtual void start(World& world) = 0;
  // After the run (idle or stopped): report broken invariants to the world.
  virtual void check(World& world) = 0;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual std::string name() const = 0;
  virtual std::string summary() const = 0;
  virtual std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const = 0;
  // The scenario that really runs `seed` (a mixed scenario's part; else
  // this one), for tools that need its kind (shrinking needs a world).
  virtual const Scenario& part_for(std::uint64_t /*seed*/) const { return *this; }
};

struct RunConfig {
  bool keep_trace = false;
  std::uint64_t max_events = 5'000'000;
  std::uint64_t swap_tie = 0;  // perturbation for the trace-hash test: swap the n-th tie
  Trace::Sink on_event;        // every trace event as it happens (Trace::set_sink)
};

struct SeedOutcome {
  std::uint64_t seed = 0;
  std::uint64_t hash = 0;
  std::uint64_t events = 0;        // scheduler steps
  std::uint64_t trace_events = 0;  // recorded trace events
  Micros sim_time = 0;
  bool livelock = false;
  std::vector<std::string> violations;
  std::string trace;  // only with keep_trace
};

SeedOutcome run_seed(const Scenario& scenario, std::uint64_t seed, const RunConfig& config = {});
// The same for a run already derived (a world spec from a file or a fuzz
// input): `seed` is only reported back in the outcome.
SeedOutcome run_derived(std::unique_ptr<ScenarioRun> run, std::uint64_t seed, const RunConfig& config = {});

class ScenarioRegistry {
 public:
  void add(std::unique_ptr<Scenario> scenario) { scenarios_.push_back(std::move(scenario)); }
  const Scenario* find(const std::string& name) const;
  const std::vector<std::unique_ptr<Scenario>>& all() const { return scenarios_; }

 private:
  std::vector<std::unique_ptr<Scenario>> scenarios_;
};

// Helpers for writing a scenario.
//
// The usual world of a stream scenario, drawn from `draw` in a fixed order:
// buggify one time in `buggify_one_in`, link latency 100 µs..20 ms,
// segmentation [1, 1..max_segment].
WorldOptions draw_world_options(std::uint64_t seed, Rng& draw, std::uint64_t buggify_one_in,
                                std::size_t max_segment);
// "world: seed=... buggify=... link.latency=...us segmentation=[1,N]\n"
std::string describe_world(const WorldOptions& options);
// The faults a one-server scenario draws from: hosts `server` (also its DNS
// name, listening on `endpoints`) then `others`; actions start in the first
// 3 s and last up to 1 s.
FaultSpace server_fault_space(const std::string& server, const std::vector<Endpoint>& endpoints,
                              const std::vector<std::string>& others = {});

// A Scenario whose runs are `Run(seed)`.
template <typename Run>
class SimpleScenario final : public Scenario {
 public:
  SimpleScenario(std::string name, std::string summary)
      : name_(std::move(name)), summary_(std::move(summary)) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return summary_; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override {
    return std::make_unique<Run>(seed);
  }

 private:
  std::string name_;
  std::string summary_;
};

// The simulator's own scenarios: "echo" and "echo-planted-bug".
void register_sim_scenarios(ScenarioRegistry& registry);
std::unique_ptr<Scenario> make_echo_scenario(bool planted_bug);

}  // namespace ss::sim

namespace ss::sim {

// A scenario made of others: seed S runs parts[S % parts.size()], so one
// campaign covers every part and any seed still reproduces on its own
// (`--scenario NAME --seed S`). The parts must outlive it.
std::unique_ptr<Scenario> make_mixed_scenario(std::string name, std::string summary,
                                              std::vector<const Scenario*> parts);

}  // namespace ss::sim
