// World: one simulated run. Owns the virtual clock and scheduler (the
// ss::Loop), the seeded Rng, the Trace, the simulated Network with its hosts
// and DNS names, the buggify switchboard and the invariant violations.
//
//   ss::sim::World world(WorldOptions{.seed = 42});
//   int client = world.add_host("client");
//   int server = world.add_host("server");      // also DNS name "server"
//   ss::Net& net = world.net_for(client);       // this host's Net view
//   ... start things on world.loop() ...
//   auto r = world.run_until_idle(1'000'000);   // r.livelock if it never idles
//   world.trace().hash();                       // the run's fingerprint
//
// Everything a run does is a function of the seed: the Rng is the only
// randomness, time is virtual, there are no threads and no global state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "sim/faults.h"
#include "sim/scheduler.h"
#include "sim/sim_net.h"
#include "sim/trace.h"

namespace ss::sim {

struct WorldOptions {
  std::uint64_t seed = 1;
  bool keep_trace = false;  // keep event texts (for --trace); the hash is always kept
  bool buggify = false;
  LinkParams link{};        // default link between two hosts
  Segmentation segmentation{};
};

struct RunResult {
  std::uint64_t events = 0;  // scheduler steps taken by this call
  bool idle = false;         // nothing left scheduled
  bool livelock = false;     // stopped at max_events with work still queued
};

class World {
 public:
  explicit World(const WorldOptions& options = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Loop& loop() { return scheduler_; }
  Scheduler& scheduler() { return scheduler_; }
  Rng& rng() { return rng_; }
  Trace& trace() { return trace_; }
  Network& network() { return *network_; }
  Buggify& buggify() { return buggify_; }
  // A BUGGIFY site of the code under test (stream::Hooks::buggify): fires
  // as Buggify::fire does, and a firing is a trace event ("buggify SITE").
  bool buggify_site(std::string_view site) {
    if (!buggify_.fire(site, rng_)) return false;
    record("buggify", site);
    return true;
  }
  const WorldOptions& options() const { return options_; }
  Micros now() const { return scheduler_.now(); }

  // Hosts: name (a DNS name too) and an address ("10.0.0.N" when empty).
  // net_for(name) adds the host when there is none of that name yet.
  int add_host(std::string name, std::string ip = "");
  int host(std::string_view name) const;  // -1 if unknown
  Net& net_for(int host) { return network_->net(host); }
  Net& net_for(std::string_view name);

  // Driving. Each returns how many events ran. run_until_idle reports a
  // livelock instead of spinning forever (docs/sim.md).
  RunResult run_until_idle(std::uint64_t max_events);
  RunResult run_for(Micros span, std::uint64_t max_events = 100'000'000);
  RunResult run_until(Micros deadline, std::uint64_t max_events = 100'000'000);
  bool step() { return scheduler_.step(); }

  // Faults: a whole plan (scheduled at each action's time) or one action now.
  void install(const FaultPlan& plan);
  void apply(const FaultAction& action);

  // Higher layers record their own observable events (stream states, ...).
  void record(std::string_view kind, std::string_view text) { trace_.record(now(), kind, text); }

  // Invariant hook: any layer reports a broken invariant here.
  void violation(std::string text);
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  WorldOptions options_;
  Trace trace_;
  Scheduler scheduler_;
  Rng rng_;
  Rng net_rng_;
  Buggify buggify_;
  std::unique_ptr<Network> network_;
  std::vector<std::string> violations_;
};

}  // namespace ss::sim
