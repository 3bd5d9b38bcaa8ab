// A deliberately broken echo server (drops one byte that arrives as a 1-byte
// read) must be caught by a seed campaign, with a seed that reproduces it.
#include "gtest/gtest.h"
#include "sim/scenario.h"

namespace ss::sim {
namespace {

TEST(PlantedBug, CampaignCatchesItWithAReproducingSeed) {
  auto broken = make_echo_scenario(true);
  std::uint64_t failing = 0;
  for (std::uint64_t seed = 1; seed <= 200 && failing == 0; ++seed) {
    if (!run_seed(*broken, seed).violations.empty()) failing = seed;
  }
  ASSERT_NE(failing, 0u) << "200 seeds did not catch the planted bug";
  const SeedOutcome again = run_seed(*broken, failing);
  ASSERT_FALSE(again.violations.empty()) << "seed " << failing << " does not reproduce";
  EXPECT_EQ(run_seed(*broken, failing).hash, again.hash);
  // The same seed with the correct server is clean.
  EXPECT_TRUE(run_seed(*make_echo_scenario(false), failing).violations.empty());
}

}  // namespace
}  // namespace ss::sim
