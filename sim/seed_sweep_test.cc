// Seed sweep of the built-in echo scenario: >= 1,000 seeds, each run twice.
// Same seed => same trace hash; different seeds => different hashes; a
// no violations. (The swapped-ties perturbation is trace_hash_test.)
// Seeds are split over Bazel test shards (sim/testing/seed_share.h) by this
// test itself; main() stops gtest from also sharding test cases.
#include <cstdlib>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "sim/scenario.h"
#include "sim/testing/seed_share.h"

namespace ss::sim {
namespace {

constexpr std::uint64_t kSeeds = 1000;

TEST(SeedSweep, EachSeedTwiceSameHashDistinctAcrossSeedsNoViolations) {
  const testing::SeedShare share = testing::SeedShare::from_env();
  auto scenario = make_echo_scenario(false);
  std::map<std::uint64_t, std::uint64_t> seed_of_hash;
  std::uint64_t ran = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    if (!share.runs(seed - 1)) continue;
    const SeedOutcome first = run_seed(*scenario, seed);
    const SeedOutcome second = run_seed(*scenario, seed);
    ++ran;
    ASSERT_EQ(first.hash, second.hash) << "seed " << seed << " is not deterministic";
    ASSERT_EQ(first.events, second.events) << "seed " << seed;
    EXPECT_TRUE(first.violations.empty())
        << "seed " << seed << ": " << first.violations.front()
        << "\nreproduce: bazel run //tools:ss-sim -- --scenario echo --seed " << seed << " --trace";
    auto [it, fresh] = seed_of_hash.emplace(first.hash, seed);
    EXPECT_TRUE(fresh) << "seeds " << it->second << " and " << seed << " share hash " << hex64(first.hash);
  }
  EXPECT_EQ(ran, share.share_of(kSeeds));
}

}  // namespace
}  // namespace ss::sim

int main(int argc, char** argv) {
  // Bazel exports GTEST_TOTAL_SHARDS too; the seeds are sharded above, so
  // every shard must run the one test case.
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
