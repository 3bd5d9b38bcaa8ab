#include "sim/scenarios/world/world_scenario.h"

#include <gtest/gtest.h>

namespace ss::sim {
namespace {
TEST(World, Placeholder) {
  WorldScenario w;
  const SeedOutcome o = run_seed(w, 1);
  EXPECT_FALSE(o.livelock);
  for (const auto& v : o.violations) ADD_FAILURE() << v;
}
}  // namespace
}  // namespace ss::sim
