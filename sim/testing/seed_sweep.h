// A seed sweep as a gtest check, for scenario tests: seeds first..first+count-1
// (only this process's share, seed_share.h) each
// run twice; every run must come to rest with no violation, the same seed
// must give the same trace hash, and no two seeds may give the same run. A
// failure names the seed and the command that replays it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "sim/scenario.h"
#include "sim/testing/seed_share.h"

namespace ss::sim::testing {

inline void sweep_seeds(const Scenario& scenario, std::uint64_t first, std::uint64_t count) {
  const SeedShare share = SeedShare::from_env();
  std::set<std::uint64_t> hashes;
  std::size_t ran = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    if (!share.runs(seed - first)) continue;
    const SeedOutcome a = run_seed(scenario, seed);
    const SeedOutcome b = run_seed(scenario, seed);
    const std::string replay =
        "bazel run //tools:ss-sim -- --scenario " + scenario.name() + " --seed " + std::to_string(seed) + " --trace";
    ASSERT_FALSE(a.livelock) << "seed " << seed << " never came to rest\nreplay: " << replay;
    ASSERT_TRUE(a.violations.empty()) << "seed " << seed << ": " << a.violations.front() << "\nreplay: " << replay;
    ASSERT_EQ(a.hash, b.hash) << "seed " << seed << " diverged on replay";
    hashes.insert(a.hash);
    ++ran;
  }
  EXPECT_EQ(hashes.size(), ran) << "two seeds gave the same run";
}

}  // namespace ss::sim::testing
