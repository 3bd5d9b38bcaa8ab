// The determinism self-check of a campaign (docs/sim.md, "Reproduce and
// look"): `--recheck F` runs a fraction F of the seeds twice in their worker
// and one in five of those a third time in a fresh ss-sim process
// (fresh_run.h), and compares the trace hashes. A seed whose runs differ is
// a failure of kind nondeterminism, reported with both hashes and the first
// trace event that differs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.h"
#include "sim/trace.h"
#include "tools/campaign/result.h"

namespace ss::campaign {

inline constexpr double kDefaultRecheck = 1.0 / 20;
inline constexpr std::uint64_t kFreshOneIn = 5;  // of the rechecked seeds

// Which seeds are rechecked: decided from the seed alone (a mix of its bits
// against F), so the same seeds whatever --jobs or the order they run in.
bool recheck_selected(std::uint64_t seed, double fraction);
// Of those, the ones also run in a fresh process.
bool recheck_fresh(std::uint64_t seed, double fraction);

// "1/20", "0.05", "1", "0": a fraction in [0, 1]. False for anything else.
bool parse_fraction(std::string_view text, double* fraction);

// The first event at which two traces differ; nullopt if they are equal.
// One trace ending early differs at the index where it ended.
struct Divergence {
  std::uint64_t index = 0;
  std::optional<sim::TraceEvent> a, b;  // unset: that trace had ended
};
std::optional<Divergence> first_divergence(const std::vector<sim::TraceEvent>& a,
                                           const std::vector<sim::TraceEvent>& b);
// "first difference at event #12: 0.005000s planted \"run=1\" vs 0.005000s
// planted \"run=2\"" (`(the trace ended)` for a missing side).
std::string describe_divergence(const Divergence& d);

struct RecheckOptions {
  double fraction = kDefaultRecheck;
  std::string scenario;                   // name, for the fresh process
  std::string self_exe = "/proc/self/exe";  // the ss-sim binary the fresh process runs
};

// One seed as a worker runs it, with the self-check when the seed is
// selected: the result of the first run, or a kNondeterminism result with
// recheck_hash and divergence set.
SeedResult run_seed_checked(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                            const RecheckOptions& options);

}  // namespace ss::campaign
