// A seed sweep as a gtest check, for scenario tests: seeds first..first+count-1
// (only this shard's share under TEST_TOTAL_SHARDS / TEST_SHARD_INDEX) each
// run twice; every run must come to rest with no violation, the same seed
// must give the same trace hash, and no two seeds may give the same run. A
// failure names the seed and the command that replays it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "sim/scenario.h"

namespace ss::sim::testing {

inline void sweep_seeds(const Scenario& scenario, std::uint64_t first, std::uint64_t count) {
  auto env_int = [](const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v ? std::atoi(v) : fallback;
  };
  const int shards = env_int("TEST_TOTAL_SHARDS", 1);
  const int shard = env_int("TEST_SHARD_INDEX", 0);
  if (const char* f = std::getenv("TEST_SHARD_STATUS_FILE")) std::fclose(std::fopen(f, "w"));
  std::set<std::uint64_t> hashes;
  std::size_t ran = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    if (static_cast<int>(seed % static_cast<std::uint64_t>(shards)) != shard) continue;
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
