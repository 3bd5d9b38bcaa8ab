#include "sim/scenario.h"

namespace ss::sim {

SeedOutcome run_seed(const Scenario& scenario, std::uint64_t seed, const RunConfig& config) {
  std::unique_ptr<ScenarioRun> run = scenario.derive(seed);
  WorldOptions options = run->world_options();
  options.keep_trace = config.keep_trace;
  auto world = std::make_unique<World>(options);
  if (config.swap_tie != 0) world->scheduler().swap_tie(config.swap_tie);
  run->start(*world);
  const RunResult r = world->run_until_idle(config.max_events);
  SeedOutcome out;
  out.seed = seed;
  out.events = r.events;
  out.livelock = r.livelock;
  if (r.livelock) {
    world->violation("livelock: still busy after " + std::to_string(config.max_events) + " events");
  }
  run->check(*world);
  out.sim_time = world->now();
  out.hash = world->trace().hash();
  out.trace_events = world->trace().count();
  out.violations = world->violations();
  if (config.keep_trace) out.trace = world->trace().to_string();
  run.reset();  // actors go before the world they live in
  return out;
}

const Scenario* ScenarioRegistry::find(const std::string& name) const {
  for (const auto& s : scenarios_) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

void register_sim_scenarios(ScenarioRegistry& registry) {
  registry.add(make_echo_scenario(false));
  registry.add(make_echo_scenario(true));
}

}  // namespace ss::sim
