// Faults: the seeded fault plan and FoundationDB-style buggify sites.
//
// A FaultPlan is a list of timed actions; World::install(plan) schedules each
// one, and World::apply(action) is the same thing as a direct test call.
// Every plan prints (to_string) so a failing seed's report is self-contained.
//
// Buggify (FoundationDB style; docs/sim.md "Faults"): a site is a string naming a place in the
// simulator ("sim_net.tiny_segment"). When buggify is on for a run, each site
// is switched on or off once per run (p = 1/4, decided from the run seed and
// the site name, so the order sites are first reached does not matter), and
// an enabled site then fires with p = 1/4 from the run's Rng.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/endpoint.h"
#include "runtime/core/rng.h"
#include "runtime/core/time.h"

namespace ss::sim {

enum class FaultKind {
  kRefuse,            // connects to host/endpoint are refused for `duration`
  kBlackhole,         // connects to host/endpoint get no answer (connect timeout)
  kDnsNxdomain,       // `name` does not resolve for `duration`
  kDnsTimeout,        // resolving `name` times out for `duration`
  kReset,             // a live connection (chosen at apply time) is reset
  kHalfClose,         // the peer of a live connection sends EOF
  kStall,             // a live connection moves no bytes for `duration`
  kClog,              // link host<->peer_host moves no bytes for `duration`
  kPartitionOneWay,   // host -> peer_host unreachable for `duration`
  kPartitionTwoWay,   // host <-> peer_host unreachable for `duration`
  kListenerRestart,   // listener at host/endpoint goes away for `duration`
};

const char* fault_kind_name(FaultKind kind);

struct FaultAction {
  Micros at = 0;
  FaultKind kind = FaultKind::kReset;
  std::string host;       // target host (listener faults, link faults)
  std::string peer_host;  // link faults
  Endpoint endpoint;      // listener faults (as the listener bound it)
  std::string name;       // DNS faults
  Micros duration = 0;

  std::string to_string() const;
};

struct FaultPlan {
  std::vector<FaultAction> actions;  // sorted by `at`
  std::string to_string() const;    // one action per line
};

// What a random plan may aim at.
struct FaultSpace {
  std::vector<std::string> hosts;
  std::vector<std::pair<std::string, Endpoint>> listeners;  // host, bound endpoint
  std::vector<std::string> names;
  Micros horizon = seconds(2);   // actions happen in [0, horizon)
  Micros max_duration = millis(300);
  int max_actions = 4;
};

FaultPlan random_fault_plan(Rng& rng, const FaultSpace& space);
// The same, drawing each action's kind only from `kinds` (swarm testing:
// a world enables a subset of the kinds). Empty `kinds`: an empty plan.
// With all kinds in enum order it draws exactly what the plain one does.
FaultPlan random_fault_plan(Rng& rng, const FaultSpace& space, const std::vector<FaultKind>& kinds);

class Buggify {
 public:
  Buggify(std::uint64_t seed, bool enabled) : seed_(seed), enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  // True when `site` is on for this run and fires this time.
  bool fire(std::string_view site, Rng& rng);
  // Sites reached so far and whether each is on (for printing).
  const std::map<std::string, bool, std::less<>>& sites() const { return sites_; }

 private:
  std::uint64_t seed_;
  bool enabled_;
  std::map<std::string, bool, std::less<>> sites_;
};

}  // namespace ss::sim
