// The planted bug proxy-credit-half (the proxy passes on half of each TXCR
// grant, runtime/proxy/link.cc) must fail a calm proxied world under manual
// credit with [credit]: the reader's grants never all arrive. This binary
// links //runtime/core:planted_switch statically (docs/sim.md "Planted
// bugs"); the switch reads SS_PLANTED_BUG once per process, so the bug is
// named before anything asks.
#include <gtest/gtest.h>

#include <cstdlib>

#include "runtime/core/planted.h"
#include "sim/scenarios/world/world_testing.h"

namespace ss::sim::world {
namespace {

TEST(WorldPlanted, ProxyCreditHalfIsCredit) {
  ASSERT_EQ(setenv("SS_PLANTED_BUG", "proxy-credit-half", 1), 0);
  ASSERT_TRUE(planted_bug_on("proxy-credit-half")) << "the planted switch is not linked in";
  const SeedOutcome o = run_world_spec(proxied_credit_world());
  EXPECT_TRUE(has_violation(o, "credit")) << all_violations(o);
}

}  // namespace
}  // namespace ss::sim::world
