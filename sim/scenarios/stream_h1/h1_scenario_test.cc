// Seed sweep of the "stream-h1" scenario: seeds 1..200 (sharded) run clean and
// replay to the same trace hash (sim/testing/seed_sweep.h).
#include <gtest/gtest.h>

#include "sim/scenarios/stream_h1/h1_scenario.h"
#include "sim/testing/seed_sweep.h"

namespace ss::sim {
namespace {

TEST(H1Scenario, SeedsRunCleanAndReplayExactly) { testing::sweep_seeds(*make_stream_h1_scenario(), 1, 200); }

}  // namespace
}  // namespace ss::sim
