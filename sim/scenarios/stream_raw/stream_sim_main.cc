// ss-sim-streams: runs the stream scenarios by seed, like tools/ss-sim.
//
//   bazel run //sim/scenarios/stream_raw:ss-sim-streams -- --seeds 500
//   bazel run //sim/scenarios/stream_raw:ss-sim-streams -- --seed 17 --trace
//
// Prints one line per failing seed (or per seed with --seed), the derived
// options of a failing seed, its violations and, with --trace, its trace.
// Exit status 1 when any seed failed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/scenarios/stream_raw/stream_scenario.h"

int main(int argc, char** argv) {
  std::uint64_t first = 1, count = 100;
  bool one = false, trace = false;
  std::string name = "stream-raw";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) {
      first = std::strtoull(argv[++i], nullptr, 10);
      count = 1;
      one = true;
    } else if (a == "--seeds" && i + 1 < argc) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--trace") {
      trace = true;
    } else if (a == "--scenario" && i + 1 < argc) {
      name = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--scenario stream-raw] [--seed N | --seeds N] [--trace]\n",
                   argv[0]);
      return 2;
    }
  }
  ss::sim::ScenarioRegistry registry;
  ss::sim::register_stream_scenarios(registry);
  const ss::sim::Scenario* scenario = registry.find(name);
  if (!scenario) {
    std::fprintf(stderr, "unknown scenario '%s'\n", name.c_str());
    return 2;
  }
  int failed = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    ss::sim::RunConfig cfg;
    cfg.keep_trace = trace;
    const ss::sim::SeedOutcome out = ss::sim::run_seed(*scenario, seed, cfg);
    const bool bad = !out.violations.empty() || out.livelock;
    if (bad || one) {
      std::printf("seed %llu: %s hash=%016llx events=%llu sim_time=%lldus\n",
                  static_cast<unsigned long long>(seed), bad ? "FAIL" : "ok",
                  static_cast<unsigned long long>(out.hash),
                  static_cast<unsigned long long>(out.events),
                  static_cast<long long>(out.sim_time));
      std::printf("%s", scenario->derive(seed)->describe().c_str());
      for (const auto& v : out.violations) std::printf("  violation: %s\n", v.c_str());
      if (trace) std::printf("%s", out.trace.c_str());
    }
    failed += bad;
  }
  std::printf("%s: %llu seeds, %d failed\n", name.c_str(), static_cast<unsigned long long>(count),
              failed);
  return failed ? 1 : 0;
}
