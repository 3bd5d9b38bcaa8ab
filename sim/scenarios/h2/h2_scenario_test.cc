// Seed sweep of the "h2" scenario: seeds 1..150 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/h2/h2_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(H2Scenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_h2_scenario(), 1, 150); }

}  // namespace
}  // namespace ss::sim
