// Seed sweep of the "server" scenario: seeds 1..150 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/server/server_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(ServerScenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_server_scenario(), 1, 150); }

}  // namespace
}  // namespace ss::sim
