// Seed sweep of the "stream-h1" scenario: no violations, and every seed gives
// the same trace hash when run twice. Sharded (TEST_TOTAL_SHARDS).
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "sim/scenarios/stream_h1/h1_scenario.h"

namespace ss::sim {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(H1Scenario, SeedsRunCleanAndReplayExactly) {
  const auto scenario = make_stream_h1_scenario();
  const int shards = env_int("TEST_TOTAL_SHARDS", 1);
  const int shard = env_int("TEST_SHARD_INDEX", 0);
  if (const char* f = std::getenv("TEST_SHARD_STATUS_FILE")) std::fclose(std::fopen(f, "w"));
  std::set<std::uint64_t> hashes;
  int ran = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    if (static_cast<int>(seed % static_cast<std::uint64_t>(shards)) != shard) continue;
    const SeedOutcome a = run_seed(*scenario, seed);
    const SeedOutcome b = run_seed(*scenario, seed);
    ASSERT_FALSE(a.livelock) << "seed " << seed << " never came to rest";
    ASSERT_TRUE(a.violations.empty()) << "seed " << seed << ": " << a.violations.front()
                                      << "\nreproduce: bazel run //tools:ss-sim -- --scenario stream-h1 --seed "
                                      << seed;
    ASSERT_EQ(a.hash, b.hash) << "seed " << seed << " diverged on replay";
    hashes.insert(a.hash);
    ++ran;
  }
  EXPECT_EQ(hashes.size(), static_cast<std::size_t>(ran)) << "two seeds gave the same run";
}

}  // namespace
}  // namespace ss::sim
