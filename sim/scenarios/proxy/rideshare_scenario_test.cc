// Seed sweep of the "rideshare" scenario: seeds 1..120 (sharded) run clean
// and replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/proxy/rideshare_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(RideshareScenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_rideshare_scenario(), 1, 120); }

}  // namespace
}  // namespace ss::sim
