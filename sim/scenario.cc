#include "sim/scenario.h"

namespace ss::sim {

SeedOutcome run_seed(const Scenario& scenario, std::uint64_t seed, const RunConfig& config) {
  return run_derived(scenario.derive(seed), seed, config);
}

SeedOutcome run_derived(std::unique_ptr<ScenarioRun> run, std::uint64_t seed, const RunConfig& config) {
  WorldOptions options = run->world_options();
  options.keep_trace = config.keep_trace;
  auto world = std::make_unique<World>(options);
  if (config.swap_tie != 0) world->scheduler().swap_tie(config.swap_tie);
  if (config.on_event) world->trace().set_sink(config.on_event);
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

namespace ss::sim {
namespace {

class MixedRun final : public ScenarioRun {
 public:
  MixedRun(std::string part, std::unique_ptr<ScenarioRun> run) : part_(std::move(part)), run_(std::move(run)) {}
  WorldOptions world_options() const override { return run_->world_options(); }
  std::string describe() const override { return "part: " + part_ + "\n" + run_->describe(); }
  void start(World& world) override { run_->start(world); }
  void check(World& world) override { run_->check(world); }

 private:
  std::string part_;
  std::unique_ptr<ScenarioRun> run_;
};

class MixedScenario final : public Scenario {
 public:
  MixedScenario(std::string name, std::string summary, std::vector<const Scenario*> parts)
      : name_(std::move(name)), summary_(std::move(summary)), parts_(std::move(parts)) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return summary_; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override {
    const Scenario* part = parts_[seed % parts_.size()];
    return std::make_unique<MixedRun>(part->name(), part->derive(seed));
  }
  const Scenario& part_for(std::uint64_t seed) const override { return parts_[seed % parts_.size()]->part_for(seed); }

 private:
  std::string name_;
  std::string summary_;
  std::vector<const Scenario*> parts_;
};

}  // namespace

std::unique_ptr<Scenario> make_mixed_scenario(std::string name, std::string summary,
                                              std::vector<const Scenario*> parts) {
  return std::make_unique<MixedScenario>(std::move(name), std::move(summary), std::move(parts));
}

}  // namespace ss::sim

namespace ss::sim {

WorldOptions draw_world_options(std::uint64_t seed, Rng& draw, std::uint64_t buggify_one_in,
                                std::size_t max_segment) {
  WorldOptions o;
  o.seed = seed;
  o.buggify = draw.chance(1, buggify_one_in);
  o.link.latency = draw.between(100, millis(20));
  o.segmentation = Segmentation{1, static_cast<std::size_t>(draw.between(1, static_cast<std::int64_t>(max_segment)))};
  return o;
}

FaultSpace server_fault_space(const std::string& server, const std::vector<Endpoint>& endpoints,
                              const std::vector<std::string>& others) {
  FaultSpace space;
  space.hosts.push_back(server);
  space.hosts.insert(space.hosts.end(), others.begin(), others.end());
  for (const Endpoint& e : endpoints) space.listeners.emplace_back(server, e);
  space.names = {server};
  space.horizon = seconds(3);
  space.max_duration = seconds(1);
  return space;
}

std::string describe_world(const WorldOptions& o) {
  return "world: seed=" + std::to_string(o.seed) + " buggify=" + (o.buggify ? "on" : "off") +
         " link.latency=" + std::to_string(o.link.latency) + "us segmentation=[1," +
         std::to_string(o.segmentation.max) + "]\n";
}

}  // namespace ss::sim
