// Seed sweep of the "stream-raw" scenario (this process's share of the seeds:
// sim/testing/seed_share.h), plus determinism: one seed, two runs, one trace hash.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sim/scenarios/stream_raw/stream_scenario.h"
#include "sim/testing/seed_share.h"

namespace ss::sim {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(StreamRawScenario, SeedSweepHasNoViolations) {
  auto scenario = make_stream_raw_scenario();
  const testing::SeedShare share = testing::SeedShare::from_env();
  const int seeds = env_int("SS_STREAM_SEEDS", 200);
  for (int seed = 1; seed <= seeds; ++seed) {
    if (!share.runs(static_cast<std::uint64_t>(seed - 1))) continue;
    const SeedOutcome out = run_seed(*scenario, static_cast<std::uint64_t>(seed));
    if (!out.violations.empty() || out.livelock) {
      std::string msg = "seed " + std::to_string(seed) +
                        " (rerun: bazel run //tools:ss-sim -- --scenario stream-raw --seed " + std::to_string(seed) +
                        " --trace):\n" + scenario->derive(seed)->describe();
      for (const auto& v : out.violations) msg += "  violation: " + v + "\n";
      FAIL() << msg;
    }
  }
}

TEST(StreamRawScenario, SameSeedSameTraceHash) {
  auto scenario = make_stream_raw_scenario();
  for (std::uint64_t seed : {3u, 17u, 99u}) {
    const SeedOutcome a = run_seed(*scenario, seed);
    const SeedOutcome b = run_seed(*scenario, seed);
    EXPECT_EQ(a.hash, b.hash) << "seed " << seed;
    EXPECT_EQ(a.events, b.events) << "seed " << seed;
    EXPECT_GT(a.trace_events, 0u);
  }
}

}  // namespace
}  // namespace ss::sim
